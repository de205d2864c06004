include!("../models.rs");

// Django: ValueError: Cannot extract time component 'hour' from DateField 'born'.
fn main() {
    let _ = annotate!(Person::objects(), h = ExtractHour(born));
}
