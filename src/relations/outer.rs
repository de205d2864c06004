//! The QuerySet's own row inside a lookup across a relation: in
//! `filter!(Author::objects(), friends__age__gt = F(age))`, `F(age)` is the age of the author
//! being filtered, not of the friend (Django's rule: `F()` in a lookup refers to the outer row).
//!
//! A lookup across a relation is a subquery over the related table, which may be the same
//! table (`friends`, `boss`): there its own name means the related row. So when a value of the
//! lookup reads the QuerySet's row, dorm gives that row a name no subquery uses:
//!
//! ```sql
//! EXISTS (SELECT 1 FROM "author" AS "V0" WHERE "V0"."id" = "author"."id"
//!         AND "author"."id" IN (... WHERE "author"."age" > "V0"."age"))
//! ```
//!
//! and the values' columns are read from it ([`RowColumn`]). A lookup whose values are plain
//! (`friends__age__gt = 30`) is unchanged.
//!
//! [`ToOuter`] rewrites the conditions under a path (`Lookup`s, `And`/`Or`/`Not`, nested paths)
//! so that their values are [`OuterValue`]s; [`OuterSql`] says which values may stand there:
//! plain values, `F(field)` and arithmetic on them. Other expressions (`OuterRef`, `Case`,
//! subqueries) do not compile there yet, rather than read the wrong row.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{SingleValue, SqlType};

use crate::aggregates::relation::column;
use crate::lookups::{
    And, ContainedBy, Contains, EndsWith, Exact, Gt, Gte, HasAnyKeys, HasKey, HasKeys, IContains,
    IEndsWith, IExact, IRegex, IStartsWith, In, InValues, IsNull, Lookup, Lt, Lte, Not, Or, Range,
    Regex, StartsWith, Q,
};
use crate::model::Model;
use crate::values::SqlValue;

/// The alias of the QuerySet's row inside a lookup across a relation that reads it.
pub(crate) const OUTER_ALIAS: &str = "V0";

/// A value of a lookup across a relation, that reads the QuerySet's row `O` (the model the
/// path starts from) where it reads a row at all.
#[derive(Debug, Clone, Copy)]
pub struct OuterValue<O, V>(V, PhantomData<fn() -> O>);

impl<O, V> OuterValue<O, V> {
    /// `value`, in a lookup across a relation from `O`.
    pub fn new(value: V) -> Self {
        OuterValue(value, PhantomData)
    }
}

/// What a value in a lookup across a relation from `O` becomes, as SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a value of a lookup across a relation",
    label = "not supported in a lookup that follows a relation",
    note = "there a value may be a plain value, `F(field)` (a field of the QuerySet's row, as in Django) or arithmetic on them; filter on this value before or after following the relation instead"
)]
pub trait OuterSql<O, ST: SqlType + SingleValue> {
    /// The expression.
    type Expr: Expression<SqlType = ST>;
    /// Whether it reads the QuerySet's row (then the lookup names the row `"V0"`).
    const READS_ROW: bool;
    /// Builds it.
    fn outer_sql(self) -> Self::Expr;
    /// The right-hand side of `__in` (one expression per value, or a packed list).
    fn outer_in_values<I: IntoIterator<Item = Self>>(values: I) -> InValues<Self::Expr>
    where
        Self: Sized,
    {
        InValues::Exprs(values.into_iter().map(Self::outer_sql).collect())
    }
}

/// A value bound as it is (a Rust value, a foreign key): it reads no row. Implemented by
/// dorm for the types [`SqlValue`] takes and by `#[derive(Choices)]`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot stand here in a lookup that follows a relation",
    label = "not supported after a relation in a lookup",
    note = "after a relation, a comparison takes a plain value, `F(field)` (a field of the QuerySet's row, as in Django) or arithmetic on them; an `__in` list takes plain values"
)]
pub trait PlainValue {}
impl<V: PlainValue + ?Sized> PlainValue for &V {}
impl PlainValue for str {}
impl PlainValue for String {}
impl<T, K> PlainValue for crate::relations::ForeignKey<T, K> {}
impl PlainValue for serde_json::Value {}

/// Makes Rust types plain values (see [`PlainValue`]) and valid keys of every model in a lookup
/// on a relation (`blog = 3`, see [`crate::lookups::RelatedValue`]); references follow through
/// the impls for `&V`.
#[doc(hidden)]
#[macro_export]
macro_rules! __dorm_plain_values {
    ($($rust:ty),* $(,)?) => {$(
        impl $crate::relations::PlainValue for $rust {}
        #[diagnostic::do_not_recommend]
        impl<__T> $crate::lookups::RelatedValue<__T> for $rust {
            type Checked = $crate::names::Valid;
        }
    )*};
}
crate::__dorm_plain_values!(
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::DateTime<chrono::Utc>,
    rust_decimal::Decimal,
);

impl<O, ST, V> OuterSql<O, ST> for V
where
    ST: SqlType + SingleValue,
    V: SqlValue<O, ST> + PlainValue,
{
    type Expr = V::Expr;
    const READS_ROW: bool = false;
    fn outer_sql(self) -> V::Expr {
        self.into_sql_value()
    }
    fn outer_in_values<I: IntoIterator<Item = Self>>(values: I) -> InValues<Self::Expr> {
        V::__into_in_values(values)
    }
}

/// A value already rewritten for an enclosing path keeps reading that path's row.
impl<O, O2, ST, V> OuterSql<O, ST> for OuterValue<O2, V>
where
    ST: SqlType + SingleValue,
    V: OuterSql<O2, ST>,
{
    type Expr = V::Expr;
    const READS_ROW: bool = V::READS_ROW;
    fn outer_sql(self) -> V::Expr {
        self.0.outer_sql()
    }
}

/// The names check leaves an expression to the full check.
impl<O, V, ST> crate::values::ValueOf<ST> for OuterValue<O, V> {
    type Ok = crate::names::Valid;
}

impl<T, O, ST, V> SqlValue<T, ST> for OuterValue<O, V>
where
    ST: SqlType + SingleValue,
    V: OuterSql<O, ST>,
{
    type Expr = V::Expr;
    const __COMPUTED: bool = V::READS_ROW;
    fn into_sql_value(self) -> V::Expr {
        self.0.outer_sql()
    }
    fn __into_in_values<I: IntoIterator<Item = Self>>(values: I) -> InValues<Self::Expr> {
        V::outer_in_values(values.into_iter().map(|v| v.0))
    }
}

impl<T, O, V: crate::lookups::RelatedValue<T>> crate::lookups::RelatedValue<T>
    for OuterValue<O, V>
{
    type Checked = V::Checked;
}

/// The column `C` of the QuerySet's row, read from its alias (`"V0"."age"`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RowColumn<C>(pub C);

impl<C: Expression> Expression for RowColumn<C> {
    type SqlType = C::SqlType;
}
impl<C: diesel::Column, DB: Backend> QueryFragment<DB> for RowColumn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_identifier(OUTER_ALIAS)?;
        out.push_sql(".");
        out.push_identifier(C::NAME)
    }
}
impl<C: 'static> QueryId for RowColumn<C> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}
impl<C, G> ValidGrouping<G> for RowColumn<C> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<C, QS: ?Sized> AppearsOnTable<QS> for RowColumn<C> where Self: Expression {}
impl<C, QS: ?Sized> SelectableExpression<QS> for RowColumn<C> where Self: Expression {}

/// Rewrites the conditions under a relation path from `O` so that their values read `O`'s
/// row (see the module docs).
pub trait ToOuter<O> {
    /// The rewritten conditions.
    type Out;
    /// Whether a value reads the QuerySet's row.
    const READS_ROW: bool;
    /// Rewrites them.
    fn to_outer(self) -> Self::Out;
}

/// How a lookup kind's right-hand side is rewritten: comparisons take [`OuterValue`]s; the
/// other lookups keep their value (text patterns, JSON keys and `isnull`'s flag read no row;
/// `in` takes plain values or a subquery, see [`InOuter`]).
pub trait OuterShape<O, V> {
    /// The rewritten value.
    type Out;
    /// Whether it reads the QuerySet's row.
    const READS_ROW: bool;
    /// Rewrites it.
    fn shape(value: V) -> Self::Out;
}

macro_rules! wraps {
    ($($kind:ty),*) => {$(
        impl<O, V: OuterReads<O>> OuterShape<O, V> for $kind {
            type Out = OuterValue<O, V>;
            const READS_ROW: bool = V::READS_ROW;
            fn shape(value: V) -> Self::Out {
                OuterValue::new(value)
            }
        }
    )*};
}
wraps!(Exact, Gt, Gte, Lt, Lte);

impl<O, V: OuterReads<O>> OuterShape<O, (V, V)> for Range {
    type Out = (OuterValue<O, V>, OuterValue<O, V>);
    const READS_ROW: bool = V::READS_ROW;
    fn shape((low, high): (V, V)) -> Self::Out {
        (OuterValue::new(low), OuterValue::new(high))
    }
}

macro_rules! keeps {
    ($($kind:ty),*) => {$(
        impl<O, V> OuterShape<O, V> for $kind {
            type Out = V;
            const READS_ROW: bool = false;
            fn shape(value: V) -> V {
                value
            }
        }
    )*};
}
keeps!(
    IExact,
    Contains,
    IContains,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
    Regex,
    IRegex,
    IsNull,
    HasKey,
    HasKeys,
    HasAnyKeys,
    ContainedBy
);

/// An `__in` value allowed in a lookup across a relation: a list of plain values, or a
/// subquery. `F()` in an `__in` list there would read the related row, so it does not compile.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the `__in` value of a lookup that follows a relation",
    label = "there `__in` takes plain values or a subquery",
    note = "`F()` inside an `__in` list across a relation is not supported"
)]
pub trait InOuter {}
impl<I: IntoIterator> InOuter for I where I::Item: PlainValue {}
impl<M: Model, W, O, N, Jn> InOuter
    for crate::queryset::ValuesList<
        M,
        W,
        O,
        crate::queryset::Unsliced,
        crate::queryset::Pick<N>,
        Jn,
    >
{
}
impl<Q> InOuter for crate::expressions::Subquery<Q> {}
impl<M: Model, W, C, H> InOuter for crate::queryset::GroupKeys<M, W, C, H> {}

impl<O, V: InOuter> OuterShape<O, V> for In {
    type Out = V;
    const READS_ROW: bool = false;
    fn shape(value: V) -> V {
        value
    }
}

/// Whether a comparison's value reads the QuerySet's row, known from its type alone (the
/// value's SQL type is known only where the lookup is built).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a value of a lookup across a relation",
    label = "not supported in a lookup that follows a relation",
    note = "there a value may be a plain value, `F(field)` (a field of the QuerySet's row, as in Django) or arithmetic on them"
)]
pub trait OuterReads<O> {
    /// It does.
    const READS_ROW: bool;
}
impl<O, V: PlainValue> OuterReads<O> for V {
    const READS_ROW: bool = false;
}
impl<O, N> OuterReads<O> for crate::expressions::F<N> {
    const READS_ROW: bool = true;
}
impl<O, A, B, Op> OuterReads<O> for crate::expressions::Arith<A, B, Op> {
    const READS_ROW: bool = true;
}
impl<O, O2, V: OuterReads<O2>> OuterReads<O> for OuterValue<O2, V> {
    const READS_ROW: bool = V::READS_ROW;
}

impl<O, N, L: OuterShape<O, V>, V> ToOuter<O> for Lookup<N, L, V> {
    type Out = Lookup<N, L, L::Out>;
    const READS_ROW: bool = L::READS_ROW;
    fn to_outer(self) -> Self::Out {
        Lookup::new(L::shape(self.into_value()))
    }
}

macro_rules! both {
    ($($t:ident),*) => {$(
        impl<O, A: ToOuter<O>, B: ToOuter<O>> ToOuter<O> for $t<A, B> {
            type Out = $t<A::Out, B::Out>;
            const READS_ROW: bool = A::READS_ROW || B::READS_ROW;
            fn to_outer(self) -> Self::Out {
                $t(self.0.to_outer(), self.1.to_outer())
            }
        }
    )*};
}
both!(And, Or);

impl<O, A: ToOuter<O>> ToOuter<O> for Not<A> {
    type Out = Not<A::Out>;
    const READS_ROW: bool = A::READS_ROW;
    fn to_outer(self) -> Self::Out {
        Not(self.0.to_outer())
    }
}

impl<O, P: ToOuter<O>> ToOuter<O> for Q<P> {
    type Out = Q<P::Out>;
    const READS_ROW: bool = P::READS_ROW;
    fn to_outer(self) -> Self::Out {
        Q(self.0.to_outer())
    }
}

impl<O, N> ToOuter<O> for super::NameIsNull<N> {
    type Out = Self;
    const READS_ROW: bool = false;
    fn to_outer(self) -> Self {
        self
    }
}

impl<O, H, I: ToOuter<O>> ToOuter<O> for super::PathLookup<H, I> {
    type Out = super::path::NestedPath<H, I::Out>;
    const READS_ROW: bool = I::READS_ROW;
    fn to_outer(self) -> Self::Out {
        super::path::NestedPath::new(self.into_inner().to_outer())
    }
}

/// A condition across a relation from `M`, inside `EXISTS (SELECT 1 FROM m AS "V0" WHERE
/// "V0".pk = m.pk AND ...)` when its values read the QuerySet's row (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct OuterRow<M, E> {
    condition: E,
    reads_row: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M, E> OuterRow<M, E> {
    /// `condition`, named through the alias when `reads_row`.
    pub(crate) fn new(condition: E, reads_row: bool) -> Self {
        OuterRow {
            condition,
            reads_row,
            _model: PhantomData,
        }
    }
}

impl<M, E: Expression> Expression for OuterRow<M, E> {
    type SqlType = E::SqlType;
}
impl<M: Model, E: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for OuterRow<M, E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if !self.reads_row {
            return self.condition.walk_ast(out);
        }
        open_outer_row(&mut out, M::DB_TABLE, M::PK_COLUMN)?;
        out.push_sql("(");
        self.condition.walk_ast(out.reborrow())?;
        out.push_sql("))");
        Ok(())
    }
}

/// `EXISTS (SELECT 1 FROM "table" AS "V0" WHERE "V0"."pk" = "table"."pk" AND `: the
/// QuerySet's row under the alias its values read; the caller writes the condition and `)`.
pub(crate) fn open_outer_row<DB: Backend>(
    out: &mut AstPass<'_, '_, DB>,
    table: &str,
    pk: &str,
) -> QueryResult<()> {
    out.push_sql("EXISTS (SELECT 1 FROM ");
    out.push_identifier(table)?;
    out.push_sql(" AS ");
    out.push_identifier(OUTER_ALIAS)?;
    out.push_sql(" WHERE ");
    column(out, OUTER_ALIAS, pk)?;
    out.push_sql(" = ");
    column(out, table, pk)?;
    out.push_sql(" AND ");
    Ok(())
}
impl<M: 'static, E: QueryId> QueryId for OuterRow<M, E> {
    type QueryId = OuterRow<M, E::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}
impl<M, E: ValidGrouping<G>, G> ValidGrouping<G> for OuterRow<M, E> {
    type IsAggregate = E::IsAggregate;
}
impl<M, E: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for OuterRow<M, E> where
    Self: Expression
{
}
impl<M, E: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for OuterRow<M, E> where
    Self: AppearsOnTable<QS>
{
}
