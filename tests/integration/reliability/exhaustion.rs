//! An exhausted pool: while every connection is held, a checkout waits the configured
//! `connection_timeout`, no less and not much more, then fails with `Error::PoolTimeout`.

use std::time::{Duration, Instant};

use dorm::db::PoolOptions;
use dorm::{Error, Pool};

use crate::common::databases;

const TIMEOUT: Duration = Duration::from_millis(300);

#[test]
fn an_exhausted_pool_times_out_after_its_connection_timeout() {
    for db in databases("pool_exhausted") {
        let pool = Pool::with_options(
            &db.url,
            PoolOptions {
                max_size: 1,
                connection_timeout: TIMEOUT,
                ..Default::default()
            },
        )
        .unwrap();
        let mut held = pool.get().unwrap();
        for _ in 0..3 {
            let started = Instant::now();
            let result = pool.get();
            let waited = started.elapsed();
            match result {
                Err(Error::PoolTimeout { timeout, message }) => {
                    assert_eq!(timeout, TIMEOUT, "{message}");
                }
                other => panic!(
                    "{:?}: expected Error::PoolTimeout, got {other:?}",
                    db.vendor
                ),
            }
            // Not before the timeout, and within 1.5 times it.
            assert!(
                waited >= TIMEOUT,
                "{:?}: gave up after {waited:?}",
                db.vendor
            );
            assert!(
                waited <= TIMEOUT * 3 / 2,
                "{:?}: gave up after {waited:?}",
                db.vendor
            );
        }
        // The held connection still works, and once it is back the next checkout succeeds.
        held.batch_execute("SELECT 1").unwrap();
        drop(held);
        let mut conn = pool.get().unwrap();
        conn.batch_execute("SELECT 1").unwrap();
    }
}
