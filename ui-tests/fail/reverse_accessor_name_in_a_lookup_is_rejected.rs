// Lookups follow a reverse relation by its query name (`entry`); `entry_set` is the accessor,
// the name prefetch_related! reads. Django: "Cannot resolve keyword 'entry_set' into field".
include!("../blog_models.rs");

fn main() {
    let _ = prefetch_related!(Blog::objects(), entry_set);
    let _ = filter!(Blog::objects(), entry_set__headline = "x");
}
