// Shared by the ui-tests: `include!`d by each case.
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "ui")]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    pub age: i32,
    pub nickname: Option<String>,
    pub active: bool,
    pub born: Option<chrono::NaiveDate>,
}
