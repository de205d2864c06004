use dorm::prelude::*;

#[derive(Model, Debug, Clone)]
pub struct Venue {
    pub id: Auto<i64>,
    #[dorm(decimal_places = 10)]
    pub latitude: rust_decimal::Decimal,
}

fn main() {}
