// A many-to-many relation to Topping takes Toppings (or their keys), not Pizzas
// (Django: TypeError: 'Topping' instance expected).
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
    let hawaii = Pizza::objects().get(1, &mut conn)?;
    let margherita = Pizza::objects().get(2, &mut conn)?;
    hawaii.toppings().add([&margherita], &mut conn)?;
    Ok(())
}
