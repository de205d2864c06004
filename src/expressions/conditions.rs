//! Conditions resolved in a [`Scope`]: what `filter!`/`exclude!` become after `annotate!`, and
//! the conditions of `When(...)`.
//!
//! A comparison (`exact`, `gt`, `gte`, `lt`, `lte`, `in`, `range`) may name an annotation on
//! either side (`filter!(qs, n_books__gt = 3)`, `filter!(qs, first = F(last))`); every other
//! lookup, and lookups across relations, are the model's own (see [`crate::lookups`]).

use std::marker::PhantomData;

use diesel::ExpressionMethods;

use super::scope::{MixKind, Ref, Resolve, RowKind, Scope};
use super::value::Argument;
use crate::lookups::{
    And, BoolOp, CombineBool, ContainedBy, Contains, ContainsFor, EndsWith, Exact, Gt, Gte,
    HasAnyKeys, HasKey, HasKeys, IContains, IEndsWith, IExact, IRegex, IStartsWith, In, InList,
    IsNotTrue, IsNull, IsNullExpr, KeyPath, Like, Lookup, Lt, Lte, Not, NullableField, Or,
    Orderable, Predicate, Range, Regex, RegexExpr, StartsWith, TextField, TextValue, Q,
};
use crate::relations::{NameIsNull, PathLookup};

/// A condition on the rows of a [`Scope`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition on this QuerySet",
    label = "Cannot resolve this condition",
    note = "after annotate!(), comparisons (exact, gt, gte, lt, lte, in, range) may name annotations; other lookups name the model's fields"
)]
pub trait Condition<Sc: Scope, I> {
    /// The diesel expression (`Bool` or `Nullable<Bool>`).
    type Expr: diesel::Expression + Clone;
    /// Its kind: an aggregate condition goes to `HAVING`.
    type Kind;
    /// Builds it.
    fn condition(self, cx: &Sc::Cx) -> Self::Expr;
}

/// What the name a comparison resolves to (by index `I`) is, for the values it compares with:
/// a field that is a relation takes only its own model's keys (see
/// [`crate::lookups::ComparesWith`]); an annotation or a field read across relations takes
/// whatever its SQL type allows. Keyed by the same bound as [`Resolve`], so it adds nothing to
/// what the compiler must infer.
pub trait RefRelation<Sc, I> {
    /// [`crate::relations::ForeignKeyTo`] for a foreign key, otherwise [`crate::relations::Plain`].
    type Kind;
}

impl<Sc, N, I> RefRelation<Sc, super::scope::ByRef<I>> for Ref<N>
where
    Sc: super::scope::ScopeName<N, I>,
{
    type Kind = <Sc as super::scope::ScopeName<N, I>>::Relation;
}
impl<Sc, H, R> RefRelation<Sc, super::scope::AcrossIndex> for Ref<crate::relations::Across<H, R>> {
    type Kind = crate::relations::Plain;
}
impl<Sc, N, T, I> RefRelation<Sc, super::scope::TransformOf<I>>
    for Ref<crate::lookups::Transformed<N, T>>
{
    type Kind = crate::relations::Plain;
}

/// Index: a comparison resolved in the scope.
#[derive(Debug, Clone, Copy, Default)]
pub struct Compared<IN, IV>(PhantomData<fn() -> (IN, IV)>);
/// Index: a condition on the model's own fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct Own;
/// Index: two conditions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Both<IA, IB>(PhantomData<fn() -> (IA, IB)>);

macro_rules! compared {
    ($($kind:ident $method:ident $dsl:ident $($ordered:ident)?),*) => {$(
        impl<Sc, N, V, IN, IV> Condition<Sc, Compared<IN, IV>> for Lookup<N, $kind, V>
        where
            Sc: Scope,
            Ref<N>: Resolve<Sc, IN> + RefRelation<Sc, IN>,
            $(<Ref<N> as Resolve<Sc, IN>>::SqlType: $ordered<$kind, N>,)?
            V: Argument<Sc, <Ref<N> as Resolve<Sc, IN>>::SqlType, IV> + crate::lookups::ComparesWith<<Ref<N> as RefRelation<Sc, IN>>::Kind>,
            <Ref<N> as Resolve<Sc, IN>>::Kind: MixKind<V::Kind>,
            diesel::dsl::$dsl<<Ref<N> as Resolve<Sc, IN>>::Expr, V::Expr>: diesel::Expression + Clone,
        {
            type Expr = diesel::dsl::$dsl<<Ref<N> as Resolve<Sc, IN>>::Expr, V::Expr>;
            type Kind = <<Ref<N> as Resolve<Sc, IN>>::Kind as MixKind<V::Kind>>::Out;
            fn condition(self, cx: &Sc::Cx) -> Self::Expr {
                Ref::<N>::new().resolve(cx).$method(self.into_value().argument(cx))
            }
        }
    )*};
}
compared!(Exact eq Eq, Gt gt Gt Orderable, Gte ge GtEq Orderable, Lt lt Lt Orderable, Lte le LtEq Orderable);

impl<Sc, N, V, IN, IV> Condition<Sc, Compared<IN, IV>> for Lookup<N, Range, (V, V)>
where
    Sc: Scope,
    Ref<N>: Resolve<Sc, IN> + RefRelation<Sc, IN>,
    <Ref<N> as Resolve<Sc, IN>>::SqlType: Orderable<Range, N>,
    V: Argument<Sc, <Ref<N> as Resolve<Sc, IN>>::SqlType, IV>
        + crate::lookups::ComparesWith<<Ref<N> as RefRelation<Sc, IN>>::Kind>,
    <Ref<N> as Resolve<Sc, IN>>::Kind: MixKind<V::Kind>,
    diesel::dsl::Between<<Ref<N> as Resolve<Sc, IN>>::Expr, V::Expr, V::Expr>:
        diesel::Expression + Clone,
{
    type Expr = diesel::dsl::Between<<Ref<N> as Resolve<Sc, IN>>::Expr, V::Expr, V::Expr>;
    type Kind = <<Ref<N> as Resolve<Sc, IN>>::Kind as MixKind<V::Kind>>::Out;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        let (low, high) = self.into_value();
        Ref::<N>::new()
            .resolve(cx)
            .between(low.argument(cx), high.argument(cx))
    }
}

impl<Sc, N, V, It, IN, IV> Condition<Sc, Compared<IN, IV>> for Lookup<N, In, It>
where
    Sc: Scope,
    Ref<N>: Resolve<Sc, IN> + RefRelation<Sc, IN>,
    It: IntoIterator<Item = V>,
    V: Argument<Sc, <Ref<N> as Resolve<Sc, IN>>::SqlType, IV>
        + crate::lookups::ComparesWith<<Ref<N> as RefRelation<Sc, IN>>::Kind>,
    InList<<Ref<N> as Resolve<Sc, IN>>::Expr, V::Expr>: diesel::Expression + Clone,
{
    type Expr = InList<<Ref<N> as Resolve<Sc, IN>>::Expr, V::Expr>;
    type Kind = <Ref<N> as Resolve<Sc, IN>>::Kind;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        InList::from_values(
            Ref::<N>::new().resolve(cx),
            V::__in_arguments(self.into_value(), cx),
        )
    }
}

/// A condition that keeps its meaning on the model: the model's own [`Predicate`] (index
/// `$index`), for the type `$t` with generics `$g`.
macro_rules! on_the_model {
    ($($index:ident: $t:ty [$($g:ident),*]),* $(,)?) => {$(
        impl<Sc, $($g),*> Condition<Sc, $index> for $t
        where
            Sc: super::scope::SeesFields,
            Self: Predicate<Sc::Model>,
            <Self as Predicate<Sc::Model>>::Expr: diesel::Expression + Clone,
        {
            type Expr = <Self as Predicate<Sc::Model>>::Expr;
            type Kind = RowKind;
            fn condition(self, _: &Sc::Cx) -> Self::Expr {
                self.build()
            }
        }
    )*};
}

// Lookups on JSON keys and JSON-only lookups and lookups across relations keep their meaning on
// the model; comparisons, `in`, `range`, text lookups and `isnull` on a name or on a transform
// of one (`pub_date__year`, `joined__year` on an annotation) resolve it in the scope, so they
// work on annotations too.
on_the_model!(
    Own: Lookup<KeyPath<A, K>, IExact, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, Contains, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, IContains, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, StartsWith, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, IStartsWith, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, EndsWith, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, IEndsWith, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, Regex, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, IRegex, V> [A, K, V],
    Own: Lookup<KeyPath<A, K>, IsNull, V> [A, K, V],
    Own: Lookup<N, HasKey, V> [N, V],
    Own: Lookup<N, HasKeys, V> [N, V],
    Own: Lookup<N, HasAnyKeys, V> [N, V],
    Own: Lookup<N, ContainedBy, V> [N, V],
    Own: NameIsNull<N> [N],
    Own: crate::lookups::FLookup<Hops, D, Fl> [Hops, D, Fl],
);

/// The kind of a lookup across the relation of kind `Self` on the model's rows: a value of the
/// row across a foreign key (one related row), [`RelatedKind`](super::RelatedKind) across a
/// multi-valued relation.
pub trait AcrossKind {
    /// The kind.
    type Kind;
}
impl<T> AcrossKind for crate::relations::ForeignKeyTo<T> {
    type Kind = RowKind;
}
impl AcrossKind for crate::relations::JsonKind {
    type Kind = RowKind;
}
impl AcrossKind for crate::relations::Plain {
    type Kind = RowKind;
}
impl<S, Fk, N> AcrossKind for crate::relations::ReverseOf<S, Fk, N> {
    type Kind = super::RelatedKind;
}
impl<O, D, N> AcrossKind for crate::relations::ManyToManyVia<O, D, N> {
    type Kind = super::RelatedKind;
}

impl<Sc, H, Inner> Condition<Sc, Own> for PathLookup<H, Inner>
where
    Sc: super::scope::SeesFields,
    Sc::Model: crate::relations::PathStep<H>,
    <Sc::Model as crate::relations::PathStep<H>>::Kind: AcrossKind,
    Self: Predicate<Sc::Model>,
    <Self as Predicate<Sc::Model>>::Expr: diesel::Expression + Clone,
{
    type Expr = <Self as Predicate<Sc::Model>>::Expr;
    type Kind = <<Sc::Model as crate::relations::PathStep<H>>::Kind as AcrossKind>::Kind;
    fn condition(self, _: &Sc::Cx) -> Self::Expr {
        self.build()
    }
}

/// Index: a lookup on a name resolved in the scope (a field or an annotation) that is not a
/// comparison: `isnull` and the text lookups.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scoped<IN>(PhantomData<fn() -> IN>);

impl<Sc, N, IN> Condition<Sc, Scoped<IN>> for Lookup<N, IsNull, bool>
where
    Sc: Scope,
    Ref<N>: Resolve<Sc, IN>,
    <Ref<N> as Resolve<Sc, IN>>::SqlType: NullableField<N>,
    IsNullExpr<<Ref<N> as Resolve<Sc, IN>>::Expr>: diesel::Expression + Clone,
{
    type Expr = IsNullExpr<<Ref<N> as Resolve<Sc, IN>>::Expr>;
    type Kind = <Ref<N> as Resolve<Sc, IN>>::Kind;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        IsNullExpr::new(Ref::<N>::new().resolve(cx), self.into_value())
    }
}

/// Index: `isnull` on the annotation at position `P` (a field's or a relation's `isnull` keeps
/// its meaning on the model).
#[derive(Debug, Clone, Copy, Default)]
pub struct AnnotationIsNull<P>(PhantomData<fn() -> P>);

impl<Sc, N, P> Condition<Sc, AnnotationIsNull<P>> for NameIsNull<N>
where
    Sc: Scope + super::scope::ScopeName<N, super::scope::InAnnotations<P>>,
    <Sc as super::scope::ScopeName<N, super::scope::InAnnotations<P>>>::SqlType: NullableField<N>,
    IsNullExpr<<Sc as super::scope::ScopeName<N, super::scope::InAnnotations<P>>>::Expr>:
        diesel::Expression + Clone,
{
    type Expr =
        IsNullExpr<<Sc as super::scope::ScopeName<N, super::scope::InAnnotations<P>>>::Expr>;
    type Kind = <Sc as super::scope::ScopeName<N, super::scope::InAnnotations<P>>>::Kind;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        IsNullExpr::new(Sc::expr(cx), self.is_null())
    }
}

macro_rules! scoped_text {
    ($($kind:ident => $expr:ident),*) => {$(
        impl<Sc, N, V, IN> Condition<Sc, Scoped<IN>> for Lookup<N, $kind, V>
        where
            Sc: Scope,
            Ref<N>: Resolve<Sc, IN>,
            <Ref<N> as Resolve<Sc, IN>>::SqlType: TextField<$kind, N>,
            V: TextValue,
            $expr<<Ref<N> as Resolve<Sc, IN>>::Expr, $kind>: diesel::Expression + Clone,
        {
            type Expr = $expr<<Ref<N> as Resolve<Sc, IN>>::Expr, $kind>;
            type Kind = <Ref<N> as Resolve<Sc, IN>>::Kind;
            fn condition(self, cx: &Sc::Cx) -> Self::Expr {
                $expr::new(Ref::<N>::new().resolve(cx), self.into_value().into_text())
            }
        }
    )*};
}
scoped_text!(
    IExact => Like, IContains => Like, StartsWith => Like, IStartsWith => Like,
    EndsWith => Like, IEndsWith => Like, Regex => RegexExpr, IRegex => RegexExpr
);

impl<Sc, N, V, IN> Condition<Sc, Scoped<IN>> for Lookup<N, Contains, V>
where
    Sc: Scope,
    Ref<N>: Resolve<Sc, IN>,
    <Ref<N> as Resolve<Sc, IN>>::SqlType: ContainsFor<<Ref<N> as Resolve<Sc, IN>>::Expr, V>,
    <<Ref<N> as Resolve<Sc, IN>>::SqlType as ContainsFor<<Ref<N> as Resolve<Sc, IN>>::Expr, V>>::Expr:
        diesel::Expression + Clone,
{
    type Expr =
        <<Ref<N> as Resolve<Sc, IN>>::SqlType as ContainsFor<<Ref<N> as Resolve<Sc, IN>>::Expr, V>>::Expr;
    type Kind = <Ref<N> as Resolve<Sc, IN>>::Kind;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        <<Ref<N> as Resolve<Sc, IN>>::SqlType as ContainsFor<_, V>>::build(
            Ref::<N>::new().resolve(cx),
            self.into_value(),
        )
    }
}

impl<Sc: Scope, P: Condition<Sc, I>, I> Condition<Sc, Q<I>> for Q<P> {
    type Expr = P::Expr;
    type Kind = P::Kind;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        self.0.condition(cx)
    }
}

macro_rules! both {
    ($($t:ident $op:ident),*) => {$(
        impl<Sc, A, B, IA, IB> Condition<Sc, Both<IA, IB>> for $t<A, B>
        where
            Sc: Scope,
            A: Condition<Sc, IA>,
            B: Condition<Sc, IB>,
            A::Kind: MixKind<B::Kind>,
            <A::Expr as diesel::Expression>::SqlType:
                CombineBool<<B::Expr as diesel::Expression>::SqlType>,
            BoolOp<A::Expr, B::Expr, crate::lookups::$op>: diesel::Expression + Clone,
        {
            type Expr = BoolOp<A::Expr, B::Expr, crate::lookups::$op>;
            type Kind = <A::Kind as MixKind<B::Kind>>::Out;
            fn condition(self, cx: &Sc::Cx) -> Self::Expr {
                BoolOp::new(self.0.condition(cx), self.1.condition(cx))
            }
        }
    )*};
}
both!(And AndOp, Or OrOp);

impl<Sc: Scope, A: Condition<Sc, I>, I> Condition<Sc, Not<I>> for Not<A>
where
    IsNotTrue<A::Expr>: diesel::Expression + Clone,
{
    type Expr = IsNotTrue<A::Expr>;
    type Kind = A::Kind;
    fn condition(self, cx: &Sc::Cx) -> Self::Expr {
        IsNotTrue(self.0.condition(cx))
    }
}
