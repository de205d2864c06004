use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    // Blog's key is an i64 (Auto<i64>), not an i32.
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog, i32>,
}

fn main() {}
