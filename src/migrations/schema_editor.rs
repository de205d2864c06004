//! [`SchemaEditor`]: DDL for one backend, from model states (Django's
//! `BaseDatabaseSchemaEditor` and its SQLite and PostgreSQL subclasses). Every identifier comes
//! from metadata and is quoted with [`quote_name`]; the only values that reach this text are a
//! field's literal default, rendered as an SQL literal by the editor (strings quoted with `'`
//! doubled), never user input.
//!
//! [`SchemaEditor::forwards`] and [`SchemaEditor::backwards`] render one [`Operation`] from the
//! project states before and after it; the model-level functions ([`SchemaEditor::create_model`],
//! [`SchemaEditor::add_field`], [`SchemaEditor::alter_field`], ...) take the model's state on
//! each side. Models with `managed = false` get no DDL from any operation.
//!
//! # PostgreSQL
//!
//! Every change is an `ALTER TABLE`: `ADD COLUMN` / `DROP COLUMN ... CASCADE` /
//! `RENAME COLUMN` / `RENAME TO`, `ALTER COLUMN ... TYPE ... USING`, `SET` / `DROP NOT NULL`,
//! `ADD` / `DROP CONSTRAINT`, `CREATE` / `DROP INDEX`. The constraints a `CREATE TABLE` leaves
//! unnamed are found again by the names PostgreSQL gives them (`<table>_<column>_key`,
//! `_fkey`, `_check`, `<table>_pkey`, computed as PostgreSQL truncates them); renaming a table
//! or a column renames those constraints and dorm's `<table>_<column>_idx` indexes with it, so
//! the names always follow the model as a fresh `CREATE TABLE` would name them.
//!
//! A column added `NOT NULL` with a literal default is added `DEFAULT <literal>` (so existing
//! rows get it) and the default is dropped right after, as Django does: defaults live in the
//! models, not in the schema. A callable default (`Utc::now()`) cannot be rendered in SQL; adding
//! a `NOT NULL` field with one is an [`Error::Migration`] asking for a one-off literal default.
//!
//! Changing a column's type casts the rows: `USING "col"::newtype`, and from a text kind to
//! anything but JSON `USING NULLIF("col", '')::newtype`, so empty strings become NULL instead
//! of failing with "invalid input syntax for type bigint" (the scrap book's `CharField` ->
//! `ForeignKey` case). The autodetector emits `RemoveField` + `AddField` for a change between a
//! plain field and a relation anyway (the values rarely mean the same thing); the cast makes a
//! hand-written `AlterField` work too.
//!
//! # SQLite
//!
//! SQLite's `ALTER TABLE` is used where it is safe: `ADD COLUMN` for a nullable column without
//! a default that is neither unique nor a primary key, `DROP COLUMN` for a column no index,
//! constraint or foreign key involves, `RENAME COLUMN`, `RENAME TO`, `CREATE` / `DROP INDEX`.
//! Everything else rebuilds the table as Django's `_remake_table` does: `CREATE TABLE
//! "new__<table>"` from the state after the change, `INSERT INTO "new__<table>" (...) SELECT
//! ... FROM "<table>"` (each column from its old column, a new column from its default, a
//! column made `NOT NULL` as `coalesce(old, default)`, text into a non-text column through
//! `NULLIF(old, '')`, decimals rescaled when their `decimal_places` change: dorm keeps them as
//! scaled integers), `DROP TABLE "<table>"`, `ALTER TABLE "new__<table>" RENAME TO "<table>"`,
//! then the table's indexes. Unique constraints (`AddConstraint`/`RemoveConstraint`) rebuild
//! too, so they always live in the table's definition, as `CREATE TABLE` puts them. Foreign
//! keys of other tables keep pointing at the rebuilt table by name. The executor switches
//! `PRAGMA foreign_keys` off around a migration (dropping the old table must not cascade) and
//! runs `PRAGMA foreign_key_check` before committing; the editor only renders statements.
//!
//! # Both
//!
//! - A column made `NOT NULL` gets its literal default in the rows that were NULL first
//!   (`UPDATE ... WHERE col IS NULL` on PostgreSQL, `coalesce` in SQLite's copy). A field
//!   with a callable default that is nullable is added with NULL in the existing rows.
//! - `DeleteModel` drops the automatic join tables with the table (PostgreSQL: `CASCADE`,
//!   which also drops other tables' foreign keys to it); backwards recreates the table from
//!   the state before it and, on PostgreSQL, those foreign keys.
//! - `RenameModel` renames the table when the states name different tables, the automatic
//!   join tables whose name derives from it (`<table>_<field>`) and the join tables' key
//!   columns named after the model (`<model>_id`, also in other models' join tables that
//!   point at it), as Django does; see [`auto_join_table`]. PostgreSQL keeps an identity
//!   column's sequence name.
//! - `RemoveField` backwards adds the column back with the indexes and constraints over it
//!   that the state before had; `ADD COLUMN` puts it last (a SQLite rebuild puts it where the
//!   state has it).

use std::borrow::Cow;

use crate::db::Vendor;
use crate::error::{Error, Result};
use crate::fields::{DecimalStorage, DefaultMeta, FieldKind, FieldMeta};
use crate::model::{ConstraintMeta, IndexMeta, ModelMeta};
use crate::relations::ManyToManyMeta;

use super::state::{leak, leak_slice, ModelState, ProjectState};
use super::Operation;

/// Renders DDL for one backend.
#[derive(Debug, Clone, Copy)]
pub struct SchemaEditor {
    vendor: Vendor,
}

/// `"name"` with embedded quotes doubled.
pub fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'` with embedded quotes doubled: an SQL string literal.
fn quote_value(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// PostgreSQL truncates identifiers at 63 bytes; longer generated names are cut and hashed.
fn identifier(name: String) -> String {
    if name.len() <= 63 {
        return name;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut cut = 50;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{:08x}", &name[..cut], hash as u32)
}

/// The name PostgreSQL gives an unnamed constraint (its `makeObjectName`): `<table>_<column>_
/// <label>`, or `<table>_<label>`, with the longer of the two names shortened a byte at a time
/// until the whole fits in 63 bytes.
pub fn pg_constraint_name(table: &str, column: Option<&str>, label: &str) -> String {
    let mut overhead = label.len() + 1;
    let mut n1 = table.len();
    let mut n2 = 0;
    if let Some(c) = column {
        n2 = c.len();
        overhead += 1;
    }
    let available = 63usize.saturating_sub(overhead);
    while n1 + n2 > available {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        n
    };
    let name1 = &table[..clip(table, n1)];
    match column {
        Some(c) => format!("{name1}_{}_{label}", &c[..clip(c, n2)]),
        None => format!("{name1}_{label}"),
    }
}

/// The name of the index dorm creates for a `db_index` field: `<table>_<column>_idx`.
pub fn field_index_name(table: &str, column: &str) -> String {
    identifier(format!("{table}_{column}_idx"))
}

/// A field with an index of its own (`db_index`, not already covered by a unique constraint
/// or the primary key).
fn has_field_index(f: &FieldMeta) -> bool {
    f.db_index && !f.unique && !f.primary_key
}

/// A field with a unique constraint of its own (the primary key's is the key's).
fn has_unique(f: &FieldMeta) -> bool {
    f.unique && !f.primary_key
}

fn is_integer(kind: FieldKind) -> bool {
    use FieldKind::*;
    matches!(
        kind,
        SmallAutoField
            | AutoField
            | BigAutoField
            | SmallIntegerField
            | IntegerField
            | BigIntegerField
            | PositiveSmallIntegerField
            | PositiveIntegerField
            | PositiveBigIntegerField
    )
}

fn editor_error(message: String) -> Error {
    Error::Migration {
        migration: "(schema editor)".into(),
        message,
    }
}

/// A model's definition as the editor reads it: a [`ModelState`], or a model's [`ModelMeta`]
/// (converted on the way), so `editor.create_model(&<Venue as Model>::META)` keeps working.
pub trait ModelDefinition {
    /// The definition as a model state.
    fn model_state(&self) -> Cow<'_, ModelState>;
}

impl ModelDefinition for ModelState {
    fn model_state(&self) -> Cow<'_, ModelState> {
        Cow::Borrowed(self)
    }
}

impl ModelDefinition for ModelMeta {
    fn model_state(&self) -> Cow<'_, ModelState> {
        Cow::Owned(ModelState::from(self))
    }
}

/// The automatic join table of the many-to-many field `m2m` of `owner`, as it is named in the
/// state `owner` belongs to (`state`, when there is one to find the target in).
///
/// The derive names a join table and its key columns after the models:
/// `<owner table>_<field>`, `<owner>_id`, `<target>_id` (`from_<owner>_id`/`to_<owner>_id`
/// for a relation of a model to itself). A renamed model keeps its join table's frozen
/// metadata, so the names that derive from the models are derived again here, from the
/// owner's and the target's current names: `RenameModel` renames the join table and its
/// columns with the model, as Django does. `None` for a relation with a `through` model.
pub fn auto_join_table(
    owner: &ModelState,
    m2m: &ManyToManyMeta,
    state: Option<&ProjectState>,
) -> Option<ModelState> {
    let join = m2m.join?;
    let mut js = ModelState::from(join);
    let keys: Vec<usize> = js
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.relation.is_some())
        .map(|(i, _)| i)
        .collect();
    let &[o, t] = keys.as_slice() else {
        return Some(js);
    };
    let (Some(orig_owner), Some(orig_target)) = (js.fields[o].relation, js.fields[t].relation)
    else {
        return Some(js);
    };
    if join.db_table == format!("{}_{}", orig_owner.table, m2m.name)
        && orig_owner.table != owner.db_table
    {
        js.db_table = leak(format!("{}_{}", owner.db_table, m2m.name));
    }
    let self_ref = orig_owner.model == orig_target.model;
    let target: Option<(&'static str, &'static str)> = if self_ref {
        Some((owner.name, owner.db_table))
    } else {
        state
            .and_then(|s| {
                s.model(owner.app_label, m2m.to)
                    .or_else(|| s.models().find(|m| m.name.eq_ignore_ascii_case(m2m.to)))
            })
            .map(|m| (m.name, m.db_table))
    };
    let old_owner = orig_owner.model.to_lowercase();
    let new_owner = owner.name.to_lowercase();
    let (old_t, new_t) = match target {
        _ if self_ref => (format!("to_{old_owner}"), format!("to_{new_owner}")),
        Some((name, _)) => (orig_target.model.to_lowercase(), name.to_lowercase()),
        None => (String::new(), String::new()),
    };
    let (old_o, new_o) = if self_ref {
        (format!("from_{old_owner}"), format!("from_{new_owner}"))
    } else {
        (old_owner, new_owner)
    };
    let mut renames: Vec<(&'static str, &'static str)> = Vec::new();
    for (i, old, new) in [(o, old_o, new_o), (t, old_t, new_t)] {
        let f = &mut js.fields[i];
        if old != new && f.name == old {
            let name = leak(new);
            renames.push((f.name, name));
            if f.column == format!("{old}_id") {
                f.column = leak(format!("{name}_id"));
            }
            f.name = name;
        }
    }
    if let Some(rel) = js.fields[o].relation.as_mut() {
        rel.model = owner.name;
        rel.table = owner.db_table;
    }
    if let (Some(rel), Some((name, table))) = (js.fields[t].relation.as_mut(), target) {
        rel.model = name;
        rel.table = table;
    }
    if !renames.is_empty() {
        for c in &mut js.constraints {
            let fields: Vec<&'static str> = c
                .fields
                .iter()
                .map(|f| {
                    renames
                        .iter()
                        .find(|(old, _)| old == f)
                        .map_or(*f, |(_, new)| *new)
                })
                .collect();
            c.fields = leak_slice(fields);
        }
    }
    Some(js)
}

/// A literal default, parsed from its Rust source.
enum Literal {
    Str(String),
    Bool(bool),
    Int(i128),
    /// A decimal number's text, validated.
    Number(String),
}

/// Parses a Rust literal (`"de"`, `r"x"`, `'c'`, `true`, `0`, `1_000i64`, `-5`, `1.5`).
fn parse_literal(source: &str) -> Option<Literal> {
    let t = source.trim();
    match t {
        "true" => return Some(Literal::Bool(true)),
        "false" => return Some(Literal::Bool(false)),
        _ => {}
    }
    if t.starts_with('"') {
        return parse_string(t).map(Literal::Str);
    }
    if let Some(rest) = t.strip_prefix('r') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        let fence = "#".repeat(hashes);
        return rest[hashes..]
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix(&format!("\"{fence}")))
            .map(|s| Literal::Str(s.to_string()));
    }
    if t.starts_with('\'') && t.ends_with('\'') && t.len() >= 3 {
        let inner = format!("\"{}\"", &t[1..t.len() - 1].replace('"', "\\\""));
        return parse_string(&inner).map(Literal::Str);
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    const INT_SUFFIXES: &[&str] = &[
        "i128", "u128", "isize", "usize", "i64", "u64", "i32", "u32", "i16", "u16", "i8", "u8",
    ];
    let int_text = INT_SUFFIXES
        .iter()
        .find_map(|s| digits.strip_suffix(s))
        .unwrap_or(&digits);
    let (radix, body) = if let Some(b) = int_text.strip_prefix("0x") {
        (16, b)
    } else if let Some(b) = int_text.strip_prefix("0o") {
        (8, b)
    } else if let Some(b) = int_text.strip_prefix("0b") {
        (2, b)
    } else {
        (10, int_text)
    };
    if !body.is_empty() && body.chars().all(|c| c.is_digit(radix)) {
        let v = i128::from_str_radix(body, radix).ok()?;
        return Some(Literal::Int(if negative { -v } else { v }));
    }
    let float = digits
        .strip_suffix("f64")
        .or_else(|| digits.strip_suffix("f32"))
        .unwrap_or(&digits);
    let valid = !float.is_empty()
        && float.starts_with(|c: char| c.is_ascii_digit())
        && float
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && float.parse::<f64>().is_ok_and(f64::is_finite);
    if valid {
        let mut text = float.to_string();
        if text.ends_with('.') {
            text.push('0');
        }
        if negative {
            text.insert(0, '-');
        }
        return Some(Literal::Number(text));
    }
    None
}

/// The value of a Rust string literal (`"..."` with its escapes).
fn parse_string(t: &str) -> Option<String> {
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut hex = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '_' => {}
                        h => hex.push(h),
                    }
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            '\n' => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A decimal number's text as an integer scaled by `10^places`, rounded half away from zero
/// (how dorm stores decimals on SQLite).
fn scaled_decimal(text: &str, places: u32) -> Option<i128> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits_only(int) || !digits_only(frac) {
        return None;
    }
    let p = places as usize;
    let (kept, dropped) = if frac.len() > p {
        frac.split_at(p)
    } else {
        (frac, "")
    };
    let mut digits = format!("{int}{kept}");
    digits.extend(std::iter::repeat_n('0', p - kept.len()));
    let mut v: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    if dropped.starts_with(['5', '6', '7', '8', '9']) {
        v += 1;
    }
    Some(if negative { -v } else { v })
}

impl SchemaEditor {
    /// An editor for `vendor`.
    pub const fn new(vendor: Vendor) -> Self {
        SchemaEditor { vendor }
    }

    /// The backend this editor renders for.
    pub const fn vendor(&self) -> Vendor {
        self.vendor
    }

    fn postgres(&self) -> bool {
        self.vendor == Vendor::Postgres
    }

    /// The column type of `field` (Django's `data_types` for the backend).
    pub fn column_type(&self, field: &FieldMeta) -> String {
        use FieldKind::*;
        let sqlite = self.vendor == Vendor::Sqlite;
        match field.kind {
            SmallAutoField => if sqlite { "integer" } else { "smallint" }.to_string(),
            AutoField => "integer".to_string(),
            BigAutoField => if sqlite { "integer" } else { "bigint" }.to_string(),
            CharField | EmailField | UrlField | SlugField | FileField | ImageField => {
                match field.max_length {
                    Some(n) => format!("varchar({n})"),
                    None => "text".to_string(),
                }
            }
            TextField => "text".to_string(),
            SmallIntegerField | PositiveSmallIntegerField => "smallint".to_string(),
            IntegerField | PositiveIntegerField => "integer".to_string(),
            BigIntegerField | PositiveBigIntegerField => "bigint".to_string(),
            BooleanField => if sqlite { "bool" } else { "boolean" }.to_string(),
            FloatField => if sqlite { "real" } else { "double precision" }.to_string(),
            // SQLite keeps decimals as integers scaled by 10^decimal_places (see dorm::sql_types).
            // Django's own storage, for databases other tools share (`sqlite_numeric`).
            DecimalField if sqlite && field.decimal_storage == DecimalStorage::Numeric => {
                "decimal".to_string()
            }
            DecimalField if sqlite => "bigint".to_string(),
            DecimalField => format!(
                "numeric({}, {})",
                field.max_digits.unwrap_or(18),
                field.decimal_places.unwrap_or(0)
            ),
            DateField => "date".to_string(),
            DateTimeField => if sqlite {
                "datetime"
            } else {
                "timestamp with time zone"
            }
            .to_string(),
            TimeField => "time".to_string(),
            JsonField => if sqlite { "text" } else { "jsonb" }.to_string(),
            // The key column has the type of the target's primary key (an auto key's plain type).
            ForeignKey | OneToOneField => {
                let key = match field.key_kind {
                    Some(SmallAutoField) => SmallIntegerField,
                    Some(AutoField) => IntegerField,
                    Some(BigAutoField) | None => BigIntegerField,
                    Some(other) => other,
                };
                let mut target = FieldMeta::new(field.name, key);
                target.max_length = field.max_length;
                self.column_type(&target)
            }
        }
    }

    /// The column's definition inside `CREATE TABLE`.
    pub fn column_sql(&self, field: &FieldMeta) -> String {
        self.column_definition(field, None)
    }

    /// The column's definition, with `DEFAULT <default>` when one is given (to fill the
    /// existing rows of a table the column is added to).
    fn column_definition(&self, field: &FieldMeta, default: Option<&str>) -> String {
        let q = quote_name(field.column);
        let mut sql = format!("{q} {}", self.column_type(field));
        if let Some(d) = default {
            sql.push_str(" DEFAULT ");
            sql.push_str(d);
        }
        sql.push_str(if field.null { " NULL" } else { " NOT NULL" });
        if field.primary_key {
            sql.push_str(" PRIMARY KEY");
            if field.kind.is_auto() {
                sql.push_str(if self.vendor == Vendor::Sqlite {
                    " AUTOINCREMENT"
                } else {
                    " GENERATED BY DEFAULT AS IDENTITY"
                });
            }
        } else if field.unique {
            sql.push_str(" UNIQUE");
        }
        if field.kind.is_positive() {
            sql.push_str(&format!(" CHECK ({q} >= 0)"));
        }
        if let Some(rel) = field.relation {
            sql.push_str(&format!(
                " REFERENCES {} ({})",
                quote_name(rel.table),
                quote_name(rel.column)
            ));
            if self.postgres() {
                // Checked at commit, as Django creates them, so a transaction may insert rows in
                // any order.
                sql.push_str(" DEFERRABLE INITIALLY DEFERRED");
            }
        }
        if field.kind == FieldKind::JsonField && self.vendor == Vendor::Sqlite {
            sql.push_str(&format!(" CHECK ({q} IS NULL OR json_valid({q}))"));
        }
        sql
    }

    /// `CREATE TABLE`, the model's indexes and its automatic many-to-many join tables (named
    /// from the model alone; [`SchemaEditor::forwards`] names them from the project state).
    pub fn create_model<M: ModelDefinition + ?Sized>(&self, model: &M) -> Vec<String> {
        let model = model.model_state();
        self.create_model_in(&model, None)
    }

    /// `DROP TABLE` of the model and of its automatic join tables.
    pub fn delete_model<M: ModelDefinition + ?Sized>(&self, model: &M) -> Vec<String> {
        let model = model.model_state();
        self.delete_model_in(&model, None)
    }

    fn create_model_in(&self, model: &ModelState, state: Option<&ProjectState>) -> Vec<String> {
        let mut out = self.create_table(model);
        // Automatic many-to-many join tables, after the table they point at.
        for m2m in &model.many_to_many {
            if let Some(join) = auto_join_table(model, m2m, state) {
                out.extend(self.create_table(&join));
            }
        }
        out
    }

    fn delete_model_in(&self, model: &ModelState, state: Option<&ProjectState>) -> Vec<String> {
        let mut out: Vec<String> = model
            .many_to_many
            .iter()
            .filter_map(|m| auto_join_table(model, m, state))
            .map(|join| self.drop_table(&join))
            .collect();
        out.push(self.drop_table(model));
        out
    }

    fn drop_table(&self, model: &ModelState) -> String {
        let cascade = if self.postgres() { " CASCADE" } else { "" };
        format!("DROP TABLE {}{cascade}", quote_name(model.db_table))
    }

    /// `CREATE TABLE` and the table's indexes (no join tables).
    pub fn create_table(&self, model: &ModelState) -> Vec<String> {
        let mut out = vec![self.create_table_named(model, model.db_table)];
        out.extend(self.index_statements(model));
        out
    }

    /// The `CREATE TABLE` statement of `model`, naming the table `table`.
    fn create_table_named(&self, model: &ModelState, table: &str) -> String {
        let mut defs: Vec<String> = model.fields.iter().map(|f| self.column_sql(f)).collect();
        for c in &model.constraints {
            defs.push(format!(
                "CONSTRAINT {} UNIQUE ({})",
                quote_name(c.name),
                self.columns_of(model, c.fields).join(", ")
            ));
        }
        format!("CREATE TABLE {} ({})", quote_name(table), defs.join(", "))
    }

    /// The quoted columns of `fields` (field names; `-name` for descending).
    fn columns_of(&self, model: &ModelState, fields: &[&str]) -> Vec<String> {
        fields
            .iter()
            .map(|f| match f.strip_prefix('-') {
                Some(name) => format!("{} DESC", quote_name(model.column(name).unwrap_or(name))),
                None => quote_name(model.column(f).unwrap_or(f)),
            })
            .collect()
    }

    /// The indexes of `model`: one per `db_index` field, then its `indexes`.
    fn index_statements(&self, model: &ModelState) -> Vec<String> {
        let mut out: Vec<String> = model
            .fields
            .iter()
            .filter(|f| has_field_index(f))
            .map(|f| self.field_index_sql(model.db_table, f.column))
            .collect();
        out.extend(model.indexes.iter().map(|i| self.index_sql(model, i)));
        out
    }

    fn field_index_sql(&self, table: &str, column: &str) -> String {
        format!(
            "CREATE INDEX {} ON {} ({})",
            quote_name(&field_index_name(table, column)),
            quote_name(table),
            quote_name(column)
        )
    }

    /// `CREATE INDEX` for one of the model's `indexes`.
    pub fn index_sql(&self, model: &ModelState, index: &IndexMeta) -> String {
        format!(
            "CREATE INDEX {} ON {} ({})",
            quote_name(index.name),
            quote_name(model.db_table),
            self.columns_of(model, index.fields).join(", ")
        )
    }

    /// `DROP INDEX`.
    pub fn drop_index_sql(&self, name: &str) -> String {
        format!("DROP INDEX {}", quote_name(name))
    }

    /// The SQL literal of `field`'s literal default `source` (its Rust text): strings quoted,
    /// booleans as the backend stores them, decimals scaled on SQLite.
    pub fn literal_sql(&self, field: &FieldMeta, source: &str) -> Result<String> {
        let unsupported = || {
            editor_error(format!(
                "the default `{source}` of field `{}` cannot be written as an SQL literal",
                field.name
            ))
        };
        let literal = parse_literal(source).ok_or_else(unsupported)?;
        let sqlite_decimal = field.kind == FieldKind::DecimalField
            && !self.postgres()
            && field.decimal_storage == DecimalStorage::Scaled;
        let places = field.decimal_places.unwrap_or(0);
        Ok(match literal {
            Literal::Str(s) if field.kind == FieldKind::DecimalField => {
                if sqlite_decimal {
                    scaled_decimal(&s, places)
                        .ok_or_else(unsupported)?
                        .to_string()
                } else if scaled_decimal(&s, 0).is_some() || s.trim().parse::<f64>().is_ok() {
                    quote_value(s.trim())
                } else {
                    return Err(unsupported());
                }
            }
            Literal::Str(s) => {
                if s.contains('\0') {
                    return Err(unsupported());
                }
                quote_value(&s)
            }
            Literal::Bool(b) => match (self.postgres(), b) {
                (true, true) => "TRUE".into(),
                (true, false) => "FALSE".into(),
                (false, true) => "1".into(),
                (false, false) => "0".into(),
            },
            Literal::Int(v) if sqlite_decimal => v
                .checked_mul(10i128.checked_pow(places).ok_or_else(unsupported)?)
                .ok_or_else(unsupported)?
                .to_string(),
            Literal::Int(v) => v.to_string(),
            Literal::Number(text) if sqlite_decimal => scaled_decimal(&text, places)
                .ok_or_else(unsupported)?
                .to_string(),
            Literal::Number(text) => text,
        })
    }

    /// The value existing rows get for `field` when it is added or made `NOT NULL`: its
    /// literal default, `None` for none. A callable default on a `NOT NULL` field is an error:
    /// its value is computed in Rust, and the migration needs a one-off literal default.
    fn fill_value(&self, model: &ModelState, field: &FieldMeta) -> Result<Option<String>> {
        match field.default {
            DefaultMeta::None => Ok(None),
            DefaultMeta::Literal(source) => self.literal_sql(field, source).map(Some),
            DefaultMeta::Callable(source) => {
                // `-1` is an expression in Rust's grammar but a literal in SQL's, and so is
                // the key in `ForeignKey::new(1)`.
                let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
                let literal = compact
                    .rsplit_once("ForeignKey::new(")
                    .and_then(|(_, rest)| rest.strip_suffix(')'))
                    .unwrap_or(&compact);
                if literal.starts_with('-') || literal != compact {
                    if let Ok(sql) = self.literal_sql(field, literal) {
                        return Ok(Some(sql));
                    }
                }
                if field.null {
                    Ok(None)
                } else {
                    Err(editor_error(format!(
                        "cannot fill the NOT NULL field `{}.{}` of existing rows: its default \
                         `{source}` is computed in Rust and cannot be rendered in SQL; give the \
                         operation's field a literal one-off default (as Django asks for one), \
                         or make it nullable",
                        model.name, field.name
                    )))
                }
            }
        }
    }
}

/// Operations.
impl SchemaEditor {
    /// The SQL of `op` (an operation of `app_label`) taking the database from `before` to
    /// `after`.
    pub fn forwards(
        &self,
        op: &Operation,
        app_label: &str,
        before: &ProjectState,
        after: &ProjectState,
    ) -> Result<Vec<String>> {
        let managed = |state: &ProjectState, name: &str| -> Result<bool> {
            Ok(state.get(app_label, name)?.managed)
        };
        if let Some(name) = op.model_name() {
            let state = match op {
                Operation::CreateModel(_) => after,
                _ => before,
            };
            if !managed(state, name)? {
                return Ok(Vec::new());
            }
        }
        match *op {
            Operation::CreateModel(m) => {
                Ok(self.create_model_in(after.get(app_label, m.name)?, Some(after)))
            }
            Operation::DeleteModel(name) => {
                Ok(self.delete_model_in(before.get(app_label, name)?, Some(before)))
            }
            Operation::RenameModel { old_name, new_name } => self.rename_model(
                before.get(app_label, old_name)?,
                after.get(app_label, new_name)?,
                before,
                after,
            ),
            Operation::AlterModelTable { model, .. } => self.rename_model(
                before.get(app_label, model)?,
                after.get(app_label, model)?,
                before,
                after,
            ),
            Operation::AlterModelOptions { .. } => Ok(Vec::new()),
            Operation::AddField { model, field } => {
                let to = after.get(app_label, model)?;
                let field = to.field(field.name).copied().unwrap_or(field);
                self.add_field(before.get(app_label, model)?, to, &field)
            }
            Operation::RemoveField { model, name } => {
                let from = before.get(app_label, model)?;
                let field = field_of(from, name)?;
                self.remove_field(from, after.get(app_label, model)?, field)
            }
            Operation::AlterField { model, field } => {
                let (from, to) = (before.get(app_label, model)?, after.get(app_label, model)?);
                self.alter_field(
                    from,
                    to,
                    field_of(from, field.name)?,
                    field_of(to, field.name)?,
                )
            }
            Operation::RenameField { model, .. } => {
                let (from, to) = (before.get(app_label, model)?, after.get(app_label, model)?);
                Ok(self.rename_names(from, to))
            }
            Operation::AddManyToMany { model, field } => {
                let owner = after.get(app_label, model)?;
                Ok(self.create_join(owner, field.name, after))
            }
            Operation::RemoveManyToMany { model, name } => {
                let owner = before.get(app_label, model)?;
                Ok(self.drop_join(owner, name, before))
            }
            Operation::AddIndex { model, index } => {
                Ok(vec![self.index_sql(after.get(app_label, model)?, &index)])
            }
            Operation::RemoveIndex { name, .. } => Ok(vec![self.drop_index_sql(name)]),
            Operation::AddConstraint { model, constraint } => self.add_constraint(
                before.get(app_label, model)?,
                after.get(app_label, model)?,
                &constraint,
            ),
            Operation::RemoveConstraint { model, name } => {
                let from = before.get(app_label, model)?;
                let constraint = constraint_of(from, name)?;
                self.remove_constraint(from, after.get(app_label, model)?, &constraint)
            }
            Operation::RunSql { sql, .. } => Ok(vec![sql.to_string()]),
            // The executor runs the function; there is no SQL to render.
            Operation::RunRust { .. } => Ok(Vec::new()),
        }
    }

    /// The SQL undoing `op`, from `after` back to `before`; an [`Error::Migration`] for an
    /// irreversible operation ("Operation `Raw SQL operation` is not reversible").
    pub fn backwards(
        &self,
        op: &Operation,
        app_label: &str,
        before: &ProjectState,
        after: &ProjectState,
    ) -> Result<Vec<String>> {
        if !op.reversible() {
            return Err(editor_error(format!(
                "Operation `{}` is not reversible",
                op.describe()
            )));
        }
        if let Some(name) = op.model_name() {
            let state = match op {
                Operation::DeleteModel(_) | Operation::RenameModel { .. } => before,
                _ => after,
            };
            let name = match *op {
                Operation::CreateModel(m) => m.name,
                _ => name,
            };
            if !state.get(app_label, name)?.managed {
                return Ok(Vec::new());
            }
        }
        match *op {
            Operation::CreateModel(m) => {
                Ok(self.delete_model_in(after.get(app_label, m.name)?, Some(after)))
            }
            Operation::DeleteModel(name) => {
                let model = before.get(app_label, name)?;
                let mut out = self.create_model_in(model, Some(before));
                out.extend(self.restore_references(model, before));
                Ok(out)
            }
            Operation::RenameModel { old_name, new_name } => self.rename_model(
                after.get(app_label, new_name)?,
                before.get(app_label, old_name)?,
                after,
                before,
            ),
            Operation::AlterModelTable { model, .. } => self.rename_model(
                after.get(app_label, model)?,
                before.get(app_label, model)?,
                after,
                before,
            ),
            Operation::AlterModelOptions { .. } => Ok(Vec::new()),
            Operation::AddField { model, field } => {
                let from = after.get(app_label, model)?;
                let field = field_of(from, field.name)?;
                self.remove_field(from, before.get(app_label, model)?, field)
            }
            Operation::RemoveField { model, name } => {
                let to = before.get(app_label, model)?;
                let field = *field_of(to, name)?;
                self.add_field(after.get(app_label, model)?, to, &field)
            }
            Operation::AlterField { model, field } => {
                let (from, to) = (after.get(app_label, model)?, before.get(app_label, model)?);
                self.alter_field(
                    from,
                    to,
                    field_of(from, field.name)?,
                    field_of(to, field.name)?,
                )
            }
            Operation::RenameField { model, .. } => {
                let (from, to) = (after.get(app_label, model)?, before.get(app_label, model)?);
                Ok(self.rename_names(from, to))
            }
            Operation::AddManyToMany { model, field } => {
                let owner = after.get(app_label, model)?;
                Ok(self.drop_join(owner, field.name, after))
            }
            Operation::RemoveManyToMany { model, name } => {
                let owner = before.get(app_label, model)?;
                Ok(self.create_join(owner, name, before))
            }
            Operation::AddIndex { index, .. } => Ok(vec![self.drop_index_sql(index.name)]),
            Operation::RemoveIndex { model, name } => {
                let m = before.get(app_label, model)?;
                let index = m.indexes.iter().find(|i| i.name == name).ok_or_else(|| {
                    editor_error(format!("no index {name} on {model} before the operation"))
                })?;
                Ok(vec![self.index_sql(m, index)])
            }
            Operation::AddConstraint { model, constraint } => self.remove_constraint(
                after.get(app_label, model)?,
                before.get(app_label, model)?,
                &constraint,
            ),
            Operation::RemoveConstraint { model, name } => {
                let to = before.get(app_label, model)?;
                let constraint = constraint_of(to, name)?;
                self.add_constraint(after.get(app_label, model)?, to, &constraint)
            }
            Operation::RunSql {
                reverse_sql: Some(sql),
                ..
            } => Ok(vec![sql.to_string()]),
            // Checked above: irreversible operations never get here.
            Operation::RunSql { .. } | Operation::RunRust { .. } => Ok(Vec::new()),
        }
    }
}

fn field_of<'a>(model: &'a ModelState, name: &str) -> Result<&'a FieldMeta> {
    model
        .field(name)
        .ok_or_else(|| editor_error(format!("{}.{name} does not exist", model.name)))
}

fn constraint_of(model: &ModelState, name: &str) -> Result<ConstraintMeta> {
    model
        .constraints
        .iter()
        .find(|c| c.name == name)
        .copied()
        .ok_or_else(|| editor_error(format!("no constraint {name} on {}", model.name)))
}

/// Model-level changes, each from the model's state before (`from`) to after (`to`).
impl SchemaEditor {
    /// Renames a model: its table when `from` and `to` name different tables, the constraints
    /// and indexes named after the table, the automatic join tables named after it, and the
    /// join-table columns named after the model (its own and other models' relations to it).
    pub fn rename_model(
        &self,
        from: &ModelState,
        to: &ModelState,
        from_state: &ProjectState,
        to_state: &ProjectState,
    ) -> Result<Vec<String>> {
        if !from.managed || !to.managed {
            return Ok(Vec::new());
        }
        let mut out = self.rename_names(from, to);
        for m2m in &to.many_to_many {
            let old = from
                .many_to_many(m2m.name)
                .and_then(|old| auto_join_table(from, old, Some(from_state)));
            if let (Some(a), Some(b)) = (old, auto_join_table(to, m2m, Some(to_state))) {
                out.extend(self.rename_names(&a, &b));
            }
        }
        for other in to_state.models() {
            if other.key() == to.key() || !other.managed {
                continue;
            }
            let Some(other_before) = from_state.model(other.app_label, other.name) else {
                continue;
            };
            for m2m in other
                .many_to_many
                .iter()
                .filter(|m| m.to.eq_ignore_ascii_case(to.name))
            {
                let old = other_before
                    .many_to_many(m2m.name)
                    .and_then(|old| auto_join_table(other_before, old, Some(from_state)));
                if let (Some(a), Some(b)) = (old, auto_join_table(other, m2m, Some(to_state))) {
                    out.extend(self.rename_names(&a, &b));
                }
            }
        }
        Ok(out)
    }

    /// Renames what differs between two states of one table with the same fields in the same
    /// order: the table, its columns, and the constraints and indexes named after them.
    pub fn rename_names(&self, from: &ModelState, to: &ModelState) -> Vec<String> {
        if !from.managed || !to.managed {
            return Vec::new();
        }
        let mut out = Vec::new();
        let table = quote_name(to.db_table);
        if from.db_table != to.db_table {
            out.push(format!(
                "ALTER TABLE {} RENAME TO {table}",
                quote_name(from.db_table)
            ));
        }
        let pairs: Vec<(&FieldMeta, &FieldMeta)> = from.fields.iter().zip(&to.fields).collect();
        for (a, b) in &pairs {
            if a.column != b.column {
                out.push(format!(
                    "ALTER TABLE {table} RENAME COLUMN {} TO {}",
                    quote_name(a.column),
                    quote_name(b.column)
                ));
            }
        }
        let rename_constraint = |out: &mut Vec<String>, old: String, new: String| {
            if old != new {
                out.push(format!(
                    "ALTER TABLE {table} RENAME CONSTRAINT {} TO {}",
                    quote_name(&old),
                    quote_name(&new)
                ));
            }
        };
        if self.postgres() && from.pk().is_some() {
            rename_constraint(
                &mut out,
                pg_constraint_name(from.db_table, None, "pkey"),
                pg_constraint_name(to.db_table, None, "pkey"),
            );
        }
        for (a, b) in pairs {
            let names = |label: &str| {
                (
                    pg_constraint_name(from.db_table, Some(a.column), label),
                    pg_constraint_name(to.db_table, Some(b.column), label),
                )
            };
            if self.postgres() {
                if has_unique(a) && has_unique(b) {
                    let (old, new) = names("key");
                    rename_constraint(&mut out, old, new);
                }
                if a.relation.is_some() && b.relation.is_some() {
                    let (old, new) = names("fkey");
                    rename_constraint(&mut out, old, new);
                }
                if a.kind.is_positive() && b.kind.is_positive() {
                    let (old, new) = names("check");
                    rename_constraint(&mut out, old, new);
                }
            }
            if has_field_index(a) && has_field_index(b) {
                let old = field_index_name(from.db_table, a.column);
                let new = field_index_name(to.db_table, b.column);
                if old != new {
                    if self.postgres() {
                        out.push(format!(
                            "ALTER INDEX {} RENAME TO {}",
                            quote_name(&old),
                            quote_name(&new)
                        ));
                    } else {
                        out.push(self.drop_index_sql(&old));
                        out.push(self.field_index_sql(to.db_table, b.column));
                    }
                }
            }
        }
        out
    }

    /// Adds `field` (a field of `to`) to the table of `from`.
    pub fn add_field(
        &self,
        from: &ModelState,
        to: &ModelState,
        field: &FieldMeta,
    ) -> Result<Vec<String>> {
        if !to.managed {
            return Ok(Vec::new());
        }
        let fill = self.fill_value(to, field)?;
        let table = quote_name(to.db_table);
        // Indexes and constraints over the field that come with it (a removed field added
        // back by `RemoveField` backwards).
        let new_indexes: Vec<&IndexMeta> = to
            .indexes
            .iter()
            .filter(|i| !from.indexes.iter().any(|j| j.name == i.name))
            .collect();
        let new_constraints: Vec<&ConstraintMeta> = to
            .constraints
            .iter()
            .filter(|c| !from.constraints.iter().any(|d| d.name == c.name))
            .collect();
        let mut out = Vec::new();
        if self.postgres() {
            out.push(format!(
                "ALTER TABLE {table} ADD COLUMN {}",
                self.column_definition(field, fill.as_deref())
            ));
            if fill.is_some() {
                out.push(format!(
                    "ALTER TABLE {table} ALTER COLUMN {} DROP DEFAULT",
                    quote_name(field.column)
                ));
            }
            for c in new_constraints {
                out.push(format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {} UNIQUE ({})",
                    quote_name(c.name),
                    self.columns_of(to, c.fields).join(", ")
                ));
            }
        } else {
            // SQLite adds a column in place only when no existing row needs a value and no
            // constraint needs a table rebuild; a default would stay in the schema (SQLite
            // cannot drop one).
            if field.primary_key
                || field.unique
                || !field.null
                || fill.is_some()
                || !new_constraints.is_empty()
            {
                return self.remake_table(from, to);
            }
            out.push(format!(
                "ALTER TABLE {table} ADD COLUMN {}",
                self.column_sql(field)
            ));
        }
        if has_field_index(field) {
            out.push(self.field_index_sql(to.db_table, field.column));
        }
        out.extend(new_indexes.into_iter().map(|i| self.index_sql(to, i)));
        Ok(out)
    }

    /// Drops `field` (a field of `from`) from the table.
    pub fn remove_field(
        &self,
        from: &ModelState,
        to: &ModelState,
        field: &FieldMeta,
    ) -> Result<Vec<String>> {
        if !from.managed {
            return Ok(Vec::new());
        }
        let table = quote_name(from.db_table);
        let column = quote_name(field.column);
        if self.postgres() {
            return Ok(vec![format!(
                "ALTER TABLE {table} DROP COLUMN {column} CASCADE"
            )]);
        }
        // SQLite's DROP COLUMN refuses keys, unique and indexed columns and columns that
        // constraints name: those rebuild.
        let named = |fields: &[&str]| {
            fields
                .iter()
                .any(|f| f.trim_start_matches('-') == field.name)
        };
        let involved = field.primary_key
            || field.unique
            || field.db_index
            || field.relation.is_some()
            || from.indexes.iter().any(|i| named(i.fields))
            || from.constraints.iter().any(|c| named(c.fields));
        if involved {
            return self.remake_table(from, to);
        }
        Ok(vec![format!("ALTER TABLE {table} DROP COLUMN {column}")])
    }

    /// Changes `old` (a field of `from`) into `new` (the same field of `to`).
    pub fn alter_field(
        &self,
        from: &ModelState,
        to: &ModelState,
        old: &FieldMeta,
        new: &FieldMeta,
    ) -> Result<Vec<String>> {
        if !to.managed {
            return Ok(Vec::new());
        }
        if self.postgres() {
            return self.pg_alter_field(to, old, new);
        }
        let renamed = FieldMeta {
            column: new.column,
            ..*old
        };
        if self.column_sql(&renamed) != self.column_sql(new) {
            return self.remake_table(from, to);
        }
        // The column's definition is the same: a rename, the field's own index and the scale
        // of decimals at most.
        let mut out = Vec::new();
        let table = quote_name(to.db_table);
        let column = quote_name(new.column);
        if old.column != new.column {
            out.push(format!(
                "ALTER TABLE {table} RENAME COLUMN {} TO {column}",
                quote_name(old.column),
            ));
        }
        if let Some(rescaled) = rescale(old, new, &column) {
            out.push(format!("UPDATE {table} SET {column} = {rescaled}"));
        }
        let old_index = field_index_name(from.db_table, old.column);
        let new_index = field_index_name(to.db_table, new.column);
        match (has_field_index(old), has_field_index(new)) {
            (true, true) if old_index != new_index => {
                out.push(self.drop_index_sql(&old_index));
                out.push(self.field_index_sql(to.db_table, new.column));
            }
            (true, false) => out.push(self.drop_index_sql(&old_index)),
            (false, true) => out.push(self.field_index_sql(to.db_table, new.column)),
            _ => {}
        }
        Ok(out)
    }

    fn pg_alter_field(
        &self,
        to: &ModelState,
        old: &FieldMeta,
        new: &FieldMeta,
    ) -> Result<Vec<String>> {
        let t = to.db_table;
        let table = quote_name(t);
        let column = quote_name(new.column);
        let name =
            |column: &str, label: &str| quote_name(&pg_constraint_name(t, Some(column), label));
        let mut out = Vec::new();
        let new_type = self.column_type(new);
        let type_changed = self.column_type(old) != new_type;
        let target = |f: &FieldMeta| f.relation.map(|r| (r.table, r.column));
        let drop_fk = old.relation.is_some() && (target(old) != target(new) || type_changed);
        let add_fk = new.relation.is_some() && (old.relation.is_none() || drop_fk);
        let old_auto = old.primary_key && old.kind.is_auto();
        let new_auto = new.primary_key && new.kind.is_auto();

        // Constraints and indexes that go, by their names before any rename.
        if drop_fk {
            out.push(format!(
                "ALTER TABLE {table} DROP CONSTRAINT {}",
                name(old.column, "fkey")
            ));
        }
        if has_unique(old) && !has_unique(new) {
            out.push(format!(
                "ALTER TABLE {table} DROP CONSTRAINT {}",
                name(old.column, "key")
            ));
        }
        if has_field_index(old) && !has_field_index(new) {
            out.push(self.drop_index_sql(&field_index_name(t, old.column)));
        }
        if old.kind.is_positive() && !new.kind.is_positive() {
            out.push(format!(
                "ALTER TABLE {table} DROP CONSTRAINT {}",
                name(old.column, "check")
            ));
        }
        if old.primary_key && !new.primary_key {
            out.push(format!(
                "ALTER TABLE {table} DROP CONSTRAINT {}",
                quote_name(&pg_constraint_name(t, None, "pkey"))
            ));
        }
        if old_auto && !new_auto {
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {} DROP IDENTITY IF EXISTS",
                quote_name(old.column)
            ));
        }

        // A new column name, and the names of what stays renamed after it.
        if old.column != new.column {
            out.push(format!(
                "ALTER TABLE {table} RENAME COLUMN {} TO {column}",
                quote_name(old.column)
            ));
            let mut kept = Vec::new();
            if has_unique(old) && has_unique(new) {
                kept.push("key");
            }
            if old.relation.is_some() && !drop_fk {
                kept.push("fkey");
            }
            if old.kind.is_positive() && new.kind.is_positive() {
                kept.push("check");
            }
            for label in kept {
                out.push(format!(
                    "ALTER TABLE {table} RENAME CONSTRAINT {} TO {}",
                    name(old.column, label),
                    name(new.column, label)
                ));
            }
            if has_field_index(old) && has_field_index(new) {
                out.push(format!(
                    "ALTER INDEX {} RENAME TO {}",
                    quote_name(&field_index_name(t, old.column)),
                    quote_name(&field_index_name(t, new.column))
                ));
            }
        }

        if type_changed {
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} TYPE {new_type} USING {}",
                self.pg_cast(old, new, &column)
            ));
        }
        if old.null && !new.null {
            if let Some(value) = self.fill_value(to, new)? {
                out.push(format!(
                    "UPDATE {table} SET {column} = {value} WHERE {column} IS NULL"
                ));
            }
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL"
            ));
        } else if !old.null && new.null && !new.primary_key {
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL"
            ));
        }

        // What comes, named after the new column.
        if new.primary_key && !old.primary_key {
            out.push(format!(
                "ALTER TABLE {table} ADD CONSTRAINT {} PRIMARY KEY ({column})",
                quote_name(&pg_constraint_name(t, None, "pkey"))
            ));
        }
        if new_auto && !old_auto {
            out.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} ADD GENERATED BY DEFAULT AS IDENTITY"
            ));
            // The sequence continues after the keys the rows already have.
            out.push(format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({column}), 0) + 1, false) FROM {table}",
                quote_value(&table),
                quote_value(new.column)
            ));
        }
        if has_unique(new) && !has_unique(old) {
            out.push(format!(
                "ALTER TABLE {table} ADD CONSTRAINT {} UNIQUE ({column})",
                name(new.column, "key")
            ));
        }
        if has_field_index(new) && !has_field_index(old) {
            out.push(self.field_index_sql(t, new.column));
        }
        if new.kind.is_positive() && !old.kind.is_positive() {
            out.push(format!(
                "ALTER TABLE {table} ADD CONSTRAINT {} CHECK ({column} >= 0)",
                name(new.column, "check")
            ));
        }
        if add_fk {
            if let Some(rel) = new.relation {
                out.push(format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {} FOREIGN KEY ({column}) REFERENCES {} ({}) DEFERRABLE INITIALLY DEFERRED",
                    name(new.column, "fkey"),
                    quote_name(rel.table),
                    quote_name(rel.column)
                ));
            }
        }
        Ok(out)
    }

    /// The `USING` expression converting `column` from `old`'s type to `new`'s.
    fn pg_cast(&self, old: &FieldMeta, new: &FieldMeta, column: &str) -> String {
        let new_type = self.column_type(new);
        let old_text = old.kind.is_text();
        let new_text = new.kind.is_text() || new.kind == FieldKind::JsonField;
        let old_int = is_integer(old.kind)
            || matches!(old.kind, FieldKind::ForeignKey | FieldKind::OneToOneField);
        let new_int = is_integer(new.kind)
            || matches!(new.kind, FieldKind::ForeignKey | FieldKind::OneToOneField);
        if old_text && !new_text {
            // An empty string is "no value" in a text column and a syntax error as a number.
            format!("NULLIF({column}, '')::{new_type}")
        } else if old.kind == FieldKind::BooleanField && new_int {
            format!("{column}::integer::{new_type}")
        } else if old_int && new.kind == FieldKind::BooleanField {
            format!("({column} <> 0)")
        } else {
            format!("{column}::{new_type}")
        }
    }

    /// Adds a `UniqueConstraint` (SQLite rebuilds the table, so it stays a table constraint).
    pub fn add_constraint(
        &self,
        from: &ModelState,
        to: &ModelState,
        constraint: &ConstraintMeta,
    ) -> Result<Vec<String>> {
        if !to.managed {
            return Ok(Vec::new());
        }
        if self.postgres() {
            return Ok(vec![format!(
                "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
                quote_name(to.db_table),
                quote_name(constraint.name),
                self.columns_of(to, constraint.fields).join(", ")
            )]);
        }
        self.remake_table(from, to)
    }

    /// Drops a `UniqueConstraint` (SQLite rebuilds the table).
    pub fn remove_constraint(
        &self,
        from: &ModelState,
        to: &ModelState,
        constraint: &ConstraintMeta,
    ) -> Result<Vec<String>> {
        if !from.managed {
            return Ok(Vec::new());
        }
        if self.postgres() {
            return Ok(vec![format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                quote_name(from.db_table),
                quote_name(constraint.name)
            )]);
        }
        self.remake_table(from, to)
    }

    fn create_join(&self, owner: &ModelState, name: &str, state: &ProjectState) -> Vec<String> {
        owner
            .many_to_many(name)
            .and_then(|m2m| auto_join_table(owner, m2m, Some(state)))
            .map(|join| self.create_table(&join))
            .unwrap_or_default()
    }

    fn drop_join(&self, owner: &ModelState, name: &str, state: &ProjectState) -> Vec<String> {
        owner
            .many_to_many(name)
            .and_then(|m2m| auto_join_table(owner, m2m, Some(state)))
            .map(|join| vec![self.drop_table(&join)])
            .unwrap_or_default()
    }

    /// PostgreSQL's `DROP TABLE ... CASCADE` took the foreign keys of other tables that
    /// pointed at `model`; recreating it puts them back (SQLite keeps them in the other
    /// tables' definitions).
    fn restore_references(&self, model: &ModelState, state: &ProjectState) -> Vec<String> {
        if !self.postgres() {
            return Vec::new();
        }
        let mut tables: Vec<ModelState> = Vec::new();
        for other in state
            .models()
            .filter(|m| m.managed && m.key() != model.key())
        {
            tables.push(other.clone());
            tables.extend(
                other
                    .many_to_many
                    .iter()
                    .filter_map(|m2m| auto_join_table(other, m2m, Some(state))),
            );
        }
        let mut out = Vec::new();
        for other in &tables {
            for f in &other.fields {
                let Some(rel) = f.relation.filter(|r| r.table == model.db_table) else {
                    continue;
                };
                out.push(format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) DEFERRABLE INITIALLY DEFERRED",
                    quote_name(other.db_table),
                    quote_name(&pg_constraint_name(other.db_table, Some(f.column), "fkey")),
                    quote_name(f.column),
                    quote_name(rel.table),
                    quote_name(rel.column)
                ));
            }
        }
        out
    }

    /// SQLite's table rebuild (Django's `_remake_table`): a new table from `to`, the rows
    /// copied from the table of `from` (fields matched by name), the old table dropped, the
    /// new one renamed into its place and its indexes created.
    pub fn remake_table(&self, from: &ModelState, to: &ModelState) -> Result<Vec<String>> {
        let temp = format!("new__{}", to.db_table);
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for f in &to.fields {
            columns.push(quote_name(f.column));
            values.push(match from.field(f.name) {
                Some(old) => self.copy_expr(to, old, f)?,
                None => self
                    .fill_value(to, f)?
                    .unwrap_or_else(|| "NULL".to_string()),
            });
        }
        let mut out = vec![self.create_table_named(to, &temp)];
        if !columns.is_empty() {
            out.push(format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                quote_name(&temp),
                columns.join(", "),
                values.join(", "),
                quote_name(from.db_table)
            ));
        }
        out.push(format!("DROP TABLE {}", quote_name(from.db_table)));
        out.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_name(&temp),
            quote_name(to.db_table)
        ));
        out.extend(self.index_statements(to));
        Ok(out)
    }

    /// The value of `new` copied from the column of `old` in a rebuild.
    fn copy_expr(&self, model: &ModelState, old: &FieldMeta, new: &FieldMeta) -> Result<String> {
        let mut expr = quote_name(old.column);
        if old.kind.is_text() && !new.kind.is_text() && new.kind != FieldKind::JsonField {
            expr = format!("NULLIF({expr}, '')");
        }
        if let Some(rescaled) = rescale(old, new, &expr) {
            expr = rescaled;
        }
        if old.null && !new.null {
            if let Some(value) = self.fill_value(model, new)? {
                expr = format!("coalesce({expr}, {value})");
            }
        }
        Ok(expr)
    }
}

/// SQLite keeps a decimal as an integer scaled by `10^decimal_places`: the expression
/// rescaling `expr` from `old`'s places to `new`'s (rounding half away from zero), if they
/// differ.
fn rescale(old: &FieldMeta, new: &FieldMeta, expr: &str) -> Option<String> {
    if old.kind != FieldKind::DecimalField || new.kind != FieldKind::DecimalField {
        return None;
    }
    let (a, b) = (
        old.decimal_places.unwrap_or(0),
        new.decimal_places.unwrap_or(0),
    );
    match (old.decimal_storage, new.decimal_storage) {
        (DecimalStorage::Numeric, DecimalStorage::Numeric) => return None,
        // Scaled integers to Django's numbers: whole values stay INTEGER (NUMERIC affinity).
        (DecimalStorage::Scaled, DecimalStorage::Numeric) => {
            return Some(format!("({expr} / {}.0)", 10i128.pow(a)))
        }
        // Numbers to scaled integers, rounded half away from zero.
        (DecimalStorage::Numeric, DecimalStorage::Scaled) => {
            return Some(format!(
                "CAST(ROUND({expr} * {}) AS INTEGER)",
                10i128.pow(b)
            ))
        }
        (DecimalStorage::Scaled, DecimalStorage::Scaled) => {}
    }
    if b > a {
        Some(format!("({expr} * {})", 10i128.pow(b - a)))
    } else if a > b {
        // Integer division truncates; add half first, away from zero, to round.
        let scale = 10i128.pow(a - b);
        Some(format!(
            "(({expr} + CASE WHEN {expr} < 0 THEN -{half} ELSE {half} END) / {scale})",
            half = scale / 2
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_identifiers_and_shortens_long_ones() {
        assert_eq!(quote_name("a\"b"), "\"a\"\"b\"");
        let long = identifier("x".repeat(80));
        assert!(long.len() <= 63);
    }

    #[test]
    fn names_constraints_as_postgres_does() {
        assert_eq!(
            pg_constraint_name("tests_person", Some("name"), "key"),
            "tests_person_name_key"
        );
        assert_eq!(
            pg_constraint_name("tests_person", None, "pkey"),
            "tests_person_pkey"
        );
        let long = pg_constraint_name(&"t".repeat(60), Some("column"), "fkey");
        assert_eq!(long.len(), 63);
        assert_eq!(long, format!("{}_column_fkey", "t".repeat(51)));
    }

    #[test]
    fn renders_literals() {
        let pg = SchemaEditor::new(Vendor::Postgres);
        let sqlite = SchemaEditor::new(Vendor::Sqlite);
        let text = FieldMeta::new("t", FieldKind::CharField);
        assert_eq!(pg.literal_sql(&text, "\"it's\"").unwrap(), "'it''s'");
        assert_eq!(pg.literal_sql(&text, r#""a\"b\n""#).unwrap(), "'a\"b\n'");
        assert_eq!(pg.literal_sql(&text, "r#\"x'\"#").unwrap(), "'x'''");
        assert_eq!(pg.literal_sql(&text, "'c'").unwrap(), "'c'");
        assert!(pg.literal_sql(&text, "\"\\0\"").is_err());
        assert!(pg.literal_sql(&text, "b\"x\"").is_err());
        let flag = FieldMeta::new("f", FieldKind::BooleanField);
        assert_eq!(pg.literal_sql(&flag, "true").unwrap(), "TRUE");
        assert_eq!(sqlite.literal_sql(&flag, "false").unwrap(), "0");
        let n = FieldMeta::new("n", FieldKind::IntegerField);
        assert_eq!(pg.literal_sql(&n, "1_000i64").unwrap(), "1000");
        assert_eq!(pg.literal_sql(&n, "-5").unwrap(), "-5");
        assert_eq!(pg.literal_sql(&n, "0x10").unwrap(), "16");
        assert!(pg.literal_sql(&n, "1; DROP TABLE x").is_err());
        let d = FieldMeta::new("d", FieldKind::DecimalField).decimal(8, 2);
        assert_eq!(sqlite.literal_sql(&d, "\"19.995\"").unwrap(), "2000");
        assert_eq!(sqlite.literal_sql(&d, "1.5").unwrap(), "150");
        assert_eq!(sqlite.literal_sql(&d, "3").unwrap(), "300");
        assert_eq!(pg.literal_sql(&d, "\"19.99\"").unwrap(), "'19.99'");
        assert_eq!(pg.literal_sql(&d, "1.5").unwrap(), "1.5");
        let float = FieldMeta::new("x", FieldKind::FloatField);
        assert_eq!(pg.literal_sql(&float, "2.").unwrap(), "2.0");
        assert_eq!(pg.literal_sql(&float, "1e3").unwrap(), "1e3");
    }

    #[test]
    fn a_callable_default_cannot_fill_not_null_rows() {
        let pg = SchemaEditor::new(Vendor::Postgres);
        let model = ModelState::from(&ModelMeta {
            name: "M",
            app_label: "a",
            db_table: "a_m",
            fields: &[],
            constraints: &[],
            indexes: &[],
            ordering: &[],
            managed: true,
            verbose_name: "m",
            many_to_many: &[],
        });
        let field = FieldMeta::new("at", FieldKind::DateTimeField)
            .default(DefaultMeta::Callable("chrono::Utc::now()"));
        let err = pg
            .add_field(&model, &model, &field)
            .unwrap_err()
            .to_string();
        assert!(err.contains("one-off default"), "{err}");
        let nullable = FieldMeta {
            null: true,
            ..field
        };
        assert!(pg.add_field(&model, &model, &nullable).is_ok());
    }
}
