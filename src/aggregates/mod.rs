//! Aggregates: [`Count`], [`Sum`], [`Avg`], [`Max`], [`Min`], [`StdDev`], [`Variance`] (Django's
//! `django.db.models.aggregates`), with Django's result types.
//!
//! | aggregate | argument | result |
//! |---|---|---|
//! | `Count` | anything | `i64` (0 over no rows) |
//! | `Sum` | integers / floats / decimals | `Option<i64>` / `Option<f64>` (`f32` for `f32`) / `Option<Decimal>` |
//! | `Avg` | integers or floats / decimals | `Option<f64>` / `Option<Decimal>` |
//! | `Max`, `Min` | anything ordered | `Option<T>` |
//! | `StdDev`, `Variance` | integers or floats | `Option<f64>` (population; `sample = true` for the sample) |
//!
//! An aggregate over no rows is `None` unless `default = value` is given (then the type is
//! `T`). Options are written as Django's keyword arguments: `Count(venues, distinct = true)`,
//! `Sum(pages, filter = q!(rating__gte = 4))`, `Avg(rating, default = 0.0)`.
//!
//! Where an aggregate is computed depends on what it aggregates:
//!
//! * a field of the model itself (`Max(age)`): `MAX("person"."age")` over the rows of the
//!   QuerySet (`aggregate!`) or of each group (`annotate!` after `values!`); in `annotate!` on
//!   a model's rows, over the row itself (Django groups by the primary key: `Count(id)` is 1),
//!   as a subquery (see [`per_row`]), and so for a forward foreign key's field
//!   (`Max(publisher__num_awards)`);
//! * a relation (`Count(venues)`, `Sum(books__pages)`, `Count(venues__experiences)`): a
//!   correlated subquery per row in `annotate!`, over the related rows of that row only, so two
//!   aggregates over two relations never multiply each other's rows (the scrap book's
//!   `Count("venues")`/`Count("venues__experiences")` trap gives 1 and 2, not 2 and 2), and a
//!   subquery over the related rows of the whole QuerySet in `aggregate!`, and of each group's
//!   rows in `annotate!` after `values!` ([`relation::GroupRows`]). The `filter` of an
//!   aggregate across a relation is a condition on the related model.
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Person {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub name: String,
//!     pub age: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Person::META], &mut conn)?;
//! let people = [("Ann", 31), ("Bob", 45), ("Cid", 45)]
//!     .map(|(name, age)| Person { name: name.into(), age, ..Default::default() });
//! Person::objects().bulk_create(people.to_vec(), &mut conn)?;
//!
//! // Person.objects.aggregate(Max('age'))['age__max']
//! let max_age: Option<i32> = aggregate!(Person::objects(), max_age = Max(age)).fetch(&mut conn)?;
//! assert_eq!(max_age, Some(45));
//! let (n, ages, mean): (i64, i64, Option<f64>) = aggregate!(
//!     Person::objects(),
//!     n = Count(id),
//!     ages = Count(age, distinct = true),
//!     mean = Avg(age),
//! ).fetch(&mut conn)?;
//! assert_eq!((n, ages, mean), (3, 2, Some(121.0 / 3.0)));
//! // Over no rows: None, or the default.
//! let none = filter!(Person::objects(), age__gt = 99);
//! assert_eq!(aggregate!(none.clone(), Sum(age)).fetch(&mut conn)?, None);
//! assert_eq!(aggregate!(none, total = Sum(age, default = 0)).fetch(&mut conn)?, 0);
//! # Ok(()) }
//! ```

pub mod joined;
pub mod per_row;
pub mod relation;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;

use std::borrow::Cow;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{
    is_nullable, BigInt, Double, Float, Integer, Nullable, SingleValue, SmallInt, SqlType,
};

use crate::db::Vendor;
use crate::expressions::{AggregateKind, Argument, Dialect, NotAggregate, Resolve, Scope, Within};
use crate::sql_types::FixedDecimal;

pub use joined::Composite;
pub use relation::{RelationAggregate, RelationPath, RelationScope};

/// An aggregate function: its SQL name.
pub trait AggregateFunction: Copy + Default + 'static {
    /// The SQL function (`"COUNT"`), or its sample form when `sample` is set.
    fn name(sample: bool) -> &'static str;
}

/// An aggregate function applied to values of SQL type `ST`: its result type, and how the call
/// is wrapped on each backend so that both return the same type.
#[diagnostic::on_unimplemented(
    message = "Cannot compute `{Self}` over a field of SQL type `{ST}`",
    label = "this aggregate does not fit the field's type",
    note = "Sum, Avg, StdDev and Variance need numbers; Max and Min need ordered values; Count takes anything"
)]
pub trait AggregateOf<ST>: AggregateFunction {
    /// The result's SQL type (nullable: an aggregate over no rows is NULL, except `COUNT`).
    type Out: SqlType + SingleValue + diesel::expression::TypedExpressionType;
    /// Text before and after the call on `vendor`.
    fn wrap(_vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
        (Cow::Borrowed(""), Cow::Borrowed(""))
    }
}

macro_rules! function {
    ($($(#[$doc:meta])* $marker:ident $sql:literal $sample:literal),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $marker;
        impl AggregateFunction for $marker {
            fn name(sample: bool) -> &'static str {
                if sample { $sample } else { $sql }
            }
        }
    )*};
}
function!(
    /// `COUNT`.
    CountFn "COUNT" "COUNT",
    /// `SUM`.
    SumFn "SUM" "SUM",
    /// `AVG`.
    AvgFn "AVG" "AVG",
    /// `MAX`.
    MaxFn "MAX" "MAX",
    /// `MIN`.
    MinFn "MIN" "MIN",
    /// `STDDEV_POP` (`STDDEV_SAMP` with `sample`).
    StdDevFn "STDDEV_POP" "STDDEV_SAMP",
    /// `VAR_POP` (`VAR_SAMP` with `sample`).
    VarianceFn "VAR_POP" "VAR_SAMP",
);

#[diagnostic::do_not_recommend]
impl<ST> AggregateOf<ST> for CountFn {
    type Out = BigInt;
}

fn cast_on_postgres(vendor: Vendor, ty: &'static str) -> (Cow<'static, str>, Cow<'static, str>) {
    match vendor {
        Vendor::Postgres => (Cow::Borrowed("CAST("), Cow::Owned(format!(" AS {ty})"))),
        _ => (Cow::Borrowed(""), Cow::Borrowed("")),
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl AggregateOf<$t> for SumFn {
            type Out = Nullable<BigInt>;
            fn wrap(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
                cast_on_postgres(vendor, "BIGINT")
            }
        }
        #[diagnostic::do_not_recommend]
        impl AggregateOf<$t> for AvgFn {
            type Out = Nullable<Double>;
            fn wrap(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
                cast_on_postgres(vendor, "DOUBLE PRECISION")
            }
        }
    )*};
}
integers!(SmallInt, Integer, BigInt);

#[diagnostic::do_not_recommend]
impl AggregateOf<Float> for SumFn {
    type Out = Nullable<Float>;
}
#[diagnostic::do_not_recommend]
impl AggregateOf<Double> for SumFn {
    type Out = Nullable<Double>;
}
#[diagnostic::do_not_recommend]
impl AggregateOf<Float> for AvgFn {
    type Out = Nullable<Double>;
    fn wrap(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
        cast_on_postgres(vendor, "DOUBLE PRECISION")
    }
}
#[diagnostic::do_not_recommend]
impl AggregateOf<Double> for AvgFn {
    type Out = Nullable<Double>;
}

macro_rules! statistics {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl AggregateOf<$t> for StdDevFn {
            type Out = Nullable<Double>;
            fn wrap(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
                cast_on_postgres(vendor, "DOUBLE PRECISION")
            }
        }
        #[diagnostic::do_not_recommend]
        impl AggregateOf<$t> for VarianceFn {
            type Out = Nullable<Double>;
            fn wrap(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
                cast_on_postgres(vendor, "DOUBLE PRECISION")
            }
        }
    )*};
}
statistics!(SmallInt, Integer, BigInt, Float, Double);

// Decimals: SQLite stores them scaled (see `sql_types`), so the sum of the stored integers is
// the scaled sum, and the average is rounded back to the field's places.
#[diagnostic::do_not_recommend]
impl<const P: u32, const S: u32, const N: bool> AggregateOf<FixedDecimal<P, S, N>> for SumFn {
    type Out = Nullable<FixedDecimal<P, S, N>>;
}
#[diagnostic::do_not_recommend]
impl<const P: u32, const S: u32, const N: bool> AggregateOf<FixedDecimal<P, S, N>> for AvgFn {
    type Out = Nullable<FixedDecimal<P, S, N>>;
    fn wrap(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
        match vendor {
            Vendor::Postgres => (Cow::Borrowed("ROUND("), Cow::Owned(format!(", {S})"))),
            _ => (Cow::Borrowed("CAST(ROUND("), Cow::Borrowed(") AS INTEGER)")),
        }
    }
}

/// SQL types with an order, for `Max` and `Min`.
macro_rules! ordered {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl AggregateOf<$t> for MaxFn {
            type Out = Nullable<$t>;
        }
        #[diagnostic::do_not_recommend]
        impl AggregateOf<$t> for MinFn {
            type Out = Nullable<$t>;
        }
    )*};
}
ordered!(
    SmallInt,
    Integer,
    BigInt,
    Float,
    Double,
    diesel::sql_types::Text,
    diesel::sql_types::Date,
    diesel::sql_types::Time,
    crate::sql_types::DateTimeUtc
);
#[diagnostic::do_not_recommend]
impl<const P: u32, const S: u32, const N: bool> AggregateOf<FixedDecimal<P, S, N>> for MaxFn {
    type Out = Nullable<FixedDecimal<P, S, N>>;
}
#[diagnostic::do_not_recommend]
impl<const P: u32, const S: u32, const N: bool> AggregateOf<FixedDecimal<P, S, N>> for MinFn {
    type Out = Nullable<FixedDecimal<P, S, N>>;
}

// A nullable argument aggregates like its NOT NULL type (NULLs are skipped).
macro_rules! over_nullable {
    ($($f:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<T: SqlType> AggregateOf<Nullable<T>> for $f
        where
            $f: AggregateOf<T>,
        {
            type Out = <$f as AggregateOf<T>>::Out;
            fn wrap(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
                <$f as AggregateOf<T>>::wrap(vendor)
            }
        }
    )*};
}
over_nullable!(SumFn, AvgFn, MaxFn, MinFn, StdDevFn, VarianceFn);

/// The NOT NULL form of a SQL type (what an aggregate with a `default` returns).
pub trait StripNull<ST> {
    /// The type without `Nullable`.
    type Out: SqlType + SingleValue + diesel::expression::TypedExpressionType;
}
impl<ST: SqlType + SingleValue + diesel::expression::TypedExpressionType> StripNull<ST>
    for is_nullable::NotNull
{
    type Out = ST;
}
impl<T: SqlType + SingleValue + diesel::expression::TypedExpressionType> StripNull<Nullable<T>>
    for is_nullable::IsNullable
{
    type Out = T;
}
/// `ST` without `Nullable`.
pub type NotNull<ST> = <<ST as SqlType>::IsNull as StripNull<ST>>::Out;

/// No `filter` on an aggregate.
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct NoFilter;
/// The `filter = q!(...)` of an aggregate.
#[derive(Debug, Clone, Copy)]
pub struct FilterBy<P>(pub P);
/// No `default` on an aggregate.
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct NoDefault;
/// The `default = value` of an aggregate.
#[derive(Debug, Clone, Copy)]
pub struct DefaultTo<V>(pub V);

/// An aggregate call with its options (built by [`Count`], [`Sum`], ... and their
/// `distinct`, `filter`, `default` and `sample` methods).
#[derive(Debug, Clone, Copy)]
pub struct Aggregate<F, A, Flt = NoFilter, D = NoDefault> {
    arg: A,
    distinct: bool,
    sample: bool,
    filter: Flt,
    default: D,
    _function: PhantomData<fn() -> F>,
}

impl<F, A, Flt, D> Aggregate<F, A, Flt, D> {
    /// Aggregates distinct values only (`COUNT(DISTINCT ...)`, Django's `distinct=True`).
    pub fn distinct(mut self, distinct: bool) -> Self {
        self.distinct = distinct;
        self
    }

    /// Aggregates only the rows matching `condition` (Django's `filter=Q(...)`): `FILTER (WHERE
    /// ...)` over the model's own rows; over a relation, a condition on the related model.
    pub fn filter<P>(self, condition: P) -> Aggregate<F, A, FilterBy<P>, D> {
        Aggregate {
            arg: self.arg,
            distinct: self.distinct,
            sample: self.sample,
            filter: FilterBy(condition),
            default: self.default,
            _function: PhantomData,
        }
    }

    /// The value over no rows instead of `None` (Django's `default=`); the result is then not
    /// an `Option`.
    pub fn default<V>(self, value: V) -> Aggregate<F, A, Flt, DefaultTo<V>> {
        Aggregate {
            arg: self.arg,
            distinct: self.distinct,
            sample: self.sample,
            filter: self.filter,
            default: DefaultTo(value),
            _function: PhantomData,
        }
    }

    /// The sample standard deviation or variance instead of the population's (Django's
    /// `sample=True`; only `StdDev` and `Variance` read it).
    pub fn sample(mut self, sample: bool) -> Self {
        self.sample = sample;
        self
    }
}

macro_rules! aggregates {
    ($($(#[$doc:meta])* $name:ident => $marker:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<A>(pub A);

        impl<A> $name<A> {
            fn call(self) -> Aggregate<$marker, A> {
                Aggregate {
                    arg: self.0,
                    distinct: false,
                    sample: false,
                    filter: NoFilter,
                    default: NoDefault,
                    _function: PhantomData,
                }
            }
            /// See [`Aggregate::distinct`].
            pub fn distinct(self, distinct: bool) -> Aggregate<$marker, A> {
                self.call().distinct(distinct)
            }
            /// See [`Aggregate::filter`].
            pub fn filter<P>(self, condition: P) -> Aggregate<$marker, A, FilterBy<P>> {
                self.call().filter(condition)
            }
            /// See [`Aggregate::default`].
            pub fn default<V>(self, value: V) -> Aggregate<$marker, A, NoFilter, DefaultTo<V>> {
                self.call().default(value)
            }
            /// See [`Aggregate::sample`].
            pub fn sample(self, sample: bool) -> Aggregate<$marker, A> {
                self.call().sample(sample)
            }
        }

        impl<Sc: Scope, A, I, IA> Resolve<Sc, Checked<IA, I>> for $name<A>
        where
            A: ArgumentOf<Sc, IA>,
            <A as ArgumentOf<Sc, IA>>::Kind: NotAggregate,
            $marker: AggregateOf<<A as ArgumentOf<Sc, IA>>::SqlType>,
            Aggregate<$marker, A>: Resolve<Sc, I>,
        {
            type SqlType = <Aggregate<$marker, A> as Resolve<Sc, I>>::SqlType;
            type Expr = <Aggregate<$marker, A> as Resolve<Sc, I>>::Expr;
            type Kind = <Aggregate<$marker, A> as Resolve<Sc, I>>::Kind;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                self.call().resolve(cx)
            }
        }
    )*};
}
aggregates!(
    /// `Count(field)`: the number of non-NULL values (`Count(relation)`: of related rows).
    Count => CountFn,
    /// `Sum(field)`.
    Sum => SumFn,
    /// `Avg(field)`: a float for integers, a decimal for decimals.
    Avg => AvgFn,
    /// `Max(field)`.
    Max => MaxFn,
    /// `Min(field)`.
    Min => MinFn,
    /// `StdDev(field)`: the population standard deviation (`sample = true`: the sample's).
    StdDev => StdDevFn,
    /// `Variance(field)`: the population variance (`sample = true`: the sample's).
    Variance => VarianceFn,
);

/// The `*` of `COUNT(*)`: every row, NULLs or not. Written `Count::all()` (Django's
/// `Count("*")`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Star;

impl Count<Star> {
    /// `COUNT(*)`: the number of rows (Django's `Count("*")`); takes `filter = q!(...)` and
    /// `default = ...` as the other aggregates do.
    ///
    /// ```
    /// use dorm::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// #[dorm(app_label = "docs")]
    /// pub struct Person {
    ///     pub id: Auto<i64>,
    ///     pub nickname: Option<String>,
    ///     pub age: i32,
    /// }
    ///
    /// # fn main() -> dorm::Result<()> {
    /// let mut conn = dorm::connect("sqlite::memory:")?;
    /// dorm::migrations::create_tables(&[Person::META], &mut conn)?;
    /// Person::objects().bulk_create(vec![
    ///     Person { nickname: Some("ann".into()), age: 30, ..Default::default() },
    ///     Person { nickname: None, age: 40, ..Default::default() },
    /// ], &mut conn)?;
    /// let (rows, nicknames, over_35) = aggregate!(
    ///     Person::objects(),
    ///     rows = Count::all(),
    ///     nicknames = Count(nickname),
    ///     over_35 = Count::all(filter = q!(age__gt = 35)),
    /// )
    /// .fetch(&mut conn)?;
    /// assert_eq!((rows, nicknames, over_35), (2, 1, 1));
    /// # Ok(()) }
    /// ```
    pub fn all() -> Self {
        Count(Star)
    }
}

/// Index: the `*` of `COUNT(*)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StarIndex;

/// The kind of the `*` of `COUNT(*)`: not a value of the row (it cannot be read on its own),
/// and not an aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct StarKind;
#[diagnostic::do_not_recommend]
impl crate::expressions::NotAggregate for StarKind {}

impl<Sc: Scope> Resolve<Sc, StarIndex> for Star {
    type SqlType = diesel::sql_types::BigInt;
    type Expr = StarExpr;
    type Kind = StarKind;
    fn resolve(self, _: &Sc::Cx) -> StarExpr {
        StarExpr
    }
}

/// The SQL `*` inside `COUNT(*)`.
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct StarExpr;

impl Expression for StarExpr {
    type SqlType = diesel::sql_types::BigInt;
}
impl<DB: Backend> QueryFragment<DB> for StarExpr {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("*");
        Ok(())
    }
}
impl<G> ValidGrouping<G> for StarExpr {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<QS: ?Sized> AppearsOnTable<QS> for StarExpr {}
impl<QS: ?Sized> SelectableExpression<QS> for StarExpr {}

/// Index of an aggregate whose argument was checked first (see [`ArgumentOf`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Checked<IA, I>(PhantomData<fn() -> (IA, I)>);

/// What an aggregate's argument is, before the aggregate is built: its SQL type and kind, from
/// the model's own values or across a relation. Checking it first lets the compiler say which
/// aggregate does not fit which type.
pub trait ArgumentOf<Sc: Scope, I> {
    /// The SQL type of the values aggregated.
    type SqlType;
    /// Their kind (an aggregate of an aggregate is an error).
    type Kind;
}

/// Index: an argument that is an expression on the rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct OwnArgument<I>(PhantomData<fn() -> I>);
/// Index: an argument across a relation.
#[derive(Debug, Clone, Copy, Default)]
pub struct RelatedArgument<I>(PhantomData<fn() -> I>);

/// Kinds of an aggregate's argument read on the rows themselves (an aggregate among them, for
/// the "aggregate of an aggregate" error): not a lookup across a multi-valued relation, which
/// the aggregate reads over joined rows ([`joined`]).
pub trait OwnValue {}
impl OwnValue for crate::expressions::ConstKind {}
impl OwnValue for crate::expressions::RowKind {}
impl OwnValue for crate::expressions::AggregateKind {}
impl OwnValue for StarKind {}

impl<Sc: Within, A: Resolve<Sc::Rows, I>, I> ArgumentOf<Sc, OwnArgument<I>> for A
where
    A::Kind: OwnValue,
{
    type SqlType = A::SqlType;
    type Kind = A::Kind;
}
impl<Sc: Scope, A: RelationPath<Sc::Model, I>, I> ArgumentOf<Sc, RelatedArgument<I>> for A {
    type SqlType = A::SqlType;
    type Kind = crate::expressions::RowKind;
}

/// An aggregate's `filter`, as a condition on the rows of the scope `Sc`: the model's fields
/// and the annotations made before (Django's `Count("id", filter=Q(n_books__gt=1))`).
pub trait AggregateFilter<Sc: Scope, I> {
    /// The condition (or [`NoFilter`]).
    type Expr: Clone;
    /// Builds it.
    fn condition(self, cx: &Sc::Cx) -> Self::Expr;
}
impl<Sc: Scope> AggregateFilter<Sc, ()> for NoFilter {
    type Expr = NoFilter;
    fn condition(self, _: &Sc::Cx) -> NoFilter {
        NoFilter
    }
}
impl<Sc: Scope, C: crate::expressions::Condition<Sc, I>, I> AggregateFilter<Sc, I> for FilterBy<C>
where
    C::Kind: NotAggregate,
{
    type Expr = FilterBy<C::Expr>;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        FilterBy(self.0.condition(cx))
    }
}

/// An aggregate's `default`, for a result of SQL type `Out`.
pub trait AggregateDefault<Sc: Scope, Out, I> {
    /// The SQL type with the default applied.
    type SqlType: SqlType + SingleValue + diesel::expression::TypedExpressionType;
    /// The default's expression (or [`NoDefault`]).
    type Expr: Clone;
    /// Builds it.
    fn default_expr(self, cx: &Sc::Cx) -> Self::Expr;
}
impl<Sc: Scope, Out> AggregateDefault<Sc, Out, ()> for NoDefault
where
    Out: SqlType + SingleValue + diesel::expression::TypedExpressionType,
{
    type SqlType = Out;
    type Expr = NoDefault;
    fn default_expr(self, _: &Sc::Cx) -> NoDefault {
        NoDefault
    }
}
/// Index: a `default` of the aggregate's type without NULL (`default = 0`): the result is not
/// nullable.
#[derive(Debug, Clone, Copy, Default)]
pub struct GivenDefault<I>(PhantomData<fn() -> I>);

impl<Sc: Scope, Out, V, I> AggregateDefault<Sc, Out, GivenDefault<I>> for DefaultTo<V>
where
    Out: SqlType,
    <Out as SqlType>::IsNull: StripNull<Out>,
    V: Argument<Sc, NotNull<Out>, I>,
{
    type SqlType = NotNull<Out>;
    type Expr = DefaultTo<V::Expr>;
    fn default_expr(self, cx: &Sc::Cx) -> Self::Expr {
        DefaultTo(self.0.argument(cx))
    }
}

/// Scopes whose aggregates over the model's own values read several rows: the groups of
/// `annotate!` after `values!`, and the whole QuerySet in `aggregate!` (on a model's rows, each
/// row is its own group: see [`per_row`]).
pub trait SeveralRows: Within {}
impl<M: crate::model::Model, L: crate::expressions::AnnotationList> SeveralRows
    for crate::expressions::Groups<M, L>
{
}
impl<M: crate::model::Model, W, L: crate::expressions::AnnotationList> SeveralRows
    for crate::expressions::Totals<M, W, L>
{
}
impl<M: crate::model::Model, W, A: crate::expressions::AnnotationList> SeveralRows
    for crate::expressions::scope::OverGroups<M, W, A>
{
}

/// Index: a `default` that is itself an expression that may be NULL (`Max(pages, default =
/// Min(pages))`): the result stays nullable.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullableDefault<I>(PhantomData<fn() -> I>);

impl<Sc: Scope, Out, E, I> AggregateDefault<Sc, Out, NullableDefault<I>> for DefaultTo<E>
where
    Out: SqlType<IsNull = is_nullable::IsNullable>
        + SingleValue
        + diesel::expression::TypedExpressionType,
    E: Resolve<Sc, I, SqlType = Out>,
{
    type SqlType = Out;
    type Expr = DefaultTo<E::Expr>;
    fn default_expr(self, cx: &Sc::Cx) -> Self::Expr {
        DefaultTo(self.0.resolve(cx))
    }
}

/// Index of an aggregate over the model's own values.
#[derive(Debug, Clone, Copy, Default)]
pub struct OwnIndex<IA, IF, ID>(PhantomData<crate::relations::Marker3<IA, IF, ID>>);

impl<Sc, F, A, Flt, D, IA, IF, ID> Resolve<Sc, OwnIndex<IA, IF, ID>> for Aggregate<F, A, Flt, D>
where
    Sc: SeveralRows,
    A: Resolve<Sc::Rows, IA>,
    A::Kind: NotAggregate + OwnValue,
    F: AggregateOf<A::SqlType>,
    Flt: AggregateFilter<Sc::Rows, IF>,
    D: AggregateDefault<Sc, F::Out, ID>,
{
    type SqlType = D::SqlType;
    type Expr = AggregateExpr<F, A::SqlType, A::Expr, Flt::Expr, D::Expr, D::SqlType>;
    type Kind = AggregateKind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        AggregateExpr {
            arg: self.arg.resolve(cx),
            filter: self.filter.condition(cx),
            default: self.default.default_expr(cx),
            distinct: self.distinct,
            sample: self.sample,
            _types: PhantomData,
        }
    }
}

impl<F, A, Flt, D> Aggregate<F, A, Flt, D> {
    /// The aggregate over `arg(argument)`, its filter and default resolved in the scope `Sc`.
    #[allow(clippy::type_complexity)]
    pub(crate) fn build<Sc: Scope, E, ST, IF, Out, ID>(
        self,
        cx: &Sc::Cx,
        arg: impl FnOnce(A) -> E,
    ) -> AggregateExpr<F, ST, E, Flt::Expr, D::Expr, D::SqlType>
    where
        Flt: AggregateFilter<Sc, IF>,
        D: AggregateDefault<Sc, Out, ID>,
    {
        AggregateExpr {
            arg: arg(self.arg),
            filter: self.filter.condition(cx),
            default: self.default.default_expr(cx),
            distinct: self.distinct,
            sample: self.sample,
            _types: PhantomData,
        }
    }
}

/// `F([DISTINCT] arg) [FILTER (WHERE ...)]`, wrapped per backend and in `COALESCE` with a
/// default: an aggregate over the rows of the query it is in.
#[derive(Debug)]
pub struct AggregateExpr<F, ST, E, Flt, D, Out> {
    arg: E,
    filter: Flt,
    default: D,
    distinct: bool,
    sample: bool,
    _types: PhantomData<crate::relations::Marker3<F, ST, Out>>,
}

impl<F, ST, E: Clone, Flt: Clone, D: Clone, Out> Clone for AggregateExpr<F, ST, E, Flt, D, Out> {
    fn clone(&self) -> Self {
        AggregateExpr {
            arg: self.arg.clone(),
            filter: self.filter.clone(),
            default: self.default.clone(),
            distinct: self.distinct,
            sample: self.sample,
            _types: PhantomData,
        }
    }
}

impl<F, ST, E, Flt, D, Out> Expression for AggregateExpr<F, ST, E, Flt, D, Out>
where
    Out: SqlType + diesel::expression::TypedExpressionType,
{
    type SqlType = Out;
}

/// Renders an aggregate's `FILTER` clause (nothing without one).
pub trait RenderFilter<DB: Backend> {
    /// Appends ` FILTER (WHERE ...)`.
    fn render_filter<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}
impl<DB: Backend> RenderFilter<DB> for NoFilter {
    fn render_filter<'b>(&'b self, _: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}
impl<DB: Backend, P: QueryFragment<DB>> RenderFilter<DB> for FilterBy<P> {
    fn render_filter<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(" FILTER (WHERE ");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

/// Renders an aggregate's default (`COALESCE(agg, default)`; nothing without one).
pub trait RenderDefault<DB: Backend> {
    /// Whether there is a default.
    fn has_default(&self) -> bool;
    /// Appends `, default)`.
    fn render_default<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}
impl<DB: Backend> RenderDefault<DB> for NoDefault {
    fn has_default(&self) -> bool {
        false
    }
    fn render_default<'b>(&'b self, _: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}
impl<DB: Backend, V: QueryFragment<DB>> RenderDefault<DB> for DefaultTo<V> {
    fn has_default(&self) -> bool {
        true
    }
    fn render_default<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(", ");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

/// Renders `[COALESCE(]wrap(NAME([DISTINCT ] <arg>) <filter>)[, default)]`, with `arg`
/// rendering the argument.
pub(crate) fn render_call<'b, F, ST, DB, D>(
    out: &mut AstPass<'_, 'b, DB>,
    distinct: bool,
    sample: bool,
    default: &'b D,
    arg: impl FnOnce(&mut AstPass<'_, 'b, DB>) -> QueryResult<()>,
    filter: impl FnOnce(&mut AstPass<'_, 'b, DB>) -> QueryResult<()>,
) -> QueryResult<()>
where
    F: AggregateOf<ST>,
    DB: Dialect,
    D: RenderDefault<DB>,
{
    let (before, after) = F::wrap(DB::VENDOR);
    if default.has_default() {
        out.push_sql("COALESCE(");
    }
    out.push_sql(&before);
    out.push_sql(F::name(sample));
    out.push_sql("(");
    if distinct {
        out.push_sql("DISTINCT ");
    }
    arg(out)?;
    out.push_sql(")");
    filter(out)?;
    out.push_sql(&after);
    default.render_default(out)
}

impl<F, ST, E, Flt, D, Out, DB> QueryFragment<DB> for AggregateExpr<F, ST, E, Flt, D, Out>
where
    DB: Dialect,
    F: AggregateOf<ST>,
    E: QueryFragment<DB>,
    Flt: RenderFilter<DB>,
    D: RenderDefault<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        render_call::<F, ST, DB, D>(
            &mut out,
            self.distinct,
            self.sample,
            &self.default,
            |out| self.arg.walk_ast(out.reborrow()),
            |out| self.filter.render_filter(out),
        )
    }
}

// The SQL depends on `distinct`/`sample`, which are values: no static query id.
impl<F, ST, E, Flt, D, Out> QueryId for AggregateExpr<F, ST, E, Flt, D, Out> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, ST, E, Flt, D, Out, G> ValidGrouping<G> for AggregateExpr<F, ST, E, Flt, D, Out> {
    type IsAggregate = diesel::expression::is_aggregate::Yes;
}
impl<F, ST, E: AppearsOnTable<QS>, Flt, D, Out, QS: ?Sized> AppearsOnTable<QS>
    for AggregateExpr<F, ST, E, Flt, D, Out>
where
    Self: Expression,
{
}
impl<F, ST, E: SelectableExpression<QS>, Flt, D, Out, QS: ?Sized> SelectableExpression<QS>
    for AggregateExpr<F, ST, E, Flt, D, Out>
where
    Self: AppearsOnTable<QS>,
{
}
