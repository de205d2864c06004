// Django: FieldError: Cannot compute Sum('...'): '...' is an aggregate
include!("../models.rs");

fn main() {
    let _ = dorm::aggregate!(Person::objects(), x = Sum(Max(age)));
}
