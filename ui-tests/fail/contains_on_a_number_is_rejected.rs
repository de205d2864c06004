include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), age__contains = 4);
}
