//! "Expressions" recipes: database functions, grouping by an expression, `Case`/`When`,
//! custom SQL functions (Django's `Func`), subqueries (`Subquery`, `OuterRef`, `Exists`) and
//! window functions.

use chrono::{Duration, Utc};
use dorm::expressions::functions::*;
use dorm::expressions::{Exists, RowNumber, Subquery, Window};
use dorm::prelude::*;
use dorm::Result;

use super::Book;
use crate::models::*;

// Django: `class LevenshteinLikeZeus(Func): function = 'levenshtein'`, declared with its
// argument and result types: a wrong argument type does not compile.
dorm::function!(
    /// PostgreSQL's `levenshtein(a, b)` (extension `fuzzystrmatch`; registered from Rust on
    /// SQLite, see [`register_levenshtein`]).
    pub Levenshtein = "levenshtein"(Text, Text) -> Integer
);

diesel::define_sql_function! {
    /// The SQLite side of `levenshtein`, implemented in Rust.
    fn levenshtein(a: diesel::sql_types::Text, b: diesel::sql_types::Text) -> diesel::sql_types::Integer;
}

/// The edit distance between `a` and `b` (insertions, deletions, substitutions).
fn edit_distance(a: &str, b: &str) -> i32 {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    i32::try_from(row[b.len()]).unwrap_or(i32::MAX)
}

/// Makes `levenshtein` available: a Rust function on SQLite, the `fuzzystrmatch` extension on
/// PostgreSQL.
pub fn register_levenshtein(conn: &mut dorm::Connection) -> Result<()> {
    match dorm::db::Executor::backend(conn) {
        dorm::db::Backend::Sqlite(c) => {
            levenshtein_utils::register_impl(c, |a: String, b: String| edit_distance(&a, &b))?
        }
        dorm::db::Backend::Postgres(c) => diesel::connection::SimpleConnection::batch_execute(
            c,
            "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
        )?,
    }
    Ok(())
}

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.recipe(
        "How to group by an expression (values(year=ExtractYear('date_joined')).annotate(total=Count('id')))",
        |conn| {
            let per_year: Vec<(i32, i64)> = order_by!(
                annotate!(
                    values!(User::objects(), year = ExtractYear(date_joined)),
                    total = Count(id)
                ),
                year
            )
            .fetch(conn)?;
            Ok(per_year)
        },
    )?;

    book.recipe(
        "What if I want the first letter to be the same for two columns? (Substr, then F)",
        |conn| {
            // User.objects.annotate(first=Substr("first_name", 1, 1),
            //                       last=Substr("last_name", 1, 1)).filter(first=F("last"))
            let qs = filter!(
                annotate!(
                    User::objects(),
                    first = Substr(first_name, 1, 1),
                    last = Substr(last_name, 1, 1)
                ),
                first = F(last)
            );
            let names: Vec<(String, String)> = values!(qs, first_name, last_name).fetch(conn)?;
            Ok(names)
        },
    )?;

    book.recipe(
        "How to filter for related records that match a complex condition (Sum(Case(When(...))))",
        |conn| {
            // ExperienceQuerySet.in_future(): the experiences still to come, per venue.
            let now = Utc::now();
            let in_future = order_by!(
                annotate!(
                    values!(Experience::objects(), venue),
                    in_future = Sum(Case(When(ends_at__gt = now, then = 1), default = 0))
                ),
                venue
            )
            .fetch(conn)?;
            Ok(in_future)
        },
    )?;

    book.recipe_rolled_back(
        "How to use db-specific arbitrary functions (a Func: LevenshteinLikeZeus)",
        |conn| {
            register_levenshtein(conn)?;
            for name in ["Zeus", "Zeuz", "Hera", "Zeno"] {
                Hero::objects().create(
                    Hero {
                        name: name.into(),
                        gender: "?".into(),
                        slug: name.to_lowercase(),
                        ..Default::default()
                    },
                    conn,
                )?;
            }
            let qs = annotate!(Hero::objects(), like_zeus = Levenshtein(name, "Zeus"));
            let close: Vec<(String, i32)> = values!(
                order_by!(filter!(qs, like_zeus__lte = 2), like_zeus, name),
                name,
                like_zeus
            )
            .fetch(conn)?;
            Ok(close)
        },
    )?;

    book.recipe(
        "How to run a correlated subquery? (newest_commenter_email: Subquery + OuterRef)",
        |conn| {
            let newest = order_by!(
                filter!(Comment::objects(), post = OuterRef(pk)),
                -created_at
            );
            let posts = annotate!(
                Post::objects(),
                newest_commenter_email = Subquery(values!(newest, email).slice(..1))
            );
            let rows: Vec<(i64, Option<String>)> =
                values!(posts, id, newest_commenter_email).fetch(conn)?;
            Ok(rows)
        },
    )?;

    book.recipe(
        "How to run a subquery? (filter(city__in=Subquery(cities.values('id'))))",
        |conn| {
            let dutch = values!(filter!(City::objects(), country = Country::Netherlands), id);
            let venues = filter!(Venue::objects(), city__in = Subquery(dutch)).fetch(conn)?;
            Ok(venues.into_iter().map(|v| v.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to filter on the existence of related rows (Exists + OuterRef)",
        |conn| {
            let busy = Exists(filter!(
                Experience::objects(),
                venue = OuterRef(pk),
                rating__gte = 8
            ));
            let rows = filter!(Venue::objects(), busy).fetch(conn)?;
            Ok(rows.into_iter().map(|v| v.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe_rolled_back(
        "How to update rows conditionally (update with Case/When)",
        |conn| {
            let soon = Utc::now() + Duration::days(7);
            let changed = dorm::update!(
                Experience::objects().all(),
                rating = Case(
                    When(ends_at__lt = soon, rating__lt = 9, then = F(rating) + 1),
                    default = F(rating)
                )
            )
            .execute(conn)?;
            let ratings: Vec<(String, i32)> =
                values!(order_by!(Experience::objects().all(), name), name, rating).fetch(conn)?;
            Ok((changed, ratings))
        },
    )?;

    book.recipe(
        "How to number rows within groups (Window(RowNumber(), partition_by=..., order_by=...))",
        |conn| {
            let ranked = annotate!(
                Experience::objects(),
                place = Window(RowNumber(), partition_by = venue, order_by = -rating)
            );
            let rows: Vec<(String, i64)> =
                values!(order_by!(ranked, venue, place), name, place).fetch(conn)?;
            Ok(rows)
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(super::edit_distance("Zeus", "Zeus"), 0);
        assert_eq!(super::edit_distance("Zeus", "Zeuz"), 1);
        assert_eq!(super::edit_distance("Zeus", "Hera"), 3);
        assert_eq!(super::edit_distance("", "abc"), 3);
    }
}
