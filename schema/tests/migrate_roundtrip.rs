//! The scrap book's own migrations, round trip, on SQLite and PostgreSQL
//! (`DORM_TEST_POSTGRES_URL`): migrating builds exactly the schema the models declare (the
//! tables `create_tables` makes from `scrapbook::models::ALL`, and the view of migration
//! 0002), `migrate scrapbook zero` takes every table away again, and migrating once more works.

use dorm::migrations::introspection::{self, TableInfo};
use dorm::migrations::{self, MigrateOptions, Operation};
use dorm::Connection;
use scrapbook::migrations::MIGRATIONS;

mod common;
use common::databases;

fn schema(conn: &mut Connection) -> Vec<TableInfo> {
    introspection::introspect(conn).expect("introspect")
}

/// The `CREATE VIEW` of migration 0002 (the `temp_user` view behind the unmanaged model).
fn view_sql() -> &'static str {
    let m = MIGRATIONS
        .iter()
        .find(|m| m.name == "0002_temp_user_view")
        .expect("migration 0002");
    match m.operations {
        [Operation::RunSql { sql, .. }] => sql,
        other => panic!("0002 is one RunSql: {other:?}"),
    }
}

fn assert_same_schema(actual: &[TableInfo], expected: &[TableInfo], ctx: &str) {
    let names = |s: &[TableInfo]| s.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(actual), names(expected), "{ctx}: tables");
    for (a, e) in actual.iter().zip(expected) {
        assert_eq!(a, e, "{ctx}: table {}", e.name);
    }
}

fn to_zero() -> MigrateOptions {
    MigrateOptions {
        app_label: Some("scrapbook".into()),
        target: Some("zero".into()),
        ..Default::default()
    }
}

#[test]
fn migrations_build_the_models_schema_and_unapply_to_nothing() {
    for (migrated, created) in databases("roundtrip").into_iter().zip(databases("created")) {
        let vendor = migrated.vendor;
        assert_eq!(created.vendor, vendor);

        let mut conn = migrated.connect();
        let applied = migrations::migrate(MIGRATIONS, &mut conn).unwrap();
        assert_eq!(applied.len(), MIGRATIONS.len(), "{vendor:?}");
        let by_migrations = schema(&mut conn);

        let mut direct = created.connect();
        migrations::create_tables(scrapbook::models::ALL, &mut direct).unwrap();
        direct.batch_execute(view_sql()).unwrap();
        let by_models = schema(&mut direct);
        assert_same_schema(
            &by_migrations,
            &by_models,
            &format!("{vendor:?}: migrations vs. create_tables"),
        );

        // Every managed model and its automatic join tables, and the view.
        let mut expected: Vec<&str> = Vec::new();
        for m in scrapbook::models::ALL.iter().filter(|m| m.managed) {
            expected.push(m.db_table);
            expected.extend(
                m.many_to_many
                    .iter()
                    .filter_map(|m2m| m2m.join)
                    .map(|j| j.db_table),
            );
        }
        expected.push("temp_user");
        expected.sort_unstable();
        let tables: Vec<&str> = by_migrations.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(tables, expected, "{vendor:?}");
        let view = by_migrations
            .iter()
            .find(|t| t.name == "temp_user")
            .unwrap();
        assert!(view.is_view, "{vendor:?}");

        // With the sample rows in, back to zero: nothing is left but the ledger.
        assert!(scrapbook::seed::load(&mut conn).unwrap(), "{vendor:?}");
        let report =
            migrations::migrate_with(MIGRATIONS, &to_zero(), &mut |_| {}, &mut conn).unwrap();
        let newest_first: Vec<String> = MIGRATIONS.iter().rev().map(|m| m.version()).collect();
        assert_eq!(report.unapplied, newest_first, "{vendor:?}");
        assert!(
            schema(&mut conn).is_empty(),
            "{vendor:?}: {:?}",
            schema(&mut conn)
        );
        assert!(
            migrations::applied_migrations(&mut conn)
                .unwrap()
                .is_empty(),
            "{vendor:?}"
        );
        assert!(!conn.in_transaction());
        // Zero again has nothing to do.
        let report =
            migrations::migrate_with(MIGRATIONS, &to_zero(), &mut |_| {}, &mut conn).unwrap();
        assert!(report.unapplied.is_empty(), "{vendor:?}");

        // Migrating again builds the same schema, and the scrap book works on it.
        let applied = migrations::migrate(MIGRATIONS, &mut conn).unwrap();
        assert_eq!(applied.len(), MIGRATIONS.len(), "{vendor:?}");
        assert_same_schema(
            &schema(&mut conn),
            &by_migrations,
            &format!("{vendor:?}: migrated again"),
        );
        assert!(scrapbook::seed::load(&mut conn).unwrap(), "{vendor:?}");
        let recipes = scrapbook::recipes::run_all(&mut conn).unwrap();
        assert!(recipes >= 30, "{vendor:?}: {recipes} recipes");
    }
}
