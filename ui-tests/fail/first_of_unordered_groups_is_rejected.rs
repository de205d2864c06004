// Django: TypeError: Cannot use QuerySet.first() on an unordered queryset performing
// aggregation. Add an ordering with order_by().
include!("../models.rs");

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let groups = dorm::annotate!(dorm::values!(Person::objects(), active), n = Count(id));
    let _ = groups.first(&mut conn)?;
    Ok(())
}
