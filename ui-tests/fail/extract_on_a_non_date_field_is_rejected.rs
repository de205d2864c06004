include!("../models.rs");

use dorm::expressions::functions::{DatePart, Extract};

fn main() {
    // Django: ValueError: Extract input expression must be DateField, DateTimeField, ...
    let _ = annotate!(Person::objects(), year = Extract(name, DatePart::Year));
}
