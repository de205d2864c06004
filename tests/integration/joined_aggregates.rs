//! Aggregates over expressions that read a multi-valued relation (`Sum(F(id) +
//! F(novel__pages))`): over the joined rows, as Django's `LEFT OUTER JOIN`, per row, per group
//! and over the whole QuerySet, restricted by an earlier filter across the relation.

use chrono::NaiveDate;
use dorm::prelude::*;
use dorm::{aggregate, annotate, filter, order_by, update, values};

use crate::common::rows::{novel, tag, writer};
use crate::common::{each_backend, models::*};

/// Tolkien (The Hobbit 310 pages, 1937, tagged dragons; Silmarillion 365, 1977), Lewis (Narnia
/// 200, 1950, dragons and lions), Nobody (no novels). Returns the writers' ids.
fn library(conn: &mut dorm::Connection) -> (i64, i64, i64) {
    let tolkien = writer(conn, "Tolkien");
    let lewis = writer(conn, "Lewis");
    let nobody = writer(conn, "Nobody");
    let hobbit = novel(conn, &tolkien, "The Hobbit", 310, None);
    novel(conn, &tolkien, "Silmarillion", 365, None);
    let narnia = novel(conn, &lewis, "Narnia", 200, None);
    for (title, year) in [
        ("The Hobbit", 1937),
        ("Silmarillion", 1977),
        ("Narnia", 1950),
    ] {
        let day = NaiveDate::from_ymd_opt(year, 9, 21).unwrap();
        update!(filter!(Novel::objects(), title = title), published = day)
            .execute(conn)
            .unwrap();
    }
    let dragons = tag(conn, "dragons");
    let lions = tag(conn, "lions");
    hobbit.tags().add([&dragons], conn).unwrap();
    narnia.tags().add([&dragons, &lions], conn).unwrap();
    (
        tolkien.id.get().unwrap(),
        lewis.id.get().unwrap(),
        nobody.id.get().unwrap(),
    )
}

#[test]
fn expressions_over_related_rows_per_row() {
    each_backend("joined_per_row", |_db, conn| {
        let (t, l, _) = library(conn);
        let qs = annotate!(
            Writer::objects(),
            mixed = Sum(F(id) + F(novel__pages)),
            first = Min(ExtractYear(novel__published)),
            hobbit = Sum(Case(When(novel__pages = 310, then = F(novel__pages)))),
            joined = Count(Coalesce(novel__pages, 0)),
            dragons = Count(Case(When(novel__tags__label = "dragons", then = 1))),
        );
        let rows: Vec<_> = order_by!(qs, name)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(w, mixed, first, hobbit, joined, dragons)| {
                (w.name, mixed, first, hobbit, joined, dragons)
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("Lewis".into(), Some(l + 200), Some(1950), None, 1, 1),
                // One joined row of NULLs: Count(Coalesce(...)) counts it, as Django's join.
                ("Nobody".into(), None, None, None, 1, 0),
                (
                    "Tolkien".into(),
                    Some(2 * t + 675),
                    Some(1937),
                    Some(310),
                    2,
                    1
                ),
            ]
        );
    });
}

#[test]
fn expression_aggregate_options_and_many_to_many() {
    each_backend("joined_options", |_db, conn| {
        library(conn);
        // A filter across the relation is a condition on the joined row.
        let long = annotate!(
            Writer::objects(),
            doubled = Sum(F(novel__pages) * 2, filter = q!(novel__pages__gt = 300)),
            years = Count(ExtractYear(novel__published), distinct = true),
            none = Sum(F(novel__pages) + 0, default = 0),
        );
        let rows: Vec<_> = order_by!(long, name)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(w, doubled, years, none)| (w.name, doubled, years, none))
            .collect();
        assert_eq!(
            rows,
            [
                ("Lewis".into(), None, 1, 200),
                ("Nobody".into(), None, 0, 0),
                ("Tolkien".into(), Some(1350), 2, 675),
            ]
        );
        // Across a reverse many-to-many: the tags' novels.
        let tags: Vec<(String, Option<i64>)> = order_by!(
            annotate!(Tag::objects(), pages = Sum(F(novel__pages) - 100)),
            label
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|(tag, pages)| (tag.label, pages))
        .collect();
        assert_eq!(
            tags,
            [("dragons".into(), Some(310)), ("lions".into(), Some(100))]
        );
        // From a foreign key, then across the related model's reverse relation: the novels of
        // each novel's writer.
        let siblings: Vec<(String, Option<i64>)> = order_by!(
            annotate!(
                Novel::objects(),
                others = Sum(F(writer__novel__pages) - F(pages))
            ),
            title
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|(novel, others)| (novel.title, others))
        .collect();
        assert_eq!(
            siblings,
            [
                ("Narnia".into(), Some(0)),
                ("Silmarillion".into(), Some(-55)),
                ("The Hobbit".into(), Some(55)),
            ]
        );
    });
}

#[test]
fn expressions_over_related_rows_in_groups_and_totals() {
    each_backend("joined_groups", |_db, conn| {
        let (t, l, n) = library(conn);
        // Over every (writer, novel) pair, as Django's joined aggregate.
        let total: Option<i64> =
            aggregate!(Writer::objects(), total = Sum(F(novel__pages) - F(id)))
                .fetch(conn)
                .unwrap();
        assert_eq!(total, Some(875 - 2 * t - l));
        let some: Option<i64> = aggregate!(
            filter!(Writer::objects(), name__in = ["Lewis", "Nobody"]),
            total = Sum(F(novel__pages) + F(id))
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(some, Some(200 + l));
        let _ = n;
        // Per group: the novels of the group's writers.
        let groups: Vec<(String, Option<i64>)> = order_by!(
            annotate!(
                values!(Writer::objects(), name),
                pages = Sum(F(novel__pages) + 1)
            ),
            name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            groups,
            [
                ("Lewis".into(), Some(201)),
                ("Nobody".into(), None),
                ("Tolkien".into(), Some(677)),
            ]
        );
    });
}

#[test]
fn an_earlier_filter_restricts_the_joined_rows() {
    each_backend("joined_restricted", |_db, conn| {
        let (t, _, _) = library(conn);
        // Django: Writer.objects.filter(novel__pages__lt=350).annotate(s=Sum(F("id") + F("novel__pages")))
        // reuses the join: only the matching novels are summed.
        let short = annotate!(
            filter!(Writer::objects(), novel__pages__lt = 350),
            s = Sum(F(id) + F(novel__pages)),
        );
        let rows: Vec<(String, Option<i64>)> = order_by!(short, name)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(w, s)| (w.name, s.map(|s| s - w.id.get().unwrap())))
            .collect();
        assert_eq!(
            rows,
            [("Lewis".into(), Some(200)), ("Tolkien".into(), Some(310))]
        );
        // Annotated first, then filtered: every novel.
        let all = filter!(
            annotate!(Writer::objects(), s = Sum(F(id) + F(novel__pages))),
            novel__pages__lt = 350
        );
        let tolkien: Vec<Option<i64>> = filter!(all, name = "Tolkien")
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(tolkien, [Some(2 * t + 675)]);
        // Over the whole QuerySet and per group too.
        let short = filter!(Writer::objects(), novel__pages__lt = 350);
        let total: Option<i64> = aggregate!(short.clone(), total = Sum(F(novel__pages) + 0))
            .fetch(conn)
            .unwrap();
        assert_eq!(total, Some(510));
        let groups: Vec<(String, Option<i64>)> = order_by!(
            annotate!(values!(short, name), pages = Sum(F(novel__pages) * 1)),
            name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            groups,
            [("Lewis".into(), Some(200)), ("Tolkien".into(), Some(310))]
        );
    });
}
