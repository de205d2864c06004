//! "Aggregation" recipes: `aggregate!`, `annotate!`, counts per value (group by), duplicates,
//! distinct counts, and the scrap book's trap of counting two relations at once.

use dorm::prelude::*;
use dorm::Result;

use super::Book;
use crate::models::*;

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.recipe(
        "How to do aggregation in the database? (Person.objects.aggregate(Max('age'))['age__max'])",
        |conn| {
            let max_age: Option<i32> = aggregate!(Person::objects(), Max(age)).fetch(conn)?;
            Ok(max_age)
        },
    )?;

    book.recipe("How to do aggregations like max/avg/sum etc", |conn| {
        let (oldest, mean, total, people) = aggregate!(
            Person::objects(),
            oldest = Max(age),
            mean = Avg(age),
            total = Sum(age),
            people = Count(id)
        )
        .fetch(conn)?;
        Ok((oldest, mean, total, people))
    })?;

    book.recipe(
        "How to get counts for each value of a column (values('is_active').annotate(total=Count('id')))",
        |conn| {
            let counts: Vec<(bool, i64)> = dorm::order_by!(
                annotate!(values!(User::objects(), is_active), total = Count(id)),
                is_active
            )
            .fetch(conn)?;
            Ok(counts)
        },
    )?;

    book.recipe(
        "How to group by multiple fields (values('is_active', 'is_staff'))",
        |conn| {
            let counts: Vec<((bool, bool), i64)> = dorm::order_by!(
                annotate!(
                    values!(User::objects(), is_active, is_staff),
                    total = Count(id)
                ),
                is_active,
                is_staff
            )
            .fetch(conn)?;
            Ok(counts)
        },
    )?;

    book.recipe(
        "How to find rows that have duplicates in a certain column (values, Count, filter, __in)",
        |conn| {
            let duplicates = filter!(
                annotate!(
                    values!(User::objects(), last_name),
                    name_count = Count(last_name)
                ),
                name_count__gt = 1
            );
            // The grouped values that pass the HAVING, as a subquery: one query in all.
            let users = dorm::order_by!(
                filter!(User::objects(), last_name__in = duplicates.keys()),
                username
            )
            .fetch(conn)?;
            Ok(users.into_iter().map(|u| u.username).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to count distinct occurrences (unique_names=Count('last_name', distinct=True))",
        |conn| {
            let (users, unique_names) = aggregate!(
                User::objects(),
                users = Count(id),
                unique_names = Count(last_name, distinct = true)
            )
            .fetch(conn)?;
            Ok((users, unique_names))
        },
    )?;

    book.recipe(
        "How to count both a column and its related column at once (no distinct=True needed)",
        |conn| {
            // Django joins both relations: Count("venues") and Count("venues__experiences") give
            // 2 and 2 for a city with one venue and two experiences. dorm counts each in its own
            // subquery: 1 and 2.
            let qs = annotate!(
                filter!(City::objects(), name = "Berlin"),
                vcount = Count(venues),
                ecount = Count(venues__experiences)
            );
            let counts: Vec<(i64, i64)> = values!(qs, vcount, ecount).fetch(conn)?;
            Ok(counts)
        },
    )?;

    book.recipe_rolled_back(
        "How to annotate rows with an aggregate of a relation, then filter and order by it",
        |conn| {
            library(conn)?;
            let qs = annotate!(
                Author::objects(),
                n_books = Count(books),
                pages = Sum(books__pages)
            );
            let prolific = dorm::order_by!(filter!(qs, n_books__gte = 1), -pages, name);
            let rows: Vec<(String, i64, Option<i64>)> =
                values!(prolific, name, n_books, pages).fetch(conn)?;
            Ok(rows)
        },
    )?;

    book.recipe_rolled_back(
        "How to aggregate across a relation over a filtered queryset (Sum('books__pages'))",
        |conn| {
            library(conn)?;
            let (pages, bestsellers) = aggregate!(
                filter!(Author::objects(), books__bestseller = true),
                pages = Sum(books__pages),
                bestsellers = Count(books, filter = q!(bestseller = true))
            )
            .fetch(conn)?;
            Ok((pages, bestsellers))
        },
    )?;
    Ok(())
}

/// Authors and their books, for the recipes that aggregate across `books` (created inside
/// the rolled-back recipe, so other recipes see no authors).
fn library(conn: &mut dorm::Connection) -> Result<()> {
    for (name, books) in [
        (
            "Tolkien",
            &[("The Hobbit", 310, true), ("The Silmarillion", 365, false)][..],
        ),
        ("Lewis", &[("Narnia", 200, true)][..]),
        ("Homer", &[][..]),
    ] {
        let author = Author::objects().create(
            Author {
                name: name.into(),
                ..Default::default()
            },
            conn,
        )?;
        for (title, pages, bestseller) in books {
            crate::models::Book::objects().create(
                crate::models::Book {
                    author: dorm::ForeignKey::to(&author)?,
                    title: title.to_string(),
                    pages: *pages,
                    bestseller: *bestseller,
                    ..Default::default()
                },
                conn,
            )?;
        }
    }
    Ok(())
}
