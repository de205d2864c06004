// A lookup Django does not know is reported where it is written, with the one meant.
include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), name__startwith = "A");
}
