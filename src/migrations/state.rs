//! Model states (Django's `ModelState` and `ProjectState`): what the models looked like at one
//! point of the migration history, as owned, editable data.
//!
//! A [`ProjectState`] is built two ways: from the live models' `META`
//! ([`ProjectState::from_models`]) and by replaying migrations' operations from nothing
//! ([`ProjectState::from_migrations`]). The autodetector diffs the two; the executor replays
//! the history to know each operation's before and after states, which is what the SQL of an
//! operation is rendered from. Nothing here reads the database.
//!
//! ```
//! use dorm::fields::{FieldKind, FieldMeta};
//! use dorm::migrations::{Migration, Operation, ProjectState};
//! use dorm::model::ModelMeta;
//!
//! const REPORTER: ModelMeta = ModelMeta {
//!     name: "Reporter", app_label: "news", db_table: "news_reporter",
//!     fields: &[FieldMeta::new("id", FieldKind::BigAutoField).primary_key()],
//!     constraints: &[], indexes: &[], ordering: &[], managed: true,
//!     verbose_name: "reporter", many_to_many: &[],
//! };
//! const HISTORY: &[Migration] = &[
//!     Migration::new("news", "0001_initial", &[], &[Operation::CreateModel(REPORTER)]),
//!     Migration::new("news", "0002_reporter_name", &[("news", "0001_initial")], &[
//!         Operation::AddField {
//!             model: "Reporter",
//!             field: FieldMeta::new("name", FieldKind::CharField).max_length(50),
//!         },
//!     ]),
//! ];
//! let state = ProjectState::from_migrations(HISTORY).unwrap();
//! let reporter = state.model("news", "reporter").unwrap();
//! assert_eq!(reporter.field("name").unwrap().max_length, Some(50));
//! ```

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::fields::FieldMeta;
use crate::model::{ConstraintMeta, IndexMeta, ModelMeta};
use crate::relations::ManyToManyMeta;

use super::Migration;

/// One model's state: [`ModelMeta`] with owned, editable lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelState {
    /// The model's name (`"Venue"`).
    pub name: &'static str,
    /// Its app.
    pub app_label: &'static str,
    /// Its table.
    pub db_table: &'static str,
    /// The fields with a column, in order.
    pub fields: Vec<FieldMeta>,
    /// `UniqueConstraint`s.
    pub constraints: Vec<ConstraintMeta>,
    /// `indexes`.
    pub indexes: Vec<IndexMeta>,
    /// Default ordering.
    pub ordering: Vec<&'static str>,
    /// `managed = false` models (views, legacy tables) have no DDL.
    pub managed: bool,
    /// `verbose_name`.
    pub verbose_name: &'static str,
    /// Many-to-many fields (an automatic one owns its join table).
    pub many_to_many: Vec<ManyToManyMeta>,
}

impl From<&ModelMeta> for ModelState {
    fn from(m: &ModelMeta) -> Self {
        ModelState {
            name: m.name,
            app_label: m.app_label,
            db_table: m.db_table,
            fields: m.fields.to_vec(),
            constraints: m.constraints.to_vec(),
            indexes: m.indexes.to_vec(),
            ordering: m.ordering.to_vec(),
            managed: m.managed,
            verbose_name: m.verbose_name,
            many_to_many: m.many_to_many.to_vec(),
        }
    }
}

impl From<ModelMeta> for ModelState {
    fn from(m: ModelMeta) -> Self {
        ModelState::from(&m)
    }
}

impl ModelState {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldMeta> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The primary key field.
    pub fn pk(&self) -> Option<&FieldMeta> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// The column of the field named `name`.
    pub fn column(&self, name: &str) -> Option<&'static str> {
        self.field(name).map(|f| f.column)
    }

    /// The many-to-many field named `name`.
    pub fn many_to_many(&self, name: &str) -> Option<&ManyToManyMeta> {
        self.many_to_many.iter().find(|m| m.name == name)
    }

    /// The key of this model in a [`ProjectState`]: `(app_label, lowercased name)`.
    pub fn key(&self) -> (String, String) {
        model_key(self.app_label, self.name)
    }
}

/// `(app_label, lowercased name)`: how Django identifies a model in a state.
pub fn model_key(app_label: &str, name: &str) -> (String, String) {
    (app_label.to_string(), name.to_lowercase())
}

/// The verbose name the derive gives a model named `name` (`BlogPost` -> `blog post`).
pub fn default_verbose_name(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push(' ');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// `field` renamed to `new_name` as `RenameField` renames it: the column and the verbose name
/// follow the name when they were derived from it (`name`, or `name_id` for a foreign key).
pub(crate) fn renamed_field(field: &FieldMeta, new_name: &'static str) -> FieldMeta {
    let mut f = *field;
    let follows = f.column == f.name
        || (f.relation.is_some() && f.column.strip_suffix("_id") == Some(f.name));
    if follows {
        f.column = if f.relation.is_some() {
            leak(format!("{new_name}_id"))
        } else {
            new_name
        };
    }
    if f.verbose_name == f.name.replace('_', " ") {
        f.verbose_name = leak(new_name.replace('_', " "));
    }
    f.name = new_name;
    f
}

/// A name made at run time with the `'static` lifetime the states and operations hold (a
/// renamed column, an introspected table, a one-off default): leaked on purpose. Histories,
/// `makemigrations` and `inspectdb` make a handful of them; nothing is leaked per query.
pub(crate) fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A list made at run time, leaked like [`leak`].
pub(crate) fn leak_slice<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

/// Django's default table name for a model: `<app_label>_<modelname>`.
pub fn default_table(app_label: &str, name: &str) -> String {
    format!("{}_{}", app_label, name.to_lowercase())
}

/// Every model of a project at one point of its history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectState {
    models: BTreeMap<(String, String), ModelState>,
}

impl ProjectState {
    /// No models.
    pub fn new() -> Self {
        ProjectState::default()
    }

    /// The state the live models declare (automatic join tables belong to their model).
    pub fn from_models(models: &[ModelMeta]) -> Self {
        let mut state = ProjectState::new();
        for m in models {
            state.add_model(ModelState::from(m));
        }
        state
    }

    /// The state after applying every operation of `migrations`, in graph order.
    pub fn from_migrations(migrations: &[Migration]) -> Result<Self> {
        let graph = super::graph::MigrationGraph::new(migrations)?;
        let mut state = ProjectState::new();
        for m in graph.forwards_plan_all()? {
            m.apply_state(&mut state)?;
        }
        Ok(state)
    }

    /// Adds (or replaces) a model.
    pub fn add_model(&mut self, model: ModelState) {
        self.models.insert(model.key(), model);
    }

    /// Removes a model, returning its last state.
    pub fn remove_model(&mut self, app_label: &str, name: &str) -> Option<ModelState> {
        self.models.remove(&model_key(app_label, name))
    }

    /// The model `name` (any case) of `app_label`.
    pub fn model(&self, app_label: &str, name: &str) -> Option<&ModelState> {
        self.models.get(&model_key(app_label, name))
    }

    /// The model `name` of `app_label`, or an error that names it.
    pub fn get(&self, app_label: &str, name: &str) -> Result<&ModelState> {
        self.model(app_label, name)
            .ok_or_else(|| state_error(format!("no model {app_label}.{name} in the state")))
    }

    /// The model `name` of `app_label`, to edit.
    pub fn get_mut(&mut self, app_label: &str, name: &str) -> Result<&mut ModelState> {
        self.models
            .get_mut(&model_key(app_label, name))
            .ok_or_else(|| state_error(format!("no model {app_label}.{name} in the state")))
    }

    /// Every model, ordered by app and name.
    pub fn models(&self) -> impl Iterator<Item = &ModelState> {
        self.models.values()
    }

    /// The models of one app, ordered by name.
    pub fn app_models<'a>(&'a self, app_label: &'a str) -> impl Iterator<Item = &'a ModelState> {
        self.models
            .values()
            .filter(move |m| m.app_label == app_label)
    }

    /// The model whose table is `db_table`.
    pub fn model_by_table(&self, db_table: &str) -> Option<&ModelState> {
        self.models.values().find(|m| m.db_table == db_table)
    }

    /// Every model, to edit (renames update the relations that point at a model).
    pub fn models_mut(&mut self) -> impl Iterator<Item = &mut ModelState> {
        self.models.values_mut()
    }
}

pub(crate) fn state_error(message: String) -> Error {
    Error::Migration {
        migration: "(state)".into(),
        message,
    }
}
