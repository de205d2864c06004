//! [`Connection`] (a URL-chosen backend) and the traits that run diesel queries on it and on
//! diesel's own connection types.

use diesel::connection::{Connection as _, SimpleConnection};
use diesel::query_dsl::methods::ExecuteDsl;
use diesel::query_dsl::LoadQuery;
use diesel::result::QueryResult;
use diesel::RunQueryDsl;

#[cfg(feature = "postgres")]
use diesel::PgConnection;
#[cfg(feature = "sqlite")]
use diesel::SqliteConnection;

use crate::error::Result;

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// SQLite (bundled).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Vendor {
    /// The backend's name, as Django's `connection.vendor`.
    pub const fn name(self) -> &'static str {
        match self {
            Vendor::Sqlite => "sqlite",
            Vendor::Postgres => "postgresql",
        }
    }
    /// How many bind parameters one statement may carry.
    pub const fn max_binds(self) -> usize {
        match self {
            // SQLite >= 3.32 allows 32766; PostgreSQL's protocol allows 65535.
            Vendor::Sqlite => 32_766,
            Vendor::Postgres => 65_535,
        }
    }
}

/// A database connection whose backend is chosen at run time by URL.
///
/// Match on it to reach diesel's connection for backend-only features.
#[non_exhaustive]
pub enum Connection {
    /// A SQLite connection.
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteConnection),
    /// A PostgreSQL connection.
    #[cfg(feature = "postgres")]
    Postgres(PgConnection),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Connection({})", self.vendor().name())
    }
}

/// A mutable borrow of the concrete connection behind any [`Executor`]; see
/// [`with_backend!`](crate::with_backend) to run diesel code on it.
pub enum Backend<'a> {
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(&'a mut SqliteConnection),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(&'a mut PgConnection),
}

impl Connection {
    /// Opens a connection for `url`; see [`crate::connect`].
    pub fn establish(url: &str) -> Result<Self> {
        Self::open(url, None)
    }

    /// Opens a connection for `url`, giving up with [`Error::Connection`](crate::Error) after
    /// `timeout` whatever the URL says (its `connect_timeout` included): pools use it so
    /// that creating one never blocks past the pool's timeout.
    ///
    /// ```
    /// use std::time::Duration;
    /// let conn = dorm::Connection::establish_timeout("sqlite::memory:", Duration::from_secs(1))?;
    /// assert_eq!(conn.vendor(), dorm::db::Vendor::Sqlite);
    /// # Ok::<(), dorm::Error>(())
    /// ```
    pub fn establish_timeout(url: &str, timeout: std::time::Duration) -> Result<Self> {
        // libpq's own timeout ends the attempt on the server side (and in whole seconds); the
        // thread bounds the wait exactly, and finishes on its own when libpq gives up.
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let owned = url.to_string();
        let spawned = std::thread::Builder::new()
            .name("dorm-connect".into())
            .spawn(move || {
                let _ = tx.send(Self::open(&owned, Some(timeout)));
            });
        if let Err(e) = spawned {
            return Err(super::connection_error(url, e));
        }
        match rx.recv_timeout(timeout) {
            Ok(result) => result,
            Err(_) => Err(super::connection_error(
                url,
                format!("no connection within {timeout:?} (the server did not answer)"),
            )),
        }
    }

    pub(crate) fn open(url: &str, timeout: Option<std::time::Duration>) -> Result<Self> {
        let target = super::url::target(url).map_err(|e| super::connection_error(url, e))?;
        match target {
            super::url::Target::Sqlite(path) => {
                #[cfg(feature = "sqlite")]
                {
                    let _ = timeout;
                    let mut conn = SqliteConnection::establish(&path)
                        .map_err(|e| super::connection_error(url, e))?;
                    configure_sqlite(&mut conn).map_err(|e| super::connection_error(url, e))?;
                    super::prepare_sqlite(&mut conn)
                        .map_err(|e| super::connection_error(url, e))?;
                    conn.set_instrumentation(super::instrumentation::QueryLogger::new());
                    Ok(Connection::Sqlite(conn))
                }
                #[cfg(not(feature = "sqlite"))]
                {
                    let _ = (path, timeout);
                    Err(super::connection_error(
                        url,
                        "dorm was built without the `sqlite` feature",
                    ))
                }
            }
            super::url::Target::Postgres => {
                #[cfg(feature = "postgres")]
                {
                    let with_timeout = super::url::with_connect_timeout(
                        url,
                        timeout.unwrap_or(super::url::DEFAULT_CONNECT_TIMEOUT),
                        timeout.is_some(),
                    );
                    let mut conn = PgConnection::establish(&with_timeout)
                        .map_err(|e| super::connection_error(url, e))?;
                    conn.set_instrumentation(super::instrumentation::QueryLogger::new());
                    Ok(Connection::Postgres(conn))
                }
                #[cfg(not(feature = "postgres"))]
                {
                    let _ = timeout;
                    Err(super::connection_error(
                        url,
                        "dorm was built without the `postgres` feature",
                    ))
                }
            }
        }
    }

    /// Which database this is.
    pub fn vendor(&self) -> Vendor {
        match self {
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(_) => Vendor::Sqlite,
            #[cfg(feature = "postgres")]
            Connection::Postgres(_) => Vendor::Postgres,
        }
    }

    /// Runs SQL text with no parameters and no results (DDL, pragmas). Never build this text
    /// from user input: queries go through the QuerySet API and bind their values.
    pub fn batch_execute(&mut self, sql: &str) -> Result<()> {
        match self {
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => c.batch_execute(sql)?,
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c.batch_execute(sql)?,
        }
        Ok(())
    }

    /// True while a transaction (or savepoint) is open on this connection.
    pub fn in_transaction(&mut self) -> bool {
        use diesel::connection::TransactionManager;
        match self {
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => {
                diesel::connection::AnsiTransactionManager::transaction_manager_status_mut(c)
                    .transaction_depth()
                    .map(|d| d.is_some())
                    .unwrap_or(true)
            }
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => {
                diesel::connection::AnsiTransactionManager::transaction_manager_status_mut(c)
                    .transaction_depth()
                    .map(|d| d.is_some())
                    .unwrap_or(true)
            }
        }
    }
}

/// How long a SQLite connection waits for a busy database, in milliseconds.
#[cfg(feature = "sqlite")]
const SQLITE_BUSY_TIMEOUT_MS: u64 = 5000;

/// busy_timeout first (so the following statements already wait for a busy database), then
/// foreign keys, `synchronous`, and WAL.
///
/// Switching a fresh database to WAL needs an exclusive lock, and SQLite can answer "database
/// is locked" to it at once, without calling the busy handler, while another process is doing
/// the same (several processes opening a new database file together). That one statement is
/// retried for up to the busy timeout.
#[cfg(feature = "sqlite")]
pub(crate) fn configure_sqlite(conn: &mut SqliteConnection) -> QueryResult<()> {
    use std::time::{Duration, Instant};
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
    ))?;
    let deadline = Instant::now() + Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS);
    loop {
        match conn.batch_execute("PRAGMA journal_mode = WAL") {
            Err(diesel::result::Error::DatabaseError(_, info))
                if info.message().contains("database is locked") && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// Something dorm can run queries on: diesel's `SqliteConnection` and `PgConnection`, a
/// URL-chosen [`Connection`], and pooled connections of either.
pub trait Executor {
    /// The concrete connection, for operations that dispatch on the backend.
    fn backend(&mut self) -> Backend<'_>;
    /// Which database this is.
    fn vendor(&self) -> Vendor;
}

/// Runs a query that returns rows of type `U` (diesel's `LoadQuery`, for every backend the
/// connection may be).
#[diagnostic::on_unimplemented(
    message = "this query cannot run on `{Self}`",
    note = "it uses SQL this backend does not support (Django: NotSupportedError, e.g. \"DISTINCT ON fields is not supported by this database backend\"), or its rows do not load into the requested type"
)]
pub trait Load<'q, Q, U>: Executor {
    /// Loads every row.
    fn load_rows(&mut self, query: Q) -> QueryResult<Vec<U>>;
    /// Loads every row, converting each as it is read (one pass, no intermediate `Vec`); the
    /// first conversion that fails ends the load with its error.
    fn load_rows_with<T>(
        &mut self,
        query: Q,
        f: impl FnMut(U) -> QueryResult<T>,
    ) -> QueryResult<Vec<T>>;
    /// Loads the first row, if any, without collecting the rest (diesel's `get_result`).
    fn load_first(&mut self, query: Q) -> QueryResult<Option<U>>;
}

/// Streams the rows of a query one at a time (diesel's `load_iter`), without caching them.
pub trait LoadIter<'q, Q, U>: Executor {
    /// An iterator over the rows; each is read when the iterator is advanced.
    fn load_iter_rows<'c>(
        &'c mut self,
        query: Q,
    ) -> QueryResult<Box<dyn Iterator<Item = QueryResult<U>> + 'c>>
    where
        Q: 'c,
        U: 'c,
        'q: 'c;
}

/// Runs a statement that returns no rows (UPDATE, DELETE, INSERT without RETURNING).
pub trait Execute<Q>: Executor {
    /// Runs it and returns the number of affected rows.
    fn execute_query(&mut self, query: Q) -> QueryResult<usize>;
}

/// What a failed query does to its connection before the error is returned: on PostgreSQL, a
/// statement made stale by a schema change clears the statement cache (see
/// [`statements`](super::statements)); SQLite prepares stale statements again itself.
macro_rules! concrete_executor {
    ($feature:literal, $conn:ty, $variant:ident, $streaming:ty, $recover:path) => {
        #[cfg(feature = $feature)]
        impl Executor for $conn {
            fn backend(&mut self) -> Backend<'_> {
                Backend::$variant(self)
            }
            fn vendor(&self) -> Vendor {
                Vendor::$variant
            }
        }
        #[cfg(feature = $feature)]
        impl<'q, Q, U> Load<'q, Q, U> for $conn
        where
            Q: LoadQuery<'q, $conn, U>,
        {
            fn load_rows(&mut self, query: Q) -> QueryResult<Vec<U>> {
                let rows = query.load(self);
                if let Err(e) = &rows {
                    $recover(self, e);
                }
                rows
            }
            fn load_rows_with<T>(
                &mut self,
                query: Q,
                mut f: impl FnMut(U) -> QueryResult<T>,
            ) -> QueryResult<Vec<T>> {
                // What `load` does, with `f` fused into the collecting loop.
                let rows = match query.load_iter::<U, diesel::connection::DefaultLoadingMode>(self)
                {
                    Ok(rows) => rows.map(|row| row.and_then(&mut f)).collect(),
                    Err(e) => Err(e),
                };
                if let Err(e) = &rows {
                    $recover(self, e);
                }
                rows
            }
            fn load_first(&mut self, query: Q) -> QueryResult<Option<U>> {
                let row = diesel::OptionalExtension::optional(query.get_result(self));
                if let Err(e) = &row {
                    $recover(self, e);
                }
                row
            }
        }
        #[cfg(feature = $feature)]
        impl<'q, Q, U> LoadIter<'q, Q, U> for $conn
        where
            Q: LoadQuery<'q, $conn, U, $streaming>,
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
                Ok(Box::new(query.load_iter::<U, $streaming>(self)?))
            }
        }
        #[cfg(feature = $feature)]
        impl<Q> Execute<Q> for $conn
        where
            Q: ExecuteDsl<$conn> + RunQueryDsl<$conn>,
        {
            fn execute_query(&mut self, query: Q) -> QueryResult<usize> {
                let affected = query.execute(self);
                if let Err(e) = &affected {
                    $recover(self, e);
                }
                affected
            }
        }
    };
}
// SQLite steps through rows by default; PostgreSQL needs row-by-row mode to stream instead
// of reading the whole result first.
concrete_executor!(
    "sqlite",
    SqliteConnection,
    Sqlite,
    diesel::connection::DefaultLoadingMode,
    no_recovery
);
concrete_executor!(
    "postgres",
    PgConnection,
    Postgres,
    diesel::pg::PgRowByRowLoadingMode,
    super::statements::recover_from
);

#[cfg(feature = "sqlite")]
#[inline(always)]
fn no_recovery(_: &mut SqliteConnection, _: &diesel::result::Error) {}

impl Executor for Connection {
    fn backend(&mut self) -> Backend<'_> {
        match self {
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => Backend::Sqlite(c),
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => Backend::Postgres(c),
        }
    }
    fn vendor(&self) -> Vendor {
        Connection::vendor(self)
    }
}

/// The URL-chosen connection runs a query when every backend compiled in can run it.
macro_rules! any_connection_impls {
    ($($conn:ty => $variant:ident),+) => {
        impl<'q, Q, U> Load<'q, Q, U> for Connection
        where
            $($conn: Load<'q, Q, U>,)+
        {
            fn load_rows(&mut self, query: Q) -> QueryResult<Vec<U>> {
                match self {
                    $(Connection::$variant(c) => c.load_rows(query),)+
                }
            }
            fn load_rows_with<T>(&mut self, query: Q, f: impl FnMut(U) -> QueryResult<T>) -> QueryResult<Vec<T>> {
                match self {
                    $(Connection::$variant(c) => c.load_rows_with(query, f),)+
                }
            }
            fn load_first(&mut self, query: Q) -> QueryResult<Option<U>> {
                match self {
                    $(Connection::$variant(c) => c.load_first(query),)+
                }
            }
        }
        impl<'q, Q, U> LoadIter<'q, Q, U> for Connection
        where
            $($conn: LoadIter<'q, Q, U>,)+
        {
            fn load_iter_rows<'c>(&'c mut self, query: Q) -> QueryResult<Box<dyn Iterator<Item = QueryResult<U>> + 'c>>
            where
                Q: 'c,
                U: 'c,
                'q: 'c,
            {
                match self {
                    $(Connection::$variant(c) => c.load_iter_rows(query),)+
                }
            }
        }
        impl<Q> Execute<Q> for Connection
        where
            $($conn: Execute<Q>,)+
        {
            fn execute_query(&mut self, query: Q) -> QueryResult<usize> {
                match self {
                    $(Connection::$variant(c) => c.execute_query(query),)+
                }
            }
        }
    };
}
/// A connection known only as an executor (a data migration's `&mut dyn Executor`) runs a
/// query on whichever backend it turns out to be, like [`Connection`].
macro_rules! dyn_executor_impls {
    ($($conn:ty => $variant:ident),+) => {
        impl<'q, Q, U> Load<'q, Q, U> for dyn Executor + '_
        where
            $($conn: Load<'q, Q, U>,)+
        {
            fn load_rows(&mut self, query: Q) -> QueryResult<Vec<U>> {
                match self.backend() {
                    $(Backend::$variant(c) => c.load_rows(query),)+
                }
            }
            fn load_rows_with<T>(&mut self, query: Q, f: impl FnMut(U) -> QueryResult<T>) -> QueryResult<Vec<T>> {
                match self.backend() {
                    $(Backend::$variant(c) => c.load_rows_with(query, f),)+
                }
            }
            fn load_first(&mut self, query: Q) -> QueryResult<Option<U>> {
                match self.backend() {
                    $(Backend::$variant(c) => c.load_first(query),)+
                }
            }
        }
        impl<'q, Q, U> LoadIter<'q, Q, U> for dyn Executor + '_
        where
            $($conn: LoadIter<'q, Q, U>,)+
        {
            fn load_iter_rows<'c>(&'c mut self, query: Q) -> QueryResult<Box<dyn Iterator<Item = QueryResult<U>> + 'c>>
            where
                Q: 'c,
                U: 'c,
                'q: 'c,
            {
                match self.backend() {
                    $(Backend::$variant(c) => c.load_iter_rows(query),)+
                }
            }
        }
        impl<Q> Execute<Q> for dyn Executor + '_
        where
            $($conn: Execute<Q>,)+
        {
            fn execute_query(&mut self, query: Q) -> QueryResult<usize> {
                match self.backend() {
                    $(Backend::$variant(c) => c.execute_query(query),)+
                }
            }
        }
    };
}
#[cfg(all(feature = "sqlite", feature = "postgres"))]
any_connection_impls!(SqliteConnection => Sqlite, PgConnection => Postgres);
#[cfg(all(feature = "sqlite", feature = "postgres"))]
dyn_executor_impls!(SqliteConnection => Sqlite, PgConnection => Postgres);
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
dyn_executor_impls!(SqliteConnection => Sqlite);
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
dyn_executor_impls!(PgConnection => Postgres);

/// A re-borrowed connection runs what the connection runs (`&mut conn` where `conn` is
/// already a `&mut dyn Executor`).
impl<'q, Q, U, C: Load<'q, Q, U> + ?Sized> Load<'q, Q, U> for &mut C {
    fn load_rows(&mut self, query: Q) -> QueryResult<Vec<U>> {
        (**self).load_rows(query)
    }
    fn load_rows_with<T>(
        &mut self,
        query: Q,
        f: impl FnMut(U) -> QueryResult<T>,
    ) -> QueryResult<Vec<T>> {
        (**self).load_rows_with(query, f)
    }
    fn load_first(&mut self, query: Q) -> QueryResult<Option<U>> {
        (**self).load_first(query)
    }
}

impl<'q, Q, U, T: LoadIter<'q, Q, U> + ?Sized> LoadIter<'q, Q, U> for &mut T {
    fn load_iter_rows<'c>(
        &'c mut self,
        query: Q,
    ) -> QueryResult<Box<dyn Iterator<Item = QueryResult<U>> + 'c>>
    where
        Q: 'c,
        U: 'c,
        'q: 'c,
    {
        (**self).load_iter_rows(query)
    }
}

impl<Q, T: Execute<Q> + ?Sized> Execute<Q> for &mut T {
    fn execute_query(&mut self, query: Q) -> QueryResult<usize> {
        (**self).execute_query(query)
    }
}
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
any_connection_impls!(SqliteConnection => Sqlite);
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
any_connection_impls!(PgConnection => Postgres);

/// `&mut` of an executor is an executor, so pooled connections and re-borrows work alike.
impl<T: Executor + ?Sized> Executor for &mut T {
    fn backend(&mut self) -> Backend<'_> {
        (**self).backend()
    }
    fn vendor(&self) -> Vendor {
        (**self).vendor()
    }
}
