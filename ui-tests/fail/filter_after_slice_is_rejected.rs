include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects().all().slice(..5), age = 3);
}
