//! Aggregates across relations as subqueries (`Count(venues)`, `Sum(books__pages)`,
//! `Count(venues__experiences)`): one subquery per aggregate, over the related rows reached
//! from each row (in `annotate!`), from the rows of each group (in `annotate!` after
//! `values!`, see [`GroupRows`]) or from all the rows of the QuerySet (in `aggregate!`), each
//! table under its own alias:
//!
//! ```sql
//! (SELECT COUNT("U2"."id") FROM "venue" AS "U1"
//!  INNER JOIN "experience" AS "U2" ON "U2"."venue_id" = "U1"."id"
//!  WHERE "U1"."city_id" = "city"."id")
//! ```
//!
//! Two aggregates over two multi-valued relations never join each other's rows, so neither is
//! multiplied by the other (Django joins them and needs `distinct=True`).
//!
//! The path starts at a multi-valued relation (a reverse foreign key or a many-to-many), or at
//! foreign keys followed by one (`Count(publisher__book)`: the books of the row's publisher);
//! further steps can be any relation, and the path ends at a field of the last model or at a
//! relation (whose keys are aggregated). In `aggregate!`, a path that starts at a foreign key
//! reads the related rows once per QuerySet row that reaches them, as Django's join does: the
//! subquery starts from the QuerySet's own table (`"U0"`).

use std::any::TypeId;
use std::borrow::Cow;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AsQuery, AstPass, QueryFragment, QueryId};
use diesel::query_dsl::methods::{FilterDsl, SelectDsl};
use diesel::result::QueryResult;
use diesel::sql_types::{SingleValue, SqlType};

use super::{
    render_call, Aggregate, AggregateDefault, AggregateOf, FilterBy, NoFilter, RenderDefault,
};
use crate::db::Vendor;
use crate::expressions::{AggregateKind, Dialect, Ref, Resolve, RowKind, Rows, Scope, Totals};
use crate::lookups::{Nullability, Predicate, Transform, Transformed};
use crate::model::{Field, Model};
use crate::queryset::BaseQuery;
use crate::relations::alias::alias as numbered_alias;
use crate::relations::reuse::{ListJoins, NoJoins, RestrictList, Restricting};
use crate::relations::{
    Across, Direction, ForeignKeyTo, ManyToManyField, ManyToManyVia, PathStep, ReverseOf,
};

/// One step of a relation path, as table and column names from the models' metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The rows of `table` whose foreign key `fk` holds the previous row's `prev` column.
    Reverse {
        /// The related table.
        table: &'static str,
        /// Its foreign key column.
        fk: &'static str,
        /// The previous table's column the key points at.
        prev: &'static str,
    },
    /// The row of `table` whose `pk` the previous row's foreign key column `prev` holds.
    Forward {
        /// The related table.
        table: &'static str,
        /// Its primary key column.
        pk: &'static str,
        /// The previous table's foreign key column.
        prev: &'static str,
    },
    /// The rows of `table` joined to the previous row through the join table `join`.
    Many {
        /// The join table.
        join: &'static str,
        /// The join table's column holding the previous row's key.
        source: &'static str,
        /// The join table's column holding the related row's key.
        target: &'static str,
        /// The related table.
        table: &'static str,
        /// Its primary key column.
        pk: &'static str,
        /// The previous table's key column.
        prev: &'static str,
    },
}

/// A relation followed from model `M` by the name `H`: where it leads and how.
pub trait Hop<M, H> {
    /// The related model.
    type Target: Model;
    /// The step.
    fn step() -> Step;
}

/// A relation that leads to any number of rows (reverse foreign key, many-to-many): what an
/// aggregate across a relation must start with.
#[diagnostic::on_unimplemented(
    message = "`{H}` is not a multi-valued relation of `{M}`",
    label = "an aggregate across a relation starts at a reverse foreign key or a many-to-many",
    note = "aggregate a field of the model itself by its name, or read a forward foreign key's field with `fk__field` in an expression"
)]
pub trait ManyHop<M, H>: Hop<M, H> {}

impl<M: Model, H, S: Model, Fk: diesel::Column, FkName> Hop<M, H> for ReverseOf<S, Fk, FkName> {
    type Target = S;
    fn step() -> Step {
        Step::Reverse {
            table: S::DB_TABLE,
            fk: Fk::NAME,
            prev: M::PK_COLUMN,
        }
    }
}
impl<M: Model, H, S: Model, Fk: diesel::Column, FkName> ManyHop<M, H> for ReverseOf<S, Fk, FkName> {}

impl<M: Model, H, O, D, N> Hop<M, H> for ManyToManyVia<O, D, N>
where
    O: ManyToManyField<N>,
    D: Direction<O, N, Source = M>,
{
    type Target = D::Target;
    fn step() -> Step {
        Step::Many {
            join: O::JOIN_TABLE,
            source: <D::SourceColumn as diesel::Column>::NAME,
            target: <D::TargetColumn as diesel::Column>::NAME,
            table: <D::Target as Model>::DB_TABLE,
            pk: <D::Target as Model>::PK_COLUMN,
            prev: M::PK_COLUMN,
        }
    }
}
impl<M: Model, H, O, D, N> ManyHop<M, H> for ManyToManyVia<O, D, N>
where
    O: ManyToManyField<N>,
    D: Direction<O, N, Source = M>,
{
}

impl<M: Field<H>, H, T: Model> Hop<M, H> for ForeignKeyTo<T> {
    type Target = T;
    fn step() -> Step {
        Step::Forward {
            table: T::DB_TABLE,
            pk: T::PK_COLUMN,
            prev: <M as Field<H>>::FIELD.column,
        }
    }
}

/// A relation that leads to one row (a forward foreign key): a path may start with such hops
/// before a multi-valued one, in `annotate!` (`Count(publisher__book)`: the books of the row's
/// publisher).
pub trait OneHop<M, H>: Hop<M, H> {}
impl<M: Field<H>, H, T: Model> OneHop<M, H> for ForeignKeyTo<T> {}

/// Where a relation path starts: at a multi-valued relation.
#[derive(Debug, Clone, Copy, Default)]
pub struct ManyStart;
/// Where a relation path starts: at a foreign key, before a multi-valued relation.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneStart;

type KindOf<M, H> = <M as PathStep<H>>::Kind;
type TargetOf<M, H> = <KindOf<M, H> as Hop<M, H>>::Target;
type PkSqlType<T> = <<T as Model>::PkColumn as Expression>::SqlType;

/// Index: the path ends at a field.
#[derive(Debug, Clone, Copy, Default)]
pub struct EndsAtField;
/// Index: the path ends at a relation (its keys are aggregated).
#[derive(Debug, Clone, Copy, Default)]
pub struct EndsAtRelation;
/// Index: the path goes on.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoesOn<I>(PhantomData<fn() -> I>);

/// The rest of a relation path, read from model `T`.
pub trait PathRest<T, I> {
    /// The model whose rows are aggregated.
    type Target: Model;
    /// The SQL type of the aggregated column.
    type SqlType: SqlType + SingleValue;
    /// Appends the steps after `T`; returns the column aggregated.
    fn steps(steps: &mut Vec<Step>) -> &'static str;
    /// Appends the names of the relations followed after `T`.
    fn hops(hops: &mut Vec<TypeId>);
}

impl<T: Field<N>, N> PathRest<T, EndsAtField> for N
where
    <<T as Field<N>>::Column as Expression>::SqlType: SqlType + SingleValue,
{
    type Target = T;
    type SqlType = <<T as Field<N>>::Column as Expression>::SqlType;
    fn steps(_: &mut Vec<Step>) -> &'static str {
        <T as Field<N>>::FIELD.column
    }
    fn hops(_: &mut Vec<TypeId>) {}
}

impl<T: PathStep<N>, N: 'static> PathRest<T, EndsAtRelation> for N
where
    KindOf<T, N>: ManyHop<T, N>,
    PkSqlType<TargetOf<T, N>>: SqlType + SingleValue,
{
    type Target = TargetOf<T, N>;
    type SqlType = PkSqlType<TargetOf<T, N>>;
    fn steps(steps: &mut Vec<Step>) -> &'static str {
        steps.push(<KindOf<T, N> as Hop<T, N>>::step());
        <TargetOf<T, N> as Model>::PK_COLUMN
    }
    fn hops(hops: &mut Vec<TypeId>) {
        hops.push(TypeId::of::<N>());
    }
}

impl<T: PathStep<H>, H: 'static, R, I> PathRest<T, GoesOn<I>> for Across<H, R>
where
    KindOf<T, H>: Hop<T, H>,
    R: PathRest<TargetOf<T, H>, I>,
{
    type Target = R::Target;
    type SqlType = R::SqlType;
    fn steps(steps: &mut Vec<Step>) -> &'static str {
        steps.push(<KindOf<T, H> as Hop<T, H>>::step());
        R::steps(steps)
    }
    fn hops(hops: &mut Vec<TypeId>) {
        hops.push(TypeId::of::<H>());
        R::hops(hops);
    }
}

/// A relation path from model `M` that an aggregate can run across.
pub trait RelationPath<M, I> {
    /// The model whose rows are aggregated.
    type Target: Model;
    /// The SQL type of the aggregated column.
    type SqlType: SqlType + SingleValue;
    /// [`ManyStart`] or [`OneStart`].
    type Start;
    /// The steps, and the column aggregated at the last one.
    fn plan() -> (Vec<Step>, &'static str);
    /// The names of the relations followed, in order.
    fn hops() -> Vec<TypeId>;
    /// The SQL around the aggregated column on `vendor` (a transform, `book__pubdate__year`).
    fn around_column(_vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
        (Cow::Borrowed(""), Cow::Borrowed(""))
    }
}

/// Index: a path of one relation.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneRelation;
/// Index: a path of several steps.
#[derive(Debug, Clone, Copy, Default)]
pub struct Steps<I>(PhantomData<fn() -> I>);

impl<M: PathStep<N>, N: 'static> RelationPath<M, OneRelation> for Ref<N>
where
    KindOf<M, N>: ManyHop<M, N>,
    PkSqlType<TargetOf<M, N>>: SqlType + SingleValue,
{
    type Target = TargetOf<M, N>;
    type SqlType = PkSqlType<TargetOf<M, N>>;
    type Start = ManyStart;
    fn plan() -> (Vec<Step>, &'static str) {
        (
            vec![<KindOf<M, N> as Hop<M, N>>::step()],
            <TargetOf<M, N> as Model>::PK_COLUMN,
        )
    }
    fn hops() -> Vec<TypeId> {
        vec![TypeId::of::<N>()]
    }
}

impl<M: PathStep<H>, H: 'static, R, I> RelationPath<M, Steps<I>> for Ref<Across<H, R>>
where
    KindOf<M, H>: ManyHop<M, H>,
    R: PathRest<TargetOf<M, H>, I>,
{
    type Target = R::Target;
    type SqlType = R::SqlType;
    type Start = ManyStart;
    fn plan() -> (Vec<Step>, &'static str) {
        let mut steps = vec![<KindOf<M, H> as Hop<M, H>>::step()];
        let column = R::steps(&mut steps);
        (steps, column)
    }
    fn hops() -> Vec<TypeId> {
        let mut hops = vec![TypeId::of::<H>()];
        R::hops(&mut hops);
        hops
    }
}

/// Index: a path that follows a foreign key, then a relation path from the related model.
#[derive(Debug, Clone, Copy, Default)]
pub struct ForwardThen<I>(PhantomData<fn() -> I>);

impl<M: PathStep<H>, H: 'static, R, I> RelationPath<M, ForwardThen<I>> for Ref<Across<H, R>>
where
    KindOf<M, H>: OneHop<M, H>,
    Ref<R>: RelationPath<TargetOf<M, H>, I>,
{
    type Target = <Ref<R> as RelationPath<TargetOf<M, H>, I>>::Target;
    type SqlType = <Ref<R> as RelationPath<TargetOf<M, H>, I>>::SqlType;
    type Start = OneStart;
    fn plan() -> (Vec<Step>, &'static str) {
        let (rest, column) = <Ref<R> as RelationPath<TargetOf<M, H>, I>>::plan();
        let mut steps = vec![<KindOf<M, H> as Hop<M, H>>::step()];
        steps.extend(rest);
        (steps, column)
    }
    fn hops() -> Vec<TypeId> {
        let mut hops = vec![TypeId::of::<H>()];
        hops.extend(<Ref<R> as RelationPath<TargetOf<M, H>, I>>::hops());
        hops
    }
}

/// Index: a relation path whose field is transformed (`Min(book__pubdate__year)`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TransformedPath<I>(PhantomData<fn() -> I>);

type PathSql<M, P, I> = <Ref<P> as RelationPath<M, I>>::SqlType;

impl<M, P, T, I> RelationPath<M, TransformedPath<I>> for Ref<Transformed<P, T>>
where
    Ref<P>: RelationPath<M, I>,
    PathSql<M, P, I>: Nullability,
    T: Transform<PathSql<M, P, I>>,
{
    type Target = <Ref<P> as RelationPath<M, I>>::Target;
    type SqlType = T::Output;
    type Start = <Ref<P> as RelationPath<M, I>>::Start;
    fn plan() -> (Vec<Step>, &'static str) {
        <Ref<P> as RelationPath<M, I>>::plan()
    }
    fn hops() -> Vec<TypeId> {
        <Ref<P> as RelationPath<M, I>>::hops()
    }
    fn around_column(vendor: Vendor) -> (Cow<'static, str>, Cow<'static, str>) {
        let (inner_before, inner_after) = <Ref<P> as RelationPath<M, I>>::around_column(vendor);
        let ((before, after), aware) = match vendor {
            Vendor::Postgres => (T::POSTGRES, <PathSql<M, P, I> as Nullability>::AWARE),
            _ => (T::SQLITE, false),
        };
        let (open, close) = if aware {
            ("(", " AT TIME ZONE 'UTC')")
        } else {
            ("", "")
        };
        (
            Cow::Owned(format!("{before}{open}{inner_before}")),
            Cow::Owned(format!("{inner_after}{close}{after}")),
        )
    }
}

/// The scopes in which an aggregate may run across a relation, and how its subquery is tied to
/// the outer rows.
#[diagnostic::on_unimplemented(
    message = "aggregates across relations are not supported in `{Self}`",
    label = "this aggregate follows a relation",
    note = "aggregates across relations work in `annotate!` (per row or per group) and in `aggregate!`"
)]
pub trait RelationScope: Scope {
    /// How the subquery meets the outer rows.
    type Link: Clone;
    /// The expression kind of the aggregate in this scope.
    type Kind;
    /// diesel's view of the aggregate's grouping.
    type IsAggregate;
    /// The QuerySet's filters across relations (see [`crate::relations::reuse`]).
    type Joins: Clone;
    /// Whether the QuerySet's row is in scope where the aggregate stands (it is not when the
    /// aggregate reads the related rows of all the QuerySet's rows at once).
    const CORRELATED: bool;
    /// The link.
    fn link(cx: &Self::Cx) -> Self::Link;
    /// The filters.
    fn joins(cx: &Self::Cx) -> Self::Joins;
}

/// The subquery is correlated with the outer row: `= "base"."column"`.
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct Correlated;

/// The subquery reads the related rows of every row of a query `Q` (its keys):
/// `IN (SELECT "base"."pk" FROM ...)`.
#[derive(Debug, Clone, Copy)]
pub struct KeysOf<Q>(Q);

impl<M: Model, L: crate::expressions::AnnotationList + ListJoins> RelationScope for Rows<M, L> {
    type Link = Correlated;
    type Kind = RowKind;
    type IsAggregate = diesel::expression::is_aggregate::No;
    type Joins = L::Joins;
    const CORRELATED: bool = true;
    fn link(_: &L) -> Correlated {
        Correlated
    }
    fn joins(cx: &L) -> L::Joins {
        cx.joins().clone()
    }
}

impl<M: Model, W, L: crate::expressions::AnnotationList + ListJoins> RelationScope
    for Totals<M, W, L>
where
    W: Clone + SelectDsl<M::PkColumn>,
    diesel::dsl::Select<W, M::PkColumn>: Clone,
{
    type Link = KeysOf<diesel::dsl::Select<W, M::PkColumn>>;
    type Kind = AggregateKind;
    type IsAggregate = diesel::expression::is_aggregate::Never;
    type Joins = L::Joins;
    const CORRELATED: bool = false;
    fn link(cx: &(W, L)) -> Self::Link {
        KeysOf(cx.0.clone().select(M::PkColumn::default()))
    }
    fn joins(cx: &(W, L)) -> L::Joins {
        cx.1.joins().clone()
    }
}

/// The subquery reads the related rows of every row of the group it stands in (`annotate!`
/// after `values!`): the group's keys, gathered by an aggregate of the outer query
/// (`ARRAY_AGG` on PostgreSQL, `json_group_array` on SQLite) and read back as a table. Whatever
/// decides the group's rows (the key, every `WHERE`, added before or after the aggregate) is
/// the outer query's own, so the subquery follows it.
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct GroupRows;

impl<M: Model, L: crate::expressions::AnnotationList + ListJoins> RelationScope
    for crate::expressions::Groups<M, L>
{
    type Link = GroupRows;
    type Kind = AggregateKind;
    type IsAggregate = diesel::expression::is_aggregate::Yes;
    type Joins = L::Joins;
    const CORRELATED: bool = false;
    fn link(_: &L) -> GroupRows {
        GroupRows
    }
    fn joins(cx: &L) -> L::Joins {
        cx.joins().clone()
    }
}

/// The `filter` of an aggregate across a relation, as the related rows' keys that match it.
pub trait RelationFilter<T> {
    /// `NoFilter`, or the keys' query.
    type Keys: Clone;
    /// Builds it.
    fn keys(self) -> Self::Keys;
}
impl<T> RelationFilter<T> for NoFilter {
    type Keys = NoFilter;
    fn keys(self) -> NoFilter {
        NoFilter
    }
}
impl<T: Model, P: Predicate<T>> RelationFilter<T> for FilterBy<P>
where
    BaseQuery<T>: FilterDsl<P::Expr>,
    diesel::dsl::Filter<BaseQuery<T>, P::Expr>: SelectDsl<T::PkColumn>,
    diesel::dsl::Select<diesel::dsl::Filter<BaseQuery<T>, P::Expr>, T::PkColumn>: Clone,
{
    type Keys =
        FilterBy<diesel::dsl::Select<diesel::dsl::Filter<BaseQuery<T>, P::Expr>, T::PkColumn>>;
    fn keys(self) -> Self::Keys {
        FilterBy(
            T::table()
                .as_query()
                .filter(self.0.build())
                .select(T::PkColumn::default()),
        )
    }
}

/// Index of an aggregate across a relation.
#[derive(Debug, Clone, Copy, Default)]
pub struct AcrossIndex<IP, ID>(PhantomData<fn() -> (IP, ID)>);

impl<Sc, F, A, Flt, D, IP, ID> Resolve<Sc, AcrossIndex<IP, ID>> for Aggregate<F, A, Flt, D>
where
    Sc: RelationScope,
    A: RelationPath<Sc::Model, IP>,
    F: AggregateOf<A::SqlType>,
    Flt: RelationFilter<A::Target>,
    D: AggregateDefault<Sc, F::Out, ID>,
{
    type SqlType = D::SqlType;
    type Expr = RelationAggregate<
        F,
        A::SqlType,
        Sc::Model,
        A,
        IP,
        Sc::Link,
        Flt::Keys,
        D::Expr,
        D::SqlType,
        Sc::IsAggregate,
        Sc::Joins,
    >;
    type Kind = Sc::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        RelationAggregate {
            link: Sc::link(cx),
            joins: Sc::joins(cx),
            correlated: Sc::CORRELATED,
            filter: self.filter.keys(),
            default: self.default.default_expr(cx),
            distinct: self.distinct,
            sample: self.sample,
            _types: PhantomData,
        }
    }
}

/// An aggregate across a relation path `P` from `M`, as a subquery (see the module docs).
#[derive(Debug)]
pub struct RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn = NoJoins> {
    link: Link,
    joins: Jn,
    correlated: bool,
    filter: Flt,
    default: D,
    distinct: bool,
    sample: bool,
    #[allow(clippy::type_complexity)]
    _types: PhantomData<fn() -> (F, ST, M, P, IP, Out, G)>,
}

impl<F, ST, M, P, IP, Link: Clone, Flt: Clone, D: Clone, Out, G, Jn: Clone> Clone
    for RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn>
{
    fn clone(&self) -> Self {
        RelationAggregate {
            link: self.link.clone(),
            joins: self.joins.clone(),
            correlated: self.correlated,
            filter: self.filter.clone(),
            default: self.default.clone(),
            distinct: self.distinct,
            sample: self.sample,
            _types: PhantomData,
        }
    }
}

impl<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn> Expression
    for RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn>
where
    Out: SqlType + diesel::expression::TypedExpressionType,
{
    type SqlType = Out;
}

/// How the first step's table meets the outer rows.
pub trait RenderLink<DB: Backend> {
    /// Appends a table after the path's joins (`, ... AS "G"`), if the link reads one.
    fn render_source(
        &self,
        _out: &mut AstPass<'_, '_, DB>,
        _base: &'static str,
        _pk: &'static str,
    ) -> QueryResult<()> {
        Ok(())
    }
    /// Appends ` = "base"."column"` or ` IN (...)`.
    fn render_link<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        base: &'static str,
        column: &'static str,
    ) -> QueryResult<()>;
}
impl<DB: Backend> RenderLink<DB> for Correlated {
    fn render_link<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        base: &'static str,
        column: &'static str,
    ) -> QueryResult<()> {
        out.push_sql(" = ");
        out.push_identifier(base)?;
        out.push_sql(".");
        out.push_identifier(column)
    }
}
impl<DB: Backend, Q: QueryFragment<DB>> RenderLink<DB> for KeysOf<Q> {
    fn render_link<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        _: &'static str,
        _: &'static str,
    ) -> QueryResult<()> {
        out.push_sql(" IN (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<DB: Dialect> RenderLink<DB> for GroupRows {
    fn render_source(
        &self,
        out: &mut AstPass<'_, '_, DB>,
        base: &'static str,
        pk: &'static str,
    ) -> QueryResult<()> {
        // An aggregate whose arguments read only the outer query's columns belongs to the
        // outer query, even inside a subquery: here, the keys of the group's rows.
        match DB::VENDOR {
            Vendor::Postgres => {
                out.push_sql(", unnest(ARRAY_AGG(");
                column(out, base, pk)?;
                out.push_sql(")) AS ");
                out.push_identifier("G")?;
                out.push_sql("(");
                out.push_identifier("value")?;
                out.push_sql(")");
            }
            Vendor::Sqlite => {
                out.push_sql(", json_each(json_group_array(");
                column(out, base, pk)?;
                out.push_sql(")) AS ");
                out.push_identifier("G")?;
            }
        }
        Ok(())
    }
    fn render_link<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        _: &'static str,
        _: &'static str,
    ) -> QueryResult<()> {
        out.push_sql(" = ");
        column(out, "G", "value")
    }
}

/// `"alias"."column"`.
pub(crate) fn column<DB: Backend>(
    out: &mut AstPass<'_, '_, DB>,
    alias: &str,
    column: &str,
) -> QueryResult<()> {
    out.push_identifier(alias)?;
    out.push_sql(".");
    out.push_identifier(column)
}

fn table<DB: Backend>(out: &mut AstPass<'_, '_, DB>, table: &str, alias: &str) -> QueryResult<()> {
    out.push_identifier(table)?;
    out.push_sql(" AS ");
    out.push_identifier(alias)
}

/// Appends `join` (` INNER JOIN `, ` LEFT OUTER JOIN `) of `step`'s table as `"Un"` (and its
/// join table as `"Jn"`), on the previous table `prev`.
pub(crate) fn join_step<DB: Backend>(
    out: &mut AstPass<'_, '_, DB>,
    step: &Step,
    n: usize,
    prev: &str,
    join: &str,
) -> QueryResult<()> {
    let here = numbered_alias('U', n);
    let (joined, key, prev_key, on_prev) = match *step {
        Step::Reverse { table, fk, prev: k } => (table, fk, k, prev.to_owned()),
        Step::Forward { table, pk, prev: k } => (table, pk, k, prev.to_owned()),
        Step::Many {
            join: through,
            source,
            target,
            table,
            pk,
            prev: k,
        } => {
            let link = numbered_alias('J', n);
            out.push_sql(join);
            self::table(out, through, &link)?;
            out.push_sql(" ON ");
            column(out, &link, source)?;
            out.push_sql(" = ");
            column(out, prev, k)?;
            (table, pk, target, link.into_owned())
        }
    };
    out.push_sql(join);
    self::table(out, joined, &here)?;
    out.push_sql(" ON ");
    column(out, &here, key)?;
    out.push_sql(" = ");
    column(out, &on_prev, prev_key)
}

/// Where the first step of a path meets the outer rows: its alias and column, and the outer
/// column.
struct Meeting {
    alias: std::borrow::Cow<'static, str>,
    column: &'static str,
    outer: &'static str,
}

/// Renders `FROM ... JOIN ...` for `steps` and returns where the path meets the outer rows:
/// at its first step, or, with a `base` table (read as `U0`), at the base's primary key.
fn render_from<DB: Backend>(
    out: &mut AstPass<'_, '_, DB>,
    steps: &[Step],
    base: Option<(&'static str, &'static str)>,
) -> QueryResult<Meeting> {
    let mut first = None;
    if let Some((t, pk)) = base {
        let alias = numbered_alias('U', 0);
        out.push_sql(" FROM ");
        table(out, t, &alias)?;
        first = Some(Meeting {
            alias,
            column: pk,
            outer: pk,
        });
    }
    for (i, step) in steps.iter().enumerate() {
        let n = i + 1;
        let (alias, prev_alias) = (numbered_alias('U', n), numbered_alias('U', i));
        if first.is_some() {
            join_step(out, step, n, &prev_alias, " INNER JOIN ")?;
            continue;
        }
        // The first step's table is the subquery's `FROM`; it meets the outer rows.
        out.push_sql(" FROM ");
        first = Some(match *step {
            Step::Reverse {
                table: t,
                fk: column,
                prev,
            }
            | Step::Forward {
                table: t,
                pk: column,
                prev,
            } => {
                table(out, t, &alias)?;
                Meeting {
                    alias: alias.clone(),
                    column,
                    outer: prev,
                }
            }
            Step::Many {
                join,
                source,
                target,
                table: t,
                pk,
                prev,
            } => {
                let join_alias = numbered_alias('J', n);
                table(out, join, &join_alias)?;
                out.push_sql(" INNER JOIN ");
                table(out, t, &alias)?;
                out.push_sql(" ON ");
                column(out, &alias, pk)?;
                out.push_sql(" = ");
                column(out, &join_alias, target)?;
                Meeting {
                    alias: join_alias,
                    column: source,
                    outer: prev,
                }
            }
        });
    }
    first.ok_or(diesel::result::Error::QueryBuilderError(
        "an aggregate across a relation needs at least one step".into(),
    ))
}

/// Renders the keys the related rows must be among (an aggregate's `filter`).
pub trait RenderKeys<DB: Backend> {
    /// Appends ` AND "Un"."pk" IN (...)`, or nothing.
    fn render_keys<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        alias: &str,
        pk: &'static str,
    ) -> QueryResult<()>;
}
impl<DB: Backend> RenderKeys<DB> for NoFilter {
    fn render_keys<'b>(
        &'b self,
        _: &mut AstPass<'_, 'b, DB>,
        _: &str,
        _: &'static str,
    ) -> QueryResult<()> {
        Ok(())
    }
}
impl<DB: Backend, Q: QueryFragment<DB>> RenderKeys<DB> for FilterBy<Q> {
    fn render_keys<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        alias: &str,
        pk: &'static str,
    ) -> QueryResult<()> {
        out.push_sql(" AND ");
        column(out, alias, pk)?;
        out.push_sql(" IN (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn, DB> QueryFragment<DB>
    for RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn>
where
    DB: Dialect,
    F: AggregateOf<ST>,
    M: Model,
    P: RelationPath<M, IP>,
    Link: RenderLink<DB>,
    Flt: RenderKeys<DB>,
    D: RenderDefault<DB>,
    Jn: RestrictList<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let (steps, aggregated) = P::plan();
        let last = numbered_alias('U', steps.len());
        out.push_sql("(SELECT ");
        render_call::<F, ST, DB, D>(
            &mut out,
            self.distinct,
            self.sample,
            &self.default,
            |out| {
                let (before, after) = P::around_column(DB::VENDOR);
                out.push_sql(&before);
                column(out, &last, aggregated)?;
                out.push_sql(&after);
                Ok(())
            },
            |_| Ok(()),
        )?;
        // Over all the QuerySet's rows, a path that starts at a foreign key reads the related
        // rows once per QuerySet row that reaches them, as Django's join does: from the
        // QuerySet's table itself (`U0`), whose keys are the QuerySet's.
        let base = (!self.correlated && matches!(steps.first(), Some(Step::Forward { .. })))
            .then_some((M::DB_TABLE, M::PK_COLUMN));
        let meeting = render_from(&mut out, &steps, base)?;
        self.link
            .render_source(&mut out, M::DB_TABLE, M::PK_COLUMN)?;
        out.push_sql(" WHERE ");
        column(&mut out, &meeting.alias, meeting.column)?;
        self.link
            .render_link(&mut out, M::DB_TABLE, meeting.outer)?;
        self.filter
            .render_keys(&mut out, &last, <P::Target as Model>::PK_COLUMN)?;
        if Jn::ANY {
            let hops = P::hops();
            let cx = Restricting {
                hops: &hops,
                depth: 0,
                table: M::DB_TABLE,
                pk: M::PK_COLUMN,
                nodes: &[],
            };
            let meeting = (!self.correlated).then_some((
                meeting.alias.as_ref(),
                meeting.column,
                meeting.outer,
            ));
            self.joins.restrict_last(&mut out, &cx, meeting)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn> QueryId
    for RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn>
{
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn, GB> ValidGrouping<GB>
    for RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn>
{
    type IsAggregate = G;
}
impl<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn, QS: ?Sized> AppearsOnTable<QS>
    for RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn>
where
    Self: Expression,
    Link: LinkAppears<M, QS>,
{
}
impl<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn, QS: ?Sized> SelectableExpression<QS>
    for RelationAggregate<F, ST, M, P, IP, Link, Flt, D, Out, G, Jn>
where
    Self: AppearsOnTable<QS>,
{
}

/// Where a subquery's link lets it appear: a correlated one only where the outer table is.
pub trait LinkAppears<M, QS: ?Sized> {}
impl<M: Model, QS: ?Sized> LinkAppears<M, QS> for Correlated where M::PkColumn: AppearsOnTable<QS> {}
impl<M, Q, QS: ?Sized> LinkAppears<M, QS> for KeysOf<Q> {}
impl<M: Model, QS: ?Sized> LinkAppears<M, QS> for GroupRows where M::PkColumn: AppearsOnTable<QS> {}
