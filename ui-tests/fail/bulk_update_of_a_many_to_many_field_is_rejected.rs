// bulk_update() takes concrete fields only: a many-to-many relation is not a column and is
// not in the model's fields struct (Django: ValueError: bulk_update() can only be used with
// concrete fields).
use dorm::prelude::*;
use dorm::ManyToMany;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Topping {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Pizza {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    pub toppings: ManyToMany<Topping>,
}

fn main() -> dorm::Result<()> {
    let mut conn = dorm::connect("sqlite::memory:")?;
    let pizzas = Pizza::objects().all().fetch(&mut conn)?;
    Pizza::objects().bulk_update(&pizzas, |f| [f.name, f.toppings], &mut conn)?;
    Ok(())
}
