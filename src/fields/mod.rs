//! Fields: the auto primary key ([`Auto`]), field kinds and options ([`FieldMeta`]), and
//! choices ([`Choices`]).
//!
//! A model's field is declared by its Rust type plus `#[dorm(...)]` options, as Django declares
//! `models.CharField(max_length=50, unique=True)`:
//!
//! | Django | dorm field type | options |
//! |---|---|---|
//! | `BigAutoField` (default pk) / `AutoField` / `SmallAutoField` | `Auto<i64>` / `Auto<i32>` / `Auto<i16>` | |
//! | `CharField(max_length)` | `String` | `max_length = N` |
//! | `TextField` | `String` | (no `max_length`) or `text` |
//! | `EmailField` / `URLField` / `SlugField` | `String` | `email` / `url` / `slug` |
//! | `SmallIntegerField` / `IntegerField` / `BigIntegerField` | `i16` / `i32` / `i64` | `positive` adds `CHECK (col >= 0)` |
//! | `BooleanField` / `FloatField` | `bool` / `f64` | |
//! | `DecimalField(max_digits, decimal_places)` | `rust_decimal::Decimal` | `max_digits = 18, decimal_places = 10` |
//! | `DateField` / `TimeField` / `DateTimeField` | `NaiveDate` / `NaiveTime` / `DateTime<Utc>` | `auto_now`, `auto_now_add` |
//! | `JSONField` | `serde_json::Value` or any `Serialize + DeserializeOwned` type | `json` for non-`Value` types |
//! | `FileField` / `ImageField` | `String` (the stored path) | `file` / `image`, `upload_to = path::to::fn` |
//! | `ForeignKey` | `ForeignKey<Target>` (`ForeignKey<Target, i32>` for another key type) | `on_delete = cascade` (required) |
//!
//! `Option<T>` makes any of them nullable (`null=True`). Common options: `unique`,
//! `db_index`, `db_column = "name"`, `default = <expr>` (a literal, an expression or a function
//! call), `choices` (the type derives [`Choices`]), `verbose_name = "..."`, `primary_key`.

mod auto;
mod choices;
pub mod limits;
mod meta;
pub mod overflow;

pub use auto::Auto;
pub use choices::Choices;
pub use meta::{DecimalStorage, DefaultMeta, FieldKind, FieldMeta};

/// The current time in UTC at microsecond precision, as `auto_now` fields store it (every
/// backend keeps microseconds, so the value in memory equals the value read back).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(6)
}

/// Today's date in UTC, as `auto_now` date fields store it.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[doc(hidden)]
pub use choices::__const_str_eq;
