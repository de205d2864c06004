//! `annotate!` (a value per row, or per group after `values!`) and `aggregate!` (values over
//! the whole QuerySet), Django's `annotate()` and `aggregate()`.
//!
//! * `annotate!(qs, n = Count(entries))` returns an [`Annotated`] QuerySet whose rows are
//!   `(Model, n, ...)`. Annotations are named: `filter!`, `exclude!`, `order_by!`, `values!`,
//!   later annotations and `aggregate!` can refer to them, and the compiler checks the names.
//! * `annotate!(values!(qs, is_active), total = Count(id))` groups the rows by the fields named
//!   in `values!` ([`Grouped`]): each row is `(key, total, ...)` where `key` is what `values!`
//!   returns (one value, or a tuple). Filters on the annotations become `HAVING`.
//! * `aggregate!(qs, max_age = Max(age))` computes over every row of the QuerySet and returns
//!   the value (or a tuple of values, in the order they are named).
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct User {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub first_name: String,
//!     pub is_active: bool,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[User::META], &mut conn)?;
//! let users = [("Ann", true), ("Bob", true), ("Ann", false)]
//!     .map(|(first_name, is_active)| User { first_name: first_name.into(), is_active, ..Default::default() });
//! User::objects().bulk_create(users.to_vec(), &mut conn)?;
//!
//! // User.objects.values('is_active').annotate(total=Count('id'))
//! let counts = annotate!(values!(User::objects(), is_active), total = Count(id));
//! let counts: Vec<(bool, i64)> = order_by!(counts, is_active).fetch(&mut conn)?;
//! assert_eq!(counts, [(false, 1), (true, 2)]);
//!
//! // Names that appear more than once (HAVING on the annotation).
//! let duplicates = filter!(
//!     annotate!(values!(User::objects(), first_name), name_count = Count(first_name)),
//!     name_count__gt = 1
//! );
//! assert_eq!(duplicates.fetch(&mut conn)?, [("Ann".to_string(), 2)]);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use diesel::query_dsl::methods::{FilterDsl, SelectDsl};

use super::execute::Built;
use super::grouped::{ExprKey, Grouped, NoHaving};
use super::ordering::{
    ApplyOrder, Asc, ByName, Col, Desc, FirstOrder, LastOrder, NullsFirst, NullsLast, Ordered,
    Random, Unordered,
};
use super::slicing::{ApplySlice, Filterable, Reorderable, Slice, Sliced, TotalsOf, Whole};
use super::values::{Columns, Pick};
use super::QuerySet;
use crate::db::Load;
use crate::error::{Error, Result};
use crate::expressions::{
    AggregateKind, AnnotationList, Append, AsGroupKeys, Chain, Condition, ConstKind, Find, Groups,
    KeyExpr, LoadsAs, MarkKeys, NoAnnotations, Ref, Resolve, RowKind, Rows, Scope, ScopeName,
    Selected, Totals,
};
use crate::lookups::IsNotTrue;
use crate::model::{Field, Model};
use crate::names::AddsNames;
use crate::relations::multi_valued::{JoinFlag, SpanningColumns};
use crate::relations::reuse::FilterList;

/// The kinds an annotation on each row may have: a value of the row or a constant. (An
/// aggregate over the row's own fields is a value of the row: see
/// [`per_row`](crate::aggregates::per_row).)
#[diagnostic::on_unimplemented(
    message = "Cannot annotate each row with an aggregate of several rows",
    label = "this is an aggregate of several rows",
    note = "group first with `annotate!(values!(qs, field), ...)`, or aggregate the whole QuerySet with `aggregate!`"
)]
pub trait RowAnnotation {}
#[diagnostic::do_not_recommend]
impl RowAnnotation for ConstKind {}
#[diagnostic::do_not_recommend]
impl RowAnnotation for RowKind {}
#[diagnostic::do_not_recommend]
impl RowAnnotation for crate::expressions::RelatedKind {}

/// The kinds an annotation on each group may have.
#[diagnostic::on_unimplemented(
    message = "Cannot annotate a group with a value of its rows: aggregate mixed with ungrouped columns",
    label = "this is not an aggregate",
    note = "after `values!`, annotations are aggregates (`Count(id)`, `Sum(pages)`); name the field in `values!` to group by it"
)]
pub trait GroupAnnotation {}
#[diagnostic::do_not_recommend]
impl GroupAnnotation for ConstKind {}
#[diagnostic::do_not_recommend]
impl GroupAnnotation for AggregateKind {}

/// What `aggregate!` takes.
#[diagnostic::on_unimplemented(
    message = "aggregate!() takes aggregates: this expression is not an aggregate",
    label = "not an aggregate (Count, Sum, Avg, Max, Min, StdDev, Variance, or an expression of them)",
    note = "Django: TypeError: ... is not an aggregate expression"
)]
pub trait TotalAggregate {}
impl TotalAggregate for AggregateKind {}

/// The model's columns: the first item of an annotated row.
pub type AllColumns<M> = <<M as Model>::Table as diesel::Table>::AllColumns;

/// A QuerySet whose rows carry annotations `L` (see the module docs). Rows are
/// `(Model, a1, a2, ...)`.
#[must_use = "a QuerySet does nothing until a method that takes a connection runs it"]
pub struct Annotated<M: Model, W, L, O, S> {
    qs: QuerySet<M, W, O, S>,
    anns: L,
}

impl<M: Model, W: Clone, L: Clone, O: Clone, S: Clone> Clone for Annotated<M, W, L, O, S> {
    fn clone(&self) -> Self {
        Annotated {
            qs: self.qs.clone(),
            anns: self.anns.clone(),
        }
    }
}

impl<M: Model, W, L, O, S> std::fmt::Debug for Annotated<M, W, L, O, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<Annotated QuerySet {}>", M::META.name)
    }
}

/// The list after adding the annotation `N = X` in scope `Sc`.
type Added<L, N, E, K> = <L as Append<N, E, K>>::Out;

/// The annotation list a QuerySet's `annotate!` starts from: empty, or ending in the filters
/// across relations that its aggregates repeat (see [`crate::relations::reuse`]).
type RootOf<Jn> = <Jn as FilterList>::Root;

impl<M: Model, W, O, S, Jn: FilterList> QuerySet<M, W, O, S, Jn> {
    /// Adds the annotation `N = expr` to each row (Django's `annotate(n=expr)`). Written
    /// `annotate!(qs, n = expr)`. A name that is already a field or an annotation does not
    /// compile (the name would be ambiguous).
    ///
    /// An aggregate over a relation counts only the related rows that an earlier `filter!`
    /// across that relation matched, as in Django.
    #[allow(clippy::type_complexity)]
    pub fn annotate<N, T: AddsNames, X, I, J>(
        self,
        expr: X,
    ) -> Annotated<M, W, Added<RootOf<Jn>, (N, T), X::Expr, X::Kind>, O, S>
    where
        X: Resolve<Rows<M, RootOf<Jn>>, I>,
        X::Kind: RowAnnotation,
        RootOf<Jn>: Append<(N, T), X::Expr, X::Kind>,
        Rows<M, Added<RootOf<Jn>, (N, T), X::Expr, X::Kind>>: ScopeName<N, J>,
    {
        let root = self.joins.root();
        let expr = expr.resolve(&root);
        Annotated {
            qs: QuerySet::from_parts(self.query, self.order, self.slice),
            anns: root.append(expr),
        }
    }

    /// Values over every row of the QuerySet (Django's `aggregate()`). Written
    /// `aggregate!(qs, name = Aggregate(...), ...)`; run with `.fetch(conn)`. On a slice, the
    /// rows of the slice, as in Django (`aggregate!(qs.slice(..10), Avg(pages))` is
    /// `SELECT AVG(...) FROM (SELECT ... LIMIT 10) AS "book"`).
    #[allow(clippy::type_complexity)]
    pub fn aggregate<X, I>(self, aggregates: X) -> PendingAggregate<X::Query, X::Loaded, X::Row>
    where
        S: TotalsOf<M, W, O>,
        X: Aggregates<Totals<M, S::Source, RootOf<Jn>>, S::Source, I>,
        S::Source: Clone,
    {
        let cx = (self.slice.source(self.query, self.order), self.joins.root());
        PendingAggregate {
            query: aggregates.query(&cx),
            finish: X::finish,
        }
    }
}

impl<M: Model, W, L: AnnotationList, O, S> Annotated<M, W, L, O, S> {
    /// Adds another annotation; it may refer to the ones before it.
    #[allow(clippy::type_complexity)]
    pub fn annotate<N, T: AddsNames, X, I, J>(
        self,
        expr: X,
    ) -> Annotated<M, W, Added<L, (N, T), X::Expr, X::Kind>, O, S>
    where
        X: Resolve<Rows<M, L>, I>,
        X::Kind: RowAnnotation,
        L: Append<(N, T), X::Expr, X::Kind>,
        Rows<M, Added<L, (N, T), X::Expr, X::Kind>>: ScopeName<N, J>,
    {
        let expr = expr.resolve(&self.anns);
        Annotated {
            qs: self.qs,
            anns: self.anns.append(expr),
        }
    }

    /// Rows matching `condition`, which may name annotations (Django's `filter` after
    /// `annotate`). Usually written `filter!(qs, ...)`.
    pub fn filter<P, I>(
        self,
        condition: P,
    ) -> Annotated<M, diesel::dsl::Filter<W, P::Expr>, L, O, S>
    where
        S: Filterable,
        P: Condition<Rows<M, L>, I>,
        W: FilterDsl<P::Expr>,
    {
        let expr = condition.condition(&self.anns);
        Annotated {
            qs: QuerySet::from_parts(self.qs.query.filter(expr), self.qs.order, self.qs.slice),
            anns: self.anns,
        }
    }

    /// Rows for which `condition` is not true. Usually written `exclude!(qs, ...)`.
    #[allow(clippy::type_complexity)]
    pub fn exclude<P, I>(
        self,
        condition: P,
    ) -> Annotated<M, diesel::dsl::Filter<W, IsNotTrue<P::Expr>>, L, O, S>
    where
        S: Filterable,
        P: Condition<Rows<M, L>, I>,
        W: FilterDsl<IsNotTrue<P::Expr>>,
    {
        let expr = IsNotTrue(condition.condition(&self.anns));
        Annotated {
            qs: QuerySet::from_parts(self.qs.query.filter(expr), self.qs.order, self.qs.slice),
            anns: self.anns,
        }
    }

    /// Orders by fields and annotations. Usually written `order_by!(qs, -n, name)`.
    pub fn order_by<K, I>(self, keys: K) -> Annotated<M, W, L, Ordered<K::Out>, S>
    where
        S: Reorderable,
        K: ScopedOrder<Rows<M, L>, I>,
    {
        let order = Ordered(keys.resolve(&self.anns));
        Annotated {
            qs: QuerySet::from_parts(self.qs.query, order, self.qs.slice),
            anns: self.anns,
        }
    }

    /// No ordering.
    pub fn clear_ordering(self) -> Annotated<M, W, L, Unordered, S>
    where
        S: Reorderable,
    {
        Annotated {
            qs: QuerySet::from_parts(self.qs.query, Unordered, self.qs.slice),
            anns: self.anns,
        }
    }

    /// The rows in `range` (Python's `qs[start:stop]`).
    pub fn slice(self, range: impl std::ops::RangeBounds<usize>) -> Annotated<M, W, L, O, S::Out>
    where
        S: Slice,
    {
        Annotated {
            qs: self.qs.slice(range),
            anns: self.anns,
        }
    }

    /// The values of some fields and annotations (Django's `values()`/`values_list()` after
    /// `annotate`). Written `values!(qs, name, n)`.
    #[allow(clippy::type_complexity)]
    pub fn values_list<C, I>(self) -> Projection<M, W, L, C::Select, Picked<C, Rows<M, L>, I>, O, S>
    where
        C: ScopedColumns<Rows<M, L>, I>,
    {
        let select = C::select(&self.anns);
        Projection {
            qs: self.qs,
            anns: self.anns,
            keys: C::names(),
            select,
            _row: PhantomData,
        }
    }

    /// Values over every row (Django's `aggregate()` after `annotate`); may aggregate the
    /// annotations.
    #[allow(clippy::type_complexity)]
    pub fn aggregate<X, I>(self, aggregates: X) -> PendingAggregate<X::Query, X::Loaded, X::Row>
    where
        S: TotalsOf<M, W, O>,
        X: Aggregates<Totals<M, S::Source, L>, S::Source, I>,
        S::Source: Clone,
    {
        let qs = self.qs;
        let cx = (qs.slice.source(qs.query, qs.order), self.anns);
        PendingAggregate {
            query: aggregates.query(&cx),
            finish: X::finish,
        }
    }

    /// The diesel query.
    pub fn into_diesel(self) -> AnnotatedQuery<M, W, L, O, S>
    where
        L: Selected,
        W: SelectDsl<L::Select<AllColumns<M>>>,
        O: ApplyOrder<M, diesel::dsl::Select<W, L::Select<AllColumns<M>>>>,
        S: ApplySlice<O::Out>,
    {
        use diesel::Table;
        let select = self.anns.select(M::Table::all_columns());
        let qs = self.qs;
        qs.slice.apply(qs.order.apply(qs.query.select(select)))
    }

    /// Runs the query: `(model, a1, a2, ...)` per row.
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<L::Row<M>>>
    where
        L: Selected,
        W: SelectDsl<L::Select<AllColumns<M>>>,
        O: ApplyOrder<M, diesel::dsl::Select<W, L::Select<AllColumns<M>>>>,
        S: ApplySlice<O::Out>,
        C: Load<'q, AnnotatedQuery<M, W, L, O, S>, L::Loaded<M>>,
    {
        if <S as ApplySlice<O::Out>>::NO_ROWS {
            return Ok(Vec::new());
        }
        Ok(conn.load_rows_with(self.into_diesel(), |row| {
            L::finish(row, Ok).map_err(diesel::result::Error::DeserializationError)
        })?)
    }

    /// The first row, if any, ordered by the primary key when the QuerySet has no ordering
    /// (Django's `first()`).
    #[allow(clippy::type_complexity)]
    pub fn first<'q, C>(self, conn: &mut C) -> Result<Option<L::Row<M>>>
    where
        L: Selected,
        S: Slice,
        O: FirstOrder<M>,
        W: SelectDsl<L::Select<AllColumns<M>>>,
        O::Out: ApplyOrder<M, diesel::dsl::Select<W, L::Select<AllColumns<M>>>>,
        Sliced: ApplySlice<
            <O::Out as ApplyOrder<M, diesel::dsl::Select<W, L::Select<AllColumns<M>>>>>::Out,
        >,
        C: Load<'q, AnnotatedQuery<M, W, L, O::Out, Sliced>, L::Loaded<M>>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        let qs = self.qs;
        let first = Annotated {
            qs: QuerySet::from_parts(
                qs.query,
                qs.order.first_order(),
                qs.slice.sliced(0, Some(1)),
            ),
            anns: self.anns,
        };
        Ok(first.fetch(conn)?.pop())
    }

    /// The last row, if any: the ordering reversed, or the primary key descending when the
    /// QuerySet has no ordering (Django's `last()`).
    #[allow(clippy::type_complexity)]
    pub fn last<'q, C>(self, conn: &mut C) -> Result<Option<L::Row<M>>>
    where
        L: Selected,
        S: Reorderable,
        O: LastOrder<M>,
        W: SelectDsl<L::Select<AllColumns<M>>>,
        O::Out: ApplyOrder<M, diesel::dsl::Select<W, L::Select<AllColumns<M>>>>,
        Sliced: ApplySlice<
            <O::Out as ApplyOrder<M, diesel::dsl::Select<W, L::Select<AllColumns<M>>>>>::Out,
        >,
        C: Load<'q, AnnotatedQuery<M, W, L, O::Out, Sliced>, L::Loaded<M>>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        let qs = self.qs;
        let last = Annotated {
            qs: QuerySet::from_parts(
                qs.query,
                qs.order.last_order(),
                Sliced {
                    offset: 0,
                    limit: Some(1),
                },
            ),
            anns: self.anns,
        };
        Ok(last.fetch(conn)?.pop())
    }

    /// The one row the QuerySet matches, with its annotations (Django's `get()`):
    /// [`Error::DoesNotExist`] when there is none, [`Error::MultipleObjectsReturned`] when
    /// there are several.
    pub fn get<'q, C>(self, conn: &mut C) -> Result<L::Row<M>>
    where
        L: Selected,
        S: Whole,
        W: Clone + SelectDsl<L::Select<AllColumns<M>>> + SelectDsl<diesel::dsl::CountStar>,
        Sliced: ApplySlice<diesel::dsl::Select<W, L::Select<AllColumns<M>>>>,
        C: Load<'q, AnnotatedQuery<M, W, L, Unordered, Sliced>, L::Loaded<M>>
            + Load<'q, diesel::dsl::Select<W, diesel::dsl::CountStar>, i64>,
    {
        if S::NO_ROWS {
            return Err(Error::DoesNotExist {
                model: M::META.name,
            });
        }
        let counting = self.qs.query.clone();
        let some = Annotated {
            qs: QuerySet::from_parts(
                self.qs.query,
                Unordered,
                Sliced {
                    offset: 0,
                    limit: Some(super::execute::MAX_GET_RESULTS as i64),
                },
            ),
            anns: self.anns,
        };
        let rows = some.fetch(conn)?;
        super::execute::the_one_row::<M, _>(rows, || {
            Ok(conn
                .load_rows(counting.select(diesel::dsl::count_star()))?
                .pop())
        })
    }

    /// Whether any row matches (annotations do not change it): `SELECT EXISTS (...)`.
    pub fn exists<'q, C>(self, conn: &mut C) -> Result<bool>
    where
        S: super::slicing::SliceRows<M, W, O>,
        diesel::dsl::exists<S::Rows>: diesel::Expression,
        diesel::dsl::select<diesel::dsl::exists<S::Rows>>: diesel::query_builder::AsQuery,
        C: Load<'q, diesel::dsl::select<diesel::dsl::exists<S::Rows>>, bool>,
    {
        self.qs.exists(conn)
    }

    /// Removes duplicate rows (`SELECT DISTINCT`, Django's `distinct()` after `annotate()`).
    pub fn distinct(self) -> Annotated<M, diesel::dsl::Distinct<W>, L, O, S>
    where
        S: Filterable,
        W: diesel::query_dsl::methods::DistinctDsl,
    {
        let qs = self.qs;
        Annotated {
            qs: QuerySet::from_parts(qs.query.distinct(), qs.order, qs.slice),
            anns: self.anns,
        }
    }

    /// How many rows (annotations do not change it): `SELECT COUNT(*)`.
    pub fn count<'q, C>(self, conn: &mut C) -> Result<i64>
    where
        S: super::slicing::CountRows<M, W, O>,
        C: Load<'q, S::Count, i64>,
    {
        self.qs.count(conn)
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        L: Selected,
        W: SelectDsl<L::Select<AllColumns<M>>>,
        O: ApplyOrder<M, diesel::dsl::Select<W, L::Select<AllColumns<M>>>>,
        S: ApplySlice<O::Out>,
        AnnotatedQuery<M, W, L, O, S>: super::SqlFor,
    {
        super::SqlFor::sql_for(&self.into_diesel(), vendor)
    }
}

/// The diesel query an [`Annotated`] QuerySet runs.
pub type AnnotatedQuery<M, W, L, O, S> =
    Built<M, diesel::dsl::Select<W, <L as Selected>::Select<AllColumns<M>>>, O, S>;

/// Ordering items resolved in a scope (fields, annotations, `Lower(field)`, `?`).
pub trait ScopedOrder<Sc: Scope, I> {
    /// The items, ready for `ORDER BY`.
    type Out;
    /// Resolves them.
    fn resolve(self, cx: &Sc::Cx) -> Self::Out;
}

/// One thing to order by, resolved in a scope.
pub trait ScopedOrderExpr<Sc: Scope, I> {
    /// The expression to order by.
    type Out;
    /// Resolves it.
    fn resolve(self, cx: &Sc::Cx) -> Self::Out;
}

/// Index: a name resolved in the scope.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByScope<I>(PhantomData<fn() -> I>);

/// How a name can be ordered by its value (every resolution but a grouped key, which is
/// ordered by position).
pub trait OrdersByValue {}
impl OrdersByValue for crate::expressions::ByRef<crate::expressions::InModel> {}
impl<P: OrdersByValue> OrdersByValue
    for crate::expressions::ByRef<crate::expressions::InAnnotations<P>>
{
}
impl OrdersByValue for crate::relations::Here {}
impl<P> OrdersByValue for crate::relations::There<P> {}
impl<P> OrdersByValue for crate::expressions::After<P> {}
impl OrdersByValue for crate::expressions::scope::AcrossIndex {}
impl<I: OrdersByValue> OrdersByValue for crate::expressions::scope::TransformOf<I> {}

/// Index: a grouped key, ordered by its position.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByKey<P>(PhantomData<fn() -> P>);

impl<Sc, N, P, E, B, A> ScopedOrderExpr<Sc, ByKey<P>> for ByName<N>
where
    Sc: Scope<Anns = Chain<B, A>>,
    B: Find<N, P, Expr = KeyExpr<E>>,
    E: diesel::Expression + Clone,
    E::SqlType: diesel::sql_types::SqlType + diesel::expression::TypedExpressionType,
{
    type Out = Col<KeyOrder<E>>;
    fn resolve(self, cx: &Sc::Cx) -> Self::Out {
        let key = Sc::annotations(cx).before.find();
        Col(match key.position() {
            Some(position) => KeyOrder::Position(position),
            None => KeyOrder::Expr(key.clone()),
        })
    }
}

/// A grouped key in `ORDER BY`: its position in the select clause, or (when it is not
/// selected) its expression.
#[derive(Debug, Clone)]
pub enum KeyOrder<E> {
    /// `ORDER BY n`.
    Position(usize),
    /// `ORDER BY expression`.
    Expr(KeyExpr<E>),
}
impl<E: diesel::Expression> diesel::Expression for KeyOrder<E>
where
    E::SqlType: diesel::expression::TypedExpressionType,
{
    type SqlType = E::SqlType;
}
impl<E: diesel::query_builder::QueryFragment<DB>, DB: diesel::backend::Backend>
    diesel::query_builder::QueryFragment<DB> for KeyOrder<E>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        match self {
            KeyOrder::Position(p) => {
                out.push_sql(&p.to_string());
                Ok(())
            }
            KeyOrder::Expr(e) => e.walk_ast(out),
        }
    }
}
impl<E> diesel::query_builder::QueryId for KeyOrder<E> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<E, G> diesel::expression::ValidGrouping<G> for KeyOrder<E> {
    type IsAggregate = diesel::expression::is_aggregate::Yes;
}
impl<E, QS: ?Sized> diesel::AppearsOnTable<QS> for KeyOrder<E> where Self: diesel::Expression {}
impl<E, QS: ?Sized> diesel::SelectableExpression<QS> for KeyOrder<E> where Self: diesel::Expression {}

impl<Sc: Scope, N, I> ScopedOrderExpr<Sc, ByScope<I>> for ByName<N>
where
    I: OrdersByValue,
    Ref<N>: Resolve<Sc, I>,
    <Ref<N> as Resolve<Sc, I>>::Expr: diesel::ExpressionMethods,
{
    type Out = Col<<Ref<N> as Resolve<Sc, I>>::Expr>;
    fn resolve(self, cx: &Sc::Cx) -> Self::Out {
        Col(Ref::<N>::new().resolve(cx))
    }
}

macro_rules! scoped_direction {
    ($($t:ident),*) => {$(
        impl<Sc: Scope, E: ScopedOrderExpr<Sc, I>, I> ScopedOrder<Sc, I> for $t<E> {
            type Out = $t<E::Out>;
            fn resolve(self, cx: &Sc::Cx) -> Self::Out {
                $t(self.0.resolve(cx))
            }
        }
    )*};
}
scoped_direction!(Asc, Desc);

macro_rules! scoped_nulls {
    ($($t:ident),*) => {$(
        impl<Sc: Scope, E: ScopedOrder<Sc, I>, I> ScopedOrder<Sc, $t<I>> for $t<E> {
            type Out = $t<E::Out>;
            fn resolve(self, cx: &Sc::Cx) -> Self::Out {
                $t(self.0.resolve(cx))
            }
        }
    )*};
}
scoped_nulls!(NullsFirst, NullsLast);

impl<Sc: Scope> ScopedOrder<Sc, Random> for Random {
    type Out = Random;
    fn resolve(self, _: &Sc::Cx) -> Random {
        Random
    }
}

macro_rules! scoped_order_tuple {
    ($($t:ident $i:ident $n:tt),+) => {
        impl<Sc: Scope, $($t: ScopedOrder<Sc, $i>, $i),+> ScopedOrder<Sc, ($($i,)+)> for ($($t,)+) {
            type Out = ($($t::Out,)+);
            fn resolve(self, cx: &Sc::Cx) -> Self::Out {
                ($(self.$n.resolve(cx),)+)
            }
        }
    };
}
scoped_order_tuple!(A IA 0);
scoped_order_tuple!(A IA 0, B IB 1);
scoped_order_tuple!(A IA 0, B IB 1, C IC 2);
scoped_order_tuple!(A IA 0, B IB 1, C IC 2, D ID 3);
scoped_order_tuple!(A IA 0, B IB 1, C IC 2, D ID 3, E IE 4);

/// Fields and annotations picked by `values!` after `annotate!`.
pub trait ScopedColumns<Sc: Scope, I> {
    /// The names picked, in order (empty for a path across relations).
    fn names() -> Vec<String>;
    /// The select clause.
    type Select;
    /// One row.
    type Row;
    /// What one row is read as (see [`Columns::Loaded`]).
    type Loaded;
    /// The select clause.
    fn select(cx: &Sc::Cx) -> Self::Select;
    /// The row from what was read (see [`Columns::finish`]).
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row>;
}

/// How a [`Projection`]'s rows are read: the row type, what is loaded for it, and the
/// conversion between them (a stored integer that does not fit its field is refused; see
/// [`overflow`](crate::fields::overflow)).
pub trait RowPlan {
    /// One row.
    type Row;
    /// What one row is read as.
    type Loaded;
    /// The row from what was read.
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row>;
}

/// The [`RowPlan`] of the columns `C` picked in scope `Sc` (index `I`).
#[allow(clippy::type_complexity)]
pub struct Picked<C, Sc, I>(PhantomData<fn() -> (C, Sc, I)>);

impl<Sc: Scope, I, C: ScopedColumns<Sc, I>> RowPlan for Picked<C, Sc, I> {
    type Row = C::Row;
    type Loaded = C::Loaded;
    #[inline(always)]
    fn finish(loaded: C::Loaded) -> diesel::deserialize::Result<C::Row> {
        C::finish(loaded)
    }
}

/// Index: a field of the model (loaded as the field's own Rust type).
#[derive(Debug, Clone, Copy, Default)]
pub struct PickField;
/// Index: an annotation.
#[derive(Debug, Clone, Copy, Default)]
pub struct PickAnnotation<P>(PhantomData<fn() -> P>);

impl<Sc: Scope, N: crate::names::NameChars> ScopedColumns<Sc, PickField> for Pick<N>
where
    Sc::Model: Field<N>,
{
    fn names() -> Vec<String> {
        vec![N::text()]
    }
    type Select = <Sc::Model as Field<N>>::Column;
    type Row = <Sc::Model as Field<N>>::Value;
    type Loaded = <Sc::Model as Field<N>>::Loaded;
    fn select(_: &Sc::Cx) -> Self::Select {
        Default::default()
    }
    #[inline(always)]
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row> {
        <Sc::Model as Field<N>>::value_of(loaded)
    }
}

impl<Sc: Scope, N: crate::names::NameChars, P> ScopedColumns<Sc, PickAnnotation<P>> for Pick<N>
where
    Sc::Anns: Find<N, P>,
    <<Sc::Anns as Find<N, P>>::Expr as diesel::Expression>::SqlType: LoadsAs,
{
    type Select = <Sc::Anns as Find<N, P>>::Expr;
    type Row = <<<Sc::Anns as Find<N, P>>::Expr as diesel::Expression>::SqlType as LoadsAs>::Rust;
    type Loaded =
        <<<Sc::Anns as Find<N, P>>::Expr as diesel::Expression>::SqlType as LoadsAs>::Loaded;
    #[inline(always)]
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row> {
        <<<Sc::Anns as Find<N, P>>::Expr as diesel::Expression>::SqlType as LoadsAs>::value_of(
            loaded,
            &N::text,
        )
    }
    fn names() -> Vec<String> {
        vec![N::text()]
    }
    fn select(cx: &Sc::Cx) -> Self::Select {
        Sc::annotations(cx).find().clone()
    }
}

impl<Sc: Scope, P> ScopedColumns<Sc, PickField> for crate::relations::PickAcross<P>
where
    Self: Columns<Sc::Model>,
{
    type Select = <Self as Columns<Sc::Model>>::Select;
    type Row = <Self as Columns<Sc::Model>>::Row;
    type Loaded = <Self as Columns<Sc::Model>>::Loaded;
    #[inline(always)]
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row> {
        <Self as Columns<Sc::Model>>::finish(loaded)
    }
    fn names() -> Vec<String> {
        vec![String::new()]
    }
    fn select(_: &Sc::Cx) -> Self::Select {
        <Self as Columns<Sc::Model>>::select()
    }
}

macro_rules! scoped_columns_tuple {
    ($($t:ident $i:ident),+) => {
        impl<Sc: Scope, $($t: ScopedColumns<Sc, $i>, $i),+> ScopedColumns<Sc, ($($i,)+)> for ($($t,)+) {
            fn names() -> Vec<String> {
                let mut names = Vec::new();
                $(names.extend($t::names());)+
                names
            }
            type Select = ($($t::Select,)+);
            type Row = ($($t::Row,)+);
            type Loaded = ($($t::Loaded,)+);
            fn select(cx: &Sc::Cx) -> Self::Select {
                ($($t::select(cx),)+)
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
scoped_columns_tuple!(A IA, B IB);
scoped_columns_tuple!(A IA, B IB, C IC);
scoped_columns_tuple!(A IA, B IB, C IC, D ID);
scoped_columns_tuple!(A IA, B IB, C IC, D ID, E IE);
scoped_columns_tuple!(A IA, B IB, C IC, D ID, E IE, F IF);

/// The annotations of `L` after a `values!` picked its keys by the picks `Row` (see
/// [`crate::expressions::group_keys`]).
type Keys<L, Row> = <Row as MarkKeys<<L as AsGroupKeys>::Out>>::Out;

/// Fields and annotations of an [`Annotated`] QuerySet (`values!` after `annotate!`).
#[must_use = "a projection does nothing until `fetch(conn)`"]
pub struct Projection<M: Model, W, L, Sel, Row, O, S> {
    qs: QuerySet<M, W, O, S>,
    anns: L,
    keys: Vec<String>,
    select: Sel,
    _row: PhantomData<fn() -> Row>,
}

/// The diesel query a [`Projection`] runs.
pub type ProjectionQuery<M, W, Sel, O, S> = Built<M, diesel::dsl::Select<W, Sel>, O, S>;

impl<M: Model, W: Clone, L: Clone, Sel: Clone, Row, O: Clone, S: Clone> Clone
    for Projection<M, W, L, Sel, Row, O, S>
{
    fn clone(&self) -> Self {
        Projection {
            qs: self.qs.clone(),
            anns: self.anns.clone(),
            keys: self.keys.clone(),
            select: self.select.clone(),
            _row: PhantomData,
        }
    }
}

impl<M: Model, W, L: AnnotationList, Sel: diesel::Expression + Clone, Row, O, S> super::ShapeQuery
    for Projection<M, W, L, Sel, Row, O, S>
where
    W: SelectDsl<Sel>,
    O: ApplyOrder<M, diesel::dsl::Select<W, Sel>>,
    S: ApplySlice<O::Out>,
{
    type Query = ProjectionQuery<M, W, Sel, O, S>;
    fn into_query(self) -> Self::Query {
        self.into_diesel()
    }
}

impl<M: Model, W, L: AnnotationList, Sel: diesel::Expression + Clone, Row, O, S>
    Projection<M, W, L, Sel, Row, O, S>
{
    /// Groups the rows by the projected fields and annotations (Django's
    /// `annotate(year=ExtractYear(...)).values("year").annotate(total=Count("id"))`, written
    /// `annotate!(values!(qs, year = ExtractYear(joined)), total = Count(id))`) and adds the
    /// aggregate `N = expr` to each group. The annotations made before stay nameable.
    #[allow(clippy::type_complexity)]
    pub fn annotate<N, T: AddsNames, X, I, J>(
        self,
        expr: X,
    ) -> Grouped<
        M,
        W,
        ExprKey<Sel, Row>,
        Added<Chain<Keys<L, Row>, NoAnnotations>, (N, T), X::Expr, X::Kind>,
        NoHaving,
        Unordered,
        super::Unsliced,
    >
    where
        L: AsGroupKeys,
        Row: MarkKeys<L::Out>,
        X: Resolve<Groups<M, Chain<Keys<L, Row>, NoAnnotations>>, I>,
        X::Kind: GroupAnnotation,
        Chain<Keys<L, Row>, NoAnnotations>: Append<(N, T), X::Expr, X::Kind>,
        Groups<M, Added<Chain<Keys<L, Row>, NoAnnotations>, (N, T), X::Expr, X::Kind>>:
            ScopeName<N, J>,
    {
        let keys = Row::mark_keys(self.anns.into_group_keys(&self.keys));
        let anns = Chain::new(keys, NoAnnotations);
        let expr = expr.resolve(&anns);
        Grouped::new(
            self.qs.query,
            ExprKey::new(self.select, self.keys.len()),
            anns.append(expr),
        )
    }

    /// The diesel query.
    pub fn into_diesel(self) -> ProjectionQuery<M, W, Sel, O, S>
    where
        W: SelectDsl<Sel>,
        O: ApplyOrder<M, diesel::dsl::Select<W, Sel>>,
        S: ApplySlice<O::Out>,
    {
        let qs = self.qs;
        qs.slice.apply(qs.order.apply(qs.query.select(self.select)))
    }

    /// Runs the query.
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<Row::Row>>
    where
        Row: RowPlan,
        W: SelectDsl<Sel>,
        O: ApplyOrder<M, diesel::dsl::Select<W, Sel>>,
        S: ApplySlice<O::Out>,
        C: Load<'q, ProjectionQuery<M, W, Sel, O, S>, Row::Loaded>,
    {
        Ok(conn.load_rows_with(self.into_diesel(), |row| {
            Row::finish(row).map_err(diesel::result::Error::DeserializationError)
        })?)
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        W: SelectDsl<Sel>,
        O: ApplyOrder<M, diesel::dsl::Select<W, Sel>>,
        S: ApplySlice<O::Out>,
        ProjectionQuery<M, W, Sel, O, S>: super::SqlFor,
    {
        super::SqlFor::sql_for(&self.into_diesel(), vendor)
    }
}

/// One or more aggregates for `aggregate!`, in scope `Sc` over the query `W`.
pub trait Aggregates<Sc: Scope, W, I> {
    /// The diesel query.
    type Query;
    /// What it returns: one value, or a tuple.
    type Row;
    /// What a row loads as (a 1-tuple for one aggregate).
    type Loaded;
    /// The row from what was loaded; an aggregate past its type's range (SQLite's `MAX` of
    /// values another tool stored) is an error.
    fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row>;
    /// Builds the query.
    fn query(self, cx: &Sc::Cx) -> Self::Query;
}

/// Where `aggregate!` reads from: the QuerySet's rows when it has an aggregate over them, no
/// table at all when every aggregate is a subquery across a relation.
pub trait TotalsFrom<W, Sel> {
    /// The query.
    type Query;
    /// Builds it.
    fn query(query: W, select: Sel) -> Self::Query;
}
impl<W: SelectDsl<Sel>, Sel: diesel::Expression> TotalsFrom<W, Sel>
    for diesel::expression::is_aggregate::Yes
{
    type Query = diesel::dsl::Select<W, Sel>;
    fn query(query: W, select: Sel) -> Self::Query {
        query.select(select)
    }
}
/// Not an aggregate: `aggregate!` has already refused it (see [`TotalAggregate`]); this impl
/// only keeps the compiler from reporting it twice.
impl<W: SelectDsl<Sel>, Sel: diesel::Expression> TotalsFrom<W, Sel>
    for diesel::expression::is_aggregate::No
{
    type Query = diesel::dsl::Select<W, Sel>;
    fn query(query: W, select: Sel) -> Self::Query {
        query.select(select)
    }
}
impl<W, Sel: diesel::Expression> TotalsFrom<W, Sel> for diesel::expression::is_aggregate::Never
where
    diesel::dsl::select<Sel>: diesel::query_builder::AsQuery,
{
    type Query = diesel::dsl::select<Sel>;
    fn query(_: W, select: Sel) -> Self::Query {
        diesel::select(select)
    }
}

macro_rules! aggregates_tuple {
    ($one:ident; $($t:ident $i:ident $n:tt),+) => {
        impl<Sc, W, $($t, $i),+> Aggregates<Sc, W, ($($i,)+)> for ($($t,)+)
        where
            Sc: Scope<Cx = (W, <Sc as Scope>::Anns)>,
            W: Clone,
            $($t: Resolve<Sc, $i>, $t::Kind: TotalAggregate, $t::SqlType: LoadsAs,)+
            ($($t::Expr,)+): diesel::expression::ValidGrouping<()>,
            <($($t::Expr,)+) as diesel::expression::ValidGrouping<()>>::IsAggregate: TotalsFrom<W, ($($t::Expr,)+)>,
        {
            type Query = <<($($t::Expr,)+) as diesel::expression::ValidGrouping<()>>::IsAggregate as TotalsFrom<W, ($($t::Expr,)+)>>::Query;
            type Row = aggregates_tuple!(@row $one; $(<$t::SqlType as LoadsAs>::Rust),+);
            type Loaded = ($(<$t::SqlType as LoadsAs>::Loaded,)+);
            #[allow(non_snake_case)]
            fn finish(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Row> {
                let ($($t,)+) = loaded;
                let row = ($(<$t::SqlType as LoadsAs>::value_of($t, &|| "aggregate".to_string())?,)+);
                Ok(aggregates_tuple!(@finish $one; row))
            }
            fn query(self, cx: &Sc::Cx) -> Self::Query {
                let select = ($(self.$n.resolve(cx),)+);
                <<($($t::Expr,)+) as diesel::expression::ValidGrouping<()>>::IsAggregate as TotalsFrom<W, ($($t::Expr,)+)>>::query(cx.0.clone(), select)
            }
        }
    };
    (@row one; $r:ty) => { $r };
    (@row many; $($r:ty),+) => { ($($r,)+) };
    (@finish one; $l:ident) => { $l.0 };
    (@finish many; $l:ident) => { $l };
}
aggregates_tuple!(one; A IA 0);
aggregates_tuple!(many; A IA 0, B IB 1);
aggregates_tuple!(many; A IA 0, B IB 1, C IC 2);
aggregates_tuple!(many; A IA 0, B IB 1, C IC 2, D ID 3);
aggregates_tuple!(many; A IA 0, B IB 1, C IC 2, D ID 3, E IE 4);
aggregates_tuple!(many; A IA 0, B IB 1, C IC 2, D ID 3, E IE 4, F IF 5);

/// The result of `aggregate!`, waiting for a connection.
#[must_use = "an aggregate does nothing until `.fetch(conn)`"]
pub struct PendingAggregate<Q, Loaded, Row> {
    query: Q,
    finish: fn(Loaded) -> diesel::deserialize::Result<Row>,
}

impl<Q, Loaded, Row> PendingAggregate<Q, Loaded, Row> {
    /// `query`, whose row `finish` reads.
    pub(super) fn new(query: Q, finish: fn(Loaded) -> diesel::deserialize::Result<Row>) -> Self {
        PendingAggregate { query, finish }
    }
}

impl<Q, Loaded, Row> PendingAggregate<Q, Loaded, Row> {
    /// The diesel query.
    pub fn into_diesel(self) -> Q {
        self.query
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        Q: super::SqlFor,
    {
        super::SqlFor::sql_for(&self.query, vendor)
    }

    /// Runs the query: the aggregate's value, or a tuple of them.
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Row>
    where
        C: Load<'q, Q, Loaded>,
    {
        let loaded = conn
            .load_first(self.query)?
            .ok_or(Error::DoesNotExist { model: "aggregate" })?;
        Ok((self.finish)(loaded).map_err(diesel::result::Error::DeserializationError)?)
    }
}

/// `values!`/`values_list!` on any QuerySet: the fields (and, after `annotate!`, the
/// annotations) named `C`. What the macros call.
pub trait ValuesOf<C, I> {
    /// The projection.
    type Out;
    /// Builds it.
    fn values_of(self) -> Self::Out;
}

/// A plain projection is a [`ValuesList`](super::ValuesList); one naming a field across a reverse relation is a
/// join ([`SpanningValues`](crate::relations::multi_valued::SpanningValues)).
impl<M: Model, W, O, S, Jn, C: SpanningColumns<M>> ValuesOf<C, ()> for QuerySet<M, W, O, S, Jn> {
    type Out = <C::Flag as JoinFlag>::Out<M, W, O, S, C, Jn>;
    fn values_of(self) -> Self::Out {
        <C::Flag as JoinFlag>::project(self)
    }
}

impl<M: Model, C: SpanningColumns<M>> ValuesOf<C, ()> for crate::model::Manager<M> {
    type Out = <C::Flag as JoinFlag>::Out<
        M,
        super::BaseQuery<M>,
        M::DefaultOrdering,
        super::Unsliced,
        C,
        crate::relations::reuse::NoJoins,
    >;
    fn values_of(self) -> Self::Out {
        <C::Flag as JoinFlag>::project(self.all())
    }
}

impl<M: Model, W, L: AnnotationList, O, S, C, I> ValuesOf<C, I> for Annotated<M, W, L, O, S>
where
    C: ScopedColumns<Rows<M, L>, I>,
    C::Select: diesel::Expression + Clone,
{
    type Out = Projection<M, W, L, C::Select, Picked<C, Rows<M, L>, I>, O, S>;
    fn values_of(self) -> Self::Out {
        self.values_list::<C, I>()
    }
}

impl<M: Model> crate::model::Manager<M> {
    /// `annotate!` on every row; see [`QuerySet::annotate`].
    #[allow(clippy::type_complexity)]
    pub fn annotate<N, T: AddsNames, X, I, J>(
        self,
        expr: X,
    ) -> Annotated<
        M,
        super::BaseQuery<M>,
        Added<NoAnnotations, (N, T), X::Expr, X::Kind>,
        M::DefaultOrdering,
        super::Unsliced,
    >
    where
        X: Resolve<Rows<M, NoAnnotations>, I>,
        X::Kind: RowAnnotation,
        NoAnnotations: Append<(N, T), X::Expr, X::Kind>,
        Rows<M, Added<NoAnnotations, (N, T), X::Expr, X::Kind>>: ScopeName<N, J>,
    {
        self.all().annotate::<N, T, X, I, J>(expr)
    }

    /// `aggregate!` over every row; see [`QuerySet::aggregate`].
    pub fn aggregate<X, I>(self, aggregates: X) -> PendingAggregate<X::Query, X::Loaded, X::Row>
    where
        X: Aggregates<Totals<M, super::BaseQuery<M>, NoAnnotations>, super::BaseQuery<M>, I>,
        super::BaseQuery<M>: Clone,
    {
        self.all().aggregate::<X, I>(aggregates)
    }
}
