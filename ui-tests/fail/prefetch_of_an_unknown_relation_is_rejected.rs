// prefetch_related names reverse accessors: `entry_set` by default, here `entries`.
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
    #[dorm(on_delete = cascade, related_name = "entries")]
    pub blog: dorm::ForeignKey<Blog>,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let _ = dorm::prefetch_related!(Blog::objects().all(), entry_set).fetch(&mut conn)?;
    Ok(())
}
