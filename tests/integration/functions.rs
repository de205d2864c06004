//! Database functions (`dorm::expressions::functions`): the same results on every backend,
//! in `annotate!`, `values!`, `filter!`, `order_by!` and inside aggregates; custom functions
//! declared with `dorm::function!`; and `StdDev`/`Variance` on SQLite.
// Rows of several annotations are tuples by design.
#![allow(clippy::type_complexity)]

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use dorm::expressions::functions::*;
use dorm::prelude::*;
use dorm::{aggregate, annotate, order_by, values, Connection};

use crate::common::{each_backend, insert_people, models::*};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn time(h: u32, m: u32, s: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, s).unwrap()
}

/// Three contacts: Ann Apple and Cid Cole share their initials, Bob Stone does not.
fn contacts(conn: &mut Connection) -> Vec<Contact> {
    let rows = [
        (
            "Ann",
            "Apple",
            None,
            31,
            2.5,
            day(1990, 5, 17),
            at("2021-03-14T15:09:26.535897Z"),
            Some(at("2024-02-29T23:59:59.999999Z")),
            time(7, 30, 15),
        ),
        (
            "Bob",
            "Stone",
            Some("Bobby"),
            45,
            -1.25,
            day(1985, 11, 3),
            at("2020-01-01T00:00:00Z"),
            None,
            time(22, 5, 0),
        ),
        (
            "Cid",
            "Cole",
            Some("  cc  "),
            19,
            0.125,
            day(2005, 1, 1),
            at("2019-12-29T12:00:00.5Z"),
            Some(at("2020-06-30T08:15:00Z")),
            time(0, 0, 59),
        ),
    ];
    let rows: Vec<Contact> = rows
        .into_iter()
        .map(
            |(first, last, nick, age, score, born, joined, last_seen, alarm)| Contact {
                first_name: first.into(),
                last_name: last.into(),
                nickname: nick.map(String::from),
                age,
                score,
                born,
                joined,
                last_seen,
                alarm,
                ..Default::default()
            },
        )
        .collect();
    Contact::objects().bulk_create(rows.clone(), conn).unwrap();
    rows
}

fn s(text: &str) -> String {
    text.to_string()
}

#[test]
fn text_functions_agree_on_every_backend() {
    each_backend("functions_text", |_db, conn| {
        contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            lower = Lower(first_name),
            upper = Upper(last_name),
            len = Length(last_name),
            nick_len = Length(nickname),
            trimmed = Trim(nickname)
        );
        let rows: Vec<(String, String, i32, Option<i32>, Option<String>)> =
            values!(order_by!(qs, id), lower, upper, len, nick_len, trimmed)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [
                (s("ann"), s("APPLE"), 5, None, None),
                (s("bob"), s("STONE"), 5, Some(5), Some(s("Bobby"))),
                (s("cid"), s("COLE"), 4, Some(6), Some(s("cc"))),
            ]
        );

        let qs = annotate!(
            Contact::objects(),
            left = LTrim(nickname),
            right = RTrim(nickname),
            replaced = Replace(last_name, "o", "0"),
            middle = Substr(last_name, 2, 3),
            tail = SubstrFrom(first_name, 2)
        );
        let rows: Vec<(Option<String>, Option<String>, String, String, String)> =
            values!(order_by!(qs, id), left, right, replaced, middle, tail)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [
                (None, None, s("Apple"), s("ppl"), s("nn")),
                (
                    Some(s("Bobby")),
                    Some(s("Bobby")),
                    s("St0ne"),
                    s("ton"),
                    s("ob")
                ),
                (
                    Some(s("cc  ")),
                    Some(s("  cc")),
                    s("C0le"),
                    s("ole"),
                    s("id")
                ),
            ]
        );

        // Filtering and ordering on a function's annotation.
        let bob = filter!(
            annotate!(Contact::objects(), lower = Lower(first_name)),
            lower = "bob"
        );
        let bob: Vec<(Contact, String)> = bob.fetch(conn).unwrap();
        assert_eq!(bob.len(), 1);
        assert_eq!(
            (bob[0].0.last_name.as_str(), bob[0].1.as_str()),
            ("Stone", "bob")
        );
        let by_length = annotate!(Contact::objects(), len = Length(last_name));
        let names: Vec<(String, i32)> =
            values!(order_by!(by_length, len, -first_name), first_name, len)
                .fetch(conn)
                .unwrap();
        assert_eq!(names, [(s("Cid"), 4), (s("Bob"), 5), (s("Ann"), 5)]);
        let long = filter!(
            annotate!(Contact::objects(), len = Length(last_name)),
            len__gte = 5
        );
        assert_eq!(long.count(conn).unwrap(), 2);
    });
}

#[test]
fn the_scrap_book_compares_two_annotations() {
    each_backend("functions_initials", |_db, conn| {
        contacts(conn);
        // User.objects.annotate(first=Substr("first_name", 1, 1), last=Substr("last_name", 1, 1))
        //     .filter(first=F("last"))
        let same = filter!(
            annotate!(
                Contact::objects(),
                first = Substr(first_name, 1, 1),
                last = Substr(last_name, 1, 1)
            ),
            first = F(last)
        );
        let rows: Vec<(String, String, String)> =
            values!(order_by!(same, first_name), first_name, first, last)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [(s("Ann"), s("A"), s("A")), (s("Cid"), s("C"), s("C"))]
        );
    });
}

#[test]
fn concat_treats_null_as_empty() {
    each_backend("functions_concat", |_db, conn| {
        contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            full = Concat(first_name, Concat(" ", last_name)),
            called = Concat3(first_name, " ", nickname),
            tag = Concat4(Lower(first_name), "-", Upper(last_name), nickname)
        );
        let rows: Vec<(String, String, String)> =
            values!(order_by!(qs.clone(), id), full, called, tag)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            rows,
            [
                (s("Ann Apple"), s("Ann "), s("ann-APPLE")),
                (s("Bob Stone"), s("Bob Bobby"), s("bob-STONEBobby")),
                (s("Cid Cole"), s("Cid   cc  "), s("cid-COLE  cc  ")),
            ]
        );
        let bob: Vec<String> = values!(filter!(qs, full = "Bob Stone"), first_name)
            .fetch(conn)
            .unwrap();
        assert_eq!(bob, [s("Bob")]);
    });
}

#[test]
fn coalesce_greatest_and_least() {
    each_backend("functions_coalesce", |_db, conn| {
        let rows = contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            called = Coalesce(nickname, first_name),
            nick = Coalesce(nickname, "anonymous"),
            seen = Coalesce(last_seen, joined),
            seen3 = Coalesce3(last_seen, last_seen, joined)
        );
        let got: Vec<(String, String, DateTime<Utc>, DateTime<Utc>)> =
            values!(order_by!(qs, id), called, nick, seen, seen3)
                .fetch(conn)
                .unwrap();
        let seen: Vec<DateTime<Utc>> = rows
            .iter()
            .map(|r| r.last_seen.unwrap_or(r.joined))
            .collect();
        assert_eq!(
            got,
            [
                (s("Ann"), s("anonymous"), seen[0], seen[0]),
                (s("Bobby"), s("Bobby"), seen[1], seen[1]),
                (s("  cc  "), s("  cc  "), seen[2], seen[2]),
            ]
        );

        let qs = annotate!(
            Contact::objects(),
            high = Greatest(age, 30),
            low = Least(age, 30),
            low3 = Least3(age, 40, 20),
            name = Greatest(first_name, last_name),
            // NULLs are skipped on every backend (PostgreSQL's GREATEST).
            latest = Greatest(last_seen, joined),
            earliest = Least3(born, day(2000, 1, 1), day(1988, 8, 8))
        );
        let got: Vec<(i32, i32, i32, String, Option<DateTime<Utc>>, NaiveDate)> = values!(
            order_by!(qs.clone(), id),
            high,
            low,
            low3,
            name,
            latest,
            earliest
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            got,
            [
                (31, 30, 20, s("Apple"), Some(seen[0]), day(1988, 8, 8)),
                (
                    45,
                    30,
                    20,
                    s("Stone"),
                    Some(rows[1].joined),
                    day(1985, 11, 3)
                ),
                (30, 19, 19, s("Cole"), Some(seen[2]), day(1988, 8, 8)),
            ]
        );
        let older = filter!(qs, high__gt = 30);
        assert_eq!(older.count(conn).unwrap(), 2);
    });
}

#[test]
fn numbers_round_the_same_way_everywhere() {
    each_backend("functions_numbers", |_db, conn| {
        contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            distance = Abs(age - 40),
            magnitude = Abs(score),
            whole = Round(score),
            tenth = Round(score, precision = 1),
            hundredth = Round(Abs(score), precision = 2)
        );
        let got: Vec<(i32, f64, f64, f64, f64)> = values!(
            order_by!(qs.clone(), id),
            distance,
            magnitude,
            whole,
            tenth,
            hundredth
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            got,
            [
                (9, 2.5, 3.0, 2.5, 2.5),
                (5, 1.25, -1.0, -1.3, 1.25),
                (21, 0.125, 0.0, 0.1, 0.13),
            ]
        );
        let close: Vec<String> = values!(order_by!(filter!(qs, distance__lt = 10), id), first_name)
            .fetch(conn)
            .unwrap();
        assert_eq!(close, [s("Ann"), s("Bob")]);
    });
}

#[test]
fn cast_converts_between_sql_types() {
    each_backend("functions_cast", |_db, conn| {
        let rows = contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            age_text = Cast(age, Text),
            truncated = Cast(score, Integer),
            born_text = Cast(born, Text),
            joined_text = Cast(joined, Text),
            joined_day = Cast(joined, Date),
            born_at = Cast(born, DateTimeUtc)
        );
        let got: Vec<(String, i32, String, String, NaiveDate, DateTime<Utc>)> = values!(
            order_by!(qs, id),
            age_text,
            truncated,
            born_text,
            joined_text,
            joined_day,
            born_at
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            got,
            [
                (
                    s("31"),
                    2,
                    s("1990-05-17"),
                    s("2021-03-14 15:09:26.535897+00:00"),
                    day(2021, 3, 14),
                    at("1990-05-17T00:00:00Z")
                ),
                (
                    s("45"),
                    -1,
                    s("1985-11-03"),
                    s("2020-01-01 00:00:00.000000+00:00"),
                    day(2020, 1, 1),
                    at("1985-11-03T00:00:00Z")
                ),
                (
                    s("19"),
                    0,
                    s("2005-01-01"),
                    s("2019-12-29 12:00:00.500000+00:00"),
                    day(2019, 12, 29),
                    at("2005-01-01T00:00:00Z")
                ),
            ]
        );

        let qs = annotate!(
            Contact::objects(),
            seen_text = Cast(last_seen, Text),
            number = Cast(Cast(age, Text), BigInt),
            as_float = Cast(age, Double),
            small = Cast(age, SmallInt)
        );
        let got: Vec<(Option<String>, i64, f64, i16)> = values!(
            order_by!(qs.clone(), id),
            seen_text,
            number,
            as_float,
            small
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            got,
            [
                (Some(s("2024-02-29 23:59:59.999999+00:00")), 31, 31.0, 31),
                (None, 45, 45.0, 45),
                (Some(s("2020-06-30 08:15:00.000000+00:00")), 19, 19.0, 19),
            ]
        );
        let teen = filter!(qs, seen_text = "2020-06-30 08:15:00.000000+00:00");
        assert_eq!(teen.count(conn).unwrap(), 1);
        assert_eq!(rows.len(), 3);
    });
}

#[test]
fn now_is_the_current_time_in_the_stored_format() {
    each_backend("functions_now", |_db, conn| {
        contacts(conn);
        let before = Utc::now() - Duration::seconds(5);
        let rows: Vec<(Contact, DateTime<Utc>)> = annotate!(Contact::objects(), now = Now())
            .fetch(conn)
            .unwrap();
        let after = Utc::now() + Duration::seconds(5);
        assert_eq!(rows.len(), 3);
        for (_, now) in &rows {
            assert!(before <= *now && *now <= after, "{now} is not now");
        }
        // It compares with stored datetimes (as text on SQLite).
        let past = filter!(
            annotate!(Contact::objects(), now = Now()),
            joined__lt = F(now)
        );
        assert_eq!(past.count(conn).unwrap(), 3);
        let future = filter!(
            annotate!(Contact::objects(), now = Now()),
            now__lt = F(joined)
        );
        assert_eq!(future.count(conn).unwrap(), 0);
        let recent = Contact::objects()
            .create(
                Contact {
                    first_name: "Dee".into(),
                    joined: Utc::now() + Duration::days(1),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let future: Vec<String> = values!(
            filter!(
                annotate!(Contact::objects(), now = Now()),
                now__lt = F(joined)
            ),
            first_name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(future, [recent.first_name]);
    });
}

#[test]
fn extract_date_parts() {
    each_backend("functions_extract", |_db, conn| {
        let rows = contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            year = Extract(born, DatePart::Year),
            iso_year = ExtractIsoYear(born),
            quarter = ExtractQuarter(born),
            month = ExtractMonth(born),
            week = ExtractWeek(born),
            dom = ExtractDay(born)
        );
        let got: Vec<(i32, i32, i32, i32, i32, i32)> =
            values!(order_by!(qs, id), year, iso_year, quarter, month, week, dom)
                .fetch(conn)
                .unwrap();
        let expected: Vec<(i32, i32, i32, i32, i32, i32)> = rows
            .iter()
            .map(|r| {
                let b = r.born;
                (
                    b.year(),
                    b.iso_week().year(),
                    (b.month0() / 3 + 1) as i32,
                    b.month() as i32,
                    b.iso_week().week() as i32,
                    b.day() as i32,
                )
            })
            .collect();
        assert_eq!(got, expected);
        // 2005-01-01 is in ISO week 53 of 2004.
        assert_eq!((got[2].0, got[2].1, got[2].4), (2005, 2004, 53));

        let qs = annotate!(
            Contact::objects(),
            week_day = ExtractWeekDay(born),
            iso_week_day = ExtractIsoWeekDay(born),
            hour = ExtractHour(joined),
            minute = ExtractMinute(joined),
            second = ExtractSecond(joined),
            alarm_hour = ExtractHour(alarm)
        );
        let got: Vec<(i32, i32, i32, i32, i32, i32)> = values!(
            order_by!(qs, id),
            week_day,
            iso_week_day,
            hour,
            minute,
            second,
            alarm_hour
        )
        .fetch(conn)
        .unwrap();
        let expected: Vec<(i32, i32, i32, i32, i32, i32)> = rows
            .iter()
            .map(|r| {
                (
                    r.born.weekday().num_days_from_sunday() as i32 + 1,
                    r.born.weekday().number_from_monday() as i32,
                    r.joined.hour() as i32,
                    r.joined.minute() as i32,
                    r.joined.second() as i32,
                    r.alarm.hour() as i32,
                )
            })
            .collect();
        assert_eq!(got, expected);
        // Bob was born on a Sunday: 1 for Django's week_day, 7 for ISO.
        assert_eq!((got[1].0, got[1].1), (1, 7));

        let qs = annotate!(
            Contact::objects(),
            seen_month = Extract(last_seen, DatePart::Month),
            seen_week = Extract(last_seen, DatePart::Week),
            born_hour = Extract(born, DatePart::Hour),
            alarm_minute = ExtractMinute(alarm),
            alarm_second = ExtractSecond(alarm)
        );
        let got: Vec<(Option<i32>, Option<i32>, i32, i32, i32)> = values!(
            order_by!(qs.clone(), id),
            seen_month,
            seen_week,
            born_hour,
            alarm_minute,
            alarm_second
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            got,
            [
                (Some(2), Some(9), 0, 30, 15),
                (None, None, 0, 5, 0),
                (Some(6), Some(27), 0, 0, 59),
            ]
        );
        let summer = filter!(qs, seen_month = 6);
        assert_eq!(summer.count(conn).unwrap(), 1);
        let young = filter!(
            annotate!(Contact::objects(), year = ExtractYear(born)),
            year__gte = 1990
        );
        let young: Vec<String> = values!(order_by!(young, -year), first_name)
            .fetch(conn)
            .unwrap();
        assert_eq!(young, [s("Cid"), s("Ann")]);
    });
}

#[test]
fn trunc_dates_and_datetimes() {
    each_backend("functions_trunc", |_db, conn| {
        let rows = contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            year = TruncYear(born),
            quarter = Trunc(born, TruncKind::Quarter),
            month = TruncMonth(born),
            week = TruncWeek(born),
            same_day = TruncDay(born),
            hour_of_date = Trunc(born, TruncKind::Hour)
        );
        let got: Vec<(
            NaiveDate,
            NaiveDate,
            NaiveDate,
            NaiveDate,
            NaiveDate,
            NaiveDate,
        )> = values!(
            order_by!(qs, id),
            year,
            quarter,
            month,
            week,
            same_day,
            hour_of_date
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            got,
            [
                (
                    day(1990, 1, 1),
                    day(1990, 4, 1),
                    day(1990, 5, 1),
                    day(1990, 5, 14),
                    day(1990, 5, 17),
                    day(1990, 5, 17)
                ),
                (
                    day(1985, 1, 1),
                    day(1985, 10, 1),
                    day(1985, 11, 1),
                    day(1985, 10, 28),
                    day(1985, 11, 3),
                    day(1985, 11, 3)
                ),
                (
                    day(2005, 1, 1),
                    day(2005, 1, 1),
                    day(2005, 1, 1),
                    day(2004, 12, 27),
                    day(2005, 1, 1),
                    day(2005, 1, 1)
                ),
            ]
        );

        let qs = annotate!(
            Contact::objects(),
            quarter = Trunc(joined, TruncKind::Quarter),
            week = TruncWeek(joined),
            hour = TruncHour(joined),
            minute = TruncMinute(joined),
            second = TruncSecond(joined),
            date = TruncDate(joined)
        );
        type Row = (
            DateTime<Utc>,
            DateTime<Utc>,
            DateTime<Utc>,
            DateTime<Utc>,
            DateTime<Utc>,
            NaiveDate,
        );
        let got: Vec<Row> = values!(order_by!(qs, id), quarter, week, hour, minute, second, date)
            .fetch(conn)
            .unwrap();
        assert_eq!(
            got,
            [
                (
                    at("2021-01-01T00:00:00Z"),
                    at("2021-03-08T00:00:00Z"),
                    at("2021-03-14T15:00:00Z"),
                    at("2021-03-14T15:09:00Z"),
                    at("2021-03-14T15:09:26Z"),
                    day(2021, 3, 14)
                ),
                (
                    at("2020-01-01T00:00:00Z"),
                    at("2019-12-30T00:00:00Z"),
                    at("2020-01-01T00:00:00Z"),
                    at("2020-01-01T00:00:00Z"),
                    at("2020-01-01T00:00:00Z"),
                    day(2020, 1, 1)
                ),
                (
                    at("2019-10-01T00:00:00Z"),
                    at("2019-12-23T00:00:00Z"),
                    at("2019-12-29T12:00:00Z"),
                    at("2019-12-29T12:00:00Z"),
                    at("2019-12-29T12:00:00Z"),
                    day(2019, 12, 29)
                ),
            ]
        );

        // Truncated values compare with Rust values, and order.
        let qs = annotate!(
            Contact::objects(),
            month = TruncMonth(joined),
            year = Trunc(joined, TruncKind::Year),
            day_seen = TruncDay(last_seen)
        );
        let got: Vec<(DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>)> =
            values!(order_by!(qs.clone(), month), month, year, day_seen)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            got,
            [
                (
                    at("2019-12-01T00:00:00Z"),
                    at("2019-01-01T00:00:00Z"),
                    Some(at("2020-06-30T00:00:00Z"))
                ),
                (at("2020-01-01T00:00:00Z"), at("2020-01-01T00:00:00Z"), None),
                (
                    at("2021-03-01T00:00:00Z"),
                    at("2021-01-01T00:00:00Z"),
                    Some(at("2024-02-29T00:00:00Z"))
                ),
            ]
        );
        let march: Vec<String> = values!(
            filter!(qs.clone(), month = at("2021-03-01T00:00:00Z")),
            first_name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(march, [s("Ann")]);
        let since_2020 = filter!(qs, year__gte = at("2020-01-01T00:00:00Z"));
        assert_eq!(since_2020.count(conn).unwrap(), 2);
        assert_eq!(rows.len(), 3);
    });
}

#[test]
fn functions_inside_and_around_aggregates() {
    each_backend("functions_aggregates", |_db, conn| {
        contacts(conn);
        let (letters, last, longest) = aggregate!(
            Contact::objects(),
            letters = Sum(Length(first_name)),
            last = Max(Lower(last_name)),
            longest = Length(Max(last_name))
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            (letters, last, longest),
            (Some(9), Some(s("stone")), Some(5))
        );
        // Per group: a function of the grouped key and of an aggregate.
        let groups = annotate!(
            values!(Contact::objects(), last_name),
            shout = Upper(Max(first_name)),
            n = Count(id)
        );
        let groups: Vec<(String, Option<String>, i64)> =
            order_by!(groups, last_name).fetch(conn).unwrap();
        assert_eq!(
            groups,
            [
                (s("Apple"), Some(s("ANN")), 1),
                (s("Cole"), Some(s("CID")), 1),
                (s("Stone"), Some(s("BOB")), 1),
            ]
        );
    });
}

// A custom function: Django's `class Abs(Func): function = 'ABS'`, declared with a signature.
dorm::function!(
    /// `abs`, declared rather than built in.
    AbsOf = "abs"(Integer) -> Integer
);
dorm::function!(pub(crate) Swap = "replace"(Text, Text, Text) -> Text);
dorm::function!(LowerText = "lower"(Nullable<Text>) -> Nullable<Text>);

#[test]
fn custom_functions_resolve_like_built_in_ones() {
    each_backend("functions_custom", |_db, conn| {
        contacts(conn);
        let qs = annotate!(
            Contact::objects(),
            distance = AbsOf(age - 40),
            swapped = Swap(last_name, "e", "E"),
            nick = LowerText(nickname)
        );
        let got: Vec<(i32, String, Option<String>)> =
            values!(order_by!(qs.clone(), id), distance, swapped, nick)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            got,
            [
                (9, s("ApplE"), None),
                (5, s("StonE"), Some(s("bobby"))),
                (21, s("ColE"), Some(s("  cc  "))),
            ]
        );
        let near: Vec<String> = values!(
            order_by!(filter!(qs, distance__lte = 9), -distance),
            first_name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(near, [s("Ann"), s("Bob")]);
        // Inside an aggregate.
        let total = aggregate!(Contact::objects(), Sum(AbsOf(age - 40)))
            .fetch(conn)
            .unwrap();
        assert_eq!(total, Some(35));
    });
}

#[test]
fn stddev_and_variance_agree_on_every_backend() {
    each_backend("functions_statistics", |_db, conn| {
        let ages = [31.0, 45.0, 45.0, 19.0, 27.0];
        insert_people(
            conn,
            &[
                ("Ann", 31, None),
                ("Bob", 45, None),
                ("Cid", 45, None),
                ("Dee", 19, None),
                ("Eve", 27, None),
            ],
        );
        let n = ages.len() as f64;
        let mean = ages.iter().sum::<f64>() / n;
        let squares: f64 = ages.iter().map(|a| (a - mean) * (a - mean)).sum();
        let (pop_sd, sample_var) = (f64::sqrt(squares / n), squares / (n - 1.0));

        let (sd, var) = aggregate!(
            Person::objects(),
            s = StdDev(age),
            v = Variance(age, sample = true)
        )
        .fetch(conn)
        .unwrap();
        let (sd, var) = (sd.unwrap(), var.unwrap());
        assert!((sd - pop_sd).abs() < 1e-9, "{sd} != {pop_sd}");
        assert!((var - sample_var).abs() < 1e-9, "{var} != {sample_var}");

        let (sample_sd, pop_var) = aggregate!(
            Person::objects(),
            s = StdDev(age, sample = true),
            v = Variance(age)
        )
        .fetch(conn)
        .unwrap();
        assert!((sample_sd.unwrap() - sample_var.sqrt()).abs() < 1e-9);
        assert!((pop_var.unwrap() - squares / n).abs() < 1e-9);

        // One row: the population's is 0, the sample's is NULL; no rows: NULL.
        let one = filter!(Person::objects(), name = "Ann");
        let (pop, sample) = aggregate!(one, p = StdDev(age), s = Variance(age, sample = true))
            .fetch(conn)
            .unwrap();
        assert_eq!((pop, sample), (Some(0.0), None));
        let none = filter!(Person::objects(), age__gt = 99);
        assert_eq!(aggregate!(none, StdDev(age)).fetch(conn).unwrap(), None);
        // With a filter, over distinct values.
        let distinct = aggregate!(
            Person::objects(),
            v = Variance(age, distinct = true, filter = q!(age__gt = 20))
        )
        .fetch(conn)
        .unwrap();
        let d = [31.0, 45.0, 27.0];
        let dm = d.iter().sum::<f64>() / 3.0;
        let dv = d.iter().map(|a| (a - dm) * (a - dm)).sum::<f64>() / 3.0;
        assert!((distinct.unwrap() - dv).abs() < 1e-9);
    });
}
