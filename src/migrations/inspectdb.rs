//! `inspectdb`: models from an existing database (Django's `manage.py inspectdb`).
//!
//! [`inspect`] reads the live schema ([`introspection`]) and turns each
//! table and view into a [`ModelState`], by Django's inspectdb rules; [`inspectdb_source`]
//! writes them as a Rust module of `#[derive(Model)]` structs
//! ([`model_struct_source`](super::model_source::model_struct_source)).
//!
//! * Model names are the table names in CamelCase, with the app's prefix (`<app_label>_`)
//!   dropped: `news_reporter` is `Reporter` of app `news`; `temp_user` is `TempUser` (with
//!   `db_table = "temp_user"`). A name that would not compile (empty, a digit first, a
//!   keyword module, or a type or crate the source uses such as `Option`, `Auto`, `Dorm`) gets
//!   a `Table` prefix.
//! * Names are written exactly whatever they hold (line breaks, quotes, `*/`, non-ASCII):
//!   `db_table`, `db_column` and index names as string literals
//!   ([`string_literal`](super::writer::string_literal)), and in comments escaped visibly
//!   ([`comment_text`](super::writer::comment_text)), so no name can become code.
//! * Field names are the column names, lowercased, with characters that are not allowed in
//!   identifiers replaced by `_`, keywords suffixed `_field`, and a foreign key's `_id`
//!   dropped (`writer_id` is the relation `writer`); a field whose column is not its default
//!   column gets `db_column`.
//! * Types: see [`inspect`]. What cannot be told apart comes back as the plainer kind: an
//!   `EmailField` is a `CharField(max_length=254)`, and on SQLite (where dorm stores decimals
//!   as scaled integers) a `DecimalField` dorm made is a `BigIntegerField`. A `decimal` or
//!   `numeric` column on SQLite (Django's declaration) is a `DecimalField` with
//!   `sqlite_numeric`, read and written as Django does.
//! * Single-column indexes are `unique` / `db_index`; multi-column ones are
//!   `unique_constraint(...)` and `index(...)`.
//! * Foreign keys point at the referenced table's model with `on_delete = do_nothing` (as
//!   Django's inspectdb: decide the rule yourself); a unique one is a `OneToOneField`.
//! * Views are `managed = false`; tables are managed. Join tables of many-to-many relations
//!   are models of their own (two foreign keys).
//!
//! ```
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! conn.batch_execute(
//!     "CREATE TABLE news_reporter (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
//!          name varchar(50) NOT NULL UNIQUE);
//!      CREATE TABLE news_article (id integer NOT NULL PRIMARY KEY AUTOINCREMENT,
//!          headline text NOT NULL, reporter_id bigint NULL REFERENCES news_reporter (id));",
//! )?;
//! let models = dorm::migrations::inspectdb::inspect("news", &mut conn)?;
//! let article = &models[0];
//! assert_eq!((article.name, article.db_table), ("Article", "news_article"));
//! let reporter = article.field("reporter").unwrap();
//! assert_eq!(reporter.relation.unwrap().model, "Reporter");
//!
//! let source = dorm::migrations::inspectdb::inspectdb_source("news", "news", &mut conn)?;
//! assert!(source.contains("pub struct Reporter {\n    pub id: Auto<i64>,\n"));
//! assert!(source.contains("    #[dorm(on_delete = do_nothing)]\n    pub reporter: Option<dorm::ForeignKey<Reporter>>,\n"));
//! # Ok(()) }
//! ```
//!
//! `ModelState` and `FieldMeta` hold `&'static str`s (they usually describe models compiled
//! into the program): the names read from the database are leaked (`Box::leak`) to give them
//! that lifetime. `inspectdb` is a one-shot command, so the few bytes are never reclaimed on
//! purpose; do not call it in a loop.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::{Executor, Vendor};
use crate::error::Result;
use crate::fields::{FieldKind, FieldMeta};
use crate::model::{ConstraintMeta, IndexMeta};
use crate::relations::OnDelete;

use super::introspection::{self, ColumnInfo, TableInfo};
use super::model_source::{self, Notes};
use super::state::{leak, leak_slice, ModelState};
use super::writer;

/// The models of every table and view of the database (see
/// [`introspection::introspect`] for which), as app `app_label`'s model states, ordered by
/// table name. Column types map to field kinds as follows:
///
/// | column type | field |
/// |---|---|
/// | primary key `integer` (SQLite), with `AUTOINCREMENT` | `BigAutoField` (dorm's default) |
/// | primary key `integer` (SQLite), without | `AutoField` (Django's rule) |
/// | primary key `smallint`/`integer`/`bigint` identity or `serial` (PostgreSQL) | `SmallAutoField`/`AutoField`/`BigAutoField` |
/// | `smallint`, `integer`, `bigint` | `SmallIntegerField`, `IntegerField`, `BigIntegerField` (`Positive...` with a `CHECK (col >= 0)`) |
/// | `bool`, `boolean` | `BooleanField` |
/// | `real`, `double precision`, `float` | `FloatField` |
/// | `varchar(n)`, `char(n)` | `CharField(max_length = n)` |
/// | `text`, `varchar` | `TextField` (`JSONField` on SQLite with a `json_valid` check) |
/// | `numeric(p, s)`, `decimal(p, s)` | `DecimalField` (`p` up to 18, dorm's limit; on SQLite `sqlite_numeric`, Django's storage, with `max_digits = 10, decimal_places = 5` guessed as Django does when the column has no precision) |
/// | `date`, `time` | `DateField`, `TimeField` |
/// | `datetime`, `timestamp`, `timestamp with time zone` | `DateTimeField` |
/// | `json`, `jsonb` | `JSONField` |
/// | a foreign key column | `ForeignKey` (`OneToOneField` when unique) to the referenced table's model, `on_delete = DoNothing`, `key_kind` from the column's type |
/// | anything else | `TextField` ("This field type is a guess.") |
///
/// A table without a primary key, or with a composite one, gets its `id` column (or its
/// first) as primary key, since a dorm model has exactly one; [`inspectdb_source`] says so
/// in a comment. The strings are leaked; see the [module documentation](self).
pub fn inspect<C: Executor + ?Sized>(app_label: &str, conn: &mut C) -> Result<Vec<ModelState>> {
    Ok(inspect_with_notes(conn, app_label)?
        .into_iter()
        .map(|(m, _)| m)
        .collect())
}

/// A whole Rust module with one `#[derive(Model)]` struct per table and view of the
/// database, for app `app_label` of crate `crate_name` (Django's `inspectdb` output): a
/// header comment, `use dorm::prelude::*;`, then the structs in table order. Comments mark
/// what needs a look (guessed types, renamed fields, a chosen primary key, views).
pub fn inspectdb_source<C: Executor + ?Sized>(
    app_label: &str,
    crate_name: &str,
    conn: &mut C,
) -> Result<String> {
    inspectdb_source_for(app_label, crate_name, &[], conn)
}

/// [`inspectdb_source`] for some tables and views only (all of them when `tables` is empty;
/// Django's `inspectdb table ...`). A name that is no table or view of the database gets an
/// "Unable to inspect table" comment instead of a struct.
pub fn inspectdb_source_for<C: Executor + ?Sized>(
    app_label: &str,
    crate_name: &str,
    tables: &[&str],
    conn: &mut C,
) -> Result<String> {
    let vendor = conn.vendor();
    let models = inspect_with_notes(conn, app_label)?;
    let mut out = String::new();
    out.push_str(&format!(
        "// This is an auto-generated dorm model module, written by `inspectdb` from a {} database.\n",
        match vendor {
            Vendor::Sqlite => "SQLite",
            Vendor::Postgres => "PostgreSQL",
        }
    ));
    out.push_str(
        "// You'll have to do the following manually to clean this up:\n\
         //   * Make sure each model has the right primary key (a table without exactly one gets\n\
         //     its `id` or first column, and a comment saying so)\n\
         //   * Make sure each ForeignKey and OneToOne has `on_delete` set to the desired behavior\n\
         //   * Check the fields marked \"This field type is a guess.\"\n\
         //   * Remove `managed = false` if you wish to allow dorm to create, modify, and delete\n\
         //     the table of a view's model\n\
         // Feel free to rename the models, but don't rename db_table values or field names.\n\n",
    );
    out.push_str("use dorm::prelude::*;\n");
    for missing in tables
        .iter()
        .filter(|t| !models.iter().any(|(m, _)| m.db_table == **t))
    {
        out.push_str(&format!(
            "\n// Unable to inspect table `{}`\n// The error was: there is no such table or view.\n",
            writer::comment_text(missing)
        ));
    }
    for (model, notes) in &models {
        if !tables.is_empty() && !tables.contains(&model.db_table) {
            continue;
        }
        out.push('\n');
        out.push_str(&model_source::render(model, crate_name, notes));
    }
    Ok(out)
}

fn leak_list(items: Vec<String>) -> &'static [&'static str] {
    leak_slice(items.into_iter().map(leak).collect())
}

/// What SQLite's `CREATE TABLE` text and the `CHECK`s say beyond the pragmas.
#[derive(Default)]
struct Extra {
    autoincrement: bool,
    /// `CHECK`s with quotes and whitespace removed, lowercased.
    checks: Vec<String>,
}

impl Extra {
    fn positive(&self, column: &str) -> bool {
        let want = format!("{}>=0", squash(column));
        self.checks
            .iter()
            .any(|c| c.replace(['(', ')'], "").strip_prefix("check") == Some(want.as_str()))
    }

    fn json(&self, column: &str) -> bool {
        let want = format!("json_valid({})", squash(column));
        self.checks.iter().any(|c| c.contains(&want))
    }
}

/// Lowercase, without quotes and whitespace.
fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .flat_map(char::to_lowercase)
        .collect()
}

fn inspect_with_notes<C: Executor + ?Sized>(
    conn: &mut C,
    app_label: &str,
) -> Result<Vec<(ModelState, Notes)>> {
    let vendor = conn.vendor();
    let tables = introspection::introspect(conn)?;
    let mut extras = BTreeMap::new();
    for t in &tables {
        let sql = introspection::sqlite_table_sql(conn, &t.name)?.unwrap_or_default();
        let checks = introspection::check_constraints(conn, &t.name)?;
        extras.insert(
            t.name.clone(),
            Extra {
                autoincrement: sql.to_ascii_uppercase().contains("AUTOINCREMENT"),
                checks: checks.iter().map(|c| squash(c)).collect(),
            },
        );
    }
    let names = model_names(&tables, app_label);
    let pks: BTreeMap<String, PkChoice> = tables
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                choose_pk(t, &tables, &extras[&t.name], vendor),
            )
        })
        .collect();
    let app_label = leak(app_label.to_string());
    Ok(tables
        .iter()
        .map(|t| {
            let extra = &extras[&t.name];
            model_state(t, &tables, &names, &pks, extra, vendor, app_label)
        })
        .collect())
}

/// Model names for the tables, unique in any case (a state keys models by lowercased name).
fn model_names(tables: &[TableInfo], app_label: &str) -> BTreeMap<String, String> {
    let mut used = BTreeSet::new();
    let mut out = BTreeMap::new();
    for t in tables {
        let base = table_to_model(&t.name, app_label);
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.insert(t.name.clone(), name);
    }
    out
}

/// Names a model must not have, since the generated module would not compile: the types and
/// derives its source names without a path (a struct of that name would shadow them), and the
/// crates it names by path (the derive adds a module named like the model in snake case).
const RESERVED_MODEL_NAMES: &[&str] = &[
    "Self",
    "Option",
    "String",
    "Auto",
    "Model",
    "Debug",
    "Clone",
    "PartialEq",
    "Some",
    "None",
    "Vec",
    "Box",
    "Result",
    "Ok",
    "Err",
    "Dorm",
    "Chrono",
    "RustDecimal",
    "SerdeJson",
    "Diesel",
    "Std",
    "Core",
    "Alloc",
    "Serde",
];

/// Django's `table2model` (`"news_reporter".title()` without the non-alphanumerics), after
/// dropping the app's prefix: always an ASCII CamelCase identifier (`Table...` when the name
/// would be empty, start with a digit, be reserved or make the derive's snake-case module a
/// keyword). Never panics; public (hidden) for a fuzz target.
#[doc(hidden)]
pub fn table_to_model(table: &str, app_label: &str) -> String {
    let prefix = format!("{app_label}_");
    let rest = match table.strip_prefix(&prefix) {
        Some(rest) if !rest.is_empty() => rest,
        _ => table,
    };
    // Python's str.title(): a letter after a non-letter is upper case, others lower case.
    let mut out = String::new();
    let mut prev_letter = false;
    for ch in rest.chars() {
        if ch.is_alphabetic() {
            if prev_letter {
                out.extend(ch.to_lowercase());
            } else {
                out.extend(ch.to_uppercase());
            }
            prev_letter = true;
        } else {
            prev_letter = false;
            if ch.is_ascii_digit() {
                out.push(ch);
            }
        }
    }
    let mut out: String = out.chars().filter(char::is_ascii_alphanumeric).collect();
    // A first letter title-casing left in lower case, after a letter with no ASCII form (`éa`,
    // which Django makes `a`): upper case, or the struct and the derive's snake-case module
    // would have the same name.
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if out.is_empty()
        || out.starts_with(|c: char| c.is_ascii_digit())
        || RESERVED_MODEL_NAMES.contains(&out.as_str())
        || model_source::is_keyword(&model_source::default_verbose_name(&out))
    {
        format!("Table{out}")
    } else {
        out
    }
}

/// Django's `normalize_col_name`: the field name of `column` (an ASCII identifier of
/// `[a-z0-9_]`, never a keyword, not in `used`), and why it differs. Never panics; public
/// (hidden) for a fuzz target.
#[doc(hidden)]
pub fn field_name(
    column: &str,
    is_relation: bool,
    used: &BTreeSet<String>,
) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut name = column.to_lowercase();
    if name != column {
        notes.push("Field name made lowercase.".to_string());
    }
    if is_relation {
        if let Some(rest) = name.strip_suffix("_id") {
            if !rest.is_empty() {
                name = rest.to_string();
            }
        }
    }
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned != name {
        notes.push("Field renamed to remove unsuitable characters.".to_string());
        name = cleaned;
    }
    if name.contains("__") {
        while name.contains("__") {
            name = name.replace("__", "_");
        }
        if column.contains("__") {
            notes.push("Field renamed because it contained more than one '_' in a row.".into());
        }
    }
    if name.is_empty() {
        name = "field".to_string();
        notes.push("Field renamed because it wasn't a valid Rust identifier.".into());
    }
    if name.starts_with('_') {
        name = format!("field{name}");
        notes.push("Field renamed because it started with '_'.".into());
    }
    if name.ends_with('_') {
        name = format!("{name}field");
        notes.push("Field renamed because it ended with '_'.".into());
    }
    if model_source::is_keyword(&name) || name == "pk" {
        name = format!("{name}_field");
        notes.push("Field renamed because it was a Rust reserved word.".into());
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("number_{name}");
        notes.push("Field renamed because it wasn't a valid Rust identifier.".into());
    }
    if used.contains(&name) {
        let mut n = 0;
        while used.contains(&format!("{name}_{n}")) {
            n += 1;
        }
        name = format!("{name}_{n}");
        notes.push("Field renamed because of name conflict.".into());
    }
    (name, notes)
}

/// A column type's name without its parameters, and the parameters:
/// `numeric(18,10)` -> (`numeric`, [18, 10]); `timestamp(3) with time zone` ->
/// (`timestamp with time zone`, [3]).
fn split_type(data_type: &str) -> (String, Vec<u32>) {
    let mut base = String::new();
    let mut params = String::new();
    let mut depth = 0;
    for ch in data_type.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth > 0 => params.push(ch),
            _ => base.push(ch),
        }
    }
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    let params = params
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    (base, params)
}

/// The plain (non-relation, non-auto) field for a column type.
fn plain_field(name: &'static str, data_type: &str, vendor: Vendor) -> (FieldMeta, Vec<String>) {
    use FieldKind::*;
    let (base, params) = split_type(data_type);
    let mut notes = Vec::new();
    let mut field = FieldMeta::new(name, TextField);
    field.kind = match base.as_str() {
        "smallint" | "int2" | "tinyint" => SmallIntegerField,
        "integer" | "int" | "int4" | "mediumint" => IntegerField,
        "bigint" | "int8" => BigIntegerField,
        "bool" | "boolean" => BooleanField,
        "real" | "double" | "double precision" | "float" | "float4" | "float8" => FloatField,
        "varchar" | "char" | "character" | "nchar" | "nvarchar" | "varying character"
        | "native character" => match params.first() {
            Some(n) => {
                field.max_length = Some(*n);
                CharField
            }
            None => TextField,
        },
        "text" | "clob" => TextField,
        "numeric" | "decimal" => {
            let (digits, places) = match params.as_slice() {
                [p, s, ..] => (*p, *s),
                [p] => (*p, 0),
                [] if vendor == Vendor::Sqlite => {
                    // Django's own declaration on SQLite, whatever the field's precision.
                    notes.push(
                        "max_digits and decimal_places have been guessed, as this database handles decimal fields as float."
                            .to_string(),
                    );
                    (10, 5)
                }
                [] => {
                    notes.push(
                        "max_digits and decimal_places have been guessed, as the column has no precision."
                            .to_string(),
                    );
                    (18, 6)
                }
            };
            if vendor == Vendor::Sqlite {
                // A `numeric`/`decimal` column on SQLite holds numbers (INTEGER or REAL), as
                // Django writes them; dorm's own decimals are `bigint` columns.
                field.decimal_storage = crate::fields::DecimalStorage::Numeric;
            }
            if digits > 18 {
                notes.push(format!(
                    "numeric({digits},{places}): dorm's decimals have at most 18 digits."
                ));
            }
            let digits = digits.min(18);
            field.max_digits = Some(digits);
            field.decimal_places = Some(places.min(digits));
            DecimalField
        }
        "date" => DateField,
        "datetime" | "timestamp with time zone" | "timestamptz" => DateTimeField,
        "timestamp" | "timestamp without time zone" => {
            if vendor == Vendor::Postgres {
                notes.push("timestamp without time zone: dorm reads it as UTC.".to_string());
            }
            DateTimeField
        }
        "time" | "time without time zone" => TimeField,
        "json" | "jsonb" => JsonField,
        _ => {
            notes.push(format!(
                "This field type is a guess (the column is `{data_type}`)."
            ));
            TextField
        }
    };
    (field, notes)
}

/// The plain integer kind of a key column (a foreign key's `key_kind`).
fn key_kind(data_type: &str) -> FieldKind {
    match split_type(data_type).0.as_str() {
        "smallint" | "int2" | "tinyint" => FieldKind::SmallIntegerField,
        "integer" | "int" | "int4" | "mediumint" => FieldKind::IntegerField,
        "bigint" | "int8" => FieldKind::BigIntegerField,
        _ => FieldKind::TextField,
    }
}

/// The auto kind of a primary key column, when the database numbers it.
///
/// SQLite numbers an `integer` primary key (the rowid) whatever dorm or Django declared
/// (`AutoField`, `BigAutoField` and `SmallAutoField` are all `integer ... AUTOINCREMENT`), so
/// the columns that reference it tell: `smallint`, `integer` or `bigint` keys make it a
/// `SmallAutoField`, `AutoField` or `BigAutoField`. Unreferenced, it is a `BigAutoField`
/// with `AUTOINCREMENT` (dorm's default) and an `AutoField` without (Django's rule).
fn auto_kind(
    table: &TableInfo,
    col: &ColumnInfo,
    tables: &[TableInfo],
    extra: &Extra,
    vendor: Vendor,
) -> Option<FieldKind> {
    if table.is_view || table.primary_key() != [col.name.as_str()] {
        return None;
    }
    let base = split_type(&col.data_type).0;
    let by_size = |base: &str| match base {
        "smallint" => Some(FieldKind::SmallAutoField),
        "integer" => Some(FieldKind::AutoField),
        "bigint" => Some(FieldKind::BigAutoField),
        _ => None,
    };
    match vendor {
        Vendor::Sqlite if base == "integer" => {
            let mut referencing: Vec<FieldKind> = tables
                .iter()
                .flat_map(|t| {
                    t.foreign_keys
                        .iter()
                        .filter(|fk| fk.to_table == table.name && fk.to_column == col.name)
                        .filter_map(|fk| t.column(&fk.column))
                })
                .filter_map(|c| by_size(&split_type(&c.data_type).0))
                .collect();
            referencing.sort_by_key(|k| k.django_name());
            referencing.dedup();
            Some(match referencing.len() {
                1 => referencing[0],
                0 if !extra.autoincrement => FieldKind::AutoField,
                _ => FieldKind::BigAutoField,
            })
        }
        Vendor::Sqlite => None,
        Vendor::Postgres => {
            let default = col.default.as_deref().unwrap_or("");
            if default.contains("as identity") || default.starts_with("nextval(") {
                by_size(&base)
            } else {
                None
            }
        }
    }
}

/// A table's primary key as a model has it: one column (composite keys and tables without
/// one get a stand-in, with a note), and its auto kind when the database numbers it.
#[derive(Debug, Clone, Default)]
struct PkChoice {
    column: Option<String>,
    auto: Option<FieldKind>,
    /// The plain kind of a foreign key column pointing at it (`key_kind`).
    key_kind: Option<FieldKind>,
    notes: Vec<String>,
}

fn choose_pk(table: &TableInfo, tables: &[TableInfo], extra: &Extra, vendor: Vendor) -> PkChoice {
    let mut notes = Vec::new();
    let pk_columns = table.primary_key();
    let column: Option<String> = match pk_columns.as_slice() {
        [one] => Some(one.to_string()),
        [first, ..] => {
            notes.push(format!(
                "The composite primary key ({}) found, that is not supported. The first column is selected.",
                pk_columns.join(", ")
            ));
            Some(first.to_string())
        }
        [] => {
            let chosen = table
                .column("id")
                .or(table.columns.first())
                .map(|c| c.name.clone());
            match &chosen {
                Some(c) if !table.is_view => notes.push(format!(
                    "The table has no primary key: `{c}` is used as one (make sure its values are unique)."
                )),
                Some(c) if c != "id" => notes.push(format!(
                    "A view has no primary key: `{c}` is used as one (make sure its values are unique)."
                )),
                _ => {}
            }
            chosen
        }
    };
    let col = column.as_deref().and_then(|c| table.column(c));
    let auto = col.and_then(|c| auto_kind(table, c, tables, extra, vendor));
    let plain = match auto {
        Some(FieldKind::SmallAutoField) => Some(FieldKind::SmallIntegerField),
        Some(FieldKind::AutoField) => Some(FieldKind::IntegerField),
        Some(_) => Some(FieldKind::BigIntegerField),
        None => col.map(|c| plain_field("pk", &c.data_type, vendor).0.kind),
    };
    let key_kind = plain.and_then(|k| match k {
        FieldKind::SmallIntegerField | FieldKind::IntegerField | FieldKind::BigIntegerField => {
            Some(k)
        }
        k if k.is_text() => Some(FieldKind::TextField),
        _ => None,
    });
    PkChoice {
        column,
        auto,
        key_kind,
        notes,
    }
}

fn model_state(
    table: &TableInfo,
    tables: &[TableInfo],
    names: &BTreeMap<String, String>,
    pks: &BTreeMap<String, PkChoice>,
    extra: &Extra,
    vendor: Vendor,
    app_label: &'static str,
) -> (ModelState, Notes) {
    let mut notes = Notes::default();
    let model_name = names[&table.name].clone();
    let pk = &pks[&table.name];
    notes.model.extend(pk.notes.iter().cloned());
    let pk_column = pk.column.clone();
    if table.is_view {
        notes
            .model
            .push("Created from a view. Don't remove `managed = false`.".into());
    }

    // Single-column indexes become field options; the rest are model options.
    let single_unique: BTreeSet<&str> = table
        .indexes
        .iter()
        .filter(|i| i.unique && i.columns.len() == 1)
        .map(|i| i.columns[0].as_str())
        .collect();
    let single_index: BTreeSet<&str> = table
        .indexes
        .iter()
        .filter(|i| !i.unique && i.columns.len() == 1 && !i.columns[0].starts_with('-'))
        .map(|i| i.columns[0].as_str())
        .collect();

    let mut used = BTreeSet::new();
    let mut fields = Vec::new();
    let mut by_column: BTreeMap<&str, &'static str> = BTreeMap::new();
    for col in &table.columns {
        let fk = table.foreign_key(&col.name);
        let (name, mut field_notes) = field_name(&col.name, fk.is_some(), &used);
        used.insert(name.clone());
        let name = leak(name);
        let column = leak(col.name.clone());
        by_column.insert(col.name.as_str(), name);
        let is_pk = pk_column.as_deref() == Some(col.name.as_str());
        let unique = is_pk || single_unique.contains(col.name.as_str());

        let auto = if is_pk { pk.auto } else { None };
        let mut field = match (fk, auto) {
            (_, Some(kind)) => FieldMeta::new(name, kind),
            (Some(fk), _) => {
                let kind = if unique {
                    FieldKind::OneToOneField
                } else {
                    FieldKind::ForeignKey
                };
                let target = names
                    .get(&fk.to_table)
                    .cloned()
                    .unwrap_or_else(|| table_to_model(&fk.to_table, app_label));
                let target_pk = tables
                    .iter()
                    .find(|t| t.name == fk.to_table)
                    .map(|t| t.primary_key());
                if target_pk.is_some_and(|pk| pk != [fk.to_column.as_str()]) {
                    field_notes.push(format!(
                        "References `{}`.`{}`, not the primary key: dorm relations point at primary keys.",
                        fk.to_table, fk.to_column
                    ));
                }
                if !names.contains_key(&fk.to_table) {
                    field_notes.push(format!(
                        "References `{}`, which inspectdb did not read.",
                        fk.to_table
                    ));
                }
                FieldMeta::new(name, kind).foreign_key(
                    leak(target),
                    leak(fk.to_table.clone()),
                    leak(fk.to_column.clone()),
                    pks.get(&fk.to_table)
                        .and_then(|p| p.key_kind)
                        .unwrap_or_else(|| key_kind(&col.data_type)),
                    OnDelete::DoNothing,
                )
            }
            (None, _) => {
                let (mut field, type_notes) = plain_field(name, &col.data_type, vendor);
                field_notes.extend(type_notes);
                if extra.positive(&col.name) {
                    field.kind = match field.kind {
                        FieldKind::SmallIntegerField => FieldKind::PositiveSmallIntegerField,
                        FieldKind::IntegerField => FieldKind::PositiveIntegerField,
                        FieldKind::BigIntegerField => FieldKind::PositiveBigIntegerField,
                        other => other,
                    };
                }
                if field.kind == FieldKind::TextField && extra.json(&col.name) {
                    field.kind = FieldKind::JsonField;
                    field_notes.retain(|n| !n.starts_with("This field type is a guess"));
                }
                field
            }
        };
        field.column = column;
        field.verbose_name = leak(name.replace('_', " "));
        if is_pk {
            field = field.primary_key();
        } else {
            field.null = col.null;
            field.unique = unique;
            field.db_index =
                (single_index.contains(col.name.as_str()) && !unique) || field.relation.is_some();
        }
        if let Some(default) = &col.default {
            if auto.is_none() {
                field_notes.push(format!("Database default: {default}"));
            }
        }
        if !field_notes.is_empty() {
            notes.fields.insert(name.to_string(), field_notes);
        }
        fields.push(field);
    }
    if !table.is_view && fields.iter().any(|f| f.relation.is_some()) {
        // A foreign key without an index of its own still reads as db_index (the derive
        // implies it); say so when the database has none.
        for f in fields.iter().filter(|f| f.relation.is_some() && !f.unique) {
            if !single_index.contains(f.column) {
                notes
                    .fields
                    .entry(f.name.to_string())
                    .or_default()
                    .push("The database has no index on this column.".into());
            }
        }
    }

    let field_of = |column: &str| -> Option<String> {
        let (desc, plain) = match column.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", column),
        };
        by_column.get(plain).map(|f| format!("{desc}{f}"))
    };
    let mut constraints = Vec::new();
    let mut indexes = Vec::new();
    for index in &table.indexes {
        let single = index.columns.len() == 1 && !index.columns[0].starts_with('-');
        if single {
            continue;
        }
        let Some(field_names) = index
            .columns
            .iter()
            .map(|c| field_of(c))
            .collect::<Option<Vec<String>>>()
        else {
            notes.model.push(format!(
                "Index `{}` ({}) is not on plain columns and was left out.",
                index.name,
                index.columns.join(", ")
            ));
            continue;
        };
        if index.unique {
            if field_names.iter().any(|f| f.starts_with('-')) {
                notes.model.push(format!(
                    "Unique index `{}` has a descending column: written as ascending.",
                    index.name
                ));
            }
            let plain = field_names
                .into_iter()
                .map(|f| f.trim_start_matches('-').to_string())
                .collect();
            constraints.push(ConstraintMeta {
                name: leak(index.name.clone()),
                fields: leak_list(plain),
            });
        } else {
            indexes.push(IndexMeta {
                name: leak(index.name.clone()),
                fields: leak_list(field_names),
            });
        }
    }

    let name = leak(model_name);
    let state = ModelState {
        name,
        app_label,
        db_table: leak(table.name.clone()),
        fields,
        constraints,
        indexes,
        ordering: Vec::new(),
        managed: !table.is_view,
        verbose_name: leak(model_source::default_verbose_name(name)),
        many_to_many: Vec::new(),
    };
    (state, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_follow_django() {
        assert_eq!(table_to_model("news_reporter", "news"), "Reporter");
        assert_eq!(table_to_model("temp_user", "news"), "TempUser");
        assert_eq!(table_to_model("tests_userparent", "tests"), "Userparent");
        assert_eq!(table_to_model("HTTPLog", "news"), "Httplog");
        assert_eq!(table_to_model("2fa codes", "news"), "Table2FaCodes");
        assert_eq!(table_to_model("news_", "news"), "News");
        // Found by the `inspectdb_names` fuzz target: `ߢJ` gave `j`, a struct named like the
        // derive's module.
        assert_eq!(table_to_model("ߢJ", "news"), "J");
        assert_eq!(table_to_model("éa_b", "news"), "AB");
        assert_eq!(table_to_model("éself", "news"), "TableSelf");
    }

    #[test]
    fn field_names_follow_django() {
        let used = BTreeSet::new();
        assert_eq!(field_name("writer_id", true, &used).0, "writer");
        assert_eq!(field_name("writer_id", false, &used).0, "writer_id");
        assert_eq!(field_name("Type", false, &used).0, "type_field");
        assert_eq!(field_name("first name", false, &used).0, "first_name");
        assert_eq!(field_name("a__b", false, &used).0, "a_b");
        assert_eq!(field_name("_x", false, &used).0, "field_x");
        assert_eq!(field_name("1st", false, &used).0, "number_1st");
        let used: BTreeSet<String> = ["name".to_string()].into();
        assert_eq!(field_name("NAME", false, &used).0, "name_0");
    }

    fn is_plain_ident(s: &str) -> bool {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    #[test]
    fn hostile_names_become_plain_identifiers() {
        assert_eq!(table_to_model("news_option", "news"), "TableOption");
        assert_eq!(table_to_model("dorm", "news"), "TableDorm");
        assert_eq!(table_to_model("serde_json", "news"), "TableSerdeJson");
        assert_eq!(table_to_model("type", "news"), "TableType");
        assert_eq!(table_to_model("crate", "news"), "TableCrate");
        assert_eq!(table_to_model("a\nfn main() {}", "news"), "AFnMain");
        assert_eq!(table_to_model("日本", "news"), "Table");
        let used = BTreeSet::new();
        assert_eq!(field_name("self", false, &used).0, "self_field");
        assert_eq!(field_name("", false, &used).0, "field");
        assert_eq!(field_name("_", false, &used).0, "field_field");
        assert_eq!(field_name("a\n*/b", false, &used).0, "a_b");
        assert_eq!(field_name("été", false, &used).0, "field_t_field");
        // Any text (random characters of every kind) gives an identifier, without panicking.
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', '9', '_', ' ', '\n', '\r', '"', '\\', '*', '/', '-', 'é', 'ß', 'İ',
            '😀', '\u{202e}', '\u{301}', '日', 's', 'e', 'l', 'f', 'i', 'd',
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let name: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let model = table_to_model(&name, "a");
            assert!(is_plain_ident(&model), "{name:?} -> {model:?}");
            assert!(!RESERVED_MODEL_NAMES.contains(&model.as_str()), "{name:?}");
            assert!(!model_source::is_keyword(
                &model_source::default_verbose_name(&model)
            ));
            let used: BTreeSet<String> = ["id".to_string()].into();
            for relation in [false, true] {
                let (field, _) = field_name(&name, relation, &used);
                assert!(is_plain_ident(&field), "{name:?} -> {field:?}");
                assert!(!model_source::is_keyword(&field) && field != "pk" && field != "id");
            }
        }
    }

    #[test]
    fn splits_types() {
        assert_eq!(
            split_type("numeric(18,10)"),
            ("numeric".to_string(), vec![18, 10])
        );
        assert_eq!(
            split_type("timestamp(3) with time zone"),
            ("timestamp with time zone".to_string(), vec![3])
        );
    }
}
