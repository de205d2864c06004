//! The lazy, immutable [`QuerySet`]: building is separate from running, as diesel separates
//! `QueryDsl` from `RunQueryDsl`.
//!
//! `QuerySet<M, W, O, S>` holds the diesel query `W` (table and `WHERE` clauses), the ordering
//! `O` and the slice state `S`; every method takes `self` and returns a new QuerySet, and
//! nothing touches the database until a method that takes a connection runs it. The types
//! record what has been done: once sliced (`S = Sliced`), `filter`, `exclude`, `order_by`,
//! `update` and `delete` no longer exist, so Django's run-time "Cannot filter a query once a
//! slice has been taken" is a compile error.
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Entry {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 100)]
//!     pub headline: String,
//!     pub rating: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Entry::META], &mut conn)?;
//! let rows = [("What's new", 5), ("Lennon", 4), ("Ringo", 2)]
//!     .map(|(headline, rating)| Entry { headline: headline.into(), rating, ..Default::default() });
//! Entry::objects().bulk_create(rows.to_vec(), &mut conn)?;
//!
//! // Lazy: nothing runs until `fetch`, `first`, `count`...
//! let good = dorm::order_by!(filter!(Entry::objects(), rating__gte = 4), -rating);
//! assert!(good.clone().sql(conn.vendor()).contains("ORDER BY"));
//! let headlines: Vec<String> = good.clone().fetch(&mut conn)?.into_iter().map(|e| e.headline).collect();
//! assert_eq!(headlines, ["What's new", "Lennon"]);
//! assert_eq!(good.clone().slice(1..).first(&mut conn)?.map(|e| e.rating), Some(4));
//! assert_eq!(exclude!(Entry::objects(), headline__in = ["Ringo"]).count(&mut conn)?, 2);
//! assert_eq!(dorm::update!(filter!(Entry::objects(), rating__lt = 3), rating = 3).execute(&mut conn)?, 1);
//! assert_eq!(Entry::objects().all().latest(dorm::field!(rating), &mut conn)?.headline, "What's new");
//! # Ok(()) }
//! ```
//!
//! One file per method family: [`filter`](self) (`filter`, `exclude`), `ordering`
//! (`order_by`, `reverse`), `slicing` (`slice`), `execute` (everything that takes a
//! connection), `update` (`update`, `delete`), `sql` (printing the SQL).

mod annotate;
pub mod combine;
pub mod dates;
mod deferred;
pub mod execute;
mod explain;
mod filter;
mod grouped;
mod ordering;
mod raw;
mod reading;
mod related;
mod slicing;
mod sql;
mod update;
mod values;

pub use annotate::{
    Aggregates, AllColumns, Annotated, AnnotatedQuery, ByKey, GroupAnnotation, KeyOrder,
    OrdersByValue, PendingAggregate, PickAnnotation, PickField, Picked, Projection,
    ProjectionQuery, RowAnnotation, RowPlan, ScopedColumns, ScopedOrder, ScopedOrderExpr,
    TotalAggregate, TotalsFrom, ValuesOf,
};
pub use combine::{Combined, InQuery, InSubquery};
pub use deferred::{
    Defer, Deferrable, FieldList, LoadSpec, MaybeColumn, Only, Partial, PartialQuery,
    PartialQuerySet, Placeholder,
};
pub use explain::{Explain, ExplainSql};
pub use grouped::{
    AddHaving, ApplyHaving, ExprKey, FieldsKey, GroupFilter, GroupKey, GroupKeys, GroupKeysQuery,
    Grouped, GroupedQuery, GroupsQuery, HavingBy, NoHaving, OrderedGroups, Positions,
};
pub use ordering::{
    ApplyOrder, Asc, ByName, Col, Desc, DistinctRows, FirstOrder, LastOrder, NullsFirst,
    NullsFirstSql, NullsLast, NullsLastSql, OrderBy, OrderExpr, OrderSql, OrderState, OrderSuffix,
    Ordered, Random, RandomSql, ReverseOrder, Skip, Unordered,
};
#[doc(hidden)]
pub use raw::check_raw_sql;
pub use raw::{RawBinds, RawParam, RawParams, RawQuerySet, RawStatement};
pub use reading::{Reads, ShapeQuery};
pub use related::{RelatedBuilt, RelatedQuerySet};
pub use slicing::{
    ApplySlice, CountRows, Filterable, NoRows, Reorderable, Slice, SliceRows, Sliced, TotalsOf,
    Unsliced, Whole, Writable,
};
pub use sql::SqlFor;
pub(crate) use update::update_error;
pub use update::{Assign, Changes, PendingUpdate};
pub use values::{
    Columns, Pick, ProjectedQuery, ProjectionOrder, RowsNotDistinct, ValuesList, ValuesQuery,
};

use std::marker::PhantomData;

use crate::model::Model;
use crate::relations::reuse::NoJoins;

/// The query `W` starts as: every column of the model's table.
pub type BaseQuery<M> = <<M as Model>::Table as diesel::query_builder::AsQuery>::Query;

/// `M::objects()` filtered by the predicate `P` (what `filter!(M::objects(), ...)` returns), for
/// naming the QuerySets that custom methods return:
///
/// ```
/// use dorm::prelude::*;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[dorm(app_label = "docs")]
/// pub struct Post {
///     pub id: Auto<i64>,
///     pub is_public: bool,
/// }
///
/// type Public = dorm::queryset::FilteredSet<Post, dorm::lookups::Lookup<dorm::name!(is_public), dorm::lookups::Exact, bool>>;
///
/// fn publicly_viewable() -> Public {
///     filter!(Post::objects(), is_public = true)
/// }
/// # let _ = publicly_viewable();
/// ```
pub type FilteredSet<M, P> = QuerySet<
    M,
    diesel::dsl::Filter<BaseQuery<M>, <P as crate::lookups::Predicate<M>>::Expr>,
    <M as Model>::DefaultOrdering,
    Unsliced,
    crate::relations::reuse::Pushed<M, P, NoJoins>,
>;

/// A lazy query over model `M`. See the module docs.
#[must_use = "a QuerySet does nothing until a method that takes a connection runs it"]
///
/// `J` lists the QuerySet's filters that follow a relation, which later aggregates over the
/// same relation repeat (Django's join reuse, see [`crate::relations::reuse`]); it stays
/// [`NoJoins`] for a QuerySet filtered only on its own fields.
pub struct QuerySet<
    M: Model,
    W = BaseQuery<M>,
    O = <M as Model>::DefaultOrdering,
    S = Unsliced,
    J = NoJoins,
> {
    pub(crate) query: W,
    pub(crate) order: O,
    pub(crate) slice: S,
    pub(crate) joins: J,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model, W: Clone, O: Clone, S: Clone, J: Clone> Clone for QuerySet<M, W, O, S, J> {
    fn clone(&self) -> Self {
        QuerySet::with_joins(
            self.query.clone(),
            self.order.clone(),
            self.slice.clone(),
            self.joins.clone(),
        )
    }
}

impl<M: Model, W, O, S, J> std::fmt::Debug for QuerySet<M, W, O, S, J> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<QuerySet {}>", M::META.name)
    }
}

impl<M: Model> QuerySet<M> {
    /// Every row of the model, in its default ordering (Django's `Model.objects.all()`).
    pub fn new() -> Self {
        use diesel::query_builder::AsQuery;
        QuerySet::from_parts(M::table().as_query(), M::default_ordering(), Unsliced)
    }
}

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model, W, O, S> QuerySet<M, W, O, S> {
    /// A QuerySet that remembers no filter across a relation.
    pub(crate) fn from_parts(query: W, order: O, slice: S) -> Self {
        QuerySet::with_joins(query, order, slice, NoJoins)
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// The same QuerySet without its filters across relations, for the shapes that run no
    /// aggregate across a relation (values, deferred fields, related rows, combinations).
    pub(crate) fn forget_joins(self) -> QuerySet<M, W, O, S> {
        QuerySet::from_parts(self.query, self.order, self.slice)
    }

    pub(crate) fn with_joins(query: W, order: O, slice: S, joins: J) -> Self {
        QuerySet {
            query,
            order,
            slice,
            joins,
            _model: PhantomData,
        }
    }

    /// The same QuerySet (Django's `qs.all()`, which copies).
    pub fn all(self) -> Self {
        self
    }
}
