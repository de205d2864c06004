use dorm::prelude::*;

#[derive(Choices, Debug, Clone, Copy, PartialEq)]
pub enum Country {
    #[choice("de", "Germany")]
    Germany,
    #[choice("nl", "The Netherlands")]
    Netherlands,
}

#[derive(Model, Debug, Clone)]
pub struct City {
    pub id: Auto<i64>,
    #[dorm(choices, max_length = 2, default = "fr")]
    pub country: Country,
}

fn main() {}
