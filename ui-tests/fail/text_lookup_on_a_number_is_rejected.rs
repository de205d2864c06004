include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), age__icontains = "4");
}
