//! `sqlite_numeric`: Django's storage of a DecimalField on SQLite, as inspectdb writes it for
//! a table Django made; lookups, ordering and aggregates work on it as on any decimal.
use dorm::prelude::*;
use rust_decimal::Decimal;

#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "shop")]
pub struct Product {
    pub id: Auto<i64>,
    #[dorm(max_digits = 8, decimal_places = 2, sqlite_numeric)]
    pub price: Decimal,
    #[dorm(max_digits = 5, decimal_places = 3, sqlite_numeric)]
    pub discount: Option<Decimal>,
}

fn main() {
    let cheap = filter!(Product::objects(), price__lt = Decimal::new(1200, 2), discount__isnull = false);
    let _ = order_by!(cheap, -price);
    let _ = aggregate!(Product::objects(), Sum(price), Avg(price), Max(discount));
    let _ = update!(Product::objects().all(), price = F(price) + Decimal::ONE);
}
