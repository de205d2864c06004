//! Schema migrations end to end, through the real executor (`migrate_with`), on every backend:
//!
//! - a history that uses every kind of schema change (CreateModel, AddField NOT NULL with a
//!   default, AlterField of max_length and null -> not null, RenameField, AddIndex,
//!   AddConstraint, RenameModel, RemoveField) and a data step (RunRust), migrated forwards one
//!   target at a time with rows inserted on the way, then backwards one target at a time to
//!   `zero`: every backward step gives back exactly the schema that was introspected at that
//!   point going forwards, and the rows stay;
//! - SQLite: a migration that would leave a row pointing at a missing row (foreign key
//!   enforcement is off while a migration runs) fails on `PRAGMA foreign_key_check` and leaves
//!   schema, data and ledger as they were, with enforcement back on;
//! - `sqlmigrate` shows exactly the statements the migration runs, both ways.

use diesel::prelude::*;
use dorm::db::instrumentation::capture_queries;
use dorm::db::Vendor;
use dorm::fields::{DefaultMeta, FieldKind::*, FieldMeta};
use dorm::migrations::introspection::{self, TableInfo};
use dorm::migrations::{
    self, MigrateOptions, MigrateReport, Migration, Operation, CHECKSUM_TABLE, LEDGER_TABLE,
};
use dorm::model::{ConstraintMeta, IndexMeta, ModelMeta};
use dorm::relations::OnDelete;
use dorm::{Connection, Error};

use crate::common::{databases, sqlite};

const APP: &str = "shelf";

const fn model(
    name: &'static str,
    db_table: &'static str,
    fields: &'static [FieldMeta],
) -> ModelMeta {
    ModelMeta {
        name,
        app_label: APP,
        db_table,
        fields,
        constraints: &[],
        indexes: &[],
        ordering: &[],
        managed: true,
        verbose_name: name,
        many_to_many: &[],
    }
}

const PUBLISHER: ModelMeta = model(
    "Publisher",
    "shelf_publisher",
    &[
        FieldMeta::new("id", BigAutoField).primary_key(),
        FieldMeta::new("name", CharField).max_length(50),
    ],
);

const BOOK: ModelMeta = model(
    "Book",
    "shelf_book",
    &[
        FieldMeta::new("id", BigAutoField).primary_key(),
        FieldMeta::new("title", CharField).max_length(50).null(),
        FieldMeta::new("publisher", ForeignKey)
            .column("publisher_id")
            .db_index()
            .foreign_key(
                "Publisher",
                "shelf_publisher",
                "id",
                BigAutoField,
                OnDelete::Cascade,
            ),
        FieldMeta::new("pages", IntegerField),
    ],
);

/// `rating`, added NOT NULL: the existing rows get the default.
const RATING: FieldMeta = FieldMeta::new("rating", IntegerField).default(DefaultMeta::Literal("3"));

/// A data step: one more page to every volume (and one fewer to undo it).
fn add_a_page(conn: &mut dyn dorm::db::Executor) -> dorm::Result<()> {
    dorm::with_backend!(conn, |c| diesel::sql_query(
        "UPDATE shelf_volume SET page_count = page_count + 1"
    )
    .execute(c))?;
    Ok(())
}

fn remove_a_page(conn: &mut dyn dorm::db::Executor) -> dorm::Result<()> {
    dorm::with_backend!(conn, |c| diesel::sql_query(
        "UPDATE shelf_volume SET page_count = page_count - 1"
    )
    .execute(c))?;
    Ok(())
}

const M0001: Migration = Migration::new(
    APP,
    "0001_initial",
    &[],
    &[
        Operation::CreateModel(PUBLISHER),
        Operation::CreateModel(BOOK),
    ],
);
const M0002: Migration = Migration::new(
    APP,
    "0002_book_rating",
    &[(APP, "0001_initial")],
    &[Operation::AddField {
        model: "Book",
        field: RATING,
    }],
);
const M0003: Migration = Migration::new(
    APP,
    "0003_book_title",
    &[(APP, "0002_book_rating")],
    &[
        Operation::AlterField {
            model: "Book",
            field: FieldMeta::new("title", CharField)
                .max_length(200)
                .default(DefaultMeta::Literal("\"untitled\"")),
        },
        // A rebuild of the referenced table on SQLite: dropping it with books pointing at it
        // only works with foreign key enforcement off, as the executor runs a migration.
        Operation::AlterField {
            model: "Publisher",
            field: FieldMeta::new("name", CharField).max_length(100),
        },
    ],
);
const M0004: Migration = Migration::new(
    APP,
    "0004_rename_pages",
    &[(APP, "0003_book_title")],
    &[Operation::RenameField {
        model: "Book",
        old_name: "pages",
        new_name: "page_count",
    }],
);
const M0005: Migration = Migration::new(
    APP,
    "0005_book_index",
    &[(APP, "0004_rename_pages")],
    &[Operation::AddIndex {
        model: "Book",
        index: IndexMeta {
            name: "shelf_book_title_rating_idx",
            fields: &["title", "-rating"],
        },
    }],
);
const M0006: Migration = Migration::new(
    APP,
    "0006_unique_title",
    &[(APP, "0005_book_index")],
    &[Operation::AddConstraint {
        model: "Book",
        constraint: ConstraintMeta {
            name: "shelf_book_title_publisher_uniq",
            fields: &["title", "publisher"],
        },
    }],
);
const M0007: Migration = Migration::new(
    APP,
    "0007_rename_models",
    &[(APP, "0006_unique_title")],
    &[
        // The referenced model first: the volume's foreign key follows it.
        Operation::RenameModel {
            old_name: "Publisher",
            new_name: "Press",
        },
        Operation::RenameModel {
            old_name: "Book",
            new_name: "Volume",
        },
    ],
);
const M0008: Migration = Migration::new(
    APP,
    "0008_remove_rating",
    &[(APP, "0007_rename_models")],
    // The index over `rating` goes with it (and comes back with it). `rating` is the last
    // column: PostgreSQL's ADD COLUMN, which undoes this, can only append, so a middle column
    // would come back last and the schema would differ in column order alone.
    &[Operation::RemoveField {
        model: "Volume",
        name: "rating",
    }],
);
const M0009: Migration = Migration::new(
    APP,
    "0009_add_a_page",
    &[(APP, "0008_remove_rating")],
    &[Operation::RunRust {
        name: "add_a_page",
        code: add_a_page,
        reverse_code: Some(remove_a_page),
    }],
);

const HISTORY: &[Migration] = &[
    M0001, M0002, M0003, M0004, M0005, M0006, M0007, M0008, M0009,
];

fn options(target: Option<&str>) -> MigrateOptions {
    MigrateOptions {
        app_label: Some(APP.into()),
        target: target.map(Into::into),
        ..Default::default()
    }
}

fn migrate_to(
    conn: &mut Connection,
    history: &[Migration],
    target: Option<&str>,
) -> dorm::Result<MigrateReport> {
    migrations::migrate_with(history, &options(target), &mut |_| {}, conn)
}

#[derive(QueryableByName)]
struct V {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

/// Every row of `table`, ordered by its first column, each as `a|b|c` (NULL as `NULL`).
fn rows(conn: &mut Connection, table: &str, columns: &[&str]) -> Vec<String> {
    let cells: Vec<String> = columns
        .iter()
        .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), 'NULL')"))
        .collect();
    let sql = format!(
        "SELECT {} AS v FROM \"{table}\" ORDER BY \"{}\"",
        cells.join(" || '|' || "),
        columns[0]
    );
    dorm::with_backend!(conn, |c| diesel::sql_query(&sql)
        .load::<V>(c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.v)
        .collect())
}

fn schema(conn: &mut Connection) -> Vec<TableInfo> {
    introspection::introspect(conn).expect("introspect")
}

/// Every row of every table the schema has, table by table: what "the data is as it was"
/// compares.
fn everything(conn: &mut Connection) -> Vec<(String, Vec<String>)> {
    schema(conn)
        .into_iter()
        .map(|t| {
            let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            let rows = rows(conn, &t.name, &cols);
            (t.name.clone(), rows)
        })
        .collect()
}

/// Asserts two introspected schemas are the same, table by table (for a readable diff).
fn assert_same_schema(actual: &[TableInfo], expected: &[TableInfo], ctx: &str) {
    let names = |s: &[TableInfo]| s.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(actual), names(expected), "{ctx}: tables");
    for (a, e) in actual.iter().zip(expected) {
        assert_eq!(a, e, "{ctx}: table {}", e.name);
    }
}

/// The table of the book model once `applied` migrations of the history are applied.
fn book_table(applied: usize) -> &'static str {
    if applied >= 7 {
        "shelf_volume"
    } else {
        "shelf_book"
    }
}

fn publisher_table(applied: usize) -> &'static str {
    if applied >= 7 {
        "shelf_press"
    } else {
        "shelf_publisher"
    }
}

/// The rows of the book table as `applied` migrations leave its columns.
fn books(conn: &mut Connection, applied: usize) -> Vec<String> {
    let pages = if applied >= 4 { "page_count" } else { "pages" };
    let mut cols = vec!["id", "title", "publisher_id", pages];
    if (2..8).contains(&applied) {
        cols.push("rating");
    }
    rows(conn, book_table(applied), &cols)
}

#[test]
fn a_history_migrates_forwards_and_back_to_zero_step_by_step() {
    for db in databases("migrate_schema_history") {
        let vendor = db.vendor;
        let mut conn = db.connect();
        // snapshots[n]: the schema with the first n migrations applied.
        let mut snapshots = vec![schema(&mut conn)];
        assert!(snapshots[0].is_empty(), "{vendor:?}: a fresh database");

        for (i, m) in HISTORY.iter().enumerate() {
            let applied = i + 1;
            let report = migrate_to(&mut conn, HISTORY, Some(m.name)).unwrap();
            assert_eq!(report.applied, [m.version()], "{vendor:?}");
            let ledger = migrations::applied_migrations(&mut conn).unwrap();
            let expected: Vec<String> = HISTORY[..applied].iter().map(|m| m.version()).collect();
            assert_eq!(ledger, expected, "{vendor:?}");
            match applied {
                1 => conn
                    .batch_execute(
                        "INSERT INTO shelf_publisher (id, name) VALUES (1, 'Penguin'), (2, 'Faber');
                         INSERT INTO shelf_book (id, title, publisher_id, pages) VALUES
                             (1, 'Dune', 1, 412), (2, NULL, 1, 100), (3, 'Emma', 2, 300)",
                    )
                    .unwrap(),
                // The AddField filled the existing rows with its default.
                2 => assert_eq!(
                    books(&mut conn, 2),
                    ["1|Dune|1|412|3", "2|NULL|1|100|3", "3|Emma|2|300|3"],
                    "{vendor:?}"
                ),
                // NOT NULL now: the NULL title got the default.
                3 => assert_eq!(
                    books(&mut conn, 3),
                    ["1|Dune|1|412|3", "2|untitled|1|100|3", "3|Emma|2|300|3"],
                    "{vendor:?}"
                ),
                // A row inserted halfway, in the columns of the moment.
                4 => conn
                    .batch_execute(
                        "INSERT INTO shelf_book (id, title, publisher_id, page_count, rating)
                         VALUES (4, 'Ulysses', 2, 730, 5)",
                    )
                    .unwrap(),
                _ => {}
            }
            snapshots.push(schema(&mut conn));
        }

        // Spot checks of the schema at the end (the snapshots are compared in full below).
        let end = &snapshots[HISTORY.len()];
        let names: Vec<&str> = end.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["shelf_press", "shelf_volume"], "{vendor:?}");
        let volume = &end[1];
        let columns: Vec<&str> = volume.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            columns,
            ["id", "title", "publisher_id", "page_count"],
            "{vendor:?}"
        );
        assert_eq!(
            end[0].column("name").unwrap().data_type,
            "varchar(100)",
            "{vendor:?}"
        );
        let title = volume.column("title").unwrap();
        assert_eq!(
            (title.data_type.as_str(), title.null),
            ("varchar(200)", false),
            "{vendor:?}"
        );
        assert_eq!(
            volume.foreign_key("publisher_id").unwrap().to_table,
            "shelf_press",
            "{vendor:?}"
        );
        assert!(volume.is_unique(&["title", "publisher_id"]), "{vendor:?}");
        assert!(
            volume.index("shelf_volume_publisher_id_idx").is_some(),
            "{vendor:?}: {volume:?}"
        );
        // The index over the removed `rating` went with it.
        assert!(
            volume.index("shelf_book_title_rating_idx").is_none(),
            "{vendor:?}"
        );
        let at_4 = &snapshots[5];
        assert!(
            at_4[0].has_index(&["title", "-rating"]),
            "{vendor:?}: {at_4:?}"
        );
        // The data step ran.
        assert_eq!(
            books(&mut conn, 9),
            [
                "1|Dune|1|413",
                "2|untitled|1|101",
                "3|Emma|2|301",
                "4|Ulysses|2|731"
            ],
            "{vendor:?}"
        );

        // Backwards, one target at a time.
        for applied in (0..HISTORY.len()).rev() {
            let target = match applied {
                0 => "zero",
                n => HISTORY[n - 1].name,
            };
            let report = migrate_to(&mut conn, HISTORY, Some(target)).unwrap();
            assert_eq!(
                report.unapplied,
                [HISTORY[applied].version()],
                "{vendor:?} back to {target}"
            );
            let ctx = format!("{vendor:?} back to {target}");
            assert_same_schema(&schema(&mut conn), &snapshots[applied], &ctx);
            let ledger = migrations::applied_migrations(&mut conn).unwrap();
            let expected: Vec<String> = HISTORY[..applied].iter().map(|m| m.version()).collect();
            assert_eq!(ledger, expected, "{ctx}");
            assert!(!conn.in_transaction(), "{ctx}");
            if applied == 0 {
                continue;
            }
            // Every row survives every step back.
            assert_eq!(
                rows(&mut conn, publisher_table(applied), &["id", "name"]),
                ["1|Penguin", "2|Faber"],
                "{ctx}"
            );
            let expected: &[&str] = match applied {
                // The data step is undone.
                8 => &[
                    "1|Dune|1|412",
                    "2|untitled|1|100",
                    "3|Emma|2|300",
                    "4|Ulysses|2|730",
                ],
                // `rating` is back, with its default in every row (Ulysses had 5); the
                // title is nullable again from 2 down, with the values it has.
                2..=7 => &[
                    "1|Dune|1|412|3",
                    "2|untitled|1|100|3",
                    "3|Emma|2|300|3",
                    "4|Ulysses|2|730|3",
                ],
                _ => &[
                    "1|Dune|1|412",
                    "2|untitled|1|100",
                    "3|Emma|2|300",
                    "4|Ulysses|2|730",
                ],
            };
            assert_eq!(books(&mut conn, applied), expected, "{ctx}");
        }
        assert!(schema(&mut conn).is_empty(), "{vendor:?}");

        if vendor == Vendor::Sqlite {
            assert!(
                foreign_keys_enforced(&mut conn),
                "enforced between migrations"
            );
        }

        // And all the way forwards in one run: the same schema as step by step.
        let report = migrate_to(&mut conn, HISTORY, None).unwrap();
        assert_eq!(report.applied.len(), HISTORY.len(), "{vendor:?}");
        assert_same_schema(
            &schema(&mut conn),
            &snapshots[HISTORY.len()],
            &format!("{vendor:?} in one run"),
        );
    }
}

/// `PRAGMA foreign_keys` on this connection.
fn foreign_keys_enforced(conn: &mut Connection) -> bool {
    #[derive(QueryableByName)]
    struct Pragma {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        foreign_keys: i32,
    }
    dorm::with_backend!(conn, |c| diesel::sql_query("PRAGMA foreign_keys")
        .get_result::<Pragma>(c)
        .unwrap()
        .foreign_keys)
        == 1
}

/// The `CREATE TABLE`/`CREATE INDEX` text SQLite keeps: what "the schema is as it was" means
/// to the letter.
fn sqlite_master(conn: &mut Connection) -> Vec<String> {
    dorm::with_backend!(conn, |c| {
        diesel::sql_query(
        "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') AS v FROM sqlite_master ORDER BY type, name"
    )
    .load::<V>(c)
    .unwrap()
    .into_iter()
    .map(|r| r.v)
    .collect()
    })
}

/// A migration that fails, and everything it must leave as it was.
fn assert_fails_on_the_foreign_key_check(
    conn: &mut Connection,
    history: &[Migration],
    failing: &Migration,
) {
    let schema_before = schema(conn);
    let master_before = sqlite_master(conn);
    let data_before = everything(conn);
    let ledger_before = migrations::applied_migrations(conn).unwrap();
    match migrate_to(conn, history, None) {
        Err(Error::Migration { migration, message }) => {
            assert_eq!(migration, failing.version());
            assert!(
                message.contains("foreign key check failed"),
                "{migration}: {message}"
            );
            assert!(message.contains("shelf_book"), "{message}");
        }
        other => panic!("{} should fail: {other:?}", failing.version()),
    }
    assert!(!conn.in_transaction());
    assert_same_schema(&schema(conn), &schema_before, "after the failed migration");
    assert_eq!(sqlite_master(conn), master_before);
    assert_eq!(everything(conn), data_before);
    assert_eq!(migrations::applied_migrations(conn).unwrap(), ledger_before);
    // The executor turned enforcement off around the migration, and on again.
    assert!(foreign_keys_enforced(conn));
    let orphan = conn.batch_execute(
        "INSERT INTO shelf_book (id, title, publisher_id, pages) VALUES (99, 'Orphan', 42, 1)",
    );
    assert!(
        orphan.is_err(),
        "foreign keys are enforced after the migration"
    );
}

/// The rebuild `AlterField` does on SQLite, for the migrations below.
const WIDER_TITLE: Operation = Operation::AlterField {
    model: "Book",
    field: FieldMeta::new("title", CharField).max_length(80).null(),
};

/// A rebuild, then the deletion of a publisher that books point at.
const PURGE: Migration = Migration::new(
    APP,
    "0002_purge",
    &[(APP, "0001_initial")],
    &[
        WIDER_TITLE,
        Operation::RunSql {
            sql: "DELETE FROM shelf_publisher WHERE id = 1",
            reverse_sql: Some(""),
        },
    ],
);

#[test]
fn sqlite_a_migration_leaving_a_dangling_foreign_key_is_rolled_back() {
    // Enforcement is off while a migration runs (a rebuild drops a referenced table), so
    // deleting a publisher does not fail at once: the check before the commit catches it.
    let db = sqlite("migrate_schema_fk_check");
    let mut conn = db.connect();
    migrate_to(&mut conn, &[M0001], None).unwrap();
    conn.batch_execute(
        "INSERT INTO shelf_publisher (id, name) VALUES (1, 'Penguin'), (2, 'Faber');
         INSERT INTO shelf_book (id, title, publisher_id, pages) VALUES
             (1, 'Dune', 1, 412), (2, 'Emma', 2, 300)",
    )
    .unwrap();
    assert!(foreign_keys_enforced(&mut conn));
    assert_fails_on_the_foreign_key_check(&mut conn, &[M0001, PURGE], &PURGE);
    // The rebuild alone goes through.
    const WIDEN: Migration =
        Migration::new(APP, "0002_widen", &[(APP, "0001_initial")], &[WIDER_TITLE]);
    let report = migrate_to(&mut conn, &[M0001, WIDEN], None).unwrap();
    assert_eq!(report.applied, ["shelf.0002_widen"]);
    assert_eq!(
        rows(&mut conn, "shelf_book", &["id", "title", "publisher_id"]),
        ["1|Dune|1", "2|Emma|2"]
    );
    assert!(foreign_keys_enforced(&mut conn));
}

#[test]
fn sqlite_a_rebuild_over_an_orphan_row_fails_the_foreign_key_check() {
    // An orphan inserted with enforcement off (as a bulk load might): the table rebuild of the
    // next migration copies it, and the check refuses to commit a database that breaks its
    // foreign keys, as Django's SQLite schema editor does.
    const WIDEN: Migration =
        Migration::new(APP, "0002_widen", &[(APP, "0001_initial")], &[WIDER_TITLE]);
    let db = sqlite("migrate_schema_fk_orphan");
    let mut conn = db.connect();
    migrate_to(&mut conn, &[M0001], None).unwrap();
    conn.batch_execute(
        "INSERT INTO shelf_publisher (id, name) VALUES (1, 'Penguin');
         PRAGMA foreign_keys = OFF;
         INSERT INTO shelf_book (id, title, publisher_id, pages) VALUES
             (1, 'Dune', 1, 412), (2, 'Orphan', 7, 1);
         PRAGMA foreign_keys = ON;",
    )
    .unwrap();
    assert_fails_on_the_foreign_key_check(&mut conn, &[M0001, WIDEN], &WIDEN);
    // Once the orphan is gone, the migration applies.
    conn.batch_execute("DELETE FROM shelf_book WHERE id = 2")
        .unwrap();
    let report = migrate_to(&mut conn, &[M0001, WIDEN], None).unwrap();
    assert_eq!(report.applied, ["shelf.0002_widen"]);
    assert!(foreign_keys_enforced(&mut conn));
}

#[test]
fn postgres_a_migration_leaving_a_dangling_foreign_key_is_rolled_back() {
    // PostgreSQL enforces foreign keys during a migration (deferred to the commit, as dorm
    // creates them): the commit fails and nothing of the migration stays.
    for db in databases("migrate_schema_fk_pg") {
        if db.vendor != Vendor::Postgres {
            continue;
        }
        let mut conn = db.connect();
        migrate_to(&mut conn, &[M0001], None).unwrap();
        conn.batch_execute(
            "INSERT INTO shelf_publisher (id, name) VALUES (1, 'Penguin'), (2, 'Faber');
             INSERT INTO shelf_book (id, title, publisher_id, pages) VALUES
                 (1, 'Dune', 1, 412), (2, 'Emma', 2, 300)",
        )
        .unwrap();
        let schema_before = schema(&mut conn);
        let data_before = everything(&mut conn);
        let err = migrate_to(&mut conn, &[M0001, PURGE], None).unwrap_err();
        assert!(
            err.to_string().contains("foreign key"),
            "{err:?}: names the foreign key"
        );
        assert!(!conn.in_transaction());
        assert_same_schema(&schema(&mut conn), &schema_before, "Postgres");
        assert_eq!(everything(&mut conn), data_before);
        assert_eq!(
            migrations::applied_migrations(&mut conn).unwrap(),
            ["shelf.0001_initial"]
        );
    }
}

/// A deferred foreign key that fails at PostgreSQL's COMMIT is the migration's failure too:
/// `Error::Migration`, naming it.
#[test]
fn postgres_a_failed_commit_is_the_migrations_error() {
    for db in databases("migrate_schema_fk_pg_error") {
        if db.vendor != Vendor::Postgres {
            continue;
        }
        let mut conn = db.connect();
        migrate_to(&mut conn, &[M0001], None).unwrap();
        conn.batch_execute(
            "INSERT INTO shelf_publisher (id, name) VALUES (1, 'Penguin');
             INSERT INTO shelf_book (id, title, publisher_id, pages) VALUES (1, 'Dune', 1, 412)",
        )
        .unwrap();
        match migrate_to(&mut conn, &[M0001, PURGE], None) {
            Err(Error::Migration { migration, message }) => {
                assert_eq!(migration, "shelf.0002_purge");
                assert!(message.contains("foreign key"), "{message}");
            }
            other => panic!("expected Error::Migration for shelf.0002_purge, got {other:?}"),
        }
    }
}

/// An AddField migration: a NOT NULL field with a default (a rebuild on SQLite) and a
/// nullable indexed one (ADD COLUMN and an index; a rebuild backwards on SQLite).
const ADD_FIELDS: Migration = Migration::new(
    APP,
    "0002_book_rating_isbn",
    &[(APP, "0001_initial")],
    &[
        Operation::AddField {
            model: "Book",
            field: RATING,
        },
        Operation::AddField {
            model: "Book",
            field: FieldMeta::new("isbn", CharField)
                .max_length(13)
                .null()
                .db_index(),
        },
    ],
);

/// The statements of a migration run that are not the executor's own bookkeeping (ledger,
/// checksums, lock, transaction, pragmas).
fn migration_statements(captured: &[String]) -> Vec<String> {
    captured
        .iter()
        .filter(|sql| {
            let upper = sql.trim_start().to_ascii_uppercase();
            !(sql.contains(LEDGER_TABLE)
                || sql.contains(CHECKSUM_TABLE)
                || sql.contains("pg_advisory_")
                || sql.contains("pragma_foreign_key_check")
                || [
                    "PRAGMA",
                    "BEGIN",
                    "COMMIT",
                    "ROLLBACK",
                    "SAVEPOINT",
                    "RELEASE",
                    "DEALLOCATE",
                ]
                .iter()
                .any(|k| upper.starts_with(k)))
        })
        .cloned()
        .collect()
}

#[test]
fn sqlmigrate_shows_the_statements_the_migration_runs() {
    let history = [M0001, ADD_FIELDS];
    let shown = |vendor: Vendor, backwards: bool| -> Vec<String> {
        migrations::sqlmigrate(&history, APP, "0002", vendor, backwards)
            .unwrap()
            .into_iter()
            .filter(|s| !s.starts_with("--"))
            .collect()
    };
    // What each vendor's SQL is, whether or not that database is available.
    let sqlite_forwards = shown(Vendor::Sqlite, false);
    assert!(
        sqlite_forwards[0].starts_with("CREATE TABLE \"new__shelf_book\""),
        "{sqlite_forwards:#?}"
    );
    assert!(sqlite_forwards
        .contains(&"ALTER TABLE \"shelf_book\" ADD COLUMN \"isbn\" varchar(13) NULL".to_string()));
    let pg_forwards = shown(Vendor::Postgres, false);
    assert_eq!(
        pg_forwards,
        [
            "ALTER TABLE \"shelf_book\" ADD COLUMN \"rating\" integer DEFAULT 3 NOT NULL",
            "ALTER TABLE \"shelf_book\" ALTER COLUMN \"rating\" DROP DEFAULT",
            "ALTER TABLE \"shelf_book\" ADD COLUMN \"isbn\" varchar(13) NULL",
            "CREATE INDEX \"shelf_book_isbn_idx\" ON \"shelf_book\" (\"isbn\")",
        ]
    );
    assert_eq!(
        shown(Vendor::Postgres, true),
        [
            "ALTER TABLE \"shelf_book\" DROP COLUMN \"isbn\" CASCADE",
            "ALTER TABLE \"shelf_book\" DROP COLUMN \"rating\" CASCADE",
        ]
    );
    let sqlmigrate_all =
        migrations::sqlmigrate(&history, APP, "0002", Vendor::Sqlite, false).unwrap();
    assert_eq!(
        sqlmigrate_all[0], "-- Add field rating to book",
        "{sqlmigrate_all:#?}"
    );

    for db in databases("migrate_schema_sqlmigrate") {
        let vendor = db.vendor;
        let mut conn = db.connect();
        migrate_to(&mut conn, &history, Some("0001")).unwrap();
        conn.batch_execute(
            "INSERT INTO shelf_publisher (id, name) VALUES (1, 'Penguin');
             INSERT INTO shelf_book (id, title, publisher_id, pages) VALUES (1, 'Dune', 1, 412)",
        )
        .unwrap();
        let (report, captured) = capture_queries(|| migrate_to(&mut conn, &history, None));
        assert_eq!(report.unwrap().applied, ["shelf.0002_book_rating_isbn"]);
        assert_eq!(
            migration_statements(&captured),
            shown(vendor, false),
            "{vendor:?} forwards; everything run: {captured:#?}"
        );
        assert_eq!(
            rows(&mut conn, "shelf_book", &["id", "rating", "isbn"]),
            ["1|3|NULL"]
        );
        let (report, captured) = capture_queries(|| migrate_to(&mut conn, &history, Some("0001")));
        assert_eq!(report.unwrap().unapplied, ["shelf.0002_book_rating_isbn"]);
        assert_eq!(
            migration_statements(&captured),
            shown(vendor, true),
            "{vendor:?} backwards; everything run: {captured:#?}"
        );
        assert_eq!(
            rows(
                &mut conn,
                "shelf_book",
                &["id", "title", "publisher_id", "pages"]
            ),
            ["1|Dune|1|412"]
        );
    }
}
