//! The fields struct: every model's concrete fields as the public fields of a struct the
//! derive writes (`PersonFields { name, age, .. }`), so a list of fields
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
//!     pick: impl FnOnce(&<Person as dorm::model::HasFields>::Fields) -> L,
//! ) -> Vec<&'static str> {
//!     pick(<Person as dorm::model::HasFields>::fields()).into_iter().map(|f| f.name()).collect()
//! }
//! assert_eq!(names(|f| [f.age, f.name]), ["age", "name"]);
//! ```

use std::marker::PhantomData;

use super::Model;

/// One concrete field of model `M`, as its fields struct names it: only the derive makes
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

/// A model with a fields struct; `#[derive(Model)]` implements it.
pub trait HasFields: Model {
    /// `{Model}Fields`: one public [`FieldRef`] per concrete field (many-to-many relations
    /// are not columns and are not in it).
    type Fields: 'static;
    /// The one instance of the fields struct.
    fn fields() -> &'static Self::Fields;
}

/// The names a field list closure picks, checked by rustc against `M`'s fields struct.
pub(crate) fn picked<M, L>(pick: impl FnOnce(&M::Fields) -> L) -> Vec<&'static str>
where
    M: HasFields,
    L: IntoIterator<Item = FieldRef<M>>,
{
    pick(M::fields()).into_iter().map(|f| f.name).collect()
}
