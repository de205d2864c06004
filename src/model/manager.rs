//! [`Manager`]: `Model::objects()`, where QuerySets start and rows are created.

use std::marker::PhantomData;

use diesel::dsl::CountStar;
use diesel::query_builder::AsQuery;
use diesel::query_dsl::methods::{FilterDsl, SelectDsl};

use super::{dispatch, Instance, Model, PrimaryKey};
use crate::db::{atomic, Executor, Load, LoadIter};
use crate::error::{Error, IntegrityKind, Result};
use crate::lookups::{Exact, In, Lookup, Predicate};
use crate::queryset::dates::{DateKind, DateTimeKind, Dates, Truncates};
use crate::queryset::execute::Built;
use crate::queryset::{
    ApplyOrder, ApplySlice, Asc, BaseQuery, ByName, Changes, Defer, Desc, Explain, FieldList,
    FirstOrder, LastOrder, Only, OrderBy, OrderState, Ordered, PartialQuerySet, PendingUpdate,
    QuerySet, RelatedQuerySet, ReverseOrder, Sliced, SqlFor, Unordered, Unsliced,
};
use crate::relations::{JoinList, Nil, PrefetchPaths};

/// The query `get_or_create` and friends run for a lookup `P`.
pub type Filtered<M, P> = diesel::dsl::Filter<BaseQuery<M>, <P as Predicate<M>>::Expr>;

/// A model's manager (Django's `Model.objects`): the start of every QuerySet, and the place
/// rows are created.
pub struct Manager<M>(PhantomData<fn() -> M>);

impl<M> Clone for Manager<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for Manager<M> {}
impl<M: Model> std::fmt::Debug for Manager<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.objects", M::META.name)
    }
}

impl<M: Model> Default for Manager<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> Manager<M> {
    /// The manager of `M`.
    pub const fn new() -> Self {
        Manager(PhantomData)
    }

    /// Every row (Django's `objects.all()`).
    pub fn all(self) -> QuerySet<M> {
        QuerySet::new()
    }

    /// No rows, without a query (Django's `objects.none()`); see [`QuerySet::none`].
    pub fn none(self) -> QuerySet<M, BaseQuery<M>, DefaultOrder<M>, crate::queryset::NoRows> {
        QuerySet::new().none()
    }

    /// Rows matching `predicate` (Django's `objects.filter(...)`); see `filter!`.
    #[allow(clippy::type_complexity)]
    pub fn filter<P>(
        self,
        predicate: P,
    ) -> QuerySet<
        M,
        diesel::dsl::Filter<BaseQuery<M>, P::Expr>,
        DefaultOrder<M>,
        Unsliced,
        crate::relations::reuse::Pushed<M, P, crate::relations::reuse::NoJoins>,
    >
    where
        P: Predicate<M> + crate::relations::reuse::Reuse<M>,
        P::HasPath: crate::relations::reuse::PushFilter<M, P, crate::relations::reuse::NoJoins>,
        BaseQuery<M>: FilterDsl<P::Expr>,
    {
        QuerySet::new().filter(predicate)
    }

    /// Rows for which `predicate` is not true; see `exclude!`.
    pub fn exclude<P>(
        self,
        predicate: P,
    ) -> QuerySet<M, diesel::dsl::Filter<BaseQuery<M>, crate::lookups::IsNotTrue<P::Expr>>>
    where
        P: Predicate<M>,
        BaseQuery<M>: FilterDsl<crate::lookups::IsNotTrue<P::Expr>>,
    {
        QuerySet::new().exclude(predicate)
    }

    /// The row with primary key `pk` (Django's `objects.get(pk=...)`).
    pub fn get<'q, C>(self, pk: M::PkValue, conn: &mut C) -> Result<M>
    where
        M: PrimaryKey,
        Lookup<M::Name, Exact, M::PkValue>: Predicate<M>,
        BaseQuery<M>: FilterDsl<<Lookup<M::Name, Exact, M::PkValue> as Predicate<M>>::Expr>,
        C: Load<'q, Filtered<M, Lookup<M::Name, Exact, M::PkValue>>, M>,
    {
        // The key is unique: one row at most, so no count and no `LIMIT`. A bound `LIMIT ?`
        // costs SQLite a fresh compilation of the statement at every execution (binding it
        // expires the prepared statement), several times the lookup itself.
        let query = M::table()
            .as_query()
            .filter(Lookup::<M::Name, Exact, _>::new(pk).build());
        conn.load_first(query)?.ok_or(Error::DoesNotExist {
            model: M::META.name,
        })
    }

    /// Inserts `obj` and returns it with its primary key (Django's `objects.create(...)`).
    pub fn create<C: Executor>(self, mut obj: M, conn: &mut C) -> Result<M> {
        obj.pre_save(true);
        dispatch!(conn, |c| obj.insert_row(c)).map_err(|e| M::META.name_constraint(e))?;
        Ok(obj)
    }

    /// The row matching `lookup`, or a new one from `make()` (Django's `get_or_create`). The
    /// boolean is true when the row was created. A concurrent insert of the same unique
    /// values is caught: the unique violation is answered by reading the row the other writer
    /// created (and returned when no such row exists: another unique constraint refused it).
    pub fn get_or_create<'q, P, C>(
        self,
        lookup: P,
        make: impl FnOnce() -> M,
        conn: &mut C,
    ) -> Result<(M, bool)>
    where
        P: Predicate<M> + Clone,
        BaseQuery<M>: FilterDsl<P::Expr>,
        Filtered<M, P>: Clone + SelectDsl<CountStar>,
        Sliced: crate::queryset::ApplySlice<Filtered<M, P>>,
        C: Executor
            + Load<'q, Built<M, Filtered<M, P>, Unordered, Sliced>, M>
            + Load<'q, diesel::dsl::Select<Filtered<M, P>, CountStar>, i64>,
    {
        match QuerySet::<M>::new().filter_rows(lookup.clone()).get(conn) {
            Ok(obj) => return Ok((obj, false)),
            Err(Error::DoesNotExist { .. }) => {}
            Err(e) => return Err(e),
        }
        let created = atomic(conn, |conn| self.create(make(), conn));
        match created {
            Ok(obj) => Ok((obj, true)),
            Err(
                violation @ Error::Integrity {
                    kind: IntegrityKind::Unique,
                    ..
                },
            ) => match QuerySet::<M>::new().filter_rows(lookup).get(conn) {
                Ok(obj) => Ok((obj, false)),
                // Another unique constraint refused the row: the violation is the error.
                Err(Error::DoesNotExist { .. }) => Err(violation),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// Updates the row matching `lookup` with `apply`, or creates one from `make()` with
    /// `apply` (Django's `update_or_create(defaults=...)`). Runs in a transaction. The
    /// boolean is true when the row was created.
    pub fn update_or_create<'q, P, C>(
        self,
        lookup: P,
        make: impl FnOnce() -> M,
        apply: impl Fn(&mut M),
        conn: &mut C,
    ) -> Result<(M, bool)>
    where
        P: Predicate<M> + Clone,
        BaseQuery<M>: FilterDsl<P::Expr>,
        Filtered<M, P>: Clone + SelectDsl<CountStar>,
        Sliced: crate::queryset::ApplySlice<Filtered<M, P>>,
        C: Executor
            + Load<'q, Built<M, Filtered<M, P>, Unordered, Sliced>, M>
            + Load<'q, diesel::dsl::Select<Filtered<M, P>, CountStar>, i64>,
    {
        atomic(conn, |conn| {
            match QuerySet::<M>::new().filter_rows(lookup).get(conn) {
                Ok(mut obj) => {
                    apply(&mut obj);
                    obj.save(conn)?;
                    Ok((obj, false))
                }
                Err(Error::DoesNotExist { .. }) => {
                    let mut obj = make();
                    apply(&mut obj);
                    Ok((self.create(obj, conn)?, true))
                }
                Err(e) => Err(e),
            }
        })
    }

    /// Inserts many rows in as few statements as each backend's bind-parameter limit allows,
    /// in one transaction, and returns them with their primary keys (Django's `bulk_create`).
    pub fn bulk_create<C: Executor>(self, mut objs: Vec<M>, conn: &mut C) -> Result<Vec<M>> {
        if objs.is_empty() {
            return Ok(objs);
        }
        for obj in &mut objs {
            obj.pre_save(true);
        }
        // One statement is atomic on its own: a transaction only when the rows need several
        // (more bind parameters than the backend allows, or rows with keys, inserted one by one).
        let per_statement = conn.vendor().max_binds() / M::META.fields.len().max(1);
        if objs.len() <= per_statement && objs.iter().all(|o| o.pk().is_none()) {
            dispatch!(conn, |c| M::insert_rows(&mut objs, c))
                .map_err(|e| M::META.name_constraint(e))?;
        } else {
            atomic(conn, |conn| {
                dispatch!(conn, |c| M::insert_rows(&mut objs, c))
            })
            .map_err(|e| M::META.name_constraint(e))?;
        }
        Ok(objs)
    }

    /// Updates the fields `pick` names of each object from its own values, in one
    /// transaction (Django's `bulk_update`): `bulk_update(&toppings, |f| [f.name], conn)`;
    /// returns the number of rows updated. The names come from the model's columns struct
    /// ([`HasFields`](crate::model::HasFields)): a misspelt or many-to-many name does not
    /// compile; the primary key is refused as Django refuses it.
    pub fn bulk_update<L, C: Executor>(
        self,
        objs: &[M],
        pick: impl FnOnce(&M::Columns) -> L,
        conn: &mut C,
    ) -> Result<usize>
    where
        M: crate::model::HasFields,
        L: IntoIterator<Item = crate::model::FieldRef<M>>,
    {
        let fields = super::field_ref::picked::<M, L>(pick);
        for name in &fields {
            if M::META.field(name).is_some_and(|f| f.primary_key) {
                return Err(Error::InvalidValue {
                    field: format!("{}.{name}", M::META.name),
                    message: "bulk_update() cannot be used with primary key fields".into(),
                });
            }
        }
        let fields: &[&str] = &fields;
        if let Some(obj) = objs.iter().find(|o| o.pk().is_none()) {
            let _ = obj;
            return Err(Error::Unsaved {
                model: M::META.name,
                action: "bulk_update()",
            });
        }
        atomic(conn, |conn| {
            let mut total = 0;
            for obj in objs {
                total += dispatch!(conn, |c| obj.update_row(c, Some(fields)))
                    .map_err(|e| M::META.name_constraint(e))?;
            }
            Ok(total)
        })
    }
}

/// The QuerySet every manager verb below runs: all rows, in the model's default ordering.
type All<M> = QuerySet<M>;
/// Its ordering.
type DefaultOrder<M> = <M as Model>::DefaultOrdering;
/// The condition of `in_bulk`.
type InBulk<M> =
    <Lookup<<M as PrimaryKey>::Name, In, Vec<<M as Model>::PkValue>> as Predicate<M>>::Expr;
/// The SQL type of field `N`, for `dates`/`datetimes`.
type DateSql<M, N> = <<M as super::Field<N>>::Column as diesel::Expression>::SqlType;

// Django's managers answer every QuerySet verb (`Entry.objects.count()`, `.first()`,
// `.order_by(...)`): each of these is `self.all().verb(...)`, with the QuerySet's bounds spelt
// for the manager's QuerySet.
impl<M: Model> Manager<M> {
    /// Every row (Django's `objects.all()` evaluated); see [`QuerySet::fetch`].
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<M>>
    where
        DefaultOrder<M>: ApplyOrder<M, BaseQuery<M>>,
        Unsliced: ApplySlice<<DefaultOrder<M> as ApplyOrder<M, BaseQuery<M>>>::Out>,
        C: Load<'q, Built<M, BaseQuery<M>, DefaultOrder<M>, Unsliced>, M>,
    {
        All::<M>::new().fetch(conn)
    }

    /// Every row, read one at a time (Django's `objects.iterator()`); see
    /// [`QuerySet::iterator`].
    pub fn iterator<'q, 'c, C>(
        self,
        conn: &'c mut C,
    ) -> Result<impl Iterator<Item = Result<M>> + 'c>
    where
        DefaultOrder<M>: ApplyOrder<M, BaseQuery<M>>,
        Unsliced: ApplySlice<<DefaultOrder<M> as ApplyOrder<M, BaseQuery<M>>>::Out>,
        Built<M, BaseQuery<M>, DefaultOrder<M>, Unsliced>: 'c,
        'q: 'c,
        C: LoadIter<'q, Built<M, BaseQuery<M>, DefaultOrder<M>, Unsliced>, M>,
    {
        All::<M>::new().iterator(conn)
    }

    /// The number of rows (Django's `objects.count()`).
    pub fn count<'q, C>(self, conn: &mut C) -> Result<i64>
    where
        BaseQuery<M>: SelectDsl<CountStar>,
        C: Load<'q, diesel::dsl::Select<BaseQuery<M>, CountStar>, i64>,
    {
        All::<M>::new().count(conn)
    }

    /// Whether the table has any row (Django's `objects.exists()`).
    pub fn exists<'q, C>(self, conn: &mut C) -> Result<bool>
    where
        diesel::dsl::exists<BaseQuery<M>>: diesel::Expression,
        diesel::dsl::select<diesel::dsl::exists<BaseQuery<M>>>: diesel::query_builder::AsQuery,
        C: Load<'q, diesel::dsl::select<diesel::dsl::exists<BaseQuery<M>>>, bool>,
    {
        All::<M>::new().exists(conn)
    }

    /// The first row in the default ordering, or by primary key (Django's
    /// `objects.first()`).
    pub fn first<'q, C>(self, conn: &mut C) -> Result<Option<M>>
    where
        DefaultOrder<M>: FirstOrder<M>,
        <DefaultOrder<M> as FirstOrder<M>>::Out: ApplyOrder<M, BaseQuery<M>>,
        Sliced: ApplySlice<
            <<DefaultOrder<M> as FirstOrder<M>>::Out as ApplyOrder<M, BaseQuery<M>>>::Out,
        >,
        C: Load<'q, Built<M, BaseQuery<M>, <DefaultOrder<M> as FirstOrder<M>>::Out, Sliced>, M>,
    {
        All::<M>::new().first(conn)
    }

    /// The last row in the default ordering, or by primary key (Django's `objects.last()`).
    pub fn last<'q, C>(self, conn: &mut C) -> Result<Option<M>>
    where
        DefaultOrder<M>: LastOrder<M>,
        <DefaultOrder<M> as LastOrder<M>>::Out: ApplyOrder<M, BaseQuery<M>>,
        Sliced: ApplySlice<
            <<DefaultOrder<M> as LastOrder<M>>::Out as ApplyOrder<M, BaseQuery<M>>>::Out,
        >,
        C: Load<'q, Built<M, BaseQuery<M>, <DefaultOrder<M> as LastOrder<M>>::Out, Sliced>, M>,
    {
        All::<M>::new().last(conn)
    }

    /// All rows ordered by `items` (Django's `objects.order_by(...)`); written
    /// `order_by!(Model::objects(), -field)`.
    pub fn order_by<T: OrderBy<M>>(self, items: T) -> QuerySet<M, BaseQuery<M>, Ordered<T>> {
        let all = All::<M>::new();
        QuerySet::from_parts(all.query, Ordered(items), all.slice)
    }

    /// All rows, unordered (`order_by!(Model::objects())`, Django's `order_by()`).
    pub fn clear_ordering(self) -> QuerySet<M, BaseQuery<M>, Unordered> {
        let all = All::<M>::new();
        QuerySet::from_parts(all.query, Unordered, all.slice)
    }

    /// All rows in the reverse of the default ordering (Django's `objects.reverse()`).
    pub fn reverse(self) -> QuerySet<M, BaseQuery<M>, <DefaultOrder<M> as ReverseOrder<M>>::Out>
    where
        DefaultOrder<M>: ReverseOrder<M>,
    {
        All::<M>::new().reverse()
    }

    /// All rows with the rows their foreign keys `J` point at, joined (Django's
    /// `objects.select_related(...)`); written `select_related!(Model::objects(), blog)`.
    pub fn select_related<J: JoinList<M>>(
        self,
    ) -> RelatedQuerySet<M, BaseQuery<M>, DefaultOrder<M>, Unsliced, J, Nil> {
        All::<M>::new().select_related::<J>()
    }

    /// All rows with their related rows `P` loaded in one query per relation (Django's
    /// `objects.prefetch_related(...)`); written `prefetch_related!(Model::objects(), posts)`.
    pub fn prefetch_related<P: PrefetchPaths<M>>(
        self,
        prefetch: P,
    ) -> RelatedQuerySet<M, BaseQuery<M>, DefaultOrder<M>, Unsliced, Nil, P> {
        All::<M>::new().prefetch_related(prefetch)
    }

    /// An `UPDATE` of every row (Django's `objects.update(...)`); written
    /// `update!(Model::objects(), field = value)`.
    pub fn update<A: Changes<M>>(self, changes: A) -> PendingUpdate<M, BaseQuery<M>, A> {
        All::<M>::new().update(changes)
    }

    /// All rows, loading only fields `L` and the key (Django's `objects.only(...)`); written
    /// `only!(Model::objects(), a, b)`.
    pub fn only<L: FieldList>(
        self,
    ) -> PartialQuerySet<M, BaseQuery<M>, DefaultOrder<M>, Unsliced, Only<L>> {
        All::<M>::new().only::<L>()
    }

    /// All rows, loading every field except `L` (Django's `objects.defer(...)`); written
    /// `defer!(Model::objects(), a, b)`.
    pub fn defer<L: FieldList>(
        self,
    ) -> PartialQuerySet<M, BaseQuery<M>, DefaultOrder<M>, Unsliced, Defer<L>> {
        All::<M>::new().defer::<L>()
    }

    /// The row at `index` in the default ordering (Python's `Model.objects.all()[index]`); see
    /// [`QuerySet::nth`].
    pub fn nth<'q, C>(self, index: usize, conn: &mut C) -> Result<Option<M>>
    where
        DefaultOrder<M>: ApplyOrder<M, BaseQuery<M>>,
        Sliced: ApplySlice<<DefaultOrder<M> as ApplyOrder<M, BaseQuery<M>>>::Out>,
        C: Load<'q, Built<M, BaseQuery<M>, DefaultOrder<M>, Sliced>, M>,
    {
        All::<M>::new().nth(index, conn)
    }

    /// The row with the smallest value of field `N` (Django's `objects.earliest("pub_date")`);
    /// see [`QuerySet::earliest`].
    pub fn earliest<'q, N, C>(self, field: ByName<N>, conn: &mut C) -> Result<M>
    where
        Ordered<Asc<ByName<N>>>: ApplyOrder<M, BaseQuery<M>>,
        Sliced: ApplySlice<<Ordered<Asc<ByName<N>>> as ApplyOrder<M, BaseQuery<M>>>::Out>,
        C: Load<'q, Built<M, BaseQuery<M>, Ordered<Asc<ByName<N>>>, Sliced>, M>,
    {
        All::<M>::new().earliest(field, conn)
    }

    /// The row with the largest value of field `N` (Django's `objects.latest("pub_date")`).
    pub fn latest<'q, N, C>(self, field: ByName<N>, conn: &mut C) -> Result<M>
    where
        Ordered<Desc<ByName<N>>>: ApplyOrder<M, BaseQuery<M>>,
        Sliced: ApplySlice<<Ordered<Desc<ByName<N>>> as ApplyOrder<M, BaseQuery<M>>>::Out>,
        C: Load<'q, Built<M, BaseQuery<M>, Ordered<Desc<ByName<N>>>, Sliced>, M>,
    {
        All::<M>::new().latest(field, conn)
    }

    /// The rows whose primary key is in `ids`, by primary key (Django's
    /// `objects.in_bulk(ids)`); see [`QuerySet::in_bulk`].
    pub fn in_bulk<'q, C, I>(
        self,
        ids: I,
        conn: &mut C,
    ) -> Result<std::collections::HashMap<M::PkValue, M>>
    where
        M: PrimaryKey,
        I: IntoIterator<Item = M::PkValue>,
        Lookup<M::Name, In, Vec<M::PkValue>>: Predicate<M>,
        BaseQuery<M>: FilterDsl<InBulk<M>>,
        DefaultOrder<M>: ApplyOrder<M, diesel::dsl::Filter<BaseQuery<M>, InBulk<M>>>,
        Unsliced: ApplySlice<
            <DefaultOrder<M> as ApplyOrder<M, diesel::dsl::Filter<BaseQuery<M>, InBulk<M>>>>::Out,
        >,
        C: Load<
            'q,
            Built<M, diesel::dsl::Filter<BaseQuery<M>, InBulk<M>>, DefaultOrder<M>, Unsliced>,
            M,
        >,
    {
        All::<M>::new().in_bulk(ids, conn)
    }

    /// Every row without duplicates (Django's `objects.distinct()`); see
    /// [`QuerySet::distinct`].
    pub fn distinct(
        self,
    ) -> QuerySet<
        M,
        diesel::dsl::Distinct<BaseQuery<M>>,
        <DefaultOrder<M> as OrderState>::Distinct,
        Unsliced,
    >
    where
        BaseQuery<M>: diesel::query_dsl::methods::DistinctDsl,
        DefaultOrder<M>: OrderState,
    {
        All::<M>::new().distinct()
    }

    /// The distinct dates of the date field `N` truncated to `kind` (Django's
    /// `objects.dates("pub_date", "year")`); see [`QuerySet::dates`].
    pub fn dates<N>(
        self,
        field: ByName<N>,
        kind: crate::expressions::functions::TruncKind,
    ) -> Dates<M, N, BaseQuery<M>>
    where
        M: super::Field<N>,
        DateSql<M, N>: Truncates<DateKind>,
    {
        All::<M>::new().dates(field, kind)
    }

    /// The distinct datetimes of the datetime field `N` truncated to `kind` (Django's
    /// `objects.datetimes("published", "hour")`); see [`QuerySet::datetimes`].
    pub fn datetimes<N>(
        self,
        field: ByName<N>,
        kind: crate::expressions::functions::TruncKind,
    ) -> Dates<M, N, BaseQuery<M>>
    where
        M: super::Field<N>,
        DateSql<M, N>: Truncates<DateTimeKind>,
    {
        All::<M>::new().datetimes(field, kind)
    }

    /// The database's plan for every row (Django's `objects.explain()`).
    pub fn explain<C>(self, conn: &mut C) -> Result<String>
    where
        DefaultOrder<M>: ApplyOrder<M, BaseQuery<M>>,
        Unsliced: ApplySlice<<DefaultOrder<M> as ApplyOrder<M, BaseQuery<M>>>::Out>,
        C: Explain<Built<M, BaseQuery<M>, DefaultOrder<M>, Unsliced>>,
    {
        All::<M>::new().explain(conn)
    }

    /// The SQL of every row's query for `vendor` (Django's `str(Model.objects.all().query)`).
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        DefaultOrder<M>: ApplyOrder<M, BaseQuery<M>>,
        Unsliced: ApplySlice<<DefaultOrder<M> as ApplyOrder<M, BaseQuery<M>>>::Out>,
        Built<M, BaseQuery<M>, DefaultOrder<M>, Unsliced>: diesel::query_builder::QueryId + SqlFor,
    {
        All::<M>::new().sql(vendor)
    }

    /// A slice of all rows (Python's `Model.objects.all()[a:b]`).
    pub fn slice(
        self,
        range: impl std::ops::RangeBounds<usize>,
    ) -> QuerySet<M, BaseQuery<M>, DefaultOrder<M>, Sliced> {
        All::<M>::new().slice(range)
    }
}
