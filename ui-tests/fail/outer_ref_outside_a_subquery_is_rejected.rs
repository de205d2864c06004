use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Post {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub post: dorm::ForeignKey<Post>,
}

// Django: ValueError: This queryset contains a reference to an outer query and may only be
// used in a subquery.
fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let _ = filter!(Comment::objects(), post = OuterRef(pk)).fetch(&mut conn)?;
    Ok(())
}
