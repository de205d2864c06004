//! [`ModelMeta`]: a model's options (Django's `class Meta`) and fields, as data.

use crate::fields::FieldMeta;

/// A `UniqueConstraint(fields=[...], name=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConstraintMeta {
    /// The constraint's name (as given; Django allows spaces and quotes it).
    pub name: &'static str,
    /// The fields (field names, not columns).
    pub fields: &'static [&'static str],
}

/// An `Index(fields=[...], name=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexMeta {
    /// The index's name.
    pub name: &'static str,
    /// The fields (field names); a leading `-` means descending.
    pub fields: &'static [&'static str],
}

/// Everything declared about a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelMeta {
    /// The model's name (`"Entry"`).
    pub name: &'static str,
    /// The app label (the crate's name unless `app_label` is given).
    pub app_label: &'static str,
    /// The table (`db_table`, or Django's `<app_label>_<modelname>`).
    pub db_table: &'static str,
    /// The fields, in declaration order (abstract bases' fields first).
    pub fields: &'static [FieldMeta],
    /// `UniqueConstraint`s.
    pub constraints: &'static [ConstraintMeta],
    /// `indexes`.
    pub indexes: &'static [IndexMeta],
    /// Default ordering (`ordering`), as Django writes it: `"-pub_date"`.
    pub ordering: &'static [&'static str],
    /// `managed = false`: dorm creates no table for it (a view or a legacy table).
    pub managed: bool,
    /// `verbose_name`.
    pub verbose_name: &'static str,
    /// Many-to-many fields (they have no column; an automatic one brings its join table).
    pub many_to_many: &'static [crate::relations::ManyToManyMeta],
}

impl ModelMeta {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldMeta> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The primary key field (`#[derive(Model)]` guarantees there is exactly one; a
    /// hand-written state without one has none).
    pub fn pk(&self) -> Option<&'static FieldMeta> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// The name PostgreSQL gives the unique constraint over `columns` of this table: a
    /// `UniqueConstraint`'s own name, `<table>_pkey` for the primary key, `<table>_<column>_key`
    /// for a `unique` field. SQLite reports columns only; dorm names them the same way, so a
    /// `match` on the constraint works on every backend.
    pub fn unique_constraint_name(&self, columns: &[&str]) -> Option<String> {
        let field_of = |column: &str| self.fields.iter().find(|f| f.column == column);
        for c in self.constraints {
            let cols: Vec<&str> = c
                .fields
                .iter()
                .map(|f| self.column(f).unwrap_or(f))
                .collect();
            if cols.len() == columns.len() && cols.iter().all(|c| columns.contains(c)) {
                return Some(c.name.to_string());
            }
        }
        match columns {
            [one] => match field_of(one) {
                Some(f) if f.primary_key => Some(format!("{}_pkey", self.db_table)),
                Some(f) if f.unique => Some(format!("{}_{}_key", self.db_table, f.column)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Gives an integrity error from SQLite (which names columns, `table.column`) the
    /// constraint name PostgreSQL would report; other errors pass through.
    pub fn name_constraint(&self, err: crate::Error) -> crate::Error {
        match err {
            crate::Error::Integrity {
                kind: crate::IntegrityKind::Unique,
                constraint: Some(c),
                message,
            } => {
                let prefix = format!("{}.", self.db_table);
                let columns: Option<Vec<&str>> = c
                    .split(", ")
                    .map(|part| part.strip_prefix(prefix.as_str()))
                    .collect();
                let named = columns.and_then(|cols| self.unique_constraint_name(&cols));
                crate::Error::Integrity {
                    kind: crate::IntegrityKind::Unique,
                    constraint: Some(named.unwrap_or(c)),
                    message,
                }
            }
            other => other,
        }
    }

    /// The column of the field named `name`.
    pub fn column(&self, name: &str) -> Option<&'static str> {
        self.field(name).map(|f| f.column)
    }
}
