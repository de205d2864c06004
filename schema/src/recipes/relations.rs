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

    book.recipe_rolled_back(
        "How to get bidirectional relationships? (ManyToManyField(User, related_name='maps'))",
        |conn| {
            let berlin = Map::objects().create(
                Map {
                    name: "Berlin by night".into(),
                    ..Default::default()
                },
                conn,
            )?;
            let friends =
                filter!(User::objects(), username__in = ["rachel", "ross"]).fetch(conn)?;
            berlin.users().add(&friends, conn)?;
            let rachel = filter!(User::objects(), username = "rachel").get(conn)?;
            // `user.maps()`, not `user.map_set()`, thanks to related_name.
            let maps = rachel.maps().all()?.fetch(conn)?;
            Ok((
                berlin.users().all()?.count(conn)?,
                maps.into_iter().map(|m| m.name).collect::<Vec<_>>(),
            ))
        },
    )?;

    book.recipe_rolled_back(
        "How to do many to many relationships? (Pizza.toppings = ManyToManyField(Topping))",
        |conn| {
            let [cheese, ham, pineapple] = ["cheese", "ham", "pineapple"].map(|name| {
                Topping::objects().create(
                    Topping {
                        name: name.into(),
                        ..Default::default()
                    },
                    conn,
                )
            });
            let (cheese, ham, pineapple) = (cheese?, ham?, pineapple?);
            for (name, toppings) in [
                ("Margherita", vec![&cheese]),
                ("Hawaii", vec![&cheese, &ham, &pineapple]),
                ("Prosciutto", vec![&cheese, &ham]),
            ] {
                let pizza = Pizza::objects().create(
                    Pizza {
                        name: name.into(),
                        ..Default::default()
                    },
                    conn,
                )?;
                pizza.toppings().add(toppings, conn)?;
            }
            let with_ham = dorm::order_by!(filter!(Pizza::objects(), toppings__name = "ham"), name)
                .fetch(conn)?;
            // Each pizza with its toppings (in name order): two queries, however many pizzas.
            let menu = dorm::prefetch_related!(
                dorm::order_by!(Pizza::objects().all(), name),
                toppings = dorm::order_by!(Topping::objects().all(), name)
            )
            .fetch(conn)?;
            Ok((
                with_ham.into_iter().map(|p| p.name).collect::<Vec<_>>(),
                menu.iter()
                    .map(|p| {
                        let toppings: Vec<String> = dorm::related!(p.toppings)
                            .iter()
                            .map(|t| t.name.clone())
                            .collect();
                        (p.name.clone(), toppings)
                    })
                    .collect::<Vec<_>>(),
                pineapple.pizza_set().all()?.count(conn)?,
            ))
        },
    )?;

    book.recipe_rolled_back(
        "How to persist or remove many-to-many associations (add, remove)",
        |conn| {
            let pizza = Pizza::objects().create(
                Pizza {
                    name: "Funghi".into(),
                    ..Default::default()
                },
                conn,
            )?;
            let mushroom = pizza.toppings().create(
                Topping {
                    name: "mushroom".into(),
                    ..Default::default()
                },
                conn,
            )?;
            let garlic = Topping::objects().create(
                Topping {
                    name: "garlic".into(),
                    ..Default::default()
                },
                conn,
            )?;
            let added = pizza.toppings().add([&garlic, &mushroom], conn)?;
            let after_add = pizza.toppings().all()?.count(conn)?;
            pizza.toppings().remove([&garlic], conn)?;
            let after_remove = pizza.toppings().all()?.count(conn)?;
            Ok((added, after_add, after_remove))
        },
    )?;

    book.recipe_rolled_back(
        "How to cascade on deletion? (Entry.blog = ForeignKey(Blog, on_delete=CASCADE))",
        |conn| {
            let mut beatles = filter!(Blog::objects(), name = "Beatles Blog").get(conn)?;
            let entries_before = Entry::objects().all().count(conn)?;
            // dorm's collector finds the entries (and their authors' join rows) first, then
            // deletes children before parents in one transaction, on every backend.
            let deleted = beatles.delete(conn)?;
            Ok((entries_before, deleted, Entry::objects().all().count(conn)?))
        },
    )?;

    book.recipe(
        "How to order by a field of a related model (order_by('venue__city__name', '-rating'))",
        |conn| {
            let rows = dorm::order_by!(Experience::objects().all(), venue__city__name, -rating)
                .fetch(conn)?;
            Ok(rows.into_iter().map(|e| e.name).collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to read fields of related models (values('name', 'venue__name', 'venue__city__name'))",
        |conn| {
            let rows: Vec<(String, Option<String>, Option<String>)> = dorm::values!(
                dorm::order_by!(Experience::objects().all(), name),
                name,
                venue__name,
                venue__city__name
            )
            .fetch(conn)?;
            Ok(rows)
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
                Author {
                    name: "Tolkien".into(),
                    ..Default::default()
                },
                conn,
            )?;
            let lewis = Author::objects().create(
                Author {
                    name: "Lewis".into(),
                    ..Default::default()
                },
                conn,
            )?;
            for (author, title, bestseller) in [
                (&tolkien, "The Hobbit", true),
                (&tolkien, "Letters", false),
                (&lewis, "Poems", false),
            ] {
                crate::models::Book::objects().create(
                    crate::models::Book {
                        author: dorm::ForeignKey::to(author)?,
                        title: title.into(),
                        pages: 100,
                        bestseller,
                        ..Default::default()
                    },
                    conn,
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
            Venue::objects().create(empty, conn)?;
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
                Place {
                    name: "Joe's".into(),
                    address: "1 Main St".into(),
                    ..Default::default()
                },
                conn,
            )?;
            let restaurant = Restaurant {
                place: dorm::OneToOne::to(&place)?,
                serves_pizza: true,
                ..Default::default()
            };
            Restaurant::objects().create(restaurant.clone(), conn)?;
            // A second restaurant on the same place breaks the one-to-one rule; `atomic` keeps
            // the failure to itself (a savepoint), so the queries after it still run on
            // PostgreSQL.
            let second = dorm::atomic(conn, |c| Restaurant::objects().create(restaurant, c))
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
