// `Model::objects()` answers every QuerySet verb and macro without `.all()`, as Django's
// managers do (`Person.objects.count()`, `.first()`, `.order_by(...)`).
use dorm::prelude::*;

#[derive(Model, Debug, Clone)]
#[dorm(ordering(name))]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    pub age: i32,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[Person::META], &mut conn)?;
    for (name, age) in [("Bob", 17), ("Ann", 34)] {
        let person = Person {
            name: name.into(),
            age,
            ..Default::default()
        };
        Person::objects().create(person, &mut conn)?;
    }
    assert_eq!(Person::objects().count(&mut conn)?, 2);
    assert!(Person::objects().exists(&mut conn)?);
    assert_eq!(Person::objects().fetch(&mut conn)?.len(), 2);
    assert_eq!(Person::objects().first(&mut conn)?.map(|p| p.name), Some("Ann".into()));
    assert_eq!(Person::objects().last(&mut conn)?.map(|p| p.name), Some("Bob".into()));
    let by_age = dorm::order_by!(Person::objects(), -age).fetch(&mut conn)?;
    assert_eq!(by_age[0].name, "Ann");
    assert_eq!(Person::objects().reverse().slice(..1).fetch(&mut conn)?[0].name, "Bob");
    assert_eq!(Person::objects().iterator(&mut conn)?.count(), 2);
    let names = dorm::values_list!(Person::objects(), name).fetch(&mut conn)?;
    assert_eq!(names, ["Ann", "Bob"]);
    assert_eq!(dorm::only!(Person::objects(), name).fetch(&mut conn)?.len(), 2);
    assert_eq!(dorm::defer!(Person::objects(), age).fetch(&mut conn)?.len(), 2);
    dorm::update!(Person::objects(), age = 1).execute(&mut conn)?;
    Ok(())
}
