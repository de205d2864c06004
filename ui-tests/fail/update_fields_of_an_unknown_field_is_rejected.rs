// save(update_fields=[...]) names fields through the model's fields struct: a misspelt name is
// rustc's own "no field" error at the user's token, with the name meant
// (Django: ValueError: The following fields do not exist in this model ...: agee).
use dorm::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    pub age: i32,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let mut ann = Person::objects().get(1, &mut conn)?;
    ann.age += 1;
    ann.save_update_fields(|f| [f.agee], &mut conn)?;
    Ok(())
}
