include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), q!(age = 1) | q!(agee = 2));
}
