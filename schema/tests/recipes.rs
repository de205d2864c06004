//! The scrap book runs end to end on every available backend: migrations, sample rows, every
//! recipe; and a second run (migrations already applied, rows already loaded) works too.

fn run_on(url: &str) {
    for round in 0..2 {
        let mut conn = dorm::connect(url).unwrap();
        let applied =
            dorm::migrations::migrate(scrapbook::migrations::MIGRATIONS, &mut conn).unwrap();
        let loaded = scrapbook::seed::load(&mut conn).unwrap();
        if round == 0 {
            assert_eq!(applied.len(), scrapbook::migrations::MIGRATIONS.len());
            assert!(loaded);
        } else {
            assert!(applied.is_empty(), "migrations apply once");
            assert!(!loaded, "sample rows load once");
        }
        let recipes = scrapbook::recipes::run_all(&mut conn).unwrap();
        assert!(recipes >= 30, "{recipes} recipes");
    }
}

#[test]
fn the_scrapbook_runs_twice_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("scrapbook-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scrapbook.sqlite3");
    let _ = std::fs::remove_file(&path);
    run_on(&format!("sqlite://{}", path.display()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_scrapbook_runs_twice_on_postgres() {
    let Ok(base) = std::env::var("DORM_TEST_POSTGRES_URL") else {
        eprintln!("DORM_TEST_POSTGRES_URL is not set: PostgreSQL not tested");
        return;
    };
    let schema = format!("scrapbook_test_{}", std::process::id());
    let mut admin = dorm::connect(&base).unwrap();
    admin
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\""
        ))
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let result = std::panic::catch_unwind(|| {
        run_on(&format!("{base}{sep}options=-csearch_path%3D{schema}"))
    });
    admin
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
