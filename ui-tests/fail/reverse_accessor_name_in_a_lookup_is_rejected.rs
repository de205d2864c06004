// Lookups follow a reverse relation by its query name (`entry`); `entry_set` is the accessor,
// the name prefetch_related! reads. Django: "Cannot resolve keyword 'entry_set' into field".
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
    #[dorm(max_length = 50)]
    pub headline: String,
}

fn main() {
    let _ = prefetch_related!(Blog::objects(), entry_set);
    let _ = filter!(Blog::objects(), entry_set__headline = "x");
}
