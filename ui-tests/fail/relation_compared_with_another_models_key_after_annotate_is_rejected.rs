use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    pub id: Auto<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
}

// Django: ValueError: Cannot query "Author object (1)": Must be "Blog" instance.
fn main() {
    let author = dorm::ForeignKey::<Author>::new(1);
    let qs = annotate!(Entry::objects(), twice = F(id) * 2);
    let _ = filter!(qs, blog = author);
}
