include!("../models.rs");

fn main() {
    let _ = dorm::update!(Person::objects().all(), name = F(name) + 1);
}
