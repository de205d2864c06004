include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), born__hour = 12);
}
