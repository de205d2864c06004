// `n_books` was never annotated: Django raises FieldError at run time.
include!("../models.rs");

fn main() {
    let qs = dorm::annotate!(Person::objects(), next_age = age + 1);
    let _ = filter!(qs, n_books__gt = 3);
}
