include!("../models.rs");

fn main() {
    let _ = filter!(Person::objects(), name__has_key = "InvoiceNumber");
}
