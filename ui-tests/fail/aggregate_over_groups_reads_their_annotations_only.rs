// Over a grouped QuerySet, aggregate!() reads the groups: their annotations are its names,
// the model's fields are not columns of the groups.
include!("../models.rs");

fn main() {
    let groups = dorm::annotate!(dorm::values!(Person::objects(), active), n = Count(id));
    let _ = dorm::aggregate!(groups, oldest = Max(age));
}
