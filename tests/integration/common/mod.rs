//! The one helper every behaviour test uses: a fresh database per test on every available
//! backend. SQLite always (a new file in a temporary directory); PostgreSQL when
//! `DORM_TEST_POSTGRES_URL` is set (a new schema, dropped afterwards, selected through the
//! connection URL so that pooled connections see it too).
#![allow(dead_code)]

pub mod models;

use std::sync::atomic::{AtomicU32, Ordering};

use dorm::db::Vendor;
use dorm::Connection;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database for one test.
pub struct TestDb {
    pub url: String,
    pub vendor: Vendor,
    cleanup: Option<Box<dyn FnOnce()>>,
}

impl TestDb {
    pub fn connect(&self) -> Connection {
        dorm::connect(&self.url).unwrap_or_else(|e| panic!("connect to {}: {e}", self.url))
    }

    /// A connection with the test models' tables created.
    pub fn migrated(&self) -> Connection {
        let mut conn = self.connect();
        dorm::migrations::create_tables(models::ALL, &mut conn).expect("create tables");
        // Django's `django.setup()`: deletes follow every relation's on_delete.
        dorm::apps::populate(models::ALL);
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
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "t{}_{}_{}",
        std::process::id(),
        n,
        &clean[..clean.len().min(30)]
    )
}

pub fn sqlite(test: &str) -> TestDb {
    let dir = std::env::temp_dir().join("dorm-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.sqlite3", unique_name(test)));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());
    let cleanup_path = path.clone();
    TestDb {
        url,
        vendor: Vendor::Sqlite,
        cleanup: Some(Box::new(move || {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", cleanup_path.display()));
            }
        })),
    }
}

pub fn postgres(test: &str) -> Option<TestDb> {
    let base = std::env::var("DORM_TEST_POSTGRES_URL").ok()?;
    let schema = unique_name(test);
    let mut admin =
        dorm::connect(&base).unwrap_or_else(|e| panic!("DORM_TEST_POSTGRES_URL is set but {e}"));
    admin
        .batch_execute(&format!("CREATE SCHEMA \"{schema}\""))
        .expect("create schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    Some(TestDb {
        url,
        vendor: Vendor::Postgres,
        cleanup: Some(Box::new(move || {
            let _ = admin.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"));
        })),
    })
}

/// Every backend available to this run: SQLite, then PostgreSQL when configured.
pub fn databases(test: &str) -> Vec<TestDb> {
    let mut dbs = vec![sqlite(test)];
    dbs.extend(postgres(test));
    dbs
}

/// Runs `body` once per backend with a migrated connection to a fresh database.
pub fn each_backend(test: &str, mut body: impl FnMut(&TestDb, &mut Connection)) {
    for db in databases(test) {
        let mut conn = db.migrated();
        body(&db, &mut conn);
    }
}

/// Inserts `Person` rows of `(name, age, nickname)`.
pub fn insert_people(conn: &mut Connection, rows: &[(&str, i32, Option<&str>)]) {
    use dorm::prelude::*;
    let rows: Vec<models::Person> = rows
        .iter()
        .map(|(name, age, nick)| models::Person {
            name: name.to_string(),
            age: *age,
            nickname: nick.map(str::to_string),
            ..Default::default()
        })
        .collect();
    models::Person::objects().bulk_create(rows, conn).unwrap();
}

/// Rows of the test models, for the relation tests.
pub mod rows {
    use chrono::NaiveDate;
    use dorm::prelude::*;
    use dorm::{Connection, ForeignKey};

    use super::models::{Employee, Novel, Owner, Tag, Writer};

    /// A saved writer.
    pub fn writer(conn: &mut Connection, name: &str) -> Writer {
        Writer::objects()
            .create(
                Writer {
                    name: name.into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap()
    }

    /// A saved owner.
    pub fn owner(conn: &mut Connection, name: &str) -> Owner {
        Owner::objects()
            .create(
                Owner {
                    name: name.into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap()
    }

    /// A saved tag.
    pub fn tag(conn: &mut Connection, label: &str) -> Tag {
        Tag::objects()
            .create(
                Tag {
                    label: label.into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap()
    }

    /// A saved novel by `by`, published on 2000-01-01.
    pub fn novel(
        conn: &mut Connection,
        by: &Writer,
        title: &str,
        pages: i32,
        owner: Option<&Owner>,
    ) -> Novel {
        Novel::objects()
            .create(
                Novel {
                    writer: ForeignKey::to(by).unwrap(),
                    title: title.into(),
                    pages,
                    published: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
                    owner: owner.map(|o| ForeignKey::to(o).unwrap()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap()
    }

    /// A saved employee under `boss`.
    pub fn employee(conn: &mut Connection, name: &str, boss: Option<&Employee>) -> Employee {
        Employee::objects()
            .create(
                Employee {
                    name: name.into(),
                    boss: boss.map(|b| ForeignKey::to(b).unwrap()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap()
    }
}
