//! Type-level names: how a field's or an annotation's name becomes a type.
//!
//! `dorm::name!(headline)` expands to `(C<'h'>, C<'e'>, C<'a'>, ...)`. A model implements
//! [`crate::model::Field`] once per field under that name, so a lookup such as
//! `filter!(qs, headline = "x")` can carry the name as a type, and the compiler resolves it
//! against the model only where the lookup is applied. An unknown name is then one
//! `on_unimplemented` error in Django's words ("Cannot resolve keyword ... into field"),
//! and the same mechanism will resolve annotations by name.

/// One character of a type-level name.
#[derive(Debug, Clone, Copy, Default)]
pub struct C<const X: char>;
