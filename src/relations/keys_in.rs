//! `column IN (keys)` for prefetches, written the way each backend reads a long list fastest:
//! one bind parameter per key on SQLite, and one array parameter on PostgreSQL
//! (`column = ANY($1)`), which spares the server parsing and planning tens of thousands of
//! parameters.

use std::marker::PhantomData;

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;

use crate::lookups::Predicate;
use crate::model::{Field, Model};

/// The rows whose field `N` is one of `keys` (a prefetch's filter).
#[derive(Debug, Clone)]
pub struct KeysOf<N, K> {
    keys: Vec<K>,
    _name: PhantomData<fn() -> N>,
}

impl<N, K> KeysOf<N, K> {
    /// Field `N` in `keys`.
    pub fn new(keys: Vec<K>) -> Self {
        KeysOf {
            keys,
            _name: PhantomData,
        }
    }
}

/// The SQL of [`KeysOf`] on column `C`.
#[derive(Debug, Clone)]
pub struct KeysIn<C, K> {
    column: C,
    keys: Vec<K>,
}

impl<M, N, K> Predicate<M> for KeysOf<N, K>
where
    M: Model + Field<N>,
{
    type Expr = KeysIn<<M as Field<N>>::Column, K>;
    fn build(self) -> Self::Expr {
        KeysIn {
            column: Default::default(),
            keys: self.keys,
        }
    }
}

impl<C, K> Expression for KeysIn<C, K> {
    type SqlType = diesel::sql_types::Bool;
}

impl<C, K> QueryId for KeysIn<C, K> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C, K, G> ValidGrouping<G> for KeysIn<C, K> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<C: AppearsOnTable<QS>, K, QS: ?Sized> AppearsOnTable<QS> for KeysIn<C, K> {}

impl<C: SelectableExpression<QS>, K, QS: ?Sized> SelectableExpression<QS> for KeysIn<C, K> {}

/// How a backend writes ` IN (keys)` after a column: one parameter per key (SQLite), or
/// ` = ANY(array)` with one parameter (PostgreSQL).
pub trait KeyList<ST, K>: diesel::backend::Backend {
    /// Writes the list for `keys` (never empty).
    fn push_keys<'b>(out: &mut AstPass<'_, 'b, Self>, keys: &'b [K]) -> QueryResult<()>;
}

#[cfg(feature = "sqlite")]
impl<ST, K> KeyList<ST, K> for diesel::sqlite::Sqlite
where
    diesel::sqlite::Sqlite: diesel::sql_types::HasSqlType<ST>,
    K: diesel::serialize::ToSql<ST, diesel::sqlite::Sqlite>,
{
    fn push_keys<'b>(
        out: &mut AstPass<'_, 'b, diesel::sqlite::Sqlite>,
        keys: &'b [K],
    ) -> QueryResult<()> {
        out.push_sql(" IN (");
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            out.push_bind_param::<ST, K>(key)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<ST, K> KeyList<ST, K> for diesel::pg::Pg
where
    ST: 'static,
    diesel::pg::Pg: diesel::sql_types::HasSqlType<diesel::sql_types::Array<ST>>,
    [K]: diesel::serialize::ToSql<diesel::sql_types::Array<ST>, diesel::pg::Pg>,
{
    fn push_keys<'b>(out: &mut AstPass<'_, 'b, diesel::pg::Pg>, keys: &'b [K]) -> QueryResult<()> {
        out.push_sql(" = ANY(");
        out.push_bind_param::<diesel::sql_types::Array<ST>, [K]>(keys)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C, K, DB> QueryFragment<DB> for KeysIn<C, K>
where
    DB: KeyList<C::SqlType, K>,
    C: Expression + QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if self.keys.is_empty() {
            out.push_sql("1 = 0");
            return Ok(());
        }
        self.column.walk_ast(out.reborrow())?;
        DB::push_keys(&mut out, &self.keys)
    }
}
