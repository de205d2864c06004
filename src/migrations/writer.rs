//! Writing migration files: operations and model states as Rust source (what
//! `makemigrations` writes).
//!
//! The output is a readable, reviewable `const` declaration that uses the same `FieldMeta`
//! builders the docs show; it never refers to the live model, so the migration keeps its
//! meaning after the model changes. The one exception is by design: functions a field names
//! (`upload_to`, a callable `default`) are written `dorm::fn_ref!(crate::models::f)`, so
//! renaming or removing the function breaks the build instead of a deployed migration.
//!
//! File kinds:
//!
//! * [`migration_source`] / [`migration_source_in`]: a migration with its operations;
//! * [`data_migration_source`]: `makemigrations --empty`, a `RunRust` migration with frozen
//!   copies of the models;
//! * [`merge_migration_source`]: `makemigrations --merge`, a migration depending on the leaves
//!   of parallel branches;
//! * [`mod_rs_source`]: the `migrations/mod.rs` listing the files.
//!
//! The text is valid Rust with long builder chains on one line; [`format_source`] runs
//! `rustfmt` over it when it is installed (Django runs `black` the same way).
//!
//! ```
//! use dorm::fields::{FieldKind, FieldMeta};
//! use dorm::migrations::{writer, Migration, Operation};
//!
//! const OPS: &[Operation] = &[Operation::AddField {
//!     model: "Venue",
//!     field: FieldMeta::new("license", FieldKind::CharField).max_length(20).null(),
//! }];
//! let migration = Migration::new("shop", "0002_venue_license", &[("shop", "0001_initial")], OPS);
//! let source = writer::migration_source(&migration);
//! assert!(source.contains(
//!     r#"Operation::AddField { model: "Venue", field: FieldMeta::new("license", FieldKind::CharField).null().max_length(20) }"#
//! ));
//! assert!(source.contains(r#"dependencies: &[("shop", "0001_initial")],"#));
//! ```

use std::fmt::Write;

use super::state::ModelState;
use super::RustCode;
use super::{Migration, Operation};
use crate::fields::{DefaultMeta, FieldMeta};
use crate::model::{ConstraintMeta, IndexMeta, ModelMeta};
use crate::relations::ManyToManyMeta;

/// `text` as a Rust string literal that evaluates to exactly `text`, for any text: `"..."`
/// with `"`, `\\`, control characters, text-direction and other invisible characters escaped
/// (`\n`, `\u{202e}`), so the literal stays on one line and no lint refuses it. Every name or
/// text read from a database, a file name or the command line goes into generated source
/// through this (or [`comment_text`]). Never panics.
///
/// ```
/// use dorm::migrations::writer::string_literal;
/// assert_eq!(string_literal("a\"b\n"), r#""a\"b\n""#);
/// ```
#[doc(hidden)]
pub fn string_literal(text: &str) -> String {
    // `str`'s `Debug` is Rust's own escaping: a valid literal of the same text.
    format!("{text:?}")
}

/// `text` made safe inside any Rust comment (`//`, `///`, `/* */`), visibly: control
/// characters (line breaks included) and invisible or text-direction characters are escaped
/// as [`char::escape_debug`] writes them (`\n`, `\u{202e}`), a backslash is doubled so the
/// escapes cannot be confused with the text, and `/*` and `*/` get a `\` between their two
/// characters so they neither open nor close a block comment. Quotes are kept. Never panics.
///
/// ```
/// use dorm::migrations::writer::comment_text;
/// assert_eq!(comment_text("t\nfn main() {} */ /*"), r"t\nfn main() {} *\/ /\*");
/// assert_eq!(comment_text("it's \"x\""), r#"it's "x""#);
/// ```
#[doc(hidden)]
pub fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            (out.chars().next_back(), c),
            (Some('/'), '*') | (Some('*'), '/')
        ) {
            out.push('\\');
        }
        match c {
            '"' | '\'' => out.push(c),
            c => out.extend(c.escape_debug()),
        }
    }
    out
}

fn string_list(items: &[&str]) -> String {
    let inner: Vec<String> = items.iter().map(|s| string_literal(s)).collect();
    format!("&[{}]", inner.join(", "))
}

fn pairs_list(items: &[(&str, &str)]) -> String {
    let inner: Vec<String> = items
        .iter()
        .map(|(a, b)| format!("({}, {})", string_literal(a), string_literal(b)))
        .collect();
    format!("&[{}]", inner.join(", "))
}

/// A string literal, raw (`r#"..."#`) when it has quotes or line breaks (SQL reads better) and
/// nothing a raw string cannot show as it is (a carriage return, other control characters,
/// invisible or text-direction characters).
fn text_literal(s: &str) -> String {
    let plain =
        |c: char| matches!(c, '\n' | '\t' | '"' | '\'' | '\\') || c.escape_debug().count() == 1;
    if (s.contains('\n') || s.contains('"')) && s.chars().all(plain) {
        let mut hashes = 1;
        while s.contains(&format!("\"{}", "#".repeat(hashes))) {
            hashes += 1;
        }
        let h = "#".repeat(hashes);
        format!("r{h}\"{s}\"{h}")
    } else {
        format!("{s:?}")
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `path` as `dorm::fn_ref!` takes it, if it names a free function by a full path
/// (`scrapbook::models::venue_directory_path`): at least two segments, none but the last
/// a type (an associated function such as `chrono::Utc::now` cannot be `use`d). A leading
/// `<crate_name>::` becomes `crate::`.
fn function_path(path: &str, crate_name: &str) -> Option<String> {
    let segments: Vec<&str> = path.split("::").collect();
    let free = segments.len() >= 2
        && segments.iter().all(|s| is_ident(s))
        && segments[..segments.len() - 1]
            .iter()
            .all(|s| !s.starts_with(|c: char| c.is_ascii_uppercase()));
    if !free {
        return None;
    }
    let crate_name = crate_name.replace('-', "_");
    match path.strip_prefix(&format!("{crate_name}::")) {
        Some(rest) if !crate_name.is_empty() => Some(format!("crate::{rest}")),
        _ => Some(path.to_string()),
    }
}

/// A callable default's text as source: `dorm::fn_ref!(crate::models::f())` for a call of a
/// function by path, the text as a string otherwise.
fn callable_source(text: &str, crate_name: &str) -> String {
    match text
        .strip_suffix("()")
        .and_then(|p| function_path(p, crate_name))
    {
        Some(path) => format!("dorm::fn_ref!({path}())"),
        None => format!("{text:?}"),
    }
}

/// An `upload_to` path as source: `dorm::fn_ref!(crate::models::f)`, or the text as a string.
fn upload_to_source(text: &str, crate_name: &str) -> String {
    match function_path(text, crate_name) {
        Some(path) => format!("dorm::fn_ref!({path})"),
        None => format!("{text:?}"),
    }
}

/// One field as a `FieldMeta` builder expression. Function paths are written with
/// `dorm::fn_ref!` as they are recorded (see [`field_source_in`] to write the crate's own
/// paths as `crate::...`).
pub fn field_source(f: &FieldMeta) -> String {
    field_source_in(f, "")
}

/// One field as a `FieldMeta` builder expression, for a file compiled in the crate
/// `crate_name`: `upload_to` and callable defaults recorded as `crate_name::path::f` are
/// written `dorm::fn_ref!(crate::path::f)`.
///
/// ```
/// use dorm::fields::{DefaultMeta, FieldKind, FieldMeta};
/// use dorm::migrations::writer::field_source_in;
///
/// let photo = FieldMeta::new("photo", FieldKind::ImageField)
///     .max_length(100)
///     .upload_to("scrapbook::models::venue_directory_path");
/// assert_eq!(
///     field_source_in(&photo, "scrapbook"),
///     r#"FieldMeta::new("photo", FieldKind::ImageField).max_length(100).upload_to(dorm::fn_ref!(crate::models::venue_directory_path))"#
/// );
/// let joined = FieldMeta::new("joined", FieldKind::DateTimeField)
///     .default(DefaultMeta::Callable("dorm::fields::now()"));
/// assert!(field_source_in(&joined, "scrapbook")
///     .ends_with(".default(DefaultMeta::Callable(dorm::fn_ref!(dorm::fields::now())))"));
/// ```
pub fn field_source_in(f: &FieldMeta, crate_name: &str) -> String {
    let mut s = format!(
        "FieldMeta::new({}, FieldKind::{:?})",
        string_literal(f.name),
        f.kind
    );
    if f.column != f.name {
        let _ = write!(s, ".column({})", string_literal(f.column));
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
    if f.decimal_storage == crate::fields::DecimalStorage::Numeric {
        s.push_str(".sqlite_numeric()");
    }
    match f.default {
        DefaultMeta::None => {}
        DefaultMeta::Literal(l) => {
            let _ = write!(s, ".default(DefaultMeta::Literal({}))", string_literal(l));
        }
        DefaultMeta::Callable(c) => {
            let _ = write!(
                s,
                ".default(DefaultMeta::Callable({}))",
                callable_source(c, crate_name)
            );
        }
    }
    if !f.choices.is_empty() {
        let _ = write!(s, ".choices({})", pairs_list(f.choices));
    }
    if f.auto_now {
        s.push_str(".auto_now()");
    }
    if f.auto_now_add {
        s.push_str(".auto_now_add()");
    }
    if f.verbose_name != f.name {
        let _ = write!(s, ".verbose_name({})", string_literal(f.verbose_name));
    }
    if let (Some(rel), Some(key)) = (f.relation, f.key_kind) {
        let _ = write!(
            s,
            ".foreign_key({}, {}, {}, FieldKind::{key:?}, OnDelete::{:?})",
            string_literal(rel.model),
            string_literal(rel.table),
            string_literal(rel.column),
            rel.on_delete
        );
    }
    if let Some(u) = f.upload_to {
        let _ = write!(s, ".upload_to({})", upload_to_source(u, crate_name));
    }
    s
}

fn index_source(i: &IndexMeta) -> String {
    format!(
        "IndexMeta {{ name: {}, fields: {} }}",
        string_literal(i.name),
        string_list(i.fields)
    )
}

fn constraint_source(c: &ConstraintMeta) -> String {
    format!(
        "ConstraintMeta {{ name: {}, fields: {} }}",
        string_literal(c.name),
        string_list(c.fields)
    )
}

/// A model state as a `ModelMeta` literal (function paths of the crate named like the
/// model's app written `crate::...`).
pub fn model_source(m: &ModelMeta) -> String {
    model_source_in(m, m.app_label)
}

/// A model state as a `ModelMeta` literal, for a file compiled in the crate `crate_name`.
pub fn model_source_in(m: &ModelMeta, crate_name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ModelMeta {{");
    let _ = writeln!(s, "    name: {},", string_literal(m.name));
    let _ = writeln!(s, "    app_label: {},", string_literal(m.app_label));
    let _ = writeln!(s, "    db_table: {},", string_literal(m.db_table));
    let _ = writeln!(s, "    fields: &[");
    for f in m.fields {
        let _ = writeln!(s, "        {},", field_source_in(f, crate_name));
    }
    let _ = writeln!(s, "    ],");
    let constraints: Vec<String> = m.constraints.iter().map(constraint_source).collect();
    let _ = writeln!(s, "    constraints: &[{}],", constraints.join(", "));
    let indexes: Vec<String> = m.indexes.iter().map(index_source).collect();
    let _ = writeln!(s, "    indexes: &[{}],", indexes.join(", "));
    let _ = writeln!(s, "    ordering: {},", string_list(m.ordering));
    let _ = writeln!(s, "    managed: {},", m.managed);
    let _ = writeln!(s, "    verbose_name: {},", string_literal(m.verbose_name));
    let m2m: Vec<String> = m
        .many_to_many
        .iter()
        .map(|f| many_to_many_source(f, crate_name))
        .collect();
    let _ = writeln!(s, "    many_to_many: &[{}],", m2m.join(", "));
    let _ = write!(s, "}}");
    s
}

/// A many-to-many field as a `ManyToManyMeta` literal (with its join table's state).
fn many_to_many_source(m: &ManyToManyMeta, crate_name: &str) -> String {
    let join = match m.join {
        Some(join) => format!("Some(&{})", model_source_in(join, crate_name)),
        None => "None".to_string(),
    };
    format!(
        "ManyToManyMeta {{ name: {:?}, to: {:?}, related_name: {:?}, through: {:?}, symmetrical: {}, join: {join} }}",
        m.name, m.to, m.related_name, m.through, m.symmetrical
    )
}

/// The function a `RunRust` names, as a path expression; the name is all a migration keeps
/// of it, so a function that is not in the file must be copied there by hand (Django's
/// "manual porting required" when squashing `RunPython`).
fn function_name_source(name: &str) -> String {
    if name.split("::").all(is_ident) {
        name.to_string()
    } else {
        format!(
            "todo_port_function /* {} */",
            comment_text(&string_literal(name))
        )
    }
}

fn reverse_code_source(name: &str, reverse: Option<RustCode>) -> String {
    match reverse {
        None => "None".to_string(),
        Some(f) if std::ptr::fn_addr_eq(f, super::noop as RustCode) => {
            "Some(dorm::migrations::noop)".to_string()
        }
        Some(_) => {
            // Only the forward function's name is known: `forwards` pairs with `backwards`.
            let reverse = match name.strip_suffix("forwards") {
                Some(prefix) => format!("{prefix}backwards"),
                None => format!("{name}_reverse"),
            };
            format!("Some({})", function_name_source(&reverse))
        }
    }
}

/// One operation as a Rust expression (`Operation::AddField { model: "Venue", field:
/// FieldMeta::new(...)... }`), for a file compiled in the crate `crate_name`. A
/// `CreateModel` has its `ModelMeta` inline ([`migration_source_in`] declares it as a
/// constant instead).
///
/// ```
/// use dorm::migrations::{writer::operation_source, Operation};
/// let op = Operation::RenameField { model: "Venue", old_name: "name", new_name: "title" };
/// assert_eq!(
///     operation_source(&op, "shop"),
///     r#"Operation::RenameField { model: "Venue", old_name: "name", new_name: "title" }"#
/// );
/// ```
pub fn operation_source(op: &Operation, crate_name: &str) -> String {
    match *op {
        Operation::CreateModel(m) => {
            format!("Operation::CreateModel({})", model_source_in(&m, crate_name))
        }
        Operation::DeleteModel(m) => format!("Operation::DeleteModel({m:?})"),
        Operation::RenameModel { old_name, new_name } => format!(
            "Operation::RenameModel {{ old_name: {old_name:?}, new_name: {new_name:?} }}"
        ),
        Operation::AlterModelTable { model, table } => {
            format!("Operation::AlterModelTable {{ model: {model:?}, table: {table:?} }}")
        }
        Operation::AlterModelOptions {
            model,
            managed,
            ordering,
            verbose_name,
        } => format!(
            "Operation::AlterModelOptions {{ model: {model:?}, managed: {managed}, ordering: &[{}], verbose_name: {verbose_name:?} }}",
            ordering
                .iter()
                .map(|o| format!("{o:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Operation::AddField { model, field } => format!(
            "Operation::AddField {{ model: {model:?}, field: {} }}",
            field_source_in(&field, crate_name)
        ),
        Operation::RemoveField { model, name } => {
            format!("Operation::RemoveField {{ model: {model:?}, name: {name:?} }}")
        }
        Operation::AlterField { model, field } => format!(
            "Operation::AlterField {{ model: {model:?}, field: {} }}",
            field_source_in(&field, crate_name)
        ),
        Operation::RenameField {
            model,
            old_name,
            new_name,
        } => format!(
            "Operation::RenameField {{ model: {model:?}, old_name: {old_name:?}, new_name: {new_name:?} }}"
        ),
        Operation::AddManyToMany { model, field } => format!(
            "Operation::AddManyToMany {{ model: {model:?}, field: {} }}",
            many_to_many_source(&field, crate_name)
        ),
        Operation::RemoveManyToMany { model, name } => {
            format!("Operation::RemoveManyToMany {{ model: {model:?}, name: {name:?} }}")
        }
        Operation::AddIndex { model, index } => format!(
            "Operation::AddIndex {{ model: {model:?}, index: {} }}",
            index_source(&index)
        ),
        Operation::RemoveIndex { model, name } => {
            format!("Operation::RemoveIndex {{ model: {model:?}, name: {name:?} }}")
        }
        Operation::AddConstraint { model, constraint } => format!(
            "Operation::AddConstraint {{ model: {model:?}, constraint: {} }}",
            constraint_source(&constraint)
        ),
        Operation::RemoveConstraint { model, name } => {
            format!("Operation::RemoveConstraint {{ model: {model:?}, name: {name:?} }}")
        }
        Operation::RunSql { sql, reverse_sql } => format!(
            "Operation::RunSql {{ sql: {}, reverse_sql: {} }}",
            text_literal(sql),
            match reverse_sql {
                Some(r) => format!("Some({})", text_literal(r)),
                None => "None".to_string(),
            }
        ),
        Operation::RunRust {
            name, reverse_code, ..
        } => format!(
            "Operation::RunRust {{ name: {name:?}, code: {}, reverse_code: {} }}",
            function_name_source(name),
            reverse_code_source(name, reverse_code)
        ),
    }
}

const USES: &str = "use dorm::fields::{DefaultMeta, FieldKind, FieldMeta};
use dorm::migrations::{Migration, Operation};
use dorm::model::{ConstraintMeta, IndexMeta, ModelMeta};
use dorm::relations::{ManyToManyMeta, OnDelete};
";

/// The `pub const MIGRATION: Migration = Migration { ... };` item.
fn migration_item(
    app_label: &str,
    name: &str,
    dependencies: &[(&str, &str)],
    operations: &[String],
    replaces: &[(&str, &str)],
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "/// The migration.");
    let _ = writeln!(s, "pub const MIGRATION: Migration = Migration {{");
    let _ = writeln!(s, "    app_label: {},", string_literal(app_label));
    let _ = writeln!(s, "    name: {},", string_literal(name));
    let _ = writeln!(s, "    dependencies: {},", pairs_list(dependencies));
    if operations.is_empty() {
        let _ = writeln!(s, "    operations: &[],");
    } else {
        let _ = writeln!(s, "    operations: &[");
        for op in operations {
            let _ = writeln!(s, "        {op},");
        }
        let _ = writeln!(s, "    ],");
    }
    let _ = writeln!(s, "    replaces: {},", pairs_list(replaces));
    let _ = writeln!(s, "}};");
    s
}

/// A whole migration file: the model states it creates as constants, then the `Migration`.
/// Function paths of the crate named like the app are written `crate::...` (see
/// [`migration_source_in`] when the crate has another name).
pub fn migration_source(migration: &Migration) -> String {
    migration_source_in(migration, migration.app_label)
}

/// A whole migration file, compiled in the crate `crate_name` (`env!("CARGO_CRATE_NAME")` of
/// the app): the model states it creates as constants, then the `Migration` with every
/// operation, its dependencies and the migrations it `replaces` (a squashed migration).
pub fn migration_source_in(migration: &Migration, crate_name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! {}: written by dorm's migration writer. Review it; edit with care.",
        comment_text(migration.name)
    );
    let _ = writeln!(s, "#![allow(unused_imports)]");
    let _ = writeln!(s);
    s.push_str(USES);
    if migration
        .operations
        .iter()
        .any(|op| matches!(op, Operation::RunRust { .. }))
    {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "// Manual porting required: the RunRust operations below name their functions; copy"
        );
        let _ = writeln!(
            s,
            "// them into this file (or refer to them by path) before using this migration."
        );
    }
    let mut ops = Vec::new();
    let mut consts: Vec<String> = Vec::new();
    for op in migration.operations {
        match op {
            Operation::CreateModel(m) => {
                let base: String = m
                    .name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_uppercase()
                        } else {
                            '_'
                        }
                    })
                    .collect();
                // A constant's name: not empty, not starting with a digit.
                let base = if base.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    base
                } else {
                    format!("M_{base}")
                };
                let mut konst = base.clone();
                let mut n = 2;
                while consts.contains(&konst) {
                    konst = format!("{base}_{n}");
                    n += 1;
                }
                consts.push(konst.clone());
                let _ = writeln!(s);
                let _ = writeln!(
                    s,
                    "const {konst}: ModelMeta = {};",
                    model_source_in(m, crate_name)
                );
                ops.push(format!("Operation::CreateModel({konst})"));
            }
            other => ops.push(operation_source(other, crate_name)),
        }
    }
    let _ = writeln!(s);
    s.push_str(&migration_item(
        migration.app_label,
        migration.name,
        migration.dependencies,
        &ops,
        migration.replaces,
    ));
    s
}

/// What `makemigrations --empty` writes: a data migration (Django's `RunPython`) whose
/// `forwards` function compiles and does nothing yet, with `reverse_code:
/// Some(dorm::migrations::noop)`, and a `mod frozen` with the models `frozen` as they are at
/// this point of the history (written by
/// [`model_struct_source`](super::model_source::model_struct_source)), so the function keeps
/// compiling when the live models change. Freeze every model the ones used point at (the
/// app's models, usually): relations name their targets in the same module.
///
/// ```
/// use dorm::migrations::writer::data_migration_source;
/// let source = data_migration_source("shop", "0003_fill_slugs", &[("shop", "0002_venue_slug")], &[], "shop");
/// assert!(source.contains("fn forwards(conn: &mut dyn dorm::Executor) -> dorm::Result<()> {"));
/// assert!(source.contains("reverse_code: Some(dorm::migrations::noop),"));
/// ```
pub fn data_migration_source(
    app_label: &str,
    name: &str,
    dependencies: &[(&str, &str)],
    frozen: &[ModelState],
    crate_name: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! {}: a data migration, written by dorm's `makemigrations --empty`. Write the change in",
        comment_text(name)
    );
    let _ = writeln!(
        s,
        "//! `forwards`; to make it reversible, write a `backwards` function and give it as"
    );
    let _ = writeln!(s, "//! `reverse_code`.");
    let _ = writeln!(s, "#![allow(unused_imports, dead_code)]");
    let _ = writeln!(s);
    let _ = writeln!(s, "use dorm::migrations::{{Migration, Operation}};");
    // `Model` (for `objects()`) and the query macros' traits, for `forwards`.
    let _ = writeln!(s, "use dorm::prelude::*;");
    if !frozen.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "/// The models as they were when this migration was written: use these, never the live"
        );
        let _ = writeln!(
            s,
            "/// models, so the migration keeps compiling and meaning the same when they change."
        );
        let _ = writeln!(s, "mod frozen {{");
        let _ = writeln!(s, "    use dorm::prelude::*;");
        for model in frozen {
            let _ = writeln!(s);
            let source = super::model_source::model_struct_source(model, crate_name);
            for line in source.lines() {
                if line.is_empty() {
                    let _ = writeln!(s);
                } else {
                    let _ = writeln!(s, "    {line}");
                }
            }
        }
        let _ = writeln!(s, "}}");
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "/// The data change; it runs inside the migration's transaction."
    );
    let _ = writeln!(
        s,
        "fn forwards(conn: &mut dyn dorm::Executor) -> dorm::Result<()> {{"
    );
    let example = frozen.first().map_or("Venue", |m| m.name);
    let _ = writeln!(
        s,
        "    // TODO: write the data migration here, with the models of `frozen`, e.g.\n    //     use frozen::{example};\n    //     let mut conn = conn;\n    //     dorm::update!({example}::objects().all(), field = value).execute(&mut conn)?;\n    // It does nothing until then (as Django's empty migration)."
    );
    let _ = writeln!(s, "    let _ = conn;");
    let _ = writeln!(s, "    Ok(())");
    let _ = writeln!(s, "}}");
    let _ = writeln!(s);
    let op = "Operation::RunRust {\n            name: \"forwards\",\n            code: forwards,\n            // Nothing to undo. When there is, write `backwards` and give `Some(backwards)`.\n            reverse_code: Some(dorm::migrations::noop),\n        }";
    s.push_str(&migration_item(
        app_label,
        name,
        dependencies,
        &[op.to_string()],
        &[],
    ));
    s
}

/// What `makemigrations --merge` writes (Django's merge migration): no operations, a
/// dependency on each leaf of the parallel branches, so the graph has one leaf again.
///
/// ```
/// use dorm::migrations::writer::merge_migration_source;
/// let source = merge_migration_source(
///     "shop",
///     "0004_merge_0003_a_0003_b",
///     &[("shop", "0003_a"), ("shop", "0003_b")],
/// );
/// assert!(source.contains(r#"dependencies: &[("shop", "0003_a"), ("shop", "0003_b")],"#));
/// assert!(source.contains("operations: &[],"));
/// ```
pub fn merge_migration_source(app_label: &str, name: &str, leaves: &[(&str, &str)]) -> String {
    let mut s = String::new();
    let names: Vec<&str> = leaves.iter().map(|(_, n)| *n).collect();
    let _ = writeln!(
        s,
        "//! {}: merges {}, written by dorm's `makemigrations --merge`.",
        comment_text(name),
        comment_text(&names.join(", "))
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "use dorm::migrations::Migration;");
    let _ = writeln!(s);
    s.push_str(&migration_item(app_label, name, leaves, &[], &[]));
    s
}

/// The name (after its number) of a merge migration of `leaves` (Django's): `merge_` and the
/// leaves' names, sorted, joined by `_`; `merge_<yyyymmdd_hhmm>` (UTC) when that is long.
///
/// ```
/// use dorm::migrations::writer::merge_migration_name;
/// assert_eq!(merge_migration_name(&["0003_b", "0003_a"]), "merge_0003_a_0003_b");
/// ```
pub fn merge_migration_name(leaves: &[&str]) -> String {
    let mut names = leaves.to_vec();
    names.sort_unstable();
    let joined = names.join("_");
    if joined.len() > 47 {
        format!("merge_{}", chrono::Utc::now().format("%Y%m%d_%H%M"))
    } else {
        format!("merge_{joined}")
    }
}

/// The `migrations/mod.rs` that lists the migration files `names` (`0001_initial` or
/// `0001_initial.rs`; sorted, as numbered files are oldest first): one `#[path]` module per
/// file and `pub const MIGRATIONS`.
///
/// ```
/// use dorm::migrations::writer::mod_rs_source;
/// let source = mod_rs_source(&["0002_venue_license".into(), "0001_initial.rs".into()]);
/// assert!(source.contains("#[path = \"0001_initial.rs\"]\nmod m0001_initial;\n#[path = \"0002_venue_license.rs\"]\nmod m0002_venue_license;\n"));
/// assert!(source.contains("pub const MIGRATIONS: &[dorm::migrations::Migration] = &[\n    m0001_initial::MIGRATION,\n    m0002_venue_license::MIGRATION,\n];"));
/// ```
pub fn mod_rs_source(names: &[String]) -> String {
    let mut names: Vec<&str> = names
        .iter()
        .map(|n| n.strip_suffix(".rs").unwrap_or(n))
        .filter(|n| *n != "mod")
        .collect();
    names.sort_unstable();
    names.dedup();
    let module = |n: &str| -> String {
        let body: String = n
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("m{body}")
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//! The app's migrations, oldest first. Each file is one migration, written by dorm's"
    );
    let _ = writeln!(
        s,
        "//! migration writer from the models' state at the time; `MIGRATIONS` lists them."
    );
    let _ = writeln!(s);
    for n in &names {
        let _ = writeln!(s, "#[path = {}]", string_literal(&format!("{n}.rs")));
        let _ = writeln!(s, "mod {};", module(n));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "/// Every migration of the app, in order.");
    if names.is_empty() {
        let _ = writeln!(
            s,
            "pub const MIGRATIONS: &[dorm::migrations::Migration] = &[];"
        );
    } else {
        let _ = writeln!(
            s,
            "pub const MIGRATIONS: &[dorm::migrations::Migration] = &["
        );
        for n in &names {
            let _ = writeln!(s, "    {}::MIGRATION,", module(n));
        }
        let _ = writeln!(s, "];");
    }
    s
}

/// `source` formatted by `rustfmt` (edition 2021) when it is installed and accepts it;
/// `source` unchanged otherwise.
pub fn format_source(source: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return source.to_string();
    };
    if let Some(mut stdin) = child.stdin.take() {
        if stdin.write_all(source.as_bytes()).is_err() {
            let _ = child.kill();
            let _ = child.wait();
            return source.to_string();
        }
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            String::from_utf8(out.stdout).unwrap_or_else(|_| source.to_string())
        }
        _ => source.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldKind;
    use crate::relations::OnDelete;

    const VENUE: ModelMeta = ModelMeta {
        name: "Venue",
        app_label: "shop",
        db_table: "shop_venue",
        fields: &[FieldMeta::new("id", FieldKind::BigAutoField).primary_key()],
        constraints: &[],
        indexes: &[],
        ordering: &[],
        managed: true,
        verbose_name: "venue",
        many_to_many: &[],
    };

    fn forwards(_: &mut dyn crate::Executor) -> crate::Result<()> {
        Ok(())
    }

    #[test]
    fn every_operation_is_written_as_rust() {
        let license = FieldMeta::new("license", FieldKind::CharField).max_length(20);
        let city = FieldMeta::new("city", FieldKind::ForeignKey)
            .column("city_id")
            .db_index()
            .foreign_key(
                "City",
                "shop_city",
                "id",
                FieldKind::BigIntegerField,
                OnDelete::SetNull,
            )
            .null();
        let tags = ManyToManyMeta {
            name: "tags",
            to: "Tag",
            related_name: Some("venues"),
            through: None,
            symmetrical: false,
            join: None,
        };
        let cases: Vec<(Operation, &str)> = vec![
            (Operation::DeleteModel("Venue"), r#"Operation::DeleteModel("Venue")"#),
            (
                Operation::RenameModel { old_name: "Venue", new_name: "Place" },
                r#"Operation::RenameModel { old_name: "Venue", new_name: "Place" }"#,
            ),
            (
                Operation::AddField { model: "Venue", field: license },
                r#"Operation::AddField { model: "Venue", field: FieldMeta::new("license", FieldKind::CharField).max_length(20) }"#,
            ),
            (
                Operation::AlterField { model: "Venue", field: city },
                r#"Operation::AlterField { model: "Venue", field: FieldMeta::new("city", FieldKind::ForeignKey).column("city_id").null().db_index().foreign_key("City", "shop_city", "id", FieldKind::BigIntegerField, OnDelete::SetNull) }"#,
            ),
            (
                Operation::RemoveField { model: "Venue", name: "license" },
                r#"Operation::RemoveField { model: "Venue", name: "license" }"#,
            ),
            (
                Operation::RenameField { model: "Venue", old_name: "name", new_name: "title" },
                r#"Operation::RenameField { model: "Venue", old_name: "name", new_name: "title" }"#,
            ),
            (
                Operation::AddManyToMany { model: "Venue", field: tags },
                r#"Operation::AddManyToMany { model: "Venue", field: ManyToManyMeta { name: "tags", to: "Tag", related_name: Some("venues"), through: None, symmetrical: false, join: None } }"#,
            ),
            (
                Operation::RemoveManyToMany { model: "Venue", name: "tags" },
                r#"Operation::RemoveManyToMany { model: "Venue", name: "tags" }"#,
            ),
            (
                Operation::AddIndex {
                    model: "Venue",
                    index: IndexMeta { name: "venue_idx", fields: &["name", "-started_at"] },
                },
                r#"Operation::AddIndex { model: "Venue", index: IndexMeta { name: "venue_idx", fields: &["name", "-started_at"] } }"#,
            ),
            (
                Operation::RemoveIndex { model: "Venue", name: "venue_idx" },
                r#"Operation::RemoveIndex { model: "Venue", name: "venue_idx" }"#,
            ),
            (
                Operation::AddConstraint {
                    model: "City",
                    constraint: ConstraintMeta {
                        name: "Unique city name per country",
                        fields: &["name", "country"],
                    },
                },
                r#"Operation::AddConstraint { model: "City", constraint: ConstraintMeta { name: "Unique city name per country", fields: &["name", "country"] } }"#,
            ),
            (
                Operation::RemoveConstraint { model: "City", name: "Unique city name per country" },
                r#"Operation::RemoveConstraint { model: "City", name: "Unique city name per country" }"#,
            ),
            (
                Operation::RunSql { sql: "DROP VIEW v", reverse_sql: None },
                r#"Operation::RunSql { sql: "DROP VIEW v", reverse_sql: None }"#,
            ),
            (
                Operation::RunSql {
                    sql: "CREATE VIEW v AS\nSELECT \"a\" FROM t",
                    reverse_sql: Some("DROP VIEW v"),
                },
                "Operation::RunSql { sql: r#\"CREATE VIEW v AS\nSELECT \"a\" FROM t\"#, reverse_sql: Some(\"DROP VIEW v\") }",
            ),
            (
                Operation::RunRust { name: "forwards", code: forwards, reverse_code: Some(crate::migrations::noop) },
                r#"Operation::RunRust { name: "forwards", code: forwards, reverse_code: Some(dorm::migrations::noop) }"#,
            ),
            (
                Operation::RunRust { name: "forwards", code: forwards, reverse_code: Some(forwards) },
                r#"Operation::RunRust { name: "forwards", code: forwards, reverse_code: Some(backwards) }"#,
            ),
            (
                Operation::RunRust { name: "fill_slugs", code: forwards, reverse_code: None },
                r#"Operation::RunRust { name: "fill_slugs", code: fill_slugs, reverse_code: None }"#,
            ),
        ];
        for (op, expected) in cases {
            assert_eq!(operation_source(&op, "shop"), expected);
        }
        let create = operation_source(&Operation::CreateModel(VENUE), "shop");
        assert!(
            create.starts_with("Operation::CreateModel(ModelMeta {\n    name: \"Venue\",\n"),
            "{create}"
        );
        assert!(create.ends_with("    many_to_many: &[],\n})"), "{create}");
    }

    /// Hostile text for the escaping helpers: line breaks, quotes, comment markers, text
    /// direction, invisible and non-ASCII characters.
    const HOSTILE: &[&str] = &[
        "a\nfn main() {}",
        "a\r\nb",
        "\"quoted\" and 'single'",
        "back\\slash\\",
        "*/ pub fn injected() {} /*",
        "/*/",
        "/**/",
        "//! inner doc",
        "\u{202e}reversed\u{2066}",
        "zero\u{200b}width\u{feff}",
        "\u{301}combining first",
        "ÄÖÜ ß 日本語 😀",
        "tab\there\x0b\x0c\x1b[31m",
        "\u{85}next line\u{2028}\u{2029}",
        "",
        "r#\"raw\"#",
    ];

    #[test]
    fn comment_text_stays_in_its_comment() {
        for text in HOSTILE {
            let escaped = comment_text(text);
            assert!(
                !escaped.chars().any(|c| c.is_control()
                    || c.escape_debug().count() > 1 && !matches!(c, '"' | '\'' | '\\')),
                "{escaped:?}"
            );
            assert!(
                !escaped.contains("*/") && !escaped.contains("/*"),
                "{escaped:?}"
            );
        }
        assert_eq!(comment_text("a\nb\r"), r"a\nb\r");
        assert_eq!(comment_text("x\\ny"), r"x\\ny");
        assert_eq!(comment_text("*/*"), r"*\/\*");
        assert_eq!(comment_text("\u{202e}é"), r"\u{202e}é");
    }

    #[test]
    fn string_literal_is_one_line_and_exact() {
        for text in HOSTILE {
            let literal = string_literal(text);
            assert!(literal.starts_with('"') && literal.ends_with('"') && literal.len() >= 2);
            assert!(!literal.chars().any(|c| c.is_control()), "{literal:?}");
            assert!(
                !literal
                    .chars()
                    .any(|c| c.escape_debug().count() > 1 && !matches!(c, '"' | '\'' | '\\')),
                "{literal:?}"
            );
            // Reading the escapes back gives the text.
            assert_eq!(&unescape(&literal[1..literal.len() - 1]), text, "{literal}");
        }
        // A raw literal only for text it can show as it is.
        assert_eq!(text_literal("a\n\"b\""), "r#\"a\n\"b\"\"#");
        assert_eq!(text_literal("a\r\n\"b\""), "\"a\\r\\n\\\"b\\\"\"");
        assert_eq!(text_literal("\"\u{202e}\""), "\"\\\"\\u{202e}\\\"\"");
    }

    /// Rust's string escapes, as `Debug` writes them.
    fn unescape(body: &str) -> String {
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('0') => out.push('\0'),
                Some('u') => {
                    let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                    let code = u32::from_str_radix(&hex, 16).unwrap();
                    out.push(char::from_u32(code).unwrap());
                }
                Some(other) => out.push(other),
                None => panic!("dangling backslash"),
            }
        }
        out
    }

    #[test]
    fn a_migration_of_hostile_names_escapes_them() {
        let field = FieldMeta::new("name", FieldKind::CharField)
            .column("col\n\"*/")
            .verbose_name("v\u{202e}");
        let op = Operation::AddIndex {
            model: "Venue",
            index: IndexMeta {
                name: "idx\nfn x() {}",
                fields: &["name"],
            },
        };
        assert_eq!(
            operation_source(
                &Operation::AddField {
                    model: "Venue",
                    field
                },
                "shop"
            ),
            r#"Operation::AddField { model: "Venue", field: FieldMeta::new("name", FieldKind::CharField).column("col\n\"*/").verbose_name("v\u{202e}") }"#
        );
        assert_eq!(
            operation_source(&op, "shop"),
            r#"Operation::AddIndex { model: "Venue", index: IndexMeta { name: "idx\nfn x() {}", fields: &["name"] } }"#
        );
        let m = Migration::new("shop", "0002_x\n*/ fn injected() {}", &[], &[]);
        let s = migration_source(&m);
        assert!(
            s.starts_with("//! 0002_x\\n*\\/ fn injected() {}: written by"),
            "{s}"
        );
        assert!(
            s.contains("    name: \"0002_x\\n*/ fn injected() {}\",\n"),
            "{s}"
        );
        assert_eq!(
            function_name_source("a*/b\nc"),
            r#"todo_port_function /* "a*\/b\\nc" */"#
        );
        let m = mod_rs_source(&["0001_a\"b".into()]);
        assert!(
            m.contains("#[path = \"0001_a\\\"b.rs\"]\nmod m0001_a_b;\n"),
            "{m}"
        );
    }

    #[test]
    fn function_paths_are_checked_by_the_compiler() {
        let f = |d: DefaultMeta| FieldMeta::new("at", FieldKind::DateTimeField).default(d);
        let src = |d| field_source_in(&f(d), "scrap_book");
        assert!(src(DefaultMeta::Callable("dorm::fields::now()"))
            .ends_with(".default(DefaultMeta::Callable(dorm::fn_ref!(dorm::fields::now())))"));
        assert!(src(DefaultMeta::Callable("scrap_book::models::today()"))
            .ends_with(".default(DefaultMeta::Callable(dorm::fn_ref!(crate::models::today())))"));
        // Associated functions and other expressions cannot be `use`d: kept as text.
        assert!(src(DefaultMeta::Callable("chrono::Utc::now()"))
            .ends_with(r#".default(DefaultMeta::Callable("chrono::Utc::now()"))"#));
        assert!(src(DefaultMeta::Callable("String::from(\"x\")"))
            .ends_with(r#".default(DefaultMeta::Callable("String::from(\"x\")"))"#));
        assert!(src(DefaultMeta::Literal("\"de\""))
            .ends_with(r#".default(DefaultMeta::Literal("\"de\""))"#));
        let file = FieldMeta::new("photo", FieldKind::FileField)
            .upload_to("scrap_book::models::venue_directory_path");
        // A crate name with a dash is the same crate.
        assert!(field_source_in(&file, "scrap-book")
            .ends_with(".upload_to(dorm::fn_ref!(crate::models::venue_directory_path))"));
        // Another crate's function keeps its crate.
        assert!(field_source_in(&file, "other")
            .ends_with(".upload_to(dorm::fn_ref!(scrap_book::models::venue_directory_path))"));
        assert!(field_source(&file)
            .ends_with(".upload_to(dorm::fn_ref!(scrap_book::models::venue_directory_path))"));
        let odd = FieldMeta::new("photo", FieldKind::FileField).upload_to("uploads/");
        assert!(field_source(&odd).ends_with(r#".upload_to("uploads/")"#));
    }

    #[test]
    fn a_migration_file_has_constants_operations_and_replacements() {
        let ops: &'static [Operation] = Box::leak(
            vec![
                Operation::CreateModel(VENUE),
                Operation::AddField {
                    model: "Venue",
                    field: FieldMeta::new("license", FieldKind::CharField).null(),
                },
                Operation::DeleteModel("Venue"),
                Operation::CreateModel(VENUE),
            ]
            .into_boxed_slice(),
        );
        let m = Migration {
            app_label: "shop",
            name: "0001_squashed_0004",
            dependencies: &[],
            operations: ops,
            replaces: &[("shop", "0001_initial"), ("shop", "0002_x")],
        };
        let s = migration_source(&m);
        assert!(s.starts_with("//! 0001_squashed_0004: written by dorm's migration writer. Review it; edit with care.\n#![allow(unused_imports)]\n\nuse dorm::fields::"), "{s}");
        assert!(
            s.contains("\nconst VENUE: ModelMeta = ModelMeta {\n"),
            "{s}"
        );
        assert!(
            s.contains("\nconst VENUE_2: ModelMeta = ModelMeta {\n"),
            "{s}"
        );
        assert!(s.contains("        Operation::CreateModel(VENUE),\n        Operation::AddField { model: \"Venue\", field: FieldMeta::new(\"license\", FieldKind::CharField).null() },\n        Operation::DeleteModel(\"Venue\"),\n        Operation::CreateModel(VENUE_2),\n"), "{s}");
        assert!(
            s.contains(
                "    replaces: &[(\"shop\", \"0001_initial\"), (\"shop\", \"0002_x\")],\n};\n"
            ),
            "{s}"
        );
        assert!(!s.contains("Manual porting"));
    }

    #[test]
    fn data_migrations_freeze_the_models() {
        const CITY: ModelMeta = ModelMeta {
            name: "City",
            db_table: "shop_city",
            verbose_name: "city",
            fields: &[
                FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
                FieldMeta::new("name", FieldKind::CharField).max_length(100),
            ],
            ..VENUE
        };
        let city = ModelState::from(CITY);
        let s = data_migration_source(
            "shop",
            "0003_fill",
            &[("shop", "0002_city")],
            std::slice::from_ref(&city),
            "shop",
        );
        let frozen = crate::migrations::model_source::model_struct_source(&city, "shop");
        let indented: String = frozen
            .lines()
            .map(|l| {
                if l.is_empty() {
                    "\n".to_string()
                } else {
                    format!("    {l}\n")
                }
            })
            .collect();
        assert!(
            s.contains(&format!(
                "mod frozen {{\n    use dorm::prelude::*;\n\n{indented}}}\n"
            )),
            "{s}"
        );
        assert!(
            s.contains(
                "    name: \"0003_fill\",\n    dependencies: &[(\"shop\", \"0002_city\")],\n"
            ),
            "{s}"
        );
        assert!(s.contains("code: forwards,"), "{s}");
        assert!(s.contains("    // TODO: write the data migration"), "{s}");
        let empty = data_migration_source("shop", "0003_fill", &[], &[], "shop");
        assert!(!empty.contains("mod frozen"), "{empty}");
    }

    #[test]
    fn merge_and_mod_rs() {
        let s = merge_migration_source(
            "shop",
            "0004_merge",
            &[("shop", "0003_a"), ("shop", "0003_b")],
        );
        assert_eq!(
            s,
            "//! 0004_merge: merges 0003_a, 0003_b, written by dorm's `makemigrations --merge`.\n\nuse dorm::migrations::Migration;\n\n/// The migration.\npub const MIGRATION: Migration = Migration {\n    app_label: \"shop\",\n    name: \"0004_merge\",\n    dependencies: &[(\"shop\", \"0003_a\"), (\"shop\", \"0003_b\")],\n    operations: &[],\n    replaces: &[],\n};\n"
        );
        let long: Vec<String> = (0..5)
            .map(|i| format!("000{i}_a_rather_long_name"))
            .collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        assert!(merge_migration_name(&long).starts_with("merge_20"));
        let m = mod_rs_source(&[
            "0002_temp_user_view.rs".into(),
            "0001_initial.rs".into(),
            "mod.rs".into(),
        ]);
        assert_eq!(
            m,
            "//! The app's migrations, oldest first. Each file is one migration, written by dorm's\n//! migration writer from the models' state at the time; `MIGRATIONS` lists them.\n\n#[path = \"0001_initial.rs\"]\nmod m0001_initial;\n#[path = \"0002_temp_user_view.rs\"]\nmod m0002_temp_user_view;\n\n/// Every migration of the app, in order.\npub const MIGRATIONS: &[dorm::migrations::Migration] = &[\n    m0001_initial::MIGRATION,\n    m0002_temp_user_view::MIGRATION,\n];\n"
        );
        assert!(mod_rs_source(&[]).contains("= &[];"));
    }
}
