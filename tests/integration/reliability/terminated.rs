//! A server that ends a connection under a running transaction (an administrator's
//! `pg_terminate_backend`, a failover, an idle-session timeout): the work in flight gets a
//! typed error, nothing of it is committed, and the pool replaces the dead connection.

use std::time::{Duration, Instant};

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use dorm::db::PoolOptions;
use dorm::{Error, Pool};

use super::support::int;
use crate::common::postgres;

fn backend_pid(conn: &mut dorm::Connection) -> i64 {
    int(conn, "SELECT CAST(pg_backend_pid() AS BIGINT) AS v").unwrap()
}

/// Terminates backend `pid` from another connection and waits until the server has let it go.
fn terminate(url: &str, pid: i64) {
    let mut admin = dorm::connect(url).unwrap();
    let terminated = int(
        &mut admin,
        &format!(
            "SELECT CAST(CASE WHEN pg_terminate_backend({pid}) THEN 1 ELSE 0 END AS BIGINT) AS v"
        ),
    )
    .unwrap();
    assert_eq!(terminated, 1, "pg_terminate_backend({pid})");
    let started = Instant::now();
    while int(
        &mut admin,
        &format!("SELECT COUNT(*) AS v FROM pg_stat_activity WHERE pid = {pid}"),
    )
    .unwrap()
        > 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "backend {pid} still alive"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_backend_terminated_mid_transaction_is_a_typed_error_and_the_pool_replaces_it() {
    let Some(db) = postgres("terminated_backend") else {
        return;
    };
    db.connect()
        .batch_execute("CREATE TABLE fault_probe (note VARCHAR(40) NOT NULL)")
        .unwrap();
    let pool = Pool::with_options(
        &db.url,
        PoolOptions {
            max_size: 1,
            connection_timeout: Duration::from_secs(10),
            ..Default::default()
        },
    )
    .unwrap();

    let mut conn = pool.get().unwrap();
    let pid = backend_pid(&mut conn);
    let mut next_failed = false;
    let outcome: dorm::Result<()> = dorm::atomic(&mut conn, |conn| {
        conn.batch_execute("INSERT INTO fault_probe (note) VALUES ('in flight')")?;
        terminate(&db.url, pid);
        let next = conn.batch_execute("INSERT INTO fault_probe (note) VALUES ('after')");
        next_failed = next.is_err();
        next
    });
    // The statement after the kill fails with an error value, not a panic, and the block
    // returns that error: libpq finds the socket closed (seen: "SSL connection has been
    // closed unexpectedly"), or reads the server's farewell first.
    assert!(next_failed);
    match &outcome {
        Err(Error::Database(DieselError::DatabaseError(kind, info))) => {
            assert!(
                matches!(kind, DatabaseErrorKind::ClosedConnection)
                    || info.message().contains("terminating connection"),
                "{kind:?}: {}",
                info.message()
            );
        }
        other => panic!("expected Error::Database, got {other:?}"),
    }
    // The dead connection says it cannot be trusted, so the pool discards it at check-in.
    assert!(conn.in_transaction());
    drop(conn);

    // Nothing of the transaction was committed.
    let mut other = db.connect();
    assert_eq!(
        int(&mut other, "SELECT COUNT(*) AS v FROM fault_probe").unwrap(),
        0
    );

    // The same pool hands out a new, working connection: a new backend, usable for writes.
    let mut fresh = pool.get().unwrap();
    assert_ne!(backend_pid(&mut fresh), pid);
    assert!(!fresh.in_transaction());
    let written: dorm::Result<()> = dorm::atomic(&mut fresh, |conn| {
        conn.batch_execute("INSERT INTO fault_probe (note) VALUES ('recovered')")
    });
    written.unwrap();
    drop(fresh);
    assert_eq!(pool.state().0, 1, "one connection: the dead one is gone");
    assert_eq!(
        int(&mut other, "SELECT COUNT(*) AS v FROM fault_probe").unwrap(),
        1
    );
}
