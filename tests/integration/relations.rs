//! Foreign keys: declaration, DDL, explicit fetches, and lookups that follow them.

use chrono::NaiveDate;
use dorm::prelude::*;
use dorm::{Error, ForeignKey, IntegrityKind};

use crate::common::{each_backend, models::*};

fn library(conn: &mut dorm::Connection) -> (Writer, Writer) {
    let tolkien = Writer::objects()
        .create(
            Writer {
                name: "Tolkien".into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap();
    let lewis = Writer::objects()
        .create(
            Writer {
                name: "Lewis".into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap();
    let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
    for (writer, title, pages, year) in [
        (&tolkien, "The Hobbit", 310, 1937),
        (&tolkien, "Silmarillion", 365, 1977),
        (&lewis, "Narnia", 200, 1950),
    ] {
        Novel::objects()
            .create(
                Novel {
                    writer: ForeignKey::to(writer).unwrap(),
                    title: title.into(),
                    pages,
                    published: day(year),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
    }
    (tolkien, lewis)
}

fn writer_names(rows: Vec<Writer>) -> Vec<String> {
    let mut n: Vec<String> = rows.into_iter().map(|w| w.name).collect();
    n.sort();
    n
}

/// The library plus a writer without novels.
fn library_and_nobody(conn: &mut dorm::Connection) {
    library(conn);
    Writer::objects()
        .create(
            Writer {
                name: "Nobody".into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap();
}

fn titles(rows: Vec<Novel>) -> Vec<String> {
    let mut t: Vec<String> = rows.into_iter().map(|n| n.title).collect();
    t.sort();
    t
}

#[test]
fn foreign_keys_store_keys_and_fetch_explicitly() {
    each_backend("fk_fetch", |_db, conn| {
        let (tolkien, _) = library(conn);
        let hobbit = filter!(Novel::objects(), title = "The Hobbit")
            .get(conn)
            .unwrap();
        assert_eq!(hobbit.writer.id(), &tolkien.id.get().unwrap());
        let (writer, queries) =
            dorm::db::instrumentation::capture_queries(|| hobbit.writer.fetch(conn).unwrap());
        assert_eq!(writer, tolkien);
        assert_eq!(queries.len(), 1, "one explicit query");
        assert!(matches!(
            ForeignKey::<Writer>::to(&Writer::default()),
            Err(Error::Unsaved { .. })
        ));
        let writer_ids: Vec<i64> =
            dorm::values_list!(dorm::order_by!(Novel::objects().all(), title), writer)
                .fetch(conn)
                .unwrap();
        assert_eq!(writer_ids.len(), 3);
    });
}

#[test]
fn the_database_enforces_foreign_keys() {
    each_backend("fk_enforced", |_db, conn| {
        let orphan = Novel {
            writer: ForeignKey::new(999),
            title: "Orphan".into(),
            ..Default::default()
        };
        let err = Novel::objects().create(orphan, conn).unwrap_err();
        assert_eq!(
            err.integrity_kind(),
            Some(IntegrityKind::ForeignKey),
            "{err}"
        );
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 0);
    });
}

#[test]
fn lookups_follow_foreign_keys() {
    each_backend("fk_lookups", |_db, conn| {
        let (tolkien, lewis) = library(conn);
        assert_eq!(
            titles(
                filter!(Novel::objects(), writer__name = "Tolkien")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Silmarillion", "The Hobbit"]
        );
        assert_eq!(
            titles(
                filter!(Novel::objects(), writer__name__istartswith = "le")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Narnia"]
        );
        assert_eq!(
            titles(
                exclude!(Novel::objects(), writer__name = "Tolkien")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Narnia"]
        );
        assert_eq!(
            titles(
                filter!(Novel::objects(), writer = lewis.id.get().unwrap())
                    .fetch(conn)
                    .unwrap()
            ),
            ["Narnia"]
        );
        let hobbit = filter!(Novel::objects(), title = "The Hobbit")
            .get(conn)
            .unwrap();
        assert_eq!(
            filter!(Novel::objects(), writer = hobbit.writer)
                .count(conn)
                .unwrap(),
            2
        );
        assert_eq!(
            filter!(
                Novel::objects(),
                writer__id__in = [tolkien.id.get().unwrap()]
            )
            .count(conn)
            .unwrap(),
            2
        );
        assert_eq!(
            titles(
                filter!(
                    Novel::objects(),
                    q!(writer__name = "Lewis") | q!(published__year__lt = 1940)
                )
                .fetch(conn)
                .unwrap()
            ),
            ["Narnia", "The Hobbit"]
        );
        // One query, the related table in a subquery: the row type and count do not change.
        let (n, queries) = dorm::db::instrumentation::capture_queries(|| {
            filter!(Novel::objects(), writer__name__contains = "o")
                .count(conn)
                .unwrap()
        });
        assert_eq!(n, 2, "Tolkien's two books");
        assert_eq!(queries.len(), 1);
        assert!(queries[0].contains(" IN (SELECT"), "{}", queries[0]);
    });
}

#[test]
fn a_relation_compares_with_its_own_models_keys() {
    // Django: `Novel.objects.filter(writer=novel.writer)`, `writer=pk`, `writer__in=[...]`.
    // A `ForeignKey<Author>` given for a relation to `Writer` does not compile (ui-test
    // `relation_compared_with_another_models_key_is_rejected`).
    each_backend("fk_compare", |_db, conn| {
        let (tolkien, lewis) = library(conn);
        let hobbit = filter!(Novel::objects(), title = "The Hobbit")
            .get(conn)
            .unwrap();
        let same_writer = filter!(Novel::objects(), writer = hobbit.writer)
            .fetch(conn)
            .unwrap();
        assert_eq!(titles(same_writer), ["Silmarillion", "The Hobbit"]);
        let by_key = filter!(Novel::objects(), writer = lewis.id.get().unwrap())
            .fetch(conn)
            .unwrap();
        assert_eq!(titles(by_key), ["Narnia"]);
        let both = [
            ForeignKey::to(&tolkien).unwrap(),
            ForeignKey::to(&lewis).unwrap(),
        ];
        assert_eq!(
            filter!(Novel::objects(), writer__in = both)
                .count(conn)
                .unwrap(),
            3
        );
        assert_eq!(
            exclude!(Novel::objects(), writer = hobbit.writer)
                .count(conn)
                .unwrap(),
            1
        );
        // After annotate!, the same rule.
        let annotated = annotate!(Novel::objects(), long = F(pages) * 2);
        let same_writer = values_list!(
            order_by!(filter!(annotated, writer = hobbit.writer), title),
            title
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(same_writer, ["Silmarillion", "The Hobbit"]);
    });
}

#[test]
fn f_in_a_lookup_across_a_relation_reads_the_querysets_row() {
    // Django: in `filter(boss__name__lt=F("name"))`, F("name") is the employee's own name, not
    // the boss's, even though both rows live in one table.
    use crate::common::rows::employee;
    each_backend("f_across", |_db, conn| {
        library(conn);
        let ann = employee(conn, "Ann", None);
        let bob = employee(conn, "Bob", Some(&ann));
        let cid = employee(conn, "Cid", Some(&bob));
        ann.friends().add([&cid], conn).unwrap();
        let names = |rows: Vec<Employee>| {
            let mut n: Vec<String> = rows.into_iter().map(|e| e.name).collect();
            n.sort();
            n
        };
        // Forward, to the same table.
        let later = filter!(Employee::objects(), boss__name__lt = F(name));
        assert_eq!(names(later.clone().fetch(conn).unwrap()), ["Bob", "Cid"]);
        assert!(filter!(Employee::objects(), boss__name = F(name))
            .fetch(conn)
            .unwrap()
            .is_empty());
        // Backward, to the same table.
        let earlier = filter!(Employee::objects(), employee__name__gt = F(name));
        assert_eq!(names(earlier.fetch(conn).unwrap()), ["Ann", "Bob"]);
        // Many-to-many, to the same table.
        let befriended = filter!(Employee::objects(), friends__name__gt = F(name));
        assert_eq!(names(befriended.fetch(conn).unwrap()), ["Ann"]);
        // Excluded, and mixed with plain values in one filter!.
        let not_later = exclude!(Employee::objects(), boss__name__lt = F(name));
        assert_eq!(names(not_later.fetch(conn).unwrap()), ["Ann"]);
        let mixed = filter!(
            Employee::objects(),
            boss__name__lt = F(name),
            boss__name = "Bob"
        );
        assert_eq!(names(mixed.fetch(conn).unwrap()), ["Cid"]);
        // To another table: the writer's own name (a Novel has none).
        let writers = filter!(Writer::objects(), novel__title__gt = F(name))
            .fetch(conn)
            .unwrap();
        assert_eq!(writer_names(writers), ["Lewis"]);
        // A plain value leaves the SQL as it was; F() names the row through an alias.
        let plain =
            filter!(Employee::objects(), boss__name = "Ann").sql(dorm::db::Vendor::Postgres);
        assert!(!plain.contains("EXISTS"), "{plain}");
        let sql = later.sql(dorm::db::Vendor::Postgres);
        assert!(
            sql.contains(r#"EXISTS (SELECT 1 FROM "tests_employee" AS "V0" WHERE "V0"."id" = "tests_employee"."id" AND"#),
            "{sql}"
        );
        assert!(sql.contains(r#"< "V0"."name""#), "{sql}");
    });
}

#[test]
fn self_referential_foreign_keys() {
    each_backend("fk_self", |_db, conn| {
        let boss = Employee::objects()
            .create(
                Employee {
                    name: "Ann".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let mid = Employee::objects()
            .create(
                Employee {
                    name: "Bob".into(),
                    boss: Some(ForeignKey::to(&boss).unwrap()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        Employee::objects()
            .create(
                Employee {
                    name: "Cid".into(),
                    boss: Some(ForeignKey::to(&mid).unwrap()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let names = |rows: Vec<Employee>| rows.into_iter().map(|e| e.name).collect::<Vec<_>>();
        assert_eq!(
            names(
                filter!(Employee::objects(), boss__name = "Ann")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Bob"]
        );
        assert_eq!(
            names(
                filter!(Employee::objects(), boss__boss__name = "Ann")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Cid"]
        );
        assert_eq!(
            names(
                filter!(Employee::objects(), boss__isnull = true)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Ann"]
        );
        let cid = filter!(Employee::objects(), name = "Cid")
            .get(conn)
            .unwrap();
        assert_eq!(cid.boss.as_ref().unwrap().fetch(conn).unwrap().name, "Bob");
    });
}

#[test]
fn foreign_key_metadata_and_ddl() {
    let meta = <Novel as dorm::Model>::META;
    let writer = meta.field("writer").unwrap();
    assert_eq!(writer.column, "writer_id");
    assert_eq!(writer.kind, dorm::fields::FieldKind::ForeignKey);
    let rel = writer.relation.unwrap();
    assert_eq!(
        (rel.model, rel.table, rel.column, rel.on_delete),
        ("Writer", "tests_writer", "id", dorm::OnDelete::Cascade)
    );
    let owner = meta.field("owner").unwrap();
    assert!(owner.null);
    assert_eq!(owner.relation.unwrap().on_delete, dorm::OnDelete::SetNull);
    let pg = dorm::migrations::schema_editor::SchemaEditor::new(dorm::db::Vendor::Postgres)
        .create_model(&meta);
    assert!(pg[0].contains("\"writer_id\" bigint NOT NULL REFERENCES \"tests_writer\" (\"id\") DEFERRABLE INITIALLY DEFERRED"), "{pg:?}");
    assert!(
        pg[0].contains("\"owner_id\" integer NULL REFERENCES \"tests_owner\" (\"id\")"),
        "{pg:?}"
    );
    assert!(
        pg.iter()
            .any(|s| s.starts_with("CREATE INDEX \"tests_novel_writer_id_idx\"")),
        "foreign keys are indexed: {pg:?}"
    );
    let source = dorm::migrations::writer::field_source(writer);
    assert!(source.contains(".foreign_key(\"Writer\", \"tests_writer\", \"id\", FieldKind::BigIntegerField, OnDelete::Cascade)"), "{source}");
}

#[test]
fn lookups_follow_reverse_relations() {
    each_backend("reverse_lookups", |_db, conn| {
        library_and_nobody(conn);
        let names = writer_names;
        // The default reverse name is the model's name in lower case (Django's `novel__...`).
        assert_eq!(
            names(
                filter!(Writer::objects(), novel__pages__gt = 300)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Tolkien"]
        );
        assert_eq!(
            names(
                filter!(Writer::objects(), novel__title__icontains = "narnia")
                    .fetch(conn)
                    .unwrap()
            ),
            ["Lewis"]
        );
        // No duplicates although Tolkien has two matching novels.
        assert_eq!(
            filter!(Writer::objects(), novel__pages__gt = 100)
                .count(conn)
                .unwrap(),
            2
        );
        // Conditions in one filter! apply to the same related row; chained filters may match
        // different rows (Django's multi-valued rule).
        assert!(filter!(
            Writer::objects(),
            novel__pages__gt = 360,
            novel__title = "The Hobbit"
        )
        .fetch(conn)
        .unwrap()
        .is_empty());
        let chained = filter!(
            filter!(Writer::objects(), novel__pages__gt = 360),
            novel__title = "The Hobbit"
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(names(chained), ["Tolkien"]);
        // Writers with no novel at all.
        assert_eq!(
            names(
                exclude!(Writer::objects(), novel__id__gt = 0)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Nobody"]
        );
        // Reverse of a self-reference: the bosses of Bob.
        let ann = Employee::objects()
            .create(
                Employee {
                    name: "Ann".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        Employee::objects()
            .create(
                Employee {
                    name: "Bob".into(),
                    boss: Some(ForeignKey::to(&ann).unwrap()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let bosses = filter!(Employee::objects(), employee__name = "Bob")
            .fetch(conn)
            .unwrap();
        assert_eq!(
            bosses.into_iter().map(|e| e.name).collect::<Vec<_>>(),
            ["Ann"]
        );
    });
}

#[test]
fn one_to_one_is_a_unique_foreign_key() {
    each_backend("one_to_one", |_db, conn| {
        let (tolkien, _) = library(conn);
        let profile = Profile {
            writer: ForeignKey::to(&tolkien).unwrap(),
            bio: "Oxford".into(),
            ..Default::default()
        };
        Profile::objects().create(profile.clone(), conn).unwrap();
        match Profile::objects().create(profile, conn) {
            Err(Error::Integrity {
                kind: IntegrityKind::Unique,
                constraint,
                ..
            }) => {
                assert_eq!(constraint.as_deref(), Some("tests_profile_writer_id_key"))
            }
            other => panic!("{other:?}"),
        }
        let with_profile = filter!(Writer::objects(), profile__bio = "Oxford")
            .fetch(conn)
            .unwrap();
        assert_eq!(with_profile, vec![tolkien.clone()]);
        // The singular reverse accessor (Django's `writer.profile`), read explicitly.
        assert_eq!(tolkien.profile().unwrap().get(conn).unwrap().bio, "Oxford");
        let nobody = Writer::objects()
            .create(
                Writer {
                    name: "Nobody".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        assert!(matches!(
            nobody.profile().unwrap().get(conn),
            Err(Error::DoesNotExist { .. })
        ));
        assert_eq!(
            <Profile as dorm::Model>::META.field("writer").unwrap().kind,
            dorm::fields::FieldKind::OneToOneField
        );
    });
}

#[test]
fn isnull_on_a_reverse_relation_means_no_related_rows() {
    each_backend("reverse_isnull", |_db, conn| {
        library_and_nobody(conn);
        let names = writer_names;
        // The scrap book's "no associated records": Venue.objects.filter(experiences__isnull=True).
        assert_eq!(
            names(
                filter!(Writer::objects(), novel__isnull = true)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Nobody"]
        );
        assert_eq!(
            names(
                filter!(Writer::objects(), novel__isnull = false)
                    .fetch(conn)
                    .unwrap()
            ),
            ["Lewis", "Tolkien"]
        );
        // A nullable field keeps its meaning; a nullable foreign key too.
        assert_eq!(
            filter!(Novel::objects(), owner__isnull = true)
                .count(conn)
                .unwrap(),
            3
        );
        assert_eq!(
            filter!(Person::objects(), nickname__isnull = true)
                .count(conn)
                .unwrap(),
            0
        );
    });
}

#[test]
fn reverse_accessors_are_explicit_querysets() {
    each_backend("reverse_accessors", |_db, conn| {
        let (tolkien, lewis) = library(conn);
        let (novels, queries) = dorm::db::instrumentation::capture_queries(|| {
            tolkien.novel_set().unwrap().fetch(conn).unwrap()
        });
        assert_eq!(titles(novels), ["Silmarillion", "The Hobbit"]);
        assert_eq!(queries.len(), 1);
        assert_eq!(
            filter!(lewis.novel_set().unwrap(), pages__gt = 100)
                .count(conn)
                .unwrap(),
            1
        );
        assert!(matches!(
            Writer::default().novel_set(),
            Err(Error::Unsaved { .. })
        ));
        let boss = Employee::objects()
            .create(
                Employee {
                    name: "Ann".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        Employee::objects()
            .create(
                Employee {
                    name: "Bob".into(),
                    boss: Some(ForeignKey::to(&boss).unwrap()),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        assert_eq!(boss.employee_set().unwrap().count(conn).unwrap(), 1);
    });
}

#[test]
fn relations_reach_models_in_other_modules() {
    each_backend("other_module", |_db, conn| {
        let (tolkien, _) = library(conn);
        archive::Archive::objects()
            .create(
                archive::Archive {
                    writer: ForeignKey::to(&tolkien).unwrap(),
                    shelf: "B2".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let found = filter!(Writer::objects(), archives__shelf = "B2")
            .get(conn)
            .unwrap();
        assert_eq!(found.name, "Tolkien");
        let boxes = dorm::select_related!(archive::Archive::objects().all(), writer)
            .fetch(conn)
            .unwrap();
        assert_eq!(dorm::related!(boxes[0].writer).name, "Tolkien");
        let writers =
            dorm::prefetch_related!(filter!(Writer::objects(), name = "Tolkien"), archives)
                .fetch(conn)
                .unwrap();
        assert_eq!(dorm::related!(writers[0].archives)[0].shelf, "B2");
        assert_eq!(tolkien.archives().unwrap().count(conn).unwrap(), 1);
    });
}
