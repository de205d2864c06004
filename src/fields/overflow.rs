//! Overflow: an integer that does not fit its field, whether the database computed it
//! (`update!(qs, n = F(n) + 1)`) or another tool stored it, and a computed decimal beyond its
//! `max_digits`, are an
//! [`Error::InvalidValue`](crate::Error::InvalidValue) naming the model and field on every
//! backend, never a wrapped or converted number.
//!
//! - PostgreSQL refuses such a value itself ("integer out of range", "numeric field
//!   overflow"); an `update!` maps the refusal to the field it computed.
//! - SQLite computes in 64-bit integers, keeps any integer in any column and turns a 64-bit
//!   overflow into a REAL. So on SQLite `update!` writes a computed value to an integer or a
//!   decimal field through `dorm_in_range(value, min, max, scale, field, message)`, which
//!   [`prepare_sqlite`](crate::db::prepare_sqlite) registers and which refuses a value outside
//!   the field's [`Range`]; and a model reads its integers through [`Stored`], which refuses
//!   a stored value that does not fit the field instead of wrapping it (a decimal is read
//!   exactly, whatever its digits, as Django reads it).
//!
//! The message is the same on both backends: PostgreSQL's words for integers (what Django
//! raises as `DataError`), Django's `DecimalValidator` words for decimals.
//!
//! ```
//! use dorm::fields::overflow::Range;
//! use dorm::fields::FieldKind;
//!
//! let range = Range::of_kind(FieldKind::SmallIntegerField).unwrap();
//! assert_eq!((range.min, range.max), (-32768, 32767));
//! assert_eq!(range.message(), "smallint out of range");
//! ```

use std::borrow::Cow;

use diesel::deserialize::{self, FromSql};

use crate::fields::limits::ValueError;
use crate::fields::{DecimalStorage, FieldKind, FieldMeta};

/// What a field's column can hold, as the range of the integer stored for it (for a decimal,
/// of the value scaled by `10^decimal_places`: dorm's storage holds that integer, Django's
/// storage the number itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The smallest value stored (scaled).
    pub min: i64,
    /// The largest value stored (scaled).
    pub max: i64,
    /// The power of ten the stored number is multiplied by before it is compared: 0, except
    /// for a decimal in Django's storage (`decimal_places`).
    pub scale: u32,
    what: What,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Int(&'static str),
    /// A decimal scaled by `10^places`: `max_digits`, `decimal_places`.
    Decimal(u32, u32),
}

const SMALLINT: &str = "smallint out of range";
const INTEGER: &str = "integer out of range";
const BIGINT: &str = "bigint out of range";
/// PostgreSQL's refusal of a decimal beyond its precision.
const NUMERIC: &str = "numeric field overflow";

impl Range {
    /// The range of an integer column of `kind` (a key column too), `None` for other kinds.
    pub const fn of_kind(kind: FieldKind) -> Option<Range> {
        use FieldKind::*;
        let (min, max, message) = match kind {
            SmallAutoField | SmallIntegerField | PositiveSmallIntegerField => {
                (i16::MIN as i64, i16::MAX as i64, SMALLINT)
            }
            AutoField | IntegerField | PositiveIntegerField => {
                (i32::MIN as i64, i32::MAX as i64, INTEGER)
            }
            BigAutoField | BigIntegerField | PositiveBigIntegerField => {
                (i64::MIN, i64::MAX, BIGINT)
            }
            _ => return None,
        };
        Some(Range {
            min,
            max,
            scale: 0,
            what: What::Int(message),
        })
    }

    /// The range of what dorm stores for `field` on SQLite: its integer range, a decimal's
    /// `max_digits` digits (scaled by `10^decimal_places`), the key's range for a foreign
    /// key; `None` for anything else.
    pub fn of_field(field: &FieldMeta) -> Option<Range> {
        match field.kind {
            FieldKind::DecimalField => match field.max_digits {
                Some(digits) if digits <= 18 => {
                    let places = field.decimal_places.unwrap_or(0);
                    let max = 10i64.pow(digits) - 1;
                    Some(Range {
                        min: -max,
                        max,
                        scale: match field.decimal_storage {
                            DecimalStorage::Scaled => 0,
                            DecimalStorage::Numeric => places,
                        },
                        what: What::Decimal(digits, places),
                    })
                }
                _ => None,
            },
            FieldKind::ForeignKey | FieldKind::OneToOneField => {
                field.key_kind.and_then(Range::of_kind)
            }
            kind => Range::of_kind(kind),
        }
    }

    /// The error message for a value outside the range.
    pub fn message(&self) -> Cow<'static, str> {
        match self.what {
            What::Int(message) => Cow::Borrowed(message),
            What::Decimal(digits, places) => Cow::Owned(decimal_message(digits, places)),
        }
    }

    /// True when PostgreSQL's refusal `message` is this range's kind of overflow.
    fn refused_by(&self, message: &str) -> bool {
        match self.what {
            What::Int(words) => message.contains(words),
            What::Decimal(..) => message.contains(NUMERIC),
        }
    }
}

/// Django's `DecimalValidator` message for too many digits before the decimal point.
fn decimal_message(digits: u32, places: u32) -> String {
    format!(
        "Ensure that there are no more than {} digits before the decimal point.",
        digits.saturating_sub(places)
    )
}

/// True when a database message is PostgreSQL's refusal of an out-of-range number.
pub(crate) fn is_overflow(message: &str) -> bool {
    [SMALLINT, INTEGER, BIGINT, NUMERIC]
        .iter()
        .any(|words| message.contains(words))
}

/// PostgreSQL refused a computed value as out of range: the error names the fields (`labels`
/// with their ranges) that `update!` computed and that could have overflowed that way.
pub(crate) fn refusal(message: &str, computed: &[(String, Range)]) -> Option<ValueError> {
    if !is_overflow(message) {
        return None;
    }
    let matching: Vec<&(String, Range)> = computed
        .iter()
        .filter(|(_, range)| range.refused_by(message))
        .collect();
    let first = matching.first()?;
    Some(ValueError {
        field: matching
            .iter()
            .map(|(label, _)| label.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        message: first.1.message().into_owned(),
    })
}

/// The prefix of the error `dorm_in_range` raises on SQLite, followed by `field: message`.
pub(crate) const SQLITE_REFUSAL: &str = "dorm: value out of range for ";

/// The typed form of `dorm_in_range`'s error message.
pub(crate) fn sqlite_refusal(message: &str) -> Option<ValueError> {
    let rest = message.strip_prefix(SQLITE_REFUSAL)?;
    let (field, message) = rest.split_once(": ")?;
    Some(ValueError {
        field: field.to_string(),
        message: message.to_string(),
    })
}

/// A value a model reads: the field's value, or why what is stored does not fit it. The
/// derive reads integer fields through it and turns a refusal into
/// [`Error::InvalidValue`](crate::Error::InvalidValue) naming the field.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T>(Result<T, Refusal>);

/// Why a value read does not fit: the message, and the value as SQLite held it.
#[derive(Debug, Clone, PartialEq)]
struct Refusal {
    message: Cow<'static, str>,
    held: String,
}

impl<T, ST, DB> diesel::deserialize::Queryable<ST, DB> for Stored<T>
where
    DB: diesel::backend::Backend,
    ST: diesel::sql_types::SingleValue,
    Self: FromSql<ST, DB>,
{
    type Row = Self;
    #[inline]
    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}

/// A row value read through [`Stored`] (possibly nullable), turned into the field's value.
pub trait StoredRead {
    /// The field's value.
    type Value;
    /// The value, or the refusal naming `field` (`Model.field`).
    fn checked(self, field: &'static str) -> deserialize::Result<Self::Value>;
}

impl<T> Stored<T> {
    /// The value, or the refusal naming what `name` returns (an annotation's name). The
    /// database computed the value, so the message is the one PostgreSQL gives for it.
    #[inline]
    pub fn checked_as(self, name: &dyn Fn() -> String) -> deserialize::Result<T> {
        self.0.map_err(|refusal| {
            Box::new(ValueError {
                field: name(),
                message: refusal.message.into_owned(),
            }) as Box<dyn std::error::Error + Send + Sync>
        })
    }
}

impl<T> StoredRead for Stored<T> {
    type Value = T;
    #[inline]
    fn checked(self, field: &'static str) -> deserialize::Result<T> {
        self.0.map_err(|refusal| {
            Box::new(ValueError {
                field: field.to_string(),
                message: format!("{} ({} is stored)", refusal.message, refusal.held),
            }) as Box<dyn std::error::Error + Send + Sync>
        })
    }
}

impl<T> StoredRead for Option<Stored<T>> {
    type Value = Option<T>;
    #[inline]
    fn checked(self, field: &'static str) -> deserialize::Result<Option<T>> {
        self.map(|value| value.checked(field)).transpose()
    }
}

#[cfg(feature = "postgres")]
mod pg {
    use super::*;
    use diesel::pg::{Pg, PgValue};
    use diesel::sql_types::{BigInt, Integer, SmallInt};

    macro_rules! delegate {
        ($($rust:ty => $st:ty),*) => {$(
            impl FromSql<$st, Pg> for Stored<$rust> {
                #[inline]
                fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                    <$rust as FromSql<$st, Pg>>::from_sql(value).map(|v| Stored(Ok(v)))
                }
            }
        )*};
    }
    delegate!(i16 => SmallInt, i32 => Integer, i64 => BigInt);
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use diesel::sql_types::{BigInt, Integer, SmallInt};
    use diesel::sqlite::{Sqlite, SqliteType, SqliteValue};

    /// An integer as SQLite stored it: a whole REAL or a numeric TEXT within range is taken
    /// as the integer it spells, anything else is refused.
    fn read_integer(
        value: &mut SqliteValue<'_, '_, '_>,
        min: i64,
        max: i64,
    ) -> Result<i64, String> {
        match value.value_type() {
            Some(SqliteType::Long) => {
                let v = value.read_long();
                if (min..=max).contains(&v) {
                    Ok(v)
                } else {
                    Err(v.to_string())
                }
            }
            Some(SqliteType::Double) => {
                let f = value.read_double();
                // Only a whole REAL that holds its integer exactly (below 2^53): a larger one
                // is what SQLite makes of a 64-bit overflow, already rounded.
                const EXACT: f64 = (1u64 << 53) as f64;
                if f.fract() == 0.0 && f.abs() < EXACT && (min..=max).contains(&(f as i64)) {
                    Ok(f as i64)
                } else {
                    Err(f.to_string())
                }
            }
            Some(SqliteType::Text) => {
                let text = value.read_text();
                match text.trim().parse::<i64>() {
                    Ok(v) if (min..=max).contains(&v) => Ok(v),
                    _ => Err(format!("{text:?}")),
                }
            }
            _ => Err("a blob".to_string()),
        }
    }

    /// `v` as a `T`, when it fits (a function, so that `i64` itself needs no special case).
    #[inline]
    fn fits<T: TryFrom<i64>>(v: i64) -> Option<T> {
        T::try_from(v).ok()
    }

    macro_rules! checked_int {
        ($($rust:ty => $st:ty, $kind:ident);*) => {$(
            impl FromSql<$st, Sqlite> for Stored<$rust> {
                #[inline]
                fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                    // The common case first: an INTEGER within range.
                    if let Some(SqliteType::Long) = value.value_type() {
                        if let Some(v) = fits::<$rust>(value.read_long()) {
                            return Ok(Stored(Ok(v)));
                        }
                    }
                    let range = const { match Range::of_kind(FieldKind::$kind) {
                        Some(range) => range,
                        None => panic!("an integer kind"),
                    } };
                    Ok(Stored(
                        read_integer(&mut value, range.min, range.max)
                            // In range by construction.
                            .map(|v| v as $rust)
                            .map_err(|held| Refusal { message: range.message(), held }),
                    ))
                }
            }
        )*};
    }
    checked_int!(i16 => SmallInt, SmallIntegerField; i32 => Integer, IntegerField; i64 => BigInt, BigIntegerField);

    /// What `dorm_in_range` reads and returns: a number as SQLite holds it.
    #[derive(Debug, Clone, Copy)]
    enum Number {
        Int(i64),
        Real(f64),
    }

    /// A value that is no number (TEXT or a blob): refused by `dorm_in_range`.
    impl FromSql<BigInt, Sqlite> for Number {
        fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
            match value.value_type() {
                Some(SqliteType::Long) => Ok(Number::Int(value.read_long())),
                Some(SqliteType::Double) => Ok(Number::Real(value.read_double())),
                _ => Ok(Number::Real(f64::NAN)),
            }
        }
    }

    impl Number {
        /// The number scaled by `10^scale` and rounded half-to-even (Django's quantize), when
        /// it is one: a REAL stands for its 15 significant digits; with `scale` 0 only a REAL
        /// that holds its integer exactly is one (a larger one is SQLite's 64-bit overflow).
        fn scaled(self, scale: u32) -> Option<i128> {
            match (self, scale) {
                (Number::Int(v), 0) => Some(i128::from(v)),
                (Number::Real(f), 0) => {
                    const EXACT: f64 = (1u64 << 53) as f64;
                    (f.fract() == 0.0 && f.abs() < EXACT).then_some(f as i128)
                }
                (Number::Int(v), s) => i128::from(v).checked_mul(10i128.checked_pow(s)?),
                (Number::Real(f), s) => {
                    if !f.is_finite() {
                        return None;
                    }
                    let d = rust_decimal::Decimal::from_scientific(&format!("{f:.14e}")).ok()?;
                    let mut d = d.round_dp_with_strategy(
                        s,
                        rust_decimal::RoundingStrategy::MidpointNearestEven,
                    );
                    d.rescale(s);
                    Some(d.mantissa())
                }
            }
        }
    }

    /// What `dorm_in_range` returns: the value, or its refusal as the SQLite error.
    #[derive(Debug)]
    struct Outcome(Result<Option<Number>, String>);

    impl diesel::serialize::ToSql<diesel::sql_types::Nullable<BigInt>, Sqlite> for Outcome {
        fn to_sql<'b>(
            &'b self,
            out: &mut diesel::serialize::Output<'b, '_, Sqlite>,
        ) -> diesel::serialize::Result {
            match &self.0 {
                Ok(None) => Ok(diesel::serialize::IsNull::Yes),
                Ok(Some(Number::Int(v))) => {
                    out.set_value(*v);
                    Ok(diesel::serialize::IsNull::No)
                }
                Ok(Some(Number::Real(f))) => {
                    out.set_value(*f);
                    Ok(diesel::serialize::IsNull::No)
                }
                Err(message) => Err(message.clone().into()),
            }
        }
    }

    impl diesel::expression::AsExpression<diesel::sql_types::Nullable<BigInt>> for Outcome {
        type Expression = diesel::internal::derives::as_expression::Bound<
            diesel::sql_types::Nullable<BigInt>,
            Self,
        >;
        fn as_expression(self) -> Self::Expression {
            diesel::internal::derives::as_expression::Bound::new(self)
        }
    }

    /// Registers `dorm_in_range(value, min, max, scale, field, message)` on a SQLite
    /// connection: the value unchanged when it is NULL or a number that, scaled by
    /// `10^scale`, is an integer within `min..=max`; else an error naming the field.
    pub(crate) fn register_sqlite_in_range(
        conn: &mut diesel::SqliteConnection,
    ) -> diesel::QueryResult<()> {
        use diesel::sql_types::{Nullable, Text};
        diesel::define_sql_function! {
            fn dorm_in_range(value: Nullable<BigInt>, min: BigInt, max: BigInt, scale: Integer, field: Text, message: Text) -> Nullable<BigInt>;
        }
        dorm_in_range_utils::register_impl(
            conn,
            |value: Option<Number>,
             min: i64,
             max: i64,
             scale: i32,
             field: String,
             message: String| {
                let Some(value) = value else {
                    return Outcome(Ok(None));
                };
                let scale = u32::try_from(scale).unwrap_or(0);
                let range = i128::from(min)..=i128::from(max);
                Outcome(match value.scaled(scale) {
                    Some(v) if range.contains(&v) => Ok(Some(match (value, scale) {
                        // An integer column keeps a whole REAL as the integer it is.
                        (Number::Real(_), 0) => Number::Int(v as i64),
                        _ => value,
                    })),
                    _ => Err(format!("{SQLITE_REFUSAL}{field}: {message}")),
                })
            },
        )
    }
}

#[cfg(feature = "sqlite")]
pub(crate) use sqlite::register_sqlite_in_range;

/// A value `update!` writes, checked against its field's range on SQLite when the database
/// computes it (see the module docs); on PostgreSQL the value itself.
#[derive(Debug, Clone)]
pub struct InRange<E> {
    expr: E,
    check: Option<Check>,
}

#[derive(Debug, Clone)]
struct Check {
    range: Range,
    /// `range.scale` as SQLite binds it.
    scale: i32,
    field: String,
    message: Cow<'static, str>,
}

impl<E> InRange<E> {
    /// `expr` as is.
    pub fn unchecked(expr: E) -> Self {
        InRange { expr, check: None }
    }

    /// `expr`, checked against `range` as the value of `field` (`Model.field`).
    pub fn checked(expr: E, range: Range, field: String) -> Self {
        InRange {
            expr,
            check: Some(Check {
                range,
                scale: range.scale as i32,
                field,
                message: range.message(),
            }),
        }
    }
}

mod node {
    use super::InRange;
    use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
    use diesel::query_builder::{AstPass, QueryFragment, QueryId};
    use diesel::QueryResult;

    impl<E: Expression> Expression for InRange<E> {
        type SqlType = E::SqlType;
    }
    impl<E: ValidGrouping<G>, G> ValidGrouping<G> for InRange<E> {
        type IsAggregate = E::IsAggregate;
    }
    impl<E: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for InRange<E> where Self: Expression {}
    impl<E: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for InRange<E> where
        Self: AppearsOnTable<QS>
    {
    }
    impl<E: QueryId> QueryId for InRange<E> {
        type QueryId = InRange<E::QueryId>;
        // Whether there is a check depends on the types only (the value's kind and the
        // field); its bounds and names are binds.
        const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
    }

    #[cfg(feature = "postgres")]
    impl<E: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for InRange<E> {
        fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
            // PostgreSQL refuses an out-of-range value itself.
            self.expr.walk_ast(out)
        }
    }

    #[cfg(feature = "sqlite")]
    impl<E: QueryFragment<diesel::sqlite::Sqlite>> QueryFragment<diesel::sqlite::Sqlite>
        for InRange<E>
    {
        fn walk_ast<'b>(
            &'b self,
            mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>,
        ) -> QueryResult<()> {
            use diesel::sql_types::{BigInt, Text};
            let Some(check) = &self.check else {
                return self.expr.walk_ast(out);
            };
            out.push_sql("dorm_in_range(");
            self.expr.walk_ast(out.reborrow())?;
            out.push_sql(", ");
            out.push_bind_param::<BigInt, i64>(&check.range.min)?;
            out.push_sql(", ");
            out.push_bind_param::<BigInt, i64>(&check.range.max)?;
            out.push_sql(", ");
            out.push_bind_param::<diesel::sql_types::Integer, i32>(&check.scale)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, String>(&check.field)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, str>(&check.message)?;
            out.push_sql(")");
            Ok(())
        }
    }
}
