// prefetch_related follows relations; `name` is a plain field (Django: "does not resolve to an item that supports prefetching").
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let _ = dorm::prefetch_related!(Blog::objects().all(), name).fetch(&mut conn)?;
    Ok(())
}
