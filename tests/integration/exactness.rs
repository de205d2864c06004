//! Values come back exactly as they went in: decimals, aware datetimes with microseconds,
//! integers at their limits, and decimals compare, order and sum correctly on SQLite too.

use chrono::{TimeZone, Utc};
use diesel::prelude::*;
use dorm::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::common::{each_backend, models::*};

fn with(latitude: &str, price: Option<&str>) -> Everything {
    Everything {
        latitude: Decimal::from_str(latitude).unwrap(),
        price: price.map(|p| Decimal::from_str(p).unwrap()),
        ..Default::default()
    }
}

#[test]
fn decimals_round_trip_exactly() {
    each_backend("decimals_round_trip", |_db, conn| {
        // max_digits 18, decimal_places 10: the scrap book's latitude.
        for text in [
            "52.5112345678",
            "-89.9999999999",
            "99999999.9999999999",
            "0.0000000001",
            "0",
        ] {
            let e = Everything::objects()
                .create(with(text, Some("123456.78")), conn)
                .unwrap();
            let back = Everything::objects()
                .get(e.id.get().unwrap(), conn)
                .unwrap();
            assert_eq!(back.latitude, Decimal::from_str(text).unwrap(), "{text}");
            assert_eq!(
                back.latitude.normalize().to_string(),
                Decimal::from_str(text).unwrap().normalize().to_string()
            );
            assert_eq!(back.price, Some(Decimal::from_str("123456.78").unwrap()));
        }
    });
}

#[test]
fn decimals_round_half_even_to_their_places_and_reject_too_many_digits() {
    each_backend("decimals_quantize", |_db, conn| {
        let e = Everything::objects()
            .create(with("1.00000000005", Some("0.125")), conn)
            .unwrap();
        let back = Everything::objects()
            .get(e.id.get().unwrap(), conn)
            .unwrap();
        assert_eq!(
            back.latitude,
            Decimal::from_str("1.0000000000").unwrap(),
            "half to even at 10 places"
        );
        assert_eq!(
            back.price,
            Some(Decimal::from_str("0.12").unwrap()),
            "0.125 -> 0.12 at 2 places"
        );
        // price is max_digits 8, decimal_places 2: 1,000,000.00 has 9 digits.
        let err = Everything::objects()
            .create(with("1", Some("1000000.00")), conn)
            .unwrap_err();
        assert!(err.to_string().contains("max_digits"), "{err}");
        assert_eq!(
            Everything::objects().all().count(conn).unwrap(),
            1,
            "nothing written"
        );
    });
}

#[test]
fn decimals_compare_order_and_sum_on_every_backend() {
    each_backend("decimals_order_sum", |_db, conn| {
        // 10.0 > 9.5 > 2.25 numerically; as text or binary floats these go wrong.
        for (lat, price) in [("9.5", "0.10"), ("10.0", "0.20"), ("2.25", "0.70")] {
            Everything::objects()
                .create(with(lat, Some(price)), conn)
                .unwrap();
        }
        let ordered: Vec<Decimal> = dorm::order_by!(Everything::objects().all(), -latitude)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|e| e.latitude)
            .collect();
        assert_eq!(
            ordered,
            ["10.0", "9.5", "2.25"]
                .map(|s| Decimal::from_str(s).unwrap())
                .to_vec()
        );
        let big = filter!(
            Everything::objects(),
            latitude__gt = Decimal::from_str("9.75").unwrap()
        )
        .count(conn)
        .unwrap();
        assert_eq!(big, 1);
        let exact = filter!(
            Everything::objects(),
            price = Decimal::from_str("0.2").unwrap()
        )
        .count(conn)
        .unwrap();
        assert_eq!(exact, 1, "0.2 equals the stored 0.20");
        // SUM of 0.10 + 0.20 + 0.70 is exactly 1.00 (in binary floats it is 0.9999999999999999).
        let sum = everything::table.select(diesel::dsl::sum(everything::price));
        let total: Option<Decimal> = dorm::with_backend!(conn, |c| sum.get_result(c).unwrap());
        assert_eq!(total, Some(Decimal::from_str("1.00").unwrap()));
    });
}

#[test]
fn datetimes_keep_their_instant_and_microseconds() {
    each_backend("datetimes_round_trip", |_db, conn| {
        let at = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap()
            + chrono::Duration::microseconds(999_999);
        let from_offset = chrono::FixedOffset::east_opt(5 * 3600 + 30 * 60)
            .unwrap()
            .with_ymd_and_hms(2024, 1, 1, 5, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        for value in [
            at,
            from_offset,
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
        ] {
            let e = Everything::objects()
                .create(
                    Everything {
                        at: value,
                        maybe_at: Some(value),
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
            let back = Everything::objects()
                .get(e.id.get().unwrap(), conn)
                .unwrap();
            assert_eq!(back.at, value);
            assert_eq!(back.maybe_at, Some(value));
        }
        // Midnight in UTC is 05:30 in India: the same instant.
        assert_eq!(
            from_offset,
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
        );
        // Ordering and comparisons follow time, not text.
        let later = filter!(
            Everything::objects(),
            at__gt = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap()
        )
        .count(conn)
        .unwrap();
        assert_eq!(later, 1);
        let first = dorm::order_by!(Everything::objects().all(), at)
            .first(conn)
            .unwrap()
            .unwrap();
        assert_eq!(first.at.timestamp(), 0);
    });
}

#[test]
fn integers_round_trip_at_their_limits() {
    each_backend("integer_limits", |_db, conn| {
        for (small, int, big) in [
            (i16::MIN, i32::MIN, i64::MIN),
            (i16::MAX, i32::MAX, i64::MAX),
            (0, 0, 0),
        ] {
            let e = Everything::objects()
                .create(
                    Everything {
                        small,
                        int,
                        big,
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
            let back = Everything::objects()
                .get(e.id.get().unwrap(), conn)
                .unwrap();
            assert_eq!((back.small, back.int, back.big), (small, int, big));
        }
        let floats = [f64::MAX, f64::MIN_POSITIVE, -0.5];
        for float in floats {
            let e = Everything::objects()
                .create(
                    Everything {
                        float,
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
            assert_eq!(
                Everything::objects()
                    .get(e.id.get().unwrap(), conn)
                    .unwrap()
                    .float,
                float
            );
        }
    });
}

#[test]
fn text_round_trips_unicode_and_quotes() {
    each_backend("text_round_trip", |_db, conn| {
        let text = "O'Brien \"quoted\" -- ; DROP TABLE x; 🦀 ñ 中文";
        let e = Everything::objects()
            .create(
                Everything {
                    text: text.into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        assert_eq!(
            filter!(Everything::objects(), text = text)
                .get(conn)
                .unwrap()
                .id,
            e.id
        );
    });
}
