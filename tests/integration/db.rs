//! Connections, pools and query logging.

use std::time::{Duration, Instant};

use dorm::db::{instrumentation::capture_queries, PoolOptions, Vendor};
use dorm::prelude::*;
use dorm::Error;

use crate::common::{databases, models::*, sqlite};

#[test]
fn urls_pick_the_backend_and_bad_urls_are_errors() {
    assert_eq!(
        dorm::connect("sqlite::memory:").unwrap().vendor(),
        Vendor::Sqlite
    );
    match dorm::connect("oracle://x") {
        Err(Error::Connection { message, .. }) => assert!(message.contains("unsupported URL")),
        other => panic!("{other:?}"),
    }
    match dorm::connect("postgres://nobody:secret@127.0.0.1:1/none") {
        Err(Error::Connection { url, .. }) => {
            assert!(!url.contains("secret"), "password redacted: {url}")
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("connected to port 1"),
    }
    assert!(!dorm::db::database_url_or("sqlite://fallback.sqlite3").is_empty());
}

#[test]
fn sqlite_connections_are_configured() {
    let db = sqlite("sqlite_pragmas");
    let mut conn = db.connect();
    let dorm::Connection::Sqlite(c) = &mut conn else {
        panic!("sqlite")
    };
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let read = |c: &mut diesel::SqliteConnection, pragma: &str| -> String {
        diesel::sql_query(format!("SELECT CAST(({pragma}) AS TEXT) AS v"))
            .get_result::<Value>(c)
            .unwrap()
            .v
    };
    assert_eq!(read(c, "SELECT foreign_keys FROM pragma_foreign_keys"), "1");
    assert_eq!(
        read(c, "SELECT journal_mode FROM pragma_journal_mode"),
        "wal"
    );
    assert_eq!(read(c, "SELECT timeout FROM pragma_busy_timeout"), "5000");
}

#[test]
fn an_exhausted_pool_answers_within_its_timeout() {
    for db in databases("pool_exhaustion") {
        let timeout = Duration::from_millis(300);
        let pool = dorm::Pool::with_options(
            &db.url,
            PoolOptions {
                max_size: 2,
                connection_timeout: timeout,
                ..Default::default()
            },
        )
        .unwrap();
        let a = pool.get().unwrap();
        let b = pool.get().unwrap();
        let started = Instant::now();
        match pool.get() {
            Err(Error::PoolTimeout { timeout: t, .. }) => assert_eq!(t, timeout),
            other => panic!("expected PoolTimeout, got {other:?}"),
        }
        let waited = started.elapsed();
        assert!(
            waited >= timeout && waited < timeout * 10,
            "answered after {waited:?}"
        );
        drop(a);
        assert!(pool.get().is_ok(), "a returned connection is reused");
        drop(b);
    }
}

#[test]
fn pooled_connections_run_queries() {
    for db in databases("pooled_queries") {
        db.migrated();
        let pool = dorm::Pool::new(&db.url).unwrap();
        assert_eq!(pool.vendor(), db.vendor);
        let mut conn = pool.get().unwrap();
        Person::objects()
            .create(
                Person {
                    name: "pooled".into(),
                    ..Default::default()
                },
                &mut conn,
            )
            .unwrap();
        assert_eq!(
            filter!(Person::objects(), name = "pooled")
                .count(&mut conn)
                .unwrap(),
            1
        );
    }
}

#[test]
fn every_query_is_logged_and_countable() {
    for db in databases("query_log") {
        let mut conn = db.migrated();
        let (n, queries) = capture_queries(|| {
            Person::objects()
                .create(
                    Person {
                        name: "a".into(),
                        ..Default::default()
                    },
                    &mut conn,
                )
                .unwrap();
            Person::objects().all().count(&mut conn).unwrap()
        });
        assert_eq!(n, 1);
        assert_eq!(queries.len(), 2, "{queries:#?}");
        assert!(queries[0].starts_with("INSERT INTO"));
        assert!(queries[1].contains("COUNT(*)"));
        assert!(queries.iter().all(|q| q.contains("-- binds:")));
    }
}

/// dorm's SQLite functions on a connection diesel opened: a typed error naming the function
/// and the fix until `prepare_sqlite`, then regex, JSON containment and StdDev work.
#[test]
fn prepare_sqlite_readies_diesels_own_connection() {
    use diesel::Connection as _;
    let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
    dorm::migrations::create_tables(&[Person::META, Everything::META], &mut conn).unwrap();
    Person::objects()
        .bulk_create(
            vec![
                Person {
                    name: "Ann".into(),
                    age: 30,
                    ..Default::default()
                },
                Person {
                    name: "Bob".into(),
                    age: 40,
                    ..Default::default()
                },
            ],
            &mut conn,
        )
        .unwrap();
    Everything::objects()
        .create(
            Everything {
                data: serde_json::json!({"tags": ["a"]}),
                ..Default::default()
            },
            &mut conn,
        )
        .unwrap();

    match filter!(Person::objects(), name__regex = "^A").count(&mut conn) {
        Err(err @ Error::SqliteFunctionMissing { .. }) => {
            let message = err.to_string();
            assert!(message.contains("dorm_regexp"), "{message}");
            assert!(
                message.contains("dorm::db::prepare_sqlite(&mut conn)"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    match aggregate!(Person::objects(), StdDev(age)).fetch(&mut conn) {
        Err(Error::SqliteFunctionMissing { function }) => assert_eq!(function, "STDDEV_POP"),
        other => panic!("{other:?}"),
    }

    dorm::db::prepare_sqlite(&mut conn).unwrap();
    dorm::db::prepare_sqlite(&mut conn).unwrap();
    assert_eq!(
        filter!(Person::objects(), name__regex = "^A")
            .count(&mut conn)
            .unwrap(),
        1
    );
    assert_eq!(
        filter!(Person::objects(), name__iregex = "^b")
            .count(&mut conn)
            .unwrap(),
        1
    );
    assert_eq!(
        filter!(
            Everything::objects(),
            data__contains = serde_json::json!({"tags": ["a"]})
        )
        .count(&mut conn)
        .unwrap(),
        1
    );
    let sd = aggregate!(Person::objects(), StdDev(age))
        .fetch(&mut conn)
        .unwrap();
    assert_eq!(sd, Some(5.0));
}
