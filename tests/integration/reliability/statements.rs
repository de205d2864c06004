//! Prepared statements after a schema change: PostgreSQL refuses a statement whose result
//! type changed ("cached plan must not change result type"); dorm's connections and pools
//! recover.

use dorm::migrations::{self, Migration, Operation};
use dorm::prelude::*;

use super::support::single_connection_pool;
use crate::common::models::Person;
use crate::common::{insert_people, postgres, TestDb};

/// Changes `name`'s column type from another session, as an outside migration tool would.
fn alter_from_outside(db: &TestDb, to: &str) {
    let table = <Person as dorm::Model>::META.db_table;
    db.connect()
        .batch_execute(&format!(
            "ALTER TABLE \"{table}\" ALTER COLUMN \"name\" TYPE {to}"
        ))
        .unwrap();
}

fn names(conn: &mut dorm::Connection) -> dorm::Result<Vec<String>> {
    values_list!(order_by!(Person::objects().all(), name), name).fetch(conn)
}

#[test]
fn a_connection_recovers_after_an_outside_schema_change() {
    let Some(db) = postgres("stale_statement_connection") else {
        return;
    };
    let mut conn = db.migrated();
    insert_people(&mut conn, &[("ann", 30, None)]);
    assert_eq!(names(&mut conn).unwrap(), vec!["ann"]);
    alter_from_outside(&db, "TEXT");
    // The statement prepared before the change fails once, and clears the cache...
    let first = names(&mut conn);
    assert!(
        matches!(&first, Err(e) if e.to_string().contains("cached plan")),
        "{first:?}"
    );
    // ...so the connection works again, instead of failing forever.
    assert_eq!(names(&mut conn).unwrap(), vec!["ann"]);
    // Asked for explicitly, nothing fails at all.
    alter_from_outside(&db, "VARCHAR(60)");
    dorm::db::reset_statement_cache(&mut conn).unwrap();
    assert_eq!(names(&mut conn).unwrap(), vec!["ann"]);
}

#[test]
fn pools_recover_after_schema_changed() {
    let Some(db) = postgres("stale_statement_pool") else {
        return;
    };
    let mut conn = db.migrated();
    insert_people(&mut conn, &[("ann", 30, None)]);
    let pool = single_connection_pool(&db);
    assert_eq!(names(&mut pool.get().unwrap()).unwrap(), vec!["ann"]);
    alter_from_outside(&db, "TEXT");
    dorm::db::schema_changed();
    assert_eq!(names(&mut pool.get().unwrap()).unwrap(), vec!["ann"]);
}

const ALTER_NAME: Migration = Migration::new(
    "stale",
    "0001_widen_name",
    &[],
    &[Operation::RunSql {
        sql: "ALTER TABLE tests_person ALTER COLUMN name TYPE TEXT",
        reverse_sql: Some("ALTER TABLE tests_person ALTER COLUMN name TYPE VARCHAR(50)"),
    }],
);

#[test]
fn pools_and_the_migrating_connection_recover_after_migrate() {
    let Some(db) = postgres("stale_statement_migrate") else {
        return;
    };
    assert_eq!(<Person as dorm::Model>::META.db_table, "tests_person");
    let mut conn = db.migrated();
    insert_people(&mut conn, &[("ann", 30, None)]);
    let pool = single_connection_pool(&db);
    assert_eq!(names(&mut pool.get().unwrap()).unwrap(), vec!["ann"]);
    assert_eq!(names(&mut conn).unwrap(), vec!["ann"]);
    migrations::migrate(&[ALTER_NAME], &mut conn).unwrap();
    assert_eq!(names(&mut conn).unwrap(), vec!["ann"]);
    assert_eq!(names(&mut pool.get().unwrap()).unwrap(), vec!["ann"]);
}
