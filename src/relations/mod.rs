//! Relations: [`ForeignKey`] (Django's `models.ForeignKey`), its `on_delete` rule
//! ([`OnDelete`]), and lookups that follow a relation (`filter!(qs, author__name = "x")`).
//!
//! Reverse relations are reached by `related_name` (or the model's name in lower case):
//! `filter!(Author::objects(), books__bestseller = true)` becomes
//! `id IN (SELECT author_id FROM book WHERE bestseller)`.
//!
//! A lookup across a foreign key becomes `fk IN (SELECT pk FROM target WHERE ...)`: the row type
//! never changes, no row appears twice, the conditions of one `filter!` apply to the same related
//! row (Django's multi-valued rule), and a self-referential key (`Employee.boss`) needs no alias.
//! Reading the related row is an explicit query (`book.author.fetch(conn)`), never a silent one.

mod foreign_key;
mod path;

pub use foreign_key::{ForeignKey, OnDelete, OneToOne, RelationMeta};
pub use path::{
    ForeignKeyTo, IsNullKind, JsonKind, NameIsNull, PathKind, PathLookup, PathStep, Plain,
    ReverseOf, ToJsonPath,
};
