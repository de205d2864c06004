//! Which Rust values may stand for which SQL types: the registry behind value type checks.
//!
//! Django converts a lookup's right-hand side with the field's `get_prep_value` and raises
//! `ValueError: Field 'rating' expected a number but got 'x'` at run time. In dorm the same
//! check is the trait [`SqlValue`]: `filter!(qs, rating = "x")` does not compile, and the
//! message says which SQL type the field expects.

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
pub trait SqlValue<M, ST: SqlType + SingleValue> {
    /// The diesel expression the value becomes (a bind parameter, or a column for `F(...)`).
    type Expr: diesel::Expression<SqlType = ST>;
    /// Converts the value into its expression.
    fn into_sql_value(self) -> Self::Expr;
}

/// Implements [`SqlValue`] for Rust types (owned and borrowed) against a SQL type and its
/// nullable form. `None` is deliberately not a value: compare with `isnull` instead.
#[doc(hidden)]
#[macro_export]
macro_rules! __dorm_sql_values {
    ([$($g:tt)*] $st:ty => $rust:ty) => {
        impl<__M, $($g)*> $crate::values::SqlValue<__M, $st> for $rust {
            type Expr = $crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<'__a, __M, $($g)*> $crate::values::SqlValue<__M, $st> for &'__a $rust {
            type Expr = $crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        impl<__M, $($g)*> $crate::values::SqlValue<__M, $crate::__private::diesel::sql_types::Nullable<$st>> for $rust {
            type Expr = $crate::__private::diesel::dsl::Nullable<$crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::NullableExpressionMethods::nullable(
                    $crate::__private::diesel::internal::derives::as_expression::Bound::new(self),
                )
            }
        }
        impl<'__a, __M, $($g)*> $crate::values::SqlValue<__M, $crate::__private::diesel::sql_types::Nullable<$st>> for &'__a $rust {
            type Expr = $crate::__private::diesel::dsl::Nullable<$crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::NullableExpressionMethods::nullable(
                    $crate::__private::diesel::internal::derives::as_expression::Bound::new(self),
                )
            }
        }
    };
}

crate::__dorm_sql_values!([] SmallInt => i16);
crate::__dorm_sql_values!([] Integer => i32);
crate::__dorm_sql_values!([] BigInt => i64);
crate::__dorm_sql_values!([] Float => f32);
crate::__dorm_sql_values!([] Double => f64);
crate::__dorm_sql_values!([] Bool => bool);
crate::__dorm_sql_values!([] Text => String);
crate::__dorm_sql_values!([] Date => chrono::NaiveDate);
crate::__dorm_sql_values!([] Time => chrono::NaiveTime);

impl<M> SqlValue<M, Text> for &str {
    type Expr = diesel::internal::derives::as_expression::Bound<Text, Self>;
    fn into_sql_value(self) -> Self::Expr {
        bind(self)
    }
}
impl<M> SqlValue<M, Nullable<Text>> for &str {
    type Expr = diesel::dsl::Nullable<diesel::internal::derives::as_expression::Bound<Text, Self>>;
    fn into_sql_value(self) -> Self::Expr {
        diesel::NullableExpressionMethods::nullable(bind(self))
    }
}

/// Binds `value` as a parameter of SQL type `ST` (what the derive uses for inserts and updates).
/// Whether `U` converts to `ST` is checked by diesel when the statement runs on a backend
/// (`ToSql<ST, DB>`), at compile time.
pub fn bind<ST, U>(value: U) -> diesel::internal::derives::as_expression::Bound<ST, U> {
    diesel::internal::derives::as_expression::Bound::new(value)
}
