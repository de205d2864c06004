use dorm::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Orphan {
    pub name: String,
}

fn main() {}
