//! What a name means inside an expression: a field of the model, or an annotation added
//! earlier (Django resolves both through `Query.resolve_ref`).
//!
//! Expressions in `annotate!`, `aggregate!`, `filter!` after an annotation, `order_by!` and
//! `values!` are resolved in a [`Scope`]: the model, plus the annotations added so far (an
//! [`AnnotationList`]). A bare name in an expression becomes [`Ref<N>`]; [`Resolve`] turns it
//! into the field's column or into the annotation's expression. Which of the two applies is
//! picked by the compiler through the index parameter `I` (a field and an annotation can never
//! share a name: `annotate!` rejects that), so a name that is neither fails to compile.
//!
//! Each resolved expression also carries its [`Kind`](Resolve::Kind): a constant
//! ([`ConstKind`]), a value per row ([`RowKind`]) or an aggregate ([`AggregateKind`]). The kind
//! is how "aggregate mixed with ungrouped columns" becomes a compile error.

use std::marker::PhantomData;

use crate::names::{AddsNames, Names, NamesOfList};

use diesel::sql_types::{SingleValue, SqlType};

use crate::model::{Field, Model};
use crate::relations::{Here, There};

/// The context an expression is resolved in.
pub trait Scope {
    /// The model whose rows the expression reads.
    type Model: Model;
    /// The annotations added so far.
    type Anns: AnnotationList;
    /// What building an expression may read (the annotations, and for `aggregate!` the
    /// QuerySet being aggregated).
    type Cx;
    /// The annotations in `cx`.
    fn annotations(cx: &Self::Cx) -> &Self::Anns;
}

/// The scope an aggregate's argument and `filter` read in the scope `Self`: the same, except
/// in a group, whose keys are values of each row there ([`InGroup`]).
pub trait Within: Scope {
    /// That scope.
    type Rows: Scope<Model = Self::Model, Cx = Self::Cx>;
}
impl<M: Model, L: AnnotationList> Within for Rows<M, L> {
    type Rows = Self;
}
impl<M: Model, L: AnnotationList> Within for Groups<M, L> {
    type Rows = InGroup<M, L>;
}
impl<M: Model, L: AnnotationList> Within for InGroup<M, L> {
    type Rows = Self;
}
impl<M: Model, W, L: AnnotationList> Within for Totals<M, W, L> {
    type Rows = Self;
}
impl<M: Model, W, A: AnnotationList> Within for OverGroups<M, W, A> {
    type Rows = Self;
}

/// A group's annotation read over the groups: the column of the grouped rows it was selected
/// as (`"book"."n"`, the grouped query being read as the model's table).
macro_rules! reads_as_group_column {
    ($($kind:ty),*) => {$(
        impl<M: Model, W, A, N: crate::names::NameChars, E: diesel::Expression> KindIn<OverGroups<M, W, A>, N, E> for $kind
        where
            E::SqlType: diesel::expression::TypedExpressionType,
        {
            type Kind = RowKind;
            type Expr = GroupColumn<M, E::SqlType>;
            fn read(_: &E) -> Self::Expr {
                GroupColumn::new(N::text())
            }
        }
    )*};
}
reads_as_group_column!(ConstKind, AggregateKind);

/// `"table"."name"`: a grouped query's column, read from it as the model's table.
#[derive(Debug)]
pub struct GroupColumn<M, ST> {
    name: String,
    _types: PhantomData<fn() -> (M, ST)>,
}
impl<M, ST> Clone for GroupColumn<M, ST> {
    fn clone(&self) -> Self {
        GroupColumn::new(self.name.clone())
    }
}
impl<M, ST> GroupColumn<M, ST> {
    fn new(name: String) -> Self {
        GroupColumn {
            name,
            _types: PhantomData,
        }
    }
}
impl<M, ST: diesel::expression::TypedExpressionType> diesel::Expression for GroupColumn<M, ST> {
    type SqlType = ST;
}
impl<M: Model, ST, DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB>
    for GroupColumn<M, ST>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        out.push_identifier(M::DB_TABLE)?;
        out.push_sql(".");
        out.push_identifier(&self.name)
    }
}
impl<M, ST> diesel::query_builder::QueryId for GroupColumn<M, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<M, ST, G> diesel::expression::ValidGrouping<G> for GroupColumn<M, ST> {
    type IsAggregate = diesel::expression::is_aggregate::No;
}
impl<M, ST, QS: ?Sized> diesel::AppearsOnTable<QS> for GroupColumn<M, ST> where
    Self: diesel::Expression
{
}
impl<M, ST, QS: ?Sized> diesel::SelectableExpression<QS> for GroupColumn<M, ST> where
    Self: diesel::Expression
{
}

/// Rows of `M` with the annotations `L` (`annotate!` on a QuerySet).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rows<M, L>(PhantomData<fn() -> (M, L)>);

/// Groups of rows of `M` (`annotate!` after `values!`): aggregates over the model's own
/// fields are allowed, and must be the only thing besides the grouped fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct Groups<M, L>(PhantomData<fn() -> (M, L)>);

/// The rows of one group, inside one of the group's aggregates (`Sum(g)`, `Count(id, filter =
/// q!(g__gt = 1))` after `values!(qs, g = ...)`): there a grouped expression is a value of
/// each row, as a field is.
#[derive(Debug, Clone, Copy, Default)]
pub struct InGroup<M, L>(PhantomData<fn() -> (M, L)>);

/// The groups of a grouped QuerySet of `M`, read by `aggregate!` from the grouped query `W`
/// (Django's `values(...).annotate(n=...).aggregate(Max("n"))`): the names are the group's
/// annotations `A`, each a column of the grouped rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct OverGroups<M, W, A>(PhantomData<crate::relations::Marker3<M, W, A>>);

/// Every row of the QuerySet `W` of `M` with the annotations `L` (`aggregate!`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals<M, W, L>(PhantomData<crate::relations::Marker3<M, W, L>>);

impl<M: Model, L: AnnotationList> Scope for Rows<M, L> {
    type Model = M;
    type Anns = L;
    type Cx = L;
    fn annotations(cx: &L) -> &L {
        cx
    }
}

impl<M: Model, L: AnnotationList> Scope for Groups<M, L> {
    type Model = M;
    type Anns = L;
    type Cx = L;
    fn annotations(cx: &L) -> &L {
        cx
    }
}

impl<M: Model, L: AnnotationList> Scope for InGroup<M, L> {
    type Model = M;
    type Anns = L;
    type Cx = L;
    fn annotations(cx: &L) -> &L {
        cx
    }
}

impl<M: Model, W, A: AnnotationList> Scope for OverGroups<M, W, A> {
    type Model = M;
    type Anns = A;
    type Cx = (W, A);
    fn annotations(cx: &(W, A)) -> &A {
        &cx.1
    }
}

impl<M: Model, W, L: AnnotationList> Scope for Totals<M, W, L> {
    type Model = M;
    type Anns = L;
    type Cx = (W, L);
    fn annotations(cx: &(W, L)) -> &L {
        &cx.1
    }
}

/// A constant: a literal or `Value(...)`. Fits anywhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConstKind;
/// A value per row: a column, a function of columns, a subquery.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowKind;
/// An aggregate over several rows (`COUNT(...)`, `SUM(...)`).
#[derive(Debug, Clone, Copy, Default)]
pub struct AggregateKind;

/// A value per row of the rows an aggregate's subquery joins (one per related row): what an
/// expression reads across a multi-valued relation inside an aggregate (`Sum(F(id) +
/// F(novel__pages))`, see [`crate::aggregates::joined`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ManyKind;

/// A value of each row computed from its related rows by a subquery: a lookup across a
/// multi-valued relation on the model's rows (`When(novel__pages__gt = 300, ...)` in
/// `annotate!`, an `EXISTS`, so no row is repeated). It is a value of the row everywhere, except
/// as an aggregate's argument: there Django reads the joined related rows, and so does dorm
/// ([`crate::aggregates::joined`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct RelatedKind;

/// The kind of an expression built from parts of kinds `Self` and `K`.
#[diagnostic::on_unimplemented(
    message = "Expression mixes an aggregate with ungrouped columns",
    label = "an aggregate and a per-row value in one expression",
    note = "Django: FieldError: Expression contains mixed types / aggregate mixed with ungrouped columns. Group with `values!(qs, ...)` first, or aggregate both parts"
)]
pub trait MixKind<K> {
    /// The combined kind.
    type Out;
}
impl<K> MixKind<K> for ConstKind {
    type Out = K;
}
impl MixKind<ConstKind> for RowKind {
    type Out = RowKind;
}
impl MixKind<RowKind> for RowKind {
    type Out = RowKind;
}
impl MixKind<ConstKind> for AggregateKind {
    type Out = AggregateKind;
}
impl MixKind<AggregateKind> for AggregateKind {
    type Out = AggregateKind;
}
impl MixKind<RelatedKind> for RowKind {
    type Out = RelatedKind;
}
impl MixKind<ConstKind> for RelatedKind {
    type Out = RelatedKind;
}
impl MixKind<RowKind> for RelatedKind {
    type Out = RelatedKind;
}
impl MixKind<RelatedKind> for RelatedKind {
    type Out = RelatedKind;
}
impl MixKind<ManyKind> for RowKind {
    type Out = ManyKind;
}
impl MixKind<ConstKind> for ManyKind {
    type Out = ManyKind;
}
impl MixKind<RowKind> for ManyKind {
    type Out = ManyKind;
}
impl MixKind<ManyKind> for ManyKind {
    type Out = ManyKind;
}

/// Kinds that are not aggregates (what an aggregate's argument may be).
#[diagnostic::on_unimplemented(
    message = "Cannot compute an aggregate of an aggregate",
    label = "this argument is already an aggregate",
    note = "Django: FieldError: Cannot compute Sum('...'): '...' is an aggregate"
)]
pub trait NotAggregate {}
#[diagnostic::do_not_recommend]
impl NotAggregate for ConstKind {}
#[diagnostic::do_not_recommend]
impl NotAggregate for RowKind {}
#[diagnostic::do_not_recommend]
impl NotAggregate for ManyKind {}
#[diagnostic::do_not_recommend]
impl NotAggregate for RelatedKind {}

/// A bare name inside an expression (`Lower(first_name)`, `Count(venues)`): a field, an
/// annotation, or a relation path (`Across<...>`), resolved where it is used.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ref<P>(PhantomData<fn() -> P>);

impl<P> Ref<P> {
    /// The name `P`.
    pub const fn new() -> Self {
        Ref(PhantomData)
    }
}

/// An expression on the rows of a [`Scope`], of its own SQL type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an expression on this QuerySet",
    label = "Cannot resolve this into a field, an annotation or an expression",
    note = "names in expressions are the model's fields, its relations (for aggregates) and the annotations added before; Rust values go in `Value(...)`"
)]
pub trait Resolve<Sc: Scope, I> {
    /// The expression's SQL type.
    type SqlType: SqlType + SingleValue + diesel::expression::TypedExpressionType;
    /// The diesel expression.
    type Expr: diesel::Expression<SqlType = Self::SqlType> + Clone;
    /// [`ConstKind`], [`RowKind`] or [`AggregateKind`].
    type Kind;
    /// Builds it.
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr;
}

/// Index: the name is a field of the model.
#[derive(Debug, Clone, Copy, Default)]
pub struct InModel;
/// Index: the name is the annotation at position `P` of the list.
#[derive(Debug, Clone, Copy, Default)]
pub struct InAnnotations<P>(PhantomData<fn() -> P>);
/// Index of a resolved [`Ref`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ByRef<I>(PhantomData<fn() -> I>);

/// The name `N` is visible in the scope `Self` (a field of the model or an annotation).
#[diagnostic::on_unimplemented(
    message = "Cannot resolve keyword `{N}` into field or annotation",
    label = "no field or annotation of this name",
    note = "Django: FieldError: Cannot resolve keyword into field. Choices are the model's fields and the annotations added before this point"
)]
pub trait ScopeName<N, I>: Scope {
    /// Its SQL type.
    type SqlType: SqlType + SingleValue + diesel::expression::TypedExpressionType;
    /// Its expression.
    type Expr: diesel::Expression<SqlType = Self::SqlType> + Clone;
    /// Its kind.
    type Kind;
    /// What it is for the values it compares with: the field's
    /// [`Field::Kind`] (a relation compares only with its own model's
    /// keys, see [`ComparesWith`](crate::lookups::ComparesWith)), [`Plain`](crate::relations::Plain)
    /// for an annotation.
    type Relation;
    /// The expression.
    fn expr(cx: &Self::Cx) -> Self::Expr;
}

/// Scopes over the model's rows, where its fields are names and every annotation reads as
/// itself (a group's key aside, see [`KindIn`]): all but the groups read by `aggregate!` (a
/// grouped QuerySet's rows are its annotations only, see [`OverGroups`]).
pub trait SeesFields: Scope {}
impl<M: Model, L: AnnotationList> SeesFields for Rows<M, L> {}
impl<M: Model, L: AnnotationList> SeesFields for Groups<M, L> {}
impl<M: Model, L: AnnotationList> SeesFields for InGroup<M, L> {}
impl<M: Model, W, L: AnnotationList> SeesFields for Totals<M, W, L> {}

impl<Sc, N> ScopeName<N, InModel> for Sc
where
    Sc: SeesFields,
    Sc::Model: Field<N>,
    <<Sc::Model as Field<N>>::Column as diesel::Expression>::SqlType:
        SqlType + SingleValue + diesel::expression::TypedExpressionType,
{
    type SqlType = <<Sc::Model as Field<N>>::Column as diesel::Expression>::SqlType;
    type Expr = <Sc::Model as Field<N>>::Column;
    type Kind = RowKind;
    type Relation = <Sc::Model as Field<N>>::Kind;
    fn expr(_: &Self::Cx) -> Self::Expr {
        Default::default()
    }
}

/// How an annotation named `N` of kind `Self` (expression `E`) reads in the scope `Sc`: as
/// itself, except a group's key ([`KeyKind`](super::group_keys::KeyKind)), which is one value
/// per group in the group's own expressions and a value of each row inside its aggregates,
/// and a group's annotation read over the groups (`aggregate!` of a grouped QuerySet), which
/// is a column of the grouped rows.
pub trait KindIn<Sc, N, E> {
    /// The kind it has there.
    type Kind;
    /// The expression it reads as.
    type Expr: diesel::Expression + Clone;
    /// Builds it.
    fn read(expr: &E) -> Self::Expr;
}
macro_rules! reads_as_itself {
    ($($kind:ty),*) => {$(
        impl<Sc: SeesFields, N, E: diesel::Expression + Clone> KindIn<Sc, N, E> for $kind {
            type Kind = $kind;
            type Expr = E;
            #[inline(always)]
            fn read(expr: &E) -> E {
                expr.clone()
            }
        }
    )*};
}
reads_as_itself!(ConstKind, RowKind, RelatedKind, AggregateKind);

type AnnKind<Sc, N, P> = <<Sc as Scope>::Anns as Find<N, P>>::Kind;
type AnnExpr<Sc, N, P> = <<Sc as Scope>::Anns as Find<N, P>>::Expr;
type AnnRead<Sc, N, P> = <AnnKind<Sc, N, P> as KindIn<Sc, N, AnnExpr<Sc, N, P>>>::Expr;

impl<Sc, N, P> ScopeName<N, InAnnotations<P>> for Sc
where
    Sc: Scope,
    Sc::Anns: Find<N, P>,
    AnnKind<Sc, N, P>: KindIn<Sc, N, AnnExpr<Sc, N, P>>,
    <AnnRead<Sc, N, P> as diesel::Expression>::SqlType:
        SqlType + SingleValue + diesel::expression::TypedExpressionType,
{
    type SqlType = <AnnRead<Sc, N, P> as diesel::Expression>::SqlType;
    type Expr = AnnRead<Sc, N, P>;
    type Kind = <AnnKind<Sc, N, P> as KindIn<Sc, N, AnnExpr<Sc, N, P>>>::Kind;
    type Relation = crate::relations::Plain;
    fn expr(cx: &Self::Cx) -> Self::Expr {
        <AnnKind<Sc, N, P> as KindIn<Sc, N, AnnExpr<Sc, N, P>>>::read(Sc::annotations(cx).find())
    }
}

impl<Sc: Scope + ScopeName<N, I>, N: crate::names::NameChars, I> Resolve<Sc, ByRef<I>> for Ref<N> {
    type SqlType = <Sc as ScopeName<N, I>>::SqlType;
    type Expr = <Sc as ScopeName<N, I>>::Expr;
    type Kind = <Sc as ScopeName<N, I>>::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        Sc::expr(cx)
    }
}

/// Index of a field read across foreign keys (`blog__name`).
#[derive(Debug, Clone, Copy, Default)]
pub struct AcrossIndex;

impl<Sc, H, R> Resolve<Sc, AcrossIndex> for Ref<crate::relations::Across<H, R>>
where
    Sc: SeesFields,
    crate::relations::Across<H, R>: crate::lookups::Operand<Sc::Model>,
    <crate::relations::Across<H, R> as crate::lookups::Operand<Sc::Model>>::SqlType:
        diesel::expression::TypedExpressionType,
{
    type SqlType = <crate::relations::Across<H, R> as crate::lookups::Operand<Sc::Model>>::SqlType;
    type Expr = <crate::relations::Across<H, R> as crate::lookups::Operand<Sc::Model>>::Expr;
    type Kind = RowKind;
    fn resolve(self, _: &Sc::Cx) -> Self::Expr {
        <crate::relations::Across<H, R> as crate::lookups::Operand<Sc::Model>>::operand()
    }
}

/// Index of a transform of a name (`pub_date__year`, `joined__year` on an annotation, a field
/// across foreign keys): the transform applied to what the name resolves to by index `I`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransformOf<I>(PhantomData<fn() -> I>);

type RefSql<Sc, N, I> = <Ref<N> as Resolve<Sc, I>>::SqlType;

impl<Sc, N, T, I> Resolve<Sc, TransformOf<I>> for Ref<crate::lookups::Transformed<N, T>>
where
    Sc: Scope,
    Ref<N>: Resolve<Sc, I>,
    RefSql<Sc, N, I>: crate::lookups::Nullability,
    T: crate::lookups::Transform<RefSql<Sc, N, I>>,
    T::Output: diesel::expression::TypedExpressionType,
{
    type SqlType = T::Output;
    type Expr = crate::lookups::Extract<<Ref<N> as Resolve<Sc, I>>::Expr, T, RefSql<Sc, N, I>>;
    type Kind = <Ref<N> as Resolve<Sc, I>>::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        crate::lookups::Extract::new(Ref::<N>::new().resolve(cx))
    }
}

/// A list of annotations: [`NoAnnotations`], or [`Annotation`]s chained through `Rest`.
pub trait AnnotationList: Clone {}

/// No annotations.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAnnotations;
impl AnnotationList for NoAnnotations {}

/// The annotation named `N`: the resolved expression `E` of kind `K`, then the rest of the
/// list (in the order the annotations were added).
#[derive(Debug)]
pub struct Annotation<N, E, K, Rest> {
    pub(crate) expr: E,
    pub(crate) rest: Rest,
    _name: PhantomData<fn() -> (N, K)>,
}

impl<N, E: Clone, K, Rest: Clone> Clone for Annotation<N, E, K, Rest> {
    fn clone(&self) -> Self {
        Annotation {
            expr: self.expr.clone(),
            rest: self.rest.clone(),
            _name: PhantomData,
        }
    }
}

impl<N, E: Clone, K, Rest: AnnotationList> AnnotationList for Annotation<N, E, K, Rest> {}

impl<N, E, K, Rest> Annotation<N, E, K, Rest> {
    /// `N = expr`, before `rest`.
    pub(crate) fn new(expr: E, rest: Rest) -> Self {
        Annotation {
            expr,
            rest,
            _name: PhantomData,
        }
    }
}

/// The end of an annotation list: [`NoAnnotations`], or the filters a QuerySet remembers for
/// aggregates across relations ([`Reusing`](crate::relations::reuse::Reusing)).
pub trait ListEnd: AnnotationList {}
impl ListEnd for NoAnnotations {}
impl<J: Clone> ListEnd for crate::relations::reuse::Reusing<J> {}

/// The annotation named `N`, at position `P` (inferred).
pub trait Find<N, P> {
    /// Its expression.
    type Expr: Clone + diesel::Expression;
    /// Its kind.
    type Kind;
    /// The expression.
    fn find(&self) -> &Self::Expr;
}

/// An annotation's name in the list is `(N, T)`: the type-level name, and the tag of the
/// names struct its `annotate!` wrote (see [`crate::names::resolve`]).
impl<N, T, E: Clone + diesel::Expression, K, Rest> Find<N, Here>
    for Annotation<(N, T), E, K, Rest>
{
    type Expr = E;
    type Kind = K;
    fn find(&self) -> &E {
        &self.expr
    }
}

impl<N, N2, E, K, Rest: Find<N, P>, P> Find<N, There<P>> for Annotation<N2, E, K, Rest> {
    type Expr = Rest::Expr;
    type Kind = Rest::Kind;
    fn find(&self) -> &Self::Expr {
        self.rest.find()
    }
}

impl<B: Names> NamesOfList<B> for NoAnnotations {
    type Names = B;
}

impl<B: Names, J> NamesOfList<B> for crate::relations::reuse::Reusing<J> {
    type Names = B;
}

impl<B: Names, N, T: AddsNames, E, K, Rest: NamesOfList<B>> NamesOfList<B>
    for Annotation<(N, T), E, K, Rest>
{
    type Names = T::Extend<Rest::Names>;
}

impl<B: Names, A: NamesOfList<B>, C: NamesOfList<A::Names>> NamesOfList<B> for Chain<A, C> {
    type Names = C::Names;
}

/// Appends the annotation `N = E` (of kind `K`) at the end of a list.
pub trait Append<N, E, K>: AnnotationList {
    /// The longer list.
    type Out: AnnotationList;
    /// Appends it.
    fn append(self, expr: E) -> Self::Out;
}

impl<N, E: Clone, K> Append<N, E, K> for NoAnnotations {
    type Out = Annotation<N, E, K, NoAnnotations>;
    fn append(self, expr: E) -> Self::Out {
        Annotation {
            expr,
            rest: NoAnnotations,
            _name: PhantomData,
        }
    }
}

impl<N, E: Clone, K, N2, E2: Clone, K2, Rest: Append<N, E, K>> Append<N, E, K>
    for Annotation<N2, E2, K2, Rest>
{
    type Out = Annotation<N2, E2, K2, Rest::Out>;
    fn append(self, expr: E) -> Self::Out {
        Annotation {
            expr: self.expr,
            rest: self.rest.append(expr),
            _name: PhantomData,
        }
    }
}

/// The annotations' expressions after a first item `H` (the model's columns, or the grouped
/// fields) as a flat diesel select tuple, and the Rust types a row loads as.
pub trait Selected: AnnotationList {
    /// The select clause: `(H, e1, e2, ...)`.
    type Select<H: diesel::Expression>: diesel::Expression;
    /// One row: `(R, v1, v2, ...)`.
    type Row<R>;
    /// The select clause.
    fn select<H: diesel::Expression>(&self, head: H) -> Self::Select<H>;
    /// What one row is read as: the head as `R`, each annotation in its checked form
    /// ([`LoadsAs::Loaded`](super::LoadsAs::Loaded)).
    type Loaded<R>;
    /// The row from what was read, its head converted by `f`; an annotation's value past its
    /// type's range is an error naming the annotation.
    fn finish<A, B>(
        row: Self::Loaded<A>,
        f: impl FnOnce(A) -> diesel::deserialize::Result<B>,
    ) -> diesel::deserialize::Result<Self::Row<B>>;
    /// The select clause with each annotation under its name: `(H, e1 AS "n1", ...)` (what a
    /// query that reads the rows by name selects from, see [`OverGroups`]).
    type Named<H: diesel::Expression>: diesel::Expression;
    /// It.
    fn named<H: diesel::Expression>(&self, head: H) -> Self::Named<H>;
}

macro_rules! selected {
    ([$($n:ident $e:ident $k:ident),+] $list:ty; $([$($acc:tt)+])+) => {
        impl<$($n: crate::names::NameChars, $e: Clone + diesel::Expression, $k,)+ Z: ListEnd> Selected for $list
        where
            $($e::SqlType: super::LoadsAs,)+
        {
            type Select<H: diesel::Expression> = (H, $($e,)+);
            type Row<R> = (R, $(<$e::SqlType as super::LoadsAs>::Rust,)+);
            type Loaded<R> = (R, $(<$e::SqlType as super::LoadsAs>::Loaded,)+);
            fn select<H: diesel::Expression>(&self, head: H) -> Self::Select<H> {
                (head, $(self.$($acc)+.clone(),)+)
            }
            type Named<H: diesel::Expression> = (H, $(Named<$e>,)+);
            fn named<H: diesel::Expression>(&self, head: H) -> Self::Named<H> {
                (head, $(Named(self.$($acc)+.clone(), $n::text()),)+)
            }
            #[inline(always)]
            #[allow(non_snake_case)]
            fn finish<A, B>(
                row: Self::Loaded<A>,
                f: impl FnOnce(A) -> diesel::deserialize::Result<B>,
            ) -> diesel::deserialize::Result<Self::Row<B>> {
                let (head, $($e,)+) = row;
                Ok((
                    f(head)?,
                    $(<$e::SqlType as super::LoadsAs>::value_of($e, &|| $n::text())?,)+
                ))
            }
        }
    };
}

/// `expr AS "name"`: a select item under its annotation's name.
#[derive(Debug, Clone)]
pub struct Named<E>(E, String);

impl<E: diesel::Expression> diesel::Expression for Named<E> {
    type SqlType = E::SqlType;
}
impl<E: diesel::query_builder::QueryFragment<DB>, DB: diesel::backend::Backend>
    diesel::query_builder::QueryFragment<DB> for Named<E>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(" AS ");
        out.push_identifier(&self.1)
    }
}
impl<E> diesel::query_builder::QueryId for Named<E> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<E: diesel::expression::ValidGrouping<G>, G> diesel::expression::ValidGrouping<G> for Named<E> {
    type IsAggregate = E::IsAggregate;
}
impl<E: diesel::AppearsOnTable<QS>, QS: ?Sized> diesel::AppearsOnTable<QS> for Named<E> where
    Self: diesel::Expression
{
}
impl<E: diesel::SelectableExpression<QS>, QS: ?Sized> diesel::SelectableExpression<QS> for Named<E> where
    Self: diesel::AppearsOnTable<QS>
{
}

type A<N, E, K, R> = Annotation<N, E, K, R>;
selected!([N1 E1 K1] A<N1, E1, K1, Z>; [expr]);
selected!([N1 E1 K1, N2 E2 K2] A<N1, E1, K1, A<N2, E2, K2, Z>>; [expr] [rest.expr]);
selected!([N1 E1 K1, N2 E2 K2, N3 E3 K3] A<N1, E1, K1, A<N2, E2, K2, A<N3, E3, K3, Z>>>;
    [expr] [rest.expr] [rest.rest.expr]);
selected!([N1 E1 K1, N2 E2 K2, N3 E3 K3, N4 E4 K4]
    A<N1, E1, K1, A<N2, E2, K2, A<N3, E3, K3, A<N4, E4, K4, Z>>>>;
    [expr] [rest.expr] [rest.rest.expr] [rest.rest.rest.expr]);
selected!([N1 E1 K1, N2 E2 K2, N3 E3 K3, N4 E4 K4, N5 E5 K5]
    A<N1, E1, K1, A<N2, E2, K2, A<N3, E3, K3, A<N4, E4, K4, A<N5, E5, K5, Z>>>>>;
    [expr] [rest.expr] [rest.rest.expr] [rest.rest.rest.expr] [rest.rest.rest.rest.expr]);
selected!([N1 E1 K1, N2 E2 K2, N3 E3 K3, N4 E4 K4, N5 E5 K5, N6 E6 K6]
    A<N1, E1, K1, A<N2, E2, K2, A<N3, E3, K3, A<N4, E4, K4, A<N5, E5, K5, A<N6, E6, K6, Z>>>>>>;
    [expr] [rest.expr] [rest.rest.expr] [rest.rest.rest.expr] [rest.rest.rest.rest.expr]
    [rest.rest.rest.rest.rest.expr]);

/// Two lists: names visible in a scope (`before`: annotations made before grouping, such as
/// the expressions a `values!` groups by) and the annotations it adds and selects (`after`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Chain<A, B> {
    pub(crate) before: A,
    pub(crate) after: B,
}

impl<A, B> Chain<A, B> {
    /// `before`, then `after`.
    pub fn new(before: A, after: B) -> Self {
        Chain { before, after }
    }
}

impl<A: AnnotationList, B: AnnotationList> AnnotationList for Chain<A, B> {}

/// Position in the first list of a [`Chain`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Before<P>(PhantomData<fn() -> P>);
/// Position in the second list of a [`Chain`].
#[derive(Debug, Clone, Copy, Default)]
pub struct After<P>(PhantomData<fn() -> P>);

impl<N, A: Find<N, P>, B, P> Find<N, Before<P>> for Chain<A, B> {
    type Expr = A::Expr;
    type Kind = A::Kind;
    fn find(&self) -> &Self::Expr {
        self.before.find()
    }
}

impl<N, A, B: Find<N, P>, P> Find<N, After<P>> for Chain<A, B> {
    type Expr = B::Expr;
    type Kind = B::Kind;
    fn find(&self) -> &Self::Expr {
        self.after.find()
    }
}

impl<N, E, K, A: AnnotationList, B: Append<N, E, K>> Append<N, E, K> for Chain<A, B> {
    type Out = Chain<A, B::Out>;
    fn append(self, expr: E) -> Self::Out {
        Chain {
            before: self.before,
            after: self.after.append(expr),
        }
    }
}

impl<A: AnnotationList, B: Selected> Selected for Chain<A, B> {
    type Select<H: diesel::Expression> = B::Select<H>;
    type Row<R> = B::Row<R>;
    fn select<H: diesel::Expression>(&self, head: H) -> Self::Select<H> {
        self.after.select(head)
    }
    type Named<H: diesel::Expression> = B::Named<H>;
    fn named<H: diesel::Expression>(&self, head: H) -> Self::Named<H> {
        self.after.named(head)
    }
    type Loaded<R> = B::Loaded<R>;
    #[inline(always)]
    fn finish<X, Y>(
        row: Self::Loaded<X>,
        f: impl FnOnce(X) -> diesel::deserialize::Result<Y>,
    ) -> diesel::deserialize::Result<Self::Row<Y>> {
        B::finish(row, f)
    }
}
