//! Groups: `annotate!(values!(qs, key), n = Count(id))` (Django's `values(...).annotate(...)`).
//!
//! A [`Grouped`] QuerySet is the rows of a model grouped by the fields named in `values!`
//! ([`FieldsKey`]) or by expressions ([`ExprKey`]), with aggregates per group. Its rows are
//! `(key, a1, a2, ...)`. A condition on an aggregate goes to `HAVING`, one on the rows to
//! `WHERE` ([`GroupFilter`]); `order_by!`, slicing, [`keys`](Grouped::keys) (the grouped
//! values as a subquery for `__in`) and the reading verbs (`fetch`, `count`, `exists`,
//! `first`, `last`, `get`, `explain`, `sql`) work as on any QuerySet.

use std::marker::PhantomData;

use diesel::query_dsl::methods::{FilterDsl, GroupByDsl, HavingDsl, SelectDsl};

use super::annotate::{Aggregates, GroupAnnotation, PendingAggregate, RowPlan, ScopedOrder};
use super::execute::Built;
use super::ordering::{ApplyOrder, OrderBy, Ordered, Unordered};
use super::slicing::{ApplySlice, Filterable, Reorderable, Slice, Sliced, Whole};
use super::values::{Columns, ValuesList};
use super::QuerySet;
use super::{Reads as _, ShapeQuery};
use crate::db::Load;
use crate::error::Result;
use crate::expressions::scope::OverGroups;
use crate::expressions::{
    AggregateKind, AnnotationList, Append, Chain, Condition, ConstKind, Groups, KeyExpr,
    NoAnnotations, Resolve, RowKind, ScopeName, Selected,
};
use crate::lookups::IsNotTrue;
use crate::model::Model;
use crate::names::AddsNames;
use crate::relations::reuse::FilterList;
use crate::sql::CountAround;

type Added<L, N, E, K> = <L as Append<N, E, K>>::Out;

/// No `HAVING`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHaving;
/// `HAVING` the condition `E`.
#[derive(Debug, Clone, Copy)]
pub struct HavingBy<E>(E);

/// Adds a condition to the `HAVING` clause.
pub trait AddHaving<E> {
    /// The new state.
    type Out;
    /// Adds it.
    fn and(self, condition: E) -> Self::Out;
}
impl<E> AddHaving<E> for NoHaving {
    type Out = HavingBy<E>;
    fn and(self, condition: E) -> HavingBy<E> {
        HavingBy(condition)
    }
}
impl<H, E> AddHaving<E> for HavingBy<H> {
    type Out = HavingBy<crate::lookups::BoolOp<H, E, crate::lookups::AndOp>>;
    fn and(self, condition: E) -> Self::Out {
        HavingBy(crate::lookups::BoolOp::new(self.0, condition))
    }
}

/// Where a condition on groups goes: `WHERE` for a condition on the rows (grouped fields and
/// expressions are values of each row), `HAVING` for one on aggregates.
pub trait GroupFilter<W, H, E> {
    /// The query with its `WHERE`.
    type Where;
    /// The `HAVING` state.
    type Having;
    /// Places the condition.
    fn place(query: W, having: H, condition: E) -> (Self::Where, Self::Having);
}
macro_rules! row_filter {
    ($($kind:ty),*) => {$(
        impl<W: FilterDsl<E>, H, E> GroupFilter<W, H, E> for $kind {
            type Where = diesel::dsl::Filter<W, E>;
            type Having = H;
            fn place(query: W, having: H, condition: E) -> (Self::Where, H) {
                (query.filter(condition), having)
            }
        }
    )*};
}
row_filter!(RowKind, ConstKind, crate::expressions::RelatedKind);
impl<W, H: AddHaving<E>, E> GroupFilter<W, H, E> for AggregateKind {
    type Where = W;
    type Having = H::Out;
    fn place(query: W, having: H, condition: E) -> (W, H::Out) {
        (query, having.and(condition))
    }
}

/// Applies the `HAVING` state to a grouped query.
pub trait ApplyHaving<Q> {
    /// The query.
    type Out;
    /// Applies it.
    fn apply(self, query: Q) -> Self::Out;
}
impl<Q> ApplyHaving<Q> for NoHaving {
    type Out = Q;
    fn apply(self, query: Q) -> Q {
        query
    }
}
impl<Q: HavingDsl<E>, E> ApplyHaving<Q> for HavingBy<E> {
    type Out = Q::Output;
    fn apply(self, query: Q) -> Q::Output {
        query.having(self.0)
    }
}

/// Rows of `M` grouped by the fields `C` named in `values!`, with the aggregates `L` (see the
/// module docs). Rows are `(key, a1, a2, ...)`.
#[must_use = "a QuerySet does nothing until a method that takes a connection runs it"]
pub struct Grouped<M: Model, W, C, L, H, O, S> {
    query: W,
    key: C,
    anns: L,
    having: H,
    order: O,
    slice: S,
    _types: PhantomData<fn() -> (M, C)>,
}

impl<M: Model, W: Clone, C: Clone, L: Clone, H: Clone, O: Clone, S: Clone> Clone
    for Grouped<M, W, C, L, H, O, S>
{
    fn clone(&self) -> Self {
        Grouped {
            query: self.query.clone(),
            key: self.key.clone(),
            anns: self.anns.clone(),
            having: self.having.clone(),
            order: self.order.clone(),
            slice: self.slice.clone(),
            _types: PhantomData,
        }
    }
}

impl<M: Model, W, C, L> Grouped<M, W, C, L, NoHaving, Unordered, super::Unsliced> {
    /// The rows of `query` grouped by `key`, with the aggregates `anns`.
    pub(super) fn new(query: W, key: C, anns: L) -> Self {
        Grouped {
            query,
            key,
            anns,
            having: NoHaving,
            order: Unordered,
            slice: super::Unsliced,
            _types: PhantomData,
        }
    }
}

impl<M: Model, W, C, L, H, O, S> std::fmt::Debug for Grouped<M, W, C, L, H, O, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<Grouped QuerySet {}>", M::META.name)
    }
}

/// What groups are keyed by: the fields of `values!` ([`FieldsKey`]) or expressions
/// ([`ExprKey`], `values!(qs, year = ExtractYear(joined))`).
pub trait GroupKey: Clone {
    /// The first item of the select clause.
    type Select: diesel::Expression + Clone;
    /// The `GROUP BY` clause.
    type GroupBy: diesel::Expression + Clone;
    /// The key's Rust value in each row.
    type Row;
    /// What the key is read as (see [`Columns::Loaded`]).
    type Loaded;
    /// The key from what was read.
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row>;
    /// The select item.
    fn select(&self) -> Self::Select;
    /// The `GROUP BY` clause.
    fn group_by(&self) -> Self::GroupBy;
}

/// Groups keyed by the fields `C` of `M`.
#[derive(Debug)]
pub struct FieldsKey<M, C>(PhantomData<fn() -> (M, C)>);
impl<M, C> Clone for FieldsKey<M, C> {
    fn clone(&self) -> Self {
        FieldsKey(PhantomData)
    }
}
impl<M, C: Columns<M>> GroupKey for FieldsKey<M, C> {
    type Select = C::Select;
    type GroupBy = C::Select;
    type Row = C::Row;
    type Loaded = C::Loaded;
    #[inline(always)]
    fn finish(loaded: C::Loaded) -> diesel::deserialize::Result<C::Row> {
        C::finish(loaded)
    }
    fn select(&self) -> C::Select {
        C::select()
    }
    fn group_by(&self) -> C::Select {
        C::select()
    }
}

/// Groups keyed by expressions already resolved (`Sel`, `arity` values), read by the
/// [`RowPlan`] `Row`.
/// They are grouped by position (`GROUP BY 1, 2`): an expression with bind parameters,
/// repeated, is not the same expression to PostgreSQL.
#[derive(Debug)]
pub struct ExprKey<Sel, Row>(Sel, usize, PhantomData<fn() -> Row>);
impl<Sel, Row> ExprKey<Sel, Row> {
    /// The key `select`, of `arity` values.
    pub(super) fn new(select: Sel, arity: usize) -> Self {
        ExprKey(select, arity, PhantomData)
    }
}
impl<Sel: Clone, Row> Clone for ExprKey<Sel, Row> {
    fn clone(&self) -> Self {
        ExprKey(self.0.clone(), self.1, PhantomData)
    }
}
impl<Sel: diesel::Expression + Clone, Row: RowPlan> GroupKey for ExprKey<Sel, Row> {
    type Select = KeyExpr<Sel>;
    type GroupBy = Positions;
    type Row = Row::Row;
    type Loaded = Row::Loaded;
    #[inline(always)]
    fn finish(loaded: Row::Loaded) -> diesel::deserialize::Result<Row::Row> {
        Row::finish(loaded)
    }
    fn select(&self) -> KeyExpr<Sel> {
        KeyExpr::new(self.0.clone())
    }
    fn group_by(&self) -> Positions {
        Positions(self.1)
    }
}

/// `1, 2, ..., n`: the first `n` items of the select clause, in `GROUP BY`.
#[derive(Debug, Clone, Copy)]
pub struct Positions(usize);

impl diesel::Expression for Positions {
    type SqlType = diesel::sql_types::Integer;
}
impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for Positions {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        let positions: Vec<String> = (1..=self.0.max(1)).map(|i| i.to_string()).collect();
        out.push_sql(&positions.join(", "));
        Ok(())
    }
}
impl diesel::query_builder::QueryId for Positions {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<QS: ?Sized> diesel::AppearsOnTable<QS> for Positions {}
impl<QS: ?Sized> diesel::SelectableExpression<QS> for Positions {}
impl<G> diesel::expression::ValidGrouping<G> for Positions {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<M: Model, W, O, C: Columns<M>, Jn: FilterList> ValuesList<M, W, O, super::Unsliced, C, Jn> {
    /// Groups the rows by the fields of `values!` and adds the aggregate `N = expr` to each
    /// group (Django's `values(...).annotate(n=expr)`). Written
    /// `annotate!(values!(qs, field), n = expr)`. The model's default ordering is not used
    /// (as in Django 3.1+); order the groups with `order_by!`.
    #[allow(clippy::type_complexity)]
    pub fn annotate<N, T: AddsNames, X, I, J>(
        self,
        expr: X,
    ) -> Grouped<
        M,
        W,
        FieldsKey<M, C>,
        Added<Chain<Jn::Root, NoAnnotations>, (N, T), X::Expr, X::Kind>,
        NoHaving,
        Unordered,
        super::Unsliced,
    >
    where
        X: Resolve<Groups<M, Chain<Jn::Root, NoAnnotations>>, I>,
        X::Kind: GroupAnnotation,
        Groups<M, Added<Chain<Jn::Root, NoAnnotations>, (N, T), X::Expr, X::Kind>>: ScopeName<N, J>,
    {
        let anns = Chain::new(self.qs.joins.root(), NoAnnotations);
        let expr = expr.resolve(&anns);
        Grouped {
            query: self.qs.query,
            key: FieldsKey(PhantomData),
            anns: anns.append(expr),
            having: NoHaving,
            order: Unordered,
            slice: super::Unsliced,
            _types: PhantomData,
        }
    }
}

/// The diesel query a [`Grouped`] QuerySet runs.
pub type GroupedQuery<M, W, C, L, H, O, S> = Built<
    M,
    <H as ApplyHaving<
        diesel::dsl::Select<
            diesel::dsl::GroupBy<W, <C as GroupKey>::GroupBy>,
            <L as Selected>::Select<<C as GroupKey>::Select>,
        >,
    >>::Out,
    O,
    S,
>;

/// The grouped query with each annotation under its name, as `aggregate!` reads it.
pub type NamedGroupedQuery<M, W, C, L, H, O, S> = Built<
    M,
    <H as ApplyHaving<
        diesel::dsl::Select<
            diesel::dsl::GroupBy<W, <C as GroupKey>::GroupBy>,
            <L as Selected>::Named<<C as GroupKey>::Select>,
        >,
    >>::Out,
    O,
    S,
>;

/// What `aggregate!` over groups reads: the named grouped query, as the model's table.
type GroupRows<M, W, C, L, H, O, S> = crate::sql::Around<M, NamedGroupedQuery<M, W, C, L, H, O, S>>;

impl<M: Model, W, C: GroupKey, L: AnnotationList, H, O, S> Grouped<M, W, C, L, H, O, S> {
    /// Values over the groups (Django's `values(...).annotate(n=...).aggregate(Max("n"))`),
    /// written `aggregate!(groups, top = Max(n))`: `SELECT MAX("book"."n") FROM (grouped query)
    /// AS "book"`. The names are the group's annotations (the model's fields are not columns
    /// of the groups); the groups' filters, ordering and slice apply first.
    #[allow(clippy::type_complexity)]
    pub fn aggregate<X, I>(self, aggregates: X) -> PendingAggregate<X::Query, X::Loaded, X::Row>
    where
        L: Selected,
        W: GroupByDsl<C::GroupBy>,
        diesel::dsl::GroupBy<W, C::GroupBy>: SelectDsl<L::Named<C::Select>>,
        H: ApplyHaving<
            diesel::dsl::Select<diesel::dsl::GroupBy<W, C::GroupBy>, L::Named<C::Select>>,
        >,
        O: ApplyOrder<M, H::Out>,
        S: ApplySlice<O::Out>,
        X: Aggregates<
            OverGroups<M, GroupRows<M, W, C, L, H, O, S>, L>,
            GroupRows<M, W, C, L, H, O, S>,
            I,
        >,
        GroupRows<M, W, C, L, H, O, S>: Clone,
    {
        let select = self.anns.named(self.key.select());
        let grouped = self.query.group_by(self.key.group_by()).select(select);
        let named = self
            .slice
            .apply(self.order.apply(self.having.apply(grouped)));
        let cx = (crate::sql::Around::new(named), self.anns);
        PendingAggregate::new(aggregates.query(&cx), X::finish)
    }

    /// Adds another aggregate; it may refer to the ones before it.
    #[allow(clippy::type_complexity)]
    pub fn annotate<N, T: AddsNames, X, I, J>(
        self,
        expr: X,
    ) -> Grouped<M, W, C, Added<L, (N, T), X::Expr, X::Kind>, H, O, S>
    where
        X: Resolve<Groups<M, L>, I>,
        X::Kind: GroupAnnotation,
        L: Append<(N, T), X::Expr, X::Kind>,
        Groups<M, Added<L, (N, T), X::Expr, X::Kind>>: ScopeName<N, J>,
    {
        let expr = expr.resolve(&self.anns);
        Grouped {
            query: self.query,
            key: self.key,
            anns: self.anns.append(expr),
            having: self.having,
            order: self.order,
            slice: self.slice,
            _types: PhantomData,
        }
    }

    /// Groups matching `condition`, which may name the aggregates and the grouped
    /// expressions (Django's `filter` after `values().annotate()`): a condition on an aggregate
    /// goes to `HAVING`, one on the rows (a grouped field or expression) to `WHERE`. Usually
    /// written `filter!(qs, total__gt = 1)`.
    #[allow(clippy::type_complexity)]
    pub fn filter<P, I>(
        self,
        condition: P,
    ) -> Grouped<
        M,
        <P::Kind as GroupFilter<W, H, P::Expr>>::Where,
        C,
        L,
        <P::Kind as GroupFilter<W, H, P::Expr>>::Having,
        O,
        S,
    >
    where
        S: Filterable,
        P: Condition<Groups<M, L>, I>,
        P::Kind: GroupFilter<W, H, P::Expr>,
    {
        let expr = condition.condition(&self.anns);
        let (query, having) = P::Kind::place(self.query, self.having, expr);
        Grouped {
            query,
            key: self.key,
            having,
            anns: self.anns,
            order: self.order,
            slice: self.slice,
            _types: PhantomData,
        }
    }

    /// Groups for which `condition` is not true (in `HAVING` or `WHERE`, as for `filter`).
    #[allow(clippy::type_complexity)]
    pub fn exclude<P, I>(
        self,
        condition: P,
    ) -> Grouped<
        M,
        <P::Kind as GroupFilter<W, H, IsNotTrue<P::Expr>>>::Where,
        C,
        L,
        <P::Kind as GroupFilter<W, H, IsNotTrue<P::Expr>>>::Having,
        O,
        S,
    >
    where
        S: Filterable,
        P: Condition<Groups<M, L>, I>,
        P::Kind: GroupFilter<W, H, IsNotTrue<P::Expr>>,
    {
        let expr = IsNotTrue(condition.condition(&self.anns));
        let (query, having) = P::Kind::place(self.query, self.having, expr);
        Grouped {
            query,
            key: self.key,
            having,
            anns: self.anns,
            order: self.order,
            slice: self.slice,
            _types: PhantomData,
        }
    }

    /// Orders the groups by grouped fields and aggregates.
    pub fn order_by<K, I>(self, keys: K) -> Grouped<M, W, C, L, H, Ordered<K::Out>, S>
    where
        S: Reorderable,
        K: ScopedOrder<Groups<M, L>, I>,
    {
        let order = Ordered(keys.resolve(&self.anns));
        Grouped {
            query: self.query,
            key: self.key,
            anns: self.anns,
            having: self.having,
            order,
            slice: self.slice,
            _types: PhantomData,
        }
    }

    /// The groups in `range`.
    pub fn slice(
        self,
        range: impl std::ops::RangeBounds<usize>,
    ) -> Grouped<M, W, C, L, H, O, S::Out>
    where
        S: Slice,
    {
        let qs: QuerySet<M, (), (), S> = QuerySet::from_parts((), (), self.slice);
        Grouped {
            query: self.query,
            key: self.key,
            anns: self.anns,
            having: self.having,
            order: self.order,
            slice: qs.slice(range).slice,
            _types: PhantomData,
        }
    }

    /// The diesel query.
    pub fn into_diesel(self) -> GroupedQuery<M, W, C, L, H, O, S>
    where
        L: Selected,
        W: GroupByDsl<C::GroupBy>,
        diesel::dsl::GroupBy<W, C::GroupBy>: SelectDsl<L::Select<C::Select>>,
        H: ApplyHaving<
            diesel::dsl::Select<diesel::dsl::GroupBy<W, C::GroupBy>, L::Select<C::Select>>,
        >,
        O: ApplyOrder<M, H::Out>,
        S: ApplySlice<O::Out>,
    {
        let select = self.anns.select(self.key.select());
        let grouped = self.query.group_by(self.key.group_by()).select(select);
        self.slice
            .apply(self.order.apply(self.having.apply(grouped)))
    }

    /// The same groups, read in the ordering `order` makes of theirs and in `slice` (what
    /// `first`, `last` and `get` run).
    fn reread<O2>(
        self,
        order: impl FnOnce(O) -> O2,
        slice: impl FnOnce(S) -> Sliced,
    ) -> Grouped<M, W, C, L, H, O2, Sliced> {
        Grouped {
            query: self.query,
            key: self.key,
            anns: self.anns,
            having: self.having,
            order: order(self.order),
            slice: slice(self.slice),
            _types: PhantomData,
        }
    }

    /// Runs the query: `(key, a1, a2, ...)` per group.
    pub fn fetch<'q, Conn>(self, conn: &mut Conn) -> Result<Vec<<Self as GroupsQuery>::Row>>
    where
        Self: GroupsQuery,
        Conn: Load<'q, <Self as ShapeQuery>::Query, <Self as GroupsQuery>::Loaded>,
    {
        Ok(conn.load_rows_with(self.into_query(), |row| {
            Self::finish(row).map_err(diesel::result::Error::DeserializationError)
        })?)
    }

    /// The first group in the ordering (Django's `first()`); unordered groups do not compile,
    /// as Django refuses them ("Cannot use QuerySet.first() on an unordered queryset
    /// performing aggregation").
    #[allow(clippy::type_complexity)]
    pub fn first<'q, Conn>(self, conn: &mut Conn) -> Result<Option<L::Row<C::Row>>>
    where
        L: Selected,
        S: Slice,
        O: OrderedGroups<M>,
        Grouped<M, W, C, L, H, O::First, Sliced>: GroupsQuery<Row = L::Row<C::Row>>,
        Conn: Load<
            'q,
            <Grouped<M, W, C, L, H, O::First, Sliced> as ShapeQuery>::Query,
            <Grouped<M, W, C, L, H, O::First, Sliced> as GroupsQuery>::Loaded,
        >,
    {
        let first = self.reread(O::first_order, |slice| slice.sliced(0, Some(1)));
        Ok(first.fetch(conn)?.pop())
    }

    /// The last group in the ordering (Django's `last()`: the ordering reversed).
    #[allow(clippy::type_complexity)]
    pub fn last<'q, Conn>(self, conn: &mut Conn) -> Result<Option<L::Row<C::Row>>>
    where
        L: Selected,
        S: Reorderable,
        O: OrderedGroups<M>,
        Grouped<M, W, C, L, H, O::Last, Sliced>: GroupsQuery<Row = L::Row<C::Row>>,
        Conn: Load<
            'q,
            <Grouped<M, W, C, L, H, O::Last, Sliced> as ShapeQuery>::Query,
            <Grouped<M, W, C, L, H, O::Last, Sliced> as GroupsQuery>::Loaded,
        >,
    {
        let last = self.reread(O::last_order, |_| Sliced {
            offset: 0,
            limit: Some(1),
        });
        Ok(last.fetch(conn)?.pop())
    }

    /// The one group there is (Django's `get()`):
    /// [`Error::DoesNotExist`](crate::Error::DoesNotExist) when there is none,
    /// [`Error::MultipleObjectsReturned`](crate::Error::MultipleObjectsReturned) when there are
    /// several.
    #[allow(clippy::type_complexity)]
    pub fn get<'q, Conn>(
        self,
        conn: &mut Conn,
    ) -> Result<<Grouped<M, W, C, L, H, O, Sliced> as GroupsQuery>::Row>
    where
        S: Whole,
        Self: GroupsQuery + Clone,
        Grouped<M, W, C, L, H, O, Sliced>: GroupsQuery,
        Conn: Load<
                'q,
                <Grouped<M, W, C, L, H, O, Sliced> as ShapeQuery>::Query,
                <Grouped<M, W, C, L, H, O, Sliced> as GroupsQuery>::Loaded,
            > + Load<'q, CountAround<<Self as ShapeQuery>::Query>, i64>,
    {
        let counting = self.clone();
        let some = self.reread(
            |order| order,
            |_| Sliced {
                offset: 0,
                limit: Some(super::execute::MAX_GET_RESULTS as i64),
            },
        );
        let rows = some.fetch(conn)?;
        super::execute::the_one_row::<M, _>(rows, || counting.count(conn).map(Some))
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        Self: GroupsQuery,
        <Self as ShapeQuery>::Query: super::SqlFor,
    {
        super::SqlFor::sql_for(&self.into_query(), vendor)
    }

    /// The grouped fields only, of the groups that pass the filters: a subquery for `__in`
    /// (the scrap book's duplicates recipe: `filter!(User::objects(), first_name__in =
    /// duplicates.keys())`).
    pub fn keys(self) -> GroupKeys<M, W, C, H>
    where
        S: Whole,
    {
        GroupKeys {
            query: self.query,
            key: self.key,
            having: self.having,
            _types: PhantomData,
        }
    }
}

/// A [`Grouped`] QuerySet whose parts make one diesel query ([`ShapeQuery`]), and how its
/// rows are read: what its reading verbs run.
pub trait GroupsQuery: ShapeQuery {
    /// What one row is read as.
    type Loaded;
    /// One group: `(key, a1, a2, ...)`.
    type Row;
    /// The group from what was read.
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row>;
}

impl<M: Model, W, C: GroupKey, L: AnnotationList + Selected, H, O, S> ShapeQuery
    for Grouped<M, W, C, L, H, O, S>
where
    W: GroupByDsl<C::GroupBy>,
    diesel::dsl::GroupBy<W, C::GroupBy>: SelectDsl<L::Select<C::Select>>,
    H: ApplyHaving<diesel::dsl::Select<diesel::dsl::GroupBy<W, C::GroupBy>, L::Select<C::Select>>>,
    O: ApplyOrder<M, H::Out>,
    S: ApplySlice<O::Out>,
{
    type Query = GroupedQuery<M, W, C, L, H, O, S>;
    fn into_query(self) -> Self::Query {
        self.into_diesel()
    }
}

impl<M: Model, W, C: GroupKey, L: AnnotationList + Selected, H, O, S> GroupsQuery
    for Grouped<M, W, C, L, H, O, S>
where
    Self: ShapeQuery,
{
    type Loaded = L::Loaded<C::Loaded>;
    type Row = L::Row<C::Row>;
    #[inline(always)]
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row> {
        L::finish(loaded, C::finish)
    }
}

/// The ordering of groups that `first()` and `last()` read: groups must be ordered.
#[diagnostic::on_unimplemented(
    message = "Cannot use first() or last() on unordered groups",
    label = "these groups have no ordering",
    note = "Django: TypeError: Cannot use QuerySet.first() on an unordered queryset performing aggregation. Add an ordering with order_by!()"
)]
pub trait OrderedGroups<M: Model> {
    /// The ordering `first()` uses (the same).
    type First;
    /// The ordering `last()` uses (reversed).
    type Last;
    /// It.
    fn first_order(self) -> Self::First;
    /// It reversed.
    fn last_order(self) -> Self::Last;
}
impl<M: Model, T: OrderBy<M>> OrderedGroups<M> for Ordered<T> {
    type First = Self;
    type Last = Ordered<T::Reversed>;
    fn first_order(self) -> Self {
        self
    }
    fn last_order(self) -> Self::Last {
        Ordered(self.0.reversed())
    }
}

/// The grouped fields of a [`Grouped`] QuerySet, as a subquery (see [`Grouped::keys`]).
#[derive(Debug, Clone)]
pub struct GroupKeys<M, W, C, H> {
    query: W,
    key: C,
    having: H,
    _types: PhantomData<fn() -> (M, C)>,
}

/// The query of [`GroupKeys`].
pub type GroupKeysQuery<W, C, H> = <H as ApplyHaving<
    diesel::dsl::Select<diesel::dsl::GroupBy<W, <C as GroupKey>::GroupBy>, <C as GroupKey>::Select>,
>>::Out;

impl<M: Model, W, C: GroupKey, H> GroupKeys<M, W, C, H>
where
    W: GroupByDsl<C::GroupBy>,
    diesel::dsl::GroupBy<W, C::GroupBy>: SelectDsl<C::Select>,
    H: ApplyHaving<diesel::dsl::Select<diesel::dsl::GroupBy<W, C::GroupBy>, C::Select>>,
{
    /// The diesel query.
    pub fn into_diesel(self) -> GroupKeysQuery<W, C, H> {
        self.having.apply(
            self.query
                .group_by(self.key.group_by())
                .select(self.key.select()),
        )
    }
}
