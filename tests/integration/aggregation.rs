//! Aggregation: `aggregate!`, `annotate!` (per row, across relations, without fan-out),
//! `values!().annotate!()` groups with `HAVING`, and names of annotations used afterwards.

use chrono::NaiveDate;
use dorm::prelude::*;
use dorm::{aggregate, annotate, order_by, ForeignKey};

use crate::common::rows::{novel, tag, writer};
use crate::common::{each_backend, insert_people, models::*};

/// The scrap book's trap: a city with one venue that has two experiences.
mod trap {
    use dorm::prelude::*;
    use dorm::ForeignKey;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "aggregation")]
    pub struct City {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "aggregation")]
    pub struct Venue {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade, related_name = "venues")]
        pub city: ForeignKey<City>,
        #[dorm(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "aggregation")]
    pub struct Experience {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade, related_name = "experiences")]
        pub venue: ForeignKey<Venue>,
        #[dorm(max_length = 50)]
        pub name: String,
    }
}

use trap::{City, Experience, Venue};

/// Decimals: `Sum` is exact, `Avg` is a decimal rounded to the field's places.
mod money {
    use dorm::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "aggregation")]
    pub struct Payment {
        pub id: Auto<i64>,
        #[dorm(max_digits = 10, decimal_places = 2)]
        pub amount: rust_decimal::Decimal,
        #[dorm(max_length = 10)]
        pub kind: String,
    }
}

#[test]
fn decimal_aggregates_are_exact() {
    use money::Payment;
    use rust_decimal::Decimal;
    each_backend("aggregate_decimals", |_db, conn| {
        dorm::migrations::create_tables(&[Payment::META], conn).unwrap();
        let rows = [
            ("0.10", "a"),
            ("0.20", "a"),
            ("1000.05", "b"),
            ("0.01", "b"),
        ]
        .map(|(amount, kind)| Payment {
            amount: amount.parse().unwrap(),
            kind: kind.into(),
            ..Default::default()
        });
        Payment::objects().bulk_create(rows.to_vec(), conn).unwrap();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let (total, mean, high, low) = aggregate!(
            Payment::objects(),
            total = Sum(amount),
            mean = Avg(amount),
            high = Max(amount),
            low = Min(amount)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(total, Some(d("1000.36")));
        // 1000.36 / 4 = 250.09 exactly.
        assert_eq!(mean, Some(d("250.09")));
        assert_eq!((high, low), (Some(d("1000.05")), Some(d("0.01"))));
        let per_kind: Vec<(String, Option<Decimal>)> = order_by!(
            annotate!(dorm::values!(Payment::objects(), kind), total = Sum(amount)),
            kind
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            per_kind,
            [
                ("a".to_string(), Some(d("0.30"))),
                ("b".to_string(), Some(d("1000.06")))
            ]
        );
        // (0.10 + 0.20) / 2, at the field's two places.
        let third = aggregate!(filter!(Payment::objects(), kind = "a"), mean = Avg(amount))
            .fetch(conn)
            .unwrap();
        assert_eq!(third, Some(d("0.15")));
    });
}

fn trap_data(conn: &mut dorm::Connection) {
    dorm::migrations::create_tables(&[City::META, Venue::META, Experience::META], conn).unwrap();
    let paris = City::objects()
        .create(
            City {
                name: "Paris".into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap();
    City::objects()
        .create(
            City {
                name: "Empty".into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap();
    let louvre = Venue::objects()
        .create(
            Venue {
                city: ForeignKey::to(&paris).unwrap(),
                name: "Louvre".into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap();
    for name in ["Night tour", "Sculpture class"] {
        Experience::objects()
            .create(
                Experience {
                    venue: ForeignKey::to(&louvre).unwrap(),
                    name: name.into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
    }
}

#[test]
fn counts_across_two_relations_do_not_multiply_each_other() {
    each_backend("aggregation_trap", |_db, conn| {
        trap_data(conn);
        // City.objects.annotate(vcount=Count("venues")).annotate(ecount=Count("venues__experiences"))
        let qs = annotate!(
            City::objects(),
            vcount = Count(venues),
            ecount = Count(venues__experiences)
        );
        let counts: Vec<(String, i64, i64)> =
            dorm::values!(order_by!(qs, name), name, vcount, ecount)
                .fetch(conn)
                .unwrap();
        assert_eq!(
            counts,
            [("Empty".to_string(), 0, 0), ("Paris".to_string(), 1, 2)]
        );
        // distinct=True changes nothing here: there is no join to multiply rows.
        let distinct = annotate!(
            filter!(City::objects(), name = "Paris"),
            vcount = Count(venues, distinct = true),
            ecount = Count(venues__experiences, distinct = true)
        );
        let rows = distinct.fetch(conn).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].0.name.as_str(), rows[0].1, rows[0].2),
            ("Paris", 1, 2)
        );
    });
}

#[test]
fn aggregate_computes_over_the_whole_queryset() {
    each_backend("aggregate_whole", |_db, conn| {
        insert_people(
            conn,
            &[
                ("Ann", 31, None),
                ("Bob", 45, Some("B")),
                ("Cid", 45, None),
                ("Dee", 19, None),
            ],
        );
        // Person.objects.all().aggregate(Max('age'))['age__max']
        let max_age = aggregate!(Person::objects(), Max(age)).fetch(conn).unwrap();
        assert_eq!(max_age, Some(45));
        let (n, distinct_ages, total, mean, youngest) = aggregate!(
            Person::objects(),
            n = Count(id),
            distinct_ages = Count(age, distinct = true),
            total = Sum(age),
            mean = Avg(age),
            youngest = Min(name)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            (n, distinct_ages, total, youngest),
            (4, 3, Some(140), Some("Ann".to_string()))
        );
        assert_eq!(mean, Some(35.0));
        // Over a filtered QuerySet, and with `filter` on the aggregate.
        let adults = filter!(Person::objects(), age__gte = 21);
        let (adults_n, with_nickname) = aggregate!(
            adults,
            n = Count(id),
            nick = Count(id, filter = q!(nickname__isnull = false))
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((adults_n, with_nickname), (3, 1));
        // Nullable fields: NULLs are skipped, Count(field) counts values.
        assert_eq!(
            aggregate!(Person::objects(), Count(nickname))
                .fetch(conn)
                .unwrap(),
            1
        );
        // No rows: None, a default, and 0 for Count.
        let nobody = filter!(Person::objects(), age__gt = 100);
        let (none_sum, none_avg, none_count) =
            aggregate!(nobody.clone(), s = Sum(age), a = Avg(age), c = Count(id))
                .fetch(conn)
                .unwrap();
        assert_eq!((none_sum, none_avg, none_count), (None, None, 0));
        assert_eq!(
            aggregate!(nobody, s = Sum(age, default = 0))
                .fetch(conn)
                .unwrap(),
            0
        );
        // Arithmetic between aggregates.
        let spread = aggregate!(Person::objects(), spread = Max(age) - Min(age))
            .fetch(conn)
            .unwrap();
        assert_eq!(spread, Some(26));
        // A default that is another aggregate (Django's Max("age", default=Min("age"))): the
        // result stays nullable, as both may be NULL.
        let nobody = filter!(Person::objects(), age__gt = 100);
        let (fallback, young) = aggregate!(
            Person::objects(),
            fallback = Max(nickname, default = Min(name)),
            // The default is not filtered: COALESCE(MAX(...) FILTER (WHERE ...), MIN(...)).
            young = Max(nickname, filter = q!(age__lt = 30), default = Min(name))
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            (fallback.as_deref(), young.as_deref()),
            (Some("B"), Some("Ann"))
        );
        let empty = aggregate!(nobody, m = Max(age, default = Min(age)))
            .fetch(conn)
            .unwrap();
        assert_eq!(empty, None);
        // A later aggregate reads an earlier alias of the same call.
        let (oldest, twice, gap) = aggregate!(
            Person::objects(),
            oldest = Max(age),
            twice = oldest * 2,
            gap = F(twice) - Min(age)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((oldest, twice, gap), (Some(45), Some(90), Some(71)));
        // An aggregate's filter names an annotation made before (Django's
        // `Count("id", filter=Q(decade__gte=4))`), in aggregate! and in groups.
        let decades = annotate!(Person::objects(), decade = F(age) / 10);
        let (forties, young) = aggregate!(
            decades.clone(),
            forties = Count(id, filter = q!(decade = 4)),
            young = Sum(age, filter = q!(decade__lt = 3)),
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((forties, young), (2, Some(19)));
        let nicknamed: Vec<(i32, i64)> = order_by!(
            annotate!(
                dorm::values!(Person::objects(), age),
                n = Count(id, filter = q!(nickname__isnull = false))
            ),
            age
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(nicknamed, [(19, 0), (31, 0), (45, 1)]);
    });
}

fn library(conn: &mut dorm::Connection) {
    let tolkien = writer(conn, "Tolkien");
    let lewis = writer(conn, "Lewis");
    writer(conn, "Nobody");
    let hobbit = novel(conn, &tolkien, "The Hobbit", 310, None);
    novel(conn, &tolkien, "Silmarillion", 365, None);
    let narnia = novel(conn, &lewis, "Narnia", 200, None);
    let dragons = tag(conn, "dragons");
    let lions = tag(conn, "lions");
    hobbit.tags().add([&dragons], conn).unwrap();
    narnia.tags().add([&dragons, &lions], conn).unwrap();
}

#[test]
fn annotations_across_relations_per_row() {
    each_backend("annotate_relations", |_db, conn| {
        library(conn);
        let qs = annotate!(
            Writer::objects(),
            books = Count(novel),
            pages = Sum(novel__pages),
            average = Avg(novel__pages),
            longest = Max(novel__pages),
            tags = Count(novel__tags),
            long_books = Count(novel, filter = q!(pages__gt = 300))
        );
        let rows = order_by!(qs, name).fetch(conn).unwrap();
        let seen: Vec<_> = rows
            .iter()
            .map(|(w, books, pages, avg, longest, tags, long)| {
                (
                    w.name.as_str(),
                    *books,
                    *pages,
                    *avg,
                    *longest,
                    *tags,
                    *long,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Lewis", 1, Some(200), Some(200.0), Some(200), 2, 0),
                ("Nobody", 0, None, None, None, 0, 0),
                ("Tolkien", 2, Some(675), Some(337.5), Some(365), 1, 2),
            ]
        );
        // Reverse many-to-many: tags counted by their novels.
        let tags: Vec<(String, i64)> = dorm::values!(
            order_by!(annotate!(Tag::objects(), n = Count(novel)), label),
            label,
            n
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(tags, [("dragons".to_string(), 2), ("lions".to_string(), 1)]);
    });
}

#[test]
fn aggregates_over_a_rows_own_fields_read_that_row_alone() {
    each_backend("annotate_own_fields", |_db, conn| {
        library(conn);
        // Novel.objects.annotate(n=Count("id"), ...): Django groups by the primary key, so each
        // row is a group of one, and a forward foreign key's field is one value per row.
        let qs = annotate!(
            Novel::objects(),
            n = Count(id),
            rows = Count::all(),
            owners = Count(owner),
            most = Max(pages),
            mean = Avg(pages),
            writer_name = Max(writer__name),
        );
        let seen: Vec<_> = order_by!(qs, title)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(novel, n, rows, owners, most, mean, writer)| {
                (novel.title, n, rows, owners, most, mean, writer)
            })
            .collect();
        let row = |title: &str, most, writer: &str| {
            let (writer, mean) = (Some(writer.to_string()), Some(f64::from(most)));
            (title.to_string(), 1, 1, 0, Some(most), mean, writer)
        };
        assert_eq!(
            seen,
            [
                row("Narnia", 200, "Lewis"),
                row("Silmarillion", 365, "Tolkien"),
                row("The Hobbit", 310, "Tolkien"),
            ]
        );
        // With a filter, and added to an aggregate across a relation (which is not multiplied
        // by it, nor it by the relation's rows).
        let qs = annotate!(
            Novel::objects(),
            long = Count(id, filter = q!(pages__gt = 300)),
            pages_and_tags = Sum(pages, default = 0) + Count(tags),
        );
        let seen: Vec<(String, i64, i64)> = order_by!(qs, title)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(novel, long, both)| (novel.title, long, both))
            .collect();
        let expected = [
            ("Narnia", 0, 202),
            ("Silmarillion", 1, 365),
            ("The Hobbit", 1, 311),
        ];
        assert_eq!(seen, expected.map(|(t, l, b)| (t.to_string(), l, b)));
        // A per-row aggregate is a value of the row: filtered in WHERE, summed by aggregate!.
        let long = annotate!(
            Novel::objects(),
            long = Count(id, filter = q!(pages__gt = 300))
        );
        assert_eq!(filter!(long, long = 1).count(conn).unwrap(), 2);
        let most = annotate!(Novel::objects(), most = Max(pages));
        let total = aggregate!(most, total = Sum(most)).fetch(conn).unwrap();
        assert_eq!(total, Some(875));
        // Over a nullable field, a row whose value is NULL counts 0 and has no maximum.
        let owned: Vec<(i64, Option<i32>)> = dorm::values_list!(
            order_by!(
                annotate!(Novel::objects(), n = Count(owner), top = Max(owner)),
                title
            ),
            n,
            top
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(owned, [(0, None), (0, None), (0, None)]);
    });
}

#[test]
fn aggregates_across_a_foreign_key_then_a_multi_valued_relation() {
    each_backend("annotate_forward_then_many", |_db, conn| {
        library(conn);
        // Novel.objects.annotate(siblings=Count("writer__novel")): the novels of the row's writer.
        let qs = annotate!(
            Novel::objects(),
            siblings = Count(writer__novel),
            writer_pages = Sum(writer__novel__pages),
            writer_tags = Count(writer__novel__tags),
        );
        let seen: Vec<_> = order_by!(qs, title)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(novel, siblings, pages, tags)| (novel.title, siblings, pages, tags))
            .collect();
        let row =
            |title: &str, siblings, pages, tags| (title.to_string(), siblings, Some(pages), tags);
        assert_eq!(
            seen,
            [
                row("Narnia", 1, 200, 2),
                row("Silmarillion", 2, 675, 1),
                row("The Hobbit", 2, 675, 1),
            ]
        );
        // An earlier filter along the same path restricts the aggregate, as Django's reused
        // join does.
        let long = filter!(Novel::objects(), writer__novel__pages__gt = 320);
        let counted: Vec<(String, i64)> =
            order_by!(annotate!(long, n = Count(writer__novel)), title)
                .fetch(conn)
                .unwrap()
                .into_iter()
                .map(|(novel, n)| (novel.title, n))
                .collect();
        assert_eq!(
            counted,
            [
                ("Silmarillion".to_string(), 1),
                ("The Hobbit".to_string(), 1)
            ]
        );
        // Over the whole QuerySet, a related row counts once per row that reaches it, as
        // Django's join counts it (distinct = true counts it once).
        let (n, pages, distinct) = aggregate!(
            Novel::objects(),
            n = Count(writer__novel),
            pages = Sum(writer__novel__pages),
            distinct = Count(writer__novel, distinct = true),
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((n, pages, distinct), (5, Some(1550), 3));
        let short = filter!(Novel::objects(), pages__lt = 250);
        let n = aggregate!(short, n = Count(writer__novel))
            .fetch(conn)
            .unwrap();
        assert_eq!(n, 1);
        let long = filter!(Novel::objects(), writer__novel__pages__gt = 320);
        let n = aggregate!(long, n = Count(writer__novel))
            .fetch(conn)
            .unwrap();
        assert_eq!(n, 2);
    });
}

#[test]
fn transforms_are_paths_inside_aggregates() {
    each_backend("aggregate_transforms", |_db, conn| {
        library(conn);
        for (title, y, m, d) in [
            ("Narnia", 1950, 10, 16),
            ("The Hobbit", 1937, 9, 21),
            ("Silmarillion", 1977, 9, 15),
        ] {
            let published = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            dorm::update!(
                filter!(Novel::objects(), title = title),
                published = published
            )
            .execute(conn)
            .unwrap();
        }
        // Novel.objects.aggregate(first=Min("published__year"), ...)
        let (first, months) = aggregate!(
            Novel::objects(),
            first = Min(published__year),
            months = Count(published__month, distinct = true)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((first, months), (Some(1937), 2));
        // Per row, and across a reverse relation: Writer.objects.annotate(
        //     first=Min("novel__published__year"), quarter=Max("novel__published__quarter"))
        let years: Vec<(String, Option<i32>)> = dorm::values_list!(
            order_by!(annotate!(Novel::objects(), y = Max(published__year)), title),
            title,
            y
        )
        .fetch(conn)
        .unwrap();
        let expected = [
            ("Narnia", 1950),
            ("Silmarillion", 1977),
            ("The Hobbit", 1937),
        ];
        assert_eq!(years, expected.map(|(t, y)| (t.to_string(), Some(y))));
        let firsts: Vec<(String, Option<i32>, Option<i32>)> = order_by!(
            annotate!(
                Writer::objects(),
                first = Min(novel__published__year),
                quarter = Max(novel__published__quarter)
            ),
            name
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|(w, first, quarter)| (w.name, first, quarter))
        .collect();
        let expected = [
            ("Lewis", Some(1950), Some(4)),
            ("Nobody", None, None),
            ("Tolkien", Some(1937), Some(3)),
        ];
        assert_eq!(firsts, expected.map(|(n, f, q)| (n.to_string(), f, q)));
        let newest = aggregate!(Writer::objects(), newest = Max(novel__published__year))
            .fetch(conn)
            .unwrap();
        assert_eq!(newest, Some(1977));
        // F() of a transform in a filter.
        let early = filter!(Novel::objects(), pages__gt = F(published__year) - 1700);
        assert_eq!(early.count(conn).unwrap(), 2);
        // values!("published__year"), and groups keyed by a transform.
        let years: Vec<(String, i32)> =
            dorm::values_list!(order_by!(Novel::objects(), title), title, published__year)
                .fetch(conn)
                .unwrap();
        let expected = [
            ("Narnia", 1950),
            ("Silmarillion", 1977),
            ("The Hobbit", 1937),
        ];
        assert_eq!(years, expected.map(|(t, y)| (t.to_string(), y)));
        let mut by_month: Vec<(i32, i64)> = annotate!(
            dorm::values!(Novel::objects(), published__month),
            n = Count(id)
        )
        .fetch(conn)
        .unwrap();
        by_month.sort();
        assert_eq!(by_month, [(9, 2), (10, 1)]);
        // Transforms of an annotation, in filters, orderings and aggregate filters.
        let dated = annotate!(Novel::objects(), p = F(published));
        let titles = |rows: Vec<(Novel, NaiveDate)>| -> Vec<String> {
            rows.into_iter().map(|(n, _)| n.title).collect()
        };
        let fifties = filter!(dated.clone(), p__year = 1950).fetch(conn).unwrap();
        assert_eq!(titles(fifties), ["Narnia"]);
        let ids_and_years: Vec<(i64, i32)> = dorm::values!(dated.clone(), id, p__year)
            .fetch(conn)
            .unwrap();
        let mut years: Vec<i32> = ids_and_years.into_iter().map(|(_, y)| y).collect();
        years.sort();
        assert_eq!(years, [1937, 1950, 1977]);
        let later = order_by!(filter!(dated.clone(), p__year__gte = 1950), -p__year);
        assert_eq!(
            titles(later.fetch(conn).unwrap()),
            ["Silmarillion", "Narnia"]
        );
        let september = order_by!(filter!(dated.clone(), p__month__in = [9]), p__year);
        assert_eq!(
            titles(september.fetch(conn).unwrap()),
            ["The Hobbit", "Silmarillion"]
        );
        let before = aggregate!(dated, n = Count(id, filter = q!(p__year__lt = 1960)))
            .fetch(conn)
            .unwrap();
        assert_eq!(before, 2);
        // On an aggregate of a group: HAVING.
        let recent: Vec<(i64, Option<NaiveDate>)> = filter!(
            annotate!(
                dorm::values!(Novel::objects(), writer),
                last = Max(published)
            ),
            last__year__gt = 1960
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(recent.len(), 1);
        assert_eq!(recent[0].1, NaiveDate::from_ymd_opt(1977, 9, 15));
    });
}

#[test]
fn annotated_querysets_answer_get_first_last_exists_and_distinct() {
    each_backend("annotated_verbs", |_db, conn| {
        insert_people(
            conn,
            &[("Ann", 31, None), ("Bob", 45, Some("B")), ("Cid", 19, None)],
        );
        let qs = annotate!(Person::objects(), next_age = F(age) + 1);
        let (bob, next) = filter!(qs.clone(), name = "Bob").get(conn).unwrap();
        assert_eq!((bob.name.as_str(), next), ("Bob", 46));
        assert!(matches!(
            filter!(qs.clone(), next_age__gt = 100).get(conn),
            Err(dorm::Error::DoesNotExist { .. })
        ));
        assert!(matches!(
            qs.clone().get(conn),
            Err(dorm::Error::MultipleObjectsReturned { count: 3, .. })
        ));
        // Person's default ordering is (-age, name): Bob first, Cid last.
        assert_eq!(qs.clone().first(conn).unwrap().unwrap().0.name, "Bob");
        assert_eq!(qs.clone().last(conn).unwrap().unwrap().0.name, "Cid");
        // Unordered, first() and last() order by the primary key, as Django's do.
        let unordered = annotate!(Person::objects().clear_ordering(), next_age = F(age) + 1);
        assert_eq!(
            unordered.clone().first(conn).unwrap().unwrap().0.name,
            "Ann"
        );
        assert_eq!(unordered.last(conn).unwrap().unwrap().0.name, "Cid");
        assert!(qs.clone().exists(conn).unwrap());
        assert!(!filter!(qs.clone(), next_age__gt = 100)
            .exists(conn)
            .unwrap());
        assert_eq!(qs.distinct().fetch(conn).unwrap().len(), 3);
    });
}

#[test]
fn text_lookups_and_isnull_work_on_annotations() {
    // Django registers every lookup on the annotation's output field; after annotate!, dorm
    // resolves the name (a field or an annotation) and applies the lookup to it.
    each_backend("annotation_lookups", |_db, conn| {
        insert_people(
            conn,
            &[
                ("Ann", 31, None),
                ("Bob", 45, Some("bobby")),
                ("Abe", 19, Some("abe")),
            ],
        );
        let qs = annotate!(
            Person::objects(),
            shout = Upper(name),
            nick = Upper(nickname)
        );
        let names = |rows: Vec<(Person, String, Option<String>)>| {
            let mut n: Vec<String> = rows.into_iter().map(|r| r.0.name).collect();
            n.sort();
            n
        };
        let a = filter!(qs.clone(), shout__startswith = "A")
            .fetch(conn)
            .unwrap();
        assert_eq!(names(a), ["Abe", "Ann"]);
        let i = filter!(qs.clone(), shout__iexact = "bob")
            .fetch(conn)
            .unwrap();
        assert_eq!(names(i), ["Bob"]);
        let c = filter!(qs.clone(), nick__contains = "BB")
            .fetch(conn)
            .unwrap();
        assert_eq!(names(c), ["Bob"]);
        let e = filter!(qs.clone(), shout__iendswith = "e")
            .fetch(conn)
            .unwrap();
        assert_eq!(names(e), ["Abe"]);
        let r = filter!(qs.clone(), shout__regex = "^A.E$")
            .fetch(conn)
            .unwrap();
        assert_eq!(names(r), ["Abe"]);
        let none = filter!(qs.clone(), nick__isnull = true)
            .fetch(conn)
            .unwrap();
        assert_eq!(names(none), ["Ann"]);
        let some = exclude!(qs.clone(), nick__isnull = true)
            .fetch(conn)
            .unwrap();
        assert_eq!(names(some), ["Abe", "Bob"]);
        // The model's own fields still take them after annotate!.
        let own = filter!(qs, name__icontains = "b", nickname__isnull = false)
            .fetch(conn)
            .unwrap();
        assert_eq!(names(own), ["Abe", "Bob"]);
        // isnull on an aggregate across a relation: writers without novels.
        let writers = annotate!(Writer::objects(), longest = Max(novel__pages));
        Writer::objects()
            .create(
                Writer {
                    name: "Nobody".into(),
                    ..Default::default()
                },
                conn,
            )
            .unwrap();
        let idle: Vec<String> = filter!(writers, longest__isnull = true)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(w, _)| w.name)
            .collect();
        assert_eq!(idle, ["Nobody"]);
    });
}

#[test]
fn annotations_are_filtered_ordered_projected_and_reused_by_name() {
    each_backend("annotate_names", |_db, conn| {
        library(conn);
        let qs = annotate!(Writer::objects(), books = Count(novel));
        // filter! and exclude! on the annotation.
        let prolific = filter!(qs.clone(), books__gte = 2).fetch(conn).unwrap();
        assert_eq!(prolific.len(), 1);
        assert_eq!(prolific[0].0.name, "Tolkien");
        let some = exclude!(qs.clone(), books = 0).count(conn).unwrap();
        assert_eq!(some, 2);
        // Mixed with a field lookup in one filter!.
        let named = filter!(qs.clone(), books__gt = 0, name__startswith = "L")
            .fetch(conn)
            .unwrap();
        assert_eq!(named.len(), 1);
        // order_by! on the annotation, then a field.
        let order: Vec<String> = order_by!(qs.clone(), -books, name)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(w, _)| w.name)
            .collect();
        assert_eq!(order, ["Tolkien", "Lewis", "Nobody"]);
        // A later annotation uses an earlier one; values! picks both.
        let doubled: Vec<(String, i64, i64)> = dorm::values!(
            order_by!(annotate!(qs.clone(), twice = books * 2 + 1), name),
            name,
            books,
            twice
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            doubled,
            [
                ("Lewis".to_string(), 1, 3),
                ("Nobody".to_string(), 0, 1),
                ("Tolkien".to_string(), 2, 5)
            ]
        );
        // A slice of the annotated rows, and first().
        let top = order_by!(qs.clone(), -books).first(conn).unwrap().unwrap();
        assert_eq!((top.0.name.as_str(), top.1), ("Tolkien", 2));
        // Aggregating an annotation.
        let (avg_books, max_books) = aggregate!(qs, avg = Avg(books), most = Max(books))
            .fetch(conn)
            .unwrap();
        assert_eq!((avg_books, max_books), (Some(1.0), Some(2)));
    });
}

#[test]
fn aggregate_across_relations_reads_the_related_rows_of_the_queryset() {
    each_backend("aggregate_relations", |_db, conn| {
        library(conn);
        let total = aggregate!(Writer::objects(), pages = Sum(novel__pages))
            .fetch(conn)
            .unwrap();
        assert_eq!(total, Some(875));
        // Over a filtered QuerySet; Avg over the related rows, not an average of averages.
        let (pages, avg, books) = aggregate!(
            filter!(Writer::objects(), name__in = ["Tolkien", "Nobody"]),
            pages = Sum(novel__pages),
            avg = Avg(novel__pages),
            books = Count(novel)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((pages, avg, books), (Some(675), Some(337.5), 2));
        // No rows at all: the relation aggregates still return one row.
        let none = aggregate!(
            filter!(Writer::objects(), name = "Nobody"),
            books = Count(novel),
            pages = Sum(novel__pages)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(none, (0, None));
    });
}

#[test]
fn values_then_annotate_groups_rows() {
    each_backend("group_by", |_db, conn| {
        insert_people(
            conn,
            &[
                ("Ann", 31, None),
                ("Ann", 45, Some("A")),
                ("Bob", 45, None),
                ("Cid", 19, None),
            ],
        );
        // User.objects.values('is_active').annotate(total=Count('id'))
        let by_age: Vec<(i32, i64)> = order_by!(
            annotate!(dorm::values!(Person::objects(), age), total = Count(id)),
            age
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(by_age, [(19, 1), (31, 1), (45, 2)]);
        // Count("*"): every row of the group, and with a filter.
        let stars: Vec<(i32, i64, i64)> = order_by!(
            annotate!(
                dorm::values!(Person::objects(), age),
                n = Count::all(),
                nicknamed = Count::all(filter = q!(nickname__isnull = false))
            ),
            age
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(stars, [(19, 1, 0), (31, 1, 0), (45, 2, 1)]);
        let (rows, nicknames) = aggregate!(
            Person::objects(),
            rows = Count::all(),
            nicknames = Count(nickname)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((rows, nicknames), (4, 1));
        // Several columns.
        let pairs: Vec<((String, i32), i64)> = order_by!(
            annotate!(dorm::values!(Person::objects(), name, age), n = Count(id)),
            name,
            age
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(pairs.len(), 4);
        assert_eq!(pairs[0], (("Ann".to_string(), 31), 1));
        // The duplicates recipe: HAVING on the count.
        let dups = filter!(
            annotate!(
                dorm::values!(Person::objects(), name),
                name_count = Count(name)
            ),
            name_count__gt = 1
        );
        assert_eq!(dups.clone().fetch(conn).unwrap(), [("Ann".to_string(), 2)]);
        // The distinct-count recipe.
        let (people, unique_names) = aggregate!(
            Person::objects(),
            people = Count(id),
            unique = Count(name, distinct = true)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((people, unique_names), (4, 3));
        // Several aggregates per group, ordered by one of them, before-filter in WHERE.
        let stats: Vec<(String, i64, Option<i32>)> = order_by!(
            annotate!(
                dorm::values!(filter!(Person::objects(), age__gt = 20), name),
                n = Count(id),
                oldest = Max(age)
            ),
            -n,
            name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            stats,
            [
                ("Ann".to_string(), 2, Some(45)),
                ("Bob".to_string(), 1, Some(45))
            ]
        );
    });
}

#[test]
fn groups_by_an_expression() {
    each_backend("group_by_expression", |_db, conn| {
        insert_people(
            conn,
            &[
                ("Ann", 31, None),
                ("Bob", 38, None),
                ("Cid", 45, None),
                ("Dee", 19, None),
            ],
        );
        // Django: .values(decade=F('age') / 10).annotate(total=Count('id')), ordered by the key.
        let per_decade = annotate!(
            dorm::values!(Person::objects(), decade = age / 10),
            total = Count(id),
            oldest = Max(age)
        );
        let rows: Vec<(i32, i64, Option<i32>)> =
            order_by!(per_decade.clone(), decade).fetch(conn).unwrap();
        assert_eq!(rows, [(1, 1, Some(19)), (3, 2, Some(38)), (4, 1, Some(45))]);
        // HAVING on the aggregate, and on the key.
        let busy: Vec<(i32, i64, Option<i32>)> = filter!(per_decade.clone(), total__gt = 1)
            .fetch(conn)
            .unwrap();
        assert_eq!(busy, [(3, 2, Some(38))]);
        let late: Vec<(i32, i64, Option<i32>)> =
            order_by!(filter!(per_decade, decade__gte = 3), -decade)
                .fetch(conn)
                .unwrap();
        assert_eq!(late, [(4, 1, Some(45)), (3, 2, Some(38))]);
        // The key in the group's own expressions (one value per group), and inside its
        // aggregates (a value of each row).
        type Span = (i32, Option<i32>, Option<i32>, Option<i64>, i64);
        let spans: Vec<Span> = order_by!(
            annotate!(
                dorm::values!(Person::objects(), decade = age / 10),
                oldest = Max(age),
                span = oldest - decade * 10,
                decades = Sum(decade),
                past_teens = Count(id, filter = q!(decade__gt = 1))
            ),
            decade
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            spans,
            [
                (1, Some(19), Some(9), Some(1), 0),
                (3, Some(38), Some(8), Some(6), 2),
                (4, Some(45), Some(5), Some(4), 1)
            ]
        );
        // A boolean key (BOOL_AND on PostgreSQL, which has no MIN(boolean)).
        let adults: Vec<(bool, i64, bool)> = order_by!(
            annotate!(
                dorm::values!(
                    Person::objects(),
                    adult = Case(
                        When(age__gte = 21, then = Value(true)),
                        default = Value(false)
                    )
                ),
                n = Count(id),
                same = Coalesce(adult, Value(false))
            ),
            adult
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(adults, [(false, 1, false), (true, 3, true)]);
        // Django's annotate(least=Least("m", "g")) after values(g=Greatest("age", 30)).
        let least: Vec<(i32, Option<i32>, Option<i32>)> = order_by!(
            annotate!(
                dorm::values!(Person::objects(), g = Greatest(age, 30)),
                m = Min(age),
                least = Least(m, g)
            ),
            g
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            least,
            [
                (30, Some(19), Some(19)),
                (31, Some(31), Some(31)),
                (38, Some(38), Some(38)),
                (45, Some(45), Some(45))
            ]
        );
    });
}

#[test]
fn aggregates_of_dates_and_averages_of_integers() {
    each_backend("aggregate_types", |_db, conn| {
        let tolkien = writer(conn, "Tolkien");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (title, pages, published) in
            [("A", 100, day(1937, 9, 21)), ("B", 301, day(1977, 9, 15))]
        {
            Novel::objects()
                .create(
                    Novel {
                        writer: ForeignKey::to(&tolkien).unwrap(),
                        title: title.into(),
                        pages,
                        published,
                        ..Default::default()
                    },
                    conn,
                )
                .unwrap();
        }
        let (first, last, avg) = aggregate!(
            Novel::objects(),
            first = Min(published),
            last = Max(published),
            avg = Avg(pages)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            (first, last),
            (Some(day(1937, 9, 21)), Some(day(1977, 9, 15)))
        );
        assert_eq!(avg, Some(200.5));
    });
}

/// Writers, their counted novels and page sums, by name.
fn counted<Q>(rows: Q) -> Vec<(String, i64, Option<i64>)>
where
    Q: IntoIterator<Item = (Writer, i64, Option<i64>)>,
{
    let mut seen: Vec<_> = rows.into_iter().map(|(w, n, p)| (w.name, n, p)).collect();
    seen.sort();
    seen
}

#[test]
fn a_filter_across_a_relation_restricts_later_aggregates_over_it() {
    each_backend("filter_then_annotate", |_db, conn| {
        library(conn);
        let named = |rows: &[(&str, i64, Option<i64>)]| -> Vec<(String, i64, Option<i64>)> {
            rows.iter()
                .map(|(n, c, p)| (n.to_string(), *c, *p))
                .collect()
        };
        // Publisher.objects.filter(book__rating__gt=3).annotate(num_books=Count("book")):
        // only the matching books are counted.
        let filtered = filter!(Writer::objects(), novel__pages__lt = 350);
        // The filter is repeated inside the aggregate's subquery, on the row it counts.
        let sql = annotate!(filtered.clone(), n = Count(novel))
            .sql(conn.vendor())
            .replace('`', "\"");
        let repeated = r#"AND ("U1"."id" IN (SELECT "tests_novel"."id" FROM "tests_novel" WHERE"#;
        assert!(sql.contains(repeated), "{sql}");
        let rows = annotate!(filtered, n = Count(novel), pages = Sum(novel__pages))
            .fetch(conn)
            .unwrap();
        assert_eq!(
            counted(rows),
            named(&[("Lewis", 1, Some(200)), ("Tolkien", 1, Some(310))])
        );
        // annotate() first: every book is counted, the filter only picks the writers.
        let rows = filter!(
            annotate!(
                Writer::objects(),
                n = Count(novel),
                pages = Sum(novel__pages)
            ),
            novel__pages__lt = 350
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            counted(rows),
            named(&[("Lewis", 1, Some(200)), ("Tolkien", 2, Some(675))])
        );
        // The whole filter is repeated: an OR with a condition on the writer counts all the
        // books of the writers it names (Django's joined WHERE is read row by row).
        let either = filter!(
            Writer::objects(),
            q!(novel__pages__lt = 250) | q!(name = "Tolkien")
        );
        let rows = annotate!(either, n = Count(novel), pages = Sum(novel__pages))
            .fetch(conn)
            .unwrap();
        assert_eq!(
            counted(rows),
            named(&[("Lewis", 1, Some(200)), ("Tolkien", 2, Some(675))])
        );
        // exclude() is a subquery in Django too: it restricts nothing.
        let rows = annotate!(
            exclude!(Writer::objects(), novel__pages__gt = 350),
            n = Count(novel),
            pages = Sum(novel__pages)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            counted(rows),
            named(&[("Lewis", 1, Some(200)), ("Nobody", 0, None)])
        );
        // A filter on the writer's own fields restricts nothing either.
        let rows = annotate!(
            filter!(Writer::objects(), name = "Tolkien"),
            n = Count(novel),
            pages = Sum(novel__pages)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(counted(rows), named(&[("Tolkien", 2, Some(675))]));
    });
}

#[test]
fn a_filter_restricts_each_table_of_an_aggregate_path_that_goes_its_way() {
    each_backend("filter_then_annotate_paths", |_db, conn| {
        library(conn);
        // Writer.objects.filter(novel__tags__label="lions")
        //     .annotate(tags=Count("novel__tags"), books=Count("novel"))
        let lions = filter!(Writer::objects(), novel__tags__label = "lions");
        let rows: Vec<(String, i64, i64)> = dorm::values!(
            annotate!(lions, tags = Count(novel__tags), books = Count(novel)),
            name,
            tags,
            books
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(rows, [("Lewis".to_string(), 1, 1)]);
        // A filter deeper than the aggregate restricts its rows to those with a match:
        // Count("novel") after novel__tags__label="dragons" counts the novels tagged so.
        let dragons = filter!(Writer::objects(), novel__tags__label = "dragons");
        let mut rows: Vec<(String, i64, i64)> = dorm::values!(
            annotate!(dragons, books = Count(novel), tags = Count(novel__tags)),
            name,
            books,
            tags
        )
        .fetch(conn)
        .unwrap();
        rows.sort();
        assert_eq!(
            rows,
            [("Lewis".to_string(), 1, 1), ("Tolkien".to_string(), 1, 1)]
        );
        // A reverse many-to-many: the tags of novels longer than 250 pages.
        let rows: Vec<(String, i64)> = dorm::values!(
            annotate!(
                filter!(Tag::objects(), novel__pages__gt = 250),
                n = Count(novel)
            ),
            label,
            n
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(rows, [("dragons".to_string(), 1)]);
        // Of two filters across the relation, the later one is repeated (Django reuses the
        // most recent join; it would also repeat each row once per match of the earlier one,
        // which dorm never does).
        let twice = filter!(
            filter!(Writer::objects(), novel__pages__gt = 250),
            novel__pages__lt = 350
        );
        let rows = annotate!(twice, n = Count(novel), pages = Sum(novel__pages))
            .fetch(conn)
            .unwrap();
        assert_eq!(counted(rows), [("Tolkien".to_string(), 1, Some(310))]);
    });
}

#[test]
fn aggregate_over_a_queryset_filtered_across_the_relation_reads_the_matching_rows() {
    each_backend("filter_then_aggregate", |_db, conn| {
        library(conn);
        // Writer.objects.filter(novel__pages__lt=350).aggregate(n=Count("novel"), ...)
        let (n, pages) = aggregate!(
            filter!(Writer::objects(), novel__pages__lt = 350),
            n = Count(novel),
            pages = Sum(novel__pages)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((n, pages), (2, Some(510)));
        // The same after an annotation, and with an OR naming the writer.
        let (n, pages) = aggregate!(
            filter!(
                Writer::objects(),
                q!(novel__pages__lt = 250) | q!(name = "Tolkien")
            ),
            n = Count(novel),
            pages = Sum(novel__pages)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((n, pages), (3, Some(875)));
    });
}

#[test]
fn a_repeated_filter_reads_the_querysets_row_through_f() {
    each_backend("filter_then_annotate_f", |_db, conn| {
        use crate::common::rows::employee;
        let zed = employee(conn, "Zed", None);
        employee(conn, "Amy", Some(&zed));
        employee(conn, "Zoe", Some(&zed));
        let bea = employee(conn, "Bea", None);
        employee(conn, "Cid", Some(&bea));
        // Employee.objects.filter(employee__name__lt=F("name"))
        //     .annotate(n=Count("employee")): the subordinates named before their boss.
        let rows: Vec<(String, i64)> = dorm::values!(
            order_by!(
                annotate!(
                    filter!(Employee::objects(), employee__name__lt = F(name)),
                    n = Count(employee)
                ),
                name
            ),
            name,
            n
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(rows, [("Zed".to_string(), 1)]);
        let n = aggregate!(
            filter!(Employee::objects(), employee__name__lt = F(name)),
            n = Count(employee)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(n, 1);
    });
}

#[test]
fn aggregate_over_a_slice_reads_the_rows_of_the_slice() {
    each_backend("aggregate_slice", |_db, conn| {
        library(conn);
        // Novel.objects.order_by("-pages")[:2].aggregate(s=Sum("pages"), a=Avg("pages"), n=Count("id"))
        let longest = order_by!(Novel::objects(), -pages).slice(..2);
        let sql = aggregate!(longest.clone(), s = Sum(pages)).sql(conn.vendor());
        assert!(sql.contains("LIMIT"), "{sql}");
        let (sum, avg, n) = aggregate!(longest, s = Sum(pages), a = Avg(pages), n = Count(id))
            .fetch(conn)
            .unwrap();
        assert_eq!((sum, avg, n), (Some(675), Some(337.5), 2));
        // With an offset, and past the end (no rows: NULL, and 0 for Count).
        let shorter = aggregate!(order_by!(Novel::objects(), -pages).slice(1..), Max(pages))
            .fetch(conn)
            .unwrap();
        assert_eq!(shorter, Some(310));
        let none = aggregate!(
            order_by!(Novel::objects(), pages).slice(10..),
            s = Sum(pages),
            n = Count(id)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(none, (None, 0));
        // An aggregate across a relation reads the related rows of the slice's rows: Lewis
        // and Nobody, the first two writers by name.
        let books = aggregate!(
            order_by!(Writer::objects(), name).slice(..2),
            books = Count(novel)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(books, 1);
        // A slice of a QuerySet filtered across the relation keeps the filter's restriction.
        let (books, pages) = aggregate!(
            order_by!(filter!(Writer::objects(), novel__pages__lt = 350), -name).slice(..1),
            books = Count(novel),
            pages = Sum(novel__pages)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((books, pages), (1, Some(310)));
    });
}

#[test]
fn arithmetic_widens_types_as_djangos_output_field_does() {
    each_backend("arithmetic_types", |_db, conn| {
        library(conn);
        // Sum(...) is nullable, Count(...) is not: their quotient is nullable (integer division,
        // as Django's IntegerField quotient).
        let rows: Vec<(String, Option<i64>)> = dorm::values!(
            order_by!(
                annotate!(
                    Writer::objects(),
                    per_book = Sum(novel__pages) / Count(novel)
                ),
                name
            ),
            name,
            per_book
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            rows,
            [
                ("Lewis".to_string(), Some(200)),
                ("Nobody".to_string(), None),
                ("Tolkien".to_string(), Some(337)),
            ]
        );
        // An integer and a double give a double; the wider of two integers is kept.
        let (ratio, widest) = aggregate!(
            Novel::objects(),
            ratio = Sum(pages) / Avg(pages),
            widest = Max(pages) + Count(id)
        )
        .fetch(conn)
        .unwrap();
        assert!((ratio.unwrap() - 3.0).abs() < 1e-9, "{ratio:?}");
        assert_eq!(widest, Some(368));
        let sums: Vec<i64> = dorm::values!(
            order_by!(annotate!(Novel::objects(), n = F(pages) + F(id)), id),
            n
        )
        .fetch(conn)
        .unwrap();
        let expected: Vec<i64> = Novel::objects()
            .all()
            .fetch(conn)
            .unwrap()
            .iter()
            .map(|n| i64::from(n.pages) + n.id.get().unwrap())
            .collect();
        let mut expected = expected;
        expected.sort();
        let mut got = sums.clone();
        got.sort();
        assert_eq!(got, expected);
    });
}

#[test]
fn aggregates_across_relations_per_group() {
    each_backend("group_relations", |_db, conn| {
        library(conn);
        // Django: Novel.objects.values("writer").annotate(n_tags=Count("tags")): the group's
        // novel-tag pairs, as Django's join counts them; distinct counts each tag once.
        let per_writer: Vec<(i64, i64, i64)> = order_by!(
            annotate!(
                dorm::values!(Novel::objects(), writer),
                n_tags = Count(tags),
                labels = Count(tags, distinct = true)
            ),
            -n_tags
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            per_writer.iter().map(|r| (r.1, r.2)).collect::<Vec<_>>(),
            [(2, 2), (1, 1)]
        );
        // Grouped by an expression: the hundreds of pages.
        let hundreds: Vec<(i32, i64, i64, i64)> = order_by!(
            annotate!(
                dorm::values!(Novel::objects(), hundreds = pages / 100),
                novels = Count(id),
                n_tags = Count(tags),
                labels = Count(tags, distinct = true)
            ),
            hundreds
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(hundreds, [(2, 1, 2, 2), (3, 2, 1, 1)]);
        // A path that starts at a foreign key: the novels of each novel's writer, once per
        // novel that reaches them (Django's join).
        let siblings: Vec<(i32, i64)> = order_by!(
            annotate!(
                dorm::values!(Novel::objects(), hundreds = pages / 100),
                n = Count(writer__novel)
            ),
            hundreds
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(siblings, [(2, 1), (3, 4)]);
    });
}

#[test]
fn group_aggregates_across_relations_read_the_groups_rows() {
    each_backend("group_relations_rows", |_db, conn| {
        library(conn);
        // A second writer named Lewis: the group "Lewis" holds two writers.
        let nobody = filter!(Writer::objects(), name = "Nobody")
            .get(conn)
            .unwrap();
        let lewis = writer(conn, "Lewis");
        novel(conn, &lewis, "Screwtape", 160, None);
        type Row = (String, i64, Option<i64>, Option<f64>, i64, i64);
        let by_name = annotate!(
            dorm::values!(Writer::objects(), name),
            n = Count(novel),
            pages = Sum(novel__pages),
            mean = Avg(novel__pages),
            long = Count(novel, filter = q!(pages__gt = 300)),
            total = Sum(novel__pages, default = 0)
        );
        // Each aggregate reads the keys of its group's rows, gathered by the outer query.
        let sql = by_name.clone().sql(conn.vendor()).replace('`', "\"");
        let gathered = match conn.vendor() {
            dorm::db::Vendor::Postgres => r#"unnest(ARRAY_AGG("tests_writer"."id"))"#,
            _ => r#"json_each(json_group_array("tests_writer"."id"))"#,
        };
        assert!(sql.contains(gathered), "{sql}");
        let rows: Vec<Row> = order_by!(by_name.clone(), name).fetch(conn).unwrap();
        assert_eq!(
            rows,
            [
                ("Lewis".into(), 2, Some(360), Some(180.0), 0, 360),
                ("Nobody".into(), 0, None, None, 0, 0),
                ("Tolkien".into(), 2, Some(675), Some(337.5), 2, 675),
            ]
        );
        // HAVING and ORDER BY on them.
        let busy: Vec<Row> = order_by!(filter!(by_name.clone(), n__gt = 1), -pages)
            .fetch(conn)
            .unwrap();
        let names: Vec<&str> = busy.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, ["Tolkien", "Lewis"]);
        // A filter on the rows after the aggregate is in WHERE: the groups' rows, and so their
        // novels, are the rows that pass it (Django's WHERE under its join).
        let late: Vec<Row> = filter!(by_name, id__gt = nobody.id.get().unwrap())
            .fetch(conn)
            .unwrap();
        assert_eq!(late, [("Lewis".into(), 1, Some(160), Some(160.0), 0, 160)]);
        // A filter across the relation before values!() restricts the aggregates over it, as
        // Django's reused join does.
        let short: Vec<(String, i64, Option<i64>)> = order_by!(
            annotate!(
                dorm::values!(filter!(Writer::objects(), novel__pages__lt = 350), name),
                n = Count(novel),
                pages = Sum(novel__pages)
            ),
            name
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            short,
            [
                ("Lewis".into(), 2, Some(360)),
                ("Tolkien".into(), 1, Some(310))
            ]
        );
        // After annotate!() and values!(): the rows' annotation is the key.
        let by_count: Vec<(i64, i64, Option<i64>)> = order_by!(
            annotate!(
                dorm::values!(annotate!(Writer::objects(), books = Count(novel)), books),
                writers = Count(id),
                pages = Sum(novel__pages)
            ),
            books
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(
            by_count,
            [(0, 1, None), (1, 2, Some(360)), (2, 1, Some(675))]
        );
    });
}

#[test]
fn groups_answer_the_reading_verbs() {
    each_backend("group_verbs", |_db, conn| {
        insert_people(
            conn,
            &[
                ("Ann", 31, None),
                ("Ann", 45, Some("A")),
                ("Bob", 45, None),
                ("Cid", 19, None),
            ],
        );
        let by_age = annotate!(dorm::values!(Person::objects(), age), n = Count(id));
        // Django: .values('age').annotate(n=Count('id')).count() counts the groups.
        assert_eq!(by_age.clone().count(conn).unwrap(), 3);
        assert!(by_age.clone().exists(conn).unwrap());
        let crowded = filter!(by_age.clone(), n__gt = 1);
        assert_eq!(crowded.clone().count(conn).unwrap(), 1);
        assert_eq!(crowded.clone().get(conn).unwrap(), (45, 2));
        let none = filter!(by_age.clone(), n__gt = 2);
        assert!(!none.clone().exists(conn).unwrap());
        assert_eq!(none.clone().count(conn).unwrap(), 0);
        assert!(matches!(
            none.get(conn),
            Err(dorm::Error::DoesNotExist { .. })
        ));
        assert!(matches!(
            by_age.clone().get(conn),
            Err(dorm::Error::MultipleObjectsReturned { count: 3, .. })
        ));
        // first() and last() read the ordering (unordered groups do not compile, as Django
        // refuses them).
        let ordered = order_by!(by_age.clone(), -n, age);
        assert_eq!(ordered.clone().first(conn).unwrap(), Some((45, 2)));
        assert_eq!(ordered.clone().last(conn).unwrap(), Some((31, 1)));
        // A slice of groups counts its own groups.
        assert_eq!(ordered.clone().slice(1..).count(conn).unwrap(), 2);
        assert_eq!(
            ordered.clone().slice(1..).first(conn).unwrap(),
            Some((19, 1))
        );
        assert!(!ordered.clone().explain(conn).unwrap().is_empty());
    });
}

#[test]
fn aggregate_reads_the_groups_of_a_grouped_queryset() {
    each_backend("aggregate_groups", |_db, conn| {
        insert_people(
            conn,
            &[
                ("Ann", 31, None),
                ("Ann", 45, Some("A")),
                ("Bob", 45, None),
                ("Cid", 19, None),
                ("Cid", 20, None),
                ("Cid", 21, None),
            ],
        );
        // Django: .values("name").annotate(n=Count("id")).aggregate(Max("n"), Avg("n")):
        // over the groups, not the rows.
        let per_name = annotate!(
            dorm::values!(Person::objects(), name),
            n = Count(id),
            oldest = Max(age)
        );
        let (most, mean, groups, youngest_oldest): (Option<i64>, Option<f64>, i64, Option<i32>) =
            aggregate!(
                per_name.clone(),
                most = Max(n),
                mean = Avg(n),
                groups = Count::all(),
                youngest_oldest = Min(oldest)
            )
            .fetch(conn)
            .unwrap();
        assert_eq!(
            (most, mean, groups, youngest_oldest),
            (Some(3), Some(2.0), 3, Some(21))
        );
        // After HAVING, and over a slice of ordered groups.
        let busy: Option<i64> = aggregate!(filter!(per_name.clone(), n__gt = 1), total = Sum(n))
            .fetch(conn)
            .unwrap();
        assert_eq!(busy, Some(5));
        let top: Option<i64> = aggregate!(order_by!(per_name, -n).slice(..2), total = Sum(n))
            .fetch(conn)
            .unwrap();
        assert_eq!(top, Some(5));
        // Groups keyed by an expression.
        let decades = aggregate!(
            annotate!(
                dorm::values!(Person::objects(), decade = age / 10),
                n = Count(id)
            ),
            widest = Max(n)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(decades, Some(2));
    });
}

#[test]
fn aggregate_over_values_reads_the_querysets_rows() {
    each_backend("aggregate_values", |_db, conn| {
        insert_people(
            conn,
            &[("Ann", 31, None), ("Bob", 45, None), ("Cid", 45, None)],
        );
        // Django: Person.objects.values("age").aggregate(Sum("age"), Count("id")): the rows
        // are the QuerySet's, one per person.
        let (total, people) = aggregate!(
            dorm::values!(filter!(Person::objects(), age__gt = 30), age),
            total = Sum(age),
            people = Count(id)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!((total, people), (Some(121), 3));
        let sliced: Option<i32> = aggregate!(
            dorm::values!(order_by!(Person::objects(), age), name).slice(..2),
            youngest = Min(age)
        )
        .fetch(conn)
        .unwrap();
        assert_eq!(sliced, Some(31));
    });
}
