//! Deleting with Django's `on_delete` semantics, applied by dorm's collector on every backend:
//! CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, and many-to-many join rows.

use dorm::db::instrumentation::capture_queries;
use dorm::prelude::*;
use dorm::{Error, ForeignKey};

use crate::common::rows::{novel, owner, writer};
use crate::common::{each_backend, models::*};

#[test]
fn cascade_set_null_and_join_rows() {
    each_backend("delete_cascade", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        let shelf = owner(conn, "Shelf");
        let hobbit = novel(conn, &tolkien, "The Hobbit", 0, Some(&shelf));
        novel(conn, &tolkien, "Silmarillion", 0, None);
        let narnia = novel(conn, &lewis, "Narnia", 0, Some(&shelf));
        let tag = Tag::objects()
            .create(
                Tag {
                    label: "classic".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        hobbit.tags().add([&tag], conn).unwrap();
        narnia.tags().add([&tag], conn).unwrap();

        // SET_NULL: the shelf's novels stay, without an owner.
        let mut shelf = shelf;
        assert_eq!(shelf.delete(conn).unwrap(), 1);
        assert_eq!(
            filter!(Novel::objects(), owner__isnull = true)
                .count(conn)
                .unwrap(),
            3
        );

        // CASCADE: Tolkien's novels go, and their join rows with them; the tag stays.
        let mut tolkien = tolkien;
        assert_eq!(
            tolkien.delete(conn).unwrap(),
            4,
            "writer, 2 novels, 1 join row"
        );
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 1);
        assert_eq!(tag.novel_set().all().unwrap().count(conn).unwrap(), 1);

        // Deleting the target of a many-to-many relation deletes its join rows.
        let mut tag = tag;
        tag.delete(conn).unwrap();
        assert_eq!(narnia.tags().all().unwrap().count(conn).unwrap(), 0);
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 1);

        // A QuerySet delete cascades the same way.
        assert_eq!(
            filter!(Writer::objects(), name = "Lewis")
                .delete(conn)
                .unwrap(),
            2
        );
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 0);
    });
}

#[test]
fn protect_refuses_and_deletes_nothing() {
    each_backend("delete_protect", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let hobbit = novel(conn, &tolkien, "The Hobbit", 0, None);
        Review::objects()
            .create(
                Review {
                    novel: ForeignKey::to(&hobbit).unwrap(),
                    stars: 5,
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let mut tolkien_again = tolkien.clone();
        let err = tolkien_again.delete(conn).unwrap_err();
        match &err {
            Error::Protected {
                model,
                referenced_by,
            } => {
                assert_eq!(*model, "Writer");
                assert_eq!(referenced_by, &["Review.novel (1 rows)".to_string()]);
            }
            other => panic!("expected Protected, got {other:?}"),
        }
        assert!(err.to_string().contains("protected foreign keys"), "{err}");
        // Nothing was deleted, and the instance keeps its key.
        assert!(tolkien_again.id.get().is_some());
        assert_eq!(Writer::objects().all().count(conn).unwrap(), 1);
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 1);
        assert!(matches!(
            Novel::objects().all().delete(conn),
            Err(Error::Protected { .. })
        ));
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 1);
        // Without the review, the delete goes through.
        Review::objects().all().delete(conn).unwrap();
        tolkien_again.delete(conn).unwrap();
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 0);
    });
}

#[test]
fn restrict_refuses_unless_the_rows_go_too_and_set_default() {
    each_backend("delete_restrict", |_db, conn| {
        let house = owner(conn, "House");
        let sponsor = owner(conn, "Sponsor");
        let tolkien = writer(conn, "Tolkien");
        let lewis = writer(conn, "Lewis");
        let hobbit = novel(conn, &tolkien, "The Hobbit", 0, None);
        let narnia = novel(conn, &lewis, "Narnia", 0, None);
        let award = |conn: &mut dorm::Connection, w: &Writer, n: &Novel| {
            Award::objects()
                .create(
                    Award {
                        writer: ForeignKey::to(w).unwrap(),
                        novel: ForeignKey::to(n).unwrap(),
                        sponsor: ForeignKey::to(&sponsor).unwrap(),
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap()
        };
        // Tolkien's award is for his own novel: deleting him cascades to the novel and the
        // award, so the RESTRICT is satisfied.
        award(conn, &tolkien, &hobbit);
        // This award credits Tolkien for Lewis's Narnia: deleting Tolkien would leave it
        // pointing nowhere, so RESTRICT refuses.
        award(conn, &tolkien, &narnia);
        let mut t = tolkien.clone();
        let err = t.delete(conn).unwrap_err();
        assert!(matches!(err, Error::Restricted { .. }), "{err:?}");
        assert_eq!(Writer::objects().all().count(conn).unwrap(), 2);
        // Deleting Narnia (and its award, by cascade) lifts the restriction.
        let mut narnia = narnia;
        narnia.delete(conn).unwrap();
        assert_eq!(t.delete(conn).unwrap(), 3, "writer, novel, award");

        // SET_DEFAULT: awards of a deleted sponsor fall back to the house (owner 1).
        let lewis_book = novel(conn, &lewis, "Perelandra", 0, None);
        let a = award(conn, &lewis, &lewis_book);
        let mut sponsor = sponsor;
        sponsor.delete(conn).unwrap();
        let a = Award::objects().get(a.id.get().unwrap(), conn).unwrap();
        assert_eq!(a.sponsor.id(), &house.id.get().unwrap());
    });
}

#[test]
fn a_model_nothing_points_at_deletes_in_one_statement() {
    each_backend("delete_fast", |_db, conn| {
        let mut t = Tag::objects()
            .create(
                Tag {
                    label: "x".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        // Tag is pointed at by Novel.tags' join table: the collector looks there first.
        let (_, queries) = capture_queries(|| t.delete(conn).unwrap());
        assert!(queries.iter().any(|q| q.contains("DELETE")), "{queries:?}");
        let (deleted, queries) = capture_queries(|| Profile::objects().all().delete(conn).unwrap());
        assert_eq!(deleted, 0);
        assert_eq!(queries.len(), 1, "{queries:?}");
    });
}

#[test]
fn do_nothing_leaves_it_to_the_database() {
    each_backend("delete_do_nothing", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let mut hobbit = novel(conn, &tolkien, "The Hobbit", 0, None);
        let note = Note::objects()
            .create(
                Note {
                    novel: ForeignKey::to(&hobbit).unwrap(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        // The collector does not touch the note; the database's foreign key refuses, and the
        // transaction leaves everything as it was.
        let err = hobbit.delete(conn).unwrap_err();
        assert_eq!(
            err.integrity_kind(),
            Some(dorm::IntegrityKind::ForeignKey),
            "{err}"
        );
        assert_eq!(Novel::objects().all().count(conn).unwrap(), 1);
        assert_eq!(Note::objects().all().count(conn).unwrap(), 1);
        // related_name = "+": the note's relations have no reverse side, but work forwards.
        let tag = Tag::objects()
            .create(
                Tag {
                    label: "margin".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        note.tags().add([&tag], conn).unwrap();
        assert_eq!(
            filter!(Note::objects(), tags__label = "margin")
                .count(conn)
                .unwrap(),
            1
        );
    });
}
