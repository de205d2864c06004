include!("../models.rs");

fn main() {
    let _ = dorm::aggregate!(Person::objects(), total = Sum(name));
}
