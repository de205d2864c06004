//! Model source: a [`ModelState`](super::ModelState) written as a `#[derive(Model)]` struct,
//! for `inspectdb` and for the frozen models of data migrations.
