//! [`Migration`] and its [`Operation`]s (Django's `django.db.migrations.operations`).
//!
//! Each operation knows its change to the [`ProjectState`] ([`Operation::state_forwards`]),
//! its change to the database in both directions ([`Operation::database_forwards`],
//! [`Operation::database_backwards`], rendered for one backend from the states before and after
//! it) and a one-line description ([`Operation::describe`]).

use crate::db::{Executor, Vendor};
use crate::error::Result;
use crate::fields::FieldMeta;
use crate::model::{ConstraintMeta, IndexMeta, ModelMeta};
use crate::relations::ManyToManyMeta;

use super::state::{
    default_table, default_verbose_name, leak, leak_slice, renamed_field, state_error, ModelState,
    ProjectState,
};

/// A data migration's function (Django's `RunPython` callable): it gets the migration's
/// connection, inside the migration's transaction, and uses the frozen models the migration
/// file declares.
pub type RustCode = fn(&mut dyn Executor) -> Result<()>;

/// One change to the schema or the data.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Operation {
    /// Creates a model's table with its fields, unique constraints, indexes and automatic
    /// many-to-many join tables. A model with `managed = false` creates nothing.
    CreateModel(ModelMeta),
    /// Drops a model's table (its state before comes from the history).
    DeleteModel(&'static str),
    /// Renames a model; a table named by default (`app_model`) is renamed with it, and
    /// foreign keys pointing at it follow.
    RenameModel {
        /// The current name.
        old_name: &'static str,
        /// The new name.
        new_name: &'static str,
    },
    /// Moves a model to another table (Django's `AlterModelTable`, a changed `db_table`);
    /// foreign keys pointing at it follow.
    AlterModelTable {
        /// The model's name.
        model: &'static str,
        /// The new table.
        table: &'static str,
    },
    /// Changes options that have no schema of their own (Django's `AlterModelOptions`):
    /// `managed`, `ordering`, `verbose_name`. State only; no SQL.
    AlterModelOptions {
        /// The model's name.
        model: &'static str,
        /// `managed` as it becomes (a model turning unmanaged keeps its table, a model turning
        /// managed adopts the one that exists, as in Django).
        managed: bool,
        /// Default ordering as it becomes.
        ordering: &'static [&'static str],
        /// `verbose_name` as it becomes.
        verbose_name: &'static str,
    },
    /// Adds a column.
    AddField {
        /// The model's name.
        model: &'static str,
        /// The new field.
        field: FieldMeta,
    },
    /// Drops a column.
    RemoveField {
        /// The model's name.
        model: &'static str,
        /// The field's name.
        name: &'static str,
    },
    /// Changes a field's definition (type, null, default, unique, db_index, max_length,
    /// choices, decimal precision); `field.name` names the field changed.
    AlterField {
        /// The model's name.
        model: &'static str,
        /// The field as it becomes.
        field: FieldMeta,
    },
    /// Renames a field (and its column when the column followed the name).
    RenameField {
        /// The model's name.
        model: &'static str,
        /// The current name.
        old_name: &'static str,
        /// The new name.
        new_name: &'static str,
    },
    /// Adds a many-to-many field (and its join table when it has no `through`).
    AddManyToMany {
        /// The model's name.
        model: &'static str,
        /// The field.
        field: ManyToManyMeta,
    },
    /// Removes a many-to-many field (and its join table).
    RemoveManyToMany {
        /// The model's name.
        model: &'static str,
        /// The field's name.
        name: &'static str,
    },
    /// Adds an `Index`.
    AddIndex {
        /// The model's name.
        model: &'static str,
        /// The index.
        index: IndexMeta,
    },
    /// Drops an `Index`.
    RemoveIndex {
        /// The model's name.
        model: &'static str,
        /// The index's name.
        name: &'static str,
    },
    /// Adds a `UniqueConstraint`.
    AddConstraint {
        /// The model's name.
        model: &'static str,
        /// The constraint.
        constraint: ConstraintMeta,
    },
    /// Drops a `UniqueConstraint`.
    RemoveConstraint {
        /// The model's name.
        model: &'static str,
        /// The constraint's name.
        name: &'static str,
    },
    /// Raw SQL (Django's `RunSQL`), with the SQL that undoes it when there is one. The same
    /// text runs on every backend, so keep it to the SQL they share.
    RunSql {
        /// Statements to apply.
        sql: &'static str,
        /// Statements to undo them (`None`: irreversible).
        reverse_sql: Option<&'static str>,
    },
    /// A data migration (Django's `RunPython`): Rust functions run in the migration's
    /// transaction.
    RunRust {
        /// The forward function's name, for descriptions and the migration's checksum.
        name: &'static str,
        /// The forward function.
        code: RustCode,
        /// The function that undoes it (`None`: irreversible; rolling back past it is an
        /// error). `Some(noop)` when there is nothing to undo.
        reverse_code: Option<RustCode>,
    },
}

/// A data migration function that does nothing (Django's `RunPython.noop`), for the reverse
/// of a migration that needs no undoing.
pub fn noop(_conn: &mut dyn Executor) -> Result<()> {
    Ok(())
}

impl PartialEq for Operation {
    /// Operations compare by their content; data migrations by their functions' names.
    fn eq(&self, other: &Self) -> bool {
        self.fingerprint() == other.fingerprint()
    }
}

impl Operation {
    /// A one-line human description (Django's `describe()`).
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel(m) => format!("Create model {}", m.name),
            Operation::DeleteModel(m) => format!("Delete model {m}"),
            Operation::RenameModel { old_name, new_name } => {
                format!("Rename model {old_name} to {new_name}")
            }
            Operation::AlterModelTable { model, table } => {
                format!("Rename table for {} to {table}", model.to_lowercase())
            }
            Operation::AlterModelOptions { model, .. } => {
                format!("Change Meta options on {}", model.to_lowercase())
            }
            Operation::AddField { model, field } => {
                format!("Add field {} to {}", field.name, model.to_lowercase())
            }
            Operation::RemoveField { model, name } => {
                format!("Remove field {name} from {}", model.to_lowercase())
            }
            Operation::AlterField { model, field } => {
                format!("Alter field {} on {}", field.name, model.to_lowercase())
            }
            Operation::RenameField {
                model,
                old_name,
                new_name,
            } => format!(
                "Rename field {old_name} on {} to {new_name}",
                model.to_lowercase()
            ),
            Operation::AddManyToMany { model, field } => {
                format!("Add field {} to {}", field.name, model.to_lowercase())
            }
            Operation::RemoveManyToMany { model, name } => {
                format!("Remove field {name} from {}", model.to_lowercase())
            }
            Operation::AddIndex { model, index } => {
                format!("Create index {} on model {model}", index.name)
            }
            Operation::RemoveIndex { model, name } => {
                format!("Remove index {name} from {model}")
            }
            Operation::AddConstraint { model, constraint } => {
                format!("Create constraint {} on model {model}", constraint.name)
            }
            Operation::RemoveConstraint { model, name } => {
                format!("Remove constraint {name} from model {model}")
            }
            Operation::RunSql { .. } => "Raw SQL operation".to_string(),
            Operation::RunRust { name, .. } => format!("Raw Rust operation ({name})"),
        }
    }

    /// Whether the operation can be undone.
    pub fn reversible(&self) -> bool {
        match self {
            Operation::RunSql { reverse_sql, .. } => reverse_sql.is_some(),
            Operation::RunRust { reverse_code, .. } => reverse_code.is_some(),
            _ => true,
        }
    }

    /// Whether this is a data migration step (Django's `RunPython`/`RunSQL` "elidable"
    /// candidates when squashing).
    pub fn is_data(&self) -> bool {
        matches!(self, Operation::RunSql { .. } | Operation::RunRust { .. })
    }

    /// A stable text form of the operation (function pointers by name): what a migration's
    /// checksum is computed from.
    pub fn fingerprint(&self) -> String {
        match self {
            Operation::RunRust {
                name, reverse_code, ..
            } => format!("RunRust({name}, reversible: {})", reverse_code.is_some()),
            other => format!("{other:?}"),
        }
    }

    /// The model the operation is about, if it is about one.
    pub fn model_name(&self) -> Option<&'static str> {
        match *self {
            Operation::CreateModel(m) => Some(m.name),
            Operation::DeleteModel(m) => Some(m),
            Operation::RenameModel { old_name, .. } => Some(old_name),
            Operation::AlterModelTable { model, .. }
            | Operation::AlterModelOptions { model, .. }
            | Operation::AddField { model, .. }
            | Operation::RemoveField { model, .. }
            | Operation::AlterField { model, .. }
            | Operation::RenameField { model, .. }
            | Operation::AddManyToMany { model, .. }
            | Operation::RemoveManyToMany { model, .. }
            | Operation::AddIndex { model, .. }
            | Operation::RemoveIndex { model, .. }
            | Operation::AddConstraint { model, .. }
            | Operation::RemoveConstraint { model, .. } => Some(model),
            Operation::RunSql { .. } | Operation::RunRust { .. } => None,
        }
    }

    /// Applies the operation to `state` (Django's `state_forwards`): the models of
    /// `app_label` as they are after it.
    pub fn state_forwards(&self, app_label: &str, state: &mut ProjectState) -> Result<()> {
        match *self {
            Operation::CreateModel(m) => {
                if state.model(app_label, m.name).is_some() {
                    return Err(state_error(format!(
                        "model {app_label}.{} is created twice",
                        m.name
                    )));
                }
                state.add_model(ModelState::from(&m));
            }
            Operation::DeleteModel(name) => {
                state.get(app_label, name)?;
                state.remove_model(app_label, name);
            }
            Operation::RenameModel { old_name, new_name } => {
                let mut model = state.get(app_label, old_name)?.clone();
                state.remove_model(app_label, old_name);
                let old_table = model.db_table;
                if old_table == default_table(app_label, old_name) {
                    model.db_table = leak(default_table(app_label, new_name));
                }
                if model.verbose_name == default_verbose_name(old_name) {
                    model.verbose_name = leak(default_verbose_name(new_name));
                }
                model.name = new_name;
                let new_table = model.db_table;
                state.add_model(model);
                for other in state.models_mut() {
                    for f in &mut other.fields {
                        if let Some(rel) = f.relation.as_mut() {
                            if rel.table == old_table {
                                rel.table = new_table;
                                rel.model = new_name;
                            }
                        }
                    }
                    for m2m in &mut other.many_to_many {
                        if m2m.to == old_name {
                            m2m.to = new_name;
                        }
                    }
                }
            }
            Operation::AlterModelTable { model, table } => {
                let m = state.get_mut(app_label, model)?;
                let (old_table, name) = (m.db_table, m.name);
                m.db_table = table;
                for other in state.models_mut() {
                    for f in &mut other.fields {
                        if let Some(rel) = f.relation.as_mut() {
                            if rel.table == old_table && rel.model.eq_ignore_ascii_case(name) {
                                rel.table = table;
                            }
                        }
                    }
                }
            }
            Operation::AlterModelOptions {
                model,
                managed,
                ordering,
                verbose_name,
            } => {
                let m = state.get_mut(app_label, model)?;
                m.managed = managed;
                m.ordering = ordering.to_vec();
                m.verbose_name = verbose_name;
            }
            Operation::AddField { model, field } => {
                let m = state.get_mut(app_label, model)?;
                if m.field(field.name).is_some() {
                    return Err(state_error(format!(
                        "{model}.{} already exists",
                        field.name
                    )));
                }
                m.fields.push(field);
            }
            Operation::RemoveField { model, name } => {
                let m = state.get_mut(app_label, model)?;
                let before = m.fields.len();
                m.fields.retain(|f| f.name != name);
                if m.fields.len() == before {
                    return Err(state_error(format!("{model}.{name} does not exist")));
                }
                // Indexes and constraints over the field go with it.
                m.indexes
                    .retain(|i| !i.fields.iter().any(|f| f.trim_start_matches('-') == name));
                m.constraints.retain(|c| !c.fields.contains(&name));
            }
            Operation::AlterField { model, field } => {
                let m = state.get_mut(app_label, model)?;
                let slot = m
                    .fields
                    .iter_mut()
                    .find(|f| f.name == field.name)
                    .ok_or_else(|| state_error(format!("{model}.{} does not exist", field.name)))?;
                *slot = field;
            }
            Operation::RenameField {
                model,
                old_name,
                new_name,
            } => {
                let m = state.get_mut(app_label, model)?;
                if m.field(new_name).is_some() {
                    return Err(state_error(format!("{model}.{new_name} already exists")));
                }
                let slot = m
                    .fields
                    .iter_mut()
                    .find(|f| f.name == old_name)
                    .ok_or_else(|| state_error(format!("{model}.{old_name} does not exist")))?;
                *slot = renamed_field(slot, new_name);
                let rename = |f: &&'static str| -> &'static str {
                    match f.strip_prefix('-') {
                        Some(n) if n == old_name => leak(format!("-{new_name}")),
                        _ if *f == old_name => new_name,
                        _ => f,
                    }
                };
                for i in &mut m.indexes {
                    if i.fields
                        .iter()
                        .any(|f| f.trim_start_matches('-') == old_name)
                    {
                        i.fields = leak_slice(i.fields.iter().map(rename).collect());
                    }
                }
                for c in &mut m.constraints {
                    if c.fields.contains(&old_name) {
                        c.fields = leak_slice(c.fields.iter().map(rename).collect());
                    }
                }
            }
            Operation::AddManyToMany { model, field } => {
                let m = state.get_mut(app_label, model)?;
                if m.many_to_many(field.name).is_some() {
                    return Err(state_error(format!(
                        "{model}.{} already exists",
                        field.name
                    )));
                }
                m.many_to_many.push(field);
            }
            Operation::RemoveManyToMany { model, name } => {
                let m = state.get_mut(app_label, model)?;
                let before = m.many_to_many.len();
                m.many_to_many.retain(|f| f.name != name);
                if m.many_to_many.len() == before {
                    return Err(state_error(format!("{model}.{name} does not exist")));
                }
            }
            Operation::AddIndex { model, index } => {
                let m = state.get_mut(app_label, model)?;
                if m.indexes.iter().any(|i| i.name == index.name) {
                    return Err(state_error(format!("index {} already exists", index.name)));
                }
                m.indexes.push(index);
            }
            Operation::RemoveIndex { model, name } => {
                let m = state.get_mut(app_label, model)?;
                let before = m.indexes.len();
                m.indexes.retain(|i| i.name != name);
                if m.indexes.len() == before {
                    return Err(state_error(format!("no index {name} on {model}")));
                }
            }
            Operation::AddConstraint { model, constraint } => {
                let m = state.get_mut(app_label, model)?;
                if m.constraints.iter().any(|c| c.name == constraint.name) {
                    return Err(state_error(format!(
                        "constraint {} already exists",
                        constraint.name
                    )));
                }
                m.constraints.push(constraint);
            }
            Operation::RemoveConstraint { model, name } => {
                let m = state.get_mut(app_label, model)?;
                let before = m.constraints.len();
                m.constraints.retain(|c| c.name != name);
                if m.constraints.len() == before {
                    return Err(state_error(format!("no constraint {name} on {model}")));
                }
            }
            Operation::RunSql { .. } | Operation::RunRust { .. } => {}
        }
        Ok(())
    }

    /// The SQL that takes the database of `app_label` from `before` to `after` (the states
    /// around this operation) on `vendor`. Data migrations render nothing here; the executor
    /// runs their functions.
    pub fn database_forwards(
        &self,
        app_label: &str,
        vendor: Vendor,
        before: &ProjectState,
        after: &ProjectState,
    ) -> Result<Vec<String>> {
        super::schema_editor::SchemaEditor::new(vendor).forwards(self, app_label, before, after)
    }

    /// The SQL that takes the database of `app_label` back from `after` to `before`; an error
    /// when the operation is irreversible.
    pub fn database_backwards(
        &self,
        app_label: &str,
        vendor: Vendor,
        before: &ProjectState,
        after: &ProjectState,
    ) -> Result<Vec<String>> {
        super::schema_editor::SchemaEditor::new(vendor).backwards(self, app_label, before, after)
    }
}

/// A named list of operations (Django's `Migration` class).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Migration {
    /// The app the migration belongs to.
    pub app_label: &'static str,
    /// Its name, `NNNN_description`.
    pub name: &'static str,
    /// Migrations that must run first, as `(app_label, name)`.
    pub dependencies: &'static [(&'static str, &'static str)],
    /// What it does, in order.
    pub operations: &'static [Operation],
    /// A squashed migration's originals, as `(app_label, name)`: applied once every one of
    /// them is (or in their place on a new database).
    pub replaces: &'static [(&'static str, &'static str)],
}

impl Migration {
    /// A migration that replaces nothing.
    pub const fn new(
        app_label: &'static str,
        name: &'static str,
        dependencies: &'static [(&'static str, &'static str)],
        operations: &'static [Operation],
    ) -> Self {
        Migration {
            app_label,
            name,
            dependencies,
            operations,
            replaces: &[],
        }
    }

    /// `app_label.name`: the version recorded in the ledger.
    pub fn version(&self) -> String {
        format!("{}.{}", self.app_label, self.name)
    }

    /// `(app_label, name)`.
    pub fn key(&self) -> (&'static str, &'static str) {
        (self.app_label, self.name)
    }

    /// Every model state the migration creates, in order.
    pub fn created_models(&self) -> impl Iterator<Item = &ModelMeta> {
        self.operations.iter().filter_map(|op| match op {
            Operation::CreateModel(m) => Some(m),
            _ => None,
        })
    }

    /// Applies every operation to `state`.
    pub fn apply_state(&self, state: &mut ProjectState) -> Result<()> {
        for op in self.operations {
            op.state_forwards(self.app_label, state)
                .map_err(|e| super::executor::migration_error(self.version(), e))?;
        }
        Ok(())
    }

    /// The checksum of the operations (FNV-1a over their fingerprints), recorded when the
    /// migration is applied so an edit afterwards is noticed.
    pub fn checksum(&self) -> String {
        let mut hash = 0xcbf2_9ce4_8422_2325_u64;
        for op in self.operations {
            for b in op.fingerprint().bytes().chain(std::iter::once(b'\n')) {
                hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}
