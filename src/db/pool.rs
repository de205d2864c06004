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
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_size: 10,
            connection_timeout: Duration::from_secs(30),
        }
    }
}

/// Opens connections for r2d2 and tells it which ones to discard.
#[derive(Debug)]
pub struct ConnectionManager {
    url: String,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = Connection;
    type Error = Error;

    fn connect(&self) -> Result<Connection> {
        Connection::establish(&self.url)
    }

    /// diesel's own check (`SELECT 1`, prepared once per connection and cached).
    fn is_valid(&self, conn: &mut Connection) -> Result<()> {
        Ok(crate::with_backend!(conn, |c| {
            diesel::r2d2::R2D2Connection::ping(c)
        })?)
    }

    /// A connection given back in the middle of a transaction (after a panic, say) is broken:
    /// r2d2 closes it instead of handing it to the next caller.
    fn has_broken(&self, conn: &mut Connection) -> bool {
        conn.in_transaction()
    }
}

/// A pool of connections to one database.
///
/// ```
/// use std::time::Duration;
/// let pool = dorm::Pool::with_options("sqlite::memory:", dorm::db::PoolOptions {
///     max_size: 1,
///     connection_timeout: Duration::from_millis(100),
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

    /// A pool with the given options. Opens one connection right away, so a wrong URL fails here.
    pub fn with_options(url: &str, options: PoolOptions) -> Result<Self> {
        let first = Connection::establish(url)?;
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
        write!(f, "PooledConnection({})", self.0.vendor().name())
    }
}

impl Deref for PooledConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.0
    }
}

impl Executor for PooledConnection {
    fn backend(&mut self) -> Backend<'_> {
        self.0.backend()
    }
    fn vendor(&self) -> Vendor {
        self.0.vendor()
    }
}

impl<'q, Q, U> Load<'q, Q, U> for PooledConnection
where
    Connection: Load<'q, Q, U>,
{
    fn load_rows(&mut self, query: Q) -> QueryResult<Vec<U>> {
        self.0.load_rows(query)
    }
    fn load_rows_with<T>(&mut self, query: Q, f: impl FnMut(U) -> T) -> QueryResult<Vec<T>> {
        self.0.load_rows_with(query, f)
    }
    fn load_first(&mut self, query: Q) -> QueryResult<Option<U>> {
        self.0.load_first(query)
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
        self.0.load_iter_rows(query)
    }
}

impl<Q> Execute<Q> for PooledConnection
where
    Connection: Execute<Q>,
{
    fn execute_query(&mut self, query: Q) -> QueryResult<usize> {
        self.0.execute_query(query)
    }
}
