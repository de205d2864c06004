//! Lookups whose path goes past a field (`author__name`, `data__InvoiceNumber`): what the field
//! is decides what the rest of the path means.

use std::marker::PhantomData;

use diesel::query_builder::AsQuery;
use diesel::query_dsl::methods::{FilterDsl, SelectDsl};

use super::outer::{OuterRow, ToOuter};
use crate::lookups::{KeyPath, Lookup, Predicate};
use crate::model::{Field, Model};
use crate::queryset::{BaseQuery, InSubquery};

/// `head__rest...`: the lookup `Inner` applied past the field `Head` (written by `filter!`).
#[derive(Debug, Clone, Copy)]
pub struct PathLookup<Head, Inner> {
    inner: Inner,
    _head: PhantomData<fn() -> Head>,
}

impl<Head, Inner> PathLookup<Head, Inner> {
    /// `inner`, applied past field `Head`.
    pub fn new(inner: Inner) -> Self {
        PathLookup {
            inner,
            _head: PhantomData,
        }
    }

    /// The lookup past `Head`.
    pub(crate) fn into_inner(self) -> Inner {
        self.inner
    }
}

/// A field that is neither a relation nor JSON: a path cannot go past it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain;
/// A JSON field: the rest of the path is keys inside it.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonKind;
/// A foreign key to `T`: the rest of the path is a lookup on `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ForeignKeyTo<T>(PhantomData<fn() -> T>);

/// How a path continues past a field of kind `Self` on model `M`.
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup: `{Head}` is neither a relation nor a JSONField, so the lookup path cannot go past it",
    label = "`__` after this field needs a ForeignKey or a JSONField",
    note = "Django: FieldError: Unsupported lookup / Cannot resolve keyword into field. Join on the field not permitted."
)]
pub trait PathKind<M, Head, Inner> {
    /// The condition.
    type Expr;
    /// Builds it.
    fn build(inner: Inner) -> Self::Expr;
}

/// What the name `Head` is on model `Self`, for a lookup path: a field (its [`Field::Kind`]) or
/// a reverse relation (implemented by the derive of the model that holds the foreign key).
pub trait PathStep<Head> {
    /// [`Plain`], [`JsonKind`], [`ForeignKeyTo`] or [`ReverseOf`].
    type Kind;
}

impl<M: Field<Head>, Head> PathStep<Head> for M {
    type Kind = <M as Field<Head>>::Kind;
}

/// The rows of `Source` whose foreign key column `Fk` (the field `FkName`) points at this model: a reverse relation
/// (Django's `blog.entry_set`, queried as `entry__...` or by its `related_name`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReverseOf<Source, Fk, FkName>(PhantomData<super::Marker3<Source, Fk, FkName>>);

/// A lookup path from the QuerySet's model `M`: its values are rewritten to read `M`'s row
/// (Django's rule for `F()`), and the condition names that row when they do (see
/// `relations::outer`).
impl<M, Head, Inner> Predicate<M> for PathLookup<Head, Inner>
where
    M: Model + PathStep<Head>,
    Inner: ToOuter<M>,
    <M as PathStep<Head>>::Kind: PathKind<M, Head, Inner::Out>,
{
    type Expr = OuterRow<M, <<M as PathStep<Head>>::Kind as PathKind<M, Head, Inner::Out>>::Expr>;
    fn build(self) -> Self::Expr {
        OuterRow::new(
            <<M as PathStep<Head>>::Kind as PathKind<M, Head, Inner::Out>>::build(
                self.inner.to_outer(),
            ),
            Inner::READS_ROW,
        )
    }
}

/// A lookup path inside another one (`blog__author__name`'s `author__name`): its values were
/// rewritten for the outermost path already.
#[derive(Debug, Clone, Copy)]
pub struct NestedPath<Head, Inner> {
    inner: Inner,
    _head: PhantomData<fn() -> Head>,
}

impl<Head, Inner> NestedPath<Head, Inner> {
    /// `inner`, applied past field `Head`.
    pub fn new(inner: Inner) -> Self {
        NestedPath {
            inner,
            _head: PhantomData,
        }
    }
}

impl<Head, Inner> NestedPath<Head, Inner> {
    /// The lookup past `Head`.
    pub(crate) fn into_inner(self) -> Inner {
        self.inner
    }
}

impl<M, Head, Inner> Predicate<M> for NestedPath<Head, Inner>
where
    M: Model + PathStep<Head>,
    <M as PathStep<Head>>::Kind: PathKind<M, Head, Inner>,
{
    type Expr = <<M as PathStep<Head>>::Kind as PathKind<M, Head, Inner>>::Expr;
    fn build(self) -> Self::Expr {
        <<M as PathStep<Head>>::Kind as PathKind<M, Head, Inner>>::build(self.inner)
    }
}

impl<Base, H, Inner: ToJsonPath<KeyPath<Base, H>>> ToJsonPath<Base> for NestedPath<H, Inner> {
    type Out = Inner::Out;
    fn to_json_path(self) -> Self::Out {
        self.inner.to_json_path()
    }
}

/// `pk IN (SELECT fk FROM source WHERE inner)`.
pub type ReverseIn<M, S, Fk, Inner> = InSubquery<
    <M as Model>::PkColumn,
    diesel::dsl::Select<diesel::dsl::Filter<BaseQuery<S>, <Inner as Predicate<S>>::Expr>, Fk>,
>;

impl<M, Head, S, Fk, FkName, Inner> PathKind<M, Head, Inner> for ReverseOf<S, Fk, FkName>
where
    M: Model,
    S: Model,
    Fk: Default + diesel::Expression,
    Inner: Predicate<S>,
    BaseQuery<S>: FilterDsl<Inner::Expr>,
    diesel::dsl::Filter<BaseQuery<S>, Inner::Expr>: SelectDsl<Fk>,
{
    type Expr = ReverseIn<M, S, Fk, Inner>;
    fn build(inner: Inner) -> Self::Expr {
        let source = S::table()
            .as_query()
            .filter(inner.build())
            .select(Fk::default());
        InSubquery::new(M::PkColumn::default(), source)
    }
}

/// `fk IN (SELECT pk FROM target WHERE inner)`.
pub type RelatedIn<M, Head, T, Inner> = InSubquery<
    <M as Field<Head>>::Column,
    diesel::dsl::Select<
        diesel::dsl::Filter<BaseQuery<T>, <Inner as Predicate<T>>::Expr>,
        <T as Model>::PkColumn,
    >,
>;

impl<M, Head, T, Inner> PathKind<M, Head, Inner> for ForeignKeyTo<T>
where
    M: Model + Field<Head>,
    T: Model,
    Inner: Predicate<T>,
    BaseQuery<T>: FilterDsl<Inner::Expr>,
    diesel::dsl::Filter<BaseQuery<T>, Inner::Expr>: SelectDsl<T::PkColumn>,
{
    type Expr = RelatedIn<M, Head, T, Inner>;
    fn build(inner: Inner) -> Self::Expr {
        let target = T::table()
            .as_query()
            .filter(inner.build())
            .select(T::PkColumn::default());
        InSubquery::new(<M as Field<Head>>::Column::default(), target)
    }
}

/// Rewrites a lookup written for the rest of a path into one on a key path inside `Base`.
pub trait ToJsonPath<Base> {
    /// The rewritten lookup.
    type Out;
    /// Rewrites it.
    fn to_json_path(self) -> Self::Out;
}

impl<Base, N, L, V> ToJsonPath<Base> for Lookup<N, L, V> {
    type Out = Lookup<KeyPath<Base, N>, L, V>;
    fn to_json_path(self) -> Self::Out {
        Lookup::new(self.into_value())
    }
}

impl<Base, A: ToJsonPath<Base>, B: ToJsonPath<Base>> ToJsonPath<Base>
    for crate::lookups::And<A, B>
{
    type Out = crate::lookups::And<A::Out, B::Out>;
    fn to_json_path(self) -> Self::Out {
        crate::lookups::And(self.0.to_json_path(), self.1.to_json_path())
    }
}

impl<Base, H, Inner: ToJsonPath<KeyPath<Base, H>>> ToJsonPath<Base> for PathLookup<H, Inner> {
    type Out = Inner::Out;
    fn to_json_path(self) -> Self::Out {
        self.inner.to_json_path()
    }
}

impl<M, Head, Inner> PathKind<M, Head, Inner> for JsonKind
where
    M: Model,
    Inner: ToJsonPath<Head>,
    Inner::Out: Predicate<M>,
{
    type Expr = <Inner::Out as Predicate<M>>::Expr;
    fn build(inner: Inner) -> Self::Expr {
        inner.to_json_path().build()
    }
}

/// `name__isnull = v` for a single name: a nullable field's NULL test, or, for a reverse
/// relation, "has no related row" (Django's `Venue.objects.filter(experiences__isnull=True)`).
#[derive(Debug, Clone, Copy)]
pub struct NameIsNull<N> {
    is_null: bool,
    _name: PhantomData<fn() -> N>,
}

impl<N> NameIsNull<N> {
    /// `isnull = is_null`.
    pub fn new(is_null: bool) -> Self {
        NameIsNull {
            is_null,
            _name: PhantomData,
        }
    }

    /// Whether it asks for NULL.
    pub(crate) fn is_null(&self) -> bool {
        self.is_null
    }
}

/// How `isnull` reads for a name of kind `Self`.
pub trait IsNullKind<M, N> {
    /// The condition.
    type Expr;
    /// Builds it.
    fn build(is_null: bool) -> Self::Expr;
}

impl<M, N> Predicate<M> for NameIsNull<N>
where
    M: Model + PathStep<N>,
    <M as PathStep<N>>::Kind: IsNullKind<M, N>,
{
    type Expr = <<M as PathStep<N>>::Kind as IsNullKind<M, N>>::Expr;
    fn build(self) -> Self::Expr {
        <<M as PathStep<N>>::Kind as IsNullKind<M, N>>::build(self.is_null)
    }
}

macro_rules! field_is_null {
    ($($kind:ty => [$($g:ident),*]),*) => {$(
        impl<M, N, $($g),*> IsNullKind<M, N> for $kind
        where
            M: Model,
            Lookup<N, crate::lookups::IsNull, bool>: Predicate<M>,
        {
            type Expr = <Lookup<N, crate::lookups::IsNull, bool> as Predicate<M>>::Expr;
            fn build(is_null: bool) -> Self::Expr {
                Lookup::<N, crate::lookups::IsNull, bool>::new(is_null).build()
            }
        }
    )*};
}
field_is_null!(Plain => [], JsonKind => [], ForeignKeyTo<T> => [T]);

impl<M, N, S, Fk, FkName> IsNullKind<M, N> for ReverseOf<S, Fk, FkName>
where
    M: Model,
    S: Model,
    Fk: Default + diesel::Expression + diesel::ExpressionMethods,
    BaseQuery<S>: FilterDsl<diesel::dsl::IsNotNull<Fk>>,
    diesel::dsl::Filter<BaseQuery<S>, diesel::dsl::IsNotNull<Fk>>: SelectDsl<Fk>,
{
    type Expr = crate::lookups::BoolOp<
        InSubquery<
            M::PkColumn,
            diesel::dsl::Select<diesel::dsl::Filter<BaseQuery<S>, diesel::dsl::IsNotNull<Fk>>, Fk>,
        >,
        crate::lookups::BoolLiteral,
        crate::lookups::XorOp,
    >;
    fn build(is_null: bool) -> Self::Expr {
        let referrers = S::table()
            .as_query()
            .filter(Fk::default().is_not_null())
            .select(Fk::default());
        // `pk IN (referrers)` XOR `is_null`: true when there is a related row and isnull=false,
        // or none and isnull=true.
        crate::lookups::BoolOp::new(
            InSubquery::new(M::PkColumn::default(), referrers),
            crate::lookups::BoolLiteral(is_null),
        )
    }
}

impl<Base, N> ToJsonPath<Base> for NameIsNull<N> {
    type Out = Lookup<KeyPath<Base, N>, crate::lookups::IsNull, bool>;
    fn to_json_path(self) -> Self::Out {
        Lookup::new(self.is_null)
    }
}
