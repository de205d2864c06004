//! Window functions (Django's `Window(expression, partition_by=..., order_by=...)`).
//!
//! `Window(f, partition_by = x, order_by = -y)` renders `f OVER (PARTITION BY x ORDER BY y
//! DESC)`: `f` is computed for each row over the rows of its partition (all the rows without
//! `partition_by`), in the window's order. `f` is a window function — [`RowNumber`], [`Rank`],
//! [`DenseRank`], [`PercentRank`], [`CumeDist`], [`Ntile`], [`Lag`], [`Lead`] — or an
//! aggregate over the model's own fields ([`Count`], [`Sum`], [`Avg`], [`Max`], [`Min`],
//! [`StdDev`], [`Variance`]): inside `Window` an aggregate is computed per row (a running total
//! with `order_by`): `annotate!(qs, total = Window(Sum(pages), partition_by = writer))` is the
//! sum over the row's partition, where `annotate!(qs, total = Sum(pages))` is the row's own
//! pages (each row is its own group, see [`per_row`](crate::aggregates::per_row)).
//!
//! `partition_by` takes a name or a tuple of names (fields and annotations); `order_by` takes
//! one ordering item or a tuple of them, written as in `order_by!` (`-field`,
//! `field.nulls_last()`). The functions' types:
//!
//! | function | result |
//! |---|---|
//! | `RowNumber()`, `Rank()`, `DenseRank()` | `i64` |
//! | `PercentRank()`, `CumeDist()` | `f64` |
//! | `Ntile(n)` | `i32` |
//! | `Lag(x)`, `Lead(x)` (`offset = n`) | `Option<T>` of `x`'s type |
//! | `Lag(x, default = v)`, `Lead(x, default = v)` | `x`'s type |
//! | an aggregate | the aggregate's (see [`aggregates`](crate::aggregates)) |
//!
//! A window annotation can be read and ordered by; SQL does not allow filtering on it (the
//! database rejects it in `WHERE`).
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::expressions::{DenseRank, Lag, RowNumber, Window};
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Sale {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 20)]
//!     pub region: String,
//!     pub day: i32,
//!     pub amount: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Sale::META], &mut conn)?;
//! let sales = [("north", 1, 10), ("north", 2, 30), ("south", 1, 5), ("south", 2, 5)]
//!     .map(|(region, day, amount)| Sale { region: region.into(), day, amount, ..Default::default() });
//! Sale::objects().bulk_create(sales.to_vec(), &mut conn)?;
//!
//! let qs = annotate!(
//!     Sale::objects(),
//!     n = Window(RowNumber(), partition_by = region, order_by = day),
//!     running = Window(Sum(amount), partition_by = region, order_by = day),
//!     previous = Window(Lag(amount), partition_by = region, order_by = day),
//!     place = Window(DenseRank(), order_by = -amount),
//! );
//! let rows: Vec<_> = order_by!(qs, region, day)
//!     .fetch(&mut conn)?
//!     .into_iter()
//!     .map(|(sale, n, running, previous, place)| (sale.region, n, running, previous, place))
//!     .collect();
//! assert_eq!(rows, [
//!     ("north".to_string(), 1, Some(10), None, 2),
//!     ("north".to_string(), 2, Some(40), Some(10), 1),
//!     ("south".to_string(), 1, Some(5), None, 3),
//!     ("south".to_string(), 2, Some(10), Some(5), 3),
//! ]);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{BigInt, Double, Integer, IntoNullable, SingleValue, SqlType};

use super::scope::{NotAggregate, Resolve, RowKind, Scope};
use super::value::{Argument, Dialect};
use crate::aggregates::{
    AggregateOf, Avg, AvgFn, Count, CountFn, Max, MaxFn, Min, MinFn, NoDefault, StdDev, StdDevFn,
    Sum, SumFn, Variance, VarianceFn,
};
use crate::queryset::{OrderBy, ScopedOrder};

/// `expr OVER (...)`: a window function or an aggregate computed for each row over its window
/// (see the [module docs](self)). `partition_by` and `order_by` build the window.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window<E>(pub E);

/// A [`Window`] with its `PARTITION BY` (`P`) and `ORDER BY` (`O`) clauses.
#[derive(Debug, Clone, Copy)]
pub struct Over<E, P = NoPartition, O = NoOrder> {
    function: E,
    partition: P,
    order: O,
}

/// No `PARTITION BY`: the window is every row.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPartition;
/// No `ORDER BY` in the window.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoOrder;

impl<E> Window<E> {
    fn over(self) -> Over<E> {
        Over {
            function: self.0,
            partition: NoPartition,
            order: NoOrder,
        }
    }

    /// The rows the function is computed over are those with the same values of `partition`
    /// (a name, or a tuple of names).
    pub fn partition_by<P>(self, partition: P) -> Over<E, P, NoOrder> {
        self.over().partition_by(partition)
    }

    /// The order of the rows in the window: one ordering item or a tuple of them (written as
    /// in `order_by!`).
    pub fn order_by<O>(self, order: O) -> Over<E, NoPartition, O> {
        self.over().order_by(order)
    }
}

impl<E, O> Over<E, NoPartition, O> {
    /// See [`Window::partition_by`].
    pub fn partition_by<P>(self, partition: P) -> Over<E, P, O> {
        Over {
            function: self.function,
            partition,
            order: self.order,
        }
    }
}

impl<E, P> Over<E, P, NoOrder> {
    /// See [`Window::order_by`].
    pub fn order_by<O>(self, order: O) -> Over<E, P, O> {
        Over {
            function: self.function,
            partition: self.partition,
            order,
        }
    }
}

/// What a [`Window`] computes: a window function, or an aggregate over the model's own
/// fields, resolved in a scope.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be computed over a window",
    label = "not a window function or an aggregate of the model's own fields",
    note = "Window takes RowNumber(), Rank(), DenseRank(), PercentRank(), CumeDist(), Ntile(n), Lag(x), Lead(x), or Count/Sum/Avg/Max/Min/StdDev/Variance of a field (without options)"
)]
pub trait WindowFunction<Sc: Scope, I> {
    /// The result's SQL type.
    type SqlType: SqlType + SingleValue + TypedExpressionType;
    /// The call, rendered with its `OVER` clause ([`WindowCall`]).
    type Call: Clone;
    /// Builds it.
    fn call(self, cx: &Sc::Cx) -> Self::Call;
}

/// Renders a window function's call with its `OVER` clause where it belongs.
pub trait WindowCall<DB: Backend> {
    /// Renders the call, with `over` (` OVER (...)`) right after the function's parentheses.
    fn walk_call<'b, W: QueryFragment<DB>>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        over: &'b W,
    ) -> QueryResult<()>;
}

macro_rules! ranking {
    ($($(#[$doc:meta])* $name:ident $sql:literal $st:ty),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name();

        impl<Sc: Scope> WindowFunction<Sc, ()> for $name {
            type SqlType = $st;
            type Call = $name;
            fn call(self, _: &Sc::Cx) -> Self {
                self
            }
        }

        impl<DB: Backend> WindowCall<DB> for $name {
            fn walk_call<'b, W: QueryFragment<DB>>(
                &'b self,
                out: &mut AstPass<'_, 'b, DB>,
                over: &'b W,
            ) -> QueryResult<()> {
                out.push_sql($sql);
                over.walk_ast(out.reborrow())
            }
        }
    )*};
}
ranking!(
    /// `ROW_NUMBER()`: the row's number in its partition, from 1 (Django's `RowNumber()`).
    RowNumber "ROW_NUMBER()" BigInt,
    /// `RANK()`: the row's rank in its partition, with gaps after ties (Django's `Rank()`).
    Rank "RANK()" BigInt,
    /// `DENSE_RANK()`: the row's rank without gaps (Django's `DenseRank()`).
    DenseRank "DENSE_RANK()" BigInt,
    /// `PERCENT_RANK()`: `(rank - 1) / (rows - 1)` (Django's `PercentRank()`).
    PercentRank "PERCENT_RANK()" Double,
    /// `CUME_DIST()`: the share of rows up to this one and its peers (Django's `CumeDist()`).
    CumeDist "CUME_DIST()" Double,
);

/// `NTILE(n)`: the bucket, 1 to `n`, of the row when the partition is split into `n` (Django's
/// `Ntile(num_buckets=n)`).
#[derive(Debug, Clone, Copy)]
pub struct Ntile(pub u32);

impl<Sc: Scope> WindowFunction<Sc, ()> for Ntile {
    type SqlType = Integer;
    type Call = Ntile;
    fn call(self, _: &Sc::Cx) -> Self {
        self
    }
}

impl<DB: Backend> WindowCall<DB> for Ntile {
    fn walk_call<'b, W: QueryFragment<DB>>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        over: &'b W,
    ) -> QueryResult<()> {
        if self.0 == 0 {
            // Django: ValueError: num_buckets must be greater than 0.
            return Err(diesel::result::Error::QueryBuilderError(
                "Ntile: the number of buckets must be greater than 0".into(),
            ));
        }
        // A number of our own, written into the SQL.
        out.push_sql(&format!("NTILE({})", self.0));
        over.walk_ast(out.reborrow())
    }
}

/// `LAG(x)`: `x` of the row `offset` rows before this one in the window (Django's `Lag`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lag<E>(pub E);
/// `LEAD(x)`: `x` of the row `offset` rows after this one in the window (Django's `Lead`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lead<E>(pub E);

/// `LAG`'s and `LEAD`'s SQL names.
pub trait ShiftFunction: Copy + 'static {
    /// The SQL function.
    const SQL: &'static str;
}
/// `LAG`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LagFn;
/// `LEAD`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeadFn;
impl ShiftFunction for LagFn {
    const SQL: &'static str = "LAG(";
}
impl ShiftFunction for LeadFn {
    const SQL: &'static str = "LEAD(";
}

/// `LAG(x, offset[, default])` or `LEAD(...)`, built by [`Lag`]/[`Lead`] and their `offset`
/// and `default` methods.
#[derive(Debug, Clone, Copy)]
pub struct Shift<F, E, D = NoDefault> {
    expr: E,
    offset: u32,
    default: D,
    _function: PhantomData<fn() -> F>,
}

/// The `default` of a [`Lag`] or [`Lead`].
#[derive(Debug, Clone, Copy)]
pub struct ShiftDefault<V>(pub V);

macro_rules! shift {
    ($($name:ident $marker:ident),*) => {$(
        impl<E> $name<E> {
            fn shift(self) -> Shift<$marker, E> {
                Shift { expr: self.0, offset: 1, default: NoDefault, _function: PhantomData }
            }
            /// How many rows away (1 unless given).
            pub fn offset(self, offset: u32) -> Shift<$marker, E> {
                self.shift().offset(offset)
            }
            /// The value when there is no such row, instead of `NULL`: the result is then of
            /// `x`'s own type.
            pub fn default<V>(self, value: V) -> Shift<$marker, E, ShiftDefault<V>> {
                self.shift().default(value)
            }
        }

        impl<Sc: Scope, E, I> WindowFunction<Sc, I> for $name<E>
        where
            Shift<$marker, E>: WindowFunction<Sc, I>,
        {
            type SqlType = <Shift<$marker, E> as WindowFunction<Sc, I>>::SqlType;
            type Call = <Shift<$marker, E> as WindowFunction<Sc, I>>::Call;
            fn call(self, cx: &Sc::Cx) -> Self::Call {
                self.shift().call(cx)
            }
        }
    )*};
}
shift!(Lag LagFn, Lead LeadFn);

impl<F, E, D> Shift<F, E, D> {
    /// How many rows away (1 unless given).
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = offset;
        self
    }
}

impl<F, E> Shift<F, E, NoDefault> {
    /// See [`Lag::default`].
    pub fn default<V>(self, value: V) -> Shift<F, E, ShiftDefault<V>> {
        Shift {
            expr: self.expr,
            offset: self.offset,
            default: ShiftDefault(value),
            _function: PhantomData,
        }
    }
}

/// Index of a resolved [`Lag`]/[`Lead`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ShiftIndex<IE, ID>(PhantomData<fn() -> (IE, ID)>);

impl<Sc, F, E, IE> WindowFunction<Sc, ShiftIndex<IE, ()>> for Shift<F, E, NoDefault>
where
    Sc: Scope,
    F: ShiftFunction,
    E: Resolve<Sc, IE>,
    E::Kind: NotAggregate,
    E::SqlType: IntoNullable,
    <E::SqlType as IntoNullable>::Nullable: SqlType + SingleValue + TypedExpressionType,
{
    type SqlType = <E::SqlType as IntoNullable>::Nullable;
    type Call = ShiftCall<F, E::Expr, NoDefault>;
    fn call(self, cx: &Sc::Cx) -> Self::Call {
        ShiftCall {
            expr: self.expr.resolve(cx),
            offset: self.offset,
            default: NoDefault,
            _function: PhantomData,
        }
    }
}

impl<Sc, F, E, V, IE, ID> WindowFunction<Sc, ShiftIndex<IE, ID>> for Shift<F, E, ShiftDefault<V>>
where
    Sc: Scope,
    F: ShiftFunction,
    E: Resolve<Sc, IE>,
    E::Kind: NotAggregate,
    V: Argument<Sc, E::SqlType, ID>,
    V::Kind: NotAggregate,
{
    type SqlType = E::SqlType;
    type Call = ShiftCall<F, E::Expr, ShiftDefault<V::Expr>>;
    fn call(self, cx: &Sc::Cx) -> Self::Call {
        ShiftCall {
            expr: self.expr.resolve(cx),
            offset: self.offset,
            default: ShiftDefault(self.default.0.argument(cx)),
            _function: PhantomData,
        }
    }
}

/// The resolved call of a [`Shift`].
#[derive(Debug)]
pub struct ShiftCall<F, E, D> {
    expr: E,
    offset: u32,
    default: D,
    _function: PhantomData<fn() -> F>,
}

impl<F, E: Clone, D: Clone> Clone for ShiftCall<F, E, D> {
    fn clone(&self) -> Self {
        ShiftCall {
            expr: self.expr.clone(),
            offset: self.offset,
            default: self.default.clone(),
            _function: PhantomData,
        }
    }
}

/// Renders the default of a [`ShiftCall`] (nothing without one).
pub trait ShiftDefaultSql<DB: Backend> {
    /// Appends `, default`.
    fn walk_default<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}
impl<DB: Backend> ShiftDefaultSql<DB> for NoDefault {
    fn walk_default<'b>(&'b self, _: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}
impl<DB: Backend, V: QueryFragment<DB>> ShiftDefaultSql<DB> for ShiftDefault<V> {
    fn walk_default<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(", ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<F, E, D, DB> WindowCall<DB> for ShiftCall<F, E, D>
where
    DB: Backend,
    F: ShiftFunction,
    E: QueryFragment<DB>,
    D: ShiftDefaultSql<DB>,
{
    fn walk_call<'b, W: QueryFragment<DB>>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        over: &'b W,
    ) -> QueryResult<()> {
        out.push_sql(F::SQL);
        self.expr.walk_ast(out.reborrow())?;
        // The offset is a number of our own, written into the SQL (PostgreSQL wants an
        // `integer` there, which a bound `u32` is not).
        out.push_sql(&format!(", {}", self.offset));
        self.default.walk_default(out)?;
        out.push_sql(")");
        over.walk_ast(out.reborrow())
    }
}

/// An aggregate computed over a window: `F(arg) OVER (...)`, wrapped as the aggregate is.
#[derive(Debug)]
pub struct AggregateCall<F, ST, E> {
    arg: E,
    _types: PhantomData<fn() -> (F, ST)>,
}

impl<F, ST, E: Clone> Clone for AggregateCall<F, ST, E> {
    fn clone(&self) -> Self {
        AggregateCall {
            arg: self.arg.clone(),
            _types: PhantomData,
        }
    }
}

impl<F, ST, E, DB> WindowCall<DB> for AggregateCall<F, ST, E>
where
    DB: Dialect,
    F: AggregateOf<ST>,
    E: QueryFragment<DB>,
{
    fn walk_call<'b, W: QueryFragment<DB>>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        over: &'b W,
    ) -> QueryResult<()> {
        // `OVER` goes right after the call, inside the cast some backends need around it.
        crate::aggregates::render_call::<F, ST, DB, NoDefault>(
            out,
            false,
            false,
            &NoDefault,
            |out| self.arg.walk_ast(out.reborrow()),
            |out| over.walk_ast(out.reborrow()),
        )
    }
}

/// Index of an aggregate over a window.
#[derive(Debug, Clone, Copy, Default)]
pub struct AggregateIndex<I>(PhantomData<fn() -> I>);

macro_rules! window_aggregates {
    ($($name:ident $marker:ident),*) => {$(
        impl<Sc, A, I> WindowFunction<Sc, AggregateIndex<I>> for $name<A>
        where
            Sc: Scope,
            A: Resolve<Sc, I>,
            A::Kind: NotAggregate,
            $marker: AggregateOf<A::SqlType>,
        {
            type SqlType = <$marker as AggregateOf<A::SqlType>>::Out;
            type Call = AggregateCall<$marker, A::SqlType, A::Expr>;
            fn call(self, cx: &Sc::Cx) -> Self::Call {
                AggregateCall { arg: self.0.resolve(cx), _types: PhantomData }
            }
        }
    )*};
}
window_aggregates!(
    Count CountFn,
    Sum SumFn,
    Avg AvgFn,
    Max MaxFn,
    Min MinFn,
    StdDev StdDevFn,
    Variance VarianceFn
);

/// The `partition_by` of a [`Window`]: a name, a tuple of names, or none.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot partition a window on this QuerySet",
    label = "expected a field or annotation, or a tuple of them",
    note = "write `partition_by = field` or `partition_by = (field, other)`"
)]
pub trait PartitionBy<Sc: Scope, I> {
    /// The expressions (a tuple), or [`NoPartition`].
    type Expr: Clone;
    /// Builds them.
    fn partition(self, cx: &Sc::Cx) -> Self::Expr;
}

/// Index: one expression to partition by.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneKey<I>(PhantomData<fn() -> I>);

impl<Sc: Scope> PartitionBy<Sc, ()> for NoPartition {
    type Expr = NoPartition;
    fn partition(self, _: &Sc::Cx) -> NoPartition {
        NoPartition
    }
}

impl<Sc: Scope, X: Resolve<Sc, I>, I> PartitionBy<Sc, OneKey<I>> for X
where
    X::Kind: NotAggregate,
{
    type Expr = Partitioned<(X::Expr,)>;
    fn partition(self, cx: &Sc::Cx) -> Self::Expr {
        Partitioned((self.resolve(cx),))
    }
}

macro_rules! partition_tuple {
    ($($t:ident $i:ident $n:tt),+) => {
        impl<Sc: Scope, $($t: Resolve<Sc, $i>, $i),+> PartitionBy<Sc, ($($i,)+)> for ($($t,)+)
        where
            $($t::Kind: NotAggregate,)+
        {
            type Expr = Partitioned<($($t::Expr,)+)>;
            fn partition(self, cx: &Sc::Cx) -> Self::Expr {
                Partitioned(($(self.$n.resolve(cx),)+))
            }
        }
    };
}
partition_tuple!(A IA 0);
partition_tuple!(A IA 0, B IB 1);
partition_tuple!(A IA 0, B IB 1, C IC 2);
partition_tuple!(A IA 0, B IB 1, C IC 2, D ID 3);

/// `PARTITION BY` the expressions of the tuple `T`.
#[derive(Debug, Clone, Copy)]
pub struct Partitioned<T>(T);

/// The `order_by` of a [`Window`]: ordering items resolved in the scope, or none.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot order a window on this QuerySet",
    label = "expected ordering items of fields or annotations",
    note = "write `order_by = field`, `order_by = -field` or `order_by = (field, -other)`"
)]
pub trait WindowOrder<Sc: Scope, I> {
    /// The `ORDER BY` items, or [`NoOrder`].
    type Expr: Clone;
    /// Builds them.
    fn order(self, cx: &Sc::Cx) -> Self::Expr;
}

/// Index: ordering items.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByItems<I>(PhantomData<fn() -> I>);

impl<Sc: Scope> WindowOrder<Sc, ()> for NoOrder {
    type Expr = NoOrder;
    fn order(self, _: &Sc::Cx) -> NoOrder {
        NoOrder
    }
}

impl<Sc: Scope, K: ScopedOrder<Sc, I>, I> WindowOrder<Sc, ByItems<I>> for K
where
    K::Out: OrderBy<Sc::Model>,
    <K::Out as OrderBy<Sc::Model>>::Diesel: Clone,
{
    type Expr = OrderedBy<<K::Out as OrderBy<Sc::Model>>::Diesel>;
    fn order(self, cx: &Sc::Cx) -> Self::Expr {
        OrderedBy(ScopedOrder::resolve(self, cx).diesel())
    }
}

/// `ORDER BY` the items `T`.
#[derive(Debug, Clone, Copy)]
pub struct OrderedBy<T>(T);

/// Index of a resolved [`Window`].
#[derive(Debug, Clone, Copy, Default)]
pub struct WindowIndex<IE, IP, IO>(PhantomData<fn() -> IE>, PhantomData<fn() -> (IP, IO)>);

impl<Sc, E, P, O, IE, IP, IO> Resolve<Sc, WindowIndex<IE, IP, IO>> for Over<E, P, O>
where
    Sc: Scope,
    E: WindowFunction<Sc, IE>,
    P: PartitionBy<Sc, IP>,
    O: WindowOrder<Sc, IO>,
{
    type SqlType = E::SqlType;
    type Expr = WindowExpr<E::Call, P::Expr, O::Expr, E::SqlType>;
    type Kind = RowKind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        WindowExpr {
            call: self.function.call(cx),
            over: OverSql {
                partition: self.partition.partition(cx),
                order: self.order.order(cx),
            },
            _type: PhantomData,
        }
    }
}

impl<Sc: Scope, E, I> Resolve<Sc, I> for Window<E>
where
    Over<E>: Resolve<Sc, I>,
{
    type SqlType = <Over<E> as Resolve<Sc, I>>::SqlType;
    type Expr = <Over<E> as Resolve<Sc, I>>::Expr;
    type Kind = <Over<E> as Resolve<Sc, I>>::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        self.over().resolve(cx)
    }
}

/// ` OVER (PARTITION BY ... ORDER BY ...)`.
#[derive(Debug, Clone, Copy)]
pub struct OverSql<P, O> {
    partition: P,
    order: O,
}

/// A clause of an `OVER (...)`, present or not.
pub trait OverClause<DB: Backend> {
    /// Whether it renders anything.
    const PRESENT: bool;
    /// Renders it.
    fn walk_clause<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}
impl<DB: Backend> OverClause<DB> for NoPartition {
    const PRESENT: bool = false;
    fn walk_clause<'b>(&'b self, _: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}
impl<DB: Backend> OverClause<DB> for NoOrder {
    const PRESENT: bool = false;
    fn walk_clause<'b>(&'b self, _: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}
impl<DB: Backend, T: QueryFragment<DB>> OverClause<DB> for Partitioned<T> {
    const PRESENT: bool = true;
    fn walk_clause<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("PARTITION BY ");
        self.0.walk_ast(out.reborrow())
    }
}
impl<DB: Backend, T: QueryFragment<DB>> OverClause<DB> for OrderedBy<T> {
    const PRESENT: bool = true;
    fn walk_clause<'b>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("ORDER BY ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<P: OverClause<DB>, O: OverClause<DB>, DB: Backend> QueryFragment<DB> for OverSql<P, O> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(" OVER (");
        self.partition.walk_clause(&mut out)?;
        if P::PRESENT && O::PRESENT {
            out.push_sql(" ");
        }
        self.order.walk_clause(&mut out)?;
        out.push_sql(")");
        Ok(())
    }
}

/// A window function's call with its `OVER` clause, of SQL type `ST`.
#[derive(Debug)]
pub struct WindowExpr<F, P, O, ST> {
    call: F,
    over: OverSql<P, O>,
    _type: PhantomData<fn() -> ST>,
}

impl<F: Clone, P: Clone, O: Clone, ST> Clone for WindowExpr<F, P, O, ST> {
    fn clone(&self) -> Self {
        WindowExpr {
            call: self.call.clone(),
            over: self.over.clone(),
            _type: PhantomData,
        }
    }
}

impl<F, P, O, ST: SqlType + TypedExpressionType> Expression for WindowExpr<F, P, O, ST> {
    type SqlType = ST;
}

impl<F, P, O, ST, DB> QueryFragment<DB> for WindowExpr<F, P, O, ST>
where
    DB: Backend,
    F: WindowCall<DB>,
    OverSql<P, O>: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.call.walk_call(&mut out, &self.over)
    }
}

// Offsets and bucket counts are written into the SQL: no static query id.
impl<F, P, O, ST> QueryId for WindowExpr<F, P, O, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

// A value per row, like a column (an aggregate inside a window does not aggregate the query).
impl<F, P, O, ST, G> ValidGrouping<G> for WindowExpr<F, P, O, ST> {
    type IsAggregate = diesel::expression::is_aggregate::No;
}

/// The parts of a window that read the tables `QS`.
pub trait WindowOn<QS: ?Sized> {}
impl<QS: ?Sized> WindowOn<QS> for NoPartition {}
impl<QS: ?Sized> WindowOn<QS> for NoOrder {}
impl<T: AppearsOnTable<QS>, QS: ?Sized> WindowOn<QS> for Partitioned<T> {}
impl<T: AppearsOnTable<QS>, QS: ?Sized> WindowOn<QS> for OrderedBy<T> {}
impl<QS: ?Sized> WindowOn<QS> for RowNumber {}
impl<QS: ?Sized> WindowOn<QS> for Rank {}
impl<QS: ?Sized> WindowOn<QS> for DenseRank {}
impl<QS: ?Sized> WindowOn<QS> for PercentRank {}
impl<QS: ?Sized> WindowOn<QS> for CumeDist {}
impl<QS: ?Sized> WindowOn<QS> for Ntile {}
impl<F, E: AppearsOnTable<QS>, D: WindowOn<QS>, QS: ?Sized> WindowOn<QS> for ShiftCall<F, E, D> {}
impl<QS: ?Sized> WindowOn<QS> for NoDefault {}
impl<V: AppearsOnTable<QS>, QS: ?Sized> WindowOn<QS> for ShiftDefault<V> {}
impl<F, ST, E: AppearsOnTable<QS>, QS: ?Sized> WindowOn<QS> for AggregateCall<F, ST, E> {}

impl<F: WindowOn<QS>, P: WindowOn<QS>, O: WindowOn<QS>, ST, QS: ?Sized> AppearsOnTable<QS>
    for WindowExpr<F, P, O, ST>
where
    Self: Expression,
{
}
impl<F: WindowOn<QS>, P: WindowOn<QS>, O: WindowOn<QS>, ST, QS: ?Sized> SelectableExpression<QS>
    for WindowExpr<F, P, O, ST>
where
    Self: AppearsOnTable<QS>,
{
}
