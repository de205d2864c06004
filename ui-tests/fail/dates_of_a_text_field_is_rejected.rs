include!("../models.rs");

// Django: dates() takes the name of a DateField.
fn main() {
    let _ = Person::objects()
        .all()
        .dates(dorm::field!(name), dorm::expressions::functions::TruncKind::Year);
}
