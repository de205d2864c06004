//! What the fault tests share: one-value SQL queries, and re-running this test binary as a
//! child process that acts out one role (a migrator, a committer) for a parent test.

use std::process::{Command, Stdio};

use diesel::sql_types::{BigInt, Text};
use diesel::RunQueryDsl;
use dorm::db::Executor;

/// The environment variable that tells a child test which role to act; absent, child tests
/// return at once (so they pass as no-ops in an ordinary run).
pub const CHILD_ROLE: &str = "DORM_RELIABILITY_CHILD";
/// The database URL a child works on.
pub const CHILD_URL: &str = "DORM_RELIABILITY_URL";

#[derive(diesel::QueryableByName)]
struct IntValue {
    #[diesel(sql_type = BigInt)]
    v: i64,
}

#[derive(diesel::QueryableByName)]
struct TextValue {
    #[diesel(sql_type = Text)]
    v: String,
}

/// The one integer `sql` selects as `v` (cast it to BIGINT on PostgreSQL).
pub fn int(conn: &mut (impl Executor + ?Sized), sql: &str) -> dorm::Result<i64> {
    let row: IntValue = dorm::with_backend!(conn, |c| diesel::sql_query(sql).get_result(c))?;
    Ok(row.v)
}

/// Every text value `sql` selects as `v`.
pub fn texts(conn: &mut (impl Executor + ?Sized), sql: &str) -> dorm::Result<Vec<String>> {
    let rows: Vec<TextValue> = dorm::with_backend!(conn, |c| diesel::sql_query(sql).load(c))?;
    Ok(rows.into_iter().map(|r| r.v).collect())
}

/// The role this process was started to act, if it is a child.
pub fn child_role() -> Option<String> {
    std::env::var(CHILD_ROLE).ok()
}

/// A command that runs this test binary's test `test` (its module path, e.g.
/// `reliability::processes::migrator_child`) alone, as role `role` on `url`.
pub fn child(test: &str, role: &str, url: &str) -> Command {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, role)
        .env(CHILD_URL, url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// A pool of one connection to `db`: the next checkout is the connection the last user gave
/// back (unless the pool discarded it).
pub fn single_connection_pool(db: &crate::common::TestDb) -> dorm::Pool {
    dorm::Pool::with_options(
        &db.url,
        dorm::db::PoolOptions {
            max_size: 1,
            connection_timeout: std::time::Duration::from_secs(10),
            ..Default::default()
        },
    )
    .unwrap()
}
