//! The columns struct: every model's concrete fields as the public fields of a struct the
//! derive writes (`PersonColumns { name, age, .. }`), so a list of fields
//! (`save(update_fields=[...])`, `bulk_update(objs, [...])`) is written `|f| [f.age, f.name]`
//! and checked by rustc's own field resolution: a misspelt name does not compile, is reported
//! at the user's token, and comes with rustc's "a field with a similar name exists".
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::fields::Auto;
//! use dorm::model::FieldRef;
//!
//! #[derive(Debug, Clone, dorm::Model)]
//! #[dorm(app_label = "docs")]
//! pub struct Person {
//!     id: Auto<i64>,
//!     name: String,
//!     age: i32,
//! }
//!
//! fn names<L: IntoIterator<Item = FieldRef<Person>>>(
//!     pick: impl FnOnce(&<Person as dorm::model::HasFields>::Columns) -> L,
//! ) -> Vec<&'static str> {
//!     pick(<Person as dorm::model::HasFields>::columns()).into_iter().map(|f| f.name()).collect()
//! }
//! assert_eq!(names(|f| [f.age, f.name]), ["age", "name"]);
//! ```

use std::marker::PhantomData;

use super::Model;

/// One concrete field of model `M`, as its columns struct names it: only the derive makes
/// them, so the name is always one of `M`'s fields.
pub struct FieldRef<M> {
    name: &'static str,
    _model: PhantomData<fn() -> M>,
}

impl<M> FieldRef<M> {
    #[doc(hidden)]
    pub const fn __new(name: &'static str) -> Self {
        FieldRef {
            name,
            _model: PhantomData,
        }
    }

    /// The field's name (the Rust field's, as in `META.fields`).
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl<M> Clone for FieldRef<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for FieldRef<M> {}

impl<M> std::fmt::Debug for FieldRef<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldRef({})", self.name)
    }
}

/// A model's two structs of names, both written by `#[derive(Model)]`.
pub trait HasFields: Model {
    /// `{Model}Fields`: one method per name a query can use (every field, relation and
    /// `pk`); the macros call them so that rustc checks each name (see
    /// [`crate::names::resolve`]).
    type Fields: crate::names::Names + crate::names::Hop;
    /// `{Model}Columns`: one public [`FieldRef`] per concrete field (many-to-many relations
    /// are not columns and are not in it), for field lists.
    type Columns: 'static;
    /// The one instance of the columns struct.
    fn columns() -> &'static Self::Columns;
}

/// The names a field list closure picks, checked by rustc against `M`'s columns struct.
pub(crate) fn picked<M, L>(pick: impl FnOnce(&M::Columns) -> L) -> Vec<&'static str>
where
    M: HasFields,
    L: IntoIterator<Item = FieldRef<M>>,
{
    pick(M::columns()).into_iter().map(|f| f.name).collect()
}
