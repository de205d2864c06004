//! [`atomic`]: Django's `transaction.atomic`, nesting as savepoints.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::QueryResult;

use super::{Backend, Executor};
use crate::error::Error;

/// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it returns `Err`
/// or panics (the panic then continues, and the connection is left outside any transaction).
///
/// Called inside another `atomic`, it opens a savepoint instead: a failed inner block rolls back
/// to its savepoint, and the outer block stays usable and commits its own writes. On SQLite the
/// outermost block begins with `BEGIN IMMEDIATE`, so concurrent writers queue on the busy
/// timeout instead of failing with "database is locked" halfway through.
///
/// ```
/// # fn main() -> dorm::Result<()> {
/// let mut conn = dorm::connect("sqlite::memory:")?;
/// conn.batch_execute("CREATE TABLE t (x INTEGER)")?;
/// let outer: dorm::Result<()> = dorm::atomic(&mut conn, |conn| {
///     conn.batch_execute("INSERT INTO t VALUES (1)")?;
///     let inner: dorm::Result<()> = dorm::atomic(conn, |conn| {
///         conn.batch_execute("INSERT INTO t VALUES (2)")?;
///         Err(dorm::Error::RolledBack) // any error rolls this block back
///     });
///     assert!(inner.is_err());
///     Ok(())
/// });
/// outer?;
/// // Only the outer insert was committed.
/// # Ok(()) }
/// ```
pub fn atomic<C, T, E, F>(conn: &mut C, f: F) -> Result<T, E>
where
    C: Executor + ?Sized,
    F: FnOnce(&mut C) -> Result<T, E>,
    E: From<Error>,
{
    begin(conn.backend()).map_err(|e| E::from(e.into()))?;
    match catch_unwind(AssertUnwindSafe(|| f(conn))) {
        Ok(Ok(value)) => match commit(conn.backend()) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT (deferred constraint, serialization failure) leaves the
                // transaction to roll back.
                let _ = rollback(conn.backend());
                Err(E::from(e.into()))
            }
        },
        Ok(Err(e)) => {
            if let Err(rollback_error) = rollback(conn.backend()) {
                tracing::error!(error = %rollback_error, "rollback after a failed atomic block failed");
            }
            Err(e)
        }
        Err(panic) => {
            if let Err(rollback_error) = rollback(conn.backend()) {
                tracing::error!(error = %rollback_error, "rollback after a panic in atomic failed");
            }
            resume_unwind(panic)
        }
    }
}

fn begin(backend: Backend<'_>) -> QueryResult<()> {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => {
            let depth =
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?;
            if depth.is_none() {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
            } else {
                AnsiTransactionManager::begin_transaction(c)
            }
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => AnsiTransactionManager::begin_transaction(c),
    }
}

fn commit(backend: Backend<'_>) -> QueryResult<()> {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => AnsiTransactionManager::commit_transaction(c),
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => AnsiTransactionManager::commit_transaction(c),
    }
}

fn rollback(backend: Backend<'_>) -> QueryResult<()> {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => AnsiTransactionManager::rollback_transaction(c),
    }
}
