//! Writing migration files: a model's state as Rust source (what `makemigrations` writes).
//!
//! The output is a readable, reviewable `const` declaration that uses the same `FieldMeta`
//! builders the docs show; it never refers to the live model, so the migration keeps its
//! meaning after the model changes.

use std::fmt::Write;

use super::{Migration, Operation};
use crate::fields::{DefaultMeta, FieldMeta};
use crate::model::ModelMeta;
use crate::relations::ManyToManyMeta;

fn string_list(items: &[&str]) -> String {
    let inner: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", inner.join(", "))
}

/// One field as a `FieldMeta` builder expression.
pub fn field_source(f: &FieldMeta) -> String {
    let mut s = format!("FieldMeta::new({:?}, FieldKind::{:?})", f.name, f.kind);
    if f.column != f.name {
        let _ = write!(s, ".column({:?})", f.column);
    }
    if f.primary_key {
        s.push_str(".primary_key()");
    } else if f.unique {
        s.push_str(".unique()");
    }
    if f.null {
        s.push_str(".null()");
    }
    if f.db_index {
        s.push_str(".db_index()");
    }
    if let Some(n) = f.max_length {
        let _ = write!(s, ".max_length({n})");
    }
    if let (Some(p), Some(d)) = (f.max_digits, f.decimal_places) {
        let _ = write!(s, ".decimal({p}, {d})");
    }
    match f.default {
        DefaultMeta::None => {}
        DefaultMeta::Literal(l) => {
            let _ = write!(s, ".default(DefaultMeta::Literal({l:?}))");
        }
        DefaultMeta::Callable(c) => {
            let _ = write!(s, ".default(DefaultMeta::Callable({c:?}))");
        }
    }
    if !f.choices.is_empty() {
        let pairs: Vec<String> = f
            .choices
            .iter()
            .map(|(v, l)| format!("({v:?}, {l:?})"))
            .collect();
        let _ = write!(s, ".choices(&[{}])", pairs.join(", "));
    }
    if f.auto_now {
        s.push_str(".auto_now()");
    }
    if f.auto_now_add {
        s.push_str(".auto_now_add()");
    }
    if f.verbose_name != f.name {
        let _ = write!(s, ".verbose_name({:?})", f.verbose_name);
    }
    if let (Some(rel), Some(key)) = (f.relation, f.key_kind) {
        let _ = write!(
            s,
            ".foreign_key({:?}, {:?}, {:?}, FieldKind::{key:?}, OnDelete::{:?})",
            rel.model, rel.table, rel.column, rel.on_delete
        );
    }
    if let Some(u) = f.upload_to {
        let _ = write!(s, ".upload_to({u:?})");
    }
    s
}

/// A model state as a `ModelMeta` literal.
pub fn model_source(m: &ModelMeta) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ModelMeta {{");
    let _ = writeln!(s, "    name: {:?},", m.name);
    let _ = writeln!(s, "    app_label: {:?},", m.app_label);
    let _ = writeln!(s, "    db_table: {:?},", m.db_table);
    let _ = writeln!(s, "    fields: &[");
    for f in m.fields {
        let _ = writeln!(s, "        {},", field_source(f));
    }
    let _ = writeln!(s, "    ],");
    let constraints: Vec<String> = m
        .constraints
        .iter()
        .map(|c| {
            format!(
                "ConstraintMeta {{ name: {:?}, fields: {} }}",
                c.name,
                string_list(c.fields)
            )
        })
        .collect();
    let _ = writeln!(s, "    constraints: &[{}],", constraints.join(", "));
    let indexes: Vec<String> = m
        .indexes
        .iter()
        .map(|i| {
            format!(
                "IndexMeta {{ name: {:?}, fields: {} }}",
                i.name,
                string_list(i.fields)
            )
        })
        .collect();
    let _ = writeln!(s, "    indexes: &[{}],", indexes.join(", "));
    let _ = writeln!(s, "    ordering: {},", string_list(m.ordering));
    let _ = writeln!(s, "    managed: {},", m.managed);
    let _ = writeln!(s, "    verbose_name: {:?},", m.verbose_name);
    let m2m: Vec<String> = m.many_to_many.iter().map(many_to_many_source).collect();
    let _ = writeln!(s, "    many_to_many: &[{}],", m2m.join(", "));
    let _ = write!(s, "}}");
    s
}

/// A many-to-many field as a `ManyToManyMeta` literal (with its join table's state).
fn many_to_many_source(m: &ManyToManyMeta) -> String {
    let join = match m.join {
        Some(join) => format!("Some(&{})", model_source(join)),
        None => "None".to_string(),
    };
    format!(
        "ManyToManyMeta {{ name: {:?}, to: {:?}, related_name: {:?}, through: {:?}, symmetrical: {}, join: {join} }}",
        m.name, m.to, m.related_name, m.through, m.symmetrical
    )
}

/// A whole migration file: the model states it creates as constants, then the `Migration`.
pub fn migration_source(migration: &Migration) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! {}: written by dorm's migration writer. Review it; edit with care.",
        migration.name
    );
    let _ = writeln!(s, "#![allow(unused_imports)]");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "use dorm::fields::{{DefaultMeta, FieldKind, FieldMeta}};"
    );
    let _ = writeln!(s, "use dorm::migrations::{{Migration, Operation}};");
    let _ = writeln!(
        s,
        "use dorm::model::{{ConstraintMeta, IndexMeta, ModelMeta}};"
    );
    let _ = writeln!(s, "use dorm::relations::{{ManyToManyMeta, OnDelete}};");
    let mut ops = Vec::new();
    for op in migration.operations {
        match op {
            Operation::CreateModel(m) => {
                let _ = writeln!(s);
                let konst = m.name.to_uppercase();
                let _ = writeln!(s, "const {konst}: ModelMeta = {};", model_source(m));
                ops.push(format!("Operation::CreateModel({konst})"));
            }
            Operation::DeleteModel(m) => {
                ops.push(format!("Operation::DeleteModel({m:?})"));
            }
            Operation::RunSql { sql, reverse_sql } => {
                ops.push(format!(
                    "Operation::RunSql {{ sql: {sql:?}, reverse_sql: {reverse_sql:?} }}"
                ));
            }
            other => ops.push(format!("{other:?}")),
        }
    }
    let deps: Vec<String> = migration
        .dependencies
        .iter()
        .map(|(a, n)| format!("({a:?}, {n:?})"))
        .collect();
    let _ = writeln!(s);
    let _ = writeln!(s, "/// The migration.");
    let _ = writeln!(s, "pub const MIGRATION: Migration = Migration {{");
    let _ = writeln!(s, "    app_label: {:?},", migration.app_label);
    let _ = writeln!(s, "    name: {:?},", migration.name);
    let _ = writeln!(s, "    dependencies: &[{}],", deps.join(", "));
    let _ = writeln!(s, "    operations: &[");
    for op in ops {
        let _ = writeln!(s, "        {op},");
    }
    let _ = writeln!(s, "    ],");
    let _ = writeln!(s, "    replaces: &[],");
    let _ = writeln!(s, "}};");
    s
}
