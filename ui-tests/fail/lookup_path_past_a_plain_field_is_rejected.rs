include!("../models.rs");

fn main() {
    // `age` is neither a relation nor JSON: `__` cannot go past it.
    let _ = filter!(Person::objects(), age__value__gt = 3);
}
