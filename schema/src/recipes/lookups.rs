//! "Querying" recipes about lookups, Q objects, F expressions, projections, combinations,
//! raw SQL and query plans.

use dorm::prelude::*;
use dorm::Result;

use super::Book;
use crate::models::*;

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.recipe("How to do LIKE clause (contains / icontains)", |conn| {
        let entry = filter!(
            Entry::objects(),
            headline__contains = "Lennon",
            headline__startswith = "What"
        )
        .get(conn)?;
        let ci = filter!(Entry::objects(), headline__icontains = "lennon").count(conn)?;
        let percent = filter!(Entry::objects(), headline__contains = "50%").count(conn)?;
        Ok((entry.headline, ci, percent))
    })?;

    book.recipe("How to work with ranges (age__range=(10, 20))", |conn| {
        let rows = filter!(Person::objects(), age__range = (10, 20)).fetch(conn)?;
        Ok(rows
            .into_iter()
            .map(|p| (p.first_name, p.age))
            .collect::<Vec<_>>())
    })?;

    book.recipe(
        "How to filter on parts of a date (pub_date__year, __month)",
        |conn| {
            let in_2005 = filter!(Entry::objects(), pub_date__year = 2005).count(conn)?;
            let since_2006 = filter!(Entry::objects(), pub_date__year__gte = 2006).count(conn)?;
            let summer = filter!(Entry::objects(), pub_date__month__in = [6, 7, 8]).count(conn)?;
            Ok((in_2005, since_2006, summer))
        },
    )?;

    book.recipe(
        "How to search for nested key/value pairs in JSON columns?",
        |conn| {
            let pattern = serde_json::json!({"InvoiceNumber": {"FirstName": "Daan"}});
            let by_containment = filter!(Order::objects(), data__contains = pattern).count(conn)?;
            let by_key_path =
                filter!(Order::objects(), data__InvoiceNumber__LastName = "Jansen").count(conn)?;
            let has_key = filter!(Order::objects(), data__has_key = "InvoiceNumber").count(conn)?;
            Ok((by_containment, by_key_path, has_key))
        },
    )?;

    book.recipe(
        "What does the Q thing do? (Q(first_name__startswith='R'))",
        |conn| {
            let rows = filter!(User::objects(), q!(first_name__startswith = "R")).fetch(conn)?;
            Ok(rows.into_iter().map(|u| u.first_name).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to run an OR query? (Q | Q, and queryset | queryset)",
        |conn| {
            let option1 = filter!(
                User::objects(),
                q!(first_name__startswith = "R") | q!(last_name__startswith = "D")
            )
            .count(conn)?;
            let option2 = (filter!(User::objects(), first_name__startswith = "R")
                | filter!(User::objects(), last_name__startswith = "D"))
            .count(conn)?;
            Ok((option1, option2))
        },
    )?;

    book.recipe("How to run an AND query (Q & Q)", |conn| {
        let rows = filter!(
            User::objects(),
            q!(first_name__startswith = "R") & q!(last_name__startswith = "G")
        )
        .fetch(conn)?;
        Ok(rows.into_iter().map(|u| u.username).collect::<Vec<_>>())
    })?;

    book.recipe("How to run a NOT query (~Q is !q!)", |conn| {
        let rows = filter!(User::objects(), !q!(first_name__startswith = "R")).fetch(conn)?;
        Ok(rows.into_iter().map(|u| u.username).collect::<Vec<_>>())
    })?;

    book.recipe("How to combine AND, OR and NOT queries into one? (today_and_yesterday_greater_than_1000_without_BRK)", |conn| {
        let day = chrono::NaiveDate::from_ymd_opt(2005, 7, 1).unwrap_or_default();
        let before = day.pred_opt().unwrap_or(day);
        let rows =
            filter!(Entry::objects(), q!(pub_date = day) | q!(pub_date = before), rating__gte = 3, !q!(headline__startswith = "BRK"))
                .fetch(conn)?;
        Ok(rows.into_iter().map(|e| e.headline).collect::<Vec<_>>())
    })?;

    book.recipe(
        "How to dynamically compare two columns in a query (first_name = F(last_name))",
        |conn| {
            let rows = filter!(User::objects(), first_name = F(last_name)).fetch(conn)?;
            Ok(rows.into_iter().map(|u| u.username).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to find records where a field could either be null or empty string?",
        |conn| {
            let rows = filter!(
                BlogPost::objects(),
                q!(photo_file__isnull = true) | q!(photo_file = "")
            )
            .fetch(conn)?;
            Ok(rows.into_iter().map(|p| p.title).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to limit your results to only contain certain columns? (values_list)",
        |conn| {
            let pairs: Vec<(String, String)> = values_list!(
                dorm::order_by!(User::objects().all(), username),
                first_name,
                last_name
            )
            .fetch(conn)?;
            let flat: Vec<String> =
                values_list!(dorm::order_by!(User::objects().all(), username), username)
                    .fetch(conn)?;
            Ok((pairs, flat))
        },
    )?;

    book.recipe("How to get distinct records", |conn| {
        let last_names: Vec<String> =
            values_list!(dorm::order_by!(User::objects().all(), last_name), last_name)
                .distinct()
                .fetch(conn)?;
        Ok(last_names)
    })?;

    book.recipe("How to make ordering case insensitive (Lower)", |conn| {
        let rows = dorm::order_by!(Entry::objects().all(), Lower(headline)).fetch(conn)?;
        Ok(rows.into_iter().map(|e| e.headline).collect::<Vec<_>>())
    })?;

    book.recipe(
        "How to control behavior WRT nulls when ordering (nulls_last)",
        |conn| {
            let rows =
                dorm::order_by!(User::objects().all(), -last_login.nulls_last()).fetch(conn)?;
            Ok(rows
                .into_iter()
                .map(|u| (u.username, u.last_login.map(|t| t.date_naive())))
                .collect::<Vec<_>>())
        },
    )?;

    book.recipe("How to order randomly (order_by('?'))", |conn| {
        Ok(dorm::order_by!(Person::objects().all(), ?)
            .fetch(conn)?
            .len())
    })?;

    book.recipe(
        "How to combine querysets with SQL set operations (union, difference)",
        |conn| {
            let union = filter!(Person::objects(), age__lt = 18)
                .union(filter!(Person::objects(), age__gt = 50))
                .fetch(conn)?;
            let except = Person::objects()
                .all()
                .difference(filter!(Person::objects(), last_name = "Smith"))
                .fetch(conn)?;
            Ok((union.len(), except.len()))
        },
    )?;

    book.recipe(
        "How to run a subquery? (id__in = a queryset's values)",
        |conn| {
            let with_entries = filter!(
                Blog::objects(),
                id__in = values_list!(Entry::objects().all(), blog)
            )
            .fetch(conn)?;
            Ok(with_entries.into_iter().map(|b| b.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to match a regular expression (regex / iregex)",
        |conn| {
            let rows = filter!(Entry::objects(), headline__iregex = "^(what|ringo)").fetch(conn)?;
            Ok(rows.into_iter().map(|e| e.headline).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to reverse an ordering, and clear it (reverse(), order_by())",
        |conn| {
            let reversed = Entry::objects()
                .all()
                .reverse()
                .first(conn)?
                .map(|e| e.headline);
            let unordered = Entry::objects().all().clear_ordering().sql(conn.vendor());
            Ok((reversed, !unordered.contains("ORDER BY")))
        },
    )?;

    book.recipe(
        "How to load only some columns of a model (only / defer)",
        |conn| {
            let rows = dorm::only!(
                dorm::order_by!(User::objects().all(), username),
                username,
                email
            )
            .fetch(conn)?;
            let first = rows.first().map(|u| {
                (
                    u.get(dorm::field!(username)).clone(),
                    u.get(dorm::field!(email)).clone(),
                )
            });
            let deferred = dorm::defer!(Entry::objects().all(), body_text).fetch(conn)?;
            Ok((first, deferred.len()))
        },
    )?;

    book.recipe("How to get distinct rows on some fields (distinct on: PostgreSQL only)", |conn| match conn {
        dorm::Connection::Postgres(pg) => {
            let rows = dorm::distinct_on!(dorm::order_by!(Person::objects().all(), last_name, first_name), last_name).fetch(pg)?;
            Ok(rows.into_iter().map(|p| format!("{} {}", p.first_name, p.last_name)).collect::<Vec<_>>())
        }
        _ => Ok(vec!["DISTINCT ON needs PostgreSQL: on SQLite it does not compile against a SqliteConnection".to_string()]),
    })?;

    book.recipe(
        "How to execute raw SQL? (with parameters, never formatted strings)",
        |conn| {
            let everyone = Person::objects()
                .raw("SELECT * FROM scrapbook_person", ())
                .fetch(conn)?;
            let smiths = Person::objects()
                .raw(
                    "SELECT * FROM scrapbook_person WHERE last_name = %s",
                    ("Smith",),
                )
                .fetch(conn)?;
            Ok((
                everyone.len(),
                smiths.into_iter().map(|p| p.first_name).collect::<Vec<_>>(),
            ))
        },
    )?;

    book.recipe(
        "How to see the database's plan for a query (explain)",
        |conn| filter!(Entry::objects(), rating__gte = 3).explain(conn),
    )?;

    book.recipe_rolled_back(
        "How to update many rows in a way that dynamically depends on each row's value (F)",
        |conn| {
            let changed = dorm::update!(
                Reporter::objects().all(),
                stories_filed = F(stories_filed) + 1
            )
            .execute(conn)?;
            let older = dorm::update!(Person::objects().all(), age = F(age) + 1).execute(conn)?;
            let rows = Reporter::objects().all().fetch(conn)?;
            Ok((
                changed,
                older,
                rows.into_iter()
                    .map(|r| (r.name, r.stories_filed))
                    .collect::<Vec<_>>(),
            ))
        },
    )?;

    book.recipe_rolled_back(
        "What is F()? (its 'applied on each save' gotcha cannot happen in dorm)",
        |conn| {
            // The increment runs once, in the database, and the instance is refreshed with the
            // stored value. A field holds a value, never an expression, so the saves below write
            // that value and do not increment again (`reporter.stories_filed = F(..) + 1` does
            // not compile).
            let mut reporter = filter!(Reporter::objects(), name = "Tintin").get(conn)?;
            let before = reporter.stories_filed;
            dorm::update!(reporter, stories_filed = F(stories_filed) + 1).execute(conn)?;
            reporter.name = "Tintin Jr.".into();
            reporter.save(conn)?;
            reporter.save(conn)?;
            let stored = filter!(Reporter::objects(), name = "Tintin Jr.").get(conn)?;
            Ok((before, reporter.stories_filed, stored.stories_filed))
        },
    )?;
    Ok(())
}
