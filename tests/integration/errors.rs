//! Integrity errors arrive as `dorm::Error::Integrity` with their kind and constraint name,
//! `get()` reports `DoesNotExist` and `MultipleObjectsReturned`, and a failed write changes
//! nothing.

use diesel::prelude::*;
use dorm::prelude::*;
use dorm::{Error, IntegrityKind};

use crate::common::{each_backend, models::*};

#[test]
fn unique_violations_name_their_constraint() {
    each_backend("unique_violation", |_db, conn| {
        let product = || Product {
            name: "Stroopwafel".into(),
            country: "nl".into(),
            ..Default::default()
        };
        Product::objects().create(product(), conn).unwrap();
        match Product::objects().create(product(), conn) {
            Err(Error::Integrity {
                kind: IntegrityKind::Unique,
                constraint,
                ..
            }) => {
                // The same name on every backend (SQLite reports only columns; dorm names them).
                assert_eq!(constraint.as_deref(), Some("Unique city name per country"));
            }
            other => panic!("expected a unique violation, got {other:?}"),
        }
        // A single-column unique field.
        Product::objects()
            .create(
                Product {
                    name: "a".into(),
                    sku: Some("X1".into()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let err = Product::objects()
            .create(
                Product {
                    name: "b".into(),
                    sku: Some("X1".into()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap_err();
        match err {
            Error::Integrity {
                kind: IntegrityKind::Unique,
                constraint,
                ..
            } => {
                assert_eq!(constraint.as_deref(), Some("tests_product_sku_key"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            Product::objects().all().count(conn).unwrap(),
            2,
            "failed inserts wrote nothing"
        );
    });
}

#[test]
fn check_violations_are_reported() {
    each_backend("check_violation", |_db, conn| {
        let err = Everything::objects()
            .create(
                Everything {
                    positive: -1,
                    ..Default::default()
                },
                conn,
            )
            .unwrap_err();
        assert_eq!(err.integrity_kind(), Some(IntegrityKind::Check), "{err}");
        assert_eq!(Everything::objects().all().count(conn).unwrap(), 0);
    });
}

#[test]
fn not_null_violations_are_reported() {
    each_backend("not_null_violation", |_db, conn| {
        // dorm's typed API cannot leave a NOT NULL column empty; diesel can.
        let insert = diesel::insert_into(person::table).values(person::name.eq("no age"));
        let result: QueryResult<usize> = dorm::with_backend!(conn, |c| insert.execute(c));
        match Error::from(result.unwrap_err()) {
            Error::Integrity {
                kind: IntegrityKind::NotNull,
                constraint,
                ..
            } => {
                if let Some(c) = constraint {
                    assert!(c.contains("age"), "{c}");
                }
            }
            other => panic!("expected NOT NULL, got {other:?}"),
        }
    });
}

#[test]
fn foreign_key_violations_are_reported() {
    each_backend("foreign_key_violation", |db, conn| {
        let id_type = if db.vendor == dorm::db::Vendor::Sqlite {
            "integer NOT NULL PRIMARY KEY AUTOINCREMENT"
        } else {
            "serial PRIMARY KEY"
        };
        conn.batch_execute(&format!(
            "CREATE TABLE tests_pet (id {id_type}, owner_id integer NOT NULL CONSTRAINT tests_pet_owner_fk REFERENCES tests_owner (id))"
        ))
        .unwrap();
        let owner = Owner::objects()
            .create(
                Owner {
                    name: "Ann".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let ok = format!("INSERT INTO tests_pet (owner_id) VALUES ({})", owner.id);
        conn.batch_execute(&ok).unwrap();
        let err = conn
            .batch_execute("INSERT INTO tests_pet (owner_id) VALUES (999)")
            .unwrap_err();
        match err {
            Error::Integrity {
                kind: IntegrityKind::ForeignKey,
                constraint,
                ..
            } => {
                if db.vendor == dorm::db::Vendor::Postgres {
                    assert_eq!(constraint.as_deref(), Some("tests_pet_owner_fk"));
                }
            }
            other => panic!("expected a foreign key violation, got {other:?}"),
        }
        // Deleting a referenced row is refused too.
        let mut owner = owner;
        assert_eq!(
            owner.delete(conn).unwrap_err().integrity_kind(),
            Some(IntegrityKind::ForeignKey)
        );
    });
}

#[test]
fn get_reports_no_row_and_several_rows() {
    each_backend("get_errors", |_db, conn| {
        match filter!(Person::objects(), name = "nobody").get(conn) {
            Err(Error::DoesNotExist { model }) => assert_eq!(model, "Person"),
            other => panic!("{other:?}"),
        }
        for _ in 0..2 {
            Person::objects()
                .create(
                    Person {
                        name: "twin".into(),
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
        }
        match filter!(Person::objects(), name = "twin").get(conn) {
            Err(e @ Error::MultipleObjectsReturned { .. }) => {
                assert_eq!(
                    e.to_string(),
                    "get() returned more than one Person -- it returned 2!"
                );
            }
            other => panic!("{other:?}"),
        }
        // More rows than get() reads still reports the exact count.
        let many: Vec<Person> = (0..30)
            .map(|_| Person {
                name: "many".into(),
                ..Default::default()
            })
            .collect();
        Person::objects().bulk_create(many, conn).unwrap();
        match filter!(Person::objects(), name = "many").get(conn) {
            Err(Error::MultipleObjectsReturned { count, .. }) => assert_eq!(count, 30),
            other => panic!("{other:?}"),
        }
        assert!(Person::objects()
            .get(123_456, conn)
            .unwrap_err()
            .is_does_not_exist());
    });
}
