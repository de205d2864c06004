// aggregate!() over distinct values would need Django's subquery over the distinct rows,
// which dorm does not build yet: it does not compile rather than ignore `distinct()`.
include!("../models.rs");

fn main() {
    let ages = dorm::values!(Person::objects(), age).distinct();
    let _ = dorm::aggregate!(ages, total = Sum(age));
}
