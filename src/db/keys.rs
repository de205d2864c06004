//! The keys of rows just inserted, without `RETURNING` where the backend makes that costly:
//! SQLite gives the rows of one `INSERT` consecutive rowids (an `AUTOINCREMENT` key, one
//! writer at a time), so their keys follow from `last_insert_rowid()`; PostgreSQL's
//! `RETURNING` is cheap and is used there.

use diesel::RunQueryDsl;

diesel::define_sql_function! {
    /// SQLite's `last_insert_rowid()`: a typed function call rather than an SQL literal, so
    /// `SELECT last_insert_rowid()` has a static query id and diesel prepares it once per
    /// connection instead of once per insert.
    fn last_insert_rowid() -> diesel::sql_types::BigInt;
}

use crate::error::{Error, Result};

/// The SQL diesel renders for [`last_insert_rowid()`]; query logging leaves it out.
pub(crate) const LAST_ROWID_SQL: &str = "SELECT last_insert_rowid()";

/// Whether a connection type's inserts can derive their keys from the last rowid.
pub trait InsertedKeys {
    /// One `INSERT`'s rows get consecutive integer keys, the last readable afterwards.
    const CONSECUTIVE_ROWIDS: bool;
}

#[cfg(feature = "sqlite")]
impl InsertedKeys for diesel::SqliteConnection {
    const CONSECUTIVE_ROWIDS: bool = true;
}

#[cfg(feature = "postgres")]
impl InsertedKeys for diesel::PgConnection {
    const CONSECUTIVE_ROWIDS: bool = false;
}

/// The keys of the `n` rows the last `INSERT` on `conn` wrote (SQLite): `last - n + 1 ..= last`.
pub fn consecutive_keys<C, K>(n: usize, conn: &mut C) -> Result<Vec<K>>
where
    C: diesel::Connection,
    diesel::dsl::select<last_insert_rowid>: diesel::query_dsl::LoadQuery<'static, C, i64>,
    K: TryFrom<i64>,
{
    let last: i64 = diesel::select(last_insert_rowid()).get_result(conn)?;
    let first = last - n as i64 + 1;
    (first..=last).map(key).collect()
}

/// The key of the one row the last `INSERT` on `conn` wrote (SQLite).
pub fn last_key<C, K>(conn: &mut C) -> Result<K>
where
    C: diesel::Connection,
    diesel::dsl::select<last_insert_rowid>: diesel::query_dsl::LoadQuery<'static, C, i64>,
    K: TryFrom<i64>,
{
    key(diesel::select(last_insert_rowid()).get_result(conn)?)
}

fn key<K: TryFrom<i64>>(k: i64) -> Result<K> {
    K::try_from(k).map_err(|_| Error::InvalidValue {
        field: "pk".into(),
        message: format!("inserted key {k} does not fit the key type"),
    })
}
