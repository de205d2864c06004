use dorm::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Product {
    pub id: Auto<i64>,
    #[dorm(sqlite_numeric)]
    pub stock: i32,
}

fn main() {}
