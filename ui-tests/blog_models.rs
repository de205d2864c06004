// A blog and its entries (a foreign key without related_name): `include!`d by the ui-tests
// about relation names.
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
    #[dorm(max_length = 50)]
    pub headline: String,
}
