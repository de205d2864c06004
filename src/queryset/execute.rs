//! Running a QuerySet: `fetch`, `iterator`, `get`, `first`, `last`, `nth`, `earliest`,
//! `latest`, `count`, `exists`, `in_bulk`. Every method here takes the connection; nothing
//! else in the QuerySet does.

use std::collections::HashMap;

use diesel::dsl::CountStar;
use diesel::query_dsl::methods::SelectDsl;

use super::ordering::{ApplyOrder, Asc, ByName, Desc, FirstOrder, LastOrder, Ordered, Unordered};
use super::slicing::{
    ApplySlice, CountRows, Filterable, Reorderable, Slice, SliceRows, Sliced, Whole,
};
use super::QuerySet;
use crate::db::{Load, LoadIter};
use crate::error::{Error, Result};
use crate::lookups::{In, Lookup, Predicate};
use crate::model::{Model, PrimaryKey};

/// The diesel query a QuerySet runs: its `WHERE`s, then its ordering, then its slice.
pub type Built<M, W, O, S> = <S as ApplySlice<<O as ApplyOrder<M, W>>::Out>>::Out;

/// Django's `MAX_GET_RESULTS`: `get()` reads at most this many rows to report a count.
pub(crate) const MAX_GET_RESULTS: usize = 21;

/// `get()`'s answer from the first [`MAX_GET_RESULTS`] rows it read: the one row, or
/// [`Error::DoesNotExist`], or [`Error::MultipleObjectsReturned`] with the count (`count` runs
/// the counting query when every row read was not all there were).
pub(crate) fn the_one_row<M: Model, R>(
    mut rows: Vec<R>,
    count: impl FnOnce() -> Result<Option<i64>>,
) -> Result<R> {
    match rows.len() {
        0 => Err(Error::DoesNotExist {
            model: M::META.name,
        }),
        1 => rows.pop().ok_or(Error::DoesNotExist {
            model: M::META.name,
        }),
        n => {
            let count = if n < MAX_GET_RESULTS {
                n as u64
            } else {
                count()?.unwrap_or(n as i64) as u64
            };
            Err(Error::MultipleObjectsReturned {
                model: M::META.name,
                count,
            })
        }
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// The diesel query this QuerySet runs.
    pub fn into_diesel(self) -> Built<M, W, O, S>
    where
        O: ApplyOrder<M, W>,
        S: ApplySlice<O::Out>,
    {
        self.slice.apply(self.order.apply(self.query))
    }

    /// Runs the query and returns every row (Django's `list(qs)`).
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<M>>
    where
        O: ApplyOrder<M, W>,
        S: ApplySlice<O::Out>,
        C: Load<'q, Built<M, W, O, S>, M>,
    {
        if <S as ApplySlice<O::Out>>::NO_ROWS {
            return Ok(Vec::new());
        }
        Ok(conn.load_rows(self.into_diesel())?)
    }

    /// Streams the rows without keeping them (Django's `iterator()`): memory stays flat however
    /// many rows there are. Each item is read from the database as the iterator advances.
    pub fn iterator<'q, 'c, C>(
        self,
        conn: &'c mut C,
    ) -> Result<impl Iterator<Item = Result<M>> + 'c>
    where
        O: ApplyOrder<M, W>,
        S: ApplySlice<O::Out>,
        Built<M, W, O, S>: 'c,
        'q: 'c,
        C: LoadIter<'q, Built<M, W, O, S>, M>,
    {
        let rows = if <S as ApplySlice<O::Out>>::NO_ROWS {
            None
        } else {
            Some(conn.load_iter_rows(self.into_diesel())?)
        };
        Ok(rows
            .into_iter()
            .flatten()
            .map(|row| row.map_err(Error::from)))
    }

    /// The first row in the QuerySet's ordering, or by primary key when it has none
    /// (Django's `first()`).
    pub fn first<'q, C>(self, conn: &mut C) -> Result<Option<M>>
    where
        O: FirstOrder<M>,
        O::Out: ApplyOrder<M, W>,
        S: Slice,
        Sliced: ApplySlice<<O::Out as ApplyOrder<M, W>>::Out>,
        C: Load<'q, Built<M, W, O::Out, Sliced>, M>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        Ok(self.for_first().fetch(conn)?.pop())
    }

    /// The row at `index` (Python's `qs[index]`): `LIMIT 1 OFFSET index`, `None` past the end.
    pub fn nth<'q, C>(self, index: usize, conn: &mut C) -> Result<Option<M>>
    where
        O: ApplyOrder<M, W>,
        S: Slice,
        Sliced: ApplySlice<O::Out>,
        C: Load<'q, Built<M, W, O, Sliced>, M>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        let offset = i64::try_from(index).unwrap_or(i64::MAX);
        let qs = QuerySet::<M, W, O, Sliced>::from_parts(
            self.query,
            self.order,
            self.slice.sliced(offset, Some(1)),
        );
        Ok(qs.fetch(conn)?.pop())
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// The QuerySet `first()` reads: its ordering (or the primary key's), one row.
    pub(crate) fn for_first(self) -> QuerySet<M, W, O::Out, Sliced>
    where
        O: FirstOrder<M>,
        S: Slice,
    {
        QuerySet::from_parts(
            self.query,
            self.order.first_order(),
            self.slice.sliced(0, Some(1)),
        )
    }

    /// The QuerySet `last()` reads: its ordering reversed (or the primary key descending), one
    /// row.
    pub(crate) fn for_last(self) -> QuerySet<M, W, O::Out, Sliced>
    where
        O: LastOrder<M>,
        S: Reorderable,
    {
        QuerySet::from_parts(
            self.query,
            self.order.last_order(),
            Sliced {
                offset: 0,
                limit: Some(1),
            },
        )
    }

    /// The QuerySet `get()` reads (unordered, at most [`MAX_GET_RESULTS`] rows), and its
    /// query for counting them when there are that many.
    pub(crate) fn for_get(self) -> (W, QuerySet<M, W, Unordered, Sliced>)
    where
        S: Whole,
        W: Clone,
    {
        let counting = self.query.clone();
        let qs = QuerySet::from_parts(
            self.query,
            Unordered,
            Sliced {
                offset: 0,
                limit: Some(MAX_GET_RESULTS as i64),
            },
        );
        (counting, qs)
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    // `last` reverses the ordering: not once sliced.
    /// The last row: the QuerySet's ordering reversed, or by primary key descending (Django's
    /// `last()`).
    pub fn last<'q, C>(self, conn: &mut C) -> Result<Option<M>>
    where
        S: Reorderable,
        O: LastOrder<M>,
        O::Out: ApplyOrder<M, W>,
        Sliced: ApplySlice<<O::Out as ApplyOrder<M, W>>::Out>,
        C: Load<'q, Built<M, W, O::Out, Sliced>, M>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        Ok(self.for_last().fetch(conn)?.pop())
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    // Whole-QuerySet operations: not once sliced.
    /// The one row the QuerySet matches (Django's `get()`): [`Error::DoesNotExist`] when there
    /// is none, [`Error::MultipleObjectsReturned`] with the count when there are several.
    pub fn get<'q, C>(self, conn: &mut C) -> Result<M>
    where
        S: Whole,
        W: Clone + SelectDsl<CountStar>,
        Sliced: ApplySlice<W>,
        C: Load<'q, Built<M, W, Unordered, Sliced>, M>
            + Load<'q, diesel::dsl::Select<W, CountStar>, i64>,
    {
        if S::NO_ROWS {
            return Err(Error::DoesNotExist {
                model: M::META.name,
            });
        }
        let (counting, qs) = self.for_get();
        let rows = qs.fetch(conn)?;
        the_one_row::<M, _>(rows, || {
            Ok(conn
                .load_rows(counting.select(diesel::dsl::count_star()))?
                .pop())
        })
    }

    /// How many rows match (Django's `count()`): `SELECT COUNT(*)`, ignoring the ordering. On
    /// a slice, the rows of the slice, counted around it as Django does: `SELECT COUNT(*) FROM
    /// (SELECT ... LIMIT ... OFFSET ...) AS "subquery"`.
    pub fn count<'q, C>(self, conn: &mut C) -> Result<i64>
    where
        S: CountRows<M, W, O>,
        C: Load<'q, S::Count, i64>,
    {
        if S::NO_ROWS {
            return Ok(0);
        }
        Ok(conn
            .load_first(self.slice.count_query(self.query, self.order))?
            .unwrap_or(0))
    }

    /// Whether any row matches (Django's `exists()`): `SELECT EXISTS (...)`, ignoring the
    /// ordering; on a slice, whether the slice holds a row.
    pub fn exists<'q, C>(self, conn: &mut C) -> Result<bool>
    where
        S: SliceRows<M, W, O>,
        diesel::dsl::exists<S::Rows>: diesel::Expression,
        diesel::dsl::select<diesel::dsl::exists<S::Rows>>: diesel::query_builder::AsQuery,
        C: Load<'q, diesel::dsl::select<diesel::dsl::exists<S::Rows>>, bool>,
    {
        if S::NO_ROWS {
            return Ok(false);
        }
        Ok(conn
            .load_first(diesel::select(diesel::dsl::exists(
                self.slice.rows_query(self.query, self.order),
            )))?
            .unwrap_or(false))
    }

    /// The row with the smallest value of field `N` (Django's `earliest("pub_date")`). Written
    /// `qs.earliest(field!(pub_date), conn)`.
    pub fn earliest<'q, N, C>(self, field: ByName<N>, conn: &mut C) -> Result<M>
    where
        S: Whole,
        Ordered<Asc<ByName<N>>>: ApplyOrder<M, W>,
        Sliced: ApplySlice<<Ordered<Asc<ByName<N>>> as ApplyOrder<M, W>>::Out>,
        C: Load<'q, Built<M, W, Ordered<Asc<ByName<N>>>, Sliced>, M>,
    {
        if S::NO_ROWS {
            return Err(Error::DoesNotExist {
                model: M::META.name,
            });
        }
        let qs = QuerySet::<M, W, _, Sliced>::from_parts(
            self.query,
            Ordered(Asc(field)),
            Sliced {
                offset: 0,
                limit: Some(1),
            },
        );
        qs.fetch(conn)?.pop().ok_or(Error::DoesNotExist {
            model: M::META.name,
        })
    }

    /// The row with the largest value of field `N` (Django's `latest("pub_date")`).
    pub fn latest<'q, N, C>(self, field: ByName<N>, conn: &mut C) -> Result<M>
    where
        S: Whole,
        Ordered<Desc<ByName<N>>>: ApplyOrder<M, W>,
        Sliced: ApplySlice<<Ordered<Desc<ByName<N>>> as ApplyOrder<M, W>>::Out>,
        C: Load<'q, Built<M, W, Ordered<Desc<ByName<N>>>, Sliced>, M>,
    {
        if S::NO_ROWS {
            return Err(Error::DoesNotExist {
                model: M::META.name,
            });
        }
        let qs = QuerySet::<M, W, _, Sliced>::from_parts(
            self.query,
            Ordered(Desc(field)),
            Sliced {
                offset: 0,
                limit: Some(1),
            },
        );
        qs.fetch(conn)?.pop().ok_or(Error::DoesNotExist {
            model: M::META.name,
        })
    }

    /// The rows whose primary key is in `ids`, by primary key (Django's `in_bulk(ids)`).
    pub fn in_bulk<'q, C, I>(self, ids: I, conn: &mut C) -> Result<HashMap<M::PkValue, M>>
    where
        S: Whole + Filterable,
        M: PrimaryKey,
        I: IntoIterator<Item = M::PkValue>,
        Lookup<M::Name, In, Vec<M::PkValue>>: Predicate<M>,
        W: diesel::query_dsl::methods::FilterDsl<
            <Lookup<M::Name, In, Vec<M::PkValue>> as Predicate<M>>::Expr,
        >,
        O: ApplyOrder<
            M,
            diesel::dsl::Filter<W, <Lookup<M::Name, In, Vec<M::PkValue>> as Predicate<M>>::Expr>,
        >,
        C: Load<
            'q,
            Built<
                M,
                diesel::dsl::Filter<
                    W,
                    <Lookup<M::Name, In, Vec<M::PkValue>> as Predicate<M>>::Expr,
                >,
                O,
                S,
            >,
            M,
        >,
        S: ApplySlice<
            <O as ApplyOrder<
                M,
                diesel::dsl::Filter<
                    W,
                    <Lookup<M::Name, In, Vec<M::PkValue>> as Predicate<M>>::Expr,
                >,
            >>::Out,
        >,
    {
        let ids: Vec<M::PkValue> = ids.into_iter().collect();
        if ids.is_empty() || <S as Whole>::NO_ROWS {
            return Ok(HashMap::new());
        }
        let rows = self
            .filter(Lookup::<M::Name, In, _>::new(ids))
            .fetch(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| row.pk().map(|pk| (pk, row)))
            .collect())
    }
}
