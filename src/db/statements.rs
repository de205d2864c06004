//! Prepared statements and schema changes.
//!
//! diesel prepares each query once per connection and keeps the statement. When another
//! session changes a table's columns (`ALTER COLUMN ... TYPE`), PostgreSQL refuses to run the
//! old statements again ("cached plan must not change result type"), on every later query of
//! that connection. dorm recovers in three ways:
//!
//! - `migrate` through dorm clears the migrating connection's statements and calls
//!   [`schema_changed`], after which every [`Pool`](super::Pool) clears a connection's
//!   statements when it is next checked out;
//! - after a migration run by another tool, call [`schema_changed`] yourself (pools), or
//!   [`reset_statement_cache`] on a connection you hold;
//! - a connection whose query fails this way clears its own statements, so only that one
//!   query fails (inside a transaction, the transaction is aborted, as PostgreSQL does).

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::CacheSize;
#[cfg(feature = "postgres")]
use diesel::connection::SimpleConnection;

use super::{Backend, Executor};
use crate::error::Result;

/// Bumped on every schema change dorm knows of; pooled connections compare it at checkout.
static SCHEMA_GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current schema generation (see [`schema_changed`]).
pub(crate) fn generation() -> u64 {
    SCHEMA_GENERATION.load(Ordering::Acquire)
}

/// Tells dorm that the database schema changed (a migration run by another tool or
/// process): every pooled connection forgets its prepared statements when it is next
/// checked out, so none fails with "cached plan must not change result type". dorm's own
/// `migrate` calls it.
///
/// ```
/// let pool = dorm::Pool::new("sqlite::memory:")?;
/// dorm::db::schema_changed();
/// assert!(pool.get().is_ok());
/// # Ok::<(), dorm::Error>(())
/// ```
pub fn schema_changed() {
    SCHEMA_GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// Forgets the prepared statements of one connection (diesel's statement cache, and on
/// PostgreSQL the server-side statements too); its next queries are prepared afresh.
///
/// ```
/// let mut conn = dorm::connect("sqlite::memory:")?;
/// dorm::db::reset_statement_cache(&mut conn)?;
/// # Ok::<(), dorm::Error>(())
/// ```
pub fn reset_statement_cache<C: Executor + ?Sized>(conn: &mut C) -> Result<()> {
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => {
            forget(c);
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => {
            forget(c);
            // diesel numbers statements on, so the cache's new names never meet these.
            c.batch_execute("DEALLOCATE ALL")?;
        }
    }
    Ok(())
}

fn forget<C: diesel::Connection>(c: &mut C) {
    // Switching the cache off drops every statement it holds.
    c.set_prepared_statement_cache_size(CacheSize::Disabled);
    c.set_prepared_statement_cache_size(CacheSize::Unbounded);
}

/// True when `error` is PostgreSQL's refusal to run a statement prepared before a schema
/// change.
#[cfg(feature = "postgres")]
pub(crate) fn is_stale_statement(error: &diesel::result::Error) -> bool {
    matches!(error, diesel::result::Error::DatabaseError(_, info)
        if info.message().starts_with("cached plan must not change result type"))
}

/// After a failed query on PostgreSQL: a stale statement makes the connection forget its
/// statements, so the next query is prepared afresh.
#[cfg(feature = "postgres")]
#[cold]
pub(crate) fn recover_from(conn: &mut diesel::PgConnection, error: &diesel::result::Error) {
    if is_stale_statement(error) {
        forget(conn);
        tracing::info!(target: "dorm::sql", "a schema change made this connection's prepared statements stale; they were cleared");
    }
}
