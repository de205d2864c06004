// The scrap book's N+1: `for person in Person.objects.all(): person.father` runs one query per
// person. In dorm a plain row carries no related rows, so reading one does not compile.
use dorm::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(on_delete = set_null, related_name = "children")]
    pub father: Option<dorm::ForeignKey<Person>>,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    for person in Person::objects().all().fetch(&mut conn)? {
        println!("{:?}", dorm::related!(person.father));
    }
    Ok(())
}
