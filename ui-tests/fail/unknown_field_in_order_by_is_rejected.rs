include!("../models.rs");

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let _ = dorm::order_by!(Person::objects().all(), -birthday).fetch(&mut conn)?;
    Ok(())
}
