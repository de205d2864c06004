//! [`Q`]: conditions as values, combined with `&`, `|` and `!` (Django's `Q`, `&`, `|`, `~`).
//!
//! `q!(first_name__startswith = "R") | q!(last_name__startswith = "D")` is a `Q` that any
//! QuerySet of a model with those fields can filter by: names resolve when it is applied.

use std::ops::{BitAnd, BitOr, Not as NotOp};

use super::{And, Not, Or, Predicate};
use crate::model::Model;

/// A condition built with `q!(...)`, combinable with `&`, `|` and `!`.
#[derive(Debug, Clone, Copy)]
#[must_use = "a Q does nothing until a QuerySet is filtered by it"]
pub struct Q<P>(pub P);

impl<M: Model, P: Predicate<M>> Predicate<M> for Q<P> {
    type Expr = P::Expr;
    fn build(self) -> Self::Expr {
        self.0.build()
    }
}

impl<A, B> BitAnd<Q<B>> for Q<A> {
    type Output = Q<And<A, B>>;
    fn bitand(self, rhs: Q<B>) -> Self::Output {
        Q(And(self.0, rhs.0))
    }
}

impl<A, B> BitOr<Q<B>> for Q<A> {
    type Output = Q<Or<A, B>>;
    fn bitor(self, rhs: Q<B>) -> Self::Output {
        Q(Or(self.0, rhs.0))
    }
}

/// `!q` is Django's `~Q`: the rows for which the condition is not true (NULL counts as not true).
impl<A> NotOp for Q<A> {
    type Output = Q<Not<A>>;
    fn not(self) -> Self::Output {
        Q(Not(self.0))
    }
}
