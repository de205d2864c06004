//! [`Pool`]: an r2d2 pool of URL-chosen [`Connection`]s.

use std::ops::{Deref, DerefMut};
use std::time::Duration;

use diesel::result::QueryResult;

use super::{Backend, Connection, Execute, Executor, Load, LoadIter, Vendor};
use crate::error::{Error, Result};

/// How a [`Pool`] behaves.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// The most connections open at once (default 10; 1 for `sqlite::memory:`, whose
    /// connections would otherwise each see their own empty database).
    pub max_size: u32,
    /// How long [`Pool::get`] waits for a free connection before it returns
    /// [`Error::PoolTimeout`] (default 30 s).
    pub connection_timeout: Duration,
    /// How long opening one connection may take before it fails with
    /// [`Error::Connection`]. `None` (the default) takes the URL's `connect_timeout`, else
    /// [`DEFAULT_CONNECT_TIMEOUT`](super::DEFAULT_CONNECT_TIMEOUT); either way no longer than
    /// `connection_timeout`, so creating a pool never blocks past it.
    pub connect_timeout: Option<Duration>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: 10,
            connection_timeout: Duration::from_secs(30),
            connect_timeout: None,
        }
    }
}

/// Opens connections for r2d2 and tells it which ones to discard.
pub struct ConnectionManager {
    url: String,
    connect_timeout: Duration,
}

impl std::fmt::Debug for ConnectionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionManager")
            .field("url", &super::redact(&self.url))
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// A pool's connection, with the schema generation its prepared statements were made under.
pub struct ManagedConnection {
    conn: Connection,
    generation: u64,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = ManagedConnection;
    type Error = Error;

    fn connect(&self) -> Result<ManagedConnection> {
        let generation = super::statements::generation();
        Ok(ManagedConnection {
            conn: Connection::open(&self.url, Some(self.connect_timeout))?,
            generation,
        })
    }

    /// At checkout: statements prepared before a schema change are forgotten (see
    /// [`schema_changed`](super::schema_changed)), then diesel's own check (`SELECT 1`,
    /// prepared once per connection and cached).
    fn is_valid(&self, managed: &mut ManagedConnection) -> Result<()> {
        let now = super::statements::generation();
        if managed.generation != now {
            super::reset_statement_cache(&mut managed.conn)?;
            managed.generation = now;
        }
        Ok(crate::with_backend!(&mut managed.conn, |c| {
            diesel::r2d2::R2D2Connection::ping(c)
        })?)
    }

    /// At check-in: a connection given back by a panicking thread, or inside a transaction
    /// dorm or diesel opened, is discarded; a transaction begun with raw SQL (`BEGIN` through
    /// `batch_execute`), which diesel cannot see, is rolled back. The next user never
    /// inherits a transaction.
    fn has_broken(&self, managed: &mut ManagedConnection) -> bool {
        std::thread::panicking()
            || managed.conn.in_transaction()
            || !end_raw_transaction(&mut managed.conn)
    }
}

/// Rolls back a transaction diesel's transaction manager does not know of; false when the
/// connection no longer works.
fn end_raw_transaction(conn: &mut Connection) -> bool {
    match conn.batch_execute("ROLLBACK") {
        // PostgreSQL answers a ROLLBACK outside a transaction with a warning only.
        Ok(()) => true,
        // SQLite refuses it: there was nothing to end.
        Err(Error::Database(diesel::result::Error::DatabaseError(_, info))) => {
            conn.vendor() == Vendor::Sqlite && info.message().contains("no transaction is active")
        }
        Err(_) => false,
    }
}

/// A pool of connections to one database.
///
/// ```
/// use std::time::Duration;
/// let pool = dorm::Pool::with_options("sqlite::memory:", dorm::db::PoolOptions {
///     max_size: 1,
///     connection_timeout: Duration::from_millis(100),
///     ..Default::default()
/// })?;
/// let held = pool.get()?;
/// // The only connection is taken: the next checkout fails within the timeout.
/// assert!(matches!(pool.get(), Err(dorm::Error::PoolTimeout { .. })));
/// drop(held);
/// assert!(pool.get().is_ok());
/// # Ok::<(), dorm::Error>(())
/// ```
#[derive(Clone)]
pub struct Pool {
    inner: r2d2::Pool<ConnectionManager>,
    timeout: Duration,
    vendor: Vendor,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("vendor", &self.vendor)
            .field("state", &self.inner.state())
            .finish()
    }
}

impl Pool {
    /// A pool with default options.
    pub fn new(url: &str) -> Result<Self> {
        Self::with_options(url, PoolOptions::default())
    }

    /// A pool with the given options. Opens one connection right away, so a wrong URL (or a
    /// server that does not answer) fails here, within `connection_timeout`.
    pub fn with_options(url: &str, options: PoolOptions) -> Result<Self> {
        let connect_timeout = options
            .connect_timeout
            .or_else(|| super::url::connect_timeout_of(url))
            .unwrap_or(super::DEFAULT_CONNECT_TIMEOUT)
            .min(options.connection_timeout);
        let first = Connection::establish_timeout(url, connect_timeout)?;
        let vendor = first.vendor();
        let in_memory = url.contains(":memory:");
        let max_size = if in_memory {
            1
        } else {
            options.max_size.max(1)
        };
        let inner = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(0))
            .connection_timeout(options.connection_timeout)
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build_unchecked(ConnectionManager {
                url: url.to_string(),
                connect_timeout,
            });
        drop(first);
        Ok(Pool {
            inner,
            timeout: options.connection_timeout,
            vendor,
        })
    }

    /// Checks a connection out, waiting at most the pool's `connection_timeout`.
    pub fn get(&self) -> Result<PooledConnection> {
        self.inner
            .get()
            .map(PooledConnection)
            .map_err(|e| Error::PoolTimeout {
                timeout: self.timeout,
                message: e.to_string(),
            })
    }

    /// Which database the pool connects to.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// Connections open, and how many of them are idle.
    pub fn state(&self) -> (u32, u32) {
        let s = self.inner.state();
        (s.connections, s.idle_connections)
    }
}

/// A connection checked out of a [`Pool`]; it goes back when dropped.
pub struct PooledConnection(r2d2::PooledConnection<ConnectionManager>);

impl std::fmt::Debug for PooledConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PooledConnection({})", self.0.conn.vendor().name())
    }
}

impl Deref for PooledConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0.conn
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0.conn
    }
}

impl Executor for PooledConnection {
    fn backend(&mut self) -> Backend<'_> {
        self.0.conn.backend()
    }
    fn vendor(&self) -> Vendor {
        self.0.conn.vendor()
    }
}

impl<'q, Q, U> Load<'q, Q, U> for PooledConnection
where
    Connection: Load<'q, Q, U>,
{
    fn load_rows(&mut self, query: Q) -> QueryResult<Vec<U>> {
        self.0.conn.load_rows(query)
    }
    fn load_rows_with<T>(
        &mut self,
        query: Q,
        f: impl FnMut(U) -> QueryResult<T>,
    ) -> QueryResult<Vec<T>> {
        self.0.conn.load_rows_with(query, f)
    }
    fn load_first(&mut self, query: Q) -> QueryResult<Option<U>> {
        self.0.conn.load_first(query)
    }
}

impl<'q, Q, U> LoadIter<'q, Q, U> for PooledConnection
where
    Connection: LoadIter<'q, Q, U>,
{
    fn load_iter_rows<'c>(
        &'c mut self,
        query: Q,
    ) -> QueryResult<Box<dyn Iterator<Item = QueryResult<U>> + 'c>>
    where
        Q: 'c,
        U: 'c,
        'q: 'c,
    {
        self.0.conn.load_iter_rows(query)
    }
}

impl<Q> Execute<Q> for PooledConnection
where
    Connection: Execute<Q>,
{
    fn execute_query(&mut self, query: Q) -> QueryResult<usize> {
        self.0.conn.execute_query(query)
    }
}
