//! Ordering: `order_by`, `reverse`, the model's default ordering, and the ordering `first()`
//! and `last()` fall back to.
//!
//! The ordering is kept apart from the diesel query until it runs, as a typed list of
//! [`Asc`]/[`Desc`] items, so that `reverse()` and `last()` can flip every item at the type
//! level and the final query stays one static diesel type.

use std::marker::PhantomData;

use diesel::expression::Expression;
use diesel::query_dsl::methods::OrderDsl;
use diesel::ExpressionMethods;

use super::slicing::Reorderable;
use super::QuerySet;
use crate::lookups::Operand;
use crate::model::Model;

/// No `ORDER BY` (a model without `ordering`, or after `clear_ordering()`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unordered;

/// `ORDER BY` the items of `T` (an [`OrderBy`] item or a tuple of them).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ordered<T>(pub T);

/// Ascending by `E`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asc<E>(pub E);

/// Descending by `E`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Desc<E>(pub E);

/// The field named `N` of whatever model the ordering is applied to.
#[derive(Debug, Clone, Copy)]
pub struct ByName<N>(PhantomData<fn() -> N>);

impl<N> ByName<N> {
    /// The field named `N`.
    pub const fn new() -> Self {
        ByName(PhantomData)
    }
}

impl<N> Default for ByName<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// A diesel column, by type.
#[derive(Debug, Clone, Copy, Default)]
pub struct Col<C>(pub C);

/// Something to order rows of `M` by.
pub trait OrderExpr<M> {
    /// The diesel expression.
    type Expr: Expression + ExpressionMethods + Clone;
    /// Builds it.
    fn expr(&self) -> Self::Expr;
}

impl<M: Model, N: Operand<M>> OrderExpr<M> for ByName<N>
where
    N::Expr: ExpressionMethods,
{
    type Expr = N::Expr;
    fn expr(&self) -> N::Expr {
        N::operand()
    }
}

impl<M, C> OrderExpr<M> for Col<C>
where
    C: Expression + ExpressionMethods + Clone,
{
    type Expr = C;
    fn expr(&self) -> C {
        self.0.clone()
    }
}

/// One or more ordering items for rows of `M`.
pub trait OrderBy<M> {
    /// The diesel `ORDER BY` expression (a tuple for several items).
    type Diesel: Expression;
    /// The same items with every direction flipped.
    type Reversed: OrderBy<M>;
    /// Builds the diesel expression.
    fn diesel(&self) -> Self::Diesel;
    /// Flips every direction.
    fn reversed(self) -> Self::Reversed;
    /// The items' expressions without their directions: what a `SELECT DISTINCT` projection
    /// selects too (see [`DistinctRows`]).
    type Exprs: Expression;
    /// What those expressions are read as: [`Skip`], one per item (nothing is read).
    type Skipped;
    /// Builds the expressions.
    fn exprs(&self) -> Self::Exprs;
}

impl<M, E: OrderExpr<M>> OrderBy<M> for Asc<E> {
    type Diesel = diesel::dsl::Asc<E::Expr>;
    type Reversed = Desc<E>;
    type Exprs = E::Expr;
    type Skipped = Skip;
    fn exprs(&self) -> E::Expr {
        self.0.expr()
    }
    fn diesel(&self) -> Self::Diesel {
        self.0.expr().asc()
    }
    fn reversed(self) -> Desc<E> {
        Desc(self.0)
    }
}

impl<M, E: OrderExpr<M>> OrderBy<M> for Desc<E> {
    type Diesel = diesel::dsl::Desc<E::Expr>;
    type Reversed = Asc<E>;
    type Exprs = E::Expr;
    type Skipped = Skip;
    fn exprs(&self) -> E::Expr {
        self.0.expr()
    }
    fn diesel(&self) -> Self::Diesel {
        self.0.expr().desc()
    }
    fn reversed(self) -> Asc<E> {
        Asc(self.0)
    }
}

macro_rules! tuple_order {
    ($($t:ident $i:tt),+) => {
        impl<M, $($t: OrderBy<M>),+> OrderBy<M> for ($($t,)+) {
            type Diesel = ($($t::Diesel,)+);
            type Reversed = ($($t::Reversed,)+);
            type Exprs = ($($t::Exprs,)+);
            type Skipped = ($($t::Skipped,)+);
            fn exprs(&self) -> Self::Exprs {
                ($(self.$i.exprs(),)+)
            }
            fn diesel(&self) -> Self::Diesel {
                ($(self.$i.diesel(),)+)
            }
            fn reversed(self) -> Self::Reversed {
                ($(self.$i.reversed(),)+)
            }
        }
    };
}
tuple_order!(A 0);
tuple_order!(A 0, B 1);
tuple_order!(A 0, B 1, C 2);
tuple_order!(A 0, B 1, C 2, D 3);
tuple_order!(A 0, B 1, C 2, D 3, E 4);
tuple_order!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_order!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_order!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// `NULLS FIRST` after an ordering item (Django's `nulls_first=True`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NullsFirst<I>(pub I);
/// `NULLS LAST` after an ordering item (Django's `nulls_last=True`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NullsLast<I>(pub I);
/// Random order (Django's `order_by("?")`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Random;

impl<M, I: OrderBy<M>> OrderBy<M> for NullsFirst<I> {
    type Diesel = OrderSql<I::Diesel, NullsFirstSql>;
    type Reversed = NullsLast<I::Reversed>;
    type Exprs = I::Exprs;
    type Skipped = I::Skipped;
    fn exprs(&self) -> I::Exprs {
        self.0.exprs()
    }
    fn diesel(&self) -> Self::Diesel {
        OrderSql(self.0.diesel(), NullsFirstSql)
    }
    fn reversed(self) -> Self::Reversed {
        NullsLast(self.0.reversed())
    }
}

impl<M, I: OrderBy<M>> OrderBy<M> for NullsLast<I> {
    type Diesel = OrderSql<I::Diesel, NullsLastSql>;
    type Reversed = NullsFirst<I::Reversed>;
    type Exprs = I::Exprs;
    type Skipped = I::Skipped;
    fn exprs(&self) -> I::Exprs {
        self.0.exprs()
    }
    fn diesel(&self) -> Self::Diesel {
        OrderSql(self.0.diesel(), NullsLastSql)
    }
    fn reversed(self) -> Self::Reversed {
        NullsFirst(self.0.reversed())
    }
}

impl<M> OrderBy<M> for Random {
    type Diesel = OrderSql<NoExpr, RandomSql>;
    type Reversed = Random;
    type Exprs = OrderSql<NoExpr, RandomSql>;
    type Skipped = Skip;
    fn exprs(&self) -> Self::Exprs {
        OrderSql(NoExpr, RandomSql)
    }
    fn diesel(&self) -> Self::Diesel {
        OrderSql(NoExpr, RandomSql)
    }
    fn reversed(self) -> Random {
        self
    }
}

/// Nothing: what `RANDOM()` follows.
#[derive(Debug, Clone, Copy, Default, diesel::query_builder::QueryId)]
pub struct NoExpr;

impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for NoExpr {
    fn walk_ast<'b>(
        &'b self,
        _out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        Ok(())
    }
}
impl Expression for NoExpr {
    type SqlType = diesel::sql_types::Bool;
}
impl<QS: ?Sized> diesel::AppearsOnTable<QS> for NoExpr {}
impl<QS: ?Sized> diesel::SelectableExpression<QS> for NoExpr {}

/// SQL that follows (for `NoExpr`, replaces) an ordering expression.
pub trait OrderSuffix: Copy + Default + 'static {
    /// The SQL.
    const SQL: &'static str;
}
/// ` NULLS FIRST`.
#[derive(Debug, Clone, Copy, Default, diesel::query_builder::QueryId)]
pub struct NullsFirstSql;
/// ` NULLS LAST`.
#[derive(Debug, Clone, Copy, Default, diesel::query_builder::QueryId)]
pub struct NullsLastSql;
/// `RANDOM()`.
#[derive(Debug, Clone, Copy, Default, diesel::query_builder::QueryId)]
pub struct RandomSql;
impl OrderSuffix for NullsFirstSql {
    const SQL: &'static str = " NULLS FIRST";
}
impl OrderSuffix for NullsLastSql {
    const SQL: &'static str = " NULLS LAST";
}
impl OrderSuffix for RandomSql {
    const SQL: &'static str = "RANDOM()";
}

/// An ordering expression followed by [`OrderSuffix`] SQL (both SQLite and PostgreSQL accept
/// `NULLS FIRST`/`NULLS LAST` and `RANDOM()`).
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
pub struct OrderSql<E, X>(E, X);

impl<E, X> Expression for OrderSql<E, X> {
    type SqlType = diesel::sql_types::Bool;
}

impl<E, X, DB> diesel::query_builder::QueryFragment<DB> for OrderSql<E, X>
where
    DB: diesel::backend::Backend,
    E: diesel::query_builder::QueryFragment<DB>,
    X: OrderSuffix,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(X::SQL);
        Ok(())
    }
}

impl<E, X, G> diesel::expression::ValidGrouping<G> for OrderSql<E, X> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<E: diesel::AppearsOnTable<QS>, X, QS: ?Sized> diesel::AppearsOnTable<QS> for OrderSql<E, X> {}
impl<E: diesel::SelectableExpression<QS>, X, QS: ?Sized> diesel::SelectableExpression<QS>
    for OrderSql<E, X>
{
}

/// An ordering state ([`Unordered`] or [`Ordered`]) that can be applied to a diesel query `W`.
pub trait ApplyOrder<M, W> {
    /// The ordered query.
    type Out;
    /// Adds the `ORDER BY`.
    fn apply(&self, query: W) -> Self::Out;
}

impl<M, W> ApplyOrder<M, W> for Unordered {
    type Out = W;
    fn apply(&self, query: W) -> W {
        query
    }
}

impl<M, W, T> ApplyOrder<M, W> for Ordered<T>
where
    T: OrderBy<M>,
    W: OrderDsl<T::Diesel>,
{
    type Out = diesel::dsl::Order<W, T::Diesel>;
    fn apply(&self, query: W) -> Self::Out {
        query.order(self.0.diesel())
    }
}

/// The ordering `first()` uses: the QuerySet's own, or the primary key when it has none.
pub trait FirstOrder<M: Model> {
    /// The ordering state.
    type Out;
    /// It.
    fn first_order(self) -> Self::Out;
}

/// The ordering `last()` and `reverse()` use: the QuerySet's own reversed, or the primary key
/// descending (`last()`) when it has none.
pub trait LastOrder<M: Model> {
    /// The ordering state.
    type Out;
    /// It.
    fn last_order(self) -> Self::Out;
}

impl<M: Model> FirstOrder<M> for Unordered {
    type Out = Ordered<Asc<Col<M::PkColumn>>>;
    fn first_order(self) -> Self::Out {
        Ordered(Asc(Col(M::PkColumn::default())))
    }
}
impl<M: Model, T> FirstOrder<M> for Ordered<T> {
    type Out = Ordered<T>;
    fn first_order(self) -> Self::Out {
        self
    }
}
impl<M: Model> LastOrder<M> for Unordered {
    type Out = Ordered<Desc<Col<M::PkColumn>>>;
    fn last_order(self) -> Self::Out {
        Ordered(Desc(Col(M::PkColumn::default())))
    }
}
impl<M: Model, T: OrderBy<M>> LastOrder<M> for Ordered<T> {
    type Out = Ordered<T::Reversed>;
    fn last_order(self) -> Self::Out {
        Ordered(self.0.reversed())
    }
}

/// Flipping an ordering state: an unordered QuerySet stays unordered (as in Django).
pub trait ReverseOrder<M> {
    /// The flipped state.
    type Out;
    /// Flips it.
    fn reverse_order(self) -> Self::Out;
}
impl<M> ReverseOrder<M> for Unordered {
    type Out = Unordered;
    fn reverse_order(self) -> Unordered {
        self
    }
}
impl<M, T: OrderBy<M>> ReverseOrder<M> for Ordered<T> {
    type Out = Ordered<T::Reversed>;
    fn reverse_order(self) -> Self::Out {
        Ordered(self.0.reversed())
    }
}

/// The ordering state `O` of a `SELECT DISTINCT` QuerySet. A projection of it
/// (`values_list!`) selects the ordering's expressions too, as Django does: the database can
/// only order distinct rows by what they hold, and those expressions take part in what is
/// distinct (Django's note on `distinct()`: "any fields used in an order_by() call are included
/// in the SQL SELECT columns").
#[derive(Debug, Clone, Copy, Default)]
pub struct DistinctRows<O>(pub O);

/// An ordering state ([`Unordered`], [`Ordered`], or either under [`DistinctRows`]): what
/// `distinct()`, `order_by` and `clear_ordering` make of it.
pub trait OrderState {
    /// The state on a `SELECT DISTINCT` query.
    type Distinct;
    /// The state once `order_by`/`clear_ordering` set `N`: `N`, still distinct when the query
    /// is.
    type Reordered<N>;
    /// Marks it distinct.
    fn distinct(self) -> Self::Distinct;
    /// Replaces the ordering with `n`.
    fn reorder<N>(self, n: N) -> Self::Reordered<N>;
}

impl OrderState for Unordered {
    type Distinct = DistinctRows<Unordered>;
    type Reordered<N> = N;
    fn distinct(self) -> Self::Distinct {
        DistinctRows(self)
    }
    fn reorder<N>(self, n: N) -> N {
        n
    }
}
impl<T> OrderState for Ordered<T> {
    type Distinct = DistinctRows<Ordered<T>>;
    type Reordered<N> = N;
    fn distinct(self) -> Self::Distinct {
        DistinctRows(self)
    }
    fn reorder<N>(self, n: N) -> N {
        n
    }
}
impl<O> OrderState for DistinctRows<O> {
    type Distinct = Self;
    type Reordered<N> = DistinctRows<N>;
    fn distinct(self) -> Self {
        self
    }
    fn reorder<N>(self, n: N) -> DistinctRows<N> {
        DistinctRows(n)
    }
}

impl<M, W, O: ApplyOrder<M, W>> ApplyOrder<M, W> for DistinctRows<O> {
    type Out = O::Out;
    fn apply(&self, query: W) -> Self::Out {
        self.0.apply(query)
    }
}
impl<M: Model, O: FirstOrder<M>> FirstOrder<M> for DistinctRows<O> {
    type Out = DistinctRows<O::Out>;
    fn first_order(self) -> Self::Out {
        DistinctRows(self.0.first_order())
    }
}
impl<M: Model, O: LastOrder<M>> LastOrder<M> for DistinctRows<O> {
    type Out = DistinctRows<O::Out>;
    fn last_order(self) -> Self::Out {
        DistinctRows(self.0.last_order())
    }
}
impl<M, O: ReverseOrder<M>> ReverseOrder<M> for DistinctRows<O> {
    type Out = DistinctRows<O::Out>;
    fn reverse_order(self) -> Self::Out {
        DistinctRows(self.0.reverse_order())
    }
}

/// A selected value that is not read: an ordering expression a `SELECT DISTINCT` projection
/// selects only so that the database can order by it (see [`DistinctRows`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Skip;

impl<ST, DB: diesel::backend::Backend> diesel::deserialize::FromSql<ST, DB> for Skip {
    fn from_sql(_: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        Ok(Skip)
    }
    fn from_nullable_sql(_: Option<DB::RawValue<'_>>) -> diesel::deserialize::Result<Self> {
        Ok(Skip)
    }
}

impl<ST, DB> diesel::deserialize::Queryable<ST, DB> for Skip
where
    DB: diesel::backend::Backend,
    ST: diesel::sql_types::SingleValue,
{
    type Row = Skip;
    fn build(row: Skip) -> diesel::deserialize::Result<Skip> {
        Ok(row)
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// Orders by `items`, replacing any earlier ordering (Django's `order_by`). Usually written
    /// `order_by!(qs, -pub_date, headline)`.
    pub fn order_by<T: OrderBy<M>>(self, items: T) -> QuerySet<M, W, O::Reordered<Ordered<T>>, S, J>
    where
        S: Reorderable,
        O: OrderState,
    {
        QuerySet::with_joins(
            self.query,
            self.order.reorder(Ordered(items)),
            self.slice,
            self.joins,
        )
    }

    /// Removes any ordering, the model's default included (Django's `order_by()`).
    pub fn clear_ordering(self) -> QuerySet<M, W, O::Reordered<Unordered>, S, J>
    where
        S: Reorderable,
        O: OrderState,
    {
        QuerySet::with_joins(
            self.query,
            self.order.reorder(Unordered),
            self.slice,
            self.joins,
        )
    }

    /// Flips the ordering (Django's `reverse()`).
    pub fn reverse(self) -> QuerySet<M, W, O::Out, S, J>
    where
        S: Reorderable,
        O: ReverseOrder<M>,
    {
        QuerySet::with_joins(
            self.query,
            self.order.reverse_order(),
            self.slice,
            self.joins,
        )
    }
}
