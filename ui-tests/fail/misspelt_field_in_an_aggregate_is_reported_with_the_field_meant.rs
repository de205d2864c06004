// Names inside annotate!/aggregate! expressions are resolved as filter!'s are.
include!("../models.rs");

fn main() {
    let _ = aggregate!(Person::objects(), total = Sum(agee));
}
