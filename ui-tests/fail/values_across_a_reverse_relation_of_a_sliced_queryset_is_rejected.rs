// values! across a reverse relation joins the related rows; Django slices the joined rows,
// so a slice taken before the join would mean something else: slice the result instead.
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
    let first_ten = Blog::objects().all().slice(..10);
    let _ = dorm::values!(first_ten, name, entries__headline).fetch(&mut conn)?;
    Ok(())
}
