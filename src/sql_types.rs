//! SQL types dorm adds to diesel's, so that values behave the same on every backend.
//!
//! * [`FixedDecimal<MAX_DIGITS, PLACES>`]: Django's `DecimalField`. PostgreSQL stores
//!   `numeric(MAX_DIGITS, PLACES)`; SQLite stores the value scaled by `10^PLACES` as a 64-bit
//!   integer, so it round-trips exactly and compares, orders and sums correctly (diesel's own
//!   SQLite path goes through `f64`). Values are rounded half-to-even to `PLACES` on the way in,
//!   as Django's `DecimalField` does; more than `MAX_DIGITS` digits is an error, not a silent
//!   truncation. SQLite supports `MAX_DIGITS <= 18`. `FixedDecimal<P, S, true>` is Django's own
//!   SQLite storage instead (`#[dorm(sqlite_numeric)]`, what `inspectdb` writes for a
//!   `decimal` column): INTEGER for whole values and REAL otherwise in a column of NUMERIC
//!   affinity, read back from any storage class and rounded to `PLACES`, so databases
//!   Django (or any other tool) wrote are read and written as Django does.
//! * [`DateTimeUtc`]: Django's `DateTimeField` with `USE_TZ = True`: `timestamptz` on
//!   PostgreSQL, ISO-8601 text with a fixed six-digit fraction and `+00:00` on SQLite (so text
//!   order is time order), microsecond precision on both.
//! * [`Json`]: Django's `JSONField`: `jsonb` on PostgreSQL, text on SQLite.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::query_builder::QueryId;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{is_nullable, HasSqlType, SingleValue, SqlType};

/// Django's `DecimalField(max_digits, decimal_places)` as a SQL type. See the module docs.
/// `SQLITE_NUMERIC` picks Django's own SQLite storage instead of dorm's scaled integers
/// (`#[dorm(sqlite_numeric)]`, [`DecimalStorage::Numeric`](crate::fields::DecimalStorage)).
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedDecimal<
    const MAX_DIGITS: u32,
    const PLACES: u32,
    const SQLITE_NUMERIC: bool = false,
>;

/// Django's `DateTimeField` (time-zone aware, UTC) as a SQL type. See the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateTimeUtc;

/// Django's `JSONField` as a SQL type. See the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

macro_rules! sql_type_basics {
    ([$($g:tt)*] $t:ty) => {
        impl<$($g)*> SqlType for $t {
            type IsNull = is_nullable::NotNull;
        }
        impl<$($g)*> SingleValue for $t {}
        impl<$($g)*> QueryId for $t {
            type QueryId = Self;
            const HAS_STATIC_QUERY_ID: bool = true;
        }
    };
}
sql_type_basics!([const P: u32, const S: u32, const N: bool] FixedDecimal<P, S, N>);
sql_type_basics!([] DateTimeUtc);
sql_type_basics!([] Json);

// Rust values of the three types, as lookup values (owned and borrowed, plain and nullable).
// dorm binds them itself: diesel's `AsExpression` cannot be implemented for other crates' types.
crate::__dorm_sql_values!([const P: u32, const S: u32, const N: bool] FixedDecimal<P, S, N> => rust_decimal::Decimal);
crate::__dorm_sql_values!([] DateTimeUtc => chrono::DateTime<chrono::Utc>);
crate::__dorm_sql_values!([] Json => serde_json::Value);

impl<const P: u32, const S: u32, const N: bool> diesel::sql_types::ops::Add
    for FixedDecimal<P, S, N>
{
    type Rhs = Self;
    type Output = Self;
}
impl<const P: u32, const S: u32, const N: bool> diesel::sql_types::ops::Sub
    for FixedDecimal<P, S, N>
{
    type Rhs = Self;
    type Output = Self;
}
impl<const P: u32, const S: u32, const N: bool> diesel::sql_types::SqlOrd
    for FixedDecimal<P, S, N>
{
}
impl diesel::sql_types::SqlOrd for DateTimeUtc {}
impl<const P: u32, const S: u32, const N: bool> diesel::sql_types::Foldable
    for FixedDecimal<P, S, N>
{
    type Sum = diesel::sql_types::Nullable<Self>;
    type Avg = diesel::sql_types::Nullable<Self>;
}

impl<const P: u32, const S: u32, const N: bool> crate::lookups::SqliteJson<FixedDecimal<P, S, N>>
    for rust_decimal::Decimal
{
    fn write_json(&self, out: &mut String) -> Result<(), crate::lookups::PackError> {
        if N {
            // Django's storage: the number itself, as it is bound.
            let f = rust_decimal::prelude::ToPrimitive::to_f64(&quantize(self, P, S)?)
                .ok_or_else(|| format!("{self} cannot be stored as a SQLite number"))?;
            out.push_str(&f.to_string());
            return Ok(());
        }
        // The scaled integer SQLite stores.
        let scaled = i64::try_from(quantize(self, P, S)?.mantissa())
            .map_err(|_| format!("{self} is out of range for SQLite's scaled decimals"))?;
        out.push_str(&scaled.to_string());
        Ok(())
    }
}
impl crate::lookups::SqliteJson<DateTimeUtc> for chrono::DateTime<chrono::Utc> {
    fn write_json(&self, out: &mut String) -> Result<(), crate::lookups::PackError> {
        out.push('"');
        out.push_str(&self.format(SQLITE_DATETIME_FORMAT).to_string());
        out.push('"');
        Ok(())
    }
}
impl crate::lookups::SqliteJson<Json> for serde_json::Value {
    fn write_json(&self, out: &mut String) -> Result<(), crate::lookups::PackError> {
        // SQLite stores the document's text.
        crate::lookups::write_json_string(&serde_json::to_string(self)?, out)
    }
}

/// How SQLite stores a [`DateTimeUtc`].
const SQLITE_DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f+00:00";

/// Rounds `value` half-to-even to `places` and checks it has at most `max_digits` digits.
pub(crate) fn quantize(
    value: &rust_decimal::Decimal,
    max_digits: u32,
    places: u32,
) -> Result<rust_decimal::Decimal, crate::fields::limits::ValueError> {
    let mut v =
        value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointNearestEven);
    v.rescale(places);
    let digits = v
        .mantissa()
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d + 1);
    if digits > max_digits {
        // Django's DecimalValidator, with the value.
        return Err(crate::fields::limits::ValueError {
            field: String::new(),
            message: format!(
                "Ensure that there are no more than {} digits before the decimal point ({value} has {}; max_digits={max_digits}, decimal_places={places}).",
                max_digits - places,
                digits.saturating_sub(places)
            ),
        });
    }
    Ok(v)
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use diesel::sqlite::{Sqlite, SqliteType};

    const DATETIME_FORMAT: &str = super::SQLITE_DATETIME_FORMAT;

    impl<const P: u32, const S: u32, const N: bool> HasSqlType<FixedDecimal<P, S, N>> for Sqlite {
        fn metadata(_: &mut ()) -> SqliteType {
            if N {
                SqliteType::Double
            } else {
                SqliteType::Long
            }
        }
    }
    impl HasSqlType<DateTimeUtc> for Sqlite {
        fn metadata(_: &mut ()) -> SqliteType {
            SqliteType::Text
        }
    }
    impl HasSqlType<Json> for Sqlite {
        fn metadata(_: &mut ()) -> SqliteType {
            SqliteType::Text
        }
    }

    impl<const P: u32, const S: u32, const N: bool> ToSql<FixedDecimal<P, S, N>, Sqlite>
        for rust_decimal::Decimal
    {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
            let v = quantize(self, P, S)?;
            if N {
                // Django's storage: the column's NUMERIC affinity keeps a whole value as an
                // INTEGER and any other as a REAL.
                let f = rust_decimal::prelude::ToPrimitive::to_f64(&v)
                    .ok_or_else(|| format!("{self} cannot be stored as a SQLite number"))?;
                out.set_value(f);
                return Ok(IsNull::No);
            }
            let scaled = i64::try_from(v.mantissa())
                .map_err(|_| format!("{self} is out of range for SQLite's scaled decimals"))?;
            out.set_value(scaled);
            Ok(IsNull::No)
        }
    }

    impl<const P: u32, const S: u32, const N: bool> FromSql<FixedDecimal<P, S, N>, Sqlite>
        for rust_decimal::Decimal
    {
        fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
            if N {
                return read_numeric::<S>(value);
            }
            match value.value_type() {
                Some(SqliteType::Double) => {
                    // AVG() of scaled integers comes back as REAL.
                    let f = value.read_double() / 10f64.powi(S as i32);
                    rust_decimal::Decimal::try_from(f)
                        .map(|d| d.round_dp(S))
                        .map_err(|e| e.to_string().into())
                }
                Some(SqliteType::Text) => value
                    .read_text()
                    .parse::<rust_decimal::Decimal>()
                    .map_err(|e| e.to_string().into()),
                _ => Ok(rust_decimal::Decimal::from_i128_with_scale(
                    i128::from(value.read_long()),
                    S,
                )),
            }
        }
    }

    /// A number Django's way: INTEGER, REAL (15 significant digits, as Django's converter
    /// reads it) or TEXT, rounded half-to-even to `S` places.
    fn read_numeric<const S: u32>(
        mut value: <Sqlite as Backend>::RawValue<'_>,
    ) -> deserialize::Result<rust_decimal::Decimal> {
        let exact = match value.value_type() {
            Some(SqliteType::Double) => {
                let f = value.read_double();
                let text = format!("{f:.*e}", 14);
                rust_decimal::Decimal::from_scientific(&text).map_err(|e| format!("{f}: {e}"))?
            }
            Some(SqliteType::Text) => {
                let text = value.read_text();
                let text = text.trim();
                text.parse::<rust_decimal::Decimal>()
                    .or_else(|_| rust_decimal::Decimal::from_scientific(text))
                    .map_err(|e| format!("{text:?} is not a decimal number: {e}"))?
            }
            _ => rust_decimal::Decimal::from(value.read_long()),
        };
        let mut v =
            exact.round_dp_with_strategy(S, rust_decimal::RoundingStrategy::MidpointNearestEven);
        v.rescale(S);
        Ok(v)
    }

    impl ToSql<DateTimeUtc, Sqlite> for chrono::DateTime<chrono::Utc> {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
            // Six fraction digits: truncated to the microsecond, as on PostgreSQL.
            crate::fields::limits::check_year("", chrono::Datelike::year(self))?;
            out.set_value(self.format(DATETIME_FORMAT).to_string());
            Ok(IsNull::No)
        }
    }
    impl FromSql<DateTimeUtc, Sqlite> for chrono::DateTime<chrono::Utc> {
        fn from_sql(value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
            <Self as FromSql<diesel::sql_types::TimestamptzSqlite, Sqlite>>::from_sql(value)
        }
    }

    impl ToSql<Json, Sqlite> for serde_json::Value {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
            out.set_value(serde_json::to_string(self)?);
            Ok(IsNull::No)
        }
    }
    impl FromSql<Json, Sqlite> for serde_json::Value {
        fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
            Ok(serde_json::from_str(value.read_text())?)
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use diesel::pg::{Pg, PgTypeMetadata};
    use diesel::sql_types::{Jsonb, Numeric, Timestamptz};

    impl<const P: u32, const S: u32, const N: bool> HasSqlType<FixedDecimal<P, S, N>> for Pg {
        fn metadata(lookup: &mut Self::MetadataLookup) -> PgTypeMetadata {
            <Pg as HasSqlType<Numeric>>::metadata(lookup)
        }
    }
    impl HasSqlType<DateTimeUtc> for Pg {
        fn metadata(lookup: &mut Self::MetadataLookup) -> PgTypeMetadata {
            <Pg as HasSqlType<Timestamptz>>::metadata(lookup)
        }
    }
    impl HasSqlType<Json> for Pg {
        fn metadata(lookup: &mut Self::MetadataLookup) -> PgTypeMetadata {
            <Pg as HasSqlType<Jsonb>>::metadata(lookup)
        }
    }

    impl<const P: u32, const S: u32, const N: bool> ToSql<FixedDecimal<P, S, N>, Pg>
        for rust_decimal::Decimal
    {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            let v = quantize(self, P, S)?;
            <rust_decimal::Decimal as ToSql<Numeric, Pg>>::to_sql(&v, &mut out.reborrow())
        }
    }
    impl<const P: u32, const S: u32, const N: bool> FromSql<FixedDecimal<P, S, N>, Pg>
        for rust_decimal::Decimal
    {
        fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
            <rust_decimal::Decimal as FromSql<Numeric, Pg>>::from_sql(value)
        }
    }

    impl ToSql<DateTimeUtc, Pg> for chrono::DateTime<chrono::Utc> {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            crate::fields::limits::check_year("", chrono::Datelike::year(self))?;
            // Truncated to the microsecond (Django's rule, and SQLite's six digits): diesel
            // rounds towards 2000-01-01, which for earlier times is up, not down.
            let nanos = chrono::Timelike::nanosecond(self);
            if nanos % 1_000 == 0 {
                return <Self as ToSql<Timestamptz, Pg>>::to_sql(self, out);
            }
            let truncated = chrono::Timelike::with_nanosecond(self, nanos - nanos % 1_000)
                .ok_or("a datetime that cannot be truncated to microseconds")?;
            <Self as ToSql<Timestamptz, Pg>>::to_sql(&truncated, &mut out.reborrow())
        }
    }
    impl FromSql<DateTimeUtc, Pg> for chrono::DateTime<chrono::Utc> {
        fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
            <Self as FromSql<Timestamptz, Pg>>::from_sql(value)
        }
    }

    impl ToSql<Json, Pg> for serde_json::Value {
        fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
            <Self as ToSql<Jsonb, Pg>>::to_sql(self, out)
        }
    }
    impl FromSql<Json, Pg> for serde_json::Value {
        fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
            <Self as FromSql<Jsonb, Pg>>::from_sql(value)
        }
    }
}
