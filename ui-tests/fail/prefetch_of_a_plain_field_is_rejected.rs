// prefetch_related follows relations; `name` is a plain field (Django: "does not resolve to an
// item that supports prefetching").
include!("../models.rs");

fn main() {
    let _ = prefetch_related!(Person::objects(), name);
}
