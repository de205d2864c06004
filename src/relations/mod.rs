//! Relations: [`ForeignKey`] (Django's `models.ForeignKey`), its `on_delete` rule
//! ([`OnDelete`]), lookups that follow a relation (`filter!(qs, author__name = "x")`), and
//! loading related rows without N+1 queries (`select_related!`, `prefetch_related!`, read
//! through [`Loaded`]).
//!
//! Reverse relations are reached by `related_name` (or the model's name in lower case):
//! `filter!(Author::objects(), books__bestseller = true)` becomes
//! `id IN (SELECT author_id FROM book WHERE bestseller)`.
//!
//! A lookup across a foreign key becomes `fk IN (SELECT pk FROM target WHERE ...)`: the row type
//! never changes, no row appears twice, the conditions of one `filter!` apply to the same related
//! row (Django's multi-valued rule), and a self-referential key (`Employee.boss`) needs no alias.
//! Reading the related row is an explicit query (`book.author.fetch(conn)`), or a field access
//! on a row loaded with `select_related!`/`prefetch_related!`, never a silent query.

/// A marker for three type parameters (keeps `PhantomData`s short).
pub(crate) type Marker3<A, B, C> = fn() -> (A, B, C);
/// A marker for four type parameters.
pub(crate) type Marker4<A, B, C, D> = fn() -> (A, B, C, D);

mod across;
pub(crate) mod alias;
pub mod deletion;
mod foreign_key;
pub mod keys_in;
mod loaded;
pub mod many_to_many;
pub mod multi_valued;
mod outer;
mod path;
pub mod prefetch_related;
pub mod reuse;
pub mod select_related;

pub use across::{Across, AcrossKind, AcrossPlan, AcrossRest, AcrossValue, Hop, PickAcross};
pub use foreign_key::{ForeignKey, KeyOf, OnDelete, OneToOne, RelationMeta, TargetKey};
pub use loaded::{Got, Here, Loaded, Loads, Nil, Payload, RelatedOf, There};
pub use many_to_many::{
    AutoCreated, Direction, Forward, JoinInsertRows, JoinInserts, JoinRows, JoinWrites, Keys,
    ManyRelated, ManyToMany, ManyToManyField, ManyToManyMeta, ManyToManyVia, RelatedKey, Reverse,
};
pub use outer::{
    InOuter, OuterReads, OuterRow, OuterShape, OuterSql, OuterValue, PlainValue, RowColumn, ToOuter,
};
pub use path::{
    ForeignKeyTo, IsNullKind, JsonKind, NameIsNull, NestedPath, PathKind, PathLookup, PathStep,
    Plain, ReverseOf, ToJsonPath,
};
pub use prefetch_related::{
    Accessor, AllRows, Prefetch, PrefetchKind, PrefetchList, PrefetchPaths, RelationTarget,
};
pub use select_related::{Cons, Join, JoinList, OuterOrderOf};
