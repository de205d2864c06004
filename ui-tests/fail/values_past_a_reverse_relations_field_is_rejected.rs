// values! across a reverse relation ends at a field of the related model: Django would join
// further (`entries__blog__name`), dorm reads one reverse relation deep.
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
    #[dorm(max_length = 50)]
    pub headline: String,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let _ = dorm::values!(Blog::objects(), name, entries__blog__name).fetch(&mut conn)?;
    Ok(())
}
