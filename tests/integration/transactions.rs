//! `atomic`: commit, rollback, savepoints, panics.

use dorm::prelude::*;
use dorm::Error;

use crate::common::{databases, each_backend, models::*};

fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        ..Default::default()
    }
}

fn names(conn: &mut dorm::Connection) -> Vec<String> {
    dorm::order_by!(Person::objects().all(), name)
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

#[test]
fn atomic_commits_on_ok_and_rolls_back_on_err() {
    each_backend("atomic_commit_rollback", |_db, conn| {
        let ok: dorm::Result<()> = dorm::atomic(conn, |conn| {
            Person::objects().create(person("kept"), conn)?;
            Ok(())
        });
        ok.unwrap();
        let err: dorm::Result<()> = dorm::atomic(conn, |conn| {
            Person::objects().create(person("gone"), conn)?;
            Err(Error::RolledBack)
        });
        assert!(err.is_err());
        assert_eq!(names(conn), vec!["kept"]);
        assert!(!conn.in_transaction());
    });
}

#[test]
fn nested_atomic_rolls_back_only_the_failed_inner_block() {
    each_backend("nested_atomic", |_db, conn| {
        let outer: dorm::Result<()> = dorm::atomic(conn, |conn| {
            Person::objects().create(person("outer-before"), conn)?;
            let inner: dorm::Result<()> = dorm::atomic(conn, |conn| {
                Person::objects().create(person("inner"), conn)?;
                // A unique violation inside the savepoint...
                Product::objects().create(
                    Product {
                        name: "p".into(),
                        country: "nl".into(),
                        ..Default::default()
                    },
                    conn,
                )?;
                Product::objects().create(
                    Product {
                        name: "p".into(),
                        country: "nl".into(),
                        ..Default::default()
                    },
                    conn,
                )?;
                Ok(())
            });
            assert!(matches!(inner, Err(Error::Integrity { .. })));
            // ...leaves the outer transaction usable, also on PostgreSQL.
            Person::objects().create(person("outer-after"), conn)?;
            let ok: dorm::Result<()> = dorm::atomic(conn, |conn| {
                Person::objects().create(person("inner-ok"), conn)?;
                Ok(())
            });
            ok
        });
        outer.unwrap();
        assert_eq!(names(conn), vec!["inner-ok", "outer-after", "outer-before"]);
        assert_eq!(
            Product::objects().all().count(conn).unwrap(),
            0,
            "the savepoint rolled back the first product too"
        );
    });
}

#[test]
fn a_panic_inside_atomic_rolls_back_and_leaves_no_open_transaction() {
    each_backend("panic_in_atomic", |_db, conn| {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _: dorm::Result<()> = dorm::atomic(conn, |conn| {
                Person::objects().create(person("doomed"), conn)?;
                panic!("boom");
            });
        }));
        assert!(result.is_err(), "the panic continues");
        assert!(!conn.in_transaction(), "no transaction left open");
        assert!(names(conn).is_empty(), "the insert was rolled back");
        Person::objects().create(person("after"), conn).unwrap();
        assert_eq!(names(conn), vec!["after"]);
    });
}

#[test]
fn a_pooled_connection_is_never_handed_out_mid_transaction() {
    for db in databases("pool_panic") {
        db.migrated();
        let pool = dorm::Pool::with_options(
            &db.url,
            dorm::db::PoolOptions {
                max_size: 1,
                connection_timeout: std::time::Duration::from_secs(5),
                ..Default::default()
            },
        )
        .unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut conn = pool.get().unwrap();
            let _: dorm::Result<()> = dorm::atomic(&mut conn, |conn| {
                Person::objects().create(person("doomed"), conn)?;
                panic!("boom");
            });
        }));
        assert!(result.is_err());
        let mut conn = pool.get().unwrap();
        assert!(!conn.in_transaction());
        assert_eq!(Person::objects().all().count(&mut conn).unwrap(), 0);
    }
}

#[test]
fn concurrent_writers_queue_instead_of_failing() {
    for db in databases("concurrent_writers") {
        db.migrated();
        let pool = dorm::Pool::with_options(
            &db.url,
            dorm::db::PoolOptions {
                max_size: 4,
                ..Default::default()
            },
        )
        .unwrap();
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        let mut conn = pool.get().unwrap();
                        let r: dorm::Result<()> = dorm::atomic(&mut conn, |conn| {
                            // Read, then write: the pattern that deadlocks SQLite's deferred
                            // transactions ("database is locked").
                            let n = Person::objects().all().count(conn)?;
                            Person::objects().create(
                                Person {
                                    name: format!("t{t}-{i}"),
                                    age: n as i32,
                                    ..Default::default()
                                },
                                conn,
                            )?;
                            Ok(())
                        });
                        r.unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let mut conn = pool.get().unwrap();
        assert_eq!(Person::objects().all().count(&mut conn).unwrap(), 100);
    }
}
