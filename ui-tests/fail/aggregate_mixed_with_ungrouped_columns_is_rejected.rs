// Django: `Person.objects.annotate(m=Max("age"))` groups by every column, so each row's "max"
// is its own age; SQL without that GROUP BY is invalid. dorm asks to group first.
include!("../models.rs");

fn main() {
    let _ = dorm::annotate!(Person::objects(), oldest = Max(age));
}
