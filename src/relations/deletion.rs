//! Deleting rows with Django's `on_delete` semantics (Django's `deletion.Collector`): before
//! anything is deleted, the collector finds every row that points at the rows being deleted,
//! through every relation of every model in the [app registry](crate::apps), and applies each
//! relation's rule: `CASCADE` collects them too, `PROTECT` refuses, `RESTRICT` refuses unless
//! they are deleted anyway, `SET_NULL`/`SET_DEFAULT` update them, `DO_NOTHING` leaves them (to
//! the database). Then it runs the updates and the deletes, children first, in one transaction,
//! so the result does not depend on the database's own foreign-key clauses, and a refused
//! delete deletes nothing.
//!
//! The statements are built from model metadata (quoted identifiers) with the keys as bind
//! parameters, in chunks below every backend's bind-parameter limit.

use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{BigInt, HasSqlType, Text};
use diesel::RunQueryDsl;

use super::OnDelete;
use crate::db::Executor;
use crate::error::{Error, Result};
use crate::fields::{DefaultMeta, FieldMeta};
use crate::model::ModelMeta;

/// Keys per statement: below SQLite's 32,766 and PostgreSQL's 65,535 bind parameters.
const CHUNK: usize = 30_000;

/// A primary key value, whatever its Rust type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// An integer key (any width).
    Int(i64),
    /// A text key.
    Text(String),
}

/// A primary key type the collector can carry.
pub trait AsKey {
    /// The key.
    fn as_key(&self) -> Key;
}

macro_rules! int_keys {
    ($($t:ty),*) => {$(
        impl AsKey for $t {
            fn as_key(&self) -> Key {
                Key::Int(i64::from(*self))
            }
        }
    )*};
}
int_keys!(i16, i32, i64);

impl AsKey for String {
    fn as_key(&self) -> Key {
        Key::Text(self.clone())
    }
}

fn is_text(field: &FieldMeta) -> bool {
    field.kind.is_text() || field.key_kind.is_some_and(|k| k.is_text())
}

/// `"column" IN (keys...)`.
fn push_in<'b, DB>(out: &mut AstPass<'_, 'b, DB>, column: &str, keys: &'b [Key]) -> QueryResult<()>
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    out.push_identifier(column)?;
    out.push_sql(" IN (");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            out.push_sql(", ");
        }
        match key {
            Key::Int(v) => out.push_bind_param::<BigInt, i64>(v)?,
            Key::Text(v) => out.push_bind_param::<Text, String>(v)?,
        }
    }
    out.push_sql(")");
    Ok(())
}

/// A key type of a `SELECT` of keys: `BigInt` or `Text`, with its `CAST` target.
pub trait KeyType {
    /// The SQL type name for `CAST`.
    const CAST: &'static str;
}
impl KeyType for BigInt {
    const CAST: &'static str = "BIGINT";
}
impl KeyType for Text {
    const CAST: &'static str = "TEXT";
}

/// `SELECT CAST(pk AS ST) FROM table WHERE fk IN (keys)`.
#[derive(Debug)]
struct Referrers<'a, ST> {
    table: &'a str,
    pk: &'a str,
    fk: &'a str,
    keys: &'a [Key],
    _st: PhantomData<ST>,
}

impl<ST, DB> QueryFragment<DB> for Referrers<'_, ST>
where
    ST: KeyType,
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT CAST(");
        out.push_identifier(self.pk)?;
        out.push_sql(" AS ");
        out.push_sql(ST::CAST);
        out.push_sql(") FROM ");
        out.push_identifier(self.table)?;
        out.push_sql(" WHERE ");
        push_in(&mut out, self.fk, self.keys)
    }
}
impl<ST> QueryId for Referrers<'_, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<ST: KeyType> Query for Referrers<'_, ST> {
    type SqlType = ST;
}
impl<ST, C> RunQueryDsl<C> for Referrers<'_, ST> {}

/// `UPDATE table SET column = NULL | default WHERE pk IN (keys)` or
/// `DELETE FROM table WHERE pk IN (keys)`.
#[derive(Debug)]
struct Write<'a> {
    table: &'a str,
    pk: &'a str,
    keys: &'a [Key],
    /// `None`: delete; `Some((column, None))`: set NULL; `Some((column, Some(v)))`: set `v`.
    set: Option<(&'a str, Option<Key>)>,
}

impl<DB> QueryFragment<DB> for Write<'_>
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        match &self.set {
            None => {
                out.push_sql("DELETE FROM ");
                out.push_identifier(self.table)?;
            }
            Some((column, value)) => {
                out.push_sql("UPDATE ");
                out.push_identifier(self.table)?;
                out.push_sql(" SET ");
                out.push_identifier(column)?;
                match value {
                    None => out.push_sql(" = NULL"),
                    Some(Key::Int(v)) => {
                        out.push_sql(" = ");
                        out.push_bind_param::<BigInt, i64>(v)?;
                    }
                    Some(Key::Text(v)) => {
                        out.push_sql(" = ");
                        out.push_bind_param::<Text, String>(v)?;
                    }
                }
            }
        }
        out.push_sql(" WHERE ");
        push_in(&mut out, self.pk, self.keys)
    }
}
impl QueryId for Write<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<C> RunQueryDsl<C> for Write<'_> {}

fn referrers<C: Executor>(
    source: &ModelMeta,
    fk: &FieldMeta,
    keys: &[Key],
    conn: &mut C,
) -> Result<Vec<Key>> {
    let pk = source.pk().ok_or_else(|| Error::InvalidValue {
        field: format!("{}.pk", source.name),
        message: "the model has no primary key".into(),
    })?;
    let mut found = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        if is_text(pk) {
            let q = Referrers::<Text> {
                table: source.db_table,
                pk: pk.column,
                fk: fk.column,
                keys: chunk,
                _st: PhantomData,
            };
            let rows: Vec<String> = crate::with_backend!(conn, |c| q.load::<String>(c))?;
            found.extend(rows.into_iter().map(Key::Text));
        } else {
            let q = Referrers::<BigInt> {
                table: source.db_table,
                pk: pk.column,
                fk: fk.column,
                keys: chunk,
                _st: PhantomData,
            };
            let rows: Vec<i64> = crate::with_backend!(conn, |c| q.load::<i64>(c))?;
            found.extend(rows.into_iter().map(Key::Int));
        }
    }
    Ok(found)
}

fn write<C: Executor>(
    meta: &ModelMeta,
    keys: &[Key],
    set: Option<(&str, Option<Key>)>,
    conn: &mut C,
) -> Result<usize> {
    let pk = meta.pk().map(|f| f.column).unwrap_or("id");
    let mut n = 0;
    for chunk in keys.chunks(CHUNK) {
        let statement = Write {
            table: meta.db_table,
            pk,
            keys: chunk,
            set: set.clone(),
        };
        n += crate::with_backend!(conn, |c| statement.execute(c))?;
    }
    Ok(n)
}

/// The literal default of a field, as a key value (for `SET_DEFAULT`).
fn default_key(field: &FieldMeta) -> Result<Key> {
    // A literal (`1`, `"x"`) or a key written `ForeignKey::new(1)`.
    let source: String = match field.default {
        DefaultMeta::Literal(l) | DefaultMeta::Callable(l) => {
            l.chars().filter(|c| !c.is_whitespace()).collect()
        }
        DefaultMeta::None => {
            return Err(Error::InvalidValue {
                field: field.name.into(),
                message: "on_delete=SET_DEFAULT needs a default".into(),
            })
        }
    };
    let literal = source
        .rsplit_once("ForeignKey::new(")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or(&source);
    if let Ok(v) = literal.parse::<i64>() {
        return Ok(Key::Int(v));
    }
    match literal.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(text) => Ok(Key::Text(text.to_string())),
        None => Err(Error::InvalidValue {
            field: field.name.into(),
            message: format!("on_delete=SET_DEFAULT cannot use the default {literal}"),
        }),
    }
}

/// What a delete will do, found before anything changes.
#[derive(Default)]
struct Collector {
    /// Rows to delete, per model, in the order found (parents before children).
    deletes: Vec<(ModelMeta, Vec<Key>)>,
    seen: HashMap<&'static str, HashSet<Key>>,
    /// `(model, field, keys, value)`: set the field to the value (`None`: NULL).
    updates: Vec<(ModelMeta, &'static FieldMeta, Vec<Key>, Option<Key>)>,
    protected: Vec<String>,
    restricted: Vec<(ModelMeta, String, Vec<Key>)>,
}

impl Collector {
    fn collect<C: Executor>(
        &mut self,
        models: &[ModelMeta],
        meta: &ModelMeta,
        keys: Vec<Key>,
        conn: &mut C,
    ) -> Result<()> {
        let seen = self.seen.entry(meta.db_table).or_default();
        let fresh: Vec<Key> = keys
            .into_iter()
            .filter(|k| seen.insert(k.clone()))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        self.deletes.push((*meta, fresh.clone()));
        for source in models {
            for field in source.fields {
                let Some(rel) = field.relation else { continue };
                if rel.table != meta.db_table || rel.on_delete == OnDelete::DoNothing {
                    continue;
                }
                let found = referrers(source, field, &fresh, conn)?;
                if found.is_empty() {
                    continue;
                }
                let label = format!("{}.{}", source.name, field.name);
                match rel.on_delete {
                    OnDelete::Cascade => self.collect(models, source, found, conn)?,
                    OnDelete::Protect => self
                        .protected
                        .push(format!("{label} ({} rows)", found.len())),
                    OnDelete::Restrict => self.restricted.push((*source, label, found)),
                    OnDelete::SetNull => self.updates.push((*source, field, found, None)),
                    OnDelete::SetDefault => {
                        let value = default_key(field)?;
                        self.updates.push((*source, field, found, Some(value)))
                    }
                    OnDelete::DoNothing => {}
                }
            }
        }
        Ok(())
    }
}

/// The models whose relations the collector follows for `root`: the registry, plus `root`'s own
/// automatic join tables.
fn scope(root: &ModelMeta) -> Vec<ModelMeta> {
    let mut models = crate::apps::models();
    for join in root.many_to_many.iter().filter_map(|m| m.join) {
        if !models.iter().any(|m| m.db_table == join.db_table) {
            models.push(*join);
        }
    }
    models
}

/// Whether deleting rows of `root` may touch other rows (a relation in the registry, or an
/// automatic join table, points at it). When not, a plain `DELETE` is all there is to do.
pub fn has_dependents(root: &ModelMeta) -> bool {
    scope(root).iter().any(|m| {
        m.fields.iter().any(|f| {
            f.relation
                .is_some_and(|r| r.table == root.db_table && r.on_delete != OnDelete::DoNothing)
        })
    })
}

/// Deletes the rows of `root` with primary keys `keys`, applying every `on_delete` rule of the
/// relations that point at them (see the module docs), in one transaction. Returns the number
/// of rows deleted, cascades included (Django's first result of `delete()`).
/// [`Error::Protected`]/[`Error::Restricted`] when a relation refuses: nothing is deleted then.
pub fn delete<C: Executor>(root: &ModelMeta, keys: Vec<Key>, conn: &mut C) -> Result<usize> {
    let models = scope(root);
    crate::db::atomic(conn, |conn| {
        let mut collector = Collector::default();
        collector.collect(&models, root, keys, conn)?;
        if !collector.protected.is_empty() {
            return Err(Error::Protected {
                model: root.name,
                referenced_by: collector.protected,
            });
        }
        let refused: Vec<String> = collector
            .restricted
            .iter()
            .filter(|(source, _, keys)| {
                let doomed = collector.seen.get(source.db_table);
                !keys.iter().all(|k| doomed.is_some_and(|d| d.contains(k)))
            })
            .map(|(_, label, keys)| format!("{label} ({} rows)", keys.len()))
            .collect();
        if !refused.is_empty() {
            return Err(Error::Restricted {
                model: root.name,
                referenced_by: refused,
            });
        }
        for (meta, field, keys, value) in &collector.updates {
            let keys: Vec<Key> = match collector.seen.get(meta.db_table) {
                Some(doomed) => keys
                    .iter()
                    .filter(|k| !doomed.contains(k))
                    .cloned()
                    .collect(),
                None => keys.clone(),
            };
            write(meta, &keys, Some((field.column, value.clone())), conn)?;
        }
        let mut deleted = 0;
        for (meta, keys) in collector.deletes.iter().rev() {
            deleted += write(meta, keys, None, conn)?;
        }
        Ok(deleted)
    })
}
