//! Lookups whose value is `F()` of a path across relations: `filter!(Writer::objects(), name =
//! F(novel__title))` (Django's `filter(name=F("novel__title"))`).
//!
//! Across foreign keys only, the value is the related row's field (`title = F(writer__name)`,
//! `NULL` without a related row). Across a multi-valued relation Django joins the related rows
//! and keeps a row when any of them matches; dorm, whose lookups across multi-valued relations
//! never repeat rows, writes the same condition from the relation's side, the lookup flipped
//! and its value read from the outer row: `name = F(novel__title)` is `novel__title =
//! F(name)`, `pages__gt = F(novel__pages)` is `novel__pages__lt = F(pages)`. The comparisons
//! (`exact`, `gt`, `gte`, `lt`, `lte`) flip; other lookups with such a value do not
//! compile.
//!
//! The macros write both forms ([`FLookup`]); which one applies is decided by the path's
//! relations ([`CrossesMany`]).
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::ForeignKey;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Poet {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 20)]
//!     pub name: String,
//! }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Poem {
//!     pub id: Auto<i64>,
//!     #[dorm(on_delete = cascade)]
//!     pub poet: ForeignKey<Poet>,
//!     #[dorm(max_length = 20)]
//!     pub title: String,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Poet::META, Poem::META], &mut conn)?;
//! let ann = Poet::objects().create(Poet { name: "Ann".into(), ..Default::default() }, &mut conn)?;
//! let bo = Poet::objects().create(Poet { name: "Bo".into(), ..Default::default() }, &mut conn)?;
//! for (poet, title) in [(&ann, "Ann"), (&ann, "Sea"), (&bo, "Sky")] {
//!     let poet = ForeignKey::to(poet).unwrap();
//!     Poem::objects().create(Poem { poet, title: title.into(), ..Default::default() }, &mut conn)?;
//! }
//! // Poet.objects.filter(name=F("poem__title")): Ann wrote a poem named after herself.
//! let named: Vec<String> = filter!(Poet::objects(), name = F(poem__title))
//!     .fetch(&mut conn)?
//!     .into_iter()
//!     .map(|p| p.name)
//!     .collect();
//! assert_eq!(named, ["Ann"]);
//! // Across the foreign key: a poem whose title is its poet's name.
//! let own: Vec<String> = filter!(Poem::objects(), title = F(poet__name))
//!     .fetch(&mut conn)?
//!     .into_iter()
//!     .map(|p| p.title)
//!     .collect();
//! assert_eq!(own, ["Ann"]);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use super::Predicate;
use crate::model::Model;
use crate::relations::reuse::{Either, No, Reuse, Swap, Yes};
use crate::relations::{ForeignKeyTo, ManyToManyVia, PathStep, ReverseOf};

/// A lookup whose value is `F(path)` across relations, written both ways: `direct` (the
/// lookup with the path's value, for a path of foreign keys) and `flipped` (the lookup from
/// the relation's side, for a path across a multi-valued relation); `Hops` lists the path's
/// relations, `(H1, (H2, ()))`.
#[derive(Debug, Clone, Copy)]
pub struct FLookup<Hops, D, Fl> {
    direct: D,
    flipped: Fl,
    _hops: PhantomData<fn() -> Hops>,
}

impl<Hops, D, Fl> FLookup<Hops, D, Fl> {
    /// Both forms (what the macros write for `name = F(a__b)`).
    pub fn new(direct: D, flipped: Fl) -> Self {
        FLookup {
            direct,
            flipped,
            _hops: PhantomData,
        }
    }
}

/// The flipped form of a lookup that does not flip (`contains`, `in`, ...): such a lookup with
/// `F()` across a multi-valued relation does not compile.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotFlippable;

/// The flipped form of a lookup with `F()` across a multi-valued relation, as a condition on
/// model `M`.
#[diagnostic::on_unimplemented(
    message = "this lookup cannot take `F()` across a multi-valued relation of `{M}`",
    label = "written from the relation's side, this lookup does not apply",
    note = "dorm writes `name = F(rel__field)` as `rel__field = F(name)`: only exact, gt, gte, lt and lte flip, and the two fields must compare"
)]
pub trait FlippedForm<M: Model> {
    /// The condition.
    type Form: Predicate<M>;
    /// It.
    fn form(self) -> Self::Form;
}
#[diagnostic::do_not_recommend]
impl<M: Model, P: Predicate<M>> FlippedForm<M> for P {
    type Form = P;
    fn form(self) -> P {
        self
    }
}

// Never built: a lookup that does not flip does not compile (`FlippedForm`).
impl<T> Swap<T> for NotFlippable {
    type Built = NotFlippable;
    fn swap(self) -> NotFlippable {
        self
    }
}

/// Whether the relations `Self` (a list `(H1, (H2, ()))`) followed from model `M` cross a
/// multi-valued one: [`Yes`] or [`No`].
pub trait CrossesMany<M> {
    /// The answer.
    type Out;
}
impl<M> CrossesMany<M> for () {
    type Out = No;
}
impl<M, H, R> CrossesMany<M> for (H, R)
where
    M: PathStep<H>,
    <M as PathStep<H>>::Kind: ManyHop,
    R: CrossesMany<<<M as PathStep<H>>::Kind as ManyHop>::Target>,
    <<M as PathStep<H>>::Kind as ManyHop>::Many:
        Either<<R as CrossesMany<<<M as PathStep<H>>::Kind as ManyHop>::Target>>::Out>,
{
    type Out = <<<M as PathStep<H>>::Kind as ManyHop>::Many as Either<
        <R as CrossesMany<<<M as PathStep<H>>::Kind as ManyHop>::Target>>::Out,
    >>::Out;
}

/// A relation: where it leads, and whether it leads to several rows.
pub trait ManyHop {
    /// The related model.
    type Target;
    /// [`Yes`] for a reverse foreign key or a many-to-many relation.
    type Many;
}
impl<T> ManyHop for ForeignKeyTo<T> {
    type Target = T;
    type Many = No;
}
impl<S, Fk, N> ManyHop for ReverseOf<S, Fk, N> {
    type Target = S;
    type Many = Yes;
}
impl<O, D, N> ManyHop for ManyToManyVia<O, D, N>
where
    O: crate::relations::ManyToManyField<N>,
    D: crate::relations::Direction<O, N>,
{
    type Target = D::Target;
    type Many = Yes;
}

/// Picks the form of an [`FLookup`] on model `M` by the answer `Self` of [`CrossesMany`].
pub trait Choose<M: Model, D, Fl> {
    /// The form.
    type Chosen: Predicate<M>;
    /// Picks it.
    fn choose(direct: D, flipped: Fl) -> Self::Chosen;
}
impl<M: Model, D: Predicate<M>, Fl> Choose<M, D, Fl> for No {
    type Chosen = D;
    fn choose(direct: D, _: Fl) -> D {
        direct
    }
}
impl<M: Model, D, Fl: FlippedForm<M>> Choose<M, D, Fl> for Yes {
    type Chosen = Fl::Form;
    fn choose(_: D, flipped: Fl) -> Fl::Form {
        flipped.form()
    }
}

impl<M: Model, Hops, D, Fl> Predicate<M> for FLookup<Hops, D, Fl>
where
    Hops: CrossesMany<M>,
    Hops::Out: Choose<M, D, Fl>,
{
    type Expr = <<Hops::Out as Choose<M, D, Fl>>::Chosen as Predicate<M>>::Expr;
    fn build(self) -> Self::Expr {
        <Hops::Out as Choose<M, D, Fl>>::choose(self.direct, self.flipped).build()
    }
}

/// The flipped form follows a relation as a filter across it does, so a later aggregate over
/// that relation is restricted by it (Django's reused join); the direct form reads one row.
impl<M, Hops: CrossesMany<M>, D, Fl> Reuse<M> for FLookup<Hops, D, Fl> {
    type HasPath = Hops::Out;
}
impl<T, Hops, D, Fl: Swap<T>> Swap<T> for FLookup<Hops, D, Fl> {
    type Built = Fl::Built;
    fn swap(self) -> Self::Built {
        self.flipped.swap()
    }
}
