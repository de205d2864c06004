include!("../models.rs");

use diesel::Connection as _;

fn main() -> dorm::Result<()> {
    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("sqlite");
    let _ = dorm::distinct_on!(Person::objects().all(), age).fetch(&mut conn)?;
    Ok(())
}
