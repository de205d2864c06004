//! Pooled connections: the next user never inherits a transaction, whatever the last one
//! left open (raw `BEGIN`, a panic, a plain drop).

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use dorm::Pool;

use super::support::{single_connection_pool, texts};
use crate::common::{databases, TestDb};

fn one_connection_pool(db: &TestDb) -> Pool {
    let mut conn = db.connect();
    conn.batch_execute("CREATE TABLE leak_probe (note VARCHAR(20) NOT NULL)")
        .unwrap();
    single_connection_pool(db)
}

/// The notes committed, as another connection sees them.
fn committed(db: &TestDb) -> Vec<String> {
    texts(
        &mut db.connect(),
        "SELECT note AS v FROM leak_probe ORDER BY note",
    )
    .unwrap()
}

/// The next checkout writes in its own transaction and commits only its own row; on SQLite
/// another connection can write at once (no "database is locked").
fn assert_next_user_starts_clean(db: &TestDb, pool: &Pool) {
    let mut conn = pool.get().unwrap();
    assert!(!conn.in_transaction());
    let written: dorm::Result<()> = dorm::atomic(&mut conn, |conn| {
        conn.batch_execute("INSERT INTO leak_probe (note) VALUES ('next')")
    });
    written.unwrap();
    drop(conn);
    assert_eq!(committed(db), vec!["next".to_string()]);
    let mut other = db.connect();
    other
        .batch_execute("DELETE FROM leak_probe WHERE note = 'next'")
        .unwrap();
}

#[test]
fn a_raw_begin_is_rolled_back_before_the_connection_is_reused() {
    for db in databases("pool_raw_begin") {
        let pool = one_connection_pool(&db);
        {
            let mut conn = pool.get().unwrap();
            conn.batch_execute("BEGIN; INSERT INTO leak_probe (note) VALUES ('abandoned')")
                .unwrap();
            // Dropped without COMMIT or ROLLBACK.
        }
        assert_next_user_starts_clean(&db, &pool);
    }
}

#[test]
fn a_panic_with_a_raw_transaction_open_leaves_the_pool_clean() {
    for db in databases("pool_raw_panic") {
        let pool = one_connection_pool(&db);
        let worker = pool.clone();
        let joined = std::thread::spawn(move || {
            let mut conn = worker.get().unwrap();
            conn.batch_execute("BEGIN; INSERT INTO leak_probe (note) VALUES ('abandoned')")
                .unwrap();
            panic!("the worker dies mid-transaction");
        })
        .join();
        assert!(joined.is_err());
        assert_next_user_starts_clean(&db, &pool);
    }
}

#[test]
fn a_diesel_transaction_left_open_is_not_handed_out() {
    for db in databases("pool_diesel_begin") {
        let pool = one_connection_pool(&db);
        {
            let mut conn = pool.get().unwrap();
            dorm::with_backend!(&mut *conn, |c| {
                AnsiTransactionManager::begin_transaction(c).unwrap()
            });
            conn.batch_execute("INSERT INTO leak_probe (note) VALUES ('abandoned')")
                .unwrap();
        }
        assert_next_user_starts_clean(&db, &pool);
    }
}

#[test]
fn a_hundred_panics_inside_atomic_leave_the_pool_clean() {
    for db in databases("pool_atomic_panics") {
        let pool = one_connection_pool(&db);
        for i in 0..100 {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut conn = pool.get().unwrap();
                let _: dorm::Result<()> = dorm::atomic(&mut conn, |conn| {
                    conn.batch_execute("INSERT INTO leak_probe (note) VALUES ('doomed')")?;
                    if i % 2 == 0 {
                        // A savepoint inside: the panic unwinds through both.
                        let _: dorm::Result<()> = dorm::atomic(conn, |_| panic!("inner {i}"));
                    }
                    panic!("outer {i}");
                });
            }));
            assert!(result.is_err());
        }
        assert_next_user_starts_clean(&db, &pool);
        // Nested savepoints still recover after all that.
        let mut conn = pool.get().unwrap();
        let outer: dorm::Result<()> = dorm::atomic(&mut conn, |conn| {
            conn.batch_execute("INSERT INTO leak_probe (note) VALUES ('kept')")?;
            let inner: dorm::Result<()> = dorm::atomic(conn, |conn| {
                conn.batch_execute("INSERT INTO leak_probe (note) VALUES ('undone')")?;
                Err(dorm::Error::RolledBack)
            });
            assert!(inner.is_err());
            Ok(())
        });
        outer.unwrap();
        drop(conn);
        assert_eq!(committed(&db), vec!["kept".to_string()]);
    }
}
