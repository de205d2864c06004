//! `select_related!`: the rows of a QuerySet and the rows their foreign keys point at, in one
//! query, joined (Django's `select_related`).
//!
//! The QuerySet's own query (filters, ordering, slice) becomes a derived table named like the
//! model's table, and each followed foreign key joins its target under an alias:
//!
//! ```sql
//! SELECT "entry"."id", ..., "T1"."id", "T1"."name"
//! FROM (SELECT ... FROM "entry" WHERE ... ORDER BY ... LIMIT ...) AS "entry"
//! LEFT OUTER JOIN "blog" AS "T1" ON "T1"."id" = "entry"."blog_id"
//! ORDER BY ...
//! ```
//!
//! So every filter, ordering and slice means what it meant without the join, and a
//! self-referential key (`Person.father`) needs nothing special. A non-null key joins with
//! `INNER JOIN` and loads as the row; a nullable one with `LEFT OUTER JOIN` and loads as an
//! `Option`. Only single-valued relations can be joined; reverse and many-to-many relations
//! are `prefetch_related!`'s.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::Nullable;

use super::foreign_key::KeyOf;
use super::loaded::{Got, Loaded, Nil};
use super::path::{ForeignKeyTo, PathStep};
use crate::fields::FieldMeta;
use crate::model::{Field, Model};
use crate::queryset::{OrderBy, Ordered, Unordered};

/// One followed relation: the field `N`, and the relations followed past it (`Kids`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Join<N, Kids = Nil>(PhantomData<fn() -> (N, Kids)>);

/// A non-empty list of [`Join`]s (`Nil` ends it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cons<H, T>(PhantomData<fn() -> (H, T)>);

/// The SQL type of a model's row (every column).
pub type RowSqlType<M> = diesel::dsl::SqlTypeOf<<<M as Model>::Table as diesel::Table>::AllColumns>;

/// What `select_related!` can follow past a field of kind `Self`: a foreign key only.
#[diagnostic::on_unimplemented(
    message = "Invalid field name given in select_related: `{N}` is not a ForeignKey or OneToOne of `{P}`",
    label = "select_related! follows single-valued relations only",
    note = "Django: FieldError: Invalid field name(s) given in select_related. Load reverse and many-to-many relations with prefetch_related!"
)]
pub trait SelectKind<P, N> {
    /// The joined model.
    type Target: Model;
    /// Whether the key is nullable.
    type Nullness: Nullness;
    /// The foreign key's column on `P`.
    const COLUMN: &'static str;
}

impl<P, N, T: Model> SelectKind<P, N> for ForeignKeyTo<T>
where
    P: Field<N>,
    <P as Field<N>>::Type: KeyOf,
{
    type Target = T;
    type Nullness = <<P as Field<N>>::Type as KeyOf>::Nullness;
    const COLUMN: &'static str = <P as Field<N>>::FIELD.column;
}

/// Whether a joined row may be missing: [`Required`] (a non-null key) or [`Optional`].
pub trait Nullness {
    /// Rust rows of the join.
    type Row<R>;
    /// SQL type of the join's columns.
    type SqlType<ST>;
    /// What the row's [`Loaded`] holds.
    type Payload<P>;
    /// A nullable key joins with `LEFT OUTER JOIN`.
    const NULLABLE: bool;
    /// Converts a row.
    fn map<R, P>(row: Self::Row<R>, f: impl FnOnce(R) -> P) -> Self::Payload<P>;
}

/// A non-null foreign key: the joined row is always there.
#[derive(Debug, Clone, Copy, Default)]
pub struct Required;
/// A nullable foreign key: the joined row may be missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Optional;

impl Nullness for Required {
    type Row<R> = R;
    type SqlType<ST> = ST;
    type Payload<P> = P;
    const NULLABLE: bool = false;
    fn map<R, P>(row: R, f: impl FnOnce(R) -> P) -> P {
        f(row)
    }
}

impl Nullness for Optional {
    type Row<R> = Option<R>;
    type SqlType<ST> = Nullable<ST>;
    type Payload<P> = Option<P>;
    const NULLABLE: bool = true;
    fn map<R, P>(row: Option<R>, f: impl FnOnce(R) -> P) -> Option<P> {
        row.map(f)
    }
}

/// One table joined by a `select_related!` query (built from the types, rendered by
/// [`RelatedQuery`]).
#[derive(Debug, Clone, Copy)]
pub struct JoinStep {
    /// The joined table.
    pub table: &'static str,
    /// Its primary key column.
    pub pk: &'static str,
    /// Its columns, in the order its rows load.
    pub fields: &'static [FieldMeta],
    /// The step it hangs from (`None`: the QuerySet's own table).
    pub parent: Option<usize>,
    /// The foreign key column on the parent.
    pub fk: &'static str,
    /// `LEFT OUTER JOIN` (a nullable key, or below one) instead of `INNER JOIN`.
    pub left: bool,
}

/// A followed relation of `P` ([`Join`]).
pub trait JoinNode<P: Model> {
    /// The relation's name.
    type Name;
    /// SQL type of its columns (and its children's).
    type SqlType;
    /// Rust row of its columns (and its children's).
    type Row;
    /// What [`Loaded`] holds for it.
    type Payload;
    /// Converts a row.
    fn payload(row: Self::Row) -> Self::Payload;
    /// Appends its joins.
    fn plan(steps: &mut Vec<JoinStep>, parent: Option<usize>, left: bool);
}

type KindOf<P, N> = <P as PathStep<N>>::Kind;
type TargetOf<P, N> = <KindOf<P, N> as SelectKind<P, N>>::Target;
type NullnessOf<P, N> = <KindOf<P, N> as SelectKind<P, N>>::Nullness;

impl<P, N, Kids> JoinNode<P> for Join<N, Kids>
where
    P: Model + PathStep<N>,
    KindOf<P, N>: SelectKind<P, N>,
    Kids: JoinList<TargetOf<P, N>>,
{
    type Name = N;
    type SqlType =
        <NullnessOf<P, N> as Nullness>::SqlType<Kids::Combined<RowSqlType<TargetOf<P, N>>>>;
    type Row = <NullnessOf<P, N> as Nullness>::Row<Kids::CombinedRow<TargetOf<P, N>>>;
    type Payload = <NullnessOf<P, N> as Nullness>::Payload<Loaded<TargetOf<P, N>, Kids::Related>>;
    fn payload(row: Self::Row) -> Self::Payload {
        <NullnessOf<P, N> as Nullness>::map(row, |r| {
            let (object, related) = Kids::split(r);
            Loaded::new(object, related)
        })
    }
    fn plan(steps: &mut Vec<JoinStep>, parent: Option<usize>, left: bool) {
        let left = left || <NullnessOf<P, N> as Nullness>::NULLABLE;
        steps.push(JoinStep {
            table: <TargetOf<P, N> as Model>::DB_TABLE,
            pk: <TargetOf<P, N> as Model>::PK_COLUMN,
            fields: <TargetOf<P, N> as Model>::META.fields,
            parent,
            fk: <KindOf<P, N> as SelectKind<P, N>>::COLUMN,
            left,
        });
        let me = steps.len() - 1;
        Kids::plan(steps, Some(me), left);
    }
}

/// The relations followed from `P` ([`Nil`] or a [`Cons`] list of [`Join`]s).
pub trait JoinList<P: Model> {
    /// SQL type of a `P` row (`ST`) with these relations' columns.
    type Combined<ST>;
    /// Rust row of a `P` row (`R`) with these relations' rows.
    type CombinedRow<R>;
    /// The list of loaded relations.
    type Related;
    /// The query loading the rows of `inner` with these relations, ordered by `E` (nothing
    /// to join: `inner` itself).
    type Query<Q, E>;
    /// Builds it.
    fn query<Q, E>(inner: Q, order: Option<E>) -> Self::Query<Q, E>;
    /// Splits a row into the `P` row and its relations.
    fn split<R>(row: Self::CombinedRow<R>) -> (R, Self::Related);
    /// Appends the joins.
    fn plan(steps: &mut Vec<JoinStep>, parent: Option<usize>, left: bool);
}

impl<P: Model> JoinList<P> for Nil {
    type Combined<ST> = ST;
    type CombinedRow<R> = R;
    type Related = Nil;
    type Query<Q, E> = Q;
    fn query<Q, E>(inner: Q, _: Option<E>) -> Q {
        inner
    }
    fn split<R>(row: R) -> (R, Nil) {
        (row, Nil)
    }
    fn plan(_: &mut Vec<JoinStep>, _: Option<usize>, _: bool) {}
}

/// The items of a non-empty [`Cons`] list.
pub trait JoinItems<P: Model> {
    /// SQL type of the items' columns.
    type SqlType;
    /// Rust rows of the items.
    type Row;
    /// The list of loaded relations.
    type Related;
    /// Converts the rows.
    fn related(row: Self::Row) -> Self::Related;
    /// Appends the joins.
    fn plan(steps: &mut Vec<JoinStep>, parent: Option<usize>, left: bool);
}

impl<P: Model, J: JoinNode<P>> JoinItems<P> for Cons<J, Nil> {
    type SqlType = J::SqlType;
    type Row = J::Row;
    type Related = Got<J::Name, J::Payload, Nil>;
    fn related(row: J::Row) -> Self::Related {
        Got::new(J::payload(row), Nil)
    }
    fn plan(steps: &mut Vec<JoinStep>, parent: Option<usize>, left: bool) {
        J::plan(steps, parent, left);
    }
}

impl<P: Model, J: JoinNode<P>, H, T> JoinItems<P> for Cons<J, Cons<H, T>>
where
    Cons<H, T>: JoinItems<P>,
{
    type SqlType = (J::SqlType, <Cons<H, T> as JoinItems<P>>::SqlType);
    type Row = (J::Row, <Cons<H, T> as JoinItems<P>>::Row);
    type Related = Got<J::Name, J::Payload, <Cons<H, T> as JoinItems<P>>::Related>;
    fn related((row, rest): Self::Row) -> Self::Related {
        Got::new(J::payload(row), <Cons<H, T> as JoinItems<P>>::related(rest))
    }
    fn plan(steps: &mut Vec<JoinStep>, parent: Option<usize>, left: bool) {
        J::plan(steps, parent, left);
        <Cons<H, T> as JoinItems<P>>::plan(steps, parent, left);
    }
}

impl<P: Model, H, T> JoinList<P> for Cons<H, T>
where
    Self: JoinItems<P>,
{
    type Combined<ST> = (ST, <Self as JoinItems<P>>::SqlType);
    type CombinedRow<R> = (R, <Self as JoinItems<P>>::Row);
    type Related = <Self as JoinItems<P>>::Related;
    type Query<Q, E> = RelatedQuery<P, Q, E, Self>;
    fn query<Q, E>(inner: Q, order: Option<E>) -> Self::Query<Q, E> {
        RelatedQuery::new(inner, order)
    }
    fn split<R>((row, items): (R, <Self as JoinItems<P>>::Row)) -> (R, Self::Related) {
        (row, <Self as JoinItems<P>>::related(items))
    }
    fn plan(steps: &mut Vec<JoinStep>, parent: Option<usize>, left: bool) {
        <Self as JoinItems<P>>::plan(steps, parent, left);
    }
}

/// `ORDER BY` repeated outside the derived table (rows of a join come back in no particular
/// order otherwise).
#[derive(Debug, Clone)]
pub struct OuterOrder<E>(pub(crate) Option<E>);

impl<E: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for OuterOrder<E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if let Some(e) = &self.0 {
            out.push_sql(" ORDER BY ");
            e.walk_ast(out.reborrow())?;
        }
        Ok(())
    }
}

/// A QuerySet's ordering, as the `ORDER BY` expression repeated outside the derived table.
pub trait OuterOrderOf<M> {
    /// The expression.
    type Expr;
    /// It, if the QuerySet is ordered.
    fn outer(&self) -> Option<Self::Expr>;
}

impl<M> OuterOrderOf<M> for Unordered {
    type Expr = NoOrder;
    fn outer(&self) -> Option<NoOrder> {
        None
    }
}

impl<M, T: OrderBy<M>> OuterOrderOf<M> for Ordered<T> {
    type Expr = T::Diesel;
    fn outer(&self) -> Option<T::Diesel> {
        Some(self.0.diesel())
    }
}

/// Renders nothing: the outer ordering of an unordered QuerySet.
#[derive(Debug, Clone, Copy, Default, diesel::query_builder::QueryId)]
pub struct NoOrder;

impl<DB: Backend> QueryFragment<DB> for NoOrder {
    fn walk_ast<'b>(&'b self, _: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}

/// The `select_related!` query: `Q` (the QuerySet's own query) as a derived table, the joins
/// `J`, and the ordering `E` again outside. See the module docs.
#[derive(Debug, Clone)]
pub struct RelatedQuery<M, Q, E, J> {
    inner: Q,
    order: OuterOrder<E>,
    steps: Vec<JoinStep>,
    _types: PhantomData<fn() -> (M, J)>,
}

impl<M: Model, Q, E, J: JoinList<M>> RelatedQuery<M, Q, E, J> {
    /// `inner`, joined along `J`, ordered outside by `order`.
    pub fn new(inner: Q, order: Option<E>) -> Self {
        let mut steps = Vec::new();
        J::plan(&mut steps, None, false);
        RelatedQuery {
            inner,
            order: OuterOrder(order),
            steps,
            _types: PhantomData,
        }
    }
}

pub(crate) fn push_alias<DB: Backend>(
    out: &mut AstPass<'_, '_, DB>,
    base: &str,
    step: Option<usize>,
) -> QueryResult<()> {
    match step {
        None => out.push_identifier(base),
        Some(i) => out.push_identifier(&super::alias::alias('T', i + 1)),
    }
}

/// ` FROM (inner) AS "base"`: the QuerySet's own query as a derived table named like its
/// table (shared by `select_related!` and `values!` across reverse relations).
pub(crate) fn push_derived_table<'b, DB: Backend>(
    out: &mut AstPass<'_, 'b, DB>,
    base: &str,
    inner: &'b impl QueryFragment<DB>,
) -> QueryResult<()> {
    out.push_sql(" FROM (");
    inner.walk_ast(out.reborrow())?;
    out.push_sql(") AS ");
    out.push_identifier(base)
}

/// ` JOIN "table" AS "Tn" ON "Tn"."pk" = "parent"."fk"`: the step at position `at`.
pub(crate) fn push_join<DB: Backend>(
    out: &mut AstPass<'_, '_, DB>,
    base: &str,
    at: usize,
    step: &JoinStep,
) -> QueryResult<()> {
    out.push_sql(if step.left {
        " LEFT OUTER JOIN "
    } else {
        " INNER JOIN "
    });
    out.push_identifier(step.table)?;
    out.push_sql(" AS ");
    push_alias(out, base, Some(at))?;
    out.push_sql(" ON ");
    push_alias(out, base, Some(at))?;
    out.push_sql(".");
    out.push_identifier(step.pk)?;
    out.push_sql(" = ");
    push_alias(out, base, step.parent)?;
    out.push_sql(".");
    out.push_identifier(step.fk)
}

impl<M, Q, E, J, DB> QueryFragment<DB> for RelatedQuery<M, Q, E, J>
where
    DB: Backend,
    M: Model,
    Q: QueryFragment<DB>,
    OuterOrder<E>: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let base = M::DB_TABLE;
        out.push_sql("SELECT ");
        let mut first = true;
        let own = M::META.fields.iter().map(|f| (None, f.column));
        let joined = self
            .steps
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.fields.iter().map(move |f| (Some(i), f.column)));
        for (step, column) in own.chain(joined) {
            if !first {
                out.push_sql(", ");
            }
            first = false;
            push_alias(&mut out, base, step)?;
            out.push_sql(".");
            out.push_identifier(column)?;
        }
        push_derived_table(&mut out, base, &self.inner)?;
        for (i, step) in self.steps.iter().enumerate() {
            push_join(&mut out, base, i, step)?;
        }
        self.order.walk_ast(out.reborrow())
    }
}

/// The SQL is fixed by the types (the model, the joins, the inner query's and the ordering's
/// own ids), so diesel can cache the prepared statement by type.
impl<M, Q, E, J> QueryId for RelatedQuery<M, Q, E, J>
where
    M: 'static,
    J: 'static,
    Q: QueryId,
    E: QueryId,
{
    type QueryId = RelatedQuery<M, Q::QueryId, E::QueryId, J>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID && E::HAS_STATIC_QUERY_ID;
}

impl<M: Model, Q, E, J: JoinList<M>> Query for RelatedQuery<M, Q, E, J> {
    type SqlType = J::Combined<RowSqlType<M>>;
}

impl<M, Q, E, J, C> diesel::RunQueryDsl<C> for RelatedQuery<M, Q, E, J> {}
