// A values!() name must be a field of the model (or reach one across a relation).
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Blog {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let _ = dorm::values!(Blog::objects(), id, nmae).fetch(&mut conn)?;
    Ok(())
}
