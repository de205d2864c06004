//! Create, read, update and delete, for every field kind, through the manager and instances.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use dorm::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::common::{each_backend, models::*};

fn sample() -> Everything {
    Everything {
        char: "twenty chars at most".into(),
        text: "a long text ✓ with ünïcödé".into(),
        email: "ann@example.com".into(),
        url: "https://example.com/a?b=c".into(),
        slug: "a-slug".into(),
        small: -7,
        int: 42,
        big: 9_000_000_000,
        positive: 5,
        flag: true,
        float: 2.5,
        latitude: Decimal::from_str("52.5112345678").unwrap(),
        price: Some(Decimal::from_str("19.99").unwrap()),
        day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        at: Utc.with_ymd_and_hms(2024, 5, 17, 8, 30, 15).unwrap()
            + chrono::Duration::microseconds(123_456),
        time: NaiveTime::from_hms_micro_opt(23, 59, 58, 250_000).unwrap(),
        maybe_at: None,
        data: serde_json::json!({"InvoiceNumber": {"FirstName": "Daan"}, "n": [1, 2, 3]}),
        invoice: Invoice {
            number: "2024-001".into(),
            lines: vec![3, 1, 4],
        },
        photo: None,
        country: Country::Netherlands,
        note: Some("note".into()),
        ..Default::default()
    }
}

#[test]
fn every_field_kind_round_trips() {
    each_backend("every_field_kind_round_trips", |_db, conn| {
        let created = Everything::objects().create(sample(), conn).unwrap();
        assert!(created.id.is_set());
        let loaded = Everything::objects()
            .get(created.id.get().unwrap(), conn)
            .unwrap();
        assert_eq!(loaded, created);
        assert_eq!(loaded.get_country_display(), "The Netherlands");
        assert_eq!(loaded.invoice.lines, vec![3, 1, 4]);
    });
}

#[test]
fn defaults_fill_a_new_instance() {
    let e = Everything::default();
    assert!(!e.id.is_set());
    assert_eq!(e.country, Country::Germany, "default = \"de\"");
    assert_eq!(e.note, None);
    let p = Person::default();
    assert_eq!(p.age, 0);
}

#[test]
fn save_inserts_then_updates_and_sets_timestamps() {
    each_backend("save_inserts_then_updates", |_db, conn| {
        let mut e = sample();
        e.save(conn).unwrap();
        let pk = e.id.get().expect("saved");
        let created_at = e.created_at;
        assert!(created_at.timestamp() > 0, "auto_now_add set");
        std::thread::sleep(std::time::Duration::from_millis(2));
        e.int = 43;
        e.maybe_at = Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
        e.save(conn).unwrap();
        assert_eq!(e.id.get(), Some(pk), "an update keeps the key");
        assert_eq!(e.created_at, created_at, "auto_now_add only on insert");
        assert!(e.updated_at > created_at, "auto_now on every save");
        let loaded = Everything::objects().get(pk, conn).unwrap();
        assert_eq!(loaded, e);
        assert_eq!(Everything::objects().all().count(conn).unwrap(), 1);
    });
}

#[test]
fn save_with_update_fields_writes_only_those() {
    each_backend("save_update_fields", |_db, conn| {
        let mut p = Person::objects()
            .create(
                Person {
                    name: "Ann".into(),
                    age: 30,
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        p.age = 31;
        p.name = "Not saved".into();
        p.save_update_fields(|f| [f.age], conn).unwrap();
        p.refresh_from_db(conn).unwrap();
        assert_eq!((p.name.as_str(), p.age), ("Ann", 31));
        let mut unsaved = Person::default();
        assert!(matches!(
            unsaved.save_update_fields(|f| [f.age], conn),
            Err(dorm::Error::Unsaved { .. })
        ));
    });
}

#[test]
fn delete_instance_and_queryset() {
    each_backend("delete_instance_and_queryset", |_db, conn| {
        for (name, age) in [("a", 1), ("b", 2), ("c", 3)] {
            Person::objects()
                .create(
                    Person {
                        name: name.into(),
                        age,
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
        }
        let mut a = filter!(Person::objects(), name = "a").get(conn).unwrap();
        assert_eq!(a.delete(conn).unwrap(), 1);
        assert!(
            !a.id.is_set(),
            "the key is cleared, as Django sets pk to None"
        );
        assert_eq!(
            filter!(Person::objects(), age__gte = 2)
                .delete(conn)
                .unwrap(),
            2
        );
        assert_eq!(Person::objects().all().count(conn).unwrap(), 0);
        // A saved-then-deleted instance inserts again on save().
        a.save(conn).unwrap();
        assert_eq!(Person::objects().all().count(conn).unwrap(), 1);
    });
}

#[test]
fn refresh_from_db_reloads_and_reports_missing_rows() {
    each_backend("refresh_from_db", |_db, conn| {
        let mut p = Person::objects()
            .create(
                Person {
                    name: "Ann".into(),
                    age: 1,
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        dorm::update!(Person::objects().all(), age = 99)
            .execute(conn)
            .unwrap();
        p.refresh_from_db(conn).unwrap();
        assert_eq!(p.age, 99);
        filter!(Person::objects(), pk = p.id.get().unwrap())
            .delete(conn)
            .unwrap();
        assert!(p.refresh_from_db(conn).unwrap_err().is_does_not_exist());
    });
}

#[test]
fn natural_primary_keys() {
    each_backend("natural_primary_keys", |_db, conn| {
        let mut c = Code::objects()
            .create(
                Code {
                    code: "NL".into(),
                    label: "Netherlands".into(),
                },
                conn,
            )
            .unwrap();
        c.label = "Nederland".into();
        c.save(conn).unwrap();
        assert_eq!(
            Code::objects().get("NL".to_string(), conn).unwrap().label,
            "Nederland"
        );
        let many = Code::objects()
            .bulk_create(
                vec![
                    Code {
                        code: "DE".into(),
                        label: "Germany".into(),
                    },
                    Code {
                        code: "BE".into(),
                        label: "Belgium".into(),
                    },
                ],
                conn,
            )
            .unwrap();
        assert_eq!(many.len(), 2);
        assert_eq!(Code::objects().all().count(conn).unwrap(), 3);
    });
}

#[test]
fn get_or_create_and_update_or_create() {
    each_backend("get_or_create", |_db, conn| {
        type NameIs = dorm::lookups::Lookup<dorm::name!(name), dorm::lookups::Exact, &'static str>;
        let make = || Person {
            name: "Ann".into(),
            age: 5,
            ..Default::default()
        };
        let (a, created) = Person::objects()
            .get_or_create(NameIs::new("Ann"), make, conn)
            .unwrap();
        assert!(created);
        let (b, created) = Person::objects()
            .get_or_create(NameIs::new("Ann"), make, conn)
            .unwrap();
        assert!(!created);
        assert_eq!(a, b);
        let (c, created) = Person::objects()
            .update_or_create(NameIs::new("Ann"), make, |p| p.age = 6, conn)
            .unwrap();
        assert!(!created);
        assert_eq!((c.id, c.age), (a.id, 6));
        let (d, created) = Person::objects()
            .update_or_create(
                NameIs::new("Bob"),
                || Person {
                    name: "Bob".into(),
                    ..Default::default()
                },
                |p| p.age = 7,
                conn,
            )
            .unwrap();
        assert!(created);
        assert_eq!(d.age, 7);
    });
}

#[test]
fn bulk_create_returns_keys_for_ten_thousand_rows() {
    each_backend("bulk_create_10k", |_db, conn| {
        let rows: Vec<Person> = (0..10_000)
            .map(|i| Person {
                name: format!("p{i}"),
                age: i,
                ..Default::default()
            })
            .collect();
        let ((), queries) = dorm::db::instrumentation::capture_queries(|| {
            let saved = Person::objects().bulk_create(rows, conn).unwrap();
            assert_eq!(saved.len(), 10_000);
            let keys: Vec<i64> = saved
                .iter()
                .map(|p| p.id.get().expect("key returned"))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 10_000, "distinct keys");
            // Keys come back in the rows' order.
            assert!(keys.windows(2).all(|w| w[0] < w[1]));
            let loaded = Person::objects().get(keys[1234], conn).unwrap();
            assert_eq!(loaded.name, "p1234");
        });
        let inserts = queries.iter().filter(|q| q.starts_with("INSERT")).count();
        assert!(
            (1..=10).contains(&inserts),
            "batched: {inserts} INSERT statements"
        );
        assert_eq!(Person::objects().all().count(conn).unwrap(), 10_000);
    });
}

#[test]
fn bulk_update_writes_each_rows_own_values() {
    each_backend("bulk_update", |_db, conn| {
        let rows: Vec<Person> = (0..5)
            .map(|i| Person {
                name: format!("p{i}"),
                age: i,
                ..Default::default()
            })
            .collect();
        let mut rows = Person::objects().bulk_create(rows, conn).unwrap();
        for r in &mut rows {
            r.age *= 10;
            r.name = "unchanged".into();
        }
        assert_eq!(
            Person::objects()
                .bulk_update(&rows, |f| [f.age], conn)
                .unwrap(),
            5
        );
        let ages: Vec<(String, i32)> = dorm::order_by!(Person::objects().all(), name)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|p| (p.name, p.age))
            .collect();
        assert_eq!(
            ages,
            (0..5)
                .map(|i| (format!("p{i}"), i * 10))
                .collect::<Vec<_>>()
        );
        assert!(matches!(
            Person::objects().bulk_update(&rows, |f| [f.id], conn),
            Err(dorm::Error::InvalidValue { .. })
        ));
    });
}

#[test]
fn choices_expose_values_and_labels() {
    assert_eq!(
        Country::CHOICES,
        &[("de", "Germany"), ("nl", "The Netherlands")]
    );
    assert_eq!(Country::from_value("nl"), Some(Country::Netherlands));
    assert_eq!(Country::Germany.to_string(), "Germany");
    let meta = Everything::field_meta("country").unwrap();
    assert_eq!(meta.choices.len(), 2);
}

#[test]
fn upload_to_builds_the_stored_path() {
    let mut e = Everything {
        slug: "x".into(),
        ..Default::default()
    };
    assert_eq!(e.upload_photo("cat.png"), "everything/x/cat.png");
    assert_eq!(e.photo.as_deref(), Some("everything/x/cat.png"));
}
