//! Projections: `values_list!` (typed tuples, or a flat `Vec<T>` for one field) and
//! `distinct()`.

use std::marker::PhantomData;

use diesel::query_dsl::methods::{DistinctDsl, SelectDsl};

use super::execute::Built;
use super::ordering::{
    ApplyOrder, DistinctRows, FirstOrder, OrderBy, OrderState, Ordered, Unordered,
};
use super::slicing::{ApplySlice, Filterable, Slice, Sliced};
use super::QuerySet;
use crate::db::Load;
use crate::error::Result;
use crate::model::{Field, Model};

/// The field named `N`, as a selected column.
#[derive(Debug, Clone, Copy)]
pub struct Pick<N>(PhantomData<fn() -> N>);

impl<N> Pick<N> {
    /// The field named `N`.
    pub const fn new() -> Self {
        Pick(PhantomData)
    }
}

impl<N> Default for Pick<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// One or more fields of `M` to select.
pub trait Columns<M> {
    /// The diesel select clause.
    type Select: diesel::Expression + Copy;
    /// The Rust type of one row.
    type Row;
    /// What one row is read as: `Row`, with integers and decimals in their checked
    /// [`Stored`](crate::fields::overflow::Stored) form.
    type Loaded;
    /// The select clause.
    fn select() -> Self::Select;
    /// The row from what was read; a stored value that does not fit its field is an error
    /// naming the field.
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row>;
}

impl<M: Field<N>, N> Columns<M> for Pick<N> {
    type Select = M::Column;
    type Row = M::Value;
    type Loaded = M::Loaded;
    fn select() -> M::Column {
        M::Column::default()
    }
    #[inline(always)]
    fn finish(loaded: M::Loaded) -> diesel::deserialize::Result<M::Value> {
        M::value_of(loaded)
    }
}

macro_rules! tuple_columns {
    ($($t:ident),+) => {
        impl<M, $($t: Columns<M>),+> Columns<M> for ($($t,)+)
        where
            ($($t::Select,)+): diesel::Expression + Copy,
        {
            type Select = ($($t::Select,)+);
            type Row = ($($t::Row,)+);
            type Loaded = ($($t::Loaded,)+);
            fn select() -> Self::Select {
                ($($t::select(),)+)
            }
            #[inline(always)]
            #[allow(non_snake_case)]
            fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row> {
                let ($($t,)+) = loaded;
                Ok(($($t::finish($t)?,)+))
            }
        }
    };
}
tuple_columns!(A, B);
tuple_columns!(A, B, C);
tuple_columns!(A, B, C, D);
tuple_columns!(A, B, C, D, E);
tuple_columns!(A, B, C, D, E, F);
tuple_columns!(A, B, C, D, E, F, G);
tuple_columns!(A, B, C, D, E, F, G, H);

/// A QuerySet that returns the values of some fields instead of model instances (Django's
/// `values_list`). Written `values_list!(qs, first_name, last_name)`.
#[must_use = "a projection does nothing until `fetch(conn)`"]
///
/// `Jn` holds the QuerySet's filters across relations, which a grouping's aggregates over
/// those relations repeat (see [`crate::relations::reuse`]).
pub struct ValuesList<M: Model, W, O, S, C, Jn = crate::relations::reuse::NoJoins> {
    pub(crate) qs: QuerySet<M, W, O, S, Jn>,
    pub(crate) _columns: PhantomData<fn() -> C>,
}

impl<M: Model, W: Clone, O: Clone, S: Clone, C, Jn: Clone> Clone for ValuesList<M, W, O, S, C, Jn> {
    fn clone(&self) -> Self {
        ValuesList {
            qs: self.qs.clone(),
            _columns: PhantomData,
        }
    }
}

/// The diesel query a projection's columns alone make (what a subquery selects).
pub type ValuesQuery<M, W, O, S, C> =
    Built<M, diesel::dsl::Select<W, <C as Columns<M>>::Select>, O, S>;

/// The diesel query a projection runs: [`ValuesQuery`], with the ordering's expressions
/// selected too on a `SELECT DISTINCT` QuerySet (see [`ProjectionOrder`]).
pub type ProjectedQuery<M, W, O, S, C> =
    Built<M, diesel::dsl::Select<W, <O as ProjectionOrder<M, C>>::Select>, O, S>;

/// What a projection of columns `C` selects under the ordering state `Self`: the columns, and
/// on a `SELECT DISTINCT` QuerySet ([`DistinctRows`]) the ordering's expressions after them,
/// selected but not read, as Django does (PostgreSQL refuses to order distinct rows by what
/// they do not hold; SQLite would pick an arbitrary row's value to order by).
pub trait ProjectionOrder<M, C: Columns<M>> {
    /// The select clause.
    type Select: diesel::Expression;
    /// What one row is read as.
    type Loaded;
    /// The select clause.
    fn select(&self) -> Self::Select;
    /// The row from what was read.
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<C::Row>;
}

macro_rules! columns_only {
    ($($state:ty => [$($g:ident),*]),*) => {$(
        impl<M, C: Columns<M>, $($g),*> ProjectionOrder<M, C> for $state {
            type Select = C::Select;
            type Loaded = C::Loaded;
            fn select(&self) -> C::Select {
                C::select()
            }
            #[inline(always)]
            fn finish(loaded: C::Loaded) -> diesel::deserialize::Result<C::Row> {
                C::finish(loaded)
            }
        }
    )*};
}
columns_only!(Unordered => [], Ordered<T> => [T], DistinctRows<Unordered> => []);

impl<M, C: Columns<M>, T: OrderBy<M>> ProjectionOrder<M, C> for DistinctRows<Ordered<T>> {
    type Select = (C::Select, T::Exprs);
    type Loaded = (C::Loaded, T::Skipped);
    fn select(&self) -> Self::Select {
        (C::select(), self.0 .0.exprs())
    }
    #[inline(always)]
    fn finish((loaded, _): Self::Loaded) -> diesel::deserialize::Result<C::Row> {
        C::finish(loaded)
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// The values of fields `C` (`Pick<name>` or a tuple of them) for each row.
    pub fn values_list<C: Columns<M>>(self) -> ValuesList<M, W, O, S, C, J> {
        ValuesList {
            qs: self,
            _columns: PhantomData,
        }
    }

    /// Removes duplicate rows (`SELECT DISTINCT`, Django's `distinct()`).
    pub fn distinct(self) -> QuerySet<M, diesel::dsl::Distinct<W>, O::Distinct, S, J>
    where
        S: Filterable,
        W: DistinctDsl,
        O: OrderState,
    {
        QuerySet::with_joins(
            self.query.distinct(),
            self.order.distinct(),
            self.slice,
            self.joins,
        )
    }

    /// `SELECT DISTINCT ON (fields)` (Django's `distinct(*fields)`): PostgreSQL only, so a
    /// QuerySet that uses it runs only on a `PgConnection`.
    pub fn distinct_on<C: Columns<M>>(
        self,
    ) -> QuerySet<M, diesel::dsl::DistinctOn<W, C::Select>, O, S, J>
    where
        S: Filterable,
        W: diesel::query_dsl::methods::DistinctOnDsl<C::Select>,
    {
        QuerySet::with_joins(
            self.query.distinct_on(C::select()),
            self.order,
            self.slice,
            self.joins,
        )
    }
}

/// The rows a projection's `count()` counts in slice state `Self`: the projected columns
/// without the ordering (Django clears it), or a slice's projected rows in its ordering.
pub trait CountValues<M, W, O, C> {
    /// Whether the QuerySet has no row (see [`NoRows`](super::NoRows)).
    const NO_ROWS: bool = false;
    /// The counted query.
    type Rows;
    /// Builds it.
    fn rows(self, query: W, order: O) -> Self::Rows;
}
impl<M, W: SelectDsl<C::Select>, O, C: Columns<M>> CountValues<M, W, O, C> for super::Unsliced {
    type Rows = diesel::dsl::Select<W, C::Select>;
    fn rows(self, query: W, _: O) -> Self::Rows {
        query.select(C::select())
    }
}
impl<M: Model, W, O, C: Columns<M>> CountValues<M, W, O, C> for Sliced
where
    O: ProjectionOrder<M, C>,
    W: SelectDsl<O::Select>,
    O: ApplyOrder<M, diesel::dsl::Select<W, O::Select>>,
    Sliced: ApplySlice<<O as ApplyOrder<M, diesel::dsl::Select<W, O::Select>>>::Out>,
{
    type Rows = ProjectedQuery<M, W, O, Sliced, C>;
    fn rows(self, query: W, order: O) -> Self::Rows {
        let select = order.select();
        self.apply(order.apply(query.select(select)))
    }
}
impl<M, W: SelectDsl<C::Select>, O, C: Columns<M>> CountValues<M, W, O, C> for super::NoRows {
    const NO_ROWS: bool = true;
    type Rows = diesel::dsl::Select<W, C::Select>;
    fn rows(self, query: W, _: O) -> Self::Rows {
        query.select(C::select())
    }
}

impl<M: Model, W, O, C: Columns<M>, Jn> ValuesList<M, W, O, super::Unsliced, C, Jn> {
    /// The query without its ordering, for use as a subquery.
    pub(crate) fn into_unordered_select(self) -> diesel::dsl::Select<W, C::Select>
    where
        W: SelectDsl<C::Select>,
    {
        self.qs.query.select(C::select())
    }
}

/// Ordering states of rows that are not made distinct: what `aggregate!` over a projection
/// reads as the QuerySet's own rows (`X`, the aggregates, only lets rustc report the
/// refusal as this trait's message).
#[diagnostic::on_unimplemented(
    message = "aggregate!() over distinct values is not supported",
    label = "these values are distinct",
    note = "aggregate the QuerySet itself, or use an aggregate's `distinct = true` (`Sum(rating, distinct = true)`)"
)]
pub trait RowsNotDistinct<X> {}
#[diagnostic::do_not_recommend]
impl<X> RowsNotDistinct<X> for Unordered {}
#[diagnostic::do_not_recommend]
impl<T, X> RowsNotDistinct<X> for Ordered<T> {}

impl<M: Model, W, O, S, C, Jn: crate::relations::reuse::FilterList> ValuesList<M, W, O, S, C, Jn> {
    /// Values over the rows (Django's `values(...).aggregate(...)`): the projection does not
    /// change which rows there are, so this is the QuerySet's `aggregate!`, over the model's
    /// fields.
    #[allow(clippy::type_complexity)]
    pub fn aggregate<X, I>(
        self,
        aggregates: X,
    ) -> super::PendingAggregate<X::Query, X::Loaded, X::Row>
    where
        O: RowsNotDistinct<X>,
        S: super::slicing::TotalsOf<M, W, O>,
        X: super::Aggregates<
            crate::expressions::Totals<
                M,
                S::Source,
                <Jn as crate::relations::reuse::FilterList>::Root,
            >,
            S::Source,
            I,
        >,
        S::Source: Clone,
    {
        self.qs.aggregate::<X, I>(aggregates)
    }
}

/// `explain` (its own `count`/`exists` come first).
impl<M: Model, W, O, S, C: Columns<M>, Jn> super::ShapeQuery for ValuesList<M, W, O, S, C, Jn>
where
    W: SelectDsl<C::Select>,
    O: ApplyOrder<M, diesel::dsl::Select<W, C::Select>>,
    S: ApplySlice<O::Out>,
{
    type Query = ValuesQuery<M, W, O, S, C>;
    fn into_query(self) -> Self::Query {
        self.into_diesel()
    }
}

impl<M: Model, W, O, S, C: Columns<M>, Jn> ValuesList<M, W, O, S, C, Jn> {
    /// The diesel query.
    pub fn into_diesel(self) -> ValuesQuery<M, W, O, S, C>
    where
        W: SelectDsl<C::Select>,
        O: ApplyOrder<M, diesel::dsl::Select<W, C::Select>>,
        S: ApplySlice<O::Out>,
    {
        let qs = self.qs;
        qs.slice.apply(qs.order.apply(qs.query.select(C::select())))
    }

    /// The diesel query [`fetch`](Self::fetch) runs: [`into_diesel`](Self::into_diesel)'s,
    /// with the ordering's expressions selected too on a `SELECT DISTINCT` QuerySet.
    pub fn into_projected(self) -> ProjectedQuery<M, W, O, S, C>
    where
        O: ProjectionOrder<M, C>,
        W: SelectDsl<O::Select>,
        O: ApplyOrder<M, diesel::dsl::Select<W, O::Select>>,
        S: ApplySlice<<O as ApplyOrder<M, diesel::dsl::Select<W, O::Select>>>::Out>,
    {
        let qs = self.qs;
        let select = qs.order.select();
        qs.slice.apply(qs.order.apply(qs.query.select(select)))
    }

    /// Runs the query: one `C::Row` per row.
    pub fn fetch<'q, Conn>(self, conn: &mut Conn) -> Result<Vec<C::Row>>
    where
        O: ProjectionOrder<M, C>,
        W: SelectDsl<O::Select>,
        O: ApplyOrder<M, diesel::dsl::Select<W, O::Select>>,
        S: ApplySlice<<O as ApplyOrder<M, diesel::dsl::Select<W, O::Select>>>::Out>,
        Conn: Load<'q, ProjectedQuery<M, W, O, S, C>, O::Loaded>,
    {
        if <S as ApplySlice<<O as ApplyOrder<M, diesel::dsl::Select<W, O::Select>>>::Out>>::NO_ROWS
        {
            return Ok(Vec::new());
        }
        Ok(conn.load_rows_with(self.into_projected(), |row| {
            O::finish(row).map_err(diesel::result::Error::DeserializationError)
        })?)
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        O: ProjectionOrder<M, C>,
        W: SelectDsl<O::Select>,
        O: ApplyOrder<M, diesel::dsl::Select<W, O::Select>>,
        S: ApplySlice<<O as ApplyOrder<M, diesel::dsl::Select<W, O::Select>>>::Out>,
        ProjectedQuery<M, W, O, S, C>: super::SqlFor,
    {
        super::SqlFor::sql_for(&self.into_projected(), vendor)
    }

    /// The first row's values in the QuerySet's ordering, or by primary key when it has none
    /// (Django's `values_list(...).first()`); `None` when there is no row.
    #[allow(clippy::type_complexity)]
    pub fn first<'q, Conn>(self, conn: &mut Conn) -> Result<Option<C::Row>>
    where
        S: Slice,
        O: FirstOrder<M>,
        O::Out: ProjectionOrder<M, C>,
        W: SelectDsl<<O::Out as ProjectionOrder<M, C>>::Select>,
        O::Out: ApplyOrder<M, diesel::dsl::Select<W, <O::Out as ProjectionOrder<M, C>>::Select>>,
        Sliced: ApplySlice<
            <O::Out as ApplyOrder<
                M,
                diesel::dsl::Select<W, <O::Out as ProjectionOrder<M, C>>::Select>,
            >>::Out,
        >,
        Conn: Load<
            'q,
            ProjectedQuery<M, W, O::Out, Sliced, C>,
            <O::Out as ProjectionOrder<M, C>>::Loaded,
        >,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        let qs = self.qs;
        let first = ValuesList::<M, W, O::Out, Sliced, C> {
            qs: QuerySet::from_parts(
                qs.query,
                qs.order.first_order(),
                qs.slice.sliced(0, Some(1)),
            ),
            _columns: PhantomData,
        };
        Ok(first.fetch(conn)?.pop())
    }

    /// Whether any row matches: `SELECT EXISTS (...)` around the projection.
    pub fn exists<'q, Conn>(self, conn: &mut Conn) -> Result<bool>
    where
        O: ProjectionOrder<M, C>,
        W: SelectDsl<O::Select>,
        O: ApplyOrder<M, diesel::dsl::Select<W, O::Select>>,
        S: ApplySlice<<O as ApplyOrder<M, diesel::dsl::Select<W, O::Select>>>::Out>,
        diesel::dsl::exists<ProjectedQuery<M, W, O, S, C>>: diesel::Expression,
        diesel::dsl::select<diesel::dsl::exists<ProjectedQuery<M, W, O, S, C>>>:
            diesel::query_builder::AsQuery,
        Conn:
            Load<'q, diesel::dsl::select<diesel::dsl::exists<ProjectedQuery<M, W, O, S, C>>>, bool>,
    {
        if <S as ApplySlice<<O as ApplyOrder<M, diesel::dsl::Select<W, O::Select>>>::Out>>::NO_ROWS
        {
            return Ok(false);
        }
        Ok(conn
            .load_first(diesel::select(diesel::dsl::exists(self.into_projected())))?
            .unwrap_or(false))
    }

    /// How many rows the projection has (Django's `values(...).count()`): counted around the
    /// projected query, so a `distinct()` projection counts its distinct rows (`SELECT
    /// COUNT(*) FROM (SELECT DISTINCT ...) AS "subquery"`). As in Django, an unsliced
    /// projection is counted without its ordering.
    pub fn count<'q, Conn>(self, conn: &mut Conn) -> Result<i64>
    where
        S: CountValues<M, W, O, C>,
        Conn: Load<'q, crate::sql::CountAround<S::Rows>, i64>,
    {
        if S::NO_ROWS {
            return Ok(0);
        }
        let rows = S::rows(self.qs.slice, self.qs.query, self.qs.order);
        Ok(conn.load_first(crate::sql::CountAround(rows))?.unwrap_or(0))
    }

    /// Removes duplicate rows (Django's `values_list(...).distinct()`).
    pub fn distinct(self) -> ValuesList<M, diesel::dsl::Distinct<W>, O::Distinct, S, C, Jn>
    where
        S: Filterable,
        W: DistinctDsl,
        O: OrderState,
    {
        ValuesList {
            qs: self.qs.distinct(),
            _columns: PhantomData,
        }
    }
}
