//! Django's join reuse, where it changes answers: a `filter!` across a multi-valued relation
//! restricts a later aggregate over that relation ("Order of `annotate()` and `filter()`
//! clauses" in Django's docs).
//!
//! ```text
//! annotate!(filter!(Publisher::objects(), book__rating__gt = 3), n = Count(book))
//! ```
//!
//! counts each publisher's books rated above 3, as Django does, while an `annotate!` written
//! before the `filter!` counts all of them. dorm's lookups across multi-valued relations are
//! subqueries (no base row is repeated), so there is no join to reuse; instead a QuerySet
//! remembers its filters that follow a relation (a list of [`Joins`], most recent first), and
//! an aggregate over a relation path repeats, inside its subquery, the most recent such filter
//! that follows the path's first relation, with that relation's conditions applied to the row
//! being aggregated:
//!
//! ```sql
//! (SELECT COUNT("U1"."id") FROM "book" AS "U1" WHERE "U1"."publisher_id" = "publisher"."id"
//!  AND ("U1"."id" IN (SELECT "book"."id" FROM "book" WHERE "book"."rating" > $1)))
//! ```
//!
//! The whole filter is repeated, so `q!(book__price__lt = 40) | q!(name = "x")` counts the
//! cheap books, or all books of `x`, as Django's joined `WHERE` does; conditions deeper in the
//! path (`book__authors__age__gt = 30`) restrict the aggregate's later tables when its path
//! goes the same way (`Count(book__authors)`). As in Django, `exclude!` and negated conditions
//! restrict nothing (Django runs them as subqueries), and a filter on an annotated QuerySet
//! (`annotate!` first) restricts nothing.
//!
//! Which filters follow a relation is known from their types ([`Reuse::HasPath`]), so a
//! QuerySet filtered only on its own fields keeps its type and pays nothing.

use std::any::TypeId;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::result::QueryResult;

use super::alias::alias;
use super::outer::{open_outer_row, ToOuter};
use super::path::{ForeignKeyTo, JsonKind, NestedPath, PathLookup, PathStep};
use super::{ManyToManyVia, ReverseOf};
use crate::aggregates::relation::{column as push_column, Hop};
use crate::lookups::{And, Lookup, Not, Or, Predicate, Q};
use crate::model::Model;

/// Type-level yes: the filter follows a relation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Yes;
/// Type-level no: the filter reads only the QuerySet's own row.
#[derive(Debug, Clone, Copy, Default)]
pub struct No;

/// Either of two type-level answers.
pub trait Either<B> {
    /// `Yes` when either is.
    type Out;
}
impl Either<No> for No {
    type Out = No;
}
impl Either<Yes> for No {
    type Out = Yes;
}
impl<B> Either<B> for Yes {
    type Out = Yes;
}

/// Whether a condition on model `M` follows a relation whose join a later aggregate reuses.
pub trait Reuse<M> {
    /// [`Yes`] or [`No`].
    type HasPath;
}

impl<M, N, K, V> Reuse<M> for Lookup<N, K, V> {
    type HasPath = No;
}
impl<M, H, I> Reuse<M> for PathLookup<H, I> {
    type HasPath = Yes;
}
impl<M, A: Reuse<M>, B: Reuse<M>> Reuse<M> for And<A, B>
where
    A::HasPath: Either<B::HasPath>,
{
    type HasPath = <A::HasPath as Either<B::HasPath>>::Out;
}
impl<M, A: Reuse<M>, B: Reuse<M>> Reuse<M> for Or<A, B>
where
    A::HasPath: Either<B::HasPath>,
{
    type HasPath = <A::HasPath as Either<B::HasPath>>::Out;
}
impl<M, P: Reuse<M>> Reuse<M> for Q<P> {
    type HasPath = P::HasPath;
}
// Django runs a negated condition across a multi-valued relation as a subquery: no join.
impl<M, A> Reuse<M> for Not<A> {
    type HasPath = No;
}
macro_rules! reuses_nothing {
    ($($t:ty => [$($g:ident),*]),* $(,)?) => {$(
        impl<M, $($g),*> Reuse<M> for $t {
            type HasPath = No;
        }
    )*};
}
reuses_nothing!(
    super::NameIsNull<N> => [N],
    crate::expressions::Exists<Q2> => [Q2],
    super::keys_in::KeysOf<N, K> => [N, K],
    super::many_to_many::MemberOf<O, D, N, K> => [O, D, N, K],
    crate::lookups::DynQ<T> => [T],
);

/// No filter of the QuerySet follows a relation.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJoins;

/// A filter that follows a relation (`Built`, see [`Swap`]), then the earlier ones.
#[derive(Debug, Clone, Copy)]
pub struct Joins<Built, Rest> {
    built: Built,
    rest: Rest,
}

/// Adds a filter to a QuerySet's list when it follows a relation.
pub trait PushFilter<M, P, J> {
    /// The list after the filter.
    type Out;
    /// Adds it.
    fn push(filter: &P, joins: J) -> Self::Out;
}
impl<M, P, J> PushFilter<M, P, J> for No {
    type Out = J;
    #[inline(always)]
    fn push(_: &P, joins: J) -> J {
        joins
    }
}
impl<M, P: Swap<M> + Clone, J> PushFilter<M, P, J> for Yes {
    type Out = Joins<P::Built, J>;
    fn push(filter: &P, joins: J) -> Self::Out {
        Joins {
            built: filter.clone().swap(),
            rest: joins,
        }
    }
}

/// The list after filtering by `P`.
pub type Pushed<M, P, J> = <<P as Reuse<M>>::HasPath as PushFilter<M, P, J>>::Out;

/// A condition on model `T`, built twice where it follows a relation: as the QuerySet's filter
/// (a subquery), and as a condition on the row an aggregate's subquery reaches through that
/// relation (see the module docs).
pub trait Swap<T> {
    /// The built condition.
    type Built;
    /// Builds it.
    fn swap(self) -> Self::Built;
}

/// A condition that reads no relation an aggregate follows: its SQL as the filter has it.
#[derive(Debug, Clone, Copy)]
pub struct Normal<E>(E);

/// Two conditions joined by `AND` or `OR`.
#[derive(Debug, Clone, Copy)]
pub struct Both<A, B, Op> {
    a: A,
    b: B,
    _op: PhantomData<fn() -> Op>,
}

/// A condition past the relation `H`: the filter's subquery (`normal`), or, when the aggregate
/// follows `H` too, the rows of its table `table` matching `inner`.
#[derive(Debug, Clone, Copy)]
pub struct HopNode<H, E, I> {
    normal: E,
    inner: I,
    table: &'static str,
    pk: &'static str,
    reads_row: bool,
    top: bool,
    _hop: PhantomData<fn() -> H>,
}

macro_rules! normal {
    ($($t:ty => [$($g:ident),*]),* $(,)?) => {$(
        impl<T: Model, $($g),*> Swap<T> for $t
        where
            Self: Predicate<T>,
        {
            type Built = Normal<<Self as Predicate<T>>::Expr>;
            fn swap(self) -> Self::Built {
                Normal(self.build())
            }
        }
    )*};
}
normal!(
    Lookup<N, K, V> => [N, K, V],
    Not<A> => [A],
    super::NameIsNull<N> => [N],
    crate::expressions::Exists<Q2> => [Q2],
    super::keys_in::KeysOf<N, K> => [N, K],
    super::many_to_many::MemberOf<O, D, N, K> => [O, D, N, K],
    crate::lookups::DynQ<M2> => [M2],
);

macro_rules! both {
    ($($t:ident => $op:ty),*) => {$(
        impl<T, A: Swap<T>, B: Swap<T>> Swap<T> for $t<A, B> {
            type Built = Both<A::Built, B::Built, $op>;
            fn swap(self) -> Self::Built {
                Both {
                    a: self.0.swap(),
                    b: self.1.swap(),
                    _op: PhantomData,
                }
            }
        }
    )*};
}
both!(And => crate::lookups::AndOp, Or => crate::lookups::OrOp);
impl<T, P: Swap<T>> Swap<T> for Q<P> {
    type Built = P::Built;
    fn swap(self) -> Self::Built {
        self.0.swap()
    }
}

/// How a condition past a relation of kind `Self` is rebuilt for an aggregate's row: the
/// relations reach a table; a JSON key path does not.
pub trait SwapKind<T, H, I, E> {
    /// The built condition.
    type Built;
    /// Builds it from the filter's own SQL `normal` and the conditions past the relation.
    fn swap(normal: E, inner: I, reads_row: bool, top: bool) -> Self::Built;
}

macro_rules! reaches_no_table {
    ($($t:ty),*) => {$(
        impl<T, H, I, E> SwapKind<T, H, I, E> for $t {
            type Built = Normal<E>;
            fn swap(normal: E, _: I, _: bool, _: bool) -> Normal<E> {
                Normal(normal)
            }
        }
    )*};
}
// A path past a plain field does not compile (`PathKind`); this impl keeps that the only error.
reaches_no_table!(JsonKind, super::path::Plain);

macro_rules! swap_kind {
    ($($t:ty => [$($g:ident),*]),* $(,)?) => {$(
        impl<T, H, I, E, $($g),*> SwapKind<T, H, I, E> for $t
        where
            Self: Hop<T, H>,
            I: Swap<<Self as Hop<T, H>>::Target>,
        {
            type Built = HopNode<H, E, I::Built>;
            fn swap(normal: E, inner: I, reads_row: bool, top: bool) -> Self::Built {
                type Target<K, T, H> = <K as Hop<T, H>>::Target;
                HopNode {
                    normal,
                    inner: inner.swap(),
                    table: <Target<Self, T, H> as Model>::DB_TABLE,
                    pk: <Target<Self, T, H> as Model>::PK_COLUMN,
                    reads_row,
                    top,
                    _hop: PhantomData,
                }
            }
        }
    )*};
}
swap_kind!(
    ForeignKeyTo<T2> => [T2],
    ReverseOf<S, Fk, FkN> => [S, Fk, FkN],
    ManyToManyVia<O, D, N> => [O, D, N],
);

type KindOf<T, H> = <T as PathStep<H>>::Kind;

/// The QuerySet's own path: its values were not yet rewritten to read the QuerySet's row.
impl<T, H, I> Swap<T> for PathLookup<H, I>
where
    T: Model + PathStep<H>,
    Self: Predicate<T> + Clone,
    I: ToOuter<T>,
    KindOf<T, H>: SwapKind<T, H, I::Out, <Self as Predicate<T>>::Expr>,
{
    type Built = <KindOf<T, H> as SwapKind<T, H, I::Out, <Self as Predicate<T>>::Expr>>::Built;
    fn swap(self) -> Self::Built {
        let normal = self.clone().build();
        <KindOf<T, H>>::swap(normal, self.into_inner().to_outer(), I::READS_ROW, true)
    }
}

/// A path inside another: its values read the outermost row already.
impl<T, H, I> Swap<T> for NestedPath<H, I>
where
    T: Model + PathStep<H>,
    Self: Predicate<T> + Clone,
    KindOf<T, H>: SwapKind<T, H, I, <Self as Predicate<T>>::Expr>,
{
    type Built = <KindOf<T, H> as SwapKind<T, H, I, <Self as Predicate<T>>::Expr>>::Built;
    fn swap(self) -> Self::Built {
        let normal = self.clone().build();
        <KindOf<T, H>>::swap(normal, self.into_inner(), false, false)
    }
}

/// Where an aggregate's subquery stands while a filter is repeated in it.
#[derive(Debug, Clone, Copy)]
pub struct Restricting<'a> {
    /// The relations the aggregate follows, by name.
    pub hops: &'a [TypeId],
    /// How many of them lie before the condition being written.
    pub depth: usize,
    /// The QuerySet's table and primary key.
    pub table: &'static str,
    /// Its primary key column.
    pub pk: &'static str,
    /// The numbers of the hops' aliases (`U{n}`), when they are not `U1`, `U2`, ... in order
    /// (an aggregate whose joins branch, see [`crate::aggregates::joined`]); empty otherwise.
    pub nodes: &'a [usize],
}

impl Restricting<'_> {
    /// The alias of the row reached by the hop at `depth`.
    fn alias_at(&self, depth: usize) -> std::borrow::Cow<'static, str> {
        alias('U', self.nodes.get(depth).copied().unwrap_or(depth + 1))
    }
}

/// A filter rebuilt for an aggregate's row (see the module docs).
pub trait Restriction<DB: Backend> {
    /// Whether the filter follows the relation `hop` first.
    fn touches(&self, hop: TypeId) -> bool;
    /// Writes it.
    fn restrict<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        cx: &Restricting<'_>,
    ) -> QueryResult<()>;
}

impl<DB: Backend, E: QueryFragment<DB>> Restriction<DB> for Normal<E> {
    fn touches(&self, _: TypeId) -> bool {
        false
    }
    fn restrict<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        _: &Restricting<'_>,
    ) -> QueryResult<()> {
        self.0.walk_ast(out.reborrow())
    }
}

impl<DB, A, B, Op> Restriction<DB> for Both<A, B, Op>
where
    DB: Backend,
    A: Restriction<DB>,
    B: Restriction<DB>,
    Op: crate::lookups::BoolOperator,
{
    fn touches(&self, hop: TypeId) -> bool {
        self.a.touches(hop) || self.b.touches(hop)
    }
    fn restrict<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        cx: &Restricting<'_>,
    ) -> QueryResult<()> {
        out.push_sql("(");
        self.a.restrict(out, cx)?;
        out.push_sql(")");
        out.push_sql(Op::SQL);
        out.push_sql("(");
        self.b.restrict(out, cx)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<DB, H: 'static, E, I> Restriction<DB> for HopNode<H, E, I>
where
    DB: Backend,
    E: QueryFragment<DB>,
    I: Restriction<DB>,
{
    fn touches(&self, hop: TypeId) -> bool {
        TypeId::of::<H>() == hop
    }
    fn restrict<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        cx: &Restricting<'_>,
    ) -> QueryResult<()> {
        if cx.hops.get(cx.depth) != Some(&TypeId::of::<H>()) {
            return self.normal.walk_ast(out.reborrow());
        }
        let wrap = self.top && self.reads_row;
        if wrap {
            // The values read the QuerySet's row through the alias, as in the filter itself.
            open_outer_row(out, cx.table, cx.pk)?;
        }
        push_column(out, &cx.alias_at(cx.depth), self.pk)?;
        out.push_sql(" IN (SELECT ");
        push_column(out, self.table, self.pk)?;
        out.push_sql(" FROM ");
        out.push_identifier(self.table)?;
        out.push_sql(" WHERE ");
        let deeper = Restricting {
            depth: cx.depth + 1,
            ..*cx
        };
        self.inner.restrict(out, &deeper)?;
        out.push_sql(")");
        if wrap {
            out.push_sql(")");
        }
        Ok(())
    }
}

/// The filters a QuerySet remembers: [`NoJoins`] or [`Joins`].
pub trait FilterList: Clone {
    /// The end of an annotation list that starts from this QuerySet.
    type Root: crate::expressions::AnnotationList + ListJoins;
    /// It.
    fn root(self) -> Self::Root;
}
impl FilterList for NoJoins {
    type Root = crate::expressions::NoAnnotations;
    fn root(self) -> Self::Root {
        crate::expressions::NoAnnotations
    }
}
impl<B: Clone, R: Clone> FilterList for Joins<B, R> {
    type Root = Reusing<Self>;
    fn root(self) -> Self::Root {
        Reusing(self)
    }
}

/// The end of the annotation list of a QuerySet filtered across relations: the filters, for
/// the aggregates across relations that follow.
#[derive(Debug, Clone, Copy)]
pub struct Reusing<J>(J);

impl<J: Clone> crate::expressions::AnnotationList for Reusing<J> {}
impl<N, E: Clone, K, J: Clone> crate::expressions::Append<N, E, K> for Reusing<J> {
    type Out = crate::expressions::Annotation<N, E, K, Reusing<J>>;
    fn append(self, expr: E) -> Self::Out {
        crate::expressions::Annotation::new(expr, self)
    }
}
// The groups' aggregates across relations repeat the filters too.
impl<J: Clone> crate::expressions::AsGroupKeys for Reusing<J> {
    type Out = Self;
    fn into_group_keys(self, _: &[String]) -> Self {
        self
    }
}

/// The filters an annotation list's QuerySet remembers.
pub trait ListJoins {
    /// [`NoJoins`] or [`Joins`].
    type Joins: Clone;
    /// Them.
    fn joins(&self) -> &Self::Joins;
}
impl ListJoins for crate::expressions::NoAnnotations {
    type Joins = NoJoins;
    fn joins(&self) -> &NoJoins {
        &NoJoins
    }
}
impl<J: Clone> ListJoins for Reusing<J> {
    type Joins = J;
    fn joins(&self) -> &J {
        &self.0
    }
}
/// A group's names: the filters are remembered at the end of the names grouped by.
impl<A: ListJoins, B> ListJoins for crate::expressions::Chain<A, B> {
    type Joins = A::Joins;
    fn joins(&self) -> &A::Joins {
        self.before.joins()
    }
}
impl<N, E, K, Rest: ListJoins> ListJoins for crate::expressions::Annotation<N, E, K, Rest> {
    type Joins = Rest::Joins;
    fn joins(&self) -> &Rest::Joins {
        self.rest.joins()
    }
}

/// Writes the most recent filter that follows an aggregate's first relation, if any.
pub trait RestrictList<DB: Backend> {
    /// Whether the list holds a filter (so the aggregate needs its path's names).
    const ANY: bool;
    /// Appends ` AND (...)`, or, when `meeting` is given (the aggregate reads the rows of every
    /// QuerySet row at once, so the QuerySet's row is not in scope), ` AND EXISTS (SELECT 1
    /// FROM m WHERE m.column = meeting AND (...))`.
    fn restrict_last<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        cx: &Restricting<'_>,
        meeting: Option<(&str, &'static str, &'static str)>,
    ) -> QueryResult<()>;
}
impl<DB: Backend> RestrictList<DB> for NoJoins {
    const ANY: bool = false;
    fn restrict_last<'b>(
        &'b self,
        _: &mut AstPass<'_, 'b, DB>,
        _: &Restricting<'_>,
        _: Option<(&str, &'static str, &'static str)>,
    ) -> QueryResult<()> {
        Ok(())
    }
}
impl<DB: Backend, B: Restriction<DB>, R: RestrictList<DB>> RestrictList<DB> for Joins<B, R> {
    const ANY: bool = true;
    fn restrict_last<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        cx: &Restricting<'_>,
        meeting: Option<(&str, &'static str, &'static str)>,
    ) -> QueryResult<()> {
        let Some(&first) = cx.hops.first() else {
            return Ok(());
        };
        if !self.built.touches(first) {
            return self.rest.restrict_last(out, cx, meeting);
        }
        out.push_sql(" AND ");
        if let Some((alias, column, outer)) = meeting {
            out.push_sql("EXISTS (SELECT 1 FROM ");
            out.push_identifier(cx.table)?;
            out.push_sql(" WHERE ");
            push_column(out, cx.table, outer)?;
            out.push_sql(" = ");
            push_column(out, alias, column)?;
            out.push_sql(" AND ");
        }
        out.push_sql("(");
        self.built.restrict(out, cx)?;
        out.push_sql(")");
        if meeting.is_some() {
            out.push_sql(")");
        }
        Ok(())
    }
}
