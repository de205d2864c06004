//! Subqueries: `Subquery(...)` as an annotation and a filter value, `Exists(...)` in filters,
//! exclusions and annotations, `OuterRef(...)` to the outer row (also when the inner table is
//! the outer one), and `__in` with a subquery or with the keys of a grouped QuerySet (the
//! scrap book's UserParent and duplicates recipes).

use chrono::{DateTime, TimeZone, Utc};
use dorm::expressions::{Exists, Subquery};
use dorm::prelude::*;
use dorm::{Connection, ForeignKey};

use dorm::db::Vendor;

use crate::common::models::{Comment, Post, User, UserParent};
use crate::common::{each_backend, TestDb};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, d, 12, 0, 0).unwrap()
}

fn post(conn: &mut Connection, title: &str, reply_to: Option<&Post>) -> Post {
    Post::objects()
        .create(
            Post {
                title: title.into(),
                reply_to: reply_to.map(|p| ForeignKey::to(p).unwrap()),
                ..Default::default()
            },
            conn,
        )
        .unwrap()
}

fn comment(conn: &mut Connection, on: &Post, email: &str, d: u32) {
    Comment::objects()
        .create(
            Comment {
                post: ForeignKey::to(on).unwrap(),
                email: email.into(),
                created_at: day(d),
                ..Default::default()
            },
            conn,
        )
        .unwrap();
}

/// Three posts: "Hello" (two comments, then an answer "Re: Hello"), "Quiet" (none).
fn blog(conn: &mut Connection) -> (Post, Post, Post) {
    let hello = post(conn, "Hello", None);
    let quiet = post(conn, "Quiet", None);
    let answer = post(conn, "Re: Hello", Some(&hello));
    comment(conn, &hello, "ann@example.com", 1);
    comment(conn, &hello, "bob@example.com", 3);
    comment(conn, &answer, "cid@example.com", 2);
    (hello, quiet, answer)
}

/// `sql` with the identifier quotes of `db`'s backend (SQLite prints backticks).
fn quoted(db: &TestDb, sql: &str) -> String {
    if db.vendor == Vendor::Postgres {
        sql.to_string()
    } else {
        sql.replace('"', "`")
    }
}

fn titles(posts: Vec<Post>) -> Vec<String> {
    let mut titles: Vec<String> = posts.into_iter().map(|p| p.title).collect();
    titles.sort();
    titles
}

#[test]
fn newest_commenter_email_is_a_scalar_subquery_per_row() {
    each_backend("newest_commenter_email", |db, conn| {
        blog(conn);
        // newest = Comment.objects.filter(post=OuterRef('pk')).order_by('-created_at')
        // Post.objects.annotate(newest_commenter_email=Subquery(newest.values('email')[:1]))
        let newest = order_by!(
            filter!(Comment::objects(), post = OuterRef(pk)),
            -created_at
        );
        let posts = annotate!(
            Post::objects(),
            newest_commenter_email = Subquery(values!(newest, email).slice(..1))
        );

        let sql = posts.clone().sql(db.vendor);
        let (one, zero) = if db.vendor == Vendor::Postgres {
            ("$1", "$2")
        } else {
            ("?", "?")
        };
        // SELECT "post"."id", (SELECT U0."email" FROM "comment" U0 WHERE U0."post_id" =
        // ("post"."id") ORDER BY U0."created_at" DESC LIMIT 1) AS "newest_commenter_email"
        // FROM "post"
        let expected = quoted(
            db,
            &format!(
                "SELECT \"tests_post\".\"id\", \"tests_post\".\"title\", \"tests_post\".\"reply_to_id\", \
                 (SELECT \"tests_comment\".\"email\" FROM \"tests_comment\" \
                 WHERE (\"tests_comment\".\"post_id\" = (\"tests_post\".\"id\")) \
                 ORDER BY \"tests_comment\".\"created_at\" DESC LIMIT {one} OFFSET {zero}) \
                 FROM \"tests_post\" -- binds: [1, 0]"
            ),
        );
        assert_eq!(sql, expected);

        let rows: Vec<(String, Option<String>)> = order_by!(posts, id)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|(p, email)| (p.title, email))
            .collect();
        assert_eq!(
            rows,
            [
                ("Hello".to_string(), Some("bob@example.com".to_string())),
                ("Quiet".to_string(), None),
                ("Re: Hello".to_string(), Some("cid@example.com".to_string())),
            ]
        );
    });
}

#[test]
fn the_annotation_can_be_filtered_and_ordered_afterwards() {
    each_backend("subquery_annotation_filtered", |_db, conn| {
        blog(conn);
        let newest = order_by!(
            filter!(Comment::objects(), post = OuterRef(pk)),
            -created_at
        );
        let posts = annotate!(
            Post::objects(),
            newest = Subquery(values!(newest, email).slice(..1))
        );
        let rows: Vec<(String, Option<String>)> =
            order_by!(filter!(posts, newest__gte = "b"), -newest)
                .fetch(conn)
                .unwrap()
                .into_iter()
                .map(|(p, email)| (p.title, email))
                .collect();
        assert_eq!(
            rows,
            [
                ("Re: Hello".to_string(), Some("cid@example.com".to_string())),
                ("Hello".to_string(), Some("bob@example.com".to_string())),
            ]
        );
    });
}

#[test]
fn exists_filters_excludes_and_annotates() {
    each_backend("exists_filter_exclude_annotate", |_db, conn| {
        blog(conn);
        let commented = || Exists(filter!(Comment::objects(), post = OuterRef(pk)));

        // Post.objects.filter(Exists(Comment.objects.filter(post=OuterRef('pk'))))
        let with = filter!(Post::objects(), commented()).fetch(conn).unwrap();
        assert_eq!(titles(with), ["Hello", "Re: Hello"]);
        let without = filter!(Post::objects(), !commented()).fetch(conn).unwrap();
        assert_eq!(titles(without), ["Quiet"]);
        let excluded = exclude!(Post::objects(), commented()).fetch(conn).unwrap();
        assert_eq!(titles(excluded), ["Quiet"]);
        // none() inside: Exists(Comment.objects.none()) is false for every post.
        let nothing = Exists(filter!(Comment::objects().none(), post = OuterRef(pk)));
        assert!(filter!(Post::objects(), nothing)
            .fetch(conn)
            .unwrap()
            .is_empty());
        let nothing = Exists(filter!(Comment::objects().none(), post = OuterRef(pk)));
        assert_eq!(filter!(Post::objects(), !nothing).count(conn).unwrap(), 3);

        // Exists with more conditions inside, and combined with a Q.
        let early = Exists(filter!(
            Comment::objects(),
            post = OuterRef(pk),
            created_at__lt = day(2)
        ));
        let rows = filter!(Post::objects(), q!(early) | q!(title = "Quiet"))
            .fetch(conn)
            .unwrap();
        assert_eq!(titles(rows), ["Hello", "Quiet"]);

        // A bool per row.
        let flagged: Vec<(String, bool)> = order_by!(
            annotate!(
                Post::objects(),
                has_comments = Exists(filter!(Comment::objects(), post = OuterRef(pk)))
            ),
            title
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|(p, has)| (p.title, has))
        .collect();
        assert_eq!(
            flagged,
            [
                ("Hello".to_string(), true),
                ("Quiet".to_string(), false),
                ("Re: Hello".to_string(), true),
            ]
        );

        // After annotate!, Exists is still a condition.
        let annotated = annotate!(Post::objects(), has_comments = commented());
        let rows = filter!(annotated, !commented()).fetch(conn).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0.title, "Quiet");
        assert!(!rows[0].1);
    });
}

#[test]
fn an_inner_query_on_the_outer_table_reads_the_outer_row() {
    each_backend("subquery_same_table", |db, conn| {
        let (hello, _, _) = blog(conn);
        // Posts that have an answer: the inner `post` table must not hide the outer one.
        let answered = Exists(filter!(Post::objects(), reply_to = OuterRef(pk)));
        let with = filter!(Post::objects(), answered).fetch(conn).unwrap();
        assert_eq!(with, std::slice::from_ref(&hello));
        let sql = filter!(
            Post::objects(),
            Exists(filter!(Post::objects(), reply_to = OuterRef(pk)))
        )
        .sql(db.vendor);
        let expected = quoted(
            db,
            "WHERE EXISTS (SELECT 1 FROM (SELECT \"tests_post\".\"id\" AS \"id\", \
             \"tests_post\".\"title\" AS \"title\", \"tests_post\".\"reply_to_id\" AS \"reply_to_id\") AS \"U0\" \
             WHERE EXISTS (SELECT 1 FROM \"tests_post\" WHERE (\"tests_post\".\"reply_to_id\" = (\"U0\".\"id\"))))",
        );
        assert!(sql.contains(&expected), "{sql}");

        // Each post with the title of the post it answers.
        let rows: Vec<(String, Option<String>)> = order_by!(
            annotate!(
                Post::objects(),
                answering = Subquery(
                    values!(filter!(Post::objects(), id = OuterRef(reply_to)), title).slice(..1)
                )
            ),
            id
        )
        .fetch(conn)
        .unwrap()
        .into_iter()
        .map(|(p, t)| (p.title, t))
        .collect();
        assert_eq!(
            rows,
            [
                ("Hello".to_string(), None),
                ("Quiet".to_string(), None),
                ("Re: Hello".to_string(), Some("Hello".to_string())),
            ]
        );

        // A filter value read from the same table: posts titled like the post they answer.
        let parent_title =
            Subquery(values!(filter!(Post::objects(), id = OuterRef(reply_to)), title).slice(..1));
        let same = filter!(Post::objects(), title = parent_title)
            .fetch(conn)
            .unwrap();
        assert!(same.is_empty());
        let echo = post(conn, "Hello", Some(&hello));
        let parent_title =
            Subquery(values!(filter!(Post::objects(), id = OuterRef(reply_to)), title).slice(..1));
        let same = filter!(Post::objects(), title = parent_title)
            .fetch(conn)
            .unwrap();
        assert_eq!(same, [echo]);
    });
}

#[test]
fn subquery_is_a_filter_value() {
    each_backend("subquery_filter_value", |_db, conn| {
        let (hello, _, _) = blog(conn);
        // The newest comment of each post: its email is the newest email of its own post (a
        // subquery on the same table, read through OuterRef).
        let newest_of_post = Subquery(
            values!(
                order_by!(
                    filter!(Comment::objects(), post = OuterRef(post)),
                    -created_at
                ),
                email
            )
            .slice(..1),
        );
        let mut newest: Vec<String> = filter!(Comment::objects(), email = newest_of_post)
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|c| c.email)
            .collect();
        newest.sort();
        assert_eq!(newest, ["bob@example.com", "cid@example.com"]);

        // An uncorrelated scalar subquery: the post bob commented on.
        let bobs_post = Subquery(
            values!(filter!(Comment::objects(), email = "bob@example.com"), post).slice(..1),
        );
        let rows = filter!(Post::objects(), id = bobs_post)
            .fetch(conn)
            .unwrap();
        assert_eq!(rows, std::slice::from_ref(&hello));

        // A value from another table: parents named like their user's last name.
        let ann = user(conn, "Ann", "Lee");
        let bob = user(conn, "Bob", "Ray");
        parent(conn, &ann, "Lee");
        parent(conn, &bob, "Max");
        let last_name =
            Subquery(values!(filter!(User::objects(), id = OuterRef(user)), last_name).slice(..1));
        let rows = filter!(UserParent::objects(), father_name = last_name)
            .fetch(conn)
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].father_name, "Lee");
    });
}

fn user(conn: &mut Connection, first: &str, last: &str) -> User {
    User::objects()
        .create(
            User {
                first_name: first.into(),
                last_name: last.into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap()
}

fn parent(conn: &mut Connection, of: &User, father: &str) -> UserParent {
    UserParent::objects()
        .create(
            UserParent {
                user: ForeignKey::to(of).unwrap(),
                father_name: father.into(),
                ..Default::default()
            },
            conn,
        )
        .unwrap()
}

#[test]
fn in_with_a_subquery_of_another_model() {
    each_backend("userparent_in_subquery", |db, conn| {
        let alice = user(conn, "Alice", "Smith");
        let adam = user(conn, "Adam", "Jones");
        let bob = user(conn, "Bob", "Brown");
        parent(conn, &alice, "Sam");
        parent(conn, &adam, "Tom");
        parent(conn, &bob, "Jim");

        // users = User.objects.filter(first_name__startswith='A')
        // UserParent.objects.filter(user_id__in=Subquery(users.values('id')))
        let users = filter!(User::objects(), first_name__startswith = "A");
        let parents = filter!(
            UserParent::objects(),
            user__in = Subquery(values!(users.clone(), id))
        );
        let sql = parents.clone().sql(db.vendor);
        let expected = quoted(
            db,
            "WHERE \"tests_userparent\".\"user_id\" IN (SELECT \"tests_user\".\"id\" FROM \"tests_user\" WHERE",
        );
        assert!(sql.contains(&expected), "{sql}");
        let mut fathers: Vec<String> = parents
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|p| p.father_name)
            .collect();
        fathers.sort();
        assert_eq!(fathers, ["Sam", "Tom"]);

        // The same without `Subquery(...)`, and after annotate!.
        let plain = filter!(UserParent::objects(), user__in = values!(users.clone(), id));
        assert_eq!(plain.count(conn).unwrap(), 2);
        let annotated = annotate!(UserParent::objects(), one = Value(1));
        let rows = filter!(annotated, user__in = Subquery(values!(users, id)))
            .fetch(conn)
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|(_, one)| *one == 1));

        // A correlated `__in`: users whose id is among the users of their own parents named Tom.
        let toms = filter!(
            User::objects(),
            id__in = Subquery(values!(
                filter!(
                    UserParent::objects(),
                    user = OuterRef(pk),
                    father_name = "Tom"
                ),
                user
            ))
        );
        assert_eq!(toms.fetch(conn).unwrap(), [adam]);
    });
}

#[test]
fn duplicates_are_found_with_the_keys_of_a_grouped_queryset() {
    each_backend("duplicates_keys", |db, conn| {
        for (first, last) in [
            ("Ann", "Lee"),
            ("Bob", "Ray"),
            ("Ann", "Kim"),
            ("Cid", "Ng"),
            ("Bob", "Oz"),
        ] {
            user(conn, first, last);
        }
        // duplicates = User.objects.values('first_name')
        //     .annotate(name_count=Count('first_name')).filter(name_count__gt=1)
        // User.objects.filter(first_name__in=[item['first_name'] for item in duplicates])
        let duplicates = filter!(
            annotate!(
                values!(User::objects(), first_name),
                name_count = Count(first_name)
            ),
            name_count__gt = 1
        );
        let records = filter!(User::objects(), first_name__in = duplicates.clone().keys());
        let sql = records.clone().sql(db.vendor);
        assert!(sql.contains("GROUP BY"), "{sql}");
        assert!(sql.contains("HAVING"), "{sql}");
        let mut names: Vec<(String, String)> = records
            .fetch(conn)
            .unwrap()
            .into_iter()
            .map(|u| (u.first_name, u.last_name))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ("Ann".to_string(), "Kim".to_string()),
                ("Ann".to_string(), "Lee".to_string()),
                ("Bob".to_string(), "Oz".to_string()),
                ("Bob".to_string(), "Ray".to_string()),
            ]
        );
        // As `Subquery(...)` too, and excluded.
        let same = filter!(
            User::objects(),
            first_name__in = Subquery(duplicates.clone().keys())
        );
        assert_eq!(same.count(conn).unwrap(), 4);
        let unique = exclude!(User::objects(), first_name__in = duplicates.keys());
        assert_eq!(
            unique
                .fetch(conn)
                .unwrap()
                .into_iter()
                .map(|u| u.first_name)
                .collect::<Vec<_>>(),
            ["Cid"]
        );
    });
}

#[test]
fn an_inner_queryset_prints_its_outer_references() {
    each_backend("outer_ref_sql", |db, _conn| {
        let inner = filter!(Comment::objects(), post = OuterRef(pk));
        let sql = inner.sql(db.vendor);
        let expected = quoted(db, "(\"tests_comment\".\"post_id\" = OuterRef(\"pk\"))");
        assert!(sql.contains(&expected), "{sql}");
    });
}
