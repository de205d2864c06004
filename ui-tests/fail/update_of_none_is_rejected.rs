include!("../models.rs");

// Django's `Person.objects.none().update(age=1)` writes nothing; dorm refuses to build an
// UPDATE that could not say so.
fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    dorm::update!(Person::objects().none(), age = 1).execute(&mut conn)?;
    Ok(())
}
