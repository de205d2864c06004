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
        "How to avoid N+1 problems when accessing foreign-key attributes? (select_related)",
        |conn| {
            // One query, joined; `related!` reads what was loaded, and reading a relation that
            // was not loaded does not compile.
            let people =
                dorm::select_related!(dorm::order_by!(Person::objects().all(), first_name), father)
                    .fetch(conn)?;
            Ok(people
                .iter()
                .map(|p| {
                    let father = dorm::related!(p.father).map(|f| f.first_name.clone());
                    (p.first_name.clone(), father)
                })
                .collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to avoid N+1 problems when accessing reverse related attributes? (prefetch_related)",
        |conn| {
            // One query per level: the cities, their venues, the venues' experiences.
            let cities = dorm::prefetch_related!(
                dorm::order_by!(City::objects().all(), name),
                venues,
                venues__experiences
            )
            .fetch(conn)?;
            Ok(cities
                .iter()
                .map(|c| {
                    let venues = dorm::related!(c.venues);
                    let experiences: usize = venues
                        .iter()
                        .map(|v| dorm::related!(v.experiences).len())
                        .sum();
                    (c.name.clone(), venues.len(), experiences)
                })
                .collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to get bidirectional relationships? (x_set, or related_name)",
        |conn| {
            let blog = filter!(Blog::objects(), name = "Beatles Blog").get(conn)?;
            let entries = blog.entry_set()?.count(conn)?;
            let berlin = filter!(City::objects(), name = "Berlin").get(conn)?;
            let venues = berlin.venues()?.fetch(conn)?;
            Ok((
                entries,
                venues.into_iter().map(|v| v.name).collect::<Vec<_>>(),
            ))
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

    book.recipe_rolled_back(
        "How to query get items where associated record matches a condition (books__bestseller)",
        |conn| {
            let tolkien = Author::objects().create(
                conn,
                Author {
                    name: "Tolkien".into(),
                    ..Default::default()
                },
            )?;
            let lewis = Author::objects().create(
                conn,
                Author {
                    name: "Lewis".into(),
                    ..Default::default()
                },
            )?;
            for (author, title, bestseller) in [
                (&tolkien, "The Hobbit", true),
                (&tolkien, "Letters", false),
                (&lewis, "Poems", false),
            ] {
                crate::models::Book::objects().create(
                    conn,
                    crate::models::Book {
                        author: dorm::ForeignKey::to(author)?,
                        title: title.into(),
                        pages: 100,
                        bestseller,
                        ..Default::default()
                    },
                )?;
            }
            let best_authors = filter!(Author::objects(), books__bestseller = true).fetch(conn)?;
            Ok(best_authors.into_iter().map(|a| a.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to query for records that have at least one associated record (a reverse lookup)",
        |conn| {
            let venues = filter!(Venue::objects(), experiences__rating__gte = 1).fetch(conn)?;
            Ok(venues.into_iter().map(|v| v.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe_rolled_back(
        "How to query for records with no associated record types (experiences__isnull=True)",
        |conn| {
            let berlin = filter!(City::objects(), name = "Berlin").get(conn)?;
            let empty = Venue {
                name: "Empty hall".into(),
                city: dorm::ForeignKey::to(&berlin)?,
                started_at: dorm::fields::now(),
                ..Default::default()
            };
            Venue::objects().create(conn, empty)?;
            let without = filter!(Venue::objects(), experiences__isnull = true).fetch(conn)?;
            Ok(without.into_iter().map(|v| v.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to filter along a chain in reverse (cities whose venues have good experiences)",
        |conn| {
            let cities =
                filter!(City::objects(), venues__experiences__rating__gte = 8).fetch(conn)?;
            Ok(cities.into_iter().map(|c| c.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe_rolled_back(
        "How to do one-to-one relationships? (Restaurant.place = OneToOneField(Place))",
        |conn| {
            let place = Place::objects().create(
                conn,
                Place {
                    name: "Joe's".into(),
                    address: "1 Main St".into(),
                    ..Default::default()
                },
            )?;
            let restaurant = Restaurant {
                place: dorm::OneToOne::to(&place)?,
                serves_pizza: true,
                ..Default::default()
            };
            Restaurant::objects().create(conn, restaurant.clone())?;
            // A second restaurant on the same place breaks the one-to-one rule.
            let second = Restaurant::objects()
                .create(conn, restaurant)
                .map(|_| ())
                .map_err(|e| e.to_string());
            let places_with_pizza =
                filter!(Place::objects(), restaurant__serves_pizza = true).fetch(conn)?;
            Ok((
                second.is_err(),
                places_with_pizza
                    .into_iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>(),
            ))
        },
    )?;

    book.note(
        "How to reference a model that is not yet defined? (any declaration order, any module)",
        "`pub publisher: Option<ForeignKey<User>>` names the type; Rust resolves it wherever it is declared.",
    );
    Ok(())
}
