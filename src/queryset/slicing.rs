//! Slicing: `LIMIT`/`OFFSET`, and the type-state that forbids filtering afterwards.

use std::ops::{Bound, RangeBounds};

use diesel::query_dsl::methods::{LimitDsl, OffsetDsl};

use super::{ApplyOrder, QuerySet};
use crate::model::Model;

/// No slice taken yet: the QuerySet can still be filtered, ordered, updated and deleted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unsliced;

/// A slice `[offset, offset + limit)` has been taken.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sliced {
    /// Rows skipped.
    pub offset: i64,
    /// Rows kept at most (`None`: all the rest).
    pub limit: Option<i64>,
}

/// No row at all (Django's `none()`): the QuerySet can still be filtered, ordered, sliced,
/// annotated and projected, and whatever runs it answers at once, without a query (an empty
/// list, `0`, `false`, `None`, `DoesNotExist`). Where it becomes SQL (a subquery,
/// `aggregate!`) it is `LIMIT 0`. `update`/`delete` do not compile on it: there is nothing to
/// write, and the statement could not say so.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRows;

/// The slice states that can still be filtered: [`Unsliced`] (and [`NoRows`]).
#[diagnostic::on_unimplemented(
    message = "Cannot filter a query once a slice has been taken.",
    label = "this QuerySet was sliced",
    note = "filter (or exclude) before `slice(...)`, as Django requires"
)]
pub trait Filterable {}
#[diagnostic::do_not_recommend]
impl Filterable for Unsliced {}
#[diagnostic::do_not_recommend]
impl Filterable for NoRows {}

/// The slice states that can still be ordered or reversed: only [`Unsliced`].
#[diagnostic::on_unimplemented(
    message = "Cannot reorder a query once a slice has been taken.",
    label = "this QuerySet was sliced",
    note = "call `order_by`, `reverse` or `last` before `slice(...)`, as Django requires"
)]
pub trait Reorderable {
    /// Whether the QuerySet has no row (see [`NoRows`]): what reads it answers at once.
    const NO_ROWS: bool = false;
}
#[diagnostic::do_not_recommend]
impl Reorderable for Unsliced {}
#[diagnostic::do_not_recommend]
impl Reorderable for NoRows {
    const NO_ROWS: bool = true;
}

/// The slice states that can be updated or deleted: only [`Unsliced`].
#[diagnostic::on_unimplemented(
    message = "Cannot update or delete a query once a slice has been taken.",
    label = "this QuerySet was sliced (or emptied by `none()`)",
    note = "Django: \"Cannot use 'limit' or 'offset' with delete()\" / \"Cannot update a query once a slice has been taken.\""
)]
pub trait Writable {}
#[diagnostic::do_not_recommend]
impl Writable for Unsliced {}

/// The slice states on which `get`, `earliest`, `latest` and `in_bulk` run: only [`Unsliced`]
/// (dorm runs them on whole QuerySets; fetch a slice and use its length). `count` and `exists`
/// run on slices too (see [`CountRows`]).
#[diagnostic::on_unimplemented(
    message = "dorm runs get(), earliest(), latest() and in_bulk() on QuerySets that have not been sliced",
    label = "this QuerySet was sliced",
    note = "call it before `slice(...)`, or use `fetch(conn)?.len()` on the slice"
)]
pub trait Whole {
    /// Whether the QuerySet has no row (see [`NoRows`]): what reads it answers at once.
    const NO_ROWS: bool = false;
}
#[diagnostic::do_not_recommend]
impl Whole for Unsliced {}
#[diagnostic::do_not_recommend]
impl Whole for NoRows {
    const NO_ROWS: bool = true;
}

/// The rows `aggregate!` reads from a QuerySet in slice state `Self` (query `W`, ordering
/// `O`): the whole QuerySet's, its ordering dropped; or a slice's, as a derived table named like
/// the model's table (Django wraps a sliced QuerySet's aggregate in a subquery:
/// `SELECT AVG("book"."pages") FROM (SELECT ... ORDER BY ... LIMIT 10) AS "book"`).
pub trait TotalsOf<M, W, O> {
    /// What the aggregates select from.
    type Source;
    /// It.
    fn source(self, query: W, order: O) -> Self::Source;
}
impl<M, W, O> TotalsOf<M, W, O> for Unsliced {
    type Source = W;
    #[inline(always)]
    fn source(self, query: W, _: O) -> W {
        query
    }
}
impl<M: Model, W, O: ApplyOrder<M, W>> TotalsOf<M, W, O> for Sliced
where
    Sliced: ApplySlice<O::Out>,
{
    type Source = crate::sql::Around<M, super::execute::Built<M, W, O, Sliced>>;
    fn source(self, query: W, order: O) -> Self::Source {
        crate::sql::Around::new(self.apply(order.apply(query)))
    }
}

impl<M: Model, W, O: ApplyOrder<M, W>> TotalsOf<M, W, O> for NoRows
where
    NoRows: ApplySlice<O::Out>,
{
    type Source = crate::sql::Around<M, super::execute::Built<M, W, O, NoRows>>;
    fn source(self, query: W, order: O) -> Self::Source {
        crate::sql::Around::new(self.apply(order.apply(query)))
    }
}

/// How `count()` counts a QuerySet in slice state `Self` (query `W`, ordering `O`): over the
/// whole QuerySet, the ordering dropped (`SELECT COUNT(*) FROM ...`); over a slice, around the
/// sliced query, whose ordering decides which rows it holds (Django's
/// `SELECT COUNT(*) FROM (... LIMIT ... OFFSET ...) subquery`).
pub trait CountRows<M, W, O> {
    /// Whether the QuerySet has no row (see [`NoRows`]): the count is 0 without a query.
    const NO_ROWS: bool = false;
    /// The counting query.
    type Count;
    /// Builds it.
    fn count_query(self, query: W, order: O) -> Self::Count;
}

/// The rows `exists()` asks about in slice state `Self`: the QuerySet's query without its
/// ordering, or, for a slice, the sliced query.
pub trait SliceRows<M, W, O> {
    /// Whether the QuerySet has no row (see [`NoRows`]): there is none, without a query.
    const NO_ROWS: bool = false;
    /// The query.
    type Rows;
    /// Builds it.
    fn rows_query(self, query: W, order: O) -> Self::Rows;
}

impl<M, W, O> CountRows<M, W, O> for Unsliced
where
    W: diesel::query_dsl::methods::SelectDsl<diesel::dsl::CountStar>,
{
    type Count = diesel::dsl::Select<W, diesel::dsl::CountStar>;
    fn count_query(self, query: W, _: O) -> Self::Count {
        query.select(diesel::dsl::count_star())
    }
}

impl<M, W, O> SliceRows<M, W, O> for Unsliced {
    type Rows = W;
    fn rows_query(self, query: W, _: O) -> W {
        query
    }
}

impl<M, W, O> CountRows<M, W, O> for Sliced
where
    O: super::ordering::ApplyOrder<M, W>,
    Sliced: ApplySlice<O::Out>,
{
    type Count = crate::sql::CountAround<super::execute::Built<M, W, O, Sliced>>;
    fn count_query(self, query: W, order: O) -> Self::Count {
        crate::sql::CountAround(self.rows_query(query, order))
    }
}

impl<M, W, O> SliceRows<M, W, O> for Sliced
where
    O: super::ordering::ApplyOrder<M, W>,
    Sliced: ApplySlice<O::Out>,
{
    type Rows = super::execute::Built<M, W, O, Sliced>;
    fn rows_query(self, query: W, order: O) -> Self::Rows {
        self.apply(order.apply(query))
    }
}

impl<M, W, O> CountRows<M, W, O> for NoRows
where
    O: super::ordering::ApplyOrder<M, W>,
    NoRows: ApplySlice<O::Out>,
{
    const NO_ROWS: bool = true;
    type Count = crate::sql::CountAround<super::execute::Built<M, W, O, NoRows>>;
    fn count_query(self, query: W, order: O) -> Self::Count {
        crate::sql::CountAround(self.rows_query(query, order))
    }
}

impl<M, W, O> SliceRows<M, W, O> for NoRows
where
    O: super::ordering::ApplyOrder<M, W>,
    NoRows: ApplySlice<O::Out>,
{
    const NO_ROWS: bool = true;
    type Rows = super::execute::Built<M, W, O, NoRows>;
    fn rows_query(self, query: W, order: O) -> Self::Rows {
        self.apply(order.apply(query))
    }
}

/// A slice state that can be applied to a diesel query `Q`.
pub trait ApplySlice<Q> {
    /// Whether the QuerySet has no row (see [`NoRows`]): it is not run.
    const NO_ROWS: bool = false;
    /// The limited query.
    type Out;
    /// Adds `LIMIT`/`OFFSET`.
    fn apply(&self, query: Q) -> Self::Out;
}

impl<Q> ApplySlice<Q> for Unsliced {
    type Out = Q;
    fn apply(&self, query: Q) -> Q {
        query
    }
}

impl<Q> ApplySlice<Q> for Sliced
where
    Q: LimitDsl,
    diesel::dsl::Limit<Q>: OffsetDsl,
{
    type Out = diesel::dsl::Offset<diesel::dsl::Limit<Q>>;
    fn apply(&self, query: Q) -> Self::Out {
        // An open-ended slice (`qs[5:]`) still needs a LIMIT on SQLite.
        query
            .limit(self.limit.unwrap_or(i64::MAX))
            .offset(self.offset)
    }
}

/// `LIMIT 0`: what a QuerySet without rows is where it becomes SQL.
impl<Q> ApplySlice<Q> for NoRows
where
    Q: LimitDsl,
    diesel::dsl::Limit<Q>: OffsetDsl,
{
    const NO_ROWS: bool = true;
    type Out = diesel::dsl::Offset<diesel::dsl::Limit<Q>>;
    fn apply(&self, query: Q) -> Self::Out {
        query.limit(0).offset(0)
    }
}

fn bounds(range: impl RangeBounds<usize>) -> (i64, Option<i64>) {
    let to_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let start = match range.start_bound() {
        Bound::Included(&s) => to_i64(s),
        Bound::Excluded(&s) => to_i64(s).saturating_add(1),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(&e) => Some(to_i64(e).saturating_add(1)),
        Bound::Excluded(&e) => Some(to_i64(e)),
        Bound::Unbounded => None,
    };
    (start, end.map(|e| (e - start).max(0)))
}

/// The state after taking a slice: from `Unsliced`, or narrowing an earlier slice (a slice of
/// [`NoRows`] has no rows either).
pub trait Slice {
    /// The state after.
    type Out;
    /// Whether the QuerySet has no row (see [`NoRows`]): what reads it answers at once.
    const NO_ROWS: bool = false;
    /// Narrows the state by `range` (relative to the rows it already selects).
    fn narrow(self, start: i64, len: Option<i64>) -> Self::Out;
    /// The same as a [`Sliced`] state (`LIMIT 0` for [`NoRows`]), for the queries dorm runs
    /// itself (`first`, `nth`).
    fn sliced(self, start: i64, len: Option<i64>) -> Sliced;
}

#[diagnostic::do_not_recommend]
impl Slice for NoRows {
    type Out = NoRows;
    const NO_ROWS: bool = true;
    fn narrow(self, _: i64, _: Option<i64>) -> NoRows {
        NoRows
    }
    fn sliced(self, _: i64, _: Option<i64>) -> Sliced {
        Sliced {
            offset: 0,
            limit: Some(0),
        }
    }
}

#[diagnostic::do_not_recommend]
impl Slice for Unsliced {
    type Out = Sliced;
    fn sliced(self, start: i64, len: Option<i64>) -> Sliced {
        self.narrow(start, len)
    }
    fn narrow(self, start: i64, len: Option<i64>) -> Sliced {
        Sliced {
            offset: start,
            limit: len,
        }
    }
}

#[diagnostic::do_not_recommend]
impl Slice for Sliced {
    type Out = Sliced;
    fn sliced(self, start: i64, len: Option<i64>) -> Sliced {
        self.narrow(start, len)
    }
    fn narrow(self, start: i64, len: Option<i64>) -> Sliced {
        let offset = self.offset.saturating_add(start);
        let remaining = self.limit.map(|l| (l - start).max(0));
        let limit = match (remaining, len) {
            (Some(r), Some(l)) => Some(r.min(l)),
            (Some(r), None) => Some(r),
            (None, l) => l,
        };
        Sliced { offset, limit }
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// No rows (Django's `none()`): filtering, ordering, annotating and projecting still
    /// compile, and whatever runs it answers without a query (see [`NoRows`]).
    pub fn none(self) -> QuerySet<M, W, O, NoRows, J> {
        QuerySet::with_joins(self.query, self.order, NoRows, self.joins)
    }
}

impl<M: Model, W, O, S: Slice, J> QuerySet<M, W, O, S, J> {
    /// Takes a slice, as Python's `qs[1:3]`: `qs.slice(1..3)`, `qs.slice(..2)`,
    /// `qs.slice(5..)`. It becomes `LIMIT`/`OFFSET`, and the result can no longer be filtered,
    /// ordered, updated or deleted.
    pub fn slice(self, range: impl RangeBounds<usize>) -> QuerySet<M, W, O, S::Out, J> {
        let (start, len) = bounds(range);
        QuerySet::with_joins(
            self.query,
            self.order,
            self.slice.narrow(start, len),
            self.joins,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_composes_like_python_slices() {
        let (s, l) = bounds(2..10);
        let a = Unsliced.narrow(s, l);
        assert_eq!((a.offset, a.limit), (2, Some(8)));
        let (s, l) = bounds(1..3);
        let b = a.narrow(s, l);
        assert_eq!((b.offset, b.limit), (3, Some(2)));
        let (s, l) = bounds(5..);
        let c = Unsliced.narrow(s, l);
        assert_eq!((c.offset, c.limit), (5, None));
        let (s, l) = bounds(..=1);
        assert_eq!((s, l), (0, Some(2)));
    }
}
