//! JSON lookups: key paths (`data__InvoiceNumber__FirstName = "Daan"`), `contains`,
//! `contained_by`, `has_key`, `has_keys`, `has_any_keys`.
//!
//! Keys and values are bind parameters on every backend. PostgreSQL uses `jsonb` operators
//! (`->`, `@>`, `<@`, `?`); SQLite uses its `->` operator and `json_type()`, and containment
//! through `dorm_json_contains()`, a function dorm registers on each SQLite connection that
//! follows PostgreSQL's `@>` rules, so the same lookups work on both. A key path compares JSON
//! with JSON: `data__n = 5` matches the number 5, `data__n = "5"` the string.

use std::marker::PhantomData;

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, Integer, Nullable, Text};

use super::{ContainsFor, Lookup, Operand, Predicate, TextValue};
use crate::model::Model;
use crate::sql_types::Json;
use crate::values::SqlValue;

/// SQL types of JSON fields.
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup `{L}` on `{N}`: JSON lookups and key paths need a JSONField, and the field's SQL type is `{Self}`",
    label = "this field is not JSON",
    note = "Django: FieldError: Unsupported lookup for this field"
)]
pub trait JsonField<L, N> {}
impl<L, N> JsonField<L, N> for Json {}
impl<L, N> JsonField<L, N> for Nullable<Json> {}

/// The value under key `K` of the JSON operand `I` (`data__InvoiceNumber`). A key made of
/// digits indexes an array.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPath<I, K>(PhantomData<fn() -> (I, K)>);

impl<M, I, K> Operand<M> for KeyPath<I, K>
where
    M: Model,
    I: Operand<M>,
    I::SqlType: JsonField<K, I>,
    K: crate::names::NameChars,
{
    type SqlType = Nullable<Json>;
    type Expr = JsonGet<I::Expr>;
    type Kind = crate::relations::Plain;
    fn operand() -> Self::Expr {
        let key = K::text();
        let index = key.parse::<i32>().ok();
        JsonGet {
            inner: I::operand(),
            key,
            index,
        }
    }
}

/// `inner -> key`: the JSON value under a key (or array index).
#[derive(Debug, Clone)]
pub struct JsonGet<E> {
    inner: E,
    key: String,
    index: Option<i32>,
}

impl<E: Expression> Expression for JsonGet<E> {
    type SqlType = Nullable<Json>;
}

impl<E, DB> QueryFragment<DB> for JsonGet<E>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<Text>
        + diesel::sql_types::HasSqlType<Integer>,
    E: QueryFragment<DB>,
    String: diesel::serialize::ToSql<Text, DB>,
    i32: diesel::serialize::ToSql<Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.inner.walk_ast(out.reborrow())?;
        out.push_sql(" -> ");
        match &self.index {
            Some(i) => out.push_bind_param::<Integer, i32>(i)?,
            None => out.push_bind_param::<Text, String>(&self.key)?,
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<E: QueryId> QueryId for JsonGet<E> {
    type QueryId = ();
    // Text keys and integer indexes bind differently, so the SQL is not fixed by the type.
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<E: ValidGrouping<G>, G> ValidGrouping<G> for JsonGet<E> {
    type IsAggregate = E::IsAggregate;
}
impl<E: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for JsonGet<E> where Self: Expression {}
impl<E: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for JsonGet<E> where
    Self: AppearsOnTable<QS>
{
}

/// Plain Rust values compared with a JSON value (`data__n = 5`) are JSON.
macro_rules! json_values {
    ($($rust:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<M> SqlValue<M, Json> for $rust {
            type Expr = diesel::internal::derives::as_expression::Bound<Json, serde_json::Value>;
            fn into_sql_value(self) -> Self::Expr {
                crate::values::bind(serde_json::Value::from(self))
            }
        }
        #[diagnostic::do_not_recommend]
        impl<M> SqlValue<M, Nullable<Json>> for $rust {
            type Expr = diesel::dsl::Nullable<diesel::internal::derives::as_expression::Bound<Json, serde_json::Value>>;
            fn into_sql_value(self) -> Self::Expr {
                diesel::NullableExpressionMethods::nullable(crate::values::bind(serde_json::Value::from(self)))
            }
        }
    )*};
}
json_values!(&str, String, i32, i64, f64, bool);

/// `has_key`: the JSON object has this key.
#[derive(Debug, Clone, Copy, Default)]
pub struct HasKey;
/// `has_keys`: the JSON object has all these keys.
#[derive(Debug, Clone, Copy, Default)]
pub struct HasKeys;
/// `has_any_keys`: the JSON object has at least one of these keys.
#[derive(Debug, Clone, Copy, Default)]
pub struct HasAnyKeys;
/// `contained_by`: every key and value of the field is in the given JSON.
#[derive(Debug, Clone, Copy, Default)]
pub struct ContainedBy;

impl<M, N, V> Predicate<M> for Lookup<N, HasKey, V>
where
    M: Model,
    N: Operand<M>,
    N::SqlType: JsonField<HasKey, N>,
    V: TextValue,
{
    type Expr = JsonHasKeys<N::Expr>;
    fn build(self) -> Self::Expr {
        JsonHasKeys::new(N::operand(), vec![self.into_value().into_text()], true)
    }
}

macro_rules! keys_lookup {
    ($kind:ident, $all:literal) => {
        impl<M, N, I> Predicate<M> for Lookup<N, $kind, I>
        where
            M: Model,
            N: Operand<M>,
            N::SqlType: JsonField<$kind, N>,
            I: IntoIterator,
            I::Item: TextValue,
        {
            type Expr = JsonHasKeys<N::Expr>;
            fn build(self) -> Self::Expr {
                JsonHasKeys::new(
                    N::operand(),
                    self.into_value()
                        .into_iter()
                        .map(TextValue::into_text)
                        .collect(),
                    $all,
                )
            }
        }
    };
}
keys_lookup!(HasKeys, true);
keys_lookup!(HasAnyKeys, false);

/// `has_key`/`has_keys`/`has_any_keys`.
#[derive(Debug, Clone)]
pub struct JsonHasKeys<E> {
    operand: E,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    keys: Vec<String>,
    /// SQLite paths (`$."key"`), one per key.
    paths: Vec<String>,
    all: bool,
}

impl<E> JsonHasKeys<E> {
    fn new(operand: E, keys: Vec<String>, all: bool) -> Self {
        let paths = keys.iter().map(|k| sqlite_key_path(k)).collect();
        JsonHasKeys {
            operand,
            keys,
            paths,
            all,
        }
    }
}

/// `$."key"`, with `"` and `\` escaped, for SQLite's JSON functions.
fn sqlite_key_path(key: &str) -> String {
    let mut path = String::from("$.\"");
    for ch in key.chars() {
        if ch == '"' || ch == '\\' {
            path.push('\\');
        }
        path.push(ch);
    }
    path.push('"');
    path
}

impl<E: Expression> Expression for JsonHasKeys<E> {
    type SqlType = Bool;
}

#[cfg(feature = "sqlite")]
impl<E: QueryFragment<diesel::sqlite::Sqlite>> QueryFragment<diesel::sqlite::Sqlite>
    for JsonHasKeys<E>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        if self.paths.is_empty() {
            out.push_sql(if self.all { "1 = 1" } else { "1 = 0" });
            return Ok(());
        }
        out.push_sql("(");
        for (i, path) in self.paths.iter().enumerate() {
            if i > 0 {
                out.push_sql(if self.all { " AND " } else { " OR " });
            }
            out.push_sql("json_type(");
            self.operand.walk_ast(out.reborrow())?;
            out.push_sql(", ");
            out.push_bind_param::<Text, String>(path)?;
            out.push_sql(") IS NOT NULL");
        }
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<E: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for JsonHasKeys<E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        if self.keys.is_empty() {
            out.push_sql(if self.all { "1 = 1" } else { "1 = 0" });
            return Ok(());
        }
        out.push_sql("(");
        for (i, key) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push_sql(if self.all { " AND " } else { " OR " });
            }
            self.operand.walk_ast(out.reborrow())?;
            out.push_sql(" ? ");
            out.push_bind_param::<Text, String>(key)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<E> QueryId for JsonHasKeys<E> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<E: ValidGrouping<G>, G> ValidGrouping<G> for JsonHasKeys<E> {
    type IsAggregate = E::IsAggregate;
}
impl<E: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for JsonHasKeys<E> where Self: Expression {}
impl<E: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for JsonHasKeys<E> where
    Self: AppearsOnTable<QS>
{
}

/// `contains` on a JSON field: the field's JSON contains the given JSON (PostgreSQL's `@>`).
impl<E> ContainsFor<E, serde_json::Value> for Json {
    type Expr = JsonContains<E>;
    fn build(operand: E, value: serde_json::Value) -> Self::Expr {
        JsonContains {
            operand,
            value,
            reversed: false,
        }
    }
}
impl<E> ContainsFor<E, serde_json::Value> for Nullable<Json> {
    type Expr = JsonContains<E>;
    fn build(operand: E, value: serde_json::Value) -> Self::Expr {
        JsonContains {
            operand,
            value,
            reversed: false,
        }
    }
}

impl<M, N> Predicate<M> for Lookup<N, ContainedBy, serde_json::Value>
where
    M: Model,
    N: Operand<M>,
    N::SqlType: JsonField<ContainedBy, N>,
{
    type Expr = JsonContains<N::Expr>;
    fn build(self) -> Self::Expr {
        JsonContains {
            operand: N::operand(),
            value: self.into_value(),
            reversed: true,
        }
    }
}

/// JSON containment: `operand @> value` (or `<@` when `reversed`).
#[derive(Debug, Clone)]
pub struct JsonContains<E> {
    operand: E,
    value: serde_json::Value,
    reversed: bool,
}

impl<E: Expression> Expression for JsonContains<E> {
    type SqlType = Bool;
}

#[cfg(feature = "sqlite")]
impl<E: QueryFragment<diesel::sqlite::Sqlite>> QueryFragment<diesel::sqlite::Sqlite>
    for JsonContains<E>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        out.push_sql("dorm_json_contains(");
        if self.reversed {
            out.push_bind_param::<Json, serde_json::Value>(&self.value)?;
            out.push_sql(", ");
            self.operand.walk_ast(out.reborrow())?;
        } else {
            self.operand.walk_ast(out.reborrow())?;
            out.push_sql(", ");
            out.push_bind_param::<Json, serde_json::Value>(&self.value)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<E: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for JsonContains<E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("(");
        self.operand.walk_ast(out.reborrow())?;
        out.push_sql(if self.reversed { " <@ " } else { " @> " });
        out.push_bind_param::<Json, serde_json::Value>(&self.value)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<E: QueryId> QueryId for JsonContains<E> {
    type QueryId = JsonContains<E::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<E: ValidGrouping<G>, G> ValidGrouping<G> for JsonContains<E> {
    type IsAggregate = E::IsAggregate;
}
impl<E: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for JsonContains<E> where Self: Expression
{}
impl<E: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for JsonContains<E> where
    Self: AppearsOnTable<QS>
{
}

/// PostgreSQL's `jsonb @>`: objects contain objects key by key, arrays contain arrays element
/// by element (in any order), a top-level array contains a scalar it holds, scalars are equal.
pub fn json_contains(doc: &serde_json::Value, pattern: &serde_json::Value) -> bool {
    use serde_json::Value;
    fn inner(doc: &Value, pattern: &Value, top: bool) -> bool {
        match (doc, pattern) {
            (Value::Object(d), Value::Object(p)) => p
                .iter()
                .all(|(k, pv)| d.get(k).is_some_and(|dv| inner(dv, pv, false))),
            (Value::Array(d), Value::Array(p)) => {
                p.iter().all(|pv| d.iter().any(|dv| inner(dv, pv, false)))
            }
            (Value::Array(d), scalar) if top && !scalar.is_object() => {
                d.iter().any(|dv| dv == scalar)
            }
            (d, p) => d == p,
        }
    }
    inner(doc, pattern, true)
}

/// Registers `dorm_json_contains(doc, pattern)` on a SQLite connection.
#[cfg(feature = "sqlite")]
pub(crate) fn register_sqlite_json(conn: &mut diesel::SqliteConnection) -> QueryResult<()> {
    diesel::define_sql_function! {
        fn dorm_json_contains(doc: Nullable<Text>, pattern: Nullable<Text>) -> Nullable<Bool>;
    }
    dorm_json_contains_utils::register_impl(
        conn,
        |doc: Option<String>, pattern: Option<String>| -> Option<bool> {
            let doc: serde_json::Value = serde_json::from_str(&doc?).ok()?;
            let pattern: serde_json::Value = serde_json::from_str(&pattern?).ok()?;
            Some(json_contains(&doc, &pattern))
        },
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn containment_follows_postgres() {
        let doc = json!({"InvoiceNumber": {"FirstName": "Daan", "Last": "J"}, "tags": ["a", "b"], "n": 1});
        assert!(super::json_contains(
            &doc,
            &json!({"InvoiceNumber": {"FirstName": "Daan"}})
        ));
        assert!(!super::json_contains(
            &doc,
            &json!({"InvoiceNumber": {"FirstName": "Anna"}})
        ));
        assert!(super::json_contains(&doc, &json!({"tags": ["b"]})));
        assert!(!super::json_contains(&doc, &json!({"tags": "b"})));
        assert!(super::json_contains(&json!(["a", 1]), &json!(1)));
        assert!(super::json_contains(&doc, &json!({})));
    }
}
