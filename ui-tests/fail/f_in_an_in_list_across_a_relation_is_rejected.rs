use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    pub rating: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub blog: dorm::ForeignKey<Blog>,
    pub rating: i32,
}

// Across a relation, `__in` takes plain values or a subquery: an `F()` in the list would read
// the related row, not the entry's.
fn main() {
    let _ = filter!(Entry::objects(), blog__rating__in = [F(rating)]);
}
