include!("../models.rs");

/// Per-instance updates computed in the database, on a binding and through `&mut`.
fn birthday(person: &mut Person, conn: &mut dorm::Connection) -> dorm::Result<usize> {
    dorm::update!(person, age = F(age) + 1).execute(conn)
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::migrations::create_tables(&[<Person as dorm::Model>::META], &mut conn)?;
    let mut ann = Person::objects().create(Person { name: "Ann".into(), age: 30, ..Default::default() }, &mut conn)?;
    let changed: usize = dorm::update!(ann, age = F(age) + 1).execute(&mut conn)?;
    assert_eq!((changed, ann.age), (1, 31));
    birthday(&mut ann, &mut conn)?;
    assert_eq!(ann.age, 32);
    dorm::update!(ann, age = F(age) * 2 - 1, name = "Ann B.", active = true).execute(&mut conn)?;
    assert_eq!((ann.age, ann.name.as_str(), ann.active), (63, "Ann B.", true));
    let _: String = dorm::update!(ann, age = F(age) + 1).sql(conn.vendor())?;
    // The update ran once; saving writes the refreshed value as it is.
    ann.save(&mut conn)?;
    assert_eq!(Person::objects().get(ann.id.get().unwrap_or_default(), &mut conn)?.age, 63);
    // On diesel's own connection too.
    if let dorm::Connection::Sqlite(sqlite) = &mut conn {
        dorm::update!(ann, age = F(age) + 1).execute(sqlite)?;
        assert_eq!(ann.age, 64);
    }
    Ok(())
}
