// `order_by!(qs, blog__name)` follows the foreign key `blog`; `headline` is not a relation.
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub headline: String,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let _ = dorm::order_by!(Entry::objects().all(), headline__length).fetch(&mut conn)?;
    Ok(())
}
