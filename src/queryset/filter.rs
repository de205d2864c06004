//! `filter` and `exclude`. The `filter!`/`exclude!` macros write the lookups; these methods
//! take any [`Predicate`].

use diesel::query_dsl::methods::FilterDsl;

use super::slicing::Filterable;
use super::QuerySet;
use crate::lookups::{IsNotTrue, Predicate};
use crate::model::Model;

/// Filtering exists only before a slice is taken: `S: Filterable` holds for `Unsliced` alone.
impl<M: Model, W, O, S> QuerySet<M, W, O, S> {
    /// Rows matching `predicate` (Django's `filter`). Usually written `filter!(qs, ...)`.
    pub fn filter<P>(self, predicate: P) -> QuerySet<M, diesel::dsl::Filter<W, P::Expr>, O, S>
    where
        S: Filterable,
        P: Predicate<M>,
        W: FilterDsl<P::Expr>,
    {
        QuerySet::from_parts(self.query.filter(predicate.build()), self.order, self.slice)
    }

    /// Rows for which `predicate` is not true (Django's `exclude`; rows where it is NULL are
    /// kept, as Django keeps them). Usually written `exclude!(qs, ...)`.
    pub fn exclude<P>(
        self,
        predicate: P,
    ) -> QuerySet<M, diesel::dsl::Filter<W, IsNotTrue<P::Expr>>, O, S>
    where
        S: Filterable,
        P: Predicate<M>,
        W: FilterDsl<IsNotTrue<P::Expr>>,
    {
        QuerySet::from_parts(
            self.query.filter(IsNotTrue(predicate.build())),
            self.order,
            self.slice,
        )
    }
}
