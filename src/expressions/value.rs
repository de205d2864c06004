//! Rust values inside expressions: [`Value`] (Django's `Value(...)`), literals, the SQL type a
//! Rust value has on its own ([`Literal`]), the Rust type a SQL type loads as ([`LoadsAs`]),
//! and function arguments that are either an expression or a value of the expected type
//! ([`Argument`]).

use diesel::sql_types::{
    BigInt, Bool, Date, Double, Float, Integer, Nullable, SingleValue, SmallInt, SqlType, Text,
    Time,
};

use super::scope::{ConstKind, Resolve, Scope};
use crate::values::SqlValue;

/// A Rust value used as an expression (Django's `Value(...)`): `annotate!(qs, one = Value(1))`.
/// Its SQL type is the value's own ([`Literal`]); it is sent as a bind parameter.
#[derive(Debug, Clone, Copy, Default)]
#[allow(non_snake_case)]
pub struct Value<T>(pub T);

/// A Rust value with a SQL type of its own (`i32` is `Integer`, `&str` is `Text`), so it can
/// stand alone in an expression: in `Value(...)` and as a `When`'s `then`. (A bare value is not
/// an expression, as in Django, which asks for `Value(...)`; a value next to an expression,
/// `F(age) + 1` or `Coalesce(bonus, 0)`, takes that expression's type.)
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no SQL type of its own",
    label = "this value cannot stand alone in an expression",
    note = "use a literal of a SQL type (i16, i32, i64, f32, f64, bool, &str, String, dates), or compare it with a field"
)]
pub trait Literal: Clone {
    /// Its SQL type.
    type SqlType: SqlType + SingleValue + diesel::expression::TypedExpressionType;
}

macro_rules! literal {
    ($($rust:ty => $st:ty),* $(,)?) => {$(
        impl Literal for $rust {
            type SqlType = $st;
        }
    )*};
}
literal!(
    i16 => SmallInt,
    i32 => Integer,
    i64 => BigInt,
    f32 => Float,
    f64 => Double,
    bool => Bool,
    String => Text,
    &'static str => Text,
    chrono::NaiveDate => Date,
    chrono::NaiveTime => Time,
    chrono::DateTime<chrono::Utc> => crate::sql_types::DateTimeUtc,
);

/// A bound value of SQL type `ST`.
pub type Bound<ST, T> = diesel::internal::derives::as_expression::Bound<ST, T>;

/// Index: `Value(...)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueIndex;

impl<Sc: Scope, T> Resolve<Sc, ValueIndex> for Value<T>
where
    T: Literal,
    Bound<T::SqlType, T>: diesel::Expression<SqlType = T::SqlType> + Clone,
{
    type SqlType = T::SqlType;
    type Expr = Bound<T::SqlType, T>;
    type Kind = ConstKind;
    fn resolve(self, _: &Sc::Cx) -> Self::Expr {
        crate::values::bind(self.0)
    }
}

/// The Rust type a value of SQL type `Self` loads as (what an annotation's value is).
pub trait LoadsAs {
    /// The Rust type.
    type Rust: 'static;
    /// What it is read as: `Rust`, or for integers the checked
    /// [`Stored`](crate::fields::overflow::Stored) form, so that a value SQLite computed past
    /// the type's range is an error (as on PostgreSQL) instead of a wrapped number.
    type Loaded: 'static;
    /// The value from what was read; `name` names the annotation in the error.
    fn value_of(
        loaded: Self::Loaded,
        name: &dyn Fn() -> String,
    ) -> diesel::deserialize::Result<Self::Rust>;
}

macro_rules! loads_as {
    ($($st:ty => $rust:ty),* $(,)?) => {$(
        impl LoadsAs for $st {
            type Rust = $rust;
            type Loaded = $rust;
            #[inline(always)]
            fn value_of(
                loaded: $rust,
                _: &dyn Fn() -> String,
            ) -> diesel::deserialize::Result<$rust> {
                Ok(loaded)
            }
        }
    )*};
}
macro_rules! loads_checked {
    ($($st:ty => $rust:ty),* $(,)?) => {$(
        impl LoadsAs for $st {
            type Rust = $rust;
            type Loaded = crate::fields::overflow::Stored<$rust>;
            #[inline(always)]
            fn value_of(
                loaded: Self::Loaded,
                name: &dyn Fn() -> String,
            ) -> diesel::deserialize::Result<$rust> {
                loaded.checked_as(name)
            }
        }
    )*};
}
loads_checked!(
    SmallInt => i16,
    Integer => i32,
    BigInt => i64,
);
loads_as!(
    Float => f32,
    Double => f64,
    Bool => bool,
    Text => String,
    Date => chrono::NaiveDate,
    Time => chrono::NaiveTime,
    diesel::sql_types::Timestamp => chrono::NaiveDateTime,
    crate::sql_types::DateTimeUtc => chrono::DateTime<chrono::Utc>,
    crate::sql_types::Json => serde_json::Value,
);
impl<const P: u32, const S: u32, const N: bool> LoadsAs
    for crate::sql_types::FixedDecimal<P, S, N>
{
    type Rust = rust_decimal::Decimal;
    type Loaded = rust_decimal::Decimal;
    #[inline(always)]
    fn value_of(
        loaded: Self::Loaded,
        _: &dyn Fn() -> String,
    ) -> diesel::deserialize::Result<Self::Rust> {
        Ok(loaded)
    }
}
impl<T: LoadsAs + SqlType> LoadsAs for Nullable<T> {
    type Rust = Option<T::Rust>;
    type Loaded = Option<T::Loaded>;
    #[inline(always)]
    fn value_of(
        loaded: Self::Loaded,
        name: &dyn Fn() -> String,
    ) -> diesel::deserialize::Result<Self::Rust> {
        loaded.map(|v| T::value_of(v, name)).transpose()
    }
}

/// An argument of SQL type `ST`: an expression of that type, or a Rust value that fits it
/// (`Coalesce(bonus, 0)`, `F(age) + 1`, `Substr(name, 1, 1)`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an argument of SQL type `{ST}` here",
    label = "expected an expression or a value of SQL type `{ST}`",
    note = "both sides of an operator, and a function's arguments, must have the SQL types the function takes (a nullable and a NOT NULL type differ too)"
)]
pub trait Argument<Sc: Scope, ST, I> {
    /// The diesel expression.
    type Expr: diesel::Expression<SqlType = ST> + Clone;
    /// Its kind.
    type Kind;
    /// Builds it.
    fn argument(self, cx: &Sc::Cx) -> Self::Expr;
    /// The right-hand side of `__in` (a long list of plain values packs into one parameter).
    #[doc(hidden)]
    fn __in_arguments<It: IntoIterator<Item = Self>>(
        values: It,
        cx: &Sc::Cx,
    ) -> crate::lookups::InValues<Self::Expr>
    where
        Self: Sized,
    {
        crate::lookups::InValues::Exprs(values.into_iter().map(|v| v.argument(cx)).collect())
    }
}

/// Index: an argument that is an expression.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExprArg<I>(std::marker::PhantomData<fn() -> I>);
/// Index: an argument that is a Rust value.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueArg;

impl<Sc: Scope, ST, I, E> Argument<Sc, ST, ExprArg<I>> for E
where
    E: Resolve<Sc, I, SqlType = ST>,
    ST: SqlType + SingleValue + diesel::expression::TypedExpressionType,
{
    type Expr = E::Expr;
    type Kind = E::Kind;
    fn argument(self, cx: &Sc::Cx) -> Self::Expr {
        self.resolve(cx)
    }
}

impl<Sc: Scope, ST, V> Argument<Sc, ST, ValueArg> for V
where
    V: SqlValue<(), ST>,
    V::Expr: Clone,
    ST: SqlType + SingleValue,
{
    type Expr = V::Expr;
    type Kind = ConstKind;
    fn argument(self, _: &Sc::Cx) -> Self::Expr {
        self.into_sql_value()
    }
    fn __in_arguments<It: IntoIterator<Item = Self>>(
        values: It,
        _: &Sc::Cx,
    ) -> crate::lookups::InValues<Self::Expr> {
        V::__into_in_values(values)
    }
}

/// The backend a fragment is rendered for, for the few functions whose SQL differs.
pub trait Dialect: diesel::backend::Backend {
    /// Which database it is.
    const VENDOR: crate::db::Vendor;
}
#[cfg(feature = "sqlite")]
impl Dialect for diesel::sqlite::Sqlite {
    const VENDOR: crate::db::Vendor = crate::db::Vendor::Sqlite;
}
#[cfg(feature = "postgres")]
impl Dialect for diesel::pg::Pg {
    const VENDOR: crate::db::Vendor = crate::db::Vendor::Postgres;
}
