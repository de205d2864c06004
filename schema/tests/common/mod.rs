//! The one helper the scrap book's database tests share: a fresh database per test on every
//! available backend (a temporary SQLite file; a PostgreSQL schema of its own when
//! `DORM_TEST_POSTGRES_URL` is set).
#![allow(dead_code)]

use dorm::db::Vendor;
use dorm::migrations;
use dorm::Connection;

/// A fresh, empty database for one test: a temporary SQLite file, or a PostgreSQL schema of
/// its own (selected through the URL's `search_path`), removed when dropped.
pub struct TestDb {
    pub url: String,
    pub vendor: Vendor,
    cleanup: Option<Box<dyn FnOnce()>>,
}

impl TestDb {
    pub fn connect(&self) -> Connection {
        dorm::connect(&self.url).unwrap_or_else(|e| panic!("connect to {}: {e}", self.url))
    }

    /// A connection to the database with the scrap book's migrations applied.
    pub fn migrated(&self) -> Connection {
        let mut conn = self.connect();
        migrations::migrate(scrapbook::migrations::MIGRATIONS, &mut conn).unwrap();
        conn
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(cleanup) = self.cleanup.take() {
            cleanup();
        }
    }
}

fn unique_name(test: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("sb{}_{n}_{test}", std::process::id())
}

fn sqlite(test: &str) -> TestDb {
    let dir = std::env::temp_dir().join("scrapbook-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.sqlite3", unique_name(test)));
    let _ = std::fs::remove_file(&path);
    let cleanup_path = path.clone();
    TestDb {
        url: format!("sqlite://{}", path.display()),
        vendor: Vendor::Sqlite,
        cleanup: Some(Box::new(move || {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", cleanup_path.display()));
            }
        })),
    }
}

fn postgres(test: &str) -> Option<TestDb> {
    let Ok(base) = std::env::var("DORM_TEST_POSTGRES_URL") else {
        eprintln!("DORM_TEST_POSTGRES_URL is not set: PostgreSQL not tested");
        return None;
    };
    let schema = unique_name(test);
    let mut admin = dorm::connect(&base).expect("DORM_TEST_POSTGRES_URL is set but unusable");
    admin
        .batch_execute(&format!("CREATE SCHEMA \"{schema}\""))
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(TestDb {
        url: format!("{base}{sep}options=-csearch_path%3D{schema}"),
        vendor: Vendor::Postgres,
        cleanup: Some(Box::new(move || {
            let _ = admin.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"));
        })),
    })
}

/// SQLite, then PostgreSQL when configured.
pub fn databases(test: &str) -> Vec<TestDb> {
    let mut dbs = vec![sqlite(test)];
    dbs.extend(postgres(test));
    dbs
}
