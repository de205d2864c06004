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
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
}

fn main() {
    let _ = select_related!(Entry::objects(), blgo);
}
