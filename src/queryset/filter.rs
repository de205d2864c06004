//! `filter` and `exclude`. The `filter!`/`exclude!` macros write the lookups; these methods
//! take any [`Predicate`].

use diesel::query_dsl::methods::FilterDsl;

use super::slicing::Filterable;
use super::QuerySet;
use crate::lookups::{IsNotTrue, Predicate};
use crate::model::Model;
use crate::relations::reuse::{PushFilter, Pushed, Reuse};

/// Filtering exists only before a slice is taken: `S: Filterable` holds for `Unsliced` alone.
impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// Rows matching `predicate` (Django's `filter`). Usually written `filter!(qs, ...)`.
    ///
    /// A predicate that follows a relation is also remembered, so that a later aggregate over
    /// that relation counts only the related rows it matches (Django's "order of `annotate()`
    /// and `filter()`", see [`crate::relations::reuse`]).
    #[allow(clippy::type_complexity)]
    pub fn filter<P>(
        self,
        predicate: P,
    ) -> QuerySet<M, diesel::dsl::Filter<W, P::Expr>, O, S, Pushed<M, P, J>>
    where
        S: Filterable,
        P: Predicate<M> + Reuse<M>,
        P::HasPath: PushFilter<M, P, J>,
        W: FilterDsl<P::Expr>,
    {
        let joins = <P::HasPath as PushFilter<M, P, J>>::push(&predicate, self.joins);
        QuerySet::with_joins(
            self.query.filter(predicate.build()),
            self.order,
            self.slice,
            joins,
        )
    }

    /// Rows matching `predicate`, not remembered for later aggregates (for QuerySets dorm runs
    /// itself, which aggregate nothing).
    pub(crate) fn filter_rows<P>(
        self,
        predicate: P,
    ) -> QuerySet<M, diesel::dsl::Filter<W, P::Expr>, O, S, J>
    where
        S: Filterable,
        P: Predicate<M>,
        W: FilterDsl<P::Expr>,
    {
        QuerySet::with_joins(
            self.query.filter(predicate.build()),
            self.order,
            self.slice,
            self.joins,
        )
    }

    /// Rows for which `predicate` is not true (Django's `exclude`; rows where it is NULL are
    /// kept, as Django keeps them). Usually written `exclude!(qs, ...)`.
    #[allow(clippy::type_complexity)]
    pub fn exclude<P>(
        self,
        predicate: P,
    ) -> QuerySet<M, diesel::dsl::Filter<W, IsNotTrue<P::Expr>>, O, S, J>
    where
        S: Filterable,
        P: Predicate<M>,
        W: FilterDsl<IsNotTrue<P::Expr>>,
    {
        QuerySet::with_joins(
            self.query.filter(IsNotTrue(predicate.build())),
            self.order,
            self.slice,
            self.joins,
        )
    }
}
