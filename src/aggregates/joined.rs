//! Aggregates over expressions that read related rows: `Sum(F(id) + F(novel__pages))`,
//! `Min(ExtractYear(novel__published))`, `Sum(Case(When(novel__pages = 310, then =
//! F(novel__pages))))`, `Count(Coalesce(novel__pages, 0))`.
//!
//! Django joins the related tables to the QuerySet's and aggregates the expression over the
//! joined rows: one per related row, and one with `NULL`s for a row without any (a `LEFT OUTER
//! JOIN`). dorm computes each such aggregate in a subquery of its own, over the QuerySet's
//! table read as `"U0"` and the relations the expression names joined to it:
//!
//! ```sql
//! (SELECT SUM("U0"."id" + "U1"."pages") FROM "writer" AS "U0"
//!  LEFT JOIN "novel" AS "U1" ON "U1"."writer_id" = "U0"."id"
//!  WHERE "U0"."id" = "writer"."id")
//! ```
//!
//! Inside the expression a model's own field reads `"U0"`, a path across relations reads the
//! joined row it reaches (two paths through the same relation read the same row, as Django's
//! reused join: `When(novel__pages = 310, then = F(novel__pages))` tests and sums the same
//! novel), and a `When`'s or a `filter = q!(...)`'s lookup across a relation is a condition on
//! that joined row. The subquery meets the outer query as aggregates across a bare relation path
//! do ([`super::relation`]): the row itself in `annotate!`, the group's rows after `values!`,
//! every row of the QuerySet in `aggregate!`, and an earlier `filter!` across the relation
//! restricts the joined rows as Django's reused join does.
//!
//! The macros send an aggregate here when its argument is an expression (not a bare name) that
//! reads a multi-valued relation ([`Composite`], [`ManyKind`]); an expression over the row's
//! own fields and foreign keys stays an aggregate over the rows themselves. Names inside are the
//! model's fields and relation paths; annotations are not visible there.
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::ForeignKey;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Shelf {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 20)]
//!     pub name: String,
//! }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Volume {
//!     pub id: Auto<i64>,
//!     #[dorm(on_delete = cascade)]
//!     pub shelf: ForeignKey<Shelf>,
//!     pub pages: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Shelf::META, Volume::META], &mut conn)?;
//! let a = Shelf::objects().create(Shelf { name: "a".into(), ..Default::default() }, &mut conn)?;
//! Shelf::objects().create(Shelf { name: "b".into(), ..Default::default() }, &mut conn)?;
//! for pages in [100, 250] {
//!     Volume::objects().create(Volume { shelf: ForeignKey::to(&a).unwrap(), pages, ..Default::default() }, &mut conn)?;
//! }
//!
//! // Shelf.objects.annotate(thick=Sum(Case(When(volume__pages__gt=200, then=F("volume__pages")), default=0)))
//! let thick = annotate!(
//!     Shelf::objects(),
//!     thick = Sum(Case(When(volume__pages__gt = 200, then = F(volume__pages)), default = 0)),
//!     n = Count(Coalesce(volume__pages, 0)),
//! );
//! let rows: Vec<(String, Option<i64>, i64)> = order_by!(thick, name)
//!     .fetch(&mut conn)?
//!     .into_iter()
//!     .map(|(shelf, thick, n)| (shelf.name, thick, n))
//!     .collect();
//! // Shelf "b" has no volume: one joined row of NULLs, as Django's LEFT OUTER JOIN.
//! assert_eq!(rows, [("a".into(), Some(250), 2), ("b".into(), Some(0), 1)]);
//! # Ok(()) }
//! ```

use std::any::TypeId;
use std::borrow::Cow;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{SingleValue, SqlType};

use super::relation::{column, join_step, Hop, LinkAppears, RelationScope, RenderLink, Step};
use super::{
    render_call, Aggregate, AggregateDefault, AggregateFilter, AggregateOf, ArgumentOf,
    RenderDefault, RenderFilter,
};
use crate::expressions::{
    Condition, Dialect, InModel, ManyKind, NoAnnotations, Ref, Resolve, RowKind, Scope, ScopeName,
};
use crate::lookups::{IsNullExpr, NullableField};
use crate::model::{Field, Model};
use crate::relations::alias::alias;
use crate::relations::reuse::{RestrictList, Restricting};
use crate::relations::{
    Across, ForeignKeyTo, ManyToManyVia, NameIsNull, PathLookup, PathStep, ReverseOf,
};

/// An aggregate's argument written as an expression rather than a bare name (`Sum(F(id) +
/// F(novel__pages))`, not `Sum(novel__pages)`): what the macros wrap such an argument in, so
/// that an expression across a multi-valued relation is aggregated over joined rows (see the
/// [module docs](self)) while a bare path keeps its own subquery ([`super::relation`]). It
/// resolves as the expression it holds everywhere else.
#[derive(Debug, Clone, Copy, Default)]
pub struct Composite<A>(pub A);

impl<Sc: Scope, A: Resolve<Sc, I>, I> Resolve<Sc, I> for Composite<A> {
    type SqlType = A::SqlType;
    type Expr = A::Expr;
    type Kind = A::Kind;
    #[inline(always)]
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        self.0.resolve(cx)
    }
}

/// The tables an aggregate's subquery joins: the QuerySet's table (node 0, `"U0"`) and one node
/// per relation followed from a node, shared by every path that follows it.
#[derive(Debug, Clone, Default)]
pub struct JoinPlan {
    nodes: Vec<PlanNode>,
}

#[derive(Debug, Clone)]
struct PlanNode {
    parent: usize,
    hop: TypeId,
    step: Step,
}

impl JoinPlan {
    /// The node reached from `parent` by the relation `hop` (added when new).
    fn reach(&mut self, parent: usize, hop: TypeId, step: Step) -> usize {
        match self
            .nodes
            .iter()
            .position(|n| n.parent == parent && n.hop == hop)
        {
            Some(i) => i + 1,
            None => {
                self.nodes.push(PlanNode { parent, hop, step });
                self.nodes.len()
            }
        }
    }

    /// The chains of nodes from the base to each node no other node follows.
    fn chains(&self) -> Vec<Vec<usize>> {
        let leaves = (1..=self.nodes.len()).filter(|&n| !self.nodes.iter().any(|c| c.parent == n));
        leaves
            .map(|leaf| {
                let mut chain = vec![leaf];
                let mut at = leaf;
                while self.nodes[at - 1].parent != 0 {
                    at = self.nodes[at - 1].parent;
                    chain.push(at);
                }
                chain.reverse();
                chain
            })
            .collect()
    }

    fn render<DB: Backend>(&self, out: &mut AstPass<'_, '_, DB>) -> QueryResult<()> {
        for (i, node) in self.nodes.iter().enumerate() {
            join_step(
                out,
                &node.step,
                i + 1,
                &alias('U', node.parent),
                " LEFT OUTER JOIN ",
            )?;
        }
        Ok(())
    }
}

/// What resolving an expression over the joined rows reads: the plan being built, and the node
/// whose model the names are fields of.
#[derive(Debug, Clone)]
pub struct JoinedCx {
    plan: Rc<RefCell<JoinPlan>>,
    node: usize,
}

impl JoinedCx {
    fn at(&self, node: usize) -> Self {
        JoinedCx {
            plan: self.plan.clone(),
            node,
        }
    }
}

/// The scope of an expression inside an aggregate over joined rows: the rows of `M` at one node
/// of the [`JoinPlan`] (the QuerySet's own at first).
#[derive(Debug, Clone, Copy, Default)]
pub struct Joined<M>(PhantomData<fn() -> M>);

impl<M: Model> Scope for Joined<M> {
    type Model = M;
    type Anns = NoAnnotations;
    type Cx = JoinedCx;
    fn annotations(_: &JoinedCx) -> &NoAnnotations {
        &NoAnnotations
    }
}

impl<M, N> ScopeName<N, InModel> for Joined<M>
where
    M: Model + Field<N>,
    <<M as Field<N>>::Column as Expression>::SqlType:
        SqlType + SingleValue + diesel::expression::TypedExpressionType,
{
    type SqlType = <<M as Field<N>>::Column as Expression>::SqlType;
    type Expr = AliasedColumn<<M as Field<N>>::Column>;
    type Kind = RowKind;
    type Relation = <M as Field<N>>::Kind;
    fn expr(cx: &JoinedCx) -> Self::Expr {
        AliasedColumn {
            alias: alias('U', cx.node),
            _column: PhantomData,
        }
    }
}

/// `"Un"."column"`: a column of a table the subquery joins.
#[derive(Debug)]
pub struct AliasedColumn<C> {
    alias: Cow<'static, str>,
    _column: PhantomData<fn() -> C>,
}
impl<C> Clone for AliasedColumn<C> {
    fn clone(&self) -> Self {
        AliasedColumn {
            alias: self.alias.clone(),
            _column: PhantomData,
        }
    }
}
impl<C: Expression> Expression for AliasedColumn<C> {
    type SqlType = C::SqlType;
}
impl<C: diesel::Column, DB: Backend> QueryFragment<DB> for AliasedColumn<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        column(&mut out, &self.alias, C::NAME)
    }
}
impl<C> QueryId for AliasedColumn<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<C, G> ValidGrouping<G> for AliasedColumn<C> {
    type IsAggregate = diesel::expression::is_aggregate::No;
}
impl<C: Expression, QS: ?Sized> AppearsOnTable<QS> for AliasedColumn<C> {}
impl<C: Expression, QS: ?Sized> SelectableExpression<QS> for AliasedColumn<C> {}

/// The kind of a value read through a relation of kind `Self` from a value of kind `K`: a
/// foreign key keeps it (one row), a multi-valued relation makes it [`ManyKind`].
pub trait Through<K> {
    /// The kind.
    type Out;
}
impl<T, K> Through<K> for ForeignKeyTo<T> {
    type Out = K;
}
impl<S, Fk, FkN, K> Through<K> for ReverseOf<S, Fk, FkN> {
    type Out = ManyKind;
}
impl<O, D, N, K> Through<K> for ManyToManyVia<O, D, N> {
    type Out = ManyKind;
}

type KindOf<M, H> = <M as PathStep<H>>::Kind;
type TargetOf<M, H> = <KindOf<M, H> as Hop<M, H>>::Target;

fn follow<M: PathStep<H>, H: 'static>(cx: &JoinedCx) -> JoinedCx
where
    KindOf<M, H>: Hop<M, H>,
{
    let step = <KindOf<M, H> as Hop<M, H>>::step();
    let node = cx.plan.borrow_mut().reach(cx.node, TypeId::of::<H>(), step);
    cx.at(node)
}

/// Index of a path across a relation inside an aggregate over joined rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinedAcross<I>(PhantomData<fn() -> I>);

impl<M, H: 'static, R, I> Resolve<Joined<M>, JoinedAcross<I>> for Ref<Across<H, R>>
where
    M: Model + PathStep<H>,
    KindOf<M, H>: Hop<M, H> + Through<<Ref<R> as Resolve<Joined<TargetOf<M, H>>, I>>::Kind>,
    Ref<R>: Resolve<Joined<TargetOf<M, H>>, I>,
{
    type SqlType = <Ref<R> as Resolve<Joined<TargetOf<M, H>>, I>>::SqlType;
    type Expr = <Ref<R> as Resolve<Joined<TargetOf<M, H>>, I>>::Expr;
    type Kind =
        <KindOf<M, H> as Through<<Ref<R> as Resolve<Joined<TargetOf<M, H>>, I>>::Kind>>::Out;
    fn resolve(self, cx: &JoinedCx) -> Self::Expr {
        Ref::<R>::new().resolve(&follow::<M, H>(cx))
    }
}

/// Index of a lookup across a relation inside an aggregate over joined rows: a condition on
/// the joined row.
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinedLookup<I>(PhantomData<fn() -> I>);

impl<M, H: 'static, C, I> Condition<Joined<M>, JoinedLookup<I>> for PathLookup<H, C>
where
    M: Model + PathStep<H>,
    KindOf<M, H>: Hop<M, H> + Through<<C as Condition<Joined<TargetOf<M, H>>, I>>::Kind>,
    C: Condition<Joined<TargetOf<M, H>>, I>,
{
    type Expr = C::Expr;
    type Kind = <KindOf<M, H> as Through<<C as Condition<Joined<TargetOf<M, H>>, I>>::Kind>>::Out;
    fn condition(self, cx: &JoinedCx) -> Self::Expr {
        self.into_inner().condition(&follow::<M, H>(cx))
    }
}

/// Index of `field__isnull` inside an aggregate over joined rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinedIsNull<I>(PhantomData<fn() -> I>);

impl<M, N, I> Condition<Joined<M>, JoinedIsNull<I>> for NameIsNull<N>
where
    M: Model,
    Ref<N>: Resolve<Joined<M>, I>,
    <Ref<N> as Resolve<Joined<M>, I>>::SqlType: NullableField<N>,
    IsNullExpr<<Ref<N> as Resolve<Joined<M>, I>>::Expr>: Expression + Clone,
{
    type Expr = IsNullExpr<<Ref<N> as Resolve<Joined<M>, I>>::Expr>;
    type Kind = <Ref<N> as Resolve<Joined<M>, I>>::Kind;
    fn condition(self, cx: &JoinedCx) -> Self::Expr {
        IsNullExpr::new(Ref::<N>::new().resolve(cx), self.is_null())
    }
}

/// Kinds of an expression that reads a multi-valued relation: what sends an aggregate over
/// joined rows.
pub trait SpansMany {}
impl SpansMany for ManyKind {}

/// Index: an aggregate's argument read over joined rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinedArgument<I>(PhantomData<fn() -> I>);

impl<Sc, A, I> ArgumentOf<Sc, JoinedArgument<I>> for Composite<A>
where
    Sc: RelationScope,
    A: Resolve<Joined<Sc::Model>, I>,
    A::Kind: SpansMany,
{
    type SqlType = A::SqlType;
    type Kind = RowKind;
}

/// Index of an aggregate over joined rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinedIndex<IA, IF, ID>(PhantomData<crate::relations::Marker3<IA, IF, ID>>);

impl<Sc, F, A, Flt, D, IA, IF, ID> Resolve<Sc, JoinedIndex<IA, IF, ID>>
    for Aggregate<F, Composite<A>, Flt, D>
where
    Sc: RelationScope,
    A: Resolve<Joined<Sc::Model>, IA>,
    A::Kind: SpansMany,
    F: AggregateOf<A::SqlType>,
    Flt: AggregateFilter<Joined<Sc::Model>, IF>,
    D: AggregateDefault<Sc, F::Out, ID>,
{
    type SqlType = D::SqlType;
    type Expr = JoinedAggregate<
        F,
        A::SqlType,
        Sc::Model,
        A::Expr,
        Flt::Expr,
        D::Expr,
        D::SqlType,
        Sc::Link,
        Sc::IsAggregate,
        Sc::Joins,
    >;
    type Kind = Sc::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        let joined = JoinedCx {
            plan: Rc::default(),
            node: 0,
        };
        let arg = self.arg.0.resolve(&joined);
        let filter = self.filter.condition(&joined);
        let plan = joined.plan.borrow().clone();
        JoinedAggregate {
            arg,
            filter,
            default: self.default.default_expr(cx),
            link: Sc::link(cx),
            joins: Sc::joins(cx),
            correlated: Sc::CORRELATED,
            plan,
            distinct: self.distinct,
            sample: self.sample,
            _types: PhantomData,
        }
    }
}

/// An aggregate of the expression `E` over the rows of `M` joined to related rows, as a
/// subquery (see the [module docs](self)).
#[derive(Debug)]
pub struct JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn> {
    arg: E,
    filter: Flt,
    default: D,
    link: Link,
    joins: Jn,
    correlated: bool,
    plan: JoinPlan,
    distinct: bool,
    sample: bool,
    #[allow(clippy::type_complexity)]
    _types: PhantomData<fn() -> (F, ST, M, Out, G)>,
}

impl<F, ST, M, E: Clone, Flt: Clone, D: Clone, Out, Link: Clone, G, Jn: Clone> Clone
    for JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn>
{
    fn clone(&self) -> Self {
        JoinedAggregate {
            arg: self.arg.clone(),
            filter: self.filter.clone(),
            default: self.default.clone(),
            link: self.link.clone(),
            joins: self.joins.clone(),
            correlated: self.correlated,
            plan: self.plan.clone(),
            distinct: self.distinct,
            sample: self.sample,
            _types: PhantomData,
        }
    }
}

impl<F, ST, M, E, Flt, D, Out, Link, G, Jn> Expression
    for JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn>
where
    Out: SqlType + diesel::expression::TypedExpressionType,
{
    type SqlType = Out;
}

impl<F, ST, M, E, Flt, D, Out, Link, G, Jn, DB> QueryFragment<DB>
    for JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn>
where
    DB: Dialect,
    F: AggregateOf<ST>,
    M: Model,
    E: QueryFragment<DB>,
    Flt: RenderFilter<DB>,
    D: RenderDefault<DB>,
    Link: RenderLink<DB>,
    Jn: RestrictList<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let base = alias('U', 0);
        out.push_sql("(SELECT ");
        render_call::<F, ST, DB, D>(
            &mut out,
            self.distinct,
            self.sample,
            &self.default,
            |out| self.arg.walk_ast(out.reborrow()),
            |out| self.filter.render_filter(out),
        )?;
        out.push_sql(" FROM ");
        out.push_identifier(M::DB_TABLE)?;
        out.push_sql(" AS ");
        out.push_identifier(&base)?;
        self.plan.render(&mut out)?;
        self.link
            .render_source(&mut out, M::DB_TABLE, M::PK_COLUMN)?;
        out.push_sql(" WHERE ");
        column(&mut out, &base, M::PK_COLUMN)?;
        self.link.render_link(&mut out, M::DB_TABLE, M::PK_COLUMN)?;
        if Jn::ANY {
            // Each chain of joined relations is restricted by the QuerySet's most recent filter
            // that follows its first relation, as Django's reused join.
            for chain in self.plan.chains() {
                let hops: Vec<TypeId> = chain.iter().map(|&n| self.plan.nodes[n - 1].hop).collect();
                let cx = Restricting {
                    hops: &hops,
                    depth: 0,
                    table: M::DB_TABLE,
                    pk: M::PK_COLUMN,
                    nodes: &chain,
                };
                let meeting =
                    (!self.correlated).then_some((base.as_ref(), M::PK_COLUMN, M::PK_COLUMN));
                self.joins.restrict_last(&mut out, &cx, meeting)?;
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<F, ST, M, E, Flt, D, Out, Link, G, Jn> QueryId
    for JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn>
{
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, ST, M, E, Flt, D, Out, Link, G, Jn, GB> ValidGrouping<GB>
    for JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn>
{
    type IsAggregate = G;
}
impl<F, ST, M, E, Flt, D, Out, Link, G, Jn, QS: ?Sized> AppearsOnTable<QS>
    for JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn>
where
    Self: Expression,
    Link: LinkAppears<M, QS>,
{
}
impl<F, ST, M, E, Flt, D, Out, Link, G, Jn, QS: ?Sized> SelectableExpression<QS>
    for JoinedAggregate<F, ST, M, E, Flt, D, Out, Link, G, Jn>
where
    Self: AppearsOnTable<QS>,
{
}
