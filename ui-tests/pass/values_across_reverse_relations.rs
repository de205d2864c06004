// values! across a reverse relation: one row per row and related row (Django's
// `Blog.objects.values("name", "entries__headline")`), Options for the related fields.
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
    pub rating: Option<i32>,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[Blog::META, Entry::META], &mut conn)?;
    let _: Vec<(String, Option<String>, Option<i32>)> = dorm::values!(
        dorm::order_by!(dorm::filter!(Blog::objects(), name__startswith = "B"), name),
        name,
        entries__headline,
        entries__rating
    )
    .fetch(&mut conn)?;
    let _: Vec<Option<String>> = dorm::values_list!(Blog::objects(), entries__headline).fetch(&mut conn)?;
    let _: Vec<(String, Option<String>)> =
        dorm::values!(Entry::objects(), headline, blog__name).fetch(&mut conn)?;
    Ok(())
}
