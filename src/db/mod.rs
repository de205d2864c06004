//! The database layer: connecting by URL ([`connect`]), pools ([`Pool`]), transactions
//! ([`atomic`]), query logging ([`instrumentation`]), and the traits through which a QuerySet
//! runs on any connection ([`Executor`], [`Load`], [`Execute`]); [`prepare_sqlite`] readies a
//! SQLite connection dorm did not open.
//!
//! A URL picks the backend at run time, as Django's `DATABASES` setting does:
//! `sqlite://path/to/db.sqlite3`, `sqlite::memory:`, `postgres://user@host/db`. The result is
//! a [`Connection`], an enum over diesel's connections; every dorm operation also accepts
//! diesel's own `SqliteConnection` and `PgConnection`, so code that knows its backend can use
//! backend-only features and pays nothing for the dispatch.

mod connection;
pub mod instrumentation;
mod keys;
mod pool;
#[cfg(feature = "sqlite")]
mod sqlite;
mod statements;
mod transaction;
pub mod url;

pub use self::url::{redact, DEFAULT_CONNECT_TIMEOUT};
pub use connection::{Backend, Connection, Execute, Executor, Load, LoadIter, Vendor};
pub use keys::{consecutive_keys, last_key, InsertedKeys};
pub use pool::{Pool, PoolOptions, PooledConnection};
#[cfg(feature = "sqlite")]
pub use sqlite::prepare_sqlite;
#[cfg(feature = "sqlite")]
pub(crate) use sqlite::SQLITE_FUNCTIONS;
pub use statements::{reset_statement_cache, schema_changed};
pub use transaction::atomic;

use crate::error::{Error, Result};

/// Opens one connection for `url` (see [`url`] for the URL forms).
///
/// SQLite connections get foreign keys on, WAL journaling and a busy timeout, set before
/// anything else; every connection logs its queries through `tracing`. Connecting to
/// PostgreSQL gives up after the URL's `connect_timeout` (seconds), or
/// [`DEFAULT_CONNECT_TIMEOUT`] when it sets none, with [`Error::Connection`]: a server that
/// accepts the TCP connection and never answers cannot hang the caller.
///
/// ```
/// let mut conn = dorm::connect("sqlite::memory:")?;
/// assert_eq!(conn.vendor(), dorm::db::Vendor::Sqlite);
/// # Ok::<(), dorm::Error>(())
/// ```
pub fn connect(url: &str) -> Result<Connection> {
    Connection::establish(url)
}

/// The database URL from the `DATABASE_URL` environment variable (as diesel's CLI reads it),
/// or `default` when it is not set.
pub fn database_url_or(default: &str) -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| default.to_string())
}

pub(crate) fn connection_error(url: &str, message: impl std::fmt::Display) -> Error {
    Error::Connection {
        url: redact(url),
        message: self::url::scrub(&message.to_string(), url),
    }
}
