include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), active__gt = false);
}
