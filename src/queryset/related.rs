//! `select_related` and `prefetch_related` on a QuerySet: a [`RelatedQuerySet`] loads each row
//! as a [`Loaded`] with the related rows it was asked for. See
//! [`relations::select_related`](crate::relations::select_related) and
//! [`relations::prefetch_related`](crate::relations::prefetch_related) for the queries.

use std::marker::PhantomData;

use diesel::query_dsl::methods::SelectDsl;

use super::execute::Built;
use super::ordering::{ApplyOrder, FirstOrder};
use super::slicing::{ApplySlice, Slice, Sliced};
use super::sql::SqlFor;
use super::{QuerySet, Unordered};
use crate::db::{Load, Vendor};
use crate::error::Result;
use crate::model::Model;
use crate::relations::{JoinList, Loaded, Nil, OuterOrderOf, PrefetchList, PrefetchPaths};

/// A QuerySet whose rows load with related rows: `J` joined (`select_related!`), `P`
/// prefetched (`prefetch_related!`). Written last, after filters, ordering and slicing.
#[must_use = "a QuerySet does nothing until a method that takes a connection runs it"]
pub struct RelatedQuerySet<M: Model, W, O, S, J, P> {
    queryset: QuerySet<M, W, O, S>,
    prefetch: P,
    _joins: PhantomData<fn() -> J>,
}

impl<M: Model, W: Clone, O: Clone, S: Clone, J, P: Clone> Clone
    for RelatedQuerySet<M, W, O, S, J, P>
{
    fn clone(&self) -> Self {
        RelatedQuerySet {
            queryset: self.queryset.clone(),
            prefetch: self.prefetch.clone(),
            _joins: PhantomData,
        }
    }
}

impl<M: Model, W, O, S, Jn> QuerySet<M, W, O, S, Jn> {
    /// Loads the rows that the foreign keys `J` point at in the same query, joined (Django's
    /// `select_related`). Written `select_related!(qs, blog, blog__owner)`.
    pub fn select_related<J: JoinList<M>>(self) -> RelatedQuerySet<M, W, O, S, J, Nil> {
        RelatedQuerySet {
            queryset: self.forget_joins(),
            prefetch: Nil,
            _joins: PhantomData,
        }
    }

    /// Loads the rows of the reverse and many-to-many relations `prefetch`, one query per
    /// relation (Django's `prefetch_related`). Written `prefetch_related!(qs, entry_set)`.
    pub fn prefetch_related<P: PrefetchPaths<M>>(
        self,
        prefetch: P,
    ) -> RelatedQuerySet<M, W, O, S, Nil, P> {
        RelatedQuerySet {
            queryset: self.forget_joins(),
            prefetch,
            _joins: PhantomData,
        }
    }
}

impl<M: Model, W, O, S, P> RelatedQuerySet<M, W, O, S, Nil, P> {
    /// Adds the joins `J` (see [`QuerySet::select_related`]).
    pub fn select_related<J: JoinList<M>>(self) -> RelatedQuerySet<M, W, O, S, J, P> {
        RelatedQuerySet {
            queryset: self.queryset,
            prefetch: self.prefetch,
            _joins: PhantomData,
        }
    }
}

impl<M: Model, W, O, S, J> RelatedQuerySet<M, W, O, S, J, Nil> {
    /// Adds the prefetches `prefetch` (see [`QuerySet::prefetch_related`]).
    pub fn prefetch_related<P: PrefetchPaths<M>>(
        self,
        prefetch: P,
    ) -> RelatedQuerySet<M, W, O, S, J, P> {
        RelatedQuerySet {
            queryset: self.queryset,
            prefetch,
            _joins: PhantomData,
        }
    }
}

/// The query a [`RelatedQuerySet`] runs for its own rows (and joined ones).
pub type RelatedBuilt<M, W, O, S, J> =
    <J as JoinList<M>>::Query<Built<M, W, O, S>, <O as OuterOrderOf<M>>::Expr>;

/// `count`/`exists` read the rows with their joined related rows (prefetches run no query).
impl<M: Model, W, O, S, J, P> super::ShapeQuery for RelatedQuerySet<M, W, O, S, J, P>
where
    O: ApplyOrder<M, W> + OuterOrderOf<M>,
    S: ApplySlice<O::Out>,
    J: JoinList<M>,
{
    type Query = RelatedBuilt<M, W, O, S, J>;
    fn into_query(self) -> Self::Query {
        let outer = self.queryset.order.outer();
        J::query(self.queryset.into_diesel(), outer)
    }
}

/// The QuerySet `queryset` a verb reads (`first`, `last`, `get`), with the joins `J` and the
/// prefetches `prefetch`.
fn reading<M: Model, W, O, S, J, P>(
    queryset: QuerySet<M, W, O, S>,
    prefetch: P,
) -> RelatedQuerySet<M, W, O, S, J, P> {
    RelatedQuerySet {
        queryset,
        prefetch,
        _joins: PhantomData,
    }
}

impl<M: Model, W, O, S, J, P> RelatedQuerySet<M, W, O, S, J, P> {
    /// Runs the query (and one per prefetched relation) and returns every row with its
    /// related rows.
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<Loaded<M, P::Out>>>
    where
        O: ApplyOrder<M, W> + OuterOrderOf<M>,
        S: ApplySlice<O::Out>,
        J: JoinList<M>,
        C: Load<'q, RelatedBuilt<M, W, O, S, J>, J::CombinedRow<M>>,
        P: PrefetchList<'q, M, J::Related, C>,
    {
        let outer = self.queryset.order.outer();
        let query = J::query(self.queryset.into_diesel(), outer);
        let rows = conn.load_rows_with(query, |row| {
            let (object, related) = J::split(row);
            Ok(Loaded::new(object, related))
        })?;
        self.prefetch.run(rows, conn)
    }

    /// The first row (in the QuerySet's ordering, or by primary key), with its related rows.
    pub fn first<'q, C>(self, conn: &mut C) -> Result<Option<Loaded<M, P::Out>>>
    where
        O: FirstOrder<M>,
        O::Out: ApplyOrder<M, W> + OuterOrderOf<M>,
        S: Slice,
        Sliced: ApplySlice<<O::Out as ApplyOrder<M, W>>::Out>,
        J: JoinList<M>,
        C: Load<'q, RelatedBuilt<M, W, O::Out, Sliced, J>, J::CombinedRow<M>>,
        P: PrefetchList<'q, M, J::Related, C>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        Ok(
            reading::<_, _, _, _, J, _>(self.queryset.for_first(), self.prefetch)
                .fetch(conn)?
                .pop(),
        )
    }

    /// The last row (the ordering reversed, or by primary key descending), with its related
    /// rows (Django's `last()`).
    pub fn last<'q, C>(self, conn: &mut C) -> Result<Option<Loaded<M, P::Out>>>
    where
        O: super::LastOrder<M>,
        O::Out: ApplyOrder<M, W> + OuterOrderOf<M>,
        S: super::Reorderable,
        Sliced: ApplySlice<<O::Out as ApplyOrder<M, W>>::Out>,
        J: JoinList<M>,
        C: Load<'q, RelatedBuilt<M, W, O::Out, Sliced, J>, J::CombinedRow<M>>,
        P: PrefetchList<'q, M, J::Related, C>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        Ok(
            reading::<_, _, _, _, J, _>(self.queryset.for_last(), self.prefetch)
                .fetch(conn)?
                .pop(),
        )
    }

    /// The one row the QuerySet matches, with its related rows (Django's `get()`):
    /// [`Error::DoesNotExist`](crate::Error::DoesNotExist) when there is none,
    /// [`Error::MultipleObjectsReturned`](crate::Error::MultipleObjectsReturned) when there
    /// are several.
    pub fn get<'q, C>(self, conn: &mut C) -> Result<Loaded<M, P::Out>>
    where
        S: super::Whole,
        W: Clone + SelectDsl<diesel::dsl::CountStar>,
        Unordered: ApplyOrder<M, W> + OuterOrderOf<M>,
        Sliced: ApplySlice<<Unordered as ApplyOrder<M, W>>::Out>,
        J: JoinList<M>,
        C: Load<'q, RelatedBuilt<M, W, Unordered, Sliced, J>, J::CombinedRow<M>>
            + Load<'q, diesel::dsl::Select<W, diesel::dsl::CountStar>, i64>,
        P: PrefetchList<'q, M, J::Related, C>,
    {
        if S::NO_ROWS {
            return Err(crate::Error::DoesNotExist {
                model: M::META.name,
            });
        }
        let (counting, one) = self.queryset.for_get();
        let rows = reading::<_, _, _, _, J, _>(one, self.prefetch).fetch(conn)?;
        super::execute::the_one_row::<M, _>(rows, || {
            Ok(conn
                .load_rows(counting.select(diesel::dsl::count_star()))?
                .pop())
        })
    }

    /// The SQL of the main query (prefetches run one more query each), for `vendor`.
    pub fn sql(self, vendor: Vendor) -> String
    where
        O: ApplyOrder<M, W> + OuterOrderOf<M>,
        S: ApplySlice<O::Out>,
        J: JoinList<M>,
        RelatedBuilt<M, W, O, S, J>: SqlFor,
    {
        let outer = self.queryset.order.outer();
        J::query(self.queryset.into_diesel(), outer).sql_for(vendor)
    }
}
