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

// Inside a lookup that follows a relation, a value reads the QuerySet's row (`F`) or is plain;
// an `OuterRef` there is not supported yet, and does not compile rather than reach the SQL.
fn main() {
    let inner = filter!(Entry::objects(), blog__name = OuterRef(headline));
    let _ = annotate!(Entry::objects(), first = Subquery(values!(inner, id).slice(..1)));
}
