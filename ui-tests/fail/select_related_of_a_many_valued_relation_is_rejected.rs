// Django allows only single-valued relations (ForeignKey, OneToOne) in select_related;
// a reverse relation belongs to prefetch_related.
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
    let _ = dorm::select_related!(Blog::objects().all(), entries).fetch(&mut conn)?;
    Ok(())
}
