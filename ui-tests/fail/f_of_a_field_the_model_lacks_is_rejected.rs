include!("../models.rs");

// `stories_filed` belongs to another model (Reporter), not to Person.
fn main() {
    let _ = filter!(Person::objects(), age = F(stories_filed));
}
