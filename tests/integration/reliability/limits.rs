//! The same limits and the same typed errors on every backend: text longer than
//! `max_length`, NUL characters, decimals beyond `max_digits`, datetimes past year 9999 and
//! sub-microsecond datetimes (truncated alike).

use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
use dorm::prelude::*;
use dorm::Error;
use rust_decimal::Decimal;

use crate::common::each_backend;
use crate::common::models::{Contact, Person};

fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        age: 30,
        ..Default::default()
    }
}

fn invalid(result: dorm::Result<impl std::fmt::Debug>) -> (String, String) {
    match result {
        Err(Error::InvalidValue { field, message }) => (field, message),
        other => panic!("expected Error::InvalidValue, got {other:?}"),
    }
}

fn count(conn: &mut dorm::Connection) -> i64 {
    Person::objects().all().count(conn).unwrap()
}

#[test]
fn text_longer_than_max_length_is_refused_alike() {
    each_backend("limits_max_length", |_db, conn| {
        let (field, message) = invalid(Person::objects().create(person(&"x".repeat(51)), conn));
        assert_eq!(field, "Person.name");
        assert_eq!(
            message,
            "Ensure this value has at most 50 characters (it has 51)."
        );
        // Characters, not bytes.
        let mut ann = Person::objects()
            .create(person(&"é".repeat(50)), conn)
            .unwrap();
        assert_eq!(count(conn), 1);
        // An update is checked too, and leaves the row as it was.
        ann.name = "ü".repeat(60);
        invalid(ann.save(conn));
        let stored: Vec<String> = values_list!(Person::objects().all(), name)
            .fetch(conn)
            .unwrap();
        assert_eq!(stored, vec!["é".repeat(50)]);
        // bulk_create refuses the whole batch before writing any of it.
        invalid(Person::objects().bulk_create(vec![person("ok"), person(&"y".repeat(99))], conn));
        assert_eq!(count(conn), 1);
    });
}

#[test]
fn nul_characters_are_refused_alike() {
    each_backend("limits_nul", |_db, conn| {
        Person::objects().create(person("ann"), conn).unwrap();
        Person::objects().create(person(""), conn).unwrap();
        let (field, message) = invalid(Person::objects().create(person("a\0b"), conn));
        assert_eq!(field, "Person.name");
        assert_eq!(message, "Null characters are not allowed.");
        // Lookup values: SQLite's LIKE/GLOB stop at NUL, so these matched every row before.
        invalid(filter!(Person::objects(), name__contains = "\0").count(conn));
        invalid(filter!(Person::objects(), name__icontains = "a\0").count(conn));
        invalid(filter!(Person::objects(), name__startswith = "\0").count(conn));
        invalid(filter!(Person::objects(), name__iexact = "\0").count(conn));
        assert_eq!(
            filter!(Person::objects(), name__iexact = "")
                .count(conn)
                .unwrap(),
            1
        );
        // `exact` and `in` values, short lists and lists packed into one parameter: SQLite
        // compared them and matched nothing where PostgreSQL refused them.
        for (what, result) in [
            (
                "exact",
                filter!(Person::objects(), name = "ann\0").count(conn),
            ),
            (
                "exact String",
                filter!(Person::objects(), name = String::from("\0")).count(conn),
            ),
            (
                "nullable exact",
                filter!(Person::objects(), nickname = "\0").count(conn),
            ),
            (
                "in",
                filter!(Person::objects(), name__in = ["ann", "\0"]).count(conn),
            ),
            (
                "packed in",
                filter!(
                    Person::objects(),
                    name__in = (0..5000).map(|i| if i == 4321 {
                        "\0".to_string()
                    } else {
                        i.to_string()
                    })
                )
                .count(conn),
            ),
            (
                "update",
                update!(Person::objects().all(), name = "x\0y")
                    .execute(conn)
                    .map(|n| n as i64),
            ),
        ] {
            let (_, message) = invalid(result);
            assert_eq!(message, "Null characters are not allowed.", "{what}");
        }
        assert_eq!(count(conn), 2);
        let names: Vec<String> = values_list!(order_by!(Person::objects().all(), name), name)
            .fetch(conn)
            .unwrap();
        assert_eq!(names, vec!["".to_string(), "ann".to_string()]);
    });
}

#[test]
fn decimals_beyond_max_digits_are_refused_alike() {
    each_backend("limits_decimals", |_db, conn| {
        use crate::common::models::Everything;
        let mut e = Everything {
            char: "c".into(),
            price: Some(Decimal::from_str("1234567.89").unwrap()),
            ..Default::default()
        };
        let (field, message) = invalid(Everything::objects().create(e.clone(), conn));
        assert_eq!(field, "Everything.price");
        assert!(
            message.contains("no more than 6 digits before the decimal point"),
            "{message}"
        );
        // Rounded to decimal_places first, as Django's DecimalField.
        e.price = Some(Decimal::from_str("999999.994").unwrap());
        Everything::objects().create(e.clone(), conn).unwrap();
        // As a lookup value: the same typed error.
        let (_, message) = invalid(
            filter!(
                Everything::objects(),
                price__gt = Decimal::from_str("1234567.89").unwrap()
            )
            .count(conn),
        );
        assert!(message.contains("max_digits=8"), "{message}");
    });
}

fn contact(joined: DateTime<Utc>) -> Contact {
    Contact {
        joined,
        ..Default::default()
    }
}

#[test]
fn datetimes_past_year_9999_are_refused_alike() {
    each_backend("limits_datetime_range", |_db, conn| {
        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        let (field, message) = invalid(Contact::objects().create(contact(far), conn));
        assert_eq!(field, "Contact.joined");
        assert_eq!(message, "year 10000 is out of range");
        invalid(filter!(Contact::objects(), joined__lt = far).count(conn));
        let last = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
        Contact::objects().create(contact(last), conn).unwrap();
    });
}

#[test]
fn sub_microsecond_datetimes_are_truncated_alike() {
    each_backend("limits_datetime_precision", |_db, conn| {
        // Before 2000-01-01 too, where diesel's PostgreSQL encoding rounds towards 2000.
        for (at, stored) in [
            (
                Utc.with_ymd_and_hms(2024, 5, 17, 8, 30, 15).unwrap()
                    + chrono::Duration::nanoseconds(123_456_789),
                Utc.with_ymd_and_hms(2024, 5, 17, 8, 30, 15).unwrap()
                    + chrono::Duration::microseconds(123_456),
            ),
            (
                Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap()
                    + chrono::Duration::nanoseconds(999_999_999),
                Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap()
                    + chrono::Duration::microseconds(999_999),
            ),
        ] {
            let created = Contact::objects().create(contact(at), conn).unwrap();
            let read = Contact::objects()
                .get(dorm::Model::pk(&created).unwrap(), conn)
                .unwrap();
            assert_eq!(read.joined, stored, "{at}");
        }
    });
}
