include!("../models.rs");

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    Person::objects().all().slice(..5).delete(&mut conn)?;
    Ok(())
}
