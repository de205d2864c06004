//! QuerySets: lookups, exclude, ordering, slicing, the single-row getters, counting,
//! updates, streaming and SQL printing.

use dorm::prelude::*;
use dorm::{field, Executor};

use crate::common::{each_backend, models::*};

fn people(conn: &mut dorm::Connection) {
    let rows = [
        ("Ann", 34, None),
        ("Bob", 17, Some("bobby")),
        ("Cid", 52, None),
        ("Dee", 12, Some("")),
        ("Eve", 34, Some("evie")),
    ];
    crate::common::insert_people(conn, &rows);
}

fn names<I: IntoIterator<Item = Person>>(rows: I) -> Vec<String> {
    rows.into_iter().map(|p| p.name).collect()
}

#[test]
fn comparison_lookups() {
    each_backend("comparison_lookups", |_db, conn| {
        people(conn);
        let q = |qs: Vec<Person>| {
            let mut n = names(qs);
            n.sort();
            n
        };
        assert_eq!(
            q(filter!(Person::objects(), age = 34).fetch(conn).unwrap()),
            ["Ann", "Eve"]
        );
        assert_eq!(
            q(filter!(Person::objects(), age__exact = 17)
                .fetch(conn)
                .unwrap()),
            ["Bob"]
        );
        assert_eq!(
            q(filter!(Person::objects(), age__gt = 34)
                .fetch(conn)
                .unwrap()),
            ["Cid"]
        );
        assert_eq!(
            q(filter!(Person::objects(), age__gte = 34)
                .fetch(conn)
                .unwrap()),
            ["Ann", "Cid", "Eve"]
        );
        assert_eq!(
            q(filter!(Person::objects(), age__lt = 17)
                .fetch(conn)
                .unwrap()),
            ["Dee"]
        );
        assert_eq!(
            q(filter!(Person::objects(), age__lte = 17)
                .fetch(conn)
                .unwrap()),
            ["Bob", "Dee"]
        );
        assert_eq!(
            q(filter!(Person::objects(), name__in = ["Bob", "Eve", "Zed"])
                .fetch(conn)
                .unwrap()),
            ["Bob", "Eve"]
        );
        assert!(filter!(Person::objects(), name__in = Vec::<String>::new())
            .fetch(conn)
            .unwrap()
            .is_empty());
        assert_eq!(
            q(filter!(Person::objects(), age__gte = 17, age__lt = 40)
                .fetch(conn)
                .unwrap()),
            ["Ann", "Bob", "Eve"]
        );
        assert_eq!(
            q(
                filter!(filter!(Person::objects(), age__gte = 17), name__lt = "C")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Ann", "Bob"]
        );
        assert_eq!(
            q(filter!(Person::objects(), nickname = "bobby")
                .fetch(conn)
                .unwrap()),
            ["Bob"]
        );
        let name = String::from("Cid");
        assert_eq!(
            q(filter!(Person::objects(), name = &name)
                .fetch(conn)
                .unwrap()),
            ["Cid"]
        );
    });
}

#[test]
fn exclude_keeps_rows_where_the_condition_is_null() {
    each_backend("exclude_null", |_db, conn| {
        people(conn);
        // Django: exclude(nickname="bobby") keeps the rows whose nickname is NULL.
        let mut rest = names(
            exclude!(Person::objects(), nickname = "bobby")
                .fetch(conn)
                .unwrap(),
        );
        rest.sort();
        assert_eq!(rest, ["Ann", "Cid", "Dee", "Eve"]);
        // Several arguments: NOT (a AND b).
        let mut rest = names(
            exclude!(Person::objects(), age = 34, name = "Ann")
                .fetch(conn)
                .unwrap(),
        );
        rest.sort();
        assert_eq!(rest, ["Bob", "Cid", "Dee", "Eve"]);
        let mut both = names(
            exclude!(filter!(Person::objects(), age__gt = 15), name = "Cid")
                .fetch(conn)
                .unwrap(),
        );
        both.sort();
        assert_eq!(both, ["Ann", "Bob", "Eve"]);
    });
}

#[test]
fn ordering() {
    each_backend("ordering", |_db, conn| {
        people(conn);
        // The model's default ordering: -age, name.
        assert_eq!(
            names(Person::objects().all().fetch(conn).unwrap()),
            ["Cid", "Ann", "Eve", "Bob", "Dee"]
        );
        assert_eq!(
            names(
                dorm::order_by!(Person::objects().all(), name)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Ann", "Bob", "Cid", "Dee", "Eve"]
        );
        assert_eq!(
            names(
                dorm::order_by!(Person::objects().all(), age, -name)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Dee", "Bob", "Eve", "Ann", "Cid"]
        );
        assert_eq!(
            names(Person::objects().all().reverse().fetch(conn).unwrap()),
            ["Dee", "Bob", "Eve", "Ann", "Cid"]
        );
        let unordered = Person::objects().all().clear_ordering().sql(conn.vendor());
        assert!(!unordered.contains("ORDER BY"), "{unordered}");
    });
}

#[test]
fn slicing_first_last_and_nth() {
    each_backend("slicing", |_db, conn| {
        people(conn);
        let by_name = || dorm::order_by!(Person::objects().all(), name);
        assert_eq!(
            names(by_name().slice(..2).fetch(conn).unwrap()),
            ["Ann", "Bob"]
        );
        assert_eq!(
            names(by_name().slice(1..3).fetch(conn).unwrap()),
            ["Bob", "Cid"]
        );
        assert_eq!(
            names(by_name().slice(3..).fetch(conn).unwrap()),
            ["Dee", "Eve"]
        );
        assert_eq!(
            names(by_name().slice(1..4).slice(1..).fetch(conn).unwrap()),
            ["Cid", "Dee"]
        );
        assert!(by_name().slice(10..).fetch(conn).unwrap().is_empty());
        assert_eq!(
            by_name().nth(1, conn).unwrap().map(|p| p.name).as_deref(),
            Some("Bob")
        );
        assert_eq!(by_name().nth(9, conn).unwrap(), None);
        assert_eq!(
            by_name().first(conn).unwrap().map(|p| p.name).as_deref(),
            Some("Ann")
        );
        assert_eq!(
            by_name().last(conn).unwrap().map(|p| p.name).as_deref(),
            Some("Eve")
        );
        // Unordered: by primary key, as Django's first()/last().
        let unordered = || Person::objects().all().clear_ordering();
        assert_eq!(
            unordered().first(conn).unwrap().map(|p| p.name).as_deref(),
            Some("Ann")
        );
        assert_eq!(
            unordered().last(conn).unwrap().map(|p| p.name).as_deref(),
            Some("Eve")
        );
        assert_eq!(
            Person::objects()
                .all()
                .earliest(field!(age), conn)
                .unwrap()
                .name,
            "Dee"
        );
        assert_eq!(
            Person::objects()
                .all()
                .latest(field!(age), conn)
                .unwrap()
                .name,
            "Cid"
        );
        assert!(filter!(Person::objects(), age__gt = 100)
            .first(conn)
            .unwrap()
            .is_none());
        assert!(filter!(Person::objects(), age__gt = 100)
            .earliest(field!(age), conn)
            .unwrap_err()
            .is_does_not_exist());
    });
}

#[test]
fn counting_existence_and_in_bulk() {
    each_backend("counting", |_db, conn| {
        assert_eq!(Person::objects().all().count(conn).unwrap(), 0);
        assert!(!Person::objects().all().exists(conn).unwrap());
        people(conn);
        assert_eq!(Person::objects().all().count(conn).unwrap(), 5);
        assert_eq!(filter!(Person::objects(), age = 34).count(conn).unwrap(), 2);
        assert!(filter!(Person::objects(), name = "Eve")
            .exists(conn)
            .unwrap());
        let all = Person::objects().all().fetch(conn).unwrap();
        let ids: Vec<i64> = all.iter().take(2).map(|p| p.id.get().unwrap()).collect();
        let found = Person::objects().all().in_bulk(ids.clone(), conn).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[&ids[0]].name, all[0].name);
        assert!(Person::objects()
            .all()
            .in_bulk(Vec::<i64>::new(), conn)
            .unwrap()
            .is_empty());
    });
}

#[test]
fn queryset_update_changes_matching_rows_in_one_statement() {
    each_backend("queryset_update", |_db, conn| {
        people(conn);
        let (changed, queries) = dorm::db::instrumentation::capture_queries(|| {
            dorm::update!(
                filter!(Person::objects(), age__lt = 18),
                age = 18,
                nickname = "minor"
            )
            .execute(conn)
            .unwrap()
        });
        assert_eq!(changed, 2);
        assert_eq!(queries.len(), 1);
        let mut adults = names(filter!(Person::objects(), age = 18).fetch(conn).unwrap());
        adults.sort();
        assert_eq!(adults, ["Bob", "Dee"]);
        let sql = dorm::update!(Person::objects().all(), age = 1).sql(conn.vendor());
        assert!(sql.starts_with("UPDATE"), "{sql}");
    });
}

#[test]
fn iterator_streams_a_hundred_thousand_rows() {
    each_backend("iterator_100k", |_db, conn| {
        let rows: Vec<Person> = (0..100_000)
            .map(|i| Person {
                name: format!("p{i}"),
                age: i % 100,
                ..Default::default()
            })
            .collect();
        Person::objects().bulk_create(rows, conn).unwrap();
        let mut count = 0u64;
        let mut age_sum = 0i64;
        for person in Person::objects()
            .all()
            .clear_ordering()
            .iterator(conn)
            .unwrap()
        {
            let person = person.unwrap();
            count += 1;
            age_sum += i64::from(person.age);
        }
        assert_eq!(count, 100_000);
        assert_eq!(age_sum, (0..100_000i64).map(|i| i % 100).sum::<i64>());
    });
}

#[test]
fn sql_is_printed_per_backend_with_binds() {
    let qs = || {
        dorm::order_by!(
            filter!(Person::objects(), age__gte = 18, name = "Ann"),
            -age
        )
        .slice(..10)
    };
    let sqlite = qs().sql(dorm::db::Vendor::Sqlite);
    assert!(sqlite.contains("FROM `tests_person` WHERE"), "{sqlite}");
    assert!(
        sqlite.contains("ORDER BY `tests_person`.`age` DESC LIMIT ? OFFSET ?"),
        "{sqlite}"
    );
    assert!(
        sqlite.ends_with("-- binds: [18, \"Ann\", 10, 0]"),
        "{sqlite}"
    );
    #[cfg(feature = "postgres")]
    {
        let pg = qs().sql(dorm::db::Vendor::Postgres);
        assert!(pg.contains("FROM \"tests_person\" WHERE"), "{pg}");
        assert!(pg.contains("$1") && pg.contains("$2"), "{pg}");
    }
}

#[test]
fn values_list_returns_typed_tuples_and_flat_values() {
    each_backend("values_list", |_db, conn| {
        people(conn);
        let pairs: Vec<(String, i32)> =
            dorm::values_list!(dorm::order_by!(Person::objects().all(), name), name, age)
                .fetch(conn)
                .unwrap();
        assert_eq!(pairs[0], ("Ann".to_string(), 34));
        assert_eq!(pairs.len(), 5);
        let names: Vec<String> =
            dorm::values_list!(filter!(Person::objects(), age__gte = 34), name)
                .fetch(conn)
                .unwrap();
        assert_eq!(names, ["Cid", "Ann", "Eve"], "default ordering -age, name");
        let nicks: Vec<Option<String>> =
            dorm::values_list!(dorm::order_by!(Person::objects().all(), name), nickname)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            nicks,
            [
                None,
                Some("bobby".into()),
                None,
                Some("".into()),
                Some("evie".into())
            ]
        );
        let ids: Vec<i64> = dorm::values_list!(Person::objects().all(), id)
            .fetch(conn)
            .unwrap();
        assert_eq!(ids.len(), 5);
        let ages: Vec<i32> = dorm::values_list!(dorm::order_by!(Person::objects().all(), age), age)
            .distinct()
            .fetch(conn)
            .unwrap();
        assert_eq!(ages, [12, 17, 34, 52]);
        let sliced: Vec<String> = dorm::values_list!(
            dorm::order_by!(Person::objects().all(), name).slice(1..3),
            name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(sliced, ["Bob", "Cid"]);
    });
}

#[test]
fn count_and_exists_on_a_slice() {
    // Django counts a sliced QuerySet around it: SELECT COUNT(*) FROM (... LIMIT/OFFSET).
    each_backend("sliced_count", |_db, conn| {
        people(conn);
        assert_eq!(Person::objects().slice(1..3).count(conn).unwrap(), 2);
        assert_eq!(Person::objects().slice(3..).count(conn).unwrap(), 2);
        assert_eq!(Person::objects().slice(10..).count(conn).unwrap(), 0);
        assert_eq!(
            filter!(Person::objects(), age__gt = 15)
                .slice(..2)
                .count(conn)
                .unwrap(),
            2
        );
        assert!(Person::objects().slice(4..).exists(conn).unwrap());
        assert!(!Person::objects().slice(5..).exists(conn).unwrap());
        // The ordering decides which rows the slice holds: the two youngest are 12 and 17.
        let youngest = dorm::order_by!(Person::objects(), age).slice(..2);
        assert_eq!(
            filter!(Person::objects(), age__lt = 18)
                .count(conn)
                .unwrap(),
            youngest.count(conn).unwrap()
        );
        assert!(!filter!(Person::objects(), age__gt = 60)
            .slice(..1)
            .exists(conn)
            .unwrap());
    });
}

#[test]
fn distinct_rows() {
    each_backend("distinct", |_db, conn| {
        people(conn);
        let ages = dorm::values_list!(Person::objects().all().clear_ordering().distinct(), age)
            .fetch(conn)
            .unwrap();
        assert_eq!(ages.len(), 4);
        assert_eq!(
            Person::objects()
                .all()
                .distinct()
                .fetch(conn)
                .unwrap()
                .len(),
            5
        );
        // Ordered by a field not in the list: Django selects the ordering's columns too, so
        // PostgreSQL can order the distinct rows and both backends answer alike (the ordering
        // takes part in what is distinct: Ann and Eve are both 34).
        let by_name: Vec<i32> = dorm::values_list!(
            dorm::order_by!(Person::objects().all().distinct(), name),
            age
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(by_name, [34, 17, 52, 12, 34]);
        // The same from the projection's own distinct(), and under the model's default
        // ordering (-age, name), as Django's "distinct() and the model's Meta.ordering" note
        // says.
        let projected: Vec<i32> =
            dorm::values_list!(dorm::order_by!(Person::objects().all(), name), age)
                .distinct()
                .fetch(conn)
                .unwrap();
        assert_eq!(projected, [34, 17, 52, 12, 34]);
        let by_default: Vec<i32> = dorm::values_list!(Person::objects().all().distinct(), age)
            .fetch(conn)
            .unwrap();
        assert_eq!(by_default, [52, 34, 34, 17, 12]);
        // Ordered by the listed field itself: one row per value.
        let ages: Vec<i32> = dorm::values_list!(
            dorm::order_by!(Person::objects().all().distinct(), -age),
            age
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(ages, [52, 34, 17, 12]);
        let sql = dorm::values_list!(
            dorm::order_by!(Person::objects().all().distinct(), name),
            age
        )
        .sql(dorm::db::Vendor::Postgres);
        assert!(
            sql.starts_with(r#"SELECT DISTINCT "tests_person"."age", "tests_person"."name" FROM"#),
            "{sql}"
        );
    });
}

#[cfg(feature = "postgres")]
#[test]
fn distinct_on_fields_runs_on_postgres() {
    let Some(db) = crate::common::postgres("distinct_on") else {
        return;
    };
    let mut any = db.migrated();
    people(&mut any);
    let dorm::Connection::Postgres(pg) = &mut any else {
        unreachable!("a postgres database")
    };
    // One person per age, the first by name: DISTINCT ON needs the ordering to start with it.
    let rows = dorm::distinct_on!(dorm::order_by!(Person::objects().all(), age, name), age)
        .fetch(pg)
        .unwrap();
    let names: Vec<String> = rows.into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Dee", "Bob", "Ann", "Cid"]);
}

#[test]
fn ordering_with_nulls_random_and_lower() {
    each_backend("ordering_extras", |_db, conn| {
        people(conn);
        Person::objects()
            .create(
                Person {
                    name: "aaron".into(),
                    age: 1,
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let nicks = |rows: Vec<Person>| rows.into_iter().map(|p| p.nickname).collect::<Vec<_>>();
        let first = nicks(
            dorm::order_by!(Person::objects().all(), nickname.nulls_first(), name)
                .fetch(conn)
                .unwrap(),
        );
        assert_eq!(&first[..3], [None, None, None]);
        let last = nicks(
            dorm::order_by!(Person::objects().all(), -nickname.nulls_last(), name)
                .fetch(conn)
                .unwrap(),
        );
        assert_eq!(
            &last[..3],
            [
                Some("evie".to_string()),
                Some("bobby".into()),
                Some("".into())
            ]
        );
        assert_eq!(last[3..], [None, None, None]);
        // Reversing flips the direction and where NULLs go, as Django's reverse() does.
        let reversed = nicks(
            dorm::order_by!(Person::objects().all(), nickname.nulls_first(), name)
                .reverse()
                .fetch(conn)
                .unwrap(),
        );
        assert_eq!(reversed.last(), Some(&None));
        // Case-insensitive ordering: "aaron" sorts first only by Lower(name).
        let by_lower = names(
            dorm::order_by!(Person::objects().all(), Lower(name))
                .fetch(conn)
                .unwrap(),
        );
        assert_eq!(by_lower[..2], ["aaron".to_string(), "Ann".to_string()]);
        let plain = names(
            dorm::order_by!(Person::objects().all(), name)
                .fetch(conn)
                .unwrap(),
        );
        assert_eq!(plain.last().map(String::as_str), Some("aaron"));
        let random = dorm::order_by!(Person::objects().all(), ?)
            .fetch(conn)
            .unwrap();
        assert_eq!(random.len(), 6);
        assert!(dorm::order_by!(Person::objects().all(), ?)
            .sql(conn.vendor())
            .contains("RANDOM()"));
    });
}

#[test]
fn raw_sql_loads_models_with_bound_parameters() {
    each_backend("raw_sql", |_db, conn| {
        people(conn);
        let rows = Person::objects()
            .raw(
                "SELECT * FROM tests_person WHERE age >= %s AND name <> %s ORDER BY name",
                (18, "Ann"),
            )
            .fetch(conn)
            .unwrap();
        assert_eq!(names(rows), ["Cid", "Eve"]);
        let all = Person::objects()
            .raw(
                "SELECT id, name, age, nickname FROM tests_person WHERE name LIKE 'E%%'",
                (),
            )
            .fetch(conn)
            .unwrap();
        assert_eq!(names(all), ["Eve"]);
        // A value is a value, never SQL.
        let evil = Person::objects()
            .raw(
                "SELECT * FROM tests_person WHERE name = %s",
                ("'; DROP TABLE tests_person; --",),
            )
            .fetch(conn)
            .unwrap();
        assert!(evil.is_empty());
        assert_eq!(Person::objects().all().count(conn).unwrap(), 5);
        // Checked before anything runs.
        let (r, queries) = dorm::db::instrumentation::capture_queries(|| {
            Person::objects()
                .raw(
                    "SELECT * FROM tests_person WHERE age = %s AND name = %s",
                    (1,),
                )
                .fetch(conn)
        });
        assert!(matches!(r, Err(dorm::Error::RawSql { .. })), "{r:?}");
        assert!(queries.is_empty());
        let r = Person::objects()
            .raw("SELECT * FROM tests_person; DELETE FROM tests_person", ())
            .fetch(conn);
        assert!(matches!(r, Err(dorm::Error::RawSql { .. })), "{r:?}");
        assert_eq!(Person::objects().all().count(conn).unwrap(), 5);
    });
}

#[test]
fn raw_sql_refuses_a_second_statement_hidden_by_quoting_or_comments() {
    each_backend("raw_sql_hidden", |_db, conn| {
        people(conn);
        let vendor = conn.vendor();
        // Each reads as two statements to the backend's own lexer: refused before anything runs.
        let mut refused = vec![
            "SELECT * FROM tests_person /* ' */; DELETE FROM tests_person --'",
            "SELECT * FROM tests_person -- '\n; DELETE FROM tests_person --'",
            "SELECT * FROM tests_person WHERE name = E'\\\\'; DELETE FROM tests_person; --'",
        ];
        let postgres = vendor == dorm::db::Vendor::Postgres;
        if !postgres {
            refused.extend([
                // SQLite has no escape strings: E is a name and '\' a whole string.
                "SELECT * FROM tests_person WHERE name = E'\\'; DELETE FROM tests_person; --'",
                // SQLite ends a block comment at the first `*/`.
                "SELECT * FROM tests_person /* /* */ ; DELETE FROM tests_person; /* */",
                "SELECT * FROM tests_person WHERE $$ = 1; DELETE FROM tests_person; --$$",
            ]);
        } else {
            refused.extend([
                // PostgreSQL has no [...] or `...` identifiers.
                "SELECT * FROM tests_person [a; DELETE FROM tests_person; --]",
                "SELECT * FROM tests_person `a; DELETE FROM tests_person; --`",
                // PostgreSQL ends a `--` comment at a carriage return too.
                "SELECT * FROM tests_person -- a\r; DELETE FROM tests_person",
            ]);
        }
        for sql in refused {
            let (r, queries) = dorm::db::instrumentation::capture_queries(|| {
                Person::objects().raw(sql, ()).fetch(conn)
            });
            assert!(
                matches!(&r, Err(dorm::Error::RawSql { message }) if message.contains("one statement")),
                "{vendor:?}: {sql:?}: {r:?}"
            );
            assert!(queries.is_empty(), "{sql:?}: {queries:?}");
            assert_eq!(Person::objects().all().count(conn).unwrap(), 5, "{sql:?}");
        }
        // What the backend reads as one statement runs as one; the `;` is text.
        let one = if postgres {
            "SELECT * FROM tests_person WHERE name <> E'\\'; DELETE FROM tests_person; --' \
             AND name <> $x$ ; $x$ /* /* */ ; */"
        } else {
            "SELECT * FROM [tests_person] WHERE name <> '%s' AND `name` <> ';' -- ; DELETE\n"
        };
        assert_eq!(Person::objects().raw(one, ()).fetch(conn).unwrap().len(), 5);
        let bound = Person::objects()
            .raw(
                "SELECT * FROM tests_person /* %s ; */ WHERE name = %s -- %s",
                ("Eve",),
            )
            .fetch(conn)
            .unwrap();
        assert_eq!(names(bound), ["Eve"]);
        assert_eq!(Person::objects().all().count(conn).unwrap(), 5);
    });
}

#[test]
fn querysets_combine_with_or_and_and_set_operations() {
    each_backend("combine", |_db, conn| {
        people(conn);
        let either = filter!(Person::objects(), name__startswith = "A")
            | filter!(Person::objects(), age__lt = 15);
        assert_eq!(
            names(dorm::order_by!(either, name).fetch(conn).unwrap()),
            ["Ann", "Dee"]
        );
        let both = filter!(Person::objects(), age__gte = 30)
            & filter!(Person::objects(), nickname__isnull = false);
        assert_eq!(names(both.fetch(conn).unwrap()), ["Eve"]);
        let u = filter!(Person::objects(), age = 34)
            .union(filter!(Person::objects(), age = 12))
            .fetch(conn)
            .unwrap();
        let mut u = names(u);
        u.sort();
        assert_eq!(u, ["Ann", "Dee", "Eve"]);
        let i = filter!(Person::objects(), age = 34)
            .intersection(filter!(Person::objects(), name = "Eve"))
            .fetch(conn)
            .unwrap();
        assert_eq!(names(i), ["Eve"]);
        let d = filter!(Person::objects(), age = 34)
            .difference(filter!(Person::objects(), name = "Eve"))
            .fetch(conn)
            .unwrap();
        assert_eq!(names(d), ["Ann"]);
    });
}

#[test]
fn explain_shows_the_plan() {
    each_backend("explain", |db, conn| {
        people(conn);
        let plan = filter!(Person::objects(), age__gt = 18)
            .explain(conn)
            .unwrap();
        match db.vendor {
            dorm::db::Vendor::Postgres => assert!(
                plan.contains("Seq Scan") || plan.contains("Index"),
                "{plan}"
            ),
            _ => assert!(plan.contains("SCAN") || plan.contains("SEARCH"), "{plan}"),
        }
    });
}

#[test]
fn only_and_defer_load_some_fields_with_typed_access() {
    use dorm::field;
    each_backend("only_defer", |_db, conn| {
        Everything::objects()
            .create(
                Everything {
                    char: "c".into(),
                    text: "a long text".into(),
                    int: 7,
                    data: serde_json::json!({"k": 1}),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let (rows, queries) = dorm::db::instrumentation::capture_queries(|| {
            dorm::only!(Everything::objects().all(), char, int)
                .fetch(conn)
                .unwrap()
        });
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get(field!(char)), "c");
        assert_eq!(*rows[0].get(field!(int)), 7);
        assert_eq!(
            *rows[0].get(field!(id)),
            rows[0].pk().unwrap(),
            "the primary key is always loaded"
        );
        assert!(
            !queries[0].contains("\"text\"") && !queries[0].contains("`text`"),
            "text was not selected: {}",
            queries[0]
        );
        let deferred = dorm::defer!(Everything::objects().all(), text, data)
            .fetch(conn)
            .unwrap();
        assert_eq!(*deferred[0].get(field!(int)), 7);
        assert_eq!(deferred[0].get(field!(char)), "c");
        let full = deferred.into_iter().next().unwrap().load_all(conn).unwrap();
        assert_eq!(full.text, "a long text");
        assert_eq!(full.data, serde_json::json!({"k": 1}));
    });
}

#[test]
fn values_is_the_typed_counterpart_of_django_values() {
    each_backend("values", |_db, conn| {
        people(conn);
        let rows: Vec<(String, Option<String>)> =
            dorm::values!(filter!(Person::objects(), age = 17), name, nickname)
                .fetch(conn)
                .unwrap();
        assert_eq!(rows, [("Bob".to_string(), Some("bobby".to_string()))]);
    });
}

#[test]
fn the_manager_answers_every_queryset_verb() {
    each_backend("manager_verbs", |_db, conn| {
        people(conn);
        // Person's default ordering is (-age, name).
        let ordered = ["Cid", "Ann", "Eve", "Bob", "Dee"];
        assert_eq!(names(Person::objects().fetch(conn).unwrap()), ordered);
        assert_eq!(Person::objects().count(conn).unwrap(), 5);
        assert!(Person::objects().exists(conn).unwrap());
        assert_eq!(Person::objects().first(conn).unwrap().unwrap().name, "Cid");
        assert_eq!(Person::objects().last(conn).unwrap().unwrap().name, "Dee");
        assert_eq!(
            names(Person::objects().reverse().fetch(conn).unwrap()),
            ["Dee", "Bob", "Eve", "Ann", "Cid"]
        );
        assert_eq!(
            names(Person::objects().slice(..2).fetch(conn).unwrap()),
            ["Cid", "Ann"]
        );
        assert_eq!(
            names(
                dorm::order_by!(Person::objects(), name)
                    .slice(1..3)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Bob", "Cid"]
        );
        let streamed: Vec<Person> = Person::objects()
            .iterator(conn)
            .unwrap()
            .collect::<dorm::Result<_>>()
            .unwrap();
        assert_eq!(names(streamed), ordered);
        let mut unordered = names(dorm::order_by!(Person::objects()).fetch(conn).unwrap());
        unordered.sort();
        assert_eq!(unordered, ["Ann", "Bob", "Cid", "Dee", "Eve"]);
        assert_eq!(
            dorm::values_list!(Person::objects(), name)
                .fetch(conn)
                .unwrap(),
            ordered
        );
        let partial = dorm::only!(Person::objects(), name).fetch(conn).unwrap();
        assert_eq!(
            partial
                .iter()
                .map(|p| p.get(field!(name)).clone())
                .collect::<Vec<_>>(),
            ordered
        );
        assert_eq!(
            dorm::defer!(Person::objects(), nickname)
                .fetch(conn)
                .unwrap()
                .len(),
            5
        );
        // The reading verbs of only!/defer! QuerySets: first, last and get, as a model
        // QuerySet's (by primary key without an ordering).
        let name_of =
            |p: Option<dorm::queryset::Partial<Person, _>>| p.map(|p| p.get(field!(name)).clone());
        assert_eq!(
            name_of(
                dorm::only!(order_by!(Person::objects(), -name), name)
                    .first(conn)
                    .unwrap()
            ),
            Some("Eve".to_string())
        );
        assert_eq!(
            name_of(
                dorm::only!(order_by!(Person::objects(), -name), name)
                    .last(conn)
                    .unwrap()
            ),
            Some("Ann".to_string())
        );
        let by_pk = Person::objects().first(conn).unwrap().map(|p| p.name);
        assert_eq!(
            name_of(
                dorm::only!(Person::objects().all(), name)
                    .first(conn)
                    .unwrap()
            ),
            by_pk
        );
        let cid = dorm::defer!(filter!(Person::objects(), name = "Cid"), nickname)
            .get(conn)
            .unwrap();
        assert_eq!(cid.get(field!(name)), "Cid");
        assert!(matches!(
            dorm::only!(filter!(Person::objects(), name = "Zed"), name).get(conn),
            Err(dorm::Error::DoesNotExist { .. })
        ));
        assert!(matches!(
            dorm::only!(Person::objects().all(), name).get(conn),
            Err(dorm::Error::MultipleObjectsReturned { .. })
        ));
        assert_eq!(
            dorm::update!(Person::objects(), age = 40)
                .execute(conn)
                .unwrap(),
            5
        );
        assert_eq!(filter!(Person::objects(), age = 40).count(conn).unwrap(), 5);
    });
}

#[test]
fn none_answers_without_a_query() {
    each_backend("none", |_db, conn| {
        use dorm::db::instrumentation::capture_queries;
        use dorm::{aggregate, annotate, order_by};
        people(conn);
        // Django: Person.objects.none() can still be filtered, ordered and sliced, and
        // reading it sends nothing to the database.
        let nobody = || order_by!(filter!(Person::objects().none(), age__gt = 10), -age);
        let (answers, queries) = capture_queries(|| {
            (
                nobody().fetch(&mut *conn).unwrap(),
                nobody().count(&mut *conn).unwrap(),
                nobody().exists(&mut *conn).unwrap(),
                nobody().first(&mut *conn).unwrap(),
                nobody().last(&mut *conn).unwrap(),
                nobody().slice(1..3).fetch(&mut *conn).unwrap(),
                nobody().iterator(&mut *conn).unwrap().count(),
                dorm::values!(nobody(), name).fetch(&mut *conn).unwrap(),
                annotate!(nobody(), twice = F(age) * 2)
                    .fetch(&mut *conn)
                    .unwrap()
                    .len(),
                matches!(
                    nobody().get(&mut *conn),
                    Err(dorm::Error::DoesNotExist { .. })
                ),
                nobody().in_bulk([1, 2], &mut *conn).unwrap().is_empty(),
            )
        });
        assert_eq!(
            answers,
            (
                vec![],
                0,
                false,
                None,
                None,
                vec![],
                0,
                Vec::<String>::new(),
                0,
                true,
                true
            )
        );
        assert!(queries.is_empty(), "{queries:?}");
        // Where it becomes SQL it is LIMIT 0: aggregates over no rows.
        let (oldest, n) = aggregate!(Person::objects().none(), Max(age), Count(id))
            .fetch(conn)
            .unwrap();
        assert_eq!((oldest, n), (None, 0));
        // The QuerySet it came from is untouched.
        assert_eq!(Person::objects().all().count(conn).unwrap(), 5);
    });
}

#[test]
fn dates_and_datetimes_list_the_distinct_truncated_values() {
    each_backend("dates", |_db, conn| {
        use chrono::{NaiveDate, TimeZone, Utc};
        use dorm::expressions::functions::TruncKind;
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let at = |y, mo, d, h, mi| Utc.with_ymd_and_hms(y, mo, d, h, mi, 7).unwrap();
        for (d, a, maybe) in [
            (day(2005, 2, 20), at(2005, 2, 20, 9, 15), None),
            (
                day(2005, 3, 20),
                at(2005, 3, 20, 9, 45),
                Some(at(2006, 1, 1, 0, 0)),
            ),
            (day(2005, 3, 21), at(2005, 3, 20, 10, 5), None),
            (day(2007, 1, 1), at(2007, 1, 1, 23, 59), None),
        ] {
            Everything::objects()
                .create(
                    Everything {
                        day: d,
                        at: a,
                        maybe_at: maybe,
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
        }
        // Entry.objects.dates("pub_date", "year") / ("pub_date", "month") / order="DESC"
        let all = || Everything::objects().all();
        let years = all()
            .dates(field!(day), TruncKind::Year)
            .fetch(conn)
            .unwrap();
        assert_eq!(years, [day(2005, 1, 1), day(2007, 1, 1)]);
        let months = all()
            .dates(field!(day), TruncKind::Month)
            .desc()
            .fetch(conn)
            .unwrap();
        assert_eq!(months, [day(2007, 1, 1), day(2005, 3, 1), day(2005, 2, 1)]);
        // Week: the Monday of the ISO week; Day: the distinct days of a filtered QuerySet.
        let weeks = all()
            .dates(field!(day), TruncKind::Week)
            .fetch(conn)
            .unwrap();
        assert_eq!(
            weeks,
            [
                day(2005, 2, 14),
                day(2005, 3, 14),
                day(2005, 3, 21),
                day(2007, 1, 1)
            ]
        );
        let days = filter!(Everything::objects(), day__year = 2005)
            .dates(field!(day), TruncKind::Day)
            .fetch(conn)
            .unwrap();
        assert_eq!(days, [day(2005, 2, 20), day(2005, 3, 20), day(2005, 3, 21)]);
        // datetimes(): truncated in UTC; a nullable field's NULLs are left out.
        let hours = all()
            .datetimes(field!(at), TruncKind::Hour)
            .fetch(conn)
            .unwrap();
        assert_eq!(
            hours,
            [
                at(2005, 2, 20, 9, 0) - chrono::Duration::seconds(7),
                at(2005, 3, 20, 9, 0) - chrono::Duration::seconds(7),
                at(2005, 3, 20, 10, 0) - chrono::Duration::seconds(7),
                at(2007, 1, 1, 23, 0) - chrono::Duration::seconds(7),
            ]
        );
        let maybe = all()
            .datetimes(field!(maybe_at), TruncKind::Year)
            .fetch(conn)
            .unwrap();
        assert_eq!(maybe, [at(2006, 1, 1, 0, 0) - chrono::Duration::seconds(7)]);
        // Django: ValueError: 'kind' must be one of 'year', 'month', 'week', or 'day'.
        let err = all()
            .dates(field!(day), TruncKind::Hour)
            .fetch(conn)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("'kind' must be one of 'year', 'month', 'week', or 'day'."),
            "{err}"
        );
    });
}

#[test]
fn projections_answer_first_exists_and_count() {
    each_backend("values_verbs", |_db, conn| {
        use dorm::order_by;
        people(conn);
        // Person.objects.order_by("-age").values_list("name", flat=True).first()
        let oldest: Option<String> =
            dorm::values_list!(order_by!(Person::objects().all(), -age), name)
                .first(conn)
                .unwrap();
        assert_eq!(oldest.as_deref(), Some("Cid"));
        // The model's ordering (-age, name) counts; without any, the primary key does.
        let first: Option<(String, i32)> = dorm::values!(Person::objects(), name, age)
            .first(conn)
            .unwrap();
        assert_eq!(first, Some(("Cid".to_string(), 52)));
        let first: Option<(String, i32)> =
            dorm::values!(Person::objects().all().clear_ordering(), name, age)
                .first(conn)
                .unwrap();
        assert_eq!(first, Some(("Ann".to_string(), 34)));
        let none: Option<String> =
            dorm::values_list!(filter!(Person::objects(), age__gt = 100), name)
                .first(conn)
                .unwrap();
        assert_eq!(none, None);
        // exists() and count(); a distinct projection counts its distinct rows
        // (Person.objects.values("age").distinct().count() is 4: 34 twice).
        assert!(
            dorm::values!(filter!(Person::objects(), age__lt = 18), name)
                .exists(conn)
                .unwrap()
        );
        assert!(
            !dorm::values!(filter!(Person::objects(), age__gt = 99), name)
                .exists(conn)
                .unwrap()
        );
        assert_eq!(
            dorm::values!(Person::objects(), age).count(conn).unwrap(),
            5
        );
        assert_eq!(
            dorm::values!(Person::objects(), age)
                .distinct()
                .count(conn)
                .unwrap(),
            4
        );
        // Ordered by a field outside the projection, Django counts without the ordering.
        assert_eq!(
            dorm::values!(order_by!(Person::objects().all(), name), age)
                .distinct()
                .count(conn)
                .unwrap(),
            4
        );
        // A slice counts its rows.
        assert_eq!(
            dorm::values!(order_by!(Person::objects().all(), age), age)
                .slice(1..3)
                .count(conn)
                .unwrap(),
            2
        );
        // And none() answers at once.
        assert_eq!(
            dorm::values!(Person::objects().none(), age)
                .count(conn)
                .unwrap(),
            0
        );
    });
}

#[test]
fn the_manager_reads_earliest_latest_nth_in_bulk_distinct_dates_and_plans() {
    use crate::common::insert_people;
    use dorm::expressions::functions::TruncKind;
    each_backend("manager_more_verbs", |_db, conn| {
        insert_people(
            conn,
            &[("Ann", 31, None), ("Bob", 45, Some("B")), ("Dee", 19, None)],
        );
        // Person.objects.earliest("name"), .latest("name"), .all()[1], .distinct().count()
        let name = |p: Person| p.name;
        let earliest = Person::objects().earliest(field!(name), conn).unwrap();
        let latest = Person::objects().latest(field!(name), conn).unwrap();
        assert_eq!((name(earliest), name(latest)), ("Ann".into(), "Dee".into()));
        // The default ordering is (-age, name).
        let second = Person::objects().nth(1, conn).unwrap().map(name);
        assert_eq!(second.as_deref(), Some("Ann"));
        assert_eq!(Person::objects().distinct().count(conn).unwrap(), 3);
        let ids: Vec<i64> = dorm::values_list!(Person::objects(), id)
            .fetch(conn)
            .unwrap();
        let found = Person::objects().in_bulk(ids[..2].to_vec(), conn).unwrap();
        assert_eq!(found.len(), 2);
        assert!(Person::objects().sql(conn.vendor()).contains("FROM"));
        assert!(!Person::objects().explain(conn).unwrap().is_empty());
        // Novel.objects.dates("published", "year")
        let zed = crate::common::rows::writer(conn, "Zed");
        crate::common::rows::novel(conn, &zed, "A", 1, None);
        let years = Novel::objects()
            .dates(field!(published), TruncKind::Year)
            .fetch(conn)
            .unwrap();
        assert_eq!(
            years,
            [chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()]
        );
    });
}

#[test]
fn every_shape_counts_checks_existence_and_explains() {
    use crate::common::rows::{novel, tag, writer};
    each_backend("shape_verbs", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        let hobbit = novel(conn, &tolkien, "The Hobbit", 310, None);
        novel(conn, &lewis, "Narnia", 200, None);
        let dragons = tag(conn, "dragons");
        let lions = tag(conn, "lions");
        hobbit.tags().add([&dragons, &lions], conn).unwrap();
        // only!() / defer!()
        let short = dorm::only!(filter!(Novel::objects(), pages__lt = 300), title);
        assert_eq!(short.clone().count(conn).unwrap(), 1);
        assert!(short.clone().exists(conn).unwrap());
        assert!(!short.clone().explain(conn).unwrap().is_empty());
        let none = dorm::only!(filter!(Novel::objects(), pages__gt = 900), title);
        assert_eq!(none.clone().count(conn).unwrap(), 0);
        assert!(!none.exists(conn).unwrap());
        // select_related!()
        let loaded = dorm::select_related!(Novel::objects().all(), writer);
        assert_eq!(loaded.clone().count(conn).unwrap(), 2);
        assert!(loaded.clone().exists(conn).unwrap());
        assert!(!loaded.explain(conn).unwrap().is_empty());
        // values!() after annotate!(), and across a multi-valued relation (a row per tag).
        let projected = dorm::values!(
            dorm::annotate!(Novel::objects(), long = pages / 300),
            title,
            long
        );
        assert_eq!(projected.clone().count(conn).unwrap(), 2);
        assert!(projected.clone().exists(conn).unwrap());
        let spanning = dorm::values!(Novel::objects(), title, tags__label);
        assert_eq!(spanning.clone().count(conn).unwrap(), 3);
        assert!(spanning.explain(conn).unwrap().len() > 1);
        // A combination (Django counts the union's rows).
        let both = filter!(Novel::objects(), pages__lt = 300)
            .union(filter!(Novel::objects(), pages__gt = 300));
        assert_eq!(both.clone().count(conn).unwrap(), 2);
        assert!(both.exists(conn).unwrap());
        // A values_list!() explains too.
        assert!(!dorm::values_list!(Novel::objects(), title)
            .explain(conn)
            .unwrap()
            .is_empty());
    });
}
