// Django: ValueError: The annotation 'age' conflicts with a field on the model.
include!("../models.rs");

fn main() {
    let _ = dorm::annotate!(Person::objects(), age = age + 1);
}
