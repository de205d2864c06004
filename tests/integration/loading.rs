//! Loading related rows without N+1 queries: `select_related!` (joins) and
//! `prefetch_related!` (one query per relation), counted with `capture_queries`.

use chrono::NaiveDate;
use dorm::db::instrumentation::capture_queries;
use dorm::prelude::*;
use dorm::{prefetch_related, select_related, ForeignKey};

use crate::common::rows::{employee, novel, writer};
use crate::common::{each_backend, models::*};

#[test]
fn select_related_joins_foreign_keys_in_one_query() {
    each_backend("select_related", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        let shelf = Owner::objects()
            .create(
                Owner {
                    name: "Shelf".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        novel(conn, &tolkien, "The Hobbit", 310, Some(&shelf));
        novel(conn, &tolkien, "Silmarillion", 365, None);
        novel(conn, &lewis, "Narnia", 200, None);

        let qs = dorm::order_by!(filter!(Novel::objects(), pages__gte = 250), -pages);
        let (rows, queries) =
            capture_queries(|| select_related!(qs, writer, owner).fetch(conn).unwrap());
        assert_eq!(queries.len(), 1, "{queries:?}");
        let seen: Vec<(&str, &str, Option<&str>)> = rows
            .iter()
            .map(|n| {
                (
                    n.title.as_str(),
                    dorm::related!(n.writer).name.as_str(),
                    dorm::related!(n.owner).map(|o| o.name.as_str()),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Silmarillion", "Tolkien", None),
                ("The Hobbit", "Tolkien", Some("Shelf")),
            ]
        );
        // The row itself is the plain model.
        assert_eq!(rows[0].clone().into_inner().pages, 365);

        // Slices and `first` keep their meaning: the join is outside the sliced query.
        let first = select_related!(dorm::order_by!(Novel::objects().all(), title), writer)
            .first(conn)
            .unwrap()
            .unwrap();
        assert_eq!(first.title, "Narnia");
        assert_eq!(dorm::related!(first.writer).name, "Lewis");
        let second = select_related!(
            dorm::order_by!(Novel::objects().all(), title).slice(1..2),
            writer
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].title, "Silmarillion");
        // last and get, with the related rows loaded.
        let last = select_related!(dorm::order_by!(Novel::objects().all(), title), writer)
            .last(conn)
            .unwrap()
            .unwrap();
        assert_eq!(last.title, "The Hobbit");
        assert_eq!(dorm::related!(last.writer).name, "Tolkien");
        let narnia = select_related!(dorm::filter!(Novel::objects(), title = "Narnia"), writer)
            .get(conn)
            .unwrap();
        assert_eq!(dorm::related!(narnia.writer).name, "Lewis");
        assert!(matches!(
            select_related!(Novel::objects().all(), writer).get(conn),
            Err(dorm::Error::MultipleObjectsReturned { .. })
        ));
    });
}

#[test]
fn select_related_follows_self_references_at_any_depth() {
    each_backend("select_related_self", |_db, conn| {
        let ann = employee(conn, "Ann", None);
        let bob = employee(conn, "Bob", Some(&ann));
        employee(conn, "Cid", Some(&bob));
        let rows = select_related!(dorm::order_by!(Employee::objects().all(), name), boss__boss)
            .fetch(conn)
            .unwrap();
        let chain: Vec<(String, Option<String>, Option<String>)> = rows
            .iter()
            .map(|e| {
                let boss = dorm::related!(e.boss);
                (
                    e.name.clone(),
                    boss.map(|b| b.name.clone()),
                    boss.and_then(|b| dorm::related!(b.boss))
                        .map(|b| b.name.clone()),
                )
            })
            .collect();
        assert_eq!(
            chain,
            [
                ("Ann".to_string(), None, None),
                ("Bob".to_string(), Some("Ann".to_string()), None),
                (
                    "Cid".to_string(),
                    Some("Bob".to_string()),
                    Some("Ann".to_string())
                ),
            ]
        );
    });
}

#[test]
fn a_hundred_rows_with_their_foreign_key_is_one_query() {
    each_backend("select_related_100", |_db, conn| {
        let writers: Vec<Writer> = (0..10).map(|i| writer(conn, &format!("W{i}"))).collect();
        let novels: Vec<Novel> = (0..100)
            .map(|i| Novel {
                writer: ForeignKey::to(&writers[i % 10]).unwrap(),
                title: format!("N{i:03}"),
                published: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
                ..Default::default()
            })
            .collect();
        Novel::objects().bulk_create(novels, conn).unwrap();

        let (names, queries) = capture_queries(|| {
            select_related!(Novel::objects().all(), writer)
                .fetch(conn)
                .unwrap()
                .iter()
                .map(|n| dorm::related!(n.writer).name.clone())
                .collect::<Vec<_>>()
        });
        assert_eq!(names.len(), 100);
        assert_eq!(queries.len(), 1);
        // The explicit alternative is one query per row: the N+1 the types steer away from.
        let ((), queries) = capture_queries(|| {
            for n in Novel::objects().all().fetch(conn).unwrap() {
                n.writer.fetch(conn).unwrap();
            }
        });
        assert_eq!(queries.len(), 101);
    });
}

#[test]
fn prefetch_related_loads_reverse_relations_in_one_query_each() {
    each_backend("prefetch_related", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        writer(conn, "Nobody");
        novel(conn, &tolkien, "The Hobbit", 310, None);
        novel(conn, &tolkien, "Silmarillion", 365, None);
        novel(conn, &lewis, "Narnia", 200, None);

        let (rows, queries) = capture_queries(|| {
            prefetch_related!(dorm::order_by!(Writer::objects().all(), name), novel_set)
                .fetch(conn)
                .unwrap()
        });
        assert_eq!(queries.len(), 2, "{queries:?}");
        let shelf: Vec<(String, Vec<String>)> = rows
            .iter()
            .map(|w| {
                let mut titles: Vec<String> = dorm::related!(w.novel_set)
                    .iter()
                    .map(|n| n.title.clone())
                    .collect();
                titles.sort();
                (w.name.clone(), titles)
            })
            .collect();
        assert_eq!(
            shelf,
            [
                ("Lewis".to_string(), vec!["Narnia".to_string()]),
                ("Nobody".to_string(), vec![]),
                (
                    "Tolkien".to_string(),
                    vec!["Silmarillion".to_string(), "The Hobbit".to_string()]
                ),
            ]
        );

        // A custom QuerySet filters and orders the prefetched rows (Django's Prefetch()).
        let rows = prefetch_related!(
            dorm::order_by!(Writer::objects().all(), name),
            novel_set = dorm::order_by!(filter!(Novel::objects(), pages__gt = 250), -pages)
        )
        .fetch(conn)
        .unwrap();
        let tolkien_titles: Vec<&str> = dorm::related!(rows[2].novel_set)
            .iter()
            .map(|n| n.title.as_str())
            .collect();
        assert_eq!(tolkien_titles, ["Silmarillion", "The Hobbit"]);
        assert!(dorm::related!(rows[0].novel_set).is_empty());
    });
}

#[test]
fn nested_prefetches_are_one_query_per_level() {
    each_backend("prefetch_nested", |_db, conn| {
        // 5 bosses, each with 4 managers, each with 3 reports.
        for b in 0..5 {
            let boss = employee(conn, &format!("B{b}"), None);
            for m in 0..4 {
                let manager = employee(conn, &format!("B{b}M{m}"), Some(&boss));
                for r in 0..3 {
                    employee(conn, &format!("B{b}M{m}R{r}"), Some(&manager));
                }
            }
        }
        let (rows, queries) = capture_queries(|| {
            prefetch_related!(
                filter!(Employee::objects(), boss__isnull = true),
                employee_set,
                employee_set__employee_set
            )
            .fetch(conn)
            .unwrap()
        });
        assert_eq!(queries.len(), 3, "{queries:?}");
        assert_eq!(rows.len(), 5);

        // With select_related: the prefetched rows hang off the joined query's rows.
        let (managers, queries) = capture_queries(|| {
            prefetch_related!(
                select_related!(
                    filter!(Employee::objects(), name__in = ["B0M0", "B1M1"]),
                    boss
                ),
                employee_set
            )
            .fetch(conn)
            .unwrap()
        });
        assert_eq!(queries.len(), 2);
        for m in &managers {
            assert_eq!(dorm::related!(m.boss).unwrap().name, &m.name[..2]);
            assert_eq!(dorm::related!(m.employee_set).len(), 3);
        }
        for boss in &rows {
            let managers = dorm::related!(boss.employee_set);
            assert_eq!(managers.len(), 4);
            for manager in managers {
                assert_eq!(manager.boss.as_ref().unwrap().id(), &boss.id.get().unwrap());
                let reports = dorm::related!(manager.employee_set);
                assert_eq!(reports.len(), 3);
                assert!(reports.iter().all(|r| r.name.starts_with(&manager.name)));
            }
        }
    });
}

#[test]
fn order_by_follows_foreign_keys() {
    each_backend("order_across", |_db, conn| {
        let zed = writer(conn, "Zed");
        let amy = writer(conn, "Amy");
        novel(conn, &zed, "A", 1, None);
        novel(conn, &amy, "B", 2, None);
        novel(conn, &zed, "C", 3, None);
        let titles = |rows: Vec<Novel>| rows.into_iter().map(|n| n.title).collect::<Vec<_>>();
        assert_eq!(
            titles(
                dorm::order_by!(Novel::objects().all(), writer__name, -pages)
                    .fetch(conn)
                    .unwrap()
            ),
            ["B", "C", "A"]
        );
        assert_eq!(
            titles(
                dorm::order_by!(Novel::objects().all(), -writer__name, title)
                    .fetch(conn)
                    .unwrap()
            ),
            ["A", "C", "B"]
        );
        // Self-references and several hops: employees by their boss's boss's name.
        let ann = employee(conn, "Ann", None);
        let bea = employee(conn, "Bea", None);
        let ann2 = employee(conn, "Ann2", Some(&ann));
        let bea2 = employee(conn, "Bea2", Some(&bea));
        employee(conn, "x-under-bea", Some(&bea2));
        employee(conn, "y-under-ann", Some(&ann2));
        let names: Vec<String> = dorm::order_by!(
            filter!(Employee::objects(), boss__boss__isnull = false),
            -boss__boss__name
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
        assert_eq!(names, ["x-under-bea", "y-under-ann"]);
        // Rows without a related row order as NULL; select_related keeps the ordering.
        let rows = select_related!(
            dorm::order_by!(Employee::objects().all(), boss__name.nulls_first(), name),
            boss
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(rows[0].name, "Ann");
        assert_eq!(dorm::related!(rows[3].boss).unwrap().name, "Ann2");
        assert_eq!(dorm::related!(rows[4].boss).unwrap().name, "Bea");
    });
}

#[test]
fn values_follow_foreign_keys() {
    each_backend("values_across", |_db, conn| {
        let zed = writer(conn, "Zed");
        let shelf = Owner::objects()
            .create(
                Owner {
                    name: "Shelf".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        novel(conn, &zed, "A", 1, Some(&shelf));
        novel(conn, &zed, "B", 2, None);
        let rows: Vec<(String, Option<String>, Option<String>)> = dorm::values!(
            dorm::order_by!(Novel::objects().all(), title),
            title,
            writer__name,
            owner__name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            rows,
            [
                ("A".into(), Some("Zed".into()), Some("Shelf".into())),
                ("B".into(), Some("Zed".into()), None),
            ]
        );
        // A nullable field across a relation is one Option, not two.
        let ann = employee(conn, "Ann", None);
        employee(conn, "Bob", Some(&ann));
        let bosses: Vec<Option<i64>> =
            dorm::values_list!(dorm::order_by!(Employee::objects().all(), name), boss__boss)
                .fetch(conn)
                .unwrap();
        assert_eq!(bosses, [None, None]);
    });
}

#[test]
fn values_across_a_reverse_relation_join_every_related_row() {
    each_backend("values_reverse", |_db, conn| {
        let zed = writer(conn, "Zed");
        let amy = writer(conn, "Amy");
        novel(conn, &zed, "A", 1, None);
        novel(conn, &zed, "B", 2, None);
        novel(conn, &amy, "C", 3, None);
        writer(conn, "Bob");

        // Django's Writer.objects.order_by("name").values("name", "novel__title", ...): one
        // row per writer and novel, one with Nones for a writer without novels, one query.
        let (rows, queries) = capture_queries(|| {
            dorm::values!(
                dorm::order_by!(Writer::objects().all(), name),
                name,
                novel__title,
                novel__pages
            )
            .fetch(conn)
            .unwrap()
        });
        assert_eq!(queries.len(), 1);
        let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            names,
            ["Amy", "Bob", "Zed", "Zed"],
            "the QuerySet's ordering holds"
        );
        let mut rows = rows;
        rows.sort();
        assert_eq!(
            rows,
            [
                ("Amy".to_string(), Some("C".to_string()), Some(3)),
                ("Bob".to_string(), None, None),
                ("Zed".to_string(), Some("A".to_string()), Some(1)),
                ("Zed".to_string(), Some("B".to_string()), Some(2)),
            ]
        );

        // The QuerySet's filters keep their meaning: they choose writers, not novels.
        let mut titles: Vec<Option<String>> =
            dorm::values_list!(dorm::filter!(Writer::objects(), name = "Zed"), novel__title)
                .fetch(conn)
                .unwrap();
        titles.sort();
        assert_eq!(titles, [Some("A".to_string()), Some("B".to_string())]);

        // A NULL in a nullable field of a related row is that field's None, not a missing
        // row: the fields after it are still read.
        let mut owned: Vec<(String, Option<i32>, Option<String>)> = dorm::values!(
            dorm::filter!(Writer::objects(), name__in = ["Bob", "Zed"]),
            name,
            novel__owner,
            novel__title
        )
        .fetch(conn)
        .unwrap();
        owned.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
        assert_eq!(
            owned,
            [
                ("Bob".to_string(), None, None),
                ("Zed".to_string(), None, Some("A".to_string())),
                ("Zed".to_string(), None, Some("B".to_string())),
            ]
        );

        // Two fields of one relation share one join; the SQL is a LEFT OUTER JOIN.
        let sql =
            dorm::values!(Writer::objects(), name, novel__title, novel__pages).sql(conn.vendor());
        assert_eq!(sql.matches("JOIN").count(), 1, "{sql}");
        assert!(sql.contains("LEFT OUTER JOIN"), "{sql}");
    });
}

#[test]
fn values_follow_foreign_keys_past_a_multi_valued_relation() {
    use crate::common::rows::{owner, tag};
    each_backend("values_reverse_then_forward", |_db, conn| {
        let zed = writer(conn, "Zed");
        let amy = writer(conn, "Amy");
        let shelf = owner(conn, "Shelf");
        let a = novel(conn, &zed, "A", 1, Some(&shelf));
        let c = novel(conn, &amy, "C", 3, None);
        writer(conn, "Bob");
        let dragons = tag(conn, "dragons");
        let lions = tag(conn, "lions");
        tag(conn, "empty");
        a.tags().add([&dragons], conn).unwrap();
        c.tags().add([&dragons, &lions], conn).unwrap();

        // Writer.objects.values("name", "novel__owner__name"): across the reverse relation,
        // then the novel's foreign key.
        let mut owners: Vec<(String, Option<String>)> =
            dorm::values!(Writer::objects(), name, novel__owner__name)
                .fetch(conn)
                .unwrap();
        owners.sort();
        let expected = [("Amy", None), ("Bob", None), ("Zed", Some("Shelf"))];
        assert_eq!(
            owners,
            expected.map(|(w, o)| (w.to_string(), o.map(str::to_string)))
        );
        // Tag.objects.values_list("label", "novel__writer__name"): across the reverse of a
        // many-to-many, then a foreign key; with a field of the related row in between.
        let mut writers: Vec<(String, Option<String>, Option<String>)> =
            dorm::values_list!(Tag::objects(), label, novel__title, novel__writer__name)
                .fetch(conn)
                .unwrap();
        writers.sort();
        let expected = [
            ("dragons", Some("A"), Some("Zed")),
            ("dragons", Some("C"), Some("Amy")),
            ("empty", None, None),
            ("lions", Some("C"), Some("Amy")),
        ];
        assert_eq!(
            writers,
            expected.map(|(l, t, w)| (l.to_string(), t.map(str::to_string), w.map(str::to_string)))
        );
    });
}

#[test]
fn values_mix_foreign_keys_and_reverse_relations() {
    each_backend("values_reverse_mixed", |_db, conn| {
        let zed = writer(conn, "Zed");
        let a = novel(conn, &zed, "A", 1, None);
        novel(conn, &zed, "B", 2, None);
        for stars in [4, 5] {
            Review::objects()
                .create(
                    Review {
                        novel: ForeignKey::to(&a).unwrap(),
                        stars,
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
        }
        // The writer across the foreign key (a subquery), the reviews across the reverse
        // relation (joined).
        let mut rows: Vec<(String, Option<String>, Option<i32>)> =
            dorm::values!(Novel::objects(), title, writer__name, review__stars)
                .fetch(conn)
                .unwrap();
        rows.sort();
        let zed = || Some("Zed".to_string());
        assert_eq!(
            rows,
            [
                ("A".to_string(), zed(), Some(4)),
                ("A".to_string(), zed(), Some(5)),
                ("B".to_string(), zed(), None),
            ]
        );
    });
}

#[test]
fn nothing_to_load_runs_no_extra_query() {
    each_backend("loading_empty", |_db, conn| {
        let (rows, queries) = capture_queries(|| {
            prefetch_related!(Writer::objects().all(), novel_set, novel_set__tags)
                .fetch(conn)
                .unwrap()
        });
        assert!(rows.is_empty());
        assert_eq!(queries.len(), 1, "no writers: no prefetch query");
        let rows = select_related!(Novel::objects().all(), writer, owner)
            .fetch(conn)
            .unwrap();
        assert!(rows.is_empty());
        let w = writer(conn, "Alone");
        let (added, queries) = capture_queries(|| {
            let n = novel(conn, &w, "T", 0, None);
            n.tags().add(Vec::<&Tag>::new(), conn).unwrap()
        });
        assert_eq!(added, 0);
        assert_eq!(queries.len(), 1, "only the novel's insert: {queries:?}");
    });
}

#[test]
fn select_related_and_prefetch_related_start_from_the_manager() {
    each_backend("related_from_manager", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        novel(conn, &tolkien, "The Hobbit", 310, None);
        novel(conn, &lewis, "Narnia", 200, None);

        let (rows, queries) = capture_queries(|| {
            select_related!(Novel::objects(), writer)
                .fetch(conn)
                .unwrap()
        });
        assert_eq!(queries.len(), 1, "{queries:?}");
        let mut pairs: Vec<(String, String)> = rows
            .iter()
            .map(|n| (n.title.clone(), dorm::related!(n.writer).name.clone()))
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("Narnia".to_string(), "Lewis".to_string()),
                ("The Hobbit".to_string(), "Tolkien".to_string()),
            ]
        );

        let (rows, queries) = capture_queries(|| {
            prefetch_related!(Writer::objects(), novel_set)
                .fetch(conn)
                .unwrap()
        });
        assert_eq!(queries.len(), 2, "{queries:?}");
        let mut shelf: Vec<(String, usize)> = rows
            .iter()
            .map(|w| (w.name.clone(), dorm::related!(w.novel_set).len()))
            .collect();
        shelf.sort();
        assert_eq!(
            shelf,
            [("Lewis".to_string(), 1), ("Tolkien".to_string(), 1)]
        );
    });
}

#[test]
fn values_across_a_many_to_many_relation_join_every_related_row() {
    each_backend("values_many", |_db, conn| {
        use crate::common::rows::tag;
        let zed = writer(conn, "Zed");
        let hobbit = novel(conn, &zed, "Hobbit", 310, None);
        novel(conn, &zed, "Silmarillion", 365, None);
        let narnia = novel(conn, &zed, "Narnia", 200, None);
        let dragons = tag(conn, "dragons");
        let lions = tag(conn, "lions");
        tag(conn, "unused");
        hobbit.tags().add([&dragons], conn).unwrap();
        narnia.tags().add([&dragons, &lions], conn).unwrap();
        let s = |v: &str| v.to_string();
        // Novel.objects.order_by("title", "tags__label").values("title", "tags__label"): one
        // row per novel and tag, Nones for a novel without tags, one query.
        let (rows, queries) = capture_queries(|| {
            let mut rows: Vec<(String, Option<String>, Option<i64>)> = dorm::values!(
                dorm::order_by!(Novel::objects().all(), title),
                title,
                tags__label,
                tags__id
            )
            .fetch(conn)
            .unwrap();
            rows.sort();
            rows
        });
        assert_eq!(queries.len(), 1, "{queries:?}");
        let labels: Vec<_> = rows
            .iter()
            .map(|(t, l, _)| (t.clone(), l.clone()))
            .collect();
        assert_eq!(
            labels,
            [
                (s("Hobbit"), Some(s("dragons"))),
                (s("Narnia"), Some(s("dragons"))),
                (s("Narnia"), Some(s("lions"))),
                (s("Silmarillion"), None),
            ]
        );
        // Two fields of one relation share its join: the ids belong to the labels.
        assert!(rows.iter().all(|(_, l, id)| l.is_some() == id.is_some()));
        assert_eq!(
            rows[0].2,
            dragons.id.get(),
            "the id read beside `dragons` is its own"
        );
        // The reverse side: Tag.objects.values("label", "novel__title").
        let mut rows: Vec<(String, Option<String>)> =
            dorm::values!(Tag::objects(), label, novel__title)
                .fetch(conn)
                .unwrap();
        rows.sort();
        assert_eq!(
            rows,
            [
                (s("dragons"), Some(s("Hobbit"))),
                (s("dragons"), Some(s("Narnia"))),
                (s("lions"), Some(s("Narnia"))),
                (s("unused"), None),
            ]
        );
        // Filtered: the QuerySet's filter picks the rows, the join adds their tags.
        let rows: Vec<Option<String>> = dorm::values_list!(
            dorm::filter!(Novel::objects(), title = "Narnia"),
            tags__label
        )
        .fetch(conn)
        .unwrap();
        let mut rows = rows;
        rows.sort();
        assert_eq!(rows, [Some(s("dragons")), Some(s("lions"))]);
    });
}
