use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Auto<i64>,
    // Both reverse relations would be called `person` on Person (Django: fields.E304).
    #[dorm(on_delete = set_null)]
    pub father: Option<dorm::ForeignKey<Person>>,
    #[dorm(on_delete = set_null)]
    pub boss: Option<dorm::ForeignKey<Person>>,
}

fn main() {}
