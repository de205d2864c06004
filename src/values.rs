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

    /// True when the database computes the value (a field, arithmetic, a `Case`, a
    /// subquery) rather than receiving it bound: `update!` then checks it against the field's
    /// range (see [`overflow`](crate::fields::overflow)).
    #[doc(hidden)]
    const __COMPUTED: bool = false;

    /// The right-hand side of `field__in = values`: one expression per value, or, for a long
    /// list of plain values, one bind parameter holding them all (see
    /// [`crate::lookups::PACK_ABOVE`]).
    #[doc(hidden)]
    fn __into_in_values<I: IntoIterator<Item = Self>>(
        values: I,
    ) -> crate::lookups::InValues<Self::Expr>
    where
        Self: Sized,
    {
        crate::lookups::InValues::Exprs(values.into_iter().map(Self::into_sql_value).collect())
    }
}

/// [`SqlValue`]'s registry as the names check reads it (see [`crate::names::resolve`]): the
/// same Rust types against the same SQL types, implemented next to every `SqlValue` impl. A
/// value the check refuses is reported at the user's value, and the rest of the macro call is
/// not checked again (`Ok` is what a refused value leaves unknown).
#[doc(hidden)]
pub trait ValueOf<ST> {
    /// [`crate::names::Valid`] when the value fits.
    type Ok;
}

/// A value the names check compares with a field of SQL type `ST`: a [`ValueOf`], reported in
/// the words of [`SqlValue`].
#[diagnostic::on_unimplemented(
    message = "Field expected a value of SQL type `{ST}` but got `{Self}`",
    label = "this value does not fit the field",
    note = "Django would raise `ValueError` here at run time; dorm checks the value's type when it compiles"
)]
#[doc(hidden)]
pub trait ValueFor<ST> {
    /// [`crate::names::Valid`] when the value fits.
    type Ok;
}

#[diagnostic::do_not_recommend]
impl<ST, V: ValueOf<ST> + ?Sized> ValueFor<ST> for V {
    type Ok = <V as ValueOf<ST>>::Ok;
}

/// Registers Rust types (`Self` and `&Self`) as [`ValueOf`] a SQL type and its nullable form.
#[doc(hidden)]
#[macro_export]
macro_rules! __dorm_value_of {
    ([$($g:tt)*] $st:ty => $rust:ty) => {
        #[diagnostic::do_not_recommend]
        impl<$($g)*> $crate::values::ValueOf<$st> for $rust {
            type Ok = $crate::names::Valid;
        }
        #[diagnostic::do_not_recommend]
        impl<'__a, $($g)*> $crate::values::ValueOf<$st> for &'__a $rust {
            type Ok = $crate::names::Valid;
        }
        #[diagnostic::do_not_recommend]
        impl<$($g)*> $crate::values::ValueOf<$crate::__private::diesel::sql_types::Nullable<$st>> for $rust {
            type Ok = $crate::names::Valid;
        }
        #[diagnostic::do_not_recommend]
        impl<'__a, $($g)*> $crate::values::ValueOf<$crate::__private::diesel::sql_types::Nullable<$st>> for &'__a $rust {
            type Ok = $crate::names::Valid;
        }
    };
}

/// Implements [`SqlValue`] for Rust types (owned and borrowed) against a SQL type and its
/// nullable form. `None` is deliberately not a value: compare with `isnull` instead.
#[doc(hidden)]
#[macro_export]
macro_rules! __dorm_sql_values {
    ([$($g:tt)*] $st:ty => $rust:ty) => {
        $crate::__dorm_value_of!([$($g)*] $st => $rust);
        #[diagnostic::do_not_recommend]
        impl<__M, $($g)*> $crate::values::SqlValue<__M, $st> for $rust {
            type Expr = $crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::internal::derives::as_expression::Bound::new(self)
            }
            fn __into_in_values<__I: IntoIterator<Item = Self>>(values: __I) -> $crate::lookups::InValues<Self::Expr> {
                $crate::lookups::__in_values::<$st, $rust, Self, Self::Expr>(values, |v| v, |v| $crate::values::SqlValue::<__M, $st>::into_sql_value(v))
            }
        }
        #[diagnostic::do_not_recommend]
        impl<'__a, __M, $($g)*> $crate::values::SqlValue<__M, $st> for &'__a $rust {
            type Expr = $crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::internal::derives::as_expression::Bound::new(self)
            }
            fn __into_in_values<__I: IntoIterator<Item = Self>>(values: __I) -> $crate::lookups::InValues<Self::Expr> {
                $crate::lookups::__in_values::<$st, $rust, Self, Self::Expr>(values, |v| ::core::clone::Clone::clone(v), |v| $crate::values::SqlValue::<__M, $st>::into_sql_value(v))
            }
        }
        #[diagnostic::do_not_recommend]
        impl<__M, $($g)*> $crate::values::SqlValue<__M, $crate::__private::diesel::sql_types::Nullable<$st>> for $rust {
            type Expr = $crate::__private::diesel::dsl::Nullable<$crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::NullableExpressionMethods::nullable(
                    $crate::__private::diesel::internal::derives::as_expression::Bound::new(self),
                )
            }
            fn __into_in_values<__I: IntoIterator<Item = Self>>(values: __I) -> $crate::lookups::InValues<Self::Expr> {
                $crate::lookups::__in_values::<$st, $rust, Self, Self::Expr>(values, |v| v, |v| $crate::values::SqlValue::<__M, $crate::__private::diesel::sql_types::Nullable<$st>>::into_sql_value(v))
            }
        }
        #[diagnostic::do_not_recommend]
        impl<'__a, __M, $($g)*> $crate::values::SqlValue<__M, $crate::__private::diesel::sql_types::Nullable<$st>> for &'__a $rust {
            type Expr = $crate::__private::diesel::dsl::Nullable<$crate::__private::diesel::internal::derives::as_expression::Bound<$st, Self>>;
            fn into_sql_value(self) -> Self::Expr {
                $crate::__private::diesel::NullableExpressionMethods::nullable(
                    $crate::__private::diesel::internal::derives::as_expression::Bound::new(self),
                )
            }
            fn __into_in_values<__I: IntoIterator<Item = Self>>(values: __I) -> $crate::lookups::InValues<Self::Expr> {
                $crate::lookups::__in_values::<$st, $rust, Self, Self::Expr>(values, |v| ::core::clone::Clone::clone(v), |v| $crate::values::SqlValue::<__M, $crate::__private::diesel::sql_types::Nullable<$st>>::into_sql_value(v))
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
crate::__dorm_sql_values!([] Date => chrono::NaiveDate);
crate::__dorm_sql_values!([] Time => chrono::NaiveTime);

/// Text bound as a lookup or `update!` value: refused when it holds a NUL character (Django's
/// "Null characters are not allowed."), on every backend. PostgreSQL cannot hold NUL in text,
/// and SQLite would compare it as a different string than the one it stores.
#[derive(Clone, Copy)]
pub struct NoNul<T>(T);

/// The text itself, as printed SQL shows its binds.
impl<T: std::fmt::Debug> std::fmt::Debug for NoNul<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T, DB> diesel::serialize::ToSql<Text, DB> for NoNul<T>
where
    DB: diesel::backend::Backend,
    T: AsRef<str> + diesel::serialize::ToSql<Text, DB>,
{
    #[inline]
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, DB>,
    ) -> diesel::serialize::Result {
        crate::fields::limits::check_nul("", self.0.as_ref())?;
        self.0.to_sql(out)
    }
}

/// The bound form of a text value `T`.
type TextBind<T> = diesel::internal::derives::as_expression::Bound<Text, NoNul<T>>;

macro_rules! text_values {
    ($([$($l:lifetime)?] $rust:ty, $owned:expr;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($l,)? M> SqlValue<M, Text> for $rust {
            type Expr = TextBind<Self>;
            #[inline]
            fn into_sql_value(self) -> Self::Expr {
                bind(NoNul(self))
            }
            fn __into_in_values<I: IntoIterator<Item = Self>>(
                values: I,
            ) -> crate::lookups::InValues<Self::Expr> {
                crate::lookups::__in_values::<Text, String, Self, Self::Expr>(values, $owned, |v| bind(NoNul(v)))
            }
        }
        #[diagnostic::do_not_recommend]
        impl<$($l,)? M> SqlValue<M, Nullable<Text>> for $rust {
            type Expr = diesel::dsl::Nullable<TextBind<Self>>;
            #[inline]
            fn into_sql_value(self) -> Self::Expr {
                diesel::NullableExpressionMethods::nullable(bind(NoNul(self)))
            }
            fn __into_in_values<I: IntoIterator<Item = Self>>(
                values: I,
            ) -> crate::lookups::InValues<Self::Expr> {
                crate::lookups::__in_values::<Text, String, Self, Self::Expr>(values, $owned, |v| {
                    diesel::NullableExpressionMethods::nullable(bind(NoNul(v)))
                })
            }
        }
    )*};
}
text_values! {
    [] String, |v: String| v;
    ['a] &'a String, |v: &String| v.clone();
}
crate::__dorm_value_of!([] Text => String);
crate::__dorm_value_of!([] Text => str);

// `&str` spelled out, so that a compile error listing what implements `SqlValue` shows it
// plainly.
#[diagnostic::do_not_recommend]
impl<M> SqlValue<M, Text> for &str {
    type Expr = TextBind<Self>;
    #[inline]
    fn into_sql_value(self) -> Self::Expr {
        bind(NoNul(self))
    }
    fn __into_in_values<I: IntoIterator<Item = Self>>(
        values: I,
    ) -> crate::lookups::InValues<Self::Expr> {
        crate::lookups::__in_values::<Text, String, Self, Self::Expr>(values, str::to_string, |v| {
            bind(NoNul(v))
        })
    }
}
#[diagnostic::do_not_recommend]
impl<M> SqlValue<M, Nullable<Text>> for &str {
    type Expr = diesel::dsl::Nullable<TextBind<Self>>;
    #[inline]
    fn into_sql_value(self) -> Self::Expr {
        diesel::NullableExpressionMethods::nullable(bind(NoNul(self)))
    }
    fn __into_in_values<I: IntoIterator<Item = Self>>(
        values: I,
    ) -> crate::lookups::InValues<Self::Expr> {
        crate::lookups::__in_values::<Text, String, Self, Self::Expr>(values, str::to_string, |v| {
            diesel::NullableExpressionMethods::nullable(bind(NoNul(v)))
        })
    }
}

/// Binds `value` as a parameter of SQL type `ST` (what the derive uses for inserts and updates).
/// Whether `U` converts to `ST` is checked by diesel when the statement runs on a backend
/// (`ToSql<ST, DB>`), at compile time.
pub fn bind<ST, U>(value: U) -> diesel::internal::derives::as_expression::Bound<ST, U> {
    diesel::internal::derives::as_expression::Bound::new(value)
}
