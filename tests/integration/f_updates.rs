//! Updates computed in the database with `F` (Django's "Avoiding race conditions using F()"):
//! per instance (`update!(instance, ...)`, refreshed from the row it wrote), per QuerySet, and
//! under concurrent writers from a pool.

use std::time::Duration;

use dorm::db::instrumentation::capture_queries;
use dorm::db::PoolOptions;
use dorm::prelude::*;
use dorm::{Connection, Error, IntegrityKind};

use crate::common::{databases, each_backend, models::Counter};

/// A saved counter.
fn counter(conn: &mut Connection, name: &str, value: i64, stock: i32) -> Counter {
    Counter::objects()
        .create(
            Counter {
                name: name.into(),
                counter: value,
                stock,
                ..Default::default()
            },
            conn,
        )
        .unwrap()
}

/// The row as the database holds it now.
fn stored(conn: &mut Connection, c: &Counter) -> Counter {
    Counter::objects().get(c.id.get().unwrap(), conn).unwrap()
}

/// `(name, counter, stock)` of every row, by name.
fn table(conn: &mut Connection) -> Vec<(String, i64, i32)> {
    let mut rows: Vec<_> = Counter::objects()
        .all()
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.counter, c.stock))
        .collect();
    rows.sort();
    rows
}

#[test]
fn an_instance_update_runs_in_the_database_and_refreshes_the_instance() {
    each_backend("instance_f_update", |_db, conn| {
        let mut a = counter(conn, "a", 5, 1);
        let b = counter(conn, "b", 100, 1);
        // An unsaved change in memory plays no part: the database computes from its own value.
        a.counter = 1_000;

        let (changed, queries) =
            capture_queries(|| dorm::update!(a, counter = F(counter) + 1).execute(conn));
        assert_eq!(changed.unwrap(), 1);
        assert_eq!(
            queries.len(),
            1,
            "one statement updates and reads back: {queries:?}"
        );
        let sql = queries[0].to_uppercase();
        assert!(sql.starts_with("UPDATE"), "{sql}");
        assert!(sql.contains("RETURNING"), "{sql}");

        assert_eq!(a.counter, 6, "the instance holds the database's value");
        assert_eq!(
            stored(conn, &a),
            a,
            "the instance is the row, field for field"
        );
        assert_eq!(
            stored(conn, &b).counter,
            100,
            "only the instance's row changes"
        );
    });
}

#[test]
fn two_instance_updates_add_exactly_two_and_save_does_not_apply_them_again() {
    each_backend("instance_f_update_twice", |_db, conn| {
        let mut c = counter(conn, "c", 0, 1);
        dorm::update!(c, counter = F(counter) + 1)
            .execute(conn)
            .unwrap();
        dorm::update!(c, counter = F(counter) + 1)
            .execute(conn)
            .unwrap();
        assert_eq!(c.counter, 2);
        assert_eq!(stored(conn, &c).counter, 2);

        // Django's gotcha: an F() assigned to the instance would be applied again here. In
        // dorm the instance holds 2, and saving writes 2.
        c.save(conn).unwrap();
        c.save(conn).unwrap();
        assert_eq!(stored(conn, &c).counter, 2);
        c.name = "renamed".into();
        c.save(conn).unwrap();
        assert_eq!(c.counter, 2);
        assert_eq!(stored(conn, &c), c);
    });
}

/// Through `&mut M`, as a helper function receives an instance.
fn restock(c: &mut Counter, by: i32, conn: &mut Connection) -> dorm::Result<usize> {
    dorm::update!(c, stock = F(stock) + by, name = "restocked").execute(conn)
}

#[test]
fn an_instance_update_through_a_reference_with_several_fields() {
    each_backend("instance_f_update_ref", |_db, conn| {
        let mut c = counter(conn, "c", 7, 3);
        assert_eq!(restock(&mut c, 4, conn).unwrap(), 1);
        assert_eq!((c.name.as_str(), c.counter, c.stock), ("restocked", 7, 7));
        assert_eq!(stored(conn, &c), c);
        // Several F assignments in one statement each read the row's old values.
        dorm::update!(c, counter = F(counter) * 2, stock = F(stock) - 2)
            .execute(conn)
            .unwrap();
        assert_eq!((c.counter, c.stock), (14, 5));
        assert_eq!(stored(conn, &c), c);
    });
}

#[test]
fn an_unsaved_instance_is_an_error_and_runs_nothing() {
    each_backend("instance_f_update_unsaved", |_db, conn| {
        let mut draft = Counter {
            name: "draft".into(),
            ..Default::default()
        };
        let (result, queries) =
            capture_queries(|| dorm::update!(draft, counter = F(counter) + 1).execute(conn));
        match result {
            Err(Error::Unsaved { model, action }) => {
                assert_eq!(model, "Counter");
                assert_eq!(action, "update()");
            }
            other => panic!("expected Error::Unsaved, got {other:?}"),
        }
        assert!(queries.is_empty(), "{queries:?}");
        assert!(matches!(
            dorm::update!(draft, counter = 1).sql(conn.vendor()),
            Err(Error::Unsaved { .. })
        ));
        assert!(table(conn).is_empty(), "nothing was written");
    });
}

#[test]
fn an_instance_whose_row_is_gone_does_not_exist() {
    each_backend("instance_f_update_gone", |_db, conn| {
        let mut c = counter(conn, "gone", 1, 1);
        let keep = c.clone();
        let id = c.id.get().unwrap();
        filter!(Counter::objects(), id = id).delete(conn).unwrap();
        let result = dorm::update!(c, counter = F(counter) + 1).execute(conn);
        assert!(
            matches!(result, Err(Error::DoesNotExist { model: "Counter" })),
            "{result:?}"
        );
        assert_eq!(c, keep, "the instance is left as it was");
        assert!(table(conn).is_empty(), "no row was created");
    });
}

#[test]
fn a_refused_instance_update_leaves_the_instance_and_the_row_as_they_were() {
    each_backend("instance_f_update_check", |_db, conn| {
        let mut c = counter(conn, "empty", 3, 0);
        let before = c.clone();
        // `stock` is a positive field: CHECK (stock >= 0).
        let result = dorm::update!(c, counter = F(counter) + 1, stock = F(stock) - 1).execute(conn);
        match result {
            Err(e) => assert_eq!(e.integrity_kind(), Some(IntegrityKind::Check), "{e}"),
            Ok(n) => panic!("the CHECK constraint should refuse the update, changed {n}"),
        }
        assert_eq!(c, before);
        assert_eq!(stored(conn, &c), before);
    });
}

#[test]
fn an_instance_update_prints_its_sql() {
    each_backend("instance_f_update_sql", |_db, conn| {
        let mut c = counter(conn, "c", 1, 1);
        let id = c.id.get().unwrap();
        // SQLite's text quotes names with backticks, PostgreSQL's with double quotes.
        let sql = dorm::update!(c, counter = F(counter) + 7)
            .sql(conn.vendor())
            .unwrap()
            .replace('`', "\"");
        // On SQLite the computed value goes through dorm's range check (`fields::overflow`).
        let set = match conn.vendor() {
            dorm::db::Vendor::Sqlite => "dorm_in_range((",
            _ => "(",
        };
        assert!(
            sql.starts_with(&format!(
                "UPDATE \"tests_counter\" SET \"counter\" = {set}\"tests_counter\".\"counter\" + "
            )),
            "{sql}"
        );
        assert!(sql.contains("WHERE (\"tests_counter\".\"id\" = "), "{sql}");
        // PostgreSQL qualifies the returned columns with the table, SQLite does not.
        let returning = sql.split_once(" RETURNING ").map(|(_, r)| r);
        assert_eq!(
            returning.map(|r| r.replace("\"tests_counter\".", "")),
            Some(format!(
                "\"id\", \"name\", \"counter\", \"stock\" -- binds: [7, {range}{id}]",
                range = match conn.vendor() {
                    dorm::db::Vendor::Sqlite => format!(
                        "{}, {}, 0, \"Counter.counter\", \"bigint out of range\", ",
                        i64::MIN,
                        i64::MAX
                    ),
                    _ => String::new(),
                }
            )),
            "{sql}"
        );
        // Printing runs nothing.
        assert_eq!(stored(conn, &c).counter, 1);
        assert_eq!(c.counter, 1);
    });
}

#[test]
fn a_queryset_update_with_f_changes_every_row_from_its_own_value() {
    each_backend("queryset_f_update", |_db, conn| {
        counter(conn, "a", 1, 5);
        counter(conn, "b", 10, 6);
        counter(conn, "c", 100, 7);
        let changed = dorm::update!(Counter::objects().all(), counter = F(counter) * 2 + 1)
            .execute(conn)
            .unwrap();
        assert_eq!(changed, 3);
        assert_eq!(
            table(conn),
            vec![
                ("a".to_string(), 3, 5),
                ("b".to_string(), 21, 6),
                ("c".to_string(), 201, 7),
            ]
        );
    });
}

#[test]
fn a_filtered_queryset_update_with_f_changes_only_the_matching_rows() {
    each_backend("queryset_f_update_filtered", |_db, conn| {
        counter(conn, "a", 1, 0);
        counter(conn, "b", 10, 0);
        counter(conn, "c", 100, 2);
        // Only the rows that are still in stock, and above a threshold.
        let changed = dorm::update!(
            filter!(Counter::objects(), counter__gte = 5, stock__gt = 0),
            counter = F(counter) + 1,
            stock = F(stock) - 1
        )
        .execute(conn)
        .unwrap();
        assert_eq!(changed, 1);
        let changed = dorm::update!(
            exclude!(Counter::objects(), name__in = ["c"]),
            counter = F(counter) - 1
        )
        .execute(conn)
        .unwrap();
        assert_eq!(changed, 2);
        // A filter that matches nothing changes nothing.
        let changed = dorm::update!(
            filter!(Counter::objects(), counter__gt = 1_000),
            counter = F(counter) + 1
        )
        .execute(conn)
        .unwrap();
        assert_eq!(changed, 0);
        assert_eq!(
            table(conn),
            vec![
                ("a".to_string(), 0, 0),
                ("b".to_string(), 9, 0),
                ("c".to_string(), 101, 1),
            ]
        );
    });
}

const THREADS: usize = 8;
const INCREMENTS: usize = 1_000;

fn pool(url: &str) -> dorm::Pool {
    dorm::Pool::with_options(
        url,
        PoolOptions {
            max_size: THREADS as u32,
            connection_timeout: Duration::from_secs(30),
            ..Default::default()
        },
    )
    .unwrap()
}

/// Django's race: read, add one in Python, save, loses increments. `F` adds in the database,
/// so 8 writers adding 1 a thousand times each to one row leave exactly 8000.
#[test]
fn concurrent_f_increments_from_a_pool_lose_nothing() {
    for db in databases("f_update_stress") {
        let mut conn = db.migrated();
        let row = counter(&mut conn, "shared", 0, 0);
        let other = counter(&mut conn, "other", 0, 0);
        drop(conn);
        let pk = row.id.get().unwrap();
        let pool = pool(&db.url);
        let started = std::time::Instant::now();
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let pool = pool.clone();
                std::thread::spawn(move || -> dorm::Result<()> {
                    let mut conn = pool.get()?;
                    for _ in 0..INCREMENTS {
                        let changed = dorm::update!(
                            filter!(Counter::objects(), id = pk),
                            counter = F(counter) + 1
                        )
                        .execute(&mut conn)?;
                        assert_eq!(changed, 1);
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("writer thread").expect("F update");
        }
        eprintln!(
            "{:?}: {} F increments from {THREADS} threads in {:?}",
            db.vendor,
            THREADS * INCREMENTS,
            started.elapsed()
        );
        let mut conn = pool.get().unwrap();
        let row = Counter::objects().get(pk, &mut conn).unwrap();
        assert_eq!(
            row.counter,
            (THREADS * INCREMENTS) as i64,
            "{:?}",
            db.vendor
        );
        let other = Counter::objects()
            .get(other.id.get().unwrap(), &mut conn)
            .unwrap();
        assert_eq!(other.counter, 0, "{:?}", db.vendor);
    }
}

/// Per-instance updates from concurrent writers lose nothing either, and each writer's
/// instance always holds a value its own update produced.
#[test]
fn concurrent_instance_updates_lose_nothing_and_refresh_each_writer() {
    const ROUNDS: i64 = 100;
    for db in databases("f_update_instances") {
        let mut conn = db.migrated();
        let row = counter(&mut conn, "shared", 0, 0);
        drop(conn);
        let pool = pool(&db.url);
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let pool = pool.clone();
                let mut mine = row.clone();
                std::thread::spawn(move || -> dorm::Result<()> {
                    let mut conn = pool.get()?;
                    let mut last = mine.counter;
                    for _ in 0..ROUNDS {
                        dorm::update!(mine, counter = F(counter) + 1).execute(&mut conn)?;
                        // Others add in between, so the value may jump, never go back.
                        assert!(mine.counter > last, "{} after {last}", mine.counter);
                        last = mine.counter;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .expect("writer thread")
                .expect("instance update");
        }
        let mut conn = pool.get().unwrap();
        let total = THREADS as i64 * ROUNDS;
        assert_eq!(stored(&mut conn, &row).counter, total, "{:?}", db.vendor);
    }
}
