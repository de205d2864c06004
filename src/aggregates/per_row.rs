//! Aggregates over a row's own values in `annotate!` on a model's rows (Django's
//! `Book.objects.annotate(n=Count("id"))`, `annotate(s=Sum("publisher__num_awards"))`).
//!
//! Django groups such a QuerySet by the primary key: each row is a group of one, and the
//! aggregate reads that row alone (`Count(id)` is 1, `Max(age)` is the row's age,
//! `Sum(publisher__num_awards)` its publisher's awards, `Count(nickname)` 0 where the nickname is
//! NULL). dorm computes the aggregate over the row in a subquery, so the QuerySet stays a query
//! of rows and needs no `GROUP BY`: its other annotations, filters (in `WHERE`, never `HAVING`)
//! and orderings are unchanged, and the result is a value per row like any other annotation (it
//! can be filtered on, ordered by, and summed by `aggregate!`).
//!
//! ```sql
//! (SELECT COUNT("R"."v") FROM (SELECT "book"."id" AS "v") AS "R")
//! ```
//!
//! The row's value goes through a derived table so that the aggregate reads a column of the
//! subquery: an aggregate whose arguments read only the outer row belongs to the outer query
//! (SQL's rule), which would make the whole QuerySet an aggregate.
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Person {
//!     pub id: Auto<i64>,
//!     pub nickname: Option<String>,
//!     pub age: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Person::META], &mut conn)?;
//! Person::objects().bulk_create(vec![
//!     Person { nickname: Some("ann".into()), age: 30, ..Default::default() },
//!     Person { nickname: None, age: 40, ..Default::default() },
//! ], &mut conn)?;
//! // Person.objects.annotate(n=Count("id"), nick=Count("nickname"), oldest=Max("age"))
//! let rows: Vec<(i64, i64, Option<i32>)> = order_by!(
//!     annotate!(Person::objects(), n = Count(id), nick = Count(nickname), oldest = Max(age)),
//!     age
//! )
//! .fetch(&mut conn)?
//! .into_iter()
//! .map(|(_, n, nick, oldest)| (n, nick, oldest))
//! .collect();
//! assert_eq!(rows, [(1, 1, Some(30)), (1, 0, Some(40))]);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{BigInt, SqlType};

use super::relation::column;
use super::{
    render_call, Aggregate, AggregateDefault, AggregateExpr, AggregateFilter, AggregateOf, CountFn,
    RenderDefault, RenderFilter, Star,
};
use crate::expressions::{AnnotationList, ConstKind, Dialect, Resolve, RowKind, Rows, Scope};
use crate::model::Model;

/// The alias of the one-row derived table.
const ROW: &str = "R";
/// Its column.
const VALUE: &str = "v";

/// Scopes whose aggregates over the model's own values read each row alone: the rows of a
/// model in `annotate!` (Django groups them by the primary key).
pub trait PerRow: Scope {}
impl<M: Model, L: AnnotationList> PerRow for Rows<M, L> {}

/// Kinds of value an aggregate over one row may read: a value of the row, or a constant.
pub trait RowValue {}
impl RowValue for RowKind {}
impl RowValue for ConstKind {}

/// Index of an aggregate over the row's own values.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowIndex<IA, IF, ID>(PhantomData<crate::relations::Marker3<IA, IF, ID>>);

impl<Sc, F, A, Flt, D, IA, IF, ID> Resolve<Sc, RowIndex<IA, IF, ID>> for Aggregate<F, A, Flt, D>
where
    Sc: PerRow,
    A: Resolve<Sc, IA>,
    A::Kind: RowValue,
    F: AggregateOf<A::SqlType>,
    Flt: AggregateFilter<Sc, IF>,
    D: AggregateDefault<Sc, F::Out, ID>,
{
    type SqlType = D::SqlType;
    type Expr = RowAggregate<AggregateExpr<F, A::SqlType, A::Expr, Flt::Expr, D::Expr, D::SqlType>>;
    type Kind = RowKind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        RowAggregate(self.build(cx, |arg| arg.resolve(cx)))
    }
}

/// Index of `Count::all()` over the row itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowStarIndex<IF, ID>(PhantomData<fn() -> (IF, ID)>);

impl<Sc, Flt, D, IF, ID> Resolve<Sc, RowStarIndex<IF, ID>> for Aggregate<CountFn, Star, Flt, D>
where
    Sc: PerRow,
    Flt: AggregateFilter<Sc, IF>,
    D: AggregateDefault<Sc, BigInt, ID>,
{
    type SqlType = D::SqlType;
    type Expr =
        RowAggregate<AggregateExpr<CountFn, BigInt, TheRow, Flt::Expr, D::Expr, D::SqlType>>;
    type Kind = RowKind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        RowAggregate(self.build(cx, |_| TheRow))
    }
}

/// The value standing for the row itself in `Count::all()` over one row: `1`.
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct TheRow;

impl Expression for TheRow {
    type SqlType = BigInt;
}
impl<DB: Backend> QueryFragment<DB> for TheRow {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("1");
        Ok(())
    }
}
impl<G> ValidGrouping<G> for TheRow {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<QS: ?Sized> AppearsOnTable<QS> for TheRow {}
impl<QS: ?Sized> SelectableExpression<QS> for TheRow {}

/// An aggregate over the row it stands in (see the module docs): the aggregate `A` (an
/// [`AggregateExpr`]) computed in a subquery over the row's value.
#[derive(Debug, Clone)]
pub struct RowAggregate<A>(A);

impl<F, ST, E, Flt, D, Out> Expression for RowAggregate<AggregateExpr<F, ST, E, Flt, D, Out>>
where
    Out: SqlType + diesel::expression::TypedExpressionType,
{
    type SqlType = Out;
}

impl<F, ST, E, Flt, D, Out, DB> QueryFragment<DB>
    for RowAggregate<AggregateExpr<F, ST, E, Flt, D, Out>>
where
    DB: Dialect,
    F: AggregateOf<ST>,
    E: QueryFragment<DB>,
    Flt: RenderFilter<DB>,
    D: RenderDefault<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let aggregate = &self.0;
        out.push_sql("(SELECT ");
        render_call::<F, ST, DB, D>(
            &mut out,
            aggregate.distinct,
            aggregate.sample,
            &aggregate.default,
            |out| column(out, ROW, VALUE),
            |out| aggregate.filter.render_filter(out),
        )?;
        out.push_sql(" FROM (SELECT ");
        aggregate.arg.walk_ast(out.reborrow())?;
        out.push_sql(" AS ");
        out.push_identifier(VALUE)?;
        out.push_sql(") AS ");
        out.push_identifier(ROW)?;
        out.push_sql(")");
        Ok(())
    }
}

// The SQL depends on `distinct`/`sample`, which are values: no static query id.
impl<A> QueryId for RowAggregate<A> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

// A value per row: the outer query is not an aggregate.
impl<A, G> ValidGrouping<G> for RowAggregate<A> {
    type IsAggregate = diesel::expression::is_aggregate::No;
}
impl<A: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for RowAggregate<A> where Self: Expression
{}
impl<A: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for RowAggregate<A> where
    Self: AppearsOnTable<QS>
{
}
