// Django: TypeError: Complex aggregates require an alias / ... is not an aggregate expression.
include!("../models.rs");

fn main() {
    let _ = dorm::aggregate!(Person::objects(), years = age + 1);
}
