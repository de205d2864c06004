//! Subqueries: [`Subquery`], [`Exists`] and [`OuterRef`] (Django's `Subquery(qs)`,
//! `Exists(qs)` and `OuterRef("field")`).
//!
//! * `annotate!(qs, n = Subquery(values!(inner, field).slice(..1)))`: a scalar subquery per
//!   row. Its SQL type is the field's, made nullable (no row gives NULL): rows load as
//!   `Option<T>`. As a `filter!` value (`filter!(qs, field = Subquery(...))`) it takes the
//!   compared field's type.
//! * `filter!(qs, Exists(inner))`, `filter!(qs, !Exists(inner))`, `exclude!(qs, Exists(inner))`,
//!   `q!(Exists(inner)) | q!(...)`, and `annotate!(qs, has = Exists(inner))` (a `bool` per row).
//! * `filter!(qs, field__in = Subquery(values!(inner, field)))`, and `filter!(qs, field__in =
//!   grouped.keys())` for the groups of a [`Grouped`](crate::queryset::Grouped) QuerySet (the
//!   scrap book's duplicates recipe).
//! * Inside `inner`, `OuterRef(field)` is a field of the outer query's row, as a `filter!` value
//!   (`filter!(Comment::objects(), post = OuterRef(pk))`) or a function argument.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use dorm::expressions::{Exists, Subquery};
//! use dorm::prelude::*;
//! use dorm::ForeignKey;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Post {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 100)]
//!     pub title: String,
//! }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Comment {
//!     pub id: Auto<i64>,
//!     #[dorm(on_delete = cascade)]
//!     pub post: ForeignKey<Post>,
//!     #[dorm(max_length = 100)]
//!     pub email: String,
//!     pub created_at: chrono::DateTime<Utc>,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Post::META, Comment::META], &mut conn)?;
//! let hello = Post::objects().create(Post { title: "Hello".into(), ..Default::default() }, &mut conn)?;
//! Post::objects().create(Post { title: "Quiet".into(), ..Default::default() }, &mut conn)?;
//! for (email, day) in [("ann@example.com", 1), ("bob@example.com", 2)] {
//!     let created_at = Utc.with_ymd_and_hms(2024, 1, day, 12, 0, 0).unwrap();
//!     let post = ForeignKey::to(&hello)?;
//!     Comment::objects().create(Comment { post, email: email.into(), created_at, ..Default::default() }, &mut conn)?;
//! }
//!
//! // newest = Comment.objects.filter(post=OuterRef('pk')).order_by('-created_at')
//! // Post.objects.annotate(newest_commenter_email=Subquery(newest.values('email')[:1]))
//! let newest = order_by!(filter!(Comment::objects(), post = OuterRef(pk)), -created_at);
//! let posts = annotate!(Post::objects(), newest_commenter_email = Subquery(values!(newest, email).slice(..1)));
//! let emails: Vec<(String, Option<String>)> = order_by!(posts, id)
//!     .fetch(&mut conn)?
//!     .into_iter()
//!     .map(|(post, email)| (post.title, email))
//!     .collect();
//! assert_eq!(emails, [("Hello".into(), Some("bob@example.com".into())), ("Quiet".into(), None)]);
//!
//! // Post.objects.filter(Exists(Comment.objects.filter(post=OuterRef('pk'))))
//! let commented = filter!(Post::objects(), Exists(filter!(Comment::objects(), post = OuterRef(pk))));
//! assert_eq!(commented.fetch(&mut conn)?, [hello.clone()]);
//! let silent = filter!(Post::objects(), !Exists(filter!(Comment::objects(), post = OuterRef(pk))));
//! assert_eq!(silent.count(&mut conn)?, 1);
//! # Ok(()) }
//! ```
//!
//! # How an `OuterRef` is typed and rendered
//!
//! The inner QuerySet is built before it is placed in an outer one, so it cannot know the outer
//! model. `OuterRef(pk)` compared with a field of SQL type `ST` becomes the diesel node
//! [`OuterColumn<Name<pk>, ST>`](OuterColumn): the inner query's type records "needs an outer
//! model with a field `pk` of SQL type `ST`" and nothing else.
//!
//! * **Running the inner QuerySet directly does not compile.** diesel runs only a `Query`, and a
//!   `SELECT` is a `Query` when every expression of its `WHERE` clause "appears on" its table
//!   (`AppearsOnTable<comment::table>`). An `OuterColumn` appears only on an [`OuterScope`],
//!   which no table is, so `fetch`, `count`, `first`, `exists`, `get`... are rejected with
//!   Django's message: *This queryset contains a reference to an outer query and may only be
//!   used in a subquery.*
//! * **Placing it in an outer QuerySet checks it.** `Subquery(...)` and `Exists(...)` learn the
//!   outer model `O` where they are resolved (`annotate!`, `filter!` of a QuerySet of `O`). They
//!   require [`Correlates<O, T>`](Correlates) of the inner query: its `WHERE` clause must
//!   appear on [`Correlated<O, T>`](Correlated) (the inner table `T` seen from a subquery of
//!   `O`), on which an `OuterColumn<N, ST>` appears when `O` has a field `N` whose SQL type is
//!   `ST` (or its nullable form). An unknown field is the usual "Cannot resolve keyword ... into
//!   field" error.
//! * **Rendering.** diesel renders a query node by node with no room for user state, so the
//!   subquery node tells the `OuterColumn`s inside it which row they read through a small
//!   per-thread stack while it renders its inner query: `("post"."id")`. When the inner table
//!   is the outer one (`Post` inside `Post`), the inner query would shadow the outer table's
//!   name, so the outer row is first copied into a derived table `"U0"` and the `OuterColumn`s
//!   read `("U0"."id")`:
//!   `(SELECT (<inner query>) FROM (SELECT "post"."id" AS "id", ...) AS "U0")`.
//!
//! Limitations: an `OuterRef` is checked where it appears in the inner QuerySet's own `WHERE`
//! (filters, also after `annotate!`); one inside a lookup across a relation of the inner
//! QuerySet (`filter!(Comment::objects(), post__author = OuterRef(author))`) is rendered the same
//! way but not checked by the compiler, and it must not lead back to the outer model's table
//! (that table's name would be shadowed there). `OuterRef(OuterRef(...))` is not supported.

use std::cell::RefCell;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping,
};
use diesel::internal::derives::multiconnection::SelectStatementAccessor;
use diesel::internal::table_macro::{FromClause, SelectStatement};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::methods::{GroupByDsl, SelectDsl};
use diesel::query_source::{AppearsInFromClause, QuerySource};
use diesel::result::QueryResult;
use diesel::sql_types::{is_nullable, Bool, IntoNullable, Nullable, SingleValue, SqlType};

use super::conditions::{Condition, Own};
use super::scope::{AnnotationList, Resolve, RowKind, Scope};
use crate::lookups::{In, Lookup, Operand, Predicate, SubqueryOf};
use crate::model::{Field, Manager, Model};
use crate::names::NameChars;
use crate::queryset::{
    ApplyHaving, ApplyOrder, ApplySlice, GroupKey, GroupKeys, GroupKeysQuery, InSubquery, Pick,
    Projection, ProjectionQuery, QuerySet, Slice, Sliced, Unsliced, ValuesList, ValuesQuery,
};
use crate::values::SqlValue;

// ---------------------------------------------------------------------------------------------
// OuterRef

/// A field of the outer query's row (Django's `OuterRef("field")`), written `OuterRef(field)`
/// in a `filter!` value or an expression of a QuerySet that becomes a [`Subquery`] or an
/// [`Exists`]. `OuterRef(pk)` is the outer model's primary key.
#[derive(Debug, Clone, Copy, Default)]
pub struct OuterRef<N>(PhantomData<fn() -> N>);

impl<N> OuterRef<N> {
    /// The outer field named `N`.
    pub const fn new() -> Self {
        OuterRef(PhantomData)
    }
}

/// An expression may stand for a related row; the lookup checks its SQL type.
impl<T, N> crate::lookups::RelatedValue<T> for OuterRef<N> {
    type Checked = crate::names::Valid;
}

/// Compared with a field of SQL type `ST`, an `OuterRef` stands for a value of that type; the
/// outer model is checked when the QuerySet is placed in a subquery (see the module docs).
/// The names check leaves an expression to the full check.
impl<N, ST> crate::values::ValueOf<ST> for OuterRef<N> {
    type Ok = crate::names::Valid;
}

impl<M, N, ST> SqlValue<M, ST> for OuterRef<N>
where
    ST: SqlType + SingleValue + TypedExpressionType,
{
    const __COMPUTED: bool = true;
    type Expr = OuterColumn<N, ST>;
    fn into_sql_value(self) -> Self::Expr {
        OuterColumn(PhantomData)
    }
}

/// The field `N` of the outer query's row, expected to be of SQL type `ST`: what an
/// [`OuterRef`] becomes inside the inner query. It appears only on an [`OuterScope`], so a
/// query holding one runs only as a subquery.
pub struct OuterColumn<N, ST>(PhantomData<fn() -> (N, ST)>);

impl<N, ST> std::fmt::Debug for OuterColumn<N, ST> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OuterColumn")
    }
}
impl<N, ST> Clone for OuterColumn<N, ST> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<N, ST> Copy for OuterColumn<N, ST> {}

impl<N, ST: SqlType + TypedExpressionType> Expression for OuterColumn<N, ST> {
    type SqlType = ST;
}

impl<N: NameChars, ST, DB: Backend> QueryFragment<DB> for OuterColumn<N, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let name = N::text();
        let resolved = outer::current().and_then(|frame| {
            let column = (frame.column)(&name)?;
            Some((
                frame.alias.unwrap_or_else(|| frame.table.to_string()),
                column,
            ))
        });
        match resolved {
            Some((table, column)) => {
                out.push_sql("(");
                out.push_identifier(&table)?;
                out.push_sql(".");
                out.push_identifier(column)?;
                out.push_sql(")");
            }
            // Outside a subquery (only reachable through `.sql()`, or a lookup across a
            // relation, which the compiler does not check): show what it is. A database
            // rejects it (there is no function `OuterRef`).
            None => {
                out.push_sql("OuterRef(");
                out.push_identifier(&name)?;
                out.push_sql(")");
            }
        }
        Ok(())
    }
}

/// The SQL depends on the subquery around it, whose type is part of every query holding it.
impl<N: 'static, ST: 'static> QueryId for OuterColumn<N, ST> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<N, ST, G> ValidGrouping<G> for OuterColumn<N, ST> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<N, ST, QS: ?Sized> AppearsOnTable<QS> for OuterColumn<N, ST>
where
    Self: Expression,
    QS: OuterScope<N, ST>,
{
}

impl<N, ST, QS: ?Sized> SelectableExpression<QS> for OuterColumn<N, ST> where
    Self: AppearsOnTable<QS>
{
}

/// Where an [`OuterColumn<N, ST>`](OuterColumn) may appear: only inside a subquery whose outer
/// model has a field `N` of SQL type `ST` ([`Correlated`]). A table is not one, which is what
/// keeps a QuerySet with an `OuterRef` from running on its own.
#[diagnostic::on_unimplemented(
    message = "This queryset contains a reference to an outer query and may only be used in a subquery.",
    label = "OuterRef outside a subquery",
    note = "Django: ValueError: This queryset contains a reference to an outer query and may only be used in a subquery. Place the QuerySet in `Subquery(...)` or `Exists(...)` inside `annotate!`/`filter!` of the outer QuerySet"
)]
pub trait OuterScope<N, ST> {}

impl<O, T, N, ST> OuterScope<N, ST> for Correlated<O, T>
where
    O: Field<N>,
    <<O as Field<N>>::Column as Expression>::SqlType: OuterFits<ST>,
{
}

/// The SQL type of an outer field may stand where `ST` is expected: the same type, or one side
/// nullable and the other not.
#[diagnostic::on_unimplemented(
    message = "OuterRef() refers to a field of SQL type `{Self}` where a value of SQL type `{ST}` is expected",
    label = "the outer field has another type",
    note = "compare an OuterRef with an inner field of the same type (a nullable and a NOT NULL field of the same type mix)"
)]
pub trait OuterFits<ST> {}
impl<T> OuterFits<T> for T {}
impl<T: SqlType<IsNull = is_nullable::NotNull>> OuterFits<Nullable<T>> for T {}
impl<T: SqlType<IsNull = is_nullable::NotNull>> OuterFits<T> for Nullable<T> {}

// ---------------------------------------------------------------------------------------------
// The compile-time check: the inner query's WHERE seen from a subquery of `O`

/// The table `T` read inside a subquery whose outer model is `O`: a diesel query source on
/// which `T`'s columns appear as on `T`, and an [`OuterColumn`] appears when `O` has its field.
/// Used only in types, by [`Correlates`].
#[derive(Debug, Clone, Copy)]
pub struct Correlated<O, T>(T, PhantomData<fn() -> O>);

impl<O, T: QuerySource> QuerySource for Correlated<O, T> {
    type FromClause = T::FromClause;
    type DefaultSelection = One;
    fn from_clause(&self) -> Self::FromClause {
        self.0.from_clause()
    }
    fn default_selection(&self) -> Self::DefaultSelection {
        One
    }
}

impl<O, T: AppearsInFromClause<X>, X> AppearsInFromClause<X> for Correlated<O, T> {
    type Count = T::Count;
}

type Bare<P> = SelectStatement<FromClause<P>>;

/// A `SELECT` from `P` with the `WHERE` clause `Wh` and nothing else: diesel's own rules say
/// whether it is a valid query, that is whether every expression of `Wh` appears on `P`.
type Probe<P, Wh> = SelectStatement<
    FromClause<P>,
    <Bare<P> as SelectStatementAccessor>::Select,
    <Bare<P> as SelectStatementAccessor>::Distinct,
    Wh,
    <Bare<P> as SelectStatementAccessor>::Order,
    <Bare<P> as SelectStatementAccessor>::LimitOffset,
    <Bare<P> as SelectStatementAccessor>::GroupBy,
    <Bare<P> as SelectStatementAccessor>::Having,
    <Bare<P> as SelectStatementAccessor>::Locking,
>;

/// The diesel query `Self` (a QuerySet's `SELECT` from table `T`) may be a subquery of a query
/// on `O`: every [`OuterRef`] in its `WHERE` names a field of `O` of the right SQL type.
#[diagnostic::on_unimplemented(
    message = "this QuerySet cannot be a subquery of `{O}`",
    label = "its OuterRef()s do not resolve on `{O}`",
    note = "each OuterRef(field) must name a field of the outer model with the SQL type of the field it is compared with"
)]
pub trait Correlates<O, T> {}

impl<W, O, T> Correlates<O, T> for W
where
    W: SelectStatementAccessor,
    T: QuerySource,
    Probe<Correlated<O, T>, W::Where>: Query,
{
}

// ---------------------------------------------------------------------------------------------
// Subquery, Exists

/// A scalar subquery (Django's `Subquery(qs)`): `Subquery(values!(qs, field).slice(..1))` in
/// `annotate!` (an `Option` per row) or as a `filter!` value, and `Subquery(values!(qs, field))`
/// as an `__in` value. See the module docs.
#[derive(Debug, Clone, Copy)]
pub struct Subquery<Q>(pub Q);

/// Whether the subquery has a row (Django's `Exists(qs)`): a condition in `filter!`/`exclude!`
/// (`!Exists(...)` negates it) and a `bool` in `annotate!`. The inner ordering is dropped unless
/// the QuerySet is sliced. See the module docs.
#[derive(Debug, Clone, Copy)]
pub struct Exists<Q>(pub Q);

/// `!Exists(qs)` is Django's `~Exists(qs)`.
impl<Q> std::ops::Not for Exists<Q> {
    type Output = crate::lookups::Q<crate::lookups::Not<Exists<Q>>>;
    fn not(self) -> Self::Output {
        crate::lookups::Q(crate::lookups::Not(self))
    }
}

/// Index: a subquery resolved in a scope.
#[derive(Debug, Clone, Copy, Default)]
pub struct SubqueryIndex;

/// Drops the ordering of a subquery that is not sliced (it changes nothing there), keeps it
/// with the slice otherwise (as Django's `exists()` and `__in` do).
pub trait TrimOrder<M, O, Q> {
    /// The query.
    type Out;
    /// Applies the ordering if it matters.
    fn trim(&self, order: O, query: Q) -> Self::Out;
}

impl<M, O, Q> TrimOrder<M, O, Q> for Unsliced {
    type Out = Q;
    fn trim(&self, _: O, query: Q) -> Q {
        query
    }
}

impl<M, O: ApplyOrder<M, Q>, Q> TrimOrder<M, O, Q> for Sliced
where
    Sliced: ApplySlice<O::Out>,
{
    type Out = <Sliced as ApplySlice<O::Out>>::Out;
    fn trim(&self, order: O, query: Q) -> Self::Out {
        self.apply(order.apply(query))
    }
}

/// `none()`: no rows, as `LIMIT 0` (`EXISTS` is false, `IN` matches nothing, a scalar
/// subquery is NULL).
impl<M, O, Q: diesel::query_dsl::methods::LimitDsl> TrimOrder<M, O, Q> for crate::queryset::NoRows
where
    diesel::dsl::Limit<Q>: diesel::query_dsl::methods::OffsetDsl,
{
    type Out = <crate::queryset::NoRows as ApplySlice<Q>>::Out;
    fn trim(&self, _: O, query: Q) -> Self::Out {
        self.apply(query)
    }
}

/// A QuerySet of one column that can be a scalar subquery of a query on `O`: `values!(qs,
/// field)` (usually sliced to one row), or `values!` of one annotation.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a scalar subquery here",
    label = "expected `values!(qs, one_field)`, usually sliced with `.slice(..1)`",
    note = "Django: Subquery(qs.values('field')[:1]); its OuterRef()s must name fields of the outer model"
)]
pub trait ScalarSource<O> {
    /// The inner model.
    type Inner: Model;
    /// The SQL type of the selected column.
    type SqlType: SqlType + SingleValue;
    /// The diesel query.
    type Query: Clone;
    /// Builds it.
    fn into_scalar_query(self) -> Self::Query;
}

type Col<M, N> = <M as Field<N>>::Column;
type ColSqlType<M, N> = <Col<M, N> as Expression>::SqlType;

impl<O, M2, W, Ord, S, N2, Jn> ScalarSource<O> for ValuesList<M2, W, Ord, S, Pick<N2>, Jn>
where
    O: Model,
    M2: Model + Field<N2>,
    ColSqlType<M2, N2>: SqlType + SingleValue,
    W: Correlates<O, M2::Table> + SelectDsl<Col<M2, N2>>,
    Ord: ApplyOrder<M2, diesel::dsl::Select<W, Col<M2, N2>>>,
    S: ApplySlice<Ord::Out>,
    ValuesQuery<M2, W, Ord, S, Pick<N2>>: Clone,
{
    type Inner = M2;
    type SqlType = ColSqlType<M2, N2>;
    type Query = ValuesQuery<M2, W, Ord, S, Pick<N2>>;
    fn into_scalar_query(self) -> Self::Query {
        self.into_diesel()
    }
}

/// `values!` of one field or annotation after `annotate!` (slice the annotated QuerySet first).
impl<O, M2, W, L, Sel, Row, Ord, S> ScalarSource<O> for Projection<M2, W, L, Sel, Row, Ord, S>
where
    O: Model,
    M2: Model,
    L: AnnotationList,
    Sel: Expression + Clone,
    Sel::SqlType: SqlType + SingleValue,
    W: Correlates<O, M2::Table> + SelectDsl<Sel>,
    Ord: ApplyOrder<M2, diesel::dsl::Select<W, Sel>>,
    S: ApplySlice<Ord::Out>,
    ProjectionQuery<M2, W, Sel, Ord, S>: Clone,
{
    type Inner = M2;
    type SqlType = Sel::SqlType;
    type Query = ProjectionQuery<M2, W, Sel, Ord, S>;
    fn into_scalar_query(self) -> Self::Query {
        self.into_diesel()
    }
}

/// A QuerySet that can be the query of an [`Exists`] in a query on `O`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the QuerySet of `Exists(...)` here",
    label = "expected a QuerySet (`filter!(Model::objects(), ...)`) or `values!(...)`",
    note = "its OuterRef()s must name fields of the outer model"
)]
pub trait ExistsSource<O> {
    /// The inner model.
    type Inner: Model;
    /// The diesel query (`SELECT 1 FROM ... WHERE ...`).
    type Query: Clone;
    /// Builds it.
    fn into_exists_query(self) -> Self::Query;
}

impl<O, M2, W, Ord, S, Jn> ExistsSource<O> for QuerySet<M2, W, Ord, S, Jn>
where
    O: Model,
    M2: Model,
    W: Correlates<O, M2::Table> + SelectDsl<One>,
    S: TrimOrder<M2, Ord, diesel::dsl::Select<W, One>>,
    S::Out: Clone,
{
    type Inner = M2;
    type Query = S::Out;
    fn into_exists_query(self) -> Self::Query {
        self.slice.trim(self.order, self.query.select(One))
    }
}

impl<O, M2, W, Ord, S, C, Jn> ExistsSource<O> for ValuesList<M2, W, Ord, S, C, Jn>
where
    O: Model,
    M2: Model,
    QuerySet<M2, W, Ord, S>: ExistsSource<O, Inner = M2>,
{
    type Inner = M2;
    type Query = <QuerySet<M2, W, Ord, S> as ExistsSource<O>>::Query;
    fn into_exists_query(self) -> Self::Query {
        self.qs.forget_joins().into_exists_query()
    }
}

impl<O: Model, M2: Model> ExistsSource<O> for Manager<M2>
where
    QuerySet<M2>: ExistsSource<O, Inner = M2>,
{
    type Inner = M2;
    type Query = <QuerySet<M2> as ExistsSource<O>>::Query;
    fn into_exists_query(self) -> Self::Query {
        self.all().into_exists_query()
    }
}

/// A QuerySet of one column whose values a field of a query on `O` may be `__in`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the subquery of `__in` here",
    label = "expected `values!(qs, one_field)` or `grouped.keys()` of one field",
    note = "its OuterRef()s must name fields of the outer model"
)]
pub trait InSource<O> {
    /// The inner model.
    type Inner: Model;
    /// The SQL type of the selected column.
    type SqlType;
    /// The diesel query.
    type Query: Clone;
    /// Builds it.
    fn into_in_query(self) -> Self::Query;
}

impl<O, M2, W, Ord, S, N2, Jn> InSource<O> for ValuesList<M2, W, Ord, S, Pick<N2>, Jn>
where
    O: Model,
    M2: Model + Field<N2>,
    W: Correlates<O, M2::Table> + SelectDsl<Col<M2, N2>>,
    S: TrimOrder<M2, Ord, diesel::dsl::Select<W, Col<M2, N2>>>,
    S::Out: Clone,
{
    type Inner = M2;
    type SqlType = ColSqlType<M2, N2>;
    type Query = S::Out;
    fn into_in_query(self) -> Self::Query {
        let qs = self.qs;
        qs.slice
            .trim(qs.order, qs.query.select(Col::<M2, N2>::default()))
    }
}

impl<O, M2, W, C, H> InSource<O> for GroupKeys<M2, W, C, H>
where
    O: Model,
    M2: Model,
    C: GroupKey,
    W: Correlates<O, M2::Table> + GroupByDsl<C::GroupBy>,
    diesel::dsl::GroupBy<W, C::GroupBy>: SelectDsl<C::Select>,
    H: ApplyHaving<diesel::dsl::Select<diesel::dsl::GroupBy<W, C::GroupBy>, C::Select>>,
    GroupKeysQuery<W, C, H>: Clone,
{
    type Inner = M2;
    type SqlType = <C::Select as Expression>::SqlType;
    type Query = GroupKeysQuery<W, C, H>;
    fn into_in_query(self) -> Self::Query {
        self.into_diesel()
    }
}

/// The value of a scalar subquery of SQL type `Self` may be compared with (or stored in) a
/// field of SQL type `ST`: the same type, or one of them nullable.
#[diagnostic::on_unimplemented(
    message = "the subquery yields `{Self}`, but the field is `{ST}`",
    label = "a subquery of another SQL type",
    note = "select a field of the compared field's type in the subquery"
)]
pub trait ScalarFits<ST> {}
impl<T> ScalarFits<T> for T {}
impl<T: SqlType<IsNull = is_nullable::NotNull>> ScalarFits<Nullable<T>> for T {}
impl<T: SqlType<IsNull = is_nullable::NotNull>> ScalarFits<T> for Nullable<T> {}

/// `annotate!(qs, n = Subquery(...))`: one value per row, NULL when the subquery has no row.
impl<Sc, Q> Resolve<Sc, SubqueryIndex> for Subquery<Q>
where
    Sc: Scope,
    Q: ScalarSource<Sc::Model>,
    Q::SqlType: IntoNullable,
    <Q::SqlType as IntoNullable>::Nullable: SqlType + SingleValue + TypedExpressionType,
{
    type SqlType = <Q::SqlType as IntoNullable>::Nullable;
    type Expr = ScalarSubquery<Sc::Model, Q::Inner, Q::Query, Self::SqlType>;
    type Kind = RowKind;
    fn resolve(self, _: &Sc::Cx) -> Self::Expr {
        ScalarSubquery::new(self.0.into_scalar_query())
    }
}

/// An expression may stand for a related row; the lookup checks its SQL type.
impl<T, Q> crate::lookups::RelatedValue<T> for Subquery<Q> {
    type Checked = crate::names::Valid;
}

/// `filter!(qs, field = Subquery(...))` (and `update!`): the subquery's value as the field's type.
/// The names check leaves an expression to the full check.
impl<Q, ST> crate::values::ValueOf<ST> for Subquery<Q> {
    type Ok = crate::names::Valid;
}

impl<M, ST, Q> SqlValue<M, ST> for Subquery<Q>
where
    M: Model,
    ST: SqlType + SingleValue + TypedExpressionType,
    Q: ScalarSource<M>,
    Q::SqlType: ScalarFits<ST>,
{
    const __COMPUTED: bool = true;
    type Expr = ScalarSubquery<M, Q::Inner, Q::Query, ST>;
    fn into_sql_value(self) -> Self::Expr {
        ScalarSubquery::new(self.0.into_scalar_query())
    }
}

/// `annotate!(qs, has = Exists(...))`: a `bool` per row.
impl<Sc, Q> Resolve<Sc, SubqueryIndex> for Exists<Q>
where
    Sc: Scope,
    Q: ExistsSource<Sc::Model>,
{
    type SqlType = Bool;
    type Expr = ExistsSubquery<Sc::Model, Q::Inner, Q::Query>;
    type Kind = RowKind;
    fn resolve(self, _: &Sc::Cx) -> Self::Expr {
        ExistsSubquery::new(self.0.into_exists_query())
    }
}

/// `filter!(qs, Exists(...))`.
impl<M, Q> Predicate<M> for Exists<Q>
where
    M: Model,
    Q: ExistsSource<M>,
{
    type Expr = ExistsSubquery<M, Q::Inner, Q::Query>;
    fn build(self) -> Self::Expr {
        ExistsSubquery::new(self.0.into_exists_query())
    }
}

/// `filter!(annotated, Exists(...))`.
impl<Sc, Q> Condition<Sc, Own> for Exists<Q>
where
    Sc: Scope,
    Q: ExistsSource<Sc::Model>,
{
    type Expr = ExistsSubquery<Sc::Model, Q::Inner, Q::Query>;
    type Kind = RowKind;
    fn condition(self, _: &Sc::Cx) -> Self::Expr {
        ExistsSubquery::new(self.0.into_exists_query())
    }
}

/// `filter!(qs, field__in = Subquery(values!(inner, other_field)))`: the inner QuerySet may
/// hold `OuterRef`s to the filtered model.
impl<M, N, Q> Predicate<M> for Lookup<N, In, Subquery<Q>>
where
    M: Model,
    N: Operand<M>,
    Q: InSource<M>,
    Q::SqlType: SubqueryOf<N::SqlType>,
{
    type Expr = InCorrelated<M, Q::Inner, N::Expr, Q::Query>;
    fn build(self) -> Self::Expr {
        InCorrelated::new(N::operand(), self.into_value().0.into_in_query())
    }
}

/// `filter!(qs, field__in = grouped.keys())`: the grouped field of the groups that pass the
/// grouped QuerySet's filters (the scrap book's duplicates recipe).
impl<M, N, M2, W, C, H> Predicate<M> for Lookup<N, In, GroupKeys<M2, W, C, H>>
where
    M: Model,
    N: Operand<M>,
    M2: Model,
    C: GroupKey,
    <C::Select as Expression>::SqlType: SubqueryOf<N::SqlType>,
    W: GroupByDsl<C::GroupBy>,
    diesel::dsl::GroupBy<W, C::GroupBy>: SelectDsl<C::Select>,
    H: ApplyHaving<diesel::dsl::Select<diesel::dsl::GroupBy<W, C::GroupBy>, C::Select>>,
{
    type Expr = InSubquery<N::Expr, GroupKeysQuery<W, C, H>>;
    fn build(self) -> Self::Expr {
        InSubquery::new(N::operand(), self.into_value().into_diesel())
    }
}

macro_rules! in_conditions {
    ($($value:ty => [$($g:ident),*]),*) => {$(
        /// After `annotate!`, `__in` with a subquery keeps its meaning on the model's field.
        impl<Sc, N, $($g),*> Condition<Sc, Own> for Lookup<N, In, $value>
        where
            Sc: Scope,
            Self: Predicate<Sc::Model>,
            <Self as Predicate<Sc::Model>>::Expr: Expression + Clone,
        {
            type Expr = <Self as Predicate<Sc::Model>>::Expr;
            type Kind = RowKind;
            fn condition(self, _: &Sc::Cx) -> Self::Expr {
                self.build()
            }
        }
    )*};
}
in_conditions!(
    Subquery<Q> => [Q],
    GroupKeys<M2, W, C, H> => [M2, W, C, H]
);

impl<M: Model, W, O, S: Slice, C, Jn> ValuesList<M, W, O, S, C, Jn> {
    /// The rows in `range` (Python's `qs.values('f')[:1]`), as for a QuerySet: usually
    /// `.slice(..1)` to make a scalar [`Subquery`].
    pub fn slice(
        self,
        range: impl std::ops::RangeBounds<usize>,
    ) -> ValuesList<M, W, O, S::Out, C, Jn> {
        ValuesList {
            qs: self.qs.slice(range),
            _columns: PhantomData,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The diesel nodes

/// `SELECT 1`: what an `EXISTS` subquery selects.
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct One;

impl Expression for One {
    type SqlType = diesel::sql_types::Integer;
}
impl<DB: Backend> QueryFragment<DB> for One {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("1");
        Ok(())
    }
}
impl<G> ValidGrouping<G> for One {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<QS: ?Sized> AppearsOnTable<QS> for One {}
impl<QS: ?Sized> SelectableExpression<QS> for One {}

/// `(SELECT ...)`: the scalar subquery `Q` on the inner model `T`, inside a query on `O`, as an
/// expression of SQL type `ST`.
pub struct ScalarSubquery<O, T, Q, ST> {
    query: Q,
    _types: Marker<O, T, ST>,
}

/// The types a subquery node carries without values.
type Marker<O, T, ST = ()> = PhantomData<fn() -> (O, T, ST)>;

/// `EXISTS (SELECT 1 ...)`: the subquery `Q` on the inner model `T`, inside a query on `O`.
pub struct ExistsSubquery<O, T, Q> {
    query: Q,
    _types: PhantomData<fn() -> (O, T)>,
}

/// `column IN (SELECT ...)`: the subquery `Q` on the inner model `T`, inside a query on `O`.
pub struct InCorrelated<O, T, C, Q> {
    column: C,
    query: Q,
    _types: PhantomData<fn() -> (O, T)>,
}

impl<O, T, Q, ST> ScalarSubquery<O, T, Q, ST> {
    /// The subquery `query`.
    pub fn new(query: Q) -> Self {
        ScalarSubquery {
            query,
            _types: PhantomData,
        }
    }
}
impl<O, T, Q> ExistsSubquery<O, T, Q> {
    /// The subquery `query`.
    pub fn new(query: Q) -> Self {
        ExistsSubquery {
            query,
            _types: PhantomData,
        }
    }
}
impl<O, T, C, Q> InCorrelated<O, T, C, Q> {
    /// `column IN (query)`.
    pub fn new(column: C, query: Q) -> Self {
        InCorrelated {
            column,
            query,
            _types: PhantomData,
        }
    }
}

impl<O, T, Q: Clone, ST> Clone for ScalarSubquery<O, T, Q, ST> {
    fn clone(&self) -> Self {
        ScalarSubquery::new(self.query.clone())
    }
}
impl<O, T, Q: Clone> Clone for ExistsSubquery<O, T, Q> {
    fn clone(&self) -> Self {
        ExistsSubquery::new(self.query.clone())
    }
}
impl<O, T, C: Clone, Q: Clone> Clone for InCorrelated<O, T, C, Q> {
    fn clone(&self) -> Self {
        InCorrelated::new(self.column.clone(), self.query.clone())
    }
}
impl<O, T, Q, ST> std::fmt::Debug for ScalarSubquery<O, T, Q, ST> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Subquery")
    }
}
impl<O, T, Q> std::fmt::Debug for ExistsSubquery<O, T, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Exists")
    }
}
impl<O, T, C, Q> std::fmt::Debug for InCorrelated<O, T, C, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InSubquery")
    }
}

impl<O, T, Q, ST: SqlType + TypedExpressionType> Expression for ScalarSubquery<O, T, Q, ST> {
    type SqlType = ST;
}
impl<O, T, Q> Expression for ExistsSubquery<O, T, Q> {
    type SqlType = Bool;
}
impl<O, T, C: Expression, Q> Expression for InCorrelated<O, T, C, Q> {
    type SqlType = Bool;
}

impl<O: Model, T: Model, Q: QueryFragment<DB>, ST, DB: Backend> QueryFragment<DB>
    for ScalarSubquery<O, T, Q, ST>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        render::<O, T, DB>(&mut out, None, &self.query)
    }
}
impl<O: Model, T: Model, Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB>
    for ExistsSubquery<O, T, Q>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        render::<O, T, DB>(&mut out, Some(Shape::Exists), &self.query)
    }
}
impl<O: Model, T: Model, C: QueryFragment<DB>, Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB>
    for InCorrelated<O, T, C, Q>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        render::<O, T, DB>(&mut out, Some(Shape::In(&self.column)), &self.query)
    }
}

impl<O: 'static, T: 'static, Q: QueryId, ST: 'static> QueryId for ScalarSubquery<O, T, Q, ST> {
    type QueryId = ScalarSubquery<O, T, Q::QueryId, ST>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}
impl<O: 'static, T: 'static, Q: QueryId> QueryId for ExistsSubquery<O, T, Q> {
    type QueryId = ExistsSubquery<O, T, Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}
impl<O: 'static, T: 'static, C: QueryId, Q: QueryId> QueryId for InCorrelated<O, T, C, Q> {
    type QueryId = InCorrelated<O, T, C::QueryId, Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID && Q::HAS_STATIC_QUERY_ID;
}

impl<O, T, Q, ST, G> ValidGrouping<G> for ScalarSubquery<O, T, Q, ST> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<O, T, Q, G> ValidGrouping<G> for ExistsSubquery<O, T, Q> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<O, T, C: ValidGrouping<G>, Q, G> ValidGrouping<G> for InCorrelated<O, T, C, Q> {
    type IsAggregate = C::IsAggregate;
}

// The subquery's own tables are its business: it appears on any outer query (the outer model
// it reads through `OuterRef` is fixed by its type).
impl<O, T, Q, ST, QS: ?Sized> AppearsOnTable<QS> for ScalarSubquery<O, T, Q, ST> where
    Self: Expression
{
}
impl<O, T, Q, ST, QS: ?Sized> SelectableExpression<QS> for ScalarSubquery<O, T, Q, ST> where
    Self: AppearsOnTable<QS>
{
}
impl<O, T, Q, QS: ?Sized> AppearsOnTable<QS> for ExistsSubquery<O, T, Q> {}
impl<O, T, Q, QS: ?Sized> SelectableExpression<QS> for ExistsSubquery<O, T, Q> {}
impl<O, T, C: AppearsOnTable<QS>, Q, QS: ?Sized> AppearsOnTable<QS> for InCorrelated<O, T, C, Q> where
    Self: Expression
{
}
impl<O, T, C: SelectableExpression<QS>, Q, QS: ?Sized> SelectableExpression<QS>
    for InCorrelated<O, T, C, Q>
where
    Self: AppearsOnTable<QS>,
{
}

/// What surrounds the inner query: `(...)` (scalar, `None`), `EXISTS (...)`, `column IN (...)`.
enum Shape<'a, DB> {
    Exists,
    In(&'a dyn QueryFragment<DB>),
}

/// Renders `query` as a subquery of a query on `O` (see the module docs).
fn render<'b, O: Model, T: Model, DB: Backend>(
    out: &mut AstPass<'_, 'b, DB>,
    shape: Option<Shape<'b, DB>>,
    query: &'b dyn QueryFragment<DB>,
) -> QueryResult<()> {
    if O::DB_TABLE != T::DB_TABLE {
        match shape {
            None => out.push_sql("("),
            Some(Shape::Exists) => out.push_sql("EXISTS ("),
            Some(Shape::In(column)) => {
                column.walk_ast(out.reborrow())?;
                out.push_sql(" IN (");
            }
        }
        {
            let _frame = outer::enter(O::DB_TABLE, None, outer::column_of::<O>);
            query.walk_ast(out.reborrow())?;
        }
        out.push_sql(")");
        return Ok(());
    }
    // The inner query reads the outer table too: copy the outer row into "U0" first.
    let depth = outer::depth();
    let alias = if depth == 0 {
        "U0".to_string()
    } else {
        format!("U0_{depth}")
    };
    let inner = |out: &mut AstPass<'_, 'b, DB>| -> QueryResult<()> {
        let _frame = outer::enter(O::DB_TABLE, Some(alias.clone()), outer::column_of::<O>);
        query.walk_ast(out.reborrow())
    };
    match shape {
        None => {
            out.push_sql("(SELECT (");
            inner(out)?;
            out.push_sql(") FROM ");
            derived::<O, DB>(out, &alias)?;
            out.push_sql(")");
        }
        Some(Shape::Exists) => {
            out.push_sql("EXISTS (SELECT 1 FROM ");
            derived::<O, DB>(out, &alias)?;
            out.push_sql(" WHERE EXISTS (");
            inner(out)?;
            out.push_sql("))");
        }
        Some(Shape::In(column)) => {
            out.push_sql("EXISTS (SELECT 1 FROM ");
            derived::<O, DB>(out, &alias)?;
            out.push_sql(" WHERE ");
            column.walk_ast(out.reborrow())?;
            out.push_sql(" IN (");
            inner(out)?;
            out.push_sql("))");
        }
    }
    Ok(())
}

/// `(SELECT "post"."id" AS "id", ...) AS "U0"`: the outer row, under `alias`.
fn derived<O: Model, DB: Backend>(out: &mut AstPass<'_, '_, DB>, alias: &str) -> QueryResult<()> {
    out.push_sql("(SELECT ");
    let fields = O::META.fields;
    if fields.is_empty() {
        out.push_sql("1");
    }
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push_sql(", ");
        }
        out.push_identifier(O::DB_TABLE)?;
        out.push_sql(".");
        out.push_identifier(field.column)?;
        out.push_sql(" AS ");
        out.push_identifier(field.column)?;
    }
    out.push_sql(") AS ");
    out.push_identifier(alias)
}

/// Which outer row the `OuterColumn`s being rendered read: a stack, one frame per subquery
/// being rendered on this thread (the innermost is the one an `OuterRef` refers to).
mod outer {
    use super::*;

    /// One subquery being rendered.
    #[derive(Clone)]
    pub(super) struct Frame {
        pub(super) table: &'static str,
        pub(super) alias: Option<String>,
        pub(super) column: fn(&str) -> Option<&'static str>,
    }

    thread_local! {
        static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
    }

    /// The column of `O`'s field `name` (`pk` is the primary key).
    pub(super) fn column_of<O: Model>(name: &str) -> Option<&'static str> {
        match O::META.field(name) {
            Some(field) => Some(field.column),
            None if name == "pk" => Some(O::PK_COLUMN),
            None => None,
        }
    }

    /// Pops its frame when dropped.
    pub(super) struct Entered(bool);

    impl Drop for Entered {
        fn drop(&mut self) {
            if self.0 {
                let _ = FRAMES.try_with(|f| f.try_borrow_mut().map(|mut f| f.pop()));
            }
        }
    }

    /// Pushes a frame for the rendering of one inner query.
    pub(super) fn enter(
        table: &'static str,
        alias: Option<String>,
        column: fn(&str) -> Option<&'static str>,
    ) -> Entered {
        let frame = Frame {
            table,
            alias,
            column,
        };
        let pushed = FRAMES
            .try_with(|f| f.try_borrow_mut().map(|mut f| f.push(frame)).is_ok())
            .unwrap_or(false);
        Entered(pushed)
    }

    /// The innermost frame.
    pub(super) fn current() -> Option<Frame> {
        FRAMES
            .try_with(|f| f.try_borrow().ok().and_then(|f| f.last().cloned()))
            .ok()
            .flatten()
    }

    /// How many subqueries are being rendered.
    pub(super) fn depth() -> usize {
        FRAMES
            .try_with(|f| f.try_borrow().map(|f| f.len()).unwrap_or(0))
            .unwrap_or(0)
    }
}
