include!("../models.rs");

// Django: a text lookup's value is prepared as a string; dorm asks for one.
fn main() {
    let _ = filter!(Person::objects(), name__icontains = 3);
}
