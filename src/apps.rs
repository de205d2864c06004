//! The app registry (Django's `django.apps.apps`): the models a process works with, so that
//! deleting a row can find every relation that points at it ([`on_delete`](crate::OnDelete)).
//!
//! Populate it once at start-up with the models' metadata, as `django.setup()` does; the
//! registry only grows, and populating the same model twice is harmless.
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Reporter { pub id: Auto<i64>, #[dorm(max_length = 50)] pub name: String }
//!
//! dorm::apps::populate(&[Reporter::META]);
//! assert!(dorm::apps::is_registered("docs_reporter"));
//! ```

use std::sync::{OnceLock, RwLock};

use crate::model::ModelMeta;

fn registry() -> &'static RwLock<Vec<ModelMeta>> {
    static REGISTRY: OnceLock<RwLock<Vec<ModelMeta>>> = OnceLock::new();
    REGISTRY.get_or_init(|| RwLock::new(Vec::new()))
}

/// Registers `models` (and their automatic many-to-many join tables). A model already
/// registered under the same table is replaced by the newer state.
pub fn populate(models: &[ModelMeta]) {
    let mut all = registry().write().unwrap_or_else(|e| e.into_inner());
    for model in models {
        let joins = model.many_to_many.iter().filter_map(|m| m.join).copied();
        for meta in std::iter::once(*model).chain(joins) {
            match all.iter_mut().find(|m| m.db_table == meta.db_table) {
                Some(existing) => *existing = meta,
                None => all.push(meta),
            }
        }
    }
}

/// Whether a model with this table is registered.
pub fn is_registered(db_table: &str) -> bool {
    registry()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .any(|m| m.db_table == db_table)
}

/// Every registered model (automatic join tables included).
pub fn models() -> Vec<ModelMeta> {
    registry().read().unwrap_or_else(|e| e.into_inner()).clone()
}
