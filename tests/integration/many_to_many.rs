//! Many-to-many relations: the automatic join table, a `through` model, a symmetrical
//! self-relation; lookups across them, prefetches, and the related managers' writes.

use dorm::db::instrumentation::capture_queries;
use dorm::prelude::*;
use dorm::{prefetch_related, related, ForeignKey};

use crate::common::rows::{novel, tag, writer};
use crate::common::{each_backend, models::*};

fn labels(rows: Vec<Tag>) -> Vec<String> {
    let mut l: Vec<String> = rows.into_iter().map(|t| t.label).collect();
    l.sort();
    l
}

fn titles(rows: Vec<Novel>) -> Vec<String> {
    let mut t: Vec<String> = rows.into_iter().map(|n| n.title).collect();
    t.sort();
    t
}

#[test]
fn the_related_manager_adds_removes_clears_and_sets() {
    each_backend("m2m_writes", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let hobbit = novel(conn, &tolkien, "The Hobbit", 0, None);
        let [dragons, elves, rings] = ["dragons", "elves", "rings"].map(|l| tag(conn, l));

        // Many objects in one statement; adding twice stores one row (Django's add()).
        let (added, queries) =
            capture_queries(|| hobbit.tags().add([&dragons, &elves], conn).unwrap());
        assert_eq!(added, 2);
        assert_eq!(queries.len(), 1, "{queries:?}");
        assert_eq!(hobbit.tags().add([&dragons], conn).unwrap(), 0);
        assert_eq!(
            labels(hobbit.tags().all().unwrap().fetch(conn).unwrap()),
            ["dragons", "elves"]
        );

        // The other side sees the same rows; keys work as well as objects.
        assert_eq!(
            titles(dragons.novel_set().all().unwrap().fetch(conn).unwrap()),
            ["The Hobbit"]
        );
        let silmarillion = novel(conn, &tolkien, "Silmarillion", 0, None);
        rings
            .novel_set()
            .add([ForeignKey::<Novel>::to(&silmarillion).unwrap()], conn)
            .unwrap();
        assert_eq!(
            labels(silmarillion.tags().all().unwrap().fetch(conn).unwrap()),
            ["rings"]
        );

        hobbit.tags().remove([&elves], conn).unwrap();
        assert_eq!(
            labels(hobbit.tags().all().unwrap().fetch(conn).unwrap()),
            ["dragons"]
        );
        // set() keeps what is wanted, removes the rest, adds the missing.
        hobbit.tags().set([&elves, &rings], conn).unwrap();
        assert_eq!(
            labels(hobbit.tags().all().unwrap().fetch(conn).unwrap()),
            ["elves", "rings"]
        );
        // create() saves the target and relates it.
        let maps = hobbit
            .tags()
            .create(
                Tag {
                    label: "maps".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        assert!(maps.id.get().is_some());
        assert_eq!(hobbit.tags().all().unwrap().count(conn).unwrap(), 3);
        assert_eq!(hobbit.tags().clear(conn).unwrap(), 3);
        assert_eq!(hobbit.tags().all().unwrap().count(conn).unwrap(), 0);
        // The tags themselves remain; Silmarillion keeps its own.
        assert_eq!(Tag::objects().all().count(conn).unwrap(), 4);
        assert_eq!(rings.novel_set().all().unwrap().count(conn).unwrap(), 1);

        // Unsaved rows are an error, not a panic.
        assert!(matches!(
            Novel::default().tags().all(),
            Err(dorm::Error::Unsaved { .. })
        ));
        assert!(matches!(
            hobbit.tags().add([&Tag::default()], conn),
            Err(dorm::Error::Unsaved { .. })
        ));
    });
}

#[test]
fn lookups_cross_many_to_many_relations_both_ways() {
    each_backend("m2m_lookups", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        let hobbit = novel(conn, &tolkien, "The Hobbit", 0, None);
        let narnia = novel(conn, &lewis, "Narnia", 0, None);
        novel(conn, &lewis, "Untagged", 0, None);
        let [dragons, lions, magic] = ["dragons", "lions", "magic"].map(|l| tag(conn, l));
        tag(conn, "unused");
        hobbit.tags().add([&dragons, &magic], conn).unwrap();
        narnia.tags().add([&lions, &magic], conn).unwrap();

        let q = |qs: dorm::Result<Vec<Novel>>| titles(qs.unwrap());
        assert_eq!(
            q(filter!(Novel::objects(), tags__label = "magic").fetch(conn)),
            ["Narnia", "The Hobbit"]
        );
        // No duplicates, however many tags match.
        assert_eq!(
            filter!(Novel::objects(), tags__label__in = ["dragons", "magic"])
                .count(conn)
                .unwrap(),
            2
        );
        // One filter!: the same tag must match both conditions; chained: any tags.
        assert_eq!(
            filter!(
                Novel::objects(),
                tags__label = "dragons",
                tags__label = "magic"
            )
            .count(conn)
            .unwrap(),
            0
        );
        assert_eq!(
            q(filter!(
                filter!(Novel::objects(), tags__label = "dragons"),
                tags__label = "magic"
            )
            .fetch(conn)),
            ["The Hobbit"]
        );
        // Reverse, across a foreign key too.
        assert_eq!(
            labels(
                filter!(Tag::objects(), novel__writer__name = "Lewis")
                    .fetch(conn)
                    .unwrap()
            ),
            ["lions", "magic"]
        );
        assert_eq!(
            q(exclude!(Novel::objects(), tags__label = "lions").fetch(conn)),
            ["The Hobbit", "Untagged"]
        );
        // No associated rows / at least one.
        assert_eq!(
            q(filter!(Novel::objects(), tags__isnull = true).fetch(conn)),
            ["Untagged"]
        );
        assert_eq!(
            labels(
                filter!(Tag::objects(), novel__isnull = true)
                    .fetch(conn)
                    .unwrap()
            ),
            ["unused"]
        );
        assert_eq!(
            filter!(Writer::objects(), novel__tags__label = "dragons")
                .fetch(conn)
                .unwrap()[0]
                .name,
            "Tolkien"
        );
    });
}

#[test]
fn prefetching_many_to_many_is_one_query_per_level() {
    each_backend("m2m_prefetch", |_db, conn| {
        // 100 writers with 2 novels each, every novel with 3 of 5 tags.
        let tags: Vec<Tag> = (0..5).map(|i| tag(conn, &format!("t{i}"))).collect();
        for w in 0..100 {
            let writer = writer(conn, &format!("W{w:03}"));
            for n in 0..2 {
                let novel = novel(conn, &writer, &format!("W{w:03}N{n}"), 0, None);
                novel
                    .tags()
                    .add((0..3).map(|k| &tags[(w + n + k) % 5]), conn)
                    .unwrap();
            }
        }
        let (writers, queries) = capture_queries(|| {
            prefetch_related!(
                dorm::order_by!(Writer::objects().all(), name),
                novel_set,
                novel_set__tags
            )
            .fetch(conn)
            .unwrap()
        });
        assert_eq!(queries.len(), 3, "{queries:?}");
        assert_eq!(writers.len(), 100);
        for (w, writer) in writers.iter().enumerate() {
            let novels = related!(writer.novel_set);
            assert_eq!(novels.len(), 2);
            for novel in novels {
                let n: usize = novel.title[5..].parse().unwrap();
                let mut got: Vec<&str> = related!(novel.tags)
                    .iter()
                    .map(|t| t.label.as_str())
                    .collect();
                got.sort();
                let mut want: Vec<String> =
                    (0..3).map(|k| format!("t{}", (w + n + k) % 5)).collect();
                want.sort();
                assert_eq!(got, want);
            }
        }

        // Reverse, with a custom QuerySet ordering the prefetched rows.
        let tags = prefetch_related!(
            dorm::order_by!(Tag::objects().all(), label),
            novel_set =
                dorm::order_by!(filter!(Novel::objects(), title__startswith = "W00"), -title)
        )
        .fetch(conn)
        .unwrap();
        let t0: Vec<&str> = related!(tags[0].novel_set)
            .iter()
            .map(|n| n.title.as_str())
            .collect();
        let mut sorted = t0.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(t0, sorted);
        assert!(t0.iter().all(|t| t.starts_with("W00")));
        assert!(!t0.is_empty());
    });
}

#[test]
fn a_symmetrical_relation_reads_the_same_both_ways() {
    each_backend("m2m_symmetrical", |_db, conn| {
        let make = |conn: &mut dorm::Connection, name: &str| {
            Employee::objects()
                .create(
                    Employee {
                        name: name.into(),
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap()
        };
        let ann = make(conn, "Ann");
        let bob = make(conn, "Bob");
        let cid = make(conn, "Cid");
        ann.friends().add([&bob, &cid], conn).unwrap();
        let names = |rows: Vec<Employee>| {
            let mut n: Vec<String> = rows.into_iter().map(|e| e.name).collect();
            n.sort();
            n
        };
        assert_eq!(
            names(bob.friends().all().unwrap().fetch(conn).unwrap()),
            ["Ann"]
        );
        assert_eq!(
            names(
                filter!(Employee::objects(), friends__name = "Ann")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Bob", "Cid"]
        );
        bob.friends().remove([&ann], conn).unwrap();
        assert_eq!(
            names(ann.friends().all().unwrap().fetch(conn).unwrap()),
            ["Cid"]
        );
        let people = prefetch_related!(dorm::order_by!(Employee::objects().all(), name), friends)
            .fetch(conn)
            .unwrap();
        let counts: Vec<usize> = people.iter().map(|p| related!(p.friends).len()).collect();
        assert_eq!(counts, [1, 0, 1]);
    });
}

#[test]
fn a_through_model_carries_extra_fields() {
    each_backend("m2m_through", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        let inklings = Club::objects()
            .create(
                Club {
                    name: "Inklings".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        for (w, role) in [(&tolkien, "founder"), (&lewis, "member")] {
            Membership::objects()
                .create(
                    Membership {
                        club: ForeignKey::to(&inklings).unwrap(),
                        writer: ForeignKey::to(w).unwrap(),
                        role: role.into(),
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
        }
        assert_eq!(inklings.members().all().unwrap().count(conn).unwrap(), 2);
        assert_eq!(
            filter!(Club::objects(), members__name = "Lewis")
                .get(conn)
                .unwrap()
                .name,
            "Inklings"
        );
        assert_eq!(
            filter!(Writer::objects(), clubs__name = "Inklings")
                .count(conn)
                .unwrap(),
            2
        );
        let clubs = prefetch_related!(Club::objects().all(), members)
            .fetch(conn)
            .unwrap();
        assert_eq!(related!(clubs[0].members).len(), 2);
        let writers = prefetch_related!(dorm::order_by!(Writer::objects().all(), name), clubs)
            .fetch(conn)
            .unwrap();
        assert_eq!(related!(writers[1].clubs)[0].name, "Inklings");
        // remove() and clear() delete through rows; add() does not compile for a through model.
        inklings.members().remove([&lewis], conn).unwrap();
        assert_eq!(Membership::objects().all().count(conn).unwrap(), 1);
        tolkien.clubs().clear(conn).unwrap();
        assert_eq!(Membership::objects().all().count(conn).unwrap(), 0);
    });
}
