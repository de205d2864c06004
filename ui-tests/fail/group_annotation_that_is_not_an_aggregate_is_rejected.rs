// After values!(), each annotation is computed per group: a per-row field is ungrouped.
include!("../models.rs");

fn main() {
    let _ = dorm::annotate!(dorm::values!(Person::objects(), active), years = age);
}
