//! [`Migration`] and its [`Operation`]s.

use crate::db::Vendor;
use crate::model::ModelMeta;

use super::schema_editor::SchemaEditor;

/// One change to the schema (Django's `migrations.operations`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// Creates a model's table with its fields, unique constraints and indexes. A model with
    /// `managed = false` creates nothing.
    CreateModel(ModelMeta),
    /// Drops a model's table.
    DeleteModel(ModelMeta),
    /// Raw SQL (Django's `RunSQL`), with the SQL that undoes it when there is one. The same
    /// text runs on every backend, so keep it to the SQL they share.
    RunSql {
        /// Statements to apply.
        sql: &'static str,
        /// Statements to undo them (`None`: irreversible).
        reverse_sql: Option<&'static str>,
    },
}

impl Operation {
    /// A one-line human description (Django's `describe()`).
    pub fn describe(&self) -> String {
        match self {
            Operation::CreateModel(m) => format!("Create model {}", m.name),
            Operation::DeleteModel(m) => format!("Delete model {}", m.name),
            Operation::RunSql { .. } => "Raw SQL operation".to_string(),
        }
    }

    /// The SQL that applies this operation on `vendor`.
    pub fn forwards_sql(&self, vendor: Vendor) -> Vec<String> {
        let editor = SchemaEditor::new(vendor);
        match self {
            Operation::CreateModel(m) if m.managed => editor.create_model(m),
            Operation::CreateModel(_) => Vec::new(),
            Operation::DeleteModel(m) if m.managed => editor.delete_model(m),
            Operation::DeleteModel(_) => Vec::new(),
            Operation::RunSql { sql, .. } => vec![sql.to_string()],
        }
    }

    /// The SQL that undoes this operation on `vendor`; `None` when it cannot be undone.
    pub fn backwards_sql(&self, vendor: Vendor) -> Option<Vec<String>> {
        let editor = SchemaEditor::new(vendor);
        match self {
            Operation::CreateModel(m) if m.managed => Some(editor.delete_model(m)),
            Operation::CreateModel(_) => Some(Vec::new()),
            Operation::DeleteModel(m) if m.managed => Some(editor.create_model(m)),
            Operation::DeleteModel(_) => Some(Vec::new()),
            Operation::RunSql { reverse_sql, .. } => reverse_sql.map(|s| vec![s.to_string()]),
        }
    }
}

/// A named list of operations (Django's `Migration` class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// The app the migration belongs to.
    pub app_label: &'static str,
    /// Its name, `NNNN_description`.
    pub name: &'static str,
    /// Migrations that must run first, as `(app_label, name)`.
    pub dependencies: &'static [(&'static str, &'static str)],
    /// What it does, in order.
    pub operations: &'static [Operation],
}

impl Migration {
    /// `app_label.name`: the version recorded in the ledger.
    pub fn version(&self) -> String {
        format!("{}.{}", self.app_label, self.name)
    }

    /// Every model state the migration creates, in order.
    pub fn created_models(&self) -> impl Iterator<Item = &ModelMeta> {
        self.operations.iter().filter_map(|op| match op {
            Operation::CreateModel(m) => Some(m),
            _ => None,
        })
    }
}
