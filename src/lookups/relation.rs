//! What a relation compares with: `filter!(Entry::objects(), blog = entry.blog)` takes a key of a
//! `Blog` (a `ForeignKey<Blog>`, or the key value itself), never a `ForeignKey<Author>`.
//!
//! Django checks this at run time ("Cannot query "Author object (1)": Must be "Blog"
//! instance."); dorm checks it when the lookup compiles. A lookup's left side says what it is
//! through [`Operand::Kind`](super::Operand::Kind): a foreign key to `T`
//! ([`ForeignKeyTo<T>`](crate::relations::ForeignKeyTo)) accepts only values that are
//! [`RelatedValue<T>`]; every other field accepts every value its SQL type allows.
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::ForeignKey;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Blog { pub id: Auto<i64> }
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Entry {
//!     pub id: Auto<i64>,
//!     #[dorm(on_delete = cascade)]
//!     pub blog: ForeignKey<Blog>,
//! }
//!
//! fn same_blog(entry: &Entry) {
//!     let _ = filter!(Entry::objects(), blog = entry.blog); // a ForeignKey<Blog>
//!     let _ = filter!(Entry::objects(), blog = 3); // a key
//!     let _ = filter!(Entry::objects(), blog__in = [entry.blog]);
//! }
//! ```
//!
//! ```compile_fail
//! use dorm::prelude::*;
//! use dorm::ForeignKey;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Author { pub id: Auto<i64> }
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Blog { pub id: Auto<i64> }
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Entry {
//!     pub id: Auto<i64>,
//!     #[dorm(on_delete = cascade)]
//!     pub blog: ForeignKey<Blog>,
//! }
//!
//! fn wrong(author: ForeignKey<Author>) {
//!     let _ = filter!(Entry::objects(), blog = author); // Must be a `Blog` instance
//! }
//! ```

use crate::relations::{ForeignKey, ForeignKeyTo, JsonKind, Plain};

/// Values a lookup on an operand of kind `Kind` (a field's
/// [`Field::Kind`](crate::model::Field::Kind)) accepts, beyond what its SQL type allows: any for
/// a plain or JSON field, a [`RelatedValue<T>`] for a foreign key to `T`.
pub trait ComparesWith<Kind> {}

impl<V> ComparesWith<Plain> for V {}
impl<V> ComparesWith<JsonKind> for V {}
impl<T, V: RelatedValue<T>> ComparesWith<ForeignKeyTo<T>> for V {}

/// A value that may stand for a row of `T` in a lookup on a relation to `T`: a
/// [`ForeignKey<T>`] (owned: foreign keys are `Copy` for `Copy` keys), a key value
/// (`blog = 3`), or an expression (`F`, `OuterRef`, a subquery, arithmetic) whose SQL type the
/// lookup checks.
#[diagnostic::on_unimplemented(
    message = "Must be a `{T}` instance: `{Self}` cannot stand for a `{T}` row",
    label = "this relation compares only with a `ForeignKey<{T}>` or a `{T}` key",
    note = "Django: ValueError: Cannot query \"...\": Must be \"{T}\" instance."
)]
pub trait RelatedValue<T> {
    /// What the names check leaves for the value: [`crate::names::Valid`].
    #[doc(hidden)]
    type Checked;
}

#[diagnostic::do_not_recommend]
impl<T, K> RelatedValue<T> for ForeignKey<T, K> {
    type Checked = crate::names::Valid;
}

impl<T, V: RelatedValue<T> + ?Sized> RelatedValue<T> for &V {
    type Checked = V::Checked;
}
#[diagnostic::do_not_recommend]
impl<T> RelatedValue<T> for str {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl<T> RelatedValue<T> for String {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl<T> RelatedValue<T> for serde_json::Value {
    type Checked = crate::names::Valid;
}
