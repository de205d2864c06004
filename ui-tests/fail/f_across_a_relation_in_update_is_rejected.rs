use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 100)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
    #[dorm(max_length = 100)]
    pub headline: String,
}

// Django: Entry.objects.update(headline=F("blog__name")) raises
// FieldError: Joined field references are not permitted in this query.
fn main() {
    let _ = dorm::update!(Entry::objects().all(), headline = F(blog__name));
}
