//! Long `__in` lists as one bind parameter: `column = ANY($1)` with an array on PostgreSQL,
//! `column IN (SELECT value FROM json_each(?))` with a JSON array on SQLite. A list longer than
//! [`PACK_ABOVE`] values takes this form, so any length works within the backends' bind limits
//! (32,766 parameters on SQLite, 65,535 on PostgreSQL); shorter lists stay `IN (?, ?, ...)`.
//!
//! A value packs when its type implements [`SqliteJson`] for the field's SQL type (every plain
//! value type dorm binds: integers, floats, booleans, text, dates, times, date-times, decimals,
//! choices, and foreign keys through their key). `F(...)` and other expressions in a list stay
//! one parameter each.
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Reading {
//!     pub id: Auto<i64>,
//!     pub value: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Reading::META], &mut conn)?;
//! Reading::objects().bulk_create((0..10).map(|value| Reading { value, ..Default::default() }).collect(), &mut conn)?;
//! // 50,000 values: more than SQLite's 32,766 bind parameters, bound as one.
//! let wanted: Vec<i32> = (5..50_005).collect();
//! assert_eq!(filter!(Reading::objects(), value__in = wanted.clone()).count(&mut conn)?, 5);
//! assert_eq!(exclude!(Reading::objects(), value__in = wanted).count(&mut conn)?, 5);
//! # Ok(()) }
//! ```

use std::fmt::{self, Debug, Write as _};
use std::marker::PhantomData;
use std::sync::Arc;

use diesel::query_builder::AstPass;
use diesel::result::QueryResult;

/// Lists longer than this are bound as one array (see the module docs); up to this length,
/// one parameter per value is as fast or faster.
pub const PACK_ABOVE: usize = 1000;

/// The error of a value that cannot be written.
pub type PackError = Box<dyn std::error::Error + Send + Sync>;

/// How a value of SQL type `ST` is written as an element of a JSON array, so that SQLite's
/// `json_each` yields exactly what dorm stores for it (integers as numbers, text as strings,
/// dates as `YYYY-MM-DD` strings, decimals as scaled integers, ...).
pub trait SqliteJson<ST> {
    /// Appends the JSON element to `out`.
    fn write_json(&self, out: &mut String) -> Result<(), PackError>;
}

macro_rules! json_numbers {
    ($($st:ty => $rust:ty),*) => {$(
        impl SqliteJson<$st> for $rust {
            fn write_json(&self, out: &mut String) -> Result<(), PackError> {
                write!(out, "{self}")?;
                Ok(())
            }
        }
    )*};
}
json_numbers!(
    diesel::sql_types::SmallInt => i16,
    diesel::sql_types::Integer => i32,
    diesel::sql_types::BigInt => i64
);

macro_rules! json_floats {
    ($($st:ty => $rust:ty),*) => {$(
        impl SqliteJson<$st> for $rust {
            fn write_json(&self, out: &mut String) -> Result<(), PackError> {
                // SQLite binds NaN as NULL, which matches nothing; so does a JSON null.
                if self.is_finite() {
                    write!(out, "{:?}", f64::from(*self))?;
                } else {
                    out.push_str("null");
                }
                Ok(())
            }
        }
    )*};
}
json_floats!(diesel::sql_types::Float => f32, diesel::sql_types::Double => f64);

impl SqliteJson<diesel::sql_types::Bool> for bool {
    fn write_json(&self, out: &mut String) -> Result<(), PackError> {
        out.push_str(if *self { "1" } else { "0" });
        Ok(())
    }
}

/// Appends `text` as a JSON string.
pub(crate) fn write_json_string(text: &str, out: &mut String) -> Result<(), PackError> {
    // NUL is refused in every text value, packed or not (see `values::NoNul`).
    crate::fields::limits::check_nul("", text)?;
    out.push_str(&serde_json::to_string(text)?);
    Ok(())
}

impl SqliteJson<diesel::sql_types::Text> for String {
    fn write_json(&self, out: &mut String) -> Result<(), PackError> {
        write_json_string(self, out)
    }
}

impl SqliteJson<diesel::sql_types::Date> for chrono::NaiveDate {
    fn write_json(&self, out: &mut String) -> Result<(), PackError> {
        // diesel's SQLite format for dates.
        write!(out, "\"{}\"", self.format("%F"))?;
        Ok(())
    }
}

impl SqliteJson<diesel::sql_types::Time> for chrono::NaiveTime {
    fn write_json(&self, out: &mut String) -> Result<(), PackError> {
        // diesel's SQLite format for times.
        write!(out, "\"{}\"", self.format("%T%.f"))?;
        Ok(())
    }
}

impl<T: crate::fields::Choices> SqliteJson<diesel::sql_types::Text> for T {
    fn write_json(&self, out: &mut String) -> Result<(), PackError> {
        write_json_string(self.value(), out)
    }
}

/// A list of values bound as one parameter; see the module docs.
pub trait PackedList: Debug + Send + Sync {
    /// How many values.
    fn len(&self) -> usize;
    /// True for no values.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Pushes the JSON array text as one bind parameter.
    #[cfg(feature = "sqlite")]
    fn push_sqlite<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> QueryResult<()>;
    /// Pushes the array as one bind parameter.
    #[cfg(feature = "postgres")]
    fn push_pg<'b>(&'b self, out: &mut AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()>;
}

/// Values of Rust type `T` for a field of SQL type `ST` (without `Nullable`).
pub struct PackedValues<ST, T> {
    values: Vec<T>,
    sql_type: PhantomData<fn() -> ST>,
}

impl<ST, T> PackedValues<ST, T> {
    /// The values.
    pub fn new(values: Vec<T>) -> Self {
        PackedValues {
            values,
            sql_type: PhantomData,
        }
    }
}

impl<ST, T: Debug> Debug for PackedValues<ST, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.values).finish()
    }
}

/// What a value type needs to be packed on PostgreSQL (nothing without the `postgres` feature).
#[cfg(feature = "postgres")]
pub trait PgArrayElement<ST>: Sized {
    /// Pushes `values` as one array parameter.
    fn push_array<'b>(
        values: &'b [Self],
        out: &mut AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()>;
}
#[cfg(feature = "postgres")]
impl<ST: 'static, T> PgArrayElement<ST> for T
where
    T: diesel::serialize::ToSql<ST, diesel::pg::Pg>,
    diesel::pg::Pg: diesel::sql_types::HasSqlType<ST>,
{
    fn push_array<'b>(
        values: &'b [Self],
        out: &mut AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_bind_param::<diesel::sql_types::Array<ST>, [T]>(values)
    }
}
/// What a value type needs to be packed on PostgreSQL (nothing without the `postgres` feature).
#[cfg(not(feature = "postgres"))]
pub trait PgArrayElement<ST> {}
#[cfg(not(feature = "postgres"))]
impl<ST, T> PgArrayElement<ST> for T {}

#[cfg(feature = "sqlite")]
impl<ST, T: SqliteJson<ST>>
    diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>
    for PackedValues<ST, T>
where
    T: Debug,
{
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
    ) -> diesel::serialize::Result {
        let mut json = String::with_capacity(self.values.len() * 8 + 2);
        json.push('[');
        for (i, value) in self.values.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            value.write_json(&mut json)?;
        }
        json.push(']');
        out.set_value(json);
        Ok(diesel::serialize::IsNull::No)
    }
}

impl<ST, T> PackedList for PackedValues<ST, T>
where
    ST: 'static,
    T: SqliteJson<ST> + PgArrayElement<ST> + Debug + Send + Sync + 'static,
{
    fn len(&self) -> usize {
        self.values.len()
    }
    #[cfg(feature = "sqlite")]
    fn push_sqlite<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> QueryResult<()> {
        out.push_bind_param::<diesel::sql_types::Text, Self>(self)
    }
    #[cfg(feature = "postgres")]
    fn push_pg<'b>(&'b self, out: &mut AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        T::push_array(&self.values, out)
    }
}

/// The right-hand side of `__in`: one expression per value, or values packed into one bind
/// parameter.
#[derive(Debug, Clone)]
pub enum InValues<E> {
    /// `IN (a, b, c)`.
    Exprs(Vec<E>),
    /// One parameter holding every value.
    Packed(Arc<dyn PackedList>),
}

impl<E> InValues<E> {
    /// One expression per value.
    pub fn exprs(values: impl IntoIterator<Item = impl Into<E>>) -> Self {
        InValues::Exprs(values.into_iter().map(Into::into).collect())
    }
}

/// Builds the right-hand side of `__in` for values `V` that convert to `T` (their owned form)
/// and to an expression `E`: packed above [`PACK_ABOVE`] values. Used by `SqlValue` impls.
#[doc(hidden)]
pub fn __in_values<ST, T, V, E>(
    values: impl IntoIterator<Item = V>,
    owned: impl FnMut(V) -> T,
    expr: impl FnMut(V) -> E,
) -> InValues<E>
where
    ST: 'static,
    T: SqliteJson<ST> + PgArrayElement<ST> + Debug + Send + Sync + 'static,
{
    let values = values.into_iter();
    if values.size_hint().1.is_some_and(|n| n <= PACK_ABOVE) {
        return InValues::Exprs(values.map(expr).collect());
    }
    let values: Vec<V> = values.collect();
    if values.len() <= PACK_ABOVE {
        InValues::Exprs(values.into_iter().map(expr).collect())
    } else {
        InValues::Packed(Arc::new(PackedValues::<ST, T>::new(
            values.into_iter().map(owned).collect(),
        )))
    }
}
