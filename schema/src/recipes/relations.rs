//! "Data Modeling" recipes about relations.

use dorm::prelude::*;
use dorm::Result;

use super::Book;
use crate::models::*;

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.recipe(
        "How to do one to many relationships? (Entry.blog = ForeignKey(Blog))",
        |conn| {
            let beatles = filter!(Blog::objects(), name__icontains = "beatles").get(conn)?;
            let by_key = filter!(
                Entry::objects(),
                blog = beatles.id.get().unwrap_or_default()
            )
            .count(conn)?;
            let by_name =
                filter!(Entry::objects(), blog__name__icontains = "beatles").count(conn)?;
            Ok((by_key, by_name))
        },
    )?;

    book.recipe(
        "How to read the related row (an explicit query: no silent N+1)",
        |conn| {
            let entry = Entry::objects()
                .all()
                .first(conn)?
                .ok_or(dorm::Error::DoesNotExist { model: "Entry" })?;
            let blog = match &entry.blog {
                Some(key) => Some(key.fetch(conn)?.name),
                None => None,
            };
            Ok((entry.headline, blog))
        },
    )?;

    book.recipe(
        "How to simulate hasmanythrough (City -> Venue -> Experience)",
        |conn| {
            let berlin = filter!(City::objects(), name = "Berlin").get(conn)?;
            let experiences = berlin.experiences().fetch(conn)?;
            Ok(experiences.into_iter().map(|e| e.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to filter across a chain of relations (venue__city__country)",
        |conn| {
            let rows = filter!(
                Experience::objects(),
                venue__city__country = Country::Netherlands
            )
            .fetch(conn)?;
            Ok(rows.into_iter().map(|e| e.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe_rolled_back(
        "How to model self-referential relationships (boss = ForeignKey('self'))",
        |conn| {
            let ann = filter!(Person::objects(), first_name = "Ann").get(conn)?;
            dorm::update!(
                filter!(Person::objects(), first_name = "Bob"),
                boss = ann.id.get().unwrap_or_default()
            )
            .execute(conn)?;
            let reports = filter!(Person::objects(), boss__first_name = "Ann").fetch(conn)?;
            Ok(reports
                .into_iter()
                .map(|p| p.first_name)
                .collect::<Vec<_>>())
        },
    )?;

    book.note(
        "How to reference a model that is not yet defined? (any declaration order, any module)",
        "`pub publisher: Option<ForeignKey<User>>` names the type; Rust resolves it wherever it is declared.",
    );
    Ok(())
}
