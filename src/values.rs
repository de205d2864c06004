//! Which Rust values may stand for which SQL types: the registry behind value type checks.
//!
//! Django converts a lookup's right-hand side with the field's `get_prep_value` and raises
//! `ValueError: Field 'rating' expected a number but got 'x'` at run time. In dorm the same
//! check is the trait [`SqlValue`]: `filter!(qs, rating = "x")` does not compile, and the
//! message says which SQL type the field expects.

use diesel::expression::AsExpression;
use diesel::sql_types::{
    BigInt, Bool, Date, Double, Float, Integer, Nullable, SingleValue, SmallInt, SqlType, Text,
    Time,
};

/// A Rust value that can be compared with, or stored in, a column of SQL type `ST`.
///
/// Implemented for the natural Rust type of every SQL type dorm uses (and references to it),
/// for `T` against `Nullable<ST>` when `T` fits `ST`, and by `#[derive(Choices)]` for choice
/// enums. `None` is deliberately not a value: compare with `isnull` instead.
#[diagnostic::on_unimplemented(
    message = "Field expected a value of SQL type `{ST}` but got `{Self}`",
    label = "this value does not fit the field",
    note = "Django would raise `ValueError` here at run time; dorm checks the value's type when it compiles"
)]
pub trait SqlValue<ST: SqlType + SingleValue> {
    /// The diesel expression the value becomes (a bind parameter).
    type Expr: diesel::Expression<SqlType = ST>;
    /// Converts the value into its bind-parameter expression.
    fn into_sql_value(self) -> Self::Expr;
}

macro_rules! sql_values {
    ($($st:ty => [$($rust:ty),* $(,)?]),* $(,)?) => {$($(
        impl SqlValue<$st> for $rust {
            type Expr = <$rust as AsExpression<$st>>::Expression;
            fn into_sql_value(self) -> Self::Expr {
                <$rust as AsExpression<$st>>::as_expression(self)
            }
        }
        impl<'a> SqlValue<$st> for &'a $rust {
            type Expr = <&'a $rust as AsExpression<$st>>::Expression;
            fn into_sql_value(self) -> Self::Expr {
                <&'a $rust as AsExpression<$st>>::as_expression(self)
            }
        }
    )*)*};
}

sql_values! {
    SmallInt => [i16],
    Integer => [i32],
    BigInt => [i64],
    Float => [f32],
    Double => [f64],
    Bool => [bool],
    Text => [String],
    Date => [chrono::NaiveDate],
    Time => [chrono::NaiveTime],
}

impl<'a> SqlValue<Text> for &'a str {
    type Expr = <&'a str as AsExpression<Text>>::Expression;
    fn into_sql_value(self) -> Self::Expr {
        <&'a str as AsExpression<Text>>::as_expression(self)
    }
}

/// A value that fits `ST` fits the nullable column too; `None` does not (use `isnull`).
impl<ST, T> SqlValue<Nullable<ST>> for T
where
    ST: SqlType<IsNull = diesel::sql_types::is_nullable::NotNull> + SingleValue,
    T: SqlValue<ST>,
{
    type Expr = diesel::dsl::Nullable<T::Expr>;
    fn into_sql_value(self) -> Self::Expr {
        diesel::NullableExpressionMethods::nullable(self.into_sql_value())
    }
}

/// Binds `value` as a parameter of SQL type `ST` (what the derive uses for inserts and updates).
/// Whether `U` converts to `ST` is checked by diesel when the statement runs on a backend
/// (`ToSql<ST, DB>`), at compile time.
pub fn bind<ST, U>(value: U) -> diesel::internal::derives::as_expression::Bound<ST, U> {
    diesel::internal::derives::as_expression::Bound::new(value)
}
