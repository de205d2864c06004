include!("../models.rs");

fn main() {
    let _ = dorm::annotate!(dorm::values!(Person::objects(), active), mean = Avg(name));
}
