// An annotation is a name like a field's: a misspelt one is reported with the one meant.
include!("../models.rs");

fn main() {
    let qs = annotate!(Person::objects(), next_age = age + 1);
    let _ = filter!(qs, next_ages__gt = 30);
}
