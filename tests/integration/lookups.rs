//! Every lookup dorm implements, on every backend: text lookups with escaping, regex, isnull,
//! range, date and time transforms, and Q objects.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use dorm::prelude::*;

use crate::common::{each_backend, models::*};

fn people(conn: &mut dorm::Connection, rows: &[(&str, i32, Option<&str>)]) {
    crate::common::insert_people(conn, rows);
}

fn sorted(rows: Vec<Person>) -> Vec<String> {
    let mut names: Vec<String> = rows.into_iter().map(|p| p.name).collect();
    names.sort();
    names
}

#[test]
fn text_lookups_match_case_as_django_does() {
    each_backend("text_lookups", |_db, conn| {
        people(
            conn,
            &[
                ("Lennon", 1, None),
                ("lennon's tapes", 2, None),
                ("John LENNON", 3, None),
                ("McCartney", 4, None),
            ],
        );
        let q = |rows| sorted(rows);
        assert_eq!(
            q(filter!(Person::objects(), name__contains = "Lennon")
                .fetch(conn)
                .unwrap()),
            ["Lennon"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__icontains = "lennon")
                .fetch(conn)
                .unwrap()),
            ["John LENNON", "Lennon", "lennon's tapes"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__startswith = "Len")
                .fetch(conn)
                .unwrap()),
            ["Lennon"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__istartswith = "len")
                .fetch(conn)
                .unwrap()),
            ["Lennon", "lennon's tapes"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__endswith = "NON")
                .fetch(conn)
                .unwrap()),
            ["John LENNON"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__iendswith = "non")
                .fetch(conn)
                .unwrap()),
            ["John LENNON", "Lennon"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__iexact = "LENNON")
                .fetch(conn)
                .unwrap()),
            ["Lennon"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__exact = "lennon")
                .fetch(conn)
                .unwrap()),
            Vec::<String>::new()
        );
    });
}

#[test]
fn wildcards_in_values_are_literal() {
    each_backend("like_escaping", |_db, conn| {
        people(
            conn,
            &[
                ("50% off", 1, None),
                ("500 off", 2, None),
                ("a_b", 3, None),
                ("axb", 4, None),
                ("c\\d", 5, None),
                ("c\\\\d", 6, None),
                ("*star", 7, None),
                ("?mark", 8, None),
                ("[set]", 9, None),
                ("s", 10, None),
            ],
        );
        let q = |rows| sorted(rows);
        assert_eq!(
            q(filter!(Person::objects(), name__contains = "50%")
                .fetch(conn)
                .unwrap()),
            ["50% off"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__icontains = "50%")
                .fetch(conn)
                .unwrap()),
            ["50% off"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__contains = "_")
                .fetch(conn)
                .unwrap()),
            ["a_b"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__istartswith = "A_")
                .fetch(conn)
                .unwrap()),
            ["a_b"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__contains = "c\\d")
                .fetch(conn)
                .unwrap()),
            ["c\\d"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__iexact = "C\\D")
                .fetch(conn)
                .unwrap()),
            ["c\\d"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__startswith = "*")
                .fetch(conn)
                .unwrap()),
            ["*star"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__contains = "?")
                .fetch(conn)
                .unwrap()),
            ["?mark"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__startswith = "[s")
                .fetch(conn)
                .unwrap()),
            ["[set]"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__endswith = "]")
                .fetch(conn)
                .unwrap()),
            ["[set]"]
        );
    });
}

#[test]
fn case_folding_beyond_ascii_differs_by_backend() {
    each_backend("unicode_case", |db, conn| {
        people(conn, &[("Ärger", 1, None), ("straße", 2, None)]);
        let found = filter!(Person::objects(), name__icontains = "ärger")
            .count(conn)
            .unwrap();
        match db.vendor {
            // PostgreSQL's UPPER folds every alphabet.
            dorm::db::Vendor::Postgres => assert_eq!(found, 1),
            // SQLite's LIKE folds ASCII letters only (documented in dorm::lookups).
            _ => assert_eq!(found, 0),
        }
        // Exact-case lookups on non-ASCII text work everywhere.
        assert_eq!(
            filter!(Person::objects(), name__contains = "raß")
                .count(conn)
                .unwrap(),
            1
        );
    });
}

#[test]
fn regular_expressions() {
    each_backend("regex", |_db, conn| {
        people(
            conn,
            &[("Ann", 1, None), ("anna", 2, None), ("Bob", 3, None)],
        );
        assert_eq!(
            sorted(
                filter!(Person::objects(), name__regex = "^A.n$")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Ann"]
        );
        assert_eq!(
            sorted(
                filter!(Person::objects(), name__iregex = "^an")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Ann", "anna"]
        );
        assert_eq!(
            sorted(
                exclude!(Person::objects(), name__regex = "n")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Bob"]
        );
    });
}

/// An invalid pattern is an error on every backend, not an empty result; a long one is
/// compiled once, not once per row (the count of compilations is a unit test of
/// `dorm_regexp`).
#[test]
fn invalid_regular_expressions_are_errors() {
    each_backend("regex_invalid", |_db, conn| {
        let rows: Vec<(String, i32)> = (0..300).map(|i| (format!("p{i}"), i)).collect();
        let rows: Vec<(&str, i32, Option<&str>)> =
            rows.iter().map(|(n, a)| (n.as_str(), *a, None)).collect();
        people(conn, &rows);
        let long = "(".repeat(64 * 1024);
        for pattern in ["(", "a[", long.as_str()] {
            for result in [
                filter!(Person::objects(), name__regex = pattern).count(conn),
                filter!(Person::objects(), name__iregex = pattern).count(conn),
                exclude!(Person::objects(), name__regex = pattern).count(conn),
            ] {
                match result {
                    Err(err @ dorm::Error::InvalidRegex { .. }) => {
                        assert!(
                            err.to_string().starts_with("invalid regular expression: "),
                            "{err}"
                        );
                        assert!(err.to_string().len() < 300, "{err}");
                    }
                    other => panic!("{} chars: {other:?}", pattern.len()),
                }
            }
        }
        // The connection stays usable, and a valid pattern still matches.
        assert_eq!(
            filter!(Person::objects(), name__regex = "^p1[0-9]$")
                .count(conn)
                .unwrap(),
            10
        );
    });
}

#[test]
fn isnull_range_and_in() {
    each_backend("isnull_range", |_db, conn| {
        people(
            conn,
            &[("a", 10, None), ("b", 20, Some("")), ("c", 30, Some("cee"))],
        );
        assert_eq!(
            sorted(
                filter!(Person::objects(), nickname__isnull = true)
                    .fetch(conn)
                    .unwrap()
            ),
            ["a"]
        );
        assert_eq!(
            sorted(
                filter!(Person::objects(), nickname__isnull = false)
                    .fetch(conn)
                    .unwrap()
            ),
            ["b", "c"]
        );
        assert_eq!(
            sorted(
                filter!(Person::objects(), age__range = (15, 30))
                    .fetch(conn)
                    .unwrap()
            ),
            ["b", "c"]
        );
        assert_eq!(
            sorted(
                filter!(Person::objects(), age__in = [10, 30])
                    .fetch(conn)
                    .unwrap()
            ),
            ["a", "c"]
        );
        // The scrap book's "null or empty string" recipe.
        let empty = filter!(
            Person::objects(),
            q!(nickname__isnull = true) | q!(nickname = "")
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(sorted(empty), ["a", "b"]);
    });
}

#[test]
fn date_and_time_transforms() {
    each_backend("transforms", |_db, conn| {
        // 2024-12-30 is a Monday in ISO week 1 of 2025, fourth quarter.
        let at = Utc.with_ymd_and_hms(2024, 12, 30, 23, 45, 59).unwrap();
        let rows = [
            Everything {
                day: NaiveDate::from_ymd_opt(2024, 12, 30).unwrap(),
                at,
                time: NaiveTime::from_hms_opt(7, 8, 9).unwrap(),
                ..Default::default()
            },
            Everything {
                day: NaiveDate::from_ymd_opt(2021, 3, 7).unwrap(),
                at: Utc.with_ymd_and_hms(2021, 3, 7, 1, 2, 3).unwrap(),
                maybe_at: Some(at),
                ..Default::default()
            },
        ];
        Everything::objects()
            .bulk_create(rows.to_vec(), conn)
            .unwrap();
        let one = |n: i64| n;
        assert_eq!(
            filter!(Everything::objects(), day__year = 2024)
                .count(conn)
                .unwrap(),
            one(1)
        );
        assert_eq!(
            filter!(Everything::objects(), day__year__gte = 2021)
                .count(conn)
                .unwrap(),
            2
        );
        assert_eq!(
            filter!(Everything::objects(), day__month = 12, day__day = 30)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), day__week = 1)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), day__quarter = 4)
                .count(conn)
                .unwrap(),
            1
        );
        // 2024-12-30 is a Monday (2), 2021-03-07 a Sunday (1).
        assert_eq!(
            filter!(Everything::objects(), day__week_day = 2)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), day__week_day = 1)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                at__year = 2024,
                at__hour = 23,
                at__minute = 45,
                at__second = 59
            )
            .count(conn)
            .unwrap(),
            1
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                at__date = NaiveDate::from_ymd_opt(2021, 3, 7).unwrap()
            )
            .count(conn)
            .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), at__month__in = [3, 4])
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), time__hour = 7, time__second__lt = 10)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), maybe_at__year = 2024)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), day__year__range = (2020, 2022))
                .count(conn)
                .unwrap(),
            1
        );
    });
}

#[test]
fn q_objects_combine_with_and_or_not() {
    each_backend("q_objects", |_db, conn| {
        people(
            conn,
            &[
                ("Rachel", 30, None),
                ("Ross", 31, None),
                ("Dan", 40, None),
                ("Monica", 29, Some("mon")),
            ],
        );
        let r_or_d = q!(name__startswith = "R") | q!(name__startswith = "D");
        assert_eq!(
            sorted(filter!(Person::objects(), r_or_d).fetch(conn).unwrap()),
            ["Dan", "Rachel", "Ross"]
        );
        assert_eq!(
            sorted(
                filter!(
                    Person::objects(),
                    q!(name__startswith = "R") & q!(age__gt = 30)
                )
                .fetch(conn)
                .unwrap()
            ),
            ["Ross"]
        );
        assert_eq!(
            sorted(
                filter!(Person::objects(), !q!(name__startswith = "R"))
                    .fetch(conn)
                    .unwrap()
            ),
            ["Dan", "Monica"]
        );
        // Mixed with keyword arguments, nested freely.
        let nested = (q!(age = 30) | q!(age = 31)) & !q!(name = "Ross");
        assert_eq!(
            sorted(
                filter!(Person::objects(), nested, age__lt = 100)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Rachel"]
        );
        // ~Q keeps NULLs, like exclude.
        assert_eq!(
            sorted(
                filter!(Person::objects(), !q!(nickname = "mon"))
                    .fetch(conn)
                    .unwrap()
            ),
            ["Dan", "Rachel", "Ross"]
        );
        assert_eq!(
            sorted(
                exclude!(Person::objects(), q!(age__lt = 30) | q!(age__gt = 35))
                    .fetch(conn)
                    .unwrap()
            ),
            ["Rachel", "Ross"]
        );
    });
}

#[test]
fn values_are_never_sql() {
    each_backend("injection", |_db, conn| {
        people(conn, &[("safe", 1, None)]);
        let evil = "'; DROP TABLE tests_person; --";
        assert_eq!(
            filter!(Person::objects(), name = evil).count(conn).unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__iexact = evil)
                .count(conn)
                .unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__contains = evil)
                .count(conn)
                .unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__icontains = evil)
                .count(conn)
                .unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__startswith = evil)
                .count(conn)
                .unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__iendswith = evil)
                .count(conn)
                .unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__regex = evil)
                .count(conn)
                .unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__in = [evil])
                .count(conn)
                .unwrap(),
            0
        );
        assert_eq!(
            filter!(Person::objects(), name__gt = evil)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Person::objects(), nickname__range = (evil, evil))
                .count(conn)
                .unwrap(),
            0
        );
        dorm::update!(Person::objects().all(), name = evil)
            .execute(conn)
            .unwrap();
        assert_eq!(
            filter!(Person::objects(), name = evil).count(conn).unwrap(),
            1,
            "stored verbatim, table intact"
        );
    });
}

#[test]
fn f_expressions_compare_columns_and_compute_in_the_database() {
    use rust_decimal::Decimal;
    each_backend("f_expressions", |_db, conn| {
        let rows = [
            Everything {
                char: "same".into(),
                text: "same".into(),
                int: 10,
                positive: 4,
                latitude: Decimal::new(15, 1),
                ..Default::default()
            },
            Everything {
                char: "one".into(),
                text: "other".into(),
                int: 3,
                positive: 4,
                latitude: Decimal::new(25, 1),
                ..Default::default()
            },
        ];
        Everything::objects()
            .bulk_create(rows.to_vec(), conn)
            .unwrap();
        assert_eq!(
            filter!(Everything::objects(), char = F(text))
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            exclude!(Everything::objects(), char = F(text))
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), int__gt = F(positive) * 2)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                int__lt = F(positive) + F(positive) - 1
            )
            .count(conn)
            .unwrap(),
            1
        );
        // Race-free increments: the database computes the new value.
        let (n, queries) = dorm::db::instrumentation::capture_queries(|| {
            dorm::update!(
                Everything::objects().all(),
                int = F(int) + 1,
                latitude = F(latitude) + Decimal::new(1, 1)
            )
            .execute(conn)
            .unwrap()
        });
        assert_eq!(n, 2);
        assert_eq!(queries.len(), 1);
        let mut rows = dorm::order_by!(Everything::objects().all(), int)
            .fetch(conn)
            .unwrap();
        rows.sort_by_key(|e| e.int);
        assert_eq!(rows.iter().map(|e| e.int).collect::<Vec<_>>(), [4, 11]);
        assert_eq!(
            rows.iter().map(|e| e.latitude).collect::<Vec<_>>(),
            [Decimal::new(26, 1), Decimal::new(16, 1)]
        );
    });
}

#[test]
fn f_reads_a_field_across_foreign_keys_in_filters() {
    use crate::common::rows::{novel, owner, writer};
    each_backend("f_across_foreign_keys", |_db, conn| {
        let dune = writer(conn, "Dune");
        let other = writer(conn, "Herbert");
        let shelf = owner(conn, "Dune");
        novel(conn, &dune, "Dune", 412, Some(&shelf));
        novel(conn, &dune, "Children", 444, None);
        novel(conn, &other, "Dune", 300, None);
        let titles = |qs: Vec<Novel>| -> Vec<(String, i32)> {
            let mut seen: Vec<_> = qs.into_iter().map(|n| (n.title, n.pages)).collect();
            seen.sort();
            seen
        };
        // Novel.objects.filter(title=F("writer__name")): the novel's own writer.
        let same = filter!(Novel::objects(), title = F(writer__name));
        assert_eq!(titles(same.fetch(conn).unwrap()), [("Dune".into(), 412)]);
        // A nullable path: a novel without an owner matches nothing, and exclude! keeps it
        // (Django's exclude() of a NULL comparison).
        let owned = filter!(Novel::objects(), title = F(owner__name));
        assert_eq!(titles(owned.fetch(conn).unwrap()), [("Dune".into(), 412)]);
        let not_owned = exclude!(Novel::objects(), title = F(owner__name));
        assert_eq!(
            titles(not_owned.fetch(conn).unwrap()),
            [("Children".into(), 444), ("Dune".into(), 300)]
        );
        // Two hops, in arithmetic and in q!.
        let longer = filter!(Novel::objects(), pages__gt = F(owner__id) + 400);
        assert_eq!(titles(longer.fetch(conn).unwrap()), [("Dune".into(), 412)]);
        let either = filter!(
            Novel::objects(),
            q!(title = F(writer__name)) | q!(pages__gt = 440)
        );
        assert_eq!(
            titles(either.fetch(conn).unwrap()),
            [("Children".into(), 444), ("Dune".into(), 412)]
        );
    });
}

#[test]
fn f_across_a_multi_valued_relation_matches_any_related_row() {
    use crate::common::rows::{novel, tag, writer};
    each_backend("f_across_many", |_db, conn| {
        let dune = writer(conn, "Dune");
        let herbert = writer(conn, "Herbert");
        writer(conn, "Nobody");
        let first = novel(conn, &dune, "Dune", 412, None);
        novel(conn, &dune, "Children", 444, None);
        novel(conn, &herbert, "Dune", 300, None);
        let dunes = tag(conn, "Dune");
        tag(conn, "sand");
        first.tags().add([&dunes], conn).unwrap();
        let names = |qs: Vec<Writer>| -> Vec<String> {
            let mut seen: Vec<_> = qs.into_iter().map(|w| w.name).collect();
            seen.sort();
            seen
        };
        // Writer.objects.filter(name=F("novel__title")): a writer with a novel of its name,
        // once however many match (dorm never repeats rows).
        let named = filter!(Writer::objects(), name = F(novel__title));
        assert_eq!(names(named.fetch(conn).unwrap()), ["Dune"]);
        let not_named = exclude!(Writer::objects(), name = F(novel__title));
        assert_eq!(names(not_named.fetch(conn).unwrap()), ["Herbert", "Nobody"]);
        // Comparisons flip: a writer whose name is after some novel's title.
        let after = filter!(Writer::objects(), name__gt = F(novel__title));
        assert_eq!(names(after.fetch(conn).unwrap()), ["Dune", "Herbert"]);
        // A foreign key, then the related model's novels: the other novels of the writer.
        let shorter: Vec<(String, i32)> = order_by!(
            filter!(Novel::objects(), pages__lt = F(writer__novel__pages)),
            pages
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|n| (n.title, n.pages))
        .collect();
        assert_eq!(shorter, [("Dune".into(), 412)]);
        // Across a many-to-many relation, reverse.
        let tags: Vec<String> = filter!(Tag::objects(), label = F(novel__title))
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|t| t.label)
            .collect();
        assert_eq!(tags, ["Dune"]);
        // As Django's join, the filter restricts a later aggregate over the relation.
        let counted: Vec<(String, i64)> = dorm::annotate!(
            filter!(Writer::objects(), name = F(novel__title)),
            n = Count(novel)
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|(w, n)| (w.name, n))
        .collect();
        assert_eq!(counted, [("Dune".into(), 1)]);
    });
}

#[test]
fn json_key_paths_and_containment() {
    use serde_json::json;
    each_backend("json_lookups", |_db, conn| {
        let docs = [
            json!({"InvoiceNumber": {"FirstName": "Daan", "LastName": "Jansen"}, "total": 12, "tags": ["a", "b"], "paid": true}),
            json!({"InvoiceNumber": {"FirstName": "Anna"}, "total": 5, "tags": ["b"], "note": null}),
            json!({"other": 1}),
        ];
        for data in &docs {
            Everything::objects()
                .create(
                    Everything {
                        data: data.clone(),
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
        }
        let count = |n: i64| n;
        // The scrap book's `data__contains={"InvoiceNumber": {"FirstName": "Daan"}}`.
        assert_eq!(
            filter!(
                Everything::objects(),
                data__contains = json!({"InvoiceNumber": {"FirstName": "Daan"}})
            )
            .count(conn)
            .unwrap(),
            count(1)
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                data__contains = json!({"tags": ["b"]})
            )
            .count(conn)
            .unwrap(),
            2
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                data__contained_by = json!({"other": 1, "more": 2})
            )
            .count(conn)
            .unwrap(),
            1
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                data__InvoiceNumber__FirstName = "Daan"
            )
            .count(conn)
            .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), data__total = 5)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), data__total = "5")
                .count(conn)
                .unwrap(),
            0,
            "JSON compares JSON: 5 is not \"5\""
        );
        assert_eq!(
            filter!(Everything::objects(), data__paid = true)
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), data__tags__0 = "b")
                .count(conn)
                .unwrap(),
            1,
            "array index"
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                data__InvoiceNumber__contains = json!({"LastName": "Jansen"})
            )
            .count(conn)
            .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), data__has_key = "InvoiceNumber")
                .count(conn)
                .unwrap(),
            2
        );
        assert_eq!(
            filter!(Everything::objects(), data__has_keys = ["total", "paid"])
                .count(conn)
                .unwrap(),
            1
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                data__has_any_keys = ["paid", "other"]
            )
            .count(conn)
            .unwrap(),
            2
        );
        assert_eq!(
            filter!(
                Everything::objects(),
                data__InvoiceNumber__has_key = "LastName"
            )
            .count(conn)
            .unwrap(),
            1
        );
        assert_eq!(
            filter!(Everything::objects(), data__missing__isnull = true)
                .count(conn)
                .unwrap(),
            3
        );
        // Keys and values are parameters, never SQL.
        assert_eq!(
            filter!(
                Everything::objects(),
                data__has_key = "x'); DROP TABLE tests_everything; --"
            )
            .count(conn)
            .unwrap(),
            0
        );
        assert_eq!(Everything::objects().all().count(conn).unwrap(), 3);
    });
}

#[test]
fn hostile_json_keys_are_parameters() {
    use serde_json::json;
    each_backend("hostile_json_keys", |_db, conn| {
        Everything::objects()
            .create(
                Everything {
                    data: json!({"al\"ias": 1, "a'lias": 2}),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        for name in [
            "al\"ias", "a'lias", "ali`as", "alias--", "ali/*as", "alias;", "ali\nas",
        ] {
            let found = filter!(Everything::objects(), data__has_key = name)
                .count(conn)
                .unwrap();
            assert_eq!(
                found,
                i64::from(name == "al\"ias" || name == "a'lias"),
                "{name:?}"
            );
            let contained = filter!(Everything::objects(), data__contains = json!({ name: 1 }))
                .count(conn)
                .unwrap();
            assert_eq!(contained, i64::from(name == "al\"ias"), "{name:?}");
        }
        assert_eq!(Everything::objects().all().count(conn).unwrap(), 1);
    });
}

#[test]
fn in_with_a_subquery() {
    each_backend("in_subquery", |_db, conn| {
        people(conn, &[("a", 10, None), ("b", 20, None), ("c", 30, None)]);
        Everything::objects()
            .create(
                Everything {
                    int: 20,
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let (rows, queries) = dorm::db::instrumentation::capture_queries(|| {
            filter!(
                Person::objects(),
                age__in = dorm::values_list!(Everything::objects().all(), int)
            )
            .fetch(conn)
            .unwrap()
        });
        assert_eq!(sorted(rows), ["b"]);
        assert_eq!(queries.len(), 1, "one query with a subquery");
        let older = dorm::values_list!(filter!(Person::objects(), age__gte = 20), id);
        assert_eq!(
            sorted(
                exclude!(Person::objects(), id__in = older)
                    .fetch(conn)
                    .unwrap()
            ),
            ["a"]
        );
    });
}

#[test]
fn hostile_values_in_every_lookup() {
    each_backend("hostile_values", |_db, conn| {
        people(conn, &[("safe", 1, Some("nick"))]);
        let evil = "'; DROP TABLE tests_person; --";
        let counts = [
            filter!(Person::objects(), name = evil).count(conn).unwrap(),
            filter!(Person::objects(), name__exact = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__iexact = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__contains = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__icontains = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__startswith = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__istartswith = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__endswith = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__iendswith = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__regex = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__iregex = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__in = [evil, evil])
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__lt = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__lte = evil)
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), name__range = (evil, evil))
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), nickname = evil)
                .count(conn)
                .unwrap(),
            exclude!(Person::objects(), name__gte = evil)
                .count(conn)
                .unwrap(),
        ];
        assert!(counts.iter().all(|c| *c == 0), "{counts:?}");
        assert_eq!(
            filter!(Person::objects(), name__gt = evil)
                .count(conn)
                .unwrap(),
            1,
            "the table is intact"
        );
    });
}

#[test]
fn filter_without_a_queryset_is_a_condition() {
    each_backend("filter_as_condition", |_db, conn| {
        people(conn, &[("What now", 1, None), ("Who", 2, None)]);
        let rows = Person::objects()
            .filter(filter!(name__startswith = "What"))
            .fetch(conn)
            .unwrap();
        assert_eq!(sorted(rows), ["What now"]);
        let rows = Person::objects()
            .all()
            .filter(exclude!(name__startswith = "What", age = 1))
            .fetch(conn)
            .unwrap();
        assert_eq!(sorted(rows), ["Who"]);
    });
}

#[test]
fn dynamic_q_composes_conditions_at_run_time() {
    use dorm::lookups::DynQ;
    each_backend("dynamic_q", |_db, conn| {
        people(
            conn,
            &[
                ("Ann", 31, None),
                ("Andy", 17, Some("A")),
                ("Bob", 45, None),
            ],
        );
        let search = |prefix: Option<&str>, adults: bool, nick: Option<bool>| {
            let mut q = DynQ::<Person>::all();
            if let Some(p) = prefix {
                q = q & DynQ::new(q!(name__startswith = p.to_string()));
            }
            if adults {
                q = q & DynQ::new(q!(age__gte = 18));
            }
            if let Some(has) = nick {
                q = q & DynQ::new(q!(nickname__isnull = !has));
            }
            q
        };
        let count = |q: DynQ<Person>, conn: &mut dorm::Connection| {
            Person::objects().filter(q).count(conn).unwrap()
        };
        assert_eq!(count(search(None, false, None), conn), 3);
        assert_eq!(count(search(Some("An"), false, None), conn), 2);
        assert_eq!(count(search(Some("An"), true, None), conn), 1);
        assert_eq!(count(search(None, false, Some(true)), conn), 1);
        // OR, NOT, and with a static filter! on the same QuerySet.
        let either = DynQ::new(q!(age__lt = 18)) | DynQ::new(q!(name = "Bob"));
        assert_eq!(count(either.clone(), conn), 2);
        assert_eq!(count(!either.clone(), conn), 1);
        let mixed = filter!(Person::objects(), either, nickname__isnull = true)
            .fetch(conn)
            .unwrap();
        assert_eq!(mixed.len(), 1);
        assert_eq!(mixed[0].name, "Bob");
        // `all() | x` is everything; `all() & x` is x.
        assert_eq!(count(DynQ::all() | DynQ::new(q!(age = 0)), conn), 3);
        assert_eq!(count(DynQ::all() & DynQ::new(q!(age = 31)), conn), 1);
    });
}

/// `__in` lists longer than any backend's bind limit (32,766 on SQLite, 65,535 on PostgreSQL)
/// select exactly what a short list of the values that exist selects, in filter!, exclude! and
/// q!, for every kind of value.
#[test]
fn in_lists_beyond_the_bind_limit() {
    use chrono::{DateTime, Duration, Utc};
    use rust_decimal::Decimal;
    each_backend("in_huge", |_db, conn| {
        let rows: Vec<(String, i32, Option<String>)> = (0..300)
            .map(|i| (format!("n{i}"), i, (i % 3 != 0).then(|| format!("k{i}"))))
            .collect();
        let borrowed: Vec<(&str, i32, Option<&str>)> = rows
            .iter()
            .map(|(n, a, k)| (n.as_str(), *a, k.as_deref()))
            .collect();
        people(conn, &borrowed);
        let everyone = Person::objects().all().fetch(conn).unwrap();
        let wanted: Vec<&Person> = everyone.iter().step_by(3).collect();
        let expected = sorted(wanted.iter().map(|p| (*p).clone()).collect());

        // A million ids, almost all of them matching nothing.
        let mut ids: Vec<i64> = wanted.iter().map(|p| p.id.get().unwrap()).collect();
        let small_ids = ids.clone();
        ids.extend(10_000_000..10_000_000 + (1_000_000 - ids.len() as i64));
        assert_eq!(ids.len(), 1_000_000);
        // Once with a million; the rest with 200,000 (still beyond both limits), to stay quick.
        let ids_200k = &ids[..200_000];
        assert_eq!(
            sorted(
                filter!(Person::objects(), id__in = ids.clone())
                    .fetch(conn)
                    .unwrap()
            ),
            expected
        );
        assert_eq!(
            filter!(Person::objects(), id__in = ids_200k)
                .count(conn)
                .unwrap(),
            100
        );
        assert_eq!(
            exclude!(Person::objects(), id__in = ids_200k.to_vec())
                .count(conn)
                .unwrap(),
            200
        );
        assert_eq!(
            filter!(
                Person::objects(),
                q!(id__in = ids_200k.to_vec()) | q!(age = 1)
            )
            .count(conn)
            .unwrap(),
            101
        );
        assert_eq!(
            filter!(Person::objects(), !q!(id__in = ids_200k.to_vec()))
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), !q!(id__in = small_ids.clone()))
                .count(conn)
                .unwrap()
        );

        // Text, owned and borrowed; a nullable column keeps NULL semantics in exclude!.
        let mut names: Vec<String> = wanted.iter().map(|p| p.name.clone()).collect();
        names.extend((0..100_000).map(|i| format!("zz{i}")));
        assert_eq!(
            sorted(
                filter!(Person::objects(), name__in = names.clone())
                    .fetch(conn)
                    .unwrap()
            ),
            expected
        );
        assert_eq!(
            filter!(
                Person::objects(),
                name__in = names.iter().map(String::as_str)
            )
            .count(conn)
            .unwrap(),
            100
        );
        let mut nicks: Vec<String> = (0..300).step_by(2).map(|i| format!("k{i}")).collect();
        let small_nicks = nicks.clone();
        nicks.extend((0..100_000).map(|i| format!("x{i}")));
        let big = exclude!(Person::objects(), nickname__in = nicks.clone());
        let small = exclude!(Person::objects(), nickname__in = small_nicks.clone());
        assert_eq!(
            sorted(big.fetch(conn).unwrap()),
            sorted(small.fetch(conn).unwrap())
        );
        assert_eq!(
            filter!(Person::objects(), nickname__in = nicks.clone())
                .count(conn)
                .unwrap(),
            filter!(Person::objects(), nickname__in = small_nicks)
                .count(conn)
                .unwrap()
        );

        // Every other kind of value, 2,000 of each of which two exist.
        let day0 = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let at0: DateTime<Utc> = Utc.with_ymd_and_hms(2020, 1, 1, 12, 0, 0).unwrap();
        let things: Vec<Everything> = (0..6)
            .map(|i| {
                Everything::objects()
                    .create(
                        Everything {
                            small: i as i16,
                            big: 1_000_000_000_000 + i,
                            float: i as f64 + 0.25,
                            flag: i % 2 == 0,
                            day: day0 + Duration::days(i),
                            at: at0 + Duration::microseconds(i * 1_000_001),
                            time: NaiveTime::from_hms_micro_opt(1, 2, 3, i as u32).unwrap(),
                            latitude: Decimal::new(12_345_678_901 + i, 10),
                            price: Some(Decimal::new(1999 + i, 2)),
                            country: if i == 0 {
                                Country::Netherlands
                            } else {
                                Country::Germany
                            },
                            ..Default::default()
                        },
                        conn,
                    )
                    .unwrap()
            })
            .collect();
        let pick = |f: &dyn Fn(&Everything) -> i64| -> Vec<i64> {
            let mut v = vec![f(&things[1]), f(&things[4])];
            v.extend((0..2_000).map(|i| 1_000_000 + i));
            v
        };
        macro_rules! count {
            ($qs:expr) => {
                $qs.count(conn).unwrap()
            };
        }
        let smalls: Vec<i16> = [1, 4].into_iter().chain(100..2_100).collect();
        assert_eq!(
            count!(filter!(Everything::objects(), small__in = smalls)),
            2
        );
        assert_eq!(
            count!(filter!(Everything::objects(), big__in = pick(&|e| e.big))),
            2
        );
        let floats: Vec<f64> = [things[1].float, things[4].float]
            .into_iter()
            .chain((0..2_000).map(|i| 1e6 + i as f64))
            .collect();
        assert_eq!(
            count!(filter!(Everything::objects(), float__in = floats)),
            2
        );
        let days: Vec<NaiveDate> = [things[1].day, things[4].day]
            .into_iter()
            .chain((0..2_000).map(|i| day0 + Duration::days(1000 + i)))
            .collect();
        assert_eq!(count!(filter!(Everything::objects(), day__in = days)), 2);
        let ats: Vec<DateTime<Utc>> = [things[1].at, things[4].at]
            .into_iter()
            .chain((0..2_000).map(|i| at0 + Duration::days(1000 + i)))
            .collect();
        assert_eq!(count!(filter!(Everything::objects(), at__in = ats)), 2);
        let times: Vec<NaiveTime> = [things[1].time, things[4].time]
            .into_iter()
            .chain(
                (0..2_000)
                    .map(|i| NaiveTime::from_hms_opt(20, 0, 0).unwrap() + Duration::seconds(i)),
            )
            .collect();
        assert_eq!(count!(filter!(Everything::objects(), time__in = times)), 2);
        let lats: Vec<Decimal> = [things[1].latitude, things[4].latitude]
            .into_iter()
            .chain((0..2_000).map(|i| Decimal::new(i, 3)))
            .collect();
        assert_eq!(
            count!(filter!(Everything::objects(), latitude__in = lats)),
            2
        );
        let prices: Vec<Decimal> = [things[1].price.unwrap(), things[4].price.unwrap()]
            .into_iter()
            .chain((0..2_000).map(|i| Decimal::new(100_000 + i, 2)))
            .collect();
        assert_eq!(
            count!(filter!(Everything::objects(), price__in = prices.clone())),
            2
        );
        assert_eq!(
            count!(exclude!(Everything::objects(), price__in = prices)),
            4
        );
        let countries: Vec<Country> = (0..2_000).map(|_| Country::Netherlands).collect();
        assert_eq!(
            count!(filter!(Everything::objects(), country__in = countries)),
            1
        );
        let flags: Vec<bool> = (0..2_000).map(|i| i % 7 == 1).collect();
        assert_eq!(count!(filter!(Everything::objects(), flag__in = flags)), 6);

        // Foreign keys.
        let tolkien = crate::common::rows::writer(conn, "Tolkien");
        let lewis = crate::common::rows::writer(conn, "Lewis");
        crate::common::rows::novel(conn, &tolkien, "The Hobbit", 310, None);
        crate::common::rows::novel(conn, &lewis, "Narnia", 200, None);
        let mut writers: Vec<dorm::ForeignKey<Writer>> =
            vec![dorm::ForeignKey::to(&tolkien).unwrap()];
        writers.extend((0..50_000).map(|i| dorm::ForeignKey::new(1_000_000 + i)));
        assert_eq!(
            filter!(Novel::objects(), writer__in = writers.clone())
                .fetch(conn)
                .unwrap()
                .into_iter()
                .map(|n| n.title)
                .collect::<Vec<_>>(),
            ["The Hobbit"]
        );
        assert_eq!(
            filter!(Novel::objects(), writer__in = &writers)
                .count(conn)
                .unwrap(),
            1
        );
    });
}
