//! SQLite at its limits: a database that cannot grow ("database or disk is full") and a
//! writer that waits for a lock longer than its busy timeout ("database is locked"). Both are
//! typed errors, neither loses a committed row, and both connections keep working.

use std::time::{Duration, Instant};

use dorm::prelude::*;
use dorm::{Connection, Error};

use super::support::{int, texts};
use crate::common::models::Person;
use crate::common::sqlite;

fn person(name: &str, nickname: Option<String>) -> Person {
    Person {
        name: name.into(),
        age: 1,
        nickname,
        ..Default::default()
    }
}

/// Saves one person in its own transaction, as an application would.
fn save(conn: &mut Connection, name: &str, nickname: Option<String>) -> dorm::Result<Person> {
    dorm::atomic(conn, |conn| {
        Person::objects().create(person(name, nickname), conn)
    })
}

fn names(conn: &mut Connection) -> Vec<String> {
    values_list!(order_by!(Person::objects().all(), name), name)
        .fetch(conn)
        .unwrap()
}

fn integrity(conn: &mut Connection) -> Vec<String> {
    texts(
        conn,
        "SELECT integrity_check AS v FROM pragma_integrity_check()",
    )
    .unwrap()
}

/// The error SQLite's "database or disk is full" (SQLITE_FULL) becomes: dorm has no variant
/// of its own for it, so it is `Error::Database` with SQLite's message.
fn assert_full(error: &Error) {
    match error {
        Error::Database(e) => assert!(e.to_string().contains("database or disk is full"), "{e}"),
        other => panic!("expected Error::Database (disk full), got {other:?}"),
    }
}

#[test]
fn a_full_sqlite_database_is_a_typed_error_and_keeps_every_committed_row() {
    let db = sqlite("sqlite_full");
    let mut conn = db.migrated();
    // `max_page_count` holds for this connection only: the database may grow 16 pages more.
    let pages = int(&mut conn, "SELECT page_count AS v FROM pragma_page_count()").unwrap();
    conn.batch_execute(&format!("PRAGMA max_page_count = {}", pages + 16))
        .unwrap();
    let payload = "x".repeat(1_500);
    let mut committed: Vec<String> = Vec::new();
    let full = loop {
        let name = format!("p{:04}", committed.len());
        match save(&mut conn, &name, Some(payload.clone())) {
            Ok(_) => committed.push(name),
            Err(e) => break e,
        }
        assert!(committed.len() < 1_000, "the database never filled up");
    };
    assert_full(&full);
    assert!(!committed.is_empty());
    assert!(!conn.in_transaction());
    // A write outside any transaction fails the same way.
    assert_full(
        &Person::objects()
            .create(person("loose", Some(payload.clone())), &mut conn)
            .unwrap_err(),
    );

    // Every committed row is there, and only those, on this connection and on another one.
    assert_eq!(names(&mut conn), committed);
    let mut other = db.connect();
    assert_eq!(names(&mut other), committed);
    assert_eq!(integrity(&mut other), ["ok"]);

    // Deleting rows frees pages: the same connection writes again within the same limit.
    let deleted = filter!(Person::objects(), name__lt = "p0004")
        .delete(&mut conn)
        .unwrap();
    assert_eq!(deleted, committed.len().min(4));
    let kept: Vec<String> = committed.split_off(deleted);
    save(&mut conn, "q-after-delete", Some(payload.clone())).unwrap();

    // Raising the limit lets it grow again.
    conn.batch_execute("PRAGMA max_page_count = 1073741823")
        .unwrap();
    for i in 0..20 {
        save(&mut conn, &format!("r{i:02}"), Some(payload.clone())).unwrap();
    }
    let mut expected = kept;
    expected.push("q-after-delete".into());
    expected.extend((0..20).map(|i| format!("r{i:02}")));
    assert_eq!(names(&mut other), expected);
    assert_eq!(integrity(&mut other), ["ok"]);
}

/// The error a write gets when the database stays locked past the busy timeout: SQLite's
/// SQLITE_BUSY, "database is locked", as `Error::Database`.
fn assert_locked(result: dorm::Result<Person>) {
    match result {
        Err(Error::Database(e)) => assert!(e.to_string().contains("database is locked"), "{e}"),
        other => panic!("expected Error::Database (database is locked), got {other:?}"),
    }
}

#[test]
fn a_sqlite_write_past_the_busy_timeout_is_a_typed_error_and_succeeds_when_retried() {
    let db = sqlite("sqlite_locked");
    let mut holder = db.migrated();
    let mut waiter = db.connect();
    // dorm's default is 5 s; this writer gives up after 200 ms.
    waiter.batch_execute("PRAGMA busy_timeout = 200").unwrap();
    save(&mut holder, "before", None).unwrap();

    holder.batch_execute("BEGIN IMMEDIATE").unwrap();
    Person::objects()
        .create(person("holder", None), &mut holder)
        .unwrap();

    // In a transaction: `atomic`'s BEGIN IMMEDIATE waits 200 ms, then fails.
    let started = Instant::now();
    assert_locked(save(&mut waiter, "waiter", None));
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(3),
        "waited {waited:?}: the connection's busy timeout did not apply"
    );
    assert!(!waiter.in_transaction());
    // Outside one, the INSERT itself fails the same way.
    let started = Instant::now();
    assert_locked(Person::objects().create(person("waiter", None), &mut waiter));
    assert!(started.elapsed() < Duration::from_secs(3));
    // Reading is not blocked (WAL): the waiter sees what was committed.
    assert_eq!(names(&mut waiter), ["before"]);

    holder.batch_execute("COMMIT").unwrap();
    // The retry succeeds, and nothing committed is lost.
    save(&mut waiter, "waiter", None).unwrap();
    let mut other = db.connect();
    assert_eq!(names(&mut other), ["before", "holder", "waiter"]);
    assert_eq!(integrity(&mut other), ["ok"]);
}
