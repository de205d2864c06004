include!("../models.rs");

use dorm::field;

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let rows = dorm::only!(Person::objects().all(), name).fetch(&mut conn)?;
    // `age` was not loaded.
    let _ = rows[0].get(field!(age));
    Ok(())
}
