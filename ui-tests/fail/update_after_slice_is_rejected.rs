include!("../models.rs");

fn main() {
    let _ = dorm::update!(Person::objects().all().slice(..5), age = 3);
}
