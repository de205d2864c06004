include!("../models.rs");

// Django: FieldError: Cannot infer type of '+' expression involving these types:
// IntegerField, CharField. You must set output_field.
fn main() {
    let _ = dorm::annotate!(Person::objects(), x = F(age) + F(name));
}
