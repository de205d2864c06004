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
}

impl ModelMeta {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldMeta> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The primary key field.
    pub fn pk(&self) -> &'static FieldMeta {
        self.fields
            .iter()
            .find(|f| f.primary_key)
            .expect("#[derive(Model)] guarantees one primary key")
    }

    /// The column of the field named `name`.
    pub fn column(&self, name: &str) -> Option<&'static str> {
        self.field(name).map(|f| f.column)
    }
}
