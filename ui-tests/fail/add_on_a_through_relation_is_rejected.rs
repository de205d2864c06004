// A relation with a `through` model stores extra fields in its join rows, so add() cannot
// create them: create the through model's rows instead.
use dorm::prelude::*;
use dorm::{ForeignKey, ManyToMany};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Group {
    pub id: Auto<i64>,
    #[dorm(through = Membership)]
    pub members: ManyToMany<Person>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Membership {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub group: ForeignKey<Group>,
    #[dorm(on_delete = cascade)]
    pub person: ForeignKey<Person>,
    #[dorm(max_length = 50)]
    pub invite_reason: String,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let beatles = Group::objects().get(1, &mut conn)?;
    let ringo = Person::objects().get(1, &mut conn)?;
    beatles.members().add([&ringo], &mut conn)?;
    Ok(())
}
