// A row loaded with `select_related!(qs, blog)` has its blog; reading another relation that
// the query did not load does not compile.
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
    #[dorm(on_delete = cascade)]
    pub author: dorm::ForeignKey<Author>,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    for entry in dorm::select_related!(Entry::objects().all(), blog).fetch(&mut conn)? {
        println!("{}", dorm::related!(entry.blog).name);
        println!("{}", dorm::related!(entry.author).name);
    }
    Ok(())
}
