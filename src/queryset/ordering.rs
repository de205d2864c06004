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
use crate::model::{Field, Model};

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

impl<M: Field<N>, N> OrderExpr<M> for ByName<N>
where
    M::Column: Expression + ExpressionMethods,
{
    type Expr = M::Column;
    fn expr(&self) -> M::Column {
        M::Column::default()
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
}

impl<M, E: OrderExpr<M>> OrderBy<M> for Asc<E> {
    type Diesel = diesel::dsl::Asc<E::Expr>;
    type Reversed = Desc<E>;
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

impl<M: Model, W, O, S> QuerySet<M, W, O, S> {
    /// Orders by `items`, replacing any earlier ordering (Django's `order_by`). Usually written
    /// `order_by!(qs, -pub_date, headline)`.
    pub fn order_by<T: OrderBy<M>>(self, items: T) -> QuerySet<M, W, Ordered<T>, S>
    where
        S: Reorderable,
    {
        QuerySet::from_parts(self.query, Ordered(items), self.slice)
    }

    /// Removes any ordering, the model's default included (Django's `order_by()`).
    pub fn clear_ordering(self) -> QuerySet<M, W, Unordered, S>
    where
        S: Reorderable,
    {
        QuerySet::from_parts(self.query, Unordered, self.slice)
    }

    /// Flips the ordering (Django's `reverse()`).
    pub fn reverse(self) -> QuerySet<M, W, O::Out, S>
    where
        S: Reorderable,
        O: ReverseOrder<M>,
    {
        QuerySet::from_parts(self.query, self.order.reverse_order(), self.slice)
    }
}
