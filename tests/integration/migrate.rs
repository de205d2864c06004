//! Running migrations: to the latest and to any target (the scrap book's `migrate my_app
//! 0010`), `zero`, `--fake` and `--fake-initial`, data migrations over frozen models, a
//! failure halfway, irreversible steps, edited migrations, squashed replacements, and eight
//! migrators at once.

use dorm::migrations::{
    self, Direction, MigrateOptions, Migration, MigrationEvent, MigrationGraph, Operation,
};
use dorm::prelude::*;
use dorm::Error;

use crate::common::{databases, TestDb};

/// The models as they were when 0001 was written: what a data migration file freezes.
mod frozen {
    use dorm::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "hist")]
    pub struct Venue {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
        #[dorm(max_length = 20)]
        pub license: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "hist")]
    pub struct Experience {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
        #[dorm(max_length = 20)]
        pub license: String,
    }
}

use frozen::{Experience, Venue};

/// The scrap book's "update existing records": every Venue and Experience gets `cc0`.
fn update_license_info(conn: &mut dyn dorm::db::Executor) -> dorm::Result<()> {
    let mut conn = conn;
    dorm::update!(Venue::objects().all(), license = "cc0").execute(&mut conn)?;
    dorm::update!(Experience::objects().all(), license = "cc0").execute(&mut conn)?;
    Ok(())
}

fn fail_halfway(conn: &mut dyn dorm::db::Executor) -> dorm::Result<()> {
    let mut conn = conn;
    dorm::update!(Venue::objects().all(), license = "half").execute(&mut conn)?;
    Err(Error::Migration {
        migration: "hist.0005_broken".into(),
        message: "the data did not look as expected".into(),
    })
}

const M0001: Migration = Migration::new(
    "hist",
    "0001_initial",
    &[],
    &[
        Operation::CreateModel(<Venue as dorm::Model>::META),
        Operation::CreateModel(<Experience as dorm::Model>::META),
    ],
);
const M0002: Migration = Migration::new(
    "hist",
    "0002_seed",
    &[("hist", "0001_initial")],
    &[Operation::RunSql {
        sql: "INSERT INTO hist_venue (name, license) VALUES ('Paradiso', 'none'), ('Melkweg', 'none'); INSERT INTO hist_experience (name, license) VALUES ('Concert', 'none')",
        reverse_sql: Some("DELETE FROM hist_experience; DELETE FROM hist_venue"),
    }],
);
const M0003: Migration = Migration::new(
    "hist",
    "0003_license_cc0",
    &[("hist", "0002_seed")],
    &[Operation::RunRust {
        name: "update_license_info",
        code: update_license_info,
        reverse_code: Some(migrations::noop),
    }],
);
const M0004_IRREVERSIBLE: Migration = Migration::new(
    "hist",
    "0004_irreversible",
    &[("hist", "0003_license_cc0")],
    &[Operation::RunSql {
        sql: "UPDATE hist_venue SET name = name || '!'",
        reverse_sql: None,
    }],
);
const M0005_BROKEN: Migration = Migration::new(
    "hist",
    "0005_broken",
    &[("hist", "0003_license_cc0")],
    &[
        Operation::RunSql {
            sql: "CREATE TABLE hist_scratch (id INTEGER PRIMARY KEY)",
            reverse_sql: Some("DROP TABLE hist_scratch"),
        },
        Operation::RunRust {
            name: "fail_halfway",
            code: fail_halfway,
            reverse_code: None,
        },
    ],
);

const HISTORY: &[Migration] = &[M0001, M0002, M0003];

fn licenses(conn: &mut dorm::Connection) -> Vec<String> {
    let mut v: Vec<String> = Venue::objects()
        .all()
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|v| v.license)
        .collect();
    v.sort();
    v
}

fn options(app: &str, target: Option<&str>) -> MigrateOptions {
    MigrateOptions {
        app_label: Some(app.into()),
        target: target.map(Into::into),
        ..Default::default()
    }
}

fn migrate_to(
    conn: &mut dorm::Connection,
    history: &[Migration],
    target: Option<&str>,
) -> dorm::Result<migrations::MigrateReport> {
    migrations::migrate_with(history, &options("hist", target), &mut |_| {}, conn)
}

fn table_exists(db: &TestDb, conn: &mut dorm::Connection, table: &str) -> bool {
    let _ = db;
    conn.batch_execute(&format!("SELECT 1 FROM {table}"))
        .is_ok()
}

#[test]
fn a_data_migration_updates_existing_records_through_frozen_models() {
    for db in databases("migrate_data") {
        let mut conn = db.connect();
        let report = migrate_to(&mut conn, HISTORY, None).unwrap();
        assert_eq!(
            report.applied,
            [
                "hist.0001_initial",
                "hist.0002_seed",
                "hist.0003_license_cc0"
            ]
        );
        assert_eq!(licenses(&mut conn), ["cc0", "cc0"]);
        let experiences = Experience::objects().all().fetch(&mut conn).unwrap();
        assert!(experiences.iter().all(|e| e.license == "cc0"));
    }
}

#[test]
fn migrating_to_a_target_rolls_back_what_comes_after_it() {
    for db in databases("migrate_target") {
        let mut conn = db.connect();
        migrate_to(&mut conn, HISTORY, None).unwrap();
        // `migrate hist 0002`: the data migration's reverse (a no-op) runs, the seed stays.
        let report = migrate_to(&mut conn, HISTORY, Some("0002")).unwrap();
        assert_eq!(report.unapplied, ["hist.0003_license_cc0"]);
        assert_eq!(
            migrations::applied_migrations(&mut conn).unwrap(),
            ["hist.0001_initial", "hist.0002_seed"]
        );
        assert_eq!(licenses(&mut conn).len(), 2);
        // `migrate hist 0001`: the seed's reverse SQL deletes the rows.
        migrate_to(&mut conn, HISTORY, Some("0001")).unwrap();
        assert!(licenses(&mut conn).is_empty());
        // Forwards to a target applies only up to it.
        let report = migrate_to(&mut conn, HISTORY, Some("0002_seed")).unwrap();
        assert_eq!(report.applied, ["hist.0002_seed"]);
        assert_eq!(licenses(&mut conn), ["none", "none"]);
        // `zero` undoes everything, tables included.
        let report = migrate_to(&mut conn, HISTORY, Some("zero")).unwrap();
        assert_eq!(report.unapplied, ["hist.0002_seed", "hist.0001_initial"]);
        assert!(migrations::applied_migrations(&mut conn)
            .unwrap()
            .is_empty());
        assert!(!table_exists(&db, &mut conn, "hist_venue"));
        // An unknown or ambiguous target is an error, and changes nothing.
        assert!(matches!(
            migrate_to(&mut conn, HISTORY, Some("0009")),
            Err(Error::Migration { .. })
        ));
    }
}

#[test]
fn the_plan_lists_what_would_run_without_running_it() {
    for db in databases("migrate_plan") {
        let mut conn = db.connect();
        let plan = migrations::plan(HISTORY, &options("hist", None), &mut conn).unwrap();
        let versions: Vec<&str> = plan.iter().map(|s| s.version.as_str()).collect();
        assert_eq!(
            versions,
            [
                "hist.0001_initial",
                "hist.0002_seed",
                "hist.0003_license_cc0"
            ]
        );
        assert!(plan.iter().all(|s| s.direction == Direction::Forwards));
        assert_eq!(
            plan[0].operations,
            ["Create model Venue", "Create model Experience"]
        );
        assert!(migrations::applied_migrations(&mut conn)
            .unwrap()
            .is_empty());
        let status = migrations::show_migrations(HISTORY, &mut conn).unwrap();
        assert!(status.iter().all(|s| !s.applied));
    }
}

#[test]
fn rolling_back_past_an_irreversible_migration_is_a_clear_error() {
    for db in databases("migrate_irreversible") {
        let mut conn = db.connect();
        let history = [M0001, M0002, M0003, M0004_IRREVERSIBLE];
        migrate_to(&mut conn, &history, None).unwrap();
        match migrate_to(&mut conn, &history, Some("0002")) {
            Err(Error::Migration { migration, message }) => {
                assert_eq!(migration, "hist.0004_irreversible");
                assert!(message.contains("is not reversible"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // Nothing was undone.
        assert_eq!(migrations::applied_migrations(&mut conn).unwrap().len(), 4);
    }
}

#[test]
fn a_migration_failing_halfway_leaves_schema_data_and_ledger_as_they_were() {
    for db in databases("migrate_halfway") {
        let mut conn = db.connect();
        let history = [M0001, M0002, M0003, M0005_BROKEN];
        match migrate_to(&mut conn, &history, None) {
            Err(Error::Migration { migration, message }) => {
                assert_eq!(migration, "hist.0005_broken");
                assert!(message.contains("did not look as expected"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // The three good ones are applied; the broken one's table and update are gone.
        assert_eq!(migrations::applied_migrations(&mut conn).unwrap().len(), 3);
        assert!(!table_exists(&db, &mut conn, "hist_scratch"));
        assert_eq!(licenses(&mut conn), ["cc0", "cc0"]);
        assert!(!conn.in_transaction());
    }
}

#[test]
fn fake_records_without_running_and_fake_initial_adopts_existing_tables() {
    for db in databases("migrate_fake") {
        let mut conn = db.connect();
        // `migrate --fake`: recorded, nothing created.
        let fake = MigrateOptions {
            fake: true,
            ..options("hist", Some("0001"))
        };
        let report = migrations::migrate_with(HISTORY, &fake, &mut |_| {}, &mut conn).unwrap();
        assert_eq!(report.faked, ["hist.0001_initial"]);
        assert!(!table_exists(&db, &mut conn, "hist_venue"));
        // Unfake it (backwards, faked), then create the tables by hand: `--fake-initial`
        // notices they exist and records 0001 without running it, then runs the rest.
        let report = migrations::migrate_with(
            HISTORY,
            &MigrateOptions {
                fake: true,
                ..options("hist", Some("zero"))
            },
            &mut |_| {},
            &mut conn,
        )
        .unwrap();
        assert_eq!(report.faked, ["hist.0001_initial"]);
        dorm::migrations::create_tables(
            &[
                <Venue as dorm::Model>::META,
                <Experience as dorm::Model>::META,
            ],
            &mut conn,
        )
        .unwrap();
        let mut events = Vec::new();
        let report = migrations::migrate_with(
            HISTORY,
            &MigrateOptions {
                fake_initial: true,
                ..options("hist", None)
            },
            &mut |e| events.push(e.clone()),
            &mut conn,
        )
        .unwrap();
        assert_eq!(report.faked, ["hist.0001_initial"]);
        assert_eq!(report.applied, ["hist.0002_seed", "hist.0003_license_cc0"]);
        assert!(events.contains(&MigrationEvent::Started {
            version: "hist.0001_initial".into(),
            direction: Direction::Forwards,
            fake: true,
        }));
        assert_eq!(licenses(&mut conn), ["cc0", "cc0"]);
    }
}

#[test]
fn a_migration_edited_after_it_was_applied_is_reported() {
    const EDITED_0002: Migration = Migration::new(
        "hist",
        "0002_seed",
        &[("hist", "0001_initial")],
        &[Operation::RunSql {
            sql: "INSERT INTO hist_venue (name, license) VALUES ('Other', 'none')",
            reverse_sql: Some("DELETE FROM hist_venue"),
        }],
    );
    for db in databases("migrate_edited") {
        let mut conn = db.connect();
        migrate_to(&mut conn, &[M0001, M0002], None).unwrap();
        let report = migrate_to(&mut conn, &[M0001, EDITED_0002], None).unwrap();
        assert_eq!(report.edited, ["hist.0002_seed"]);
        assert!(report.applied.is_empty());
        let status = migrations::show_migrations(&[M0001, EDITED_0002], &mut conn).unwrap();
        assert!(status
            .iter()
            .any(|s| s.version == "hist.0002_seed" && s.edited));
        assert!(status
            .iter()
            .any(|s| s.version == "hist.0001_initial" && !s.edited));
    }
}

#[test]
fn a_squashed_migration_replaces_its_originals_on_new_and_old_databases() {
    const SQUASHED: Migration = Migration {
        app_label: "hist",
        name: "0001_squashed_0002_seed",
        dependencies: &[],
        operations: &[
            Operation::CreateModel(<Venue as dorm::Model>::META),
            Operation::CreateModel(<Experience as dorm::Model>::META),
            Operation::RunSql {
                sql: "INSERT INTO hist_venue (name, license) VALUES ('Paradiso', 'none'), ('Melkweg', 'none'); INSERT INTO hist_experience (name, license) VALUES ('Concert', 'none')",
                reverse_sql: Some("DELETE FROM hist_experience; DELETE FROM hist_venue"),
            },
        ],
        replaces: &[("hist", "0001_initial"), ("hist", "0002_seed")],
    };
    // 0003 still names 0002 as its dependency: the graph sends it to the squashed one.
    let with_squash = [M0001, M0002, SQUASHED, M0003];
    for db in databases("migrate_squash") {
        // A new database runs the squashed migration and records the originals with it.
        let mut conn = db.connect();
        let report = migrate_to(&mut conn, &with_squash, None).unwrap();
        assert_eq!(
            report.applied,
            ["hist.0001_squashed_0002_seed", "hist.0003_license_cc0"]
        );
        let applied = migrations::applied_migrations(&mut conn).unwrap();
        assert!(applied.contains(&"hist.0001_initial".to_string()));
        assert!(applied.contains(&"hist.0002_seed".to_string()));
        assert_eq!(licenses(&mut conn), ["cc0", "cc0"]);
        let status = migrations::show_migrations(&with_squash, &mut conn).unwrap();
        let squashed = status
            .iter()
            .find(|s| s.version == "hist.0001_squashed_0002_seed")
            .unwrap();
        assert_eq!(squashed.replaces, ["hist.0001_initial", "hist.0002_seed"]);
        assert!(squashed.applied);
    }
    for db in databases("migrate_squash_partial") {
        // A database with only 0001 applied keeps to the originals.
        let mut conn = db.connect();
        migrate_to(&mut conn, &[M0001], None).unwrap();
        let report = migrate_to(&mut conn, &with_squash, None).unwrap();
        assert_eq!(report.applied, ["hist.0002_seed", "hist.0003_license_cc0"]);
        assert_eq!(licenses(&mut conn), ["cc0", "cc0"]);
    }
}

#[test]
fn parallel_branches_are_two_leaves_until_a_merge_migration_joins_them() {
    const BRANCH_A: Migration = Migration::new("hist", "0003_a", &[("hist", "0002_seed")], &[]);
    const BRANCH_B: Migration = Migration::new("hist", "0003_b", &[("hist", "0002_seed")], &[]);
    const MERGE: Migration = Migration::new(
        "hist",
        "0004_merge_0003_a_0003_b",
        &[("hist", "0003_a"), ("hist", "0003_b")],
        &[],
    );
    let graph = MigrationGraph::new(&[M0001, M0002, BRANCH_A, BRANCH_B]).unwrap();
    assert_eq!(graph.leaf_nodes("hist").len(), 2);
    let merged = [M0001, M0002, BRANCH_A, BRANCH_B, MERGE];
    let graph = MigrationGraph::new(&merged).unwrap();
    assert_eq!(graph.leaf_nodes("hist").len(), 1);
    for db in databases("migrate_merge") {
        let mut conn = db.connect();
        let report = migrate_to(&mut conn, &merged, None).unwrap();
        assert_eq!(report.applied.len(), 5);
        assert_eq!(
            report.applied.last().unwrap(),
            "hist.0004_merge_0003_a_0003_b"
        );
    }
}

#[test]
fn eight_migrators_at_once_apply_each_migration_exactly_once() {
    for db in databases("migrate_concurrent") {
        let url = db.url.clone();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || {
                    let mut conn = dorm::connect(&url).unwrap();
                    migrate_to(&mut conn, HISTORY, None).map(|r| r.applied)
                })
            })
            .collect();
        let mut applied: Vec<String> = Vec::new();
        for t in threads {
            applied.extend(t.join().unwrap().unwrap());
        }
        applied.sort();
        assert_eq!(
            applied,
            [
                "hist.0001_initial",
                "hist.0002_seed",
                "hist.0003_license_cc0"
            ],
            "every migration applied once, by one of the eight"
        );
        let mut conn = db.connect();
        // The seed ran once: two venues, not sixteen.
        assert_eq!(licenses(&mut conn), ["cc0", "cc0"]);
    }
}

#[test]
fn diesels_harness_runs_dorms_migrations_on_the_same_ledger() {
    use diesel_migrations::MigrationHarness;
    let db = crate::common::sqlite("migrate_diesel_harness");
    let mut conn = diesel::Connection::establish(db.url.trim_start_matches("sqlite://"))
        .map(|c: diesel::SqliteConnection| c)
        .unwrap();
    let ran = conn
        .run_pending_migrations(migrations::diesel_source(HISTORY))
        .unwrap();
    assert_eq!(ran.len(), 3);
    let mut dorm_conn = db.connect();
    assert_eq!(licenses(&mut dorm_conn), ["cc0", "cc0"]);
    // dorm sees diesel's records: nothing left to do.
    assert!(migrate_to(&mut dorm_conn, HISTORY, None)
        .unwrap()
        .applied
        .is_empty());
}

#[test]
fn alter_model_table_moves_the_rows_and_alter_model_options_changes_no_schema() {
    const MOVE: Migration = Migration::new(
        "hist",
        "0004_venue_table",
        &[("hist", "0003_license_cc0")],
        &[
            Operation::AlterModelTable {
                model: "Venue",
                table: "hist_venues",
            },
            Operation::AlterModelOptions {
                model: "Venue",
                managed: true,
                ordering: &["-name"],
                verbose_name: "place",
            },
        ],
    );
    let history = [M0001, M0002, M0003, MOVE];
    for db in databases("migrate_alter_table") {
        let mut conn = db.connect();
        migrate_to(&mut conn, &history, None).unwrap();
        assert!(!table_exists(&db, &mut conn, "hist_venue"));
        assert!(table_exists(&db, &mut conn, "hist_venues"));
        let sql = migrations::sqlmigrate(&history, "hist", "0004", db.vendor, false).unwrap();
        assert!(
            sql.iter().any(|s| s.contains("RENAME TO \"hist_venues\"")),
            "{sql:?}"
        );
        let state = migrations::ProjectState::from_migrations(&history).unwrap();
        let venue = state.model("hist", "Venue").unwrap();
        assert_eq!(
            (venue.db_table, venue.verbose_name),
            ("hist_venues", "place")
        );
        assert_eq!(venue.ordering, ["-name"]);
        // Back to 0003: the table has its name again, with its rows.
        migrate_to(&mut conn, &history, Some("0003")).unwrap();
        assert_eq!(licenses(&mut conn), ["cc0", "cc0"]);
    }
}
