//! Date and time transforms: `pub_date__year`, `__month`, `__day`, `__week` (ISO), `__week_day`
//! (Sunday = 1 ... Saturday = 7, as Django), `__quarter`, `__hour`, `__minute`, `__second`,
//! `__date`. Each can be compared with any lookup that fits its result
//! (`pub_date__year__gte = 2020`). Aware datetimes are read in UTC on every backend.

use std::marker::PhantomData;

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Date, Integer, Nullable, SingleValue, SqlType, Time};

use super::Operand;
use crate::model::Model;
use crate::sql_types::DateTimeUtc;

/// The operand `I` transformed by `T` (`pub_date__year` is `Transformed<name!(pub_date), Year>`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Transformed<I, T>(PhantomData<fn() -> (I, T)>);

/// Whether a SQL type is nullable, so a transform of it is nullable too.
pub trait Nullability {
    /// `T`, or `Nullable<T>` when `Self` is nullable.
    type Of<T: SqlType<IsNull = diesel::sql_types::is_nullable::NotNull> + SingleValue>: SqlType
        + SingleValue;
    /// Stored with a time zone (read it in UTC).
    const AWARE: bool;
}
macro_rules! nullability {
    ($($t:ty => $aware:literal),*) => {$(
        impl Nullability for $t {
            type Of<T: SqlType<IsNull = diesel::sql_types::is_nullable::NotNull> + SingleValue> = T;
            const AWARE: bool = $aware;
        }
        impl Nullability for Nullable<$t> {
            type Of<T: SqlType<IsNull = diesel::sql_types::is_nullable::NotNull> + SingleValue> = Nullable<T>;
            const AWARE: bool = $aware;
        }
    )*};
}
nullability!(Date => false, Time => false, DateTimeUtc => true, diesel::sql_types::Text => false);

/// SQL types with a date part (DateField, DateTimeField).
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup: `year`, `month`, `day`, `week`, `week_day`, `quarter` and `date` need a DateField or DateTimeField, not `{Self}`",
    label = "this field has no date part"
)]
pub trait DateParts: Nullability {}
impl DateParts for Date {}
impl DateParts for Nullable<Date> {}
impl DateParts for DateTimeUtc {}
impl DateParts for Nullable<DateTimeUtc> {}

/// SQL types with a time part (TimeField, DateTimeField).
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup: `hour`, `minute` and `second` need a TimeField or DateTimeField, not `{Self}`",
    label = "this field has no time part"
)]
pub trait TimeParts: Nullability {}
impl TimeParts for Time {}
impl TimeParts for Nullable<Time> {}
impl TimeParts for DateTimeUtc {}
impl TimeParts for Nullable<DateTimeUtc> {}

/// A transform of a value of SQL type `ST`.
pub trait Transform<ST>: Copy + Default + 'static {
    /// The result's SQL type.
    type Output: SqlType + SingleValue;
    /// SQLite: the SQL before and after the operand.
    const SQLITE: (&'static str, &'static str);
    /// PostgreSQL: the SQL before and after the (UTC) operand.
    const POSTGRES: (&'static str, &'static str);
}

macro_rules! transforms {
    ($($(#[$doc:meta])* $name:ident: $gate:ident -> $out:ty, sqlite($sb:literal, $sa:literal), postgres($pb:literal, $pa:literal);)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;
        impl<ST: $gate> Transform<ST> for $name {
            type Output = ST::Of<$out>;
            const SQLITE: (&'static str, &'static str) = ($sb, $sa);
            const POSTGRES: (&'static str, &'static str) = ($pb, $pa);
        }
    )*};
}
transforms! {
    /// `__year`.
    Year: DateParts -> Integer, sqlite("CAST(strftime('%Y', ", ") AS INTEGER)"), postgres("CAST(EXTRACT(YEAR FROM ", ") AS integer)");
    /// `__month` (1-12).
    Month: DateParts -> Integer, sqlite("CAST(strftime('%m', ", ") AS INTEGER)"), postgres("CAST(EXTRACT(MONTH FROM ", ") AS integer)");
    /// `__day` (of the month).
    Day: DateParts -> Integer, sqlite("CAST(strftime('%d', ", ") AS INTEGER)"), postgres("CAST(EXTRACT(DAY FROM ", ") AS integer)");
    /// `__week`: the ISO-8601 week number.
    Week: DateParts -> Integer, sqlite("CAST(strftime('%V', ", ") AS INTEGER)"), postgres("CAST(EXTRACT(WEEK FROM ", ") AS integer)");
    /// `__week_day`: Sunday = 1 ... Saturday = 7.
    WeekDay: DateParts -> Integer, sqlite("(CAST(strftime('%w', ", ") AS INTEGER) + 1)"), postgres("(CAST(EXTRACT(DOW FROM ", ") AS integer) + 1)");
    /// `__quarter` (1-4).
    Quarter: DateParts -> Integer, sqlite("((CAST(strftime('%m', ", ") AS INTEGER) + 2) / 3)"), postgres("CAST(EXTRACT(QUARTER FROM ", ") AS integer)");
    /// `__hour`.
    Hour: TimeParts -> Integer, sqlite("CAST(strftime('%H', ", ") AS INTEGER)"), postgres("CAST(EXTRACT(HOUR FROM ", ") AS integer)");
    /// `__minute`.
    Minute: TimeParts -> Integer, sqlite("CAST(strftime('%M', ", ") AS INTEGER)"), postgres("CAST(EXTRACT(MINUTE FROM ", ") AS integer)");
    /// `__second` (whole seconds).
    Second: TimeParts -> Integer, sqlite("CAST(strftime('%S', ", ") AS INTEGER)"), postgres("CAST(FLOOR(EXTRACT(SECOND FROM ", ")) AS integer)");
    /// `__date`: the date of a datetime (in UTC).
    DateOf: DateParts -> Date, sqlite("date(", ")"), postgres("CAST(", " AS date)");
}

/// SQL types that are text, for `Lower`/`Upper`.
#[diagnostic::on_unimplemented(message = "`Lower` and `Upper` need a text field, not `{Self}`")]
pub trait TextParts: Nullability {}
impl TextParts for diesel::sql_types::Text {}
impl TextParts for Nullable<diesel::sql_types::Text> {}

transforms! {
    /// `Lower(field)`: the text in lower case (for case-insensitive ordering).
    Lower: TextParts -> diesel::sql_types::Text, sqlite("lower(", ")"), postgres("LOWER(", ")");
    /// `Upper(field)`: the text in upper case.
    Upper: TextParts -> diesel::sql_types::Text, sqlite("upper(", ")"), postgres("UPPER(", ")");
}

impl<M, I, T> Operand<M> for Transformed<I, T>
where
    M: Model,
    I: Operand<M>,
    I::SqlType: Nullability,
    T: Transform<I::SqlType>,
    Extract<I::Expr, T, I::SqlType>: Expression<SqlType = T::Output>,
{
    type SqlType = T::Output;
    type Expr = Extract<I::Expr, T, I::SqlType>;
    type Kind = crate::relations::Plain;
    fn operand() -> Self::Expr {
        Extract {
            operand: I::operand(),
            transform: PhantomData,
        }
    }
}

/// The SQL of a transform applied to `E` (of SQL type `ST`).
#[derive(Debug)]
pub struct Extract<E, T, ST> {
    operand: E,
    transform: PhantomData<fn() -> (T, ST)>,
}

impl<E, T, ST> Extract<E, T, ST> {
    /// The transform `T` of `operand`.
    pub(crate) fn new(operand: E) -> Self {
        Extract {
            operand,
            transform: PhantomData,
        }
    }
}

impl<E: Clone, T, ST> Clone for Extract<E, T, ST> {
    fn clone(&self) -> Self {
        Extract {
            operand: self.operand.clone(),
            transform: PhantomData,
        }
    }
}
impl<E: Copy, T, ST> Copy for Extract<E, T, ST> {}

impl<E: Expression, T: Transform<ST>, ST> Expression for Extract<E, T, ST> {
    type SqlType = T::Output;
}

#[cfg(feature = "sqlite")]
impl<E, T, ST> QueryFragment<diesel::sqlite::Sqlite> for Extract<E, T, ST>
where
    E: QueryFragment<diesel::sqlite::Sqlite>,
    T: Transform<ST>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        out.push_sql(T::SQLITE.0);
        self.operand.walk_ast(out.reborrow())?;
        out.push_sql(T::SQLITE.1);
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<E, T, ST> QueryFragment<diesel::pg::Pg> for Extract<E, T, ST>
where
    E: QueryFragment<diesel::pg::Pg>,
    T: Transform<ST>,
    ST: Nullability,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql(T::POSTGRES.0);
        if ST::AWARE {
            out.push_sql("(");
            self.operand.walk_ast(out.reborrow())?;
            out.push_sql(" AT TIME ZONE 'UTC')");
        } else {
            self.operand.walk_ast(out.reborrow())?;
        }
        out.push_sql(T::POSTGRES.1);
        Ok(())
    }
}

impl<E: QueryId, T: 'static, ST: 'static> QueryId for Extract<E, T, ST> {
    type QueryId = Extract<E::QueryId, T, ST>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}
impl<E: ValidGrouping<G>, T, ST, G> ValidGrouping<G> for Extract<E, T, ST> {
    type IsAggregate = E::IsAggregate;
}
impl<E: AppearsOnTable<QS>, T, ST, QS: ?Sized> AppearsOnTable<QS> for Extract<E, T, ST> where
    Self: Expression
{
}
impl<E: SelectableExpression<QS>, T, ST, QS: ?Sized> SelectableExpression<QS> for Extract<E, T, ST> where
    Self: AppearsOnTable<QS>
{
}
