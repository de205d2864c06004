//! Lookups: what `filter!(qs, rating__gte = 3)` becomes.
//!
//! A lookup is a value of type [`Lookup<N, L, V>`]: the field's type-level name `N`, the lookup
//! kind `L` ([`Exact`], [`Gt`], ...) and the right-hand side `V`. It turns into a diesel
//! expression only when applied to a model, through [`Predicate`]: the impls of `Predicate`
//! are the lookup registry (Django registers lookups on field classes), and each one states
//! which field types it fits. [`And`], [`Or`] and [`Not`] combine predicates.

mod combine;
mod comparison;

pub use combine::{And, AndOp, BoolOp, BoolOperator, CombineBool, IsNotTrue, Not, Or, OrOp};
pub use comparison::{Exact, Gt, Gte, In, InList, Lt, Lte, Orderable};

use std::marker::PhantomData;

use crate::model::Model;

/// A condition on rows of model `M`, ready to become a diesel `WHERE` expression.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition on `{M}`",
    note = "conditions are written with `filter!(qs, field__lookup = value)` or built from lookups with `&`, `|` and `!`"
)]
pub trait Predicate<M: Model> {
    /// The diesel expression (SQL type `Bool` or `Nullable<Bool>`).
    type Expr;
    /// Builds the expression.
    fn build(self) -> Self::Expr;
}

/// One lookup: field `N`, kind `L`, value `V`. Written by `filter!`/`exclude!`.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<N, L, V> {
    value: V,
    _name: PhantomData<fn() -> (N, L)>,
}

impl<N, L, V> Lookup<N, L, V> {
    /// A lookup of kind `L` on field `N` with value `value`.
    pub fn new(value: V) -> Self {
        Lookup {
            value,
            _name: PhantomData,
        }
    }

    /// The right-hand side.
    pub fn into_value(self) -> V {
        self.value
    }
}
