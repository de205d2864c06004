use dorm::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Ticket {
    pub id: Auto<i64>,
    #[dorm(primary_key, max_length = 10)]
    pub code: String,
}

fn main() {}
