//! Overflow: a number the database computes (`update!(qs, n = F(n) + 1)`) or holds that does
//! not fit its field is `Error::InvalidValue` naming the model and field, on every backend,
//! and nothing changes; SQLite no longer wraps 16- and 32-bit integers or turns a 64-bit
//! overflow into a REAL.

use std::str::FromStr;

use dorm::db::Vendor;
use dorm::prelude::*;
use dorm::{Connection, Error, ForeignKey};
use rust_decimal::Decimal;

use crate::common::{each_backend, models::Everything};

fn invalid(result: dorm::Result<impl std::fmt::Debug>) -> (String, String) {
    match result {
        Err(Error::InvalidValue { field, message }) => (field, message),
        other => panic!("expected Error::InvalidValue, got {other:?}"),
    }
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// One row at the top of every range: `small`, `int`, `big` at their maximum, `price`
/// (`max_digits = 8, decimal_places = 2`) at 999999.99.
fn at_the_limits(conn: &mut Connection) -> Everything {
    Everything::objects()
        .create(
            Everything {
                small: i16::MAX,
                int: i32::MAX,
                big: i64::MAX,
                price: Some(decimal("999999.99")),
                ..Default::default()
            },
            conn,
        )
        .unwrap()
}

fn stored(conn: &mut Connection) -> (i16, i32, i64, Option<Decimal>) {
    let row = Everything::objects().all().first(conn).unwrap().unwrap();
    (row.small, row.int, row.big, row.price)
}

#[test]
fn computed_integers_past_their_range_are_refused_alike_and_change_nothing() {
    each_backend("overflow_update", |_db, conn| {
        let mut row = at_the_limits(conn);
        let all = || Everything::objects().all();
        let cases = [
            (
                invalid(update!(all(), small = F(small) + 1).execute(conn)),
                "Everything.small",
                "smallint out of range",
            ),
            (
                invalid(update!(all(), int = F(int) + 1).execute(conn)),
                "Everything.int",
                "integer out of range",
            ),
            (
                invalid(update!(all(), big = F(big) + 1).execute(conn)),
                "Everything.big",
                "bigint out of range",
            ),
            (
                invalid(update!(all(), int = F(int) * 2, flag = true).execute(conn)),
                "Everything.int",
                "integer out of range",
            ),
            // Through an instance (an UPDATE ... RETURNING) the same.
            (
                invalid(update!(&mut row, big = F(big) + 1).execute(conn)),
                "Everything.big",
                "bigint out of range",
            ),
        ];
        for ((field, message), want_field, want_message) in cases {
            assert_eq!(
                (field.as_str(), message.as_str()),
                (want_field, want_message)
            );
        }
        // Nothing changed: in particular `big` is still the integer i64::MAX, not a REAL.
        assert_eq!(
            stored(conn),
            (i16::MAX, i32::MAX, i64::MAX, Some(decimal("999999.99")))
        );
        assert_eq!(
            filter!(Everything::objects(), big = i64::MAX)
                .count(conn)
                .unwrap(),
            1
        );
        // Below the minimum too.
        update!(all(), small = i16::MIN, int = i32::MIN, big = i64::MIN)
            .execute(conn)
            .unwrap();
        let (field, message) = invalid(update!(all(), int = F(int) - 1).execute(conn));
        assert_eq!(
            (field.as_str(), message.as_str()),
            ("Everything.int", "integer out of range")
        );
        let (field, _) = invalid(update!(all(), big = F(big) - 1).execute(conn));
        assert_eq!(field, "Everything.big");
        // A computed value within range is written as before.
        update!(
            all(),
            small = F(small) + 1,
            int = F(int) + 2,
            big = F(big) + 3
        )
        .execute(conn)
        .unwrap();
        assert_eq!(
            stored(conn),
            (
                i16::MIN + 1,
                i32::MIN + 2,
                i64::MIN + 3,
                Some(decimal("999999.99"))
            )
        );
    });
}

#[test]
fn computed_decimals_past_max_digits_are_refused_alike() {
    each_backend("overflow_decimal", |_db, conn| {
        at_the_limits(conn);
        let (field, message) = invalid(
            update!(
                Everything::objects().all(),
                price = F(price) + decimal("0.01")
            )
            .execute(conn),
        );
        assert_eq!(field, "Everything.price");
        assert_eq!(
            message,
            "Ensure that there are no more than 6 digits before the decimal point."
        );
        assert_eq!(stored(conn).3, Some(decimal("999999.99")));
        update!(
            Everything::objects().all(),
            price = F(price) - decimal("0.99")
        )
        .execute(conn)
        .unwrap();
        assert_eq!(stored(conn).3, Some(decimal("999999.00")));
    });
}

/// Values another tool stored in a SQLite column that do not fit the field are refused on
/// read, naming the field, instead of being wrapped (PostgreSQL's column types cannot hold
/// them).
#[test]
fn stored_values_that_do_not_fit_are_refused_on_read() {
    each_backend("overflow_read", |db, conn| {
        if db.vendor != Vendor::Sqlite {
            return;
        }
        at_the_limits(conn);
        let cases = [
            (
                "small = 40000",
                "Everything.small",
                "smallint out of range (40000 is stored)",
            ),
            (
                "int = 2147483648",
                "Everything.int",
                "integer out of range (2147483648 is stored)",
            ),
            (
                "int = -2147483649",
                "Everything.int",
                "integer out of range (-2147483649 is stored)",
            ),
            // What SQLite made of i64::MAX + 1 before dorm checked it: a REAL.
            (
                "big = 9223372036854775807 + 1",
                "Everything.big",
                "bigint out of range (9223372036854776000 is stored)",
            ),
            (
                "int = 1.5",
                "Everything.int",
                "integer out of range (1.5 is stored)",
            ),
            (
                "int = 'many'",
                "Everything.int",
                "integer out of range (\"many\" is stored)",
            ),
        ];
        for (set, want_field, want_message) in cases {
            conn.batch_execute("SAVEPOINT probe").unwrap();
            conn.batch_execute(&format!("UPDATE tests_everything SET {set}"))
                .unwrap();
            let (field, message) = invalid(Everything::objects().all().fetch(conn));
            assert_eq!(
                (field.as_str(), message.as_str()),
                (want_field, want_message),
                "{set}"
            );
            // Raw SQL reads models the same way.
            let (field, _) = invalid(
                Everything::objects()
                    .raw("SELECT * FROM tests_everything", ())
                    .fetch(conn),
            );
            assert_eq!(field, want_field, "{set}");
            // So do projections of the field: plain, after `annotate!`, grouped.
            let (field, _) = invalid(
                values_list!(Everything::objects().all(), small, int, big, price).fetch(conn),
            );
            assert_eq!(field, want_field, "{set}");
            let annotated = || annotate!(Everything::objects().all(), on = F(flag));
            let (field, _) = invalid(values!(annotated(), small, int, big, on).fetch(conn));
            assert_eq!(field, want_field, "{set}");
            let (field, _) = invalid(
                annotate!(
                    values!(Everything::objects(), small, int, big),
                    n = Count(id)
                )
                .fetch(conn),
            );
            assert_eq!(field, want_field, "{set}");
            let (field, _) = invalid(
                annotate!(values!(annotated(), small, int, big, on), n = Count(id)).fetch(conn),
            );
            assert_eq!(field, want_field, "{set}");
            conn.batch_execute("ROLLBACK TO probe; RELEASE probe")
                .unwrap();
        }
        // A decimal is read exactly whatever its digits, as Django reads it (only a computed
        // one is refused, when written): 100000000 hundredths are 1000000.00.
        conn.batch_execute("UPDATE tests_everything SET price = 100000000")
            .unwrap();
        assert_eq!(stored(conn).3, Some(decimal("1000000.00")));
        // A whole REAL within range (what another tool may write) reads as the integer.
        conn.batch_execute("UPDATE tests_everything SET int = CAST(12 AS REAL)")
            .unwrap();
        assert_eq!(stored(conn).1, 12);
    });
}

/// `values!` across a foreign key and across a reverse relation reads the far field's stored
/// value with the same check, naming that model's field.
#[test]
fn projections_across_relations_refuse_what_does_not_fit() {
    use crate::common::models::{Novel, Review, Writer};
    each_backend("overflow_read_across", |db, conn| {
        if db.vendor != Vendor::Sqlite {
            return;
        }
        let writer = Writer::objects()
            .create(
                Writer {
                    name: "Zed".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let novel = Novel::objects()
            .create(
                Novel {
                    writer: ForeignKey::to(&writer).unwrap(),
                    title: "A".into(),
                    pages: 100,
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        Review::objects()
            .create(
                Review {
                    novel: ForeignKey::to(&novel).unwrap(),
                    stars: 4,
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        conn.batch_execute("UPDATE tests_novel SET pages = 2147483648")
            .unwrap();
        let (field, message) = invalid(values!(Review::objects(), stars, novel__pages).fetch(conn));
        assert_eq!(
            (field.as_str(), message.as_str()),
            ("Novel.pages", "integer out of range (2147483648 is stored)")
        );
        conn.batch_execute(
            "UPDATE tests_novel SET pages = 100; UPDATE tests_review SET stars = -2147483649",
        )
        .unwrap();
        let (field, _) = invalid(values!(Novel::objects(), title, review__stars).fetch(conn));
        assert_eq!(field, "Review.stars");
        let (field, _) =
            invalid(values_list!(Novel::objects().all(), title, review__stars).fetch(conn));
        assert_eq!(field, "Review.stars");
    });
}

/// An annotation the database computes past its type's range is the same error on both
/// backends (PostgreSQL refuses it; SQLite computed it in 64 bits and dorm refuses to wrap it),
/// naming the annotation where the backend can tell which one it is.
#[test]
fn computed_annotations_past_their_type_are_refused_alike() {
    each_backend("overflow_annotation", |db, conn| {
        at_the_limits(conn);
        let (field, message) =
            invalid(annotate!(Everything::objects().all(), twice = F(small) * 2i16).fetch(conn));
        assert_eq!(message, "smallint out of range");
        if db.vendor == Vendor::Sqlite {
            assert_eq!(field, "twice");
        }
        let (_, message) = invalid(
            values!(
                annotate!(Everything::objects().all(), next = F(int) + 1),
                next
            )
            .fetch(conn),
        );
        assert_eq!(message, "integer out of range");
        let (_, message) = invalid(
            annotate!(
                values!(
                    annotate!(Everything::objects().all(), next = F(big) + 1),
                    next
                ),
                n = Count(id)
            )
            .fetch(conn),
        );
        assert_eq!(message, "bigint out of range");
        // Within range, the values are read as before.
        let rows: Vec<i16> = values!(
            annotate!(Everything::objects().all(), below = F(small) - 1i16),
            below
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(rows, vec![i16::MAX - 1]);
    });
}
