//! [`prepare_sqlite`]: the SQL functions dorm's queries call on SQLite, registered on any
//! `diesel::SqliteConnection` (connections opened by [`connect`](super::connect) already have
//! them).

use diesel::SqliteConnection;

use crate::error::Result;

/// The functions [`prepare_sqlite`] registers, as SQLite names them in "no such function".
pub(crate) const SQLITE_FUNCTIONS: &[&str] = &[
    "dorm_regexp",
    "dorm_json_contains",
    "dorm_in_range",
    "STDDEV_POP",
    "STDDEV_SAMP",
    "VAR_POP",
    "VAR_SAMP",
];

/// Registers on a SQLite connection the SQL functions dorm's queries use there and SQLite
/// lacks: `dorm_regexp` (the `regex`/`iregex` lookups), `dorm_json_contains` (JSON
/// `contains`/`contained_by`), `dorm_in_range` (`update!` of a computed integer or decimal,
/// see [`overflow`](crate::fields::overflow)) and `STDDEV_POP`, `STDDEV_SAMP`, `VAR_POP`, `VAR_SAMP`
/// ([`StdDev`](crate::aggregates::StdDev), [`Variance`](crate::aggregates::Variance)).
///
/// [`connect`](super::connect) calls it on every SQLite connection it opens; call it yourself
/// once on a connection you opened with diesel. Calling it again is harmless (it replaces the
/// functions with identical ones). Without it, a query that needs one of these functions fails
/// with [`Error::SqliteFunctionMissing`](crate::Error::SqliteFunctionMissing).
///
/// ```
/// use diesel::Connection as _;
///
/// let mut conn = diesel::SqliteConnection::establish(":memory:")?;
/// dorm::db::prepare_sqlite(&mut conn)?;
/// dorm::db::prepare_sqlite(&mut conn)?; // idempotent
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn prepare_sqlite(conn: &mut SqliteConnection) -> Result<()> {
    crate::lookups::register_sqlite_regexp(conn)?;
    crate::lookups::register_sqlite_json(conn)?;
    crate::fields::overflow::register_sqlite_in_range(conn)?;
    crate::aggregates::sqlite::register_sqlite_statistics(conn)?;
    Ok(())
}
