// Field lists are written through the model's fields struct and keep compiling in every form
// Django's `update_fields` and `bulk_update` take.
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
    dorm::migrations::create_tables(&[Person::META], &mut conn)?;
    let mut ann = Person::objects().create(
        Person {
            name: "Ann".into(),
            age: 30,
            ..Default::default()
        },
        &mut conn,
    )?;
    ann.age += 1;
    ann.save_update_fields(|f| [f.age], &mut conn)?;
    ann.save_update_fields(|f| [f.age, f.name], &mut conn)?;
    ann.save_update_fields(|f| vec![f.name], &mut conn)?;
    let people = Person::objects().all().fetch(&mut conn)?;
    let n = Person::objects().bulk_update(&people, |f| [f.name, f.age], &mut conn)?;
    assert_eq!(n, 1);
    Ok(())
}
