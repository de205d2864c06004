include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), name__FirstName = "Daan");
}
