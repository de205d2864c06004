include!("../models.rs");

fn main() {
    let _ = dorm::order_by!(Person::objects().all().slice(..5), name);
}
