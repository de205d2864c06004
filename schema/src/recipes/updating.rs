//! "Updating Data" recipes.

use dorm::prelude::*;
use dorm::Result;

use super::Book;
use crate::models::*;

/// "How to add a lifecycle method that updates upon save?": work before the real `save()`.
fn save_hero(hero: &mut Hero, conn: &mut dorm::Connection) -> Result<()> {
    if !hero.id.is_set() {
        // Only when the row is being created.
        hero.slug = hero.name.to_lowercase().replace(' ', "-");
    }
    hero.save(conn)
}

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.recipe_rolled_back(
        "How to update many rows at once (queryset update)",
        |conn| {
            let changed = dorm::update!(
                filter!(Reporter::objects(), stories_filed__lt = 10),
                stories_filed = 10
            )
            .execute(conn)?;
            let rows = Reporter::objects().all().fetch(conn)?;
            Ok((
                changed,
                rows.into_iter()
                    .map(|r| (r.name, r.stories_filed))
                    .collect::<Vec<_>>(),
            ))
        },
    )?;

    book.recipe_rolled_back(
        "How to save only some fields (save(update_fields=[...]))",
        |conn| {
            let mut tintin = filter!(Reporter::objects(), name = "Tintin").get(conn)?;
            tintin.stories_filed += 1;
            tintin.name = "Tintin Jr.".into();
            tintin.save_update_fields(|f| [f.stories_filed], conn)?;
            tintin.refresh_from_db(conn)?;
            Ok((tintin.name, tintin.stories_filed))
        },
    )?;

    book.recipe_rolled_back(
        "How to add a lifecycle method that updates upon save?",
        |conn| {
            let mut hero = Hero {
                name: "Iron Man".into(),
                gender: "male".into(),
                ..Default::default()
            };
            save_hero(&mut hero, conn)?;
            hero.name = "Tony Stark".into();
            save_hero(&mut hero, conn)?;
            Ok((hero.name, hero.slug))
        },
    )?;

    book.recipe_rolled_back(
        "How to check whether a column has changed on saving",
        |conn| {
            let mut experience =
                Experience::objects()
                    .all()
                    .first(conn)?
                    .ok_or(dorm::Error::DoesNotExist {
                        model: "Experience",
                    })?;
            experience.upload_photo_file("new.jpg");
            let original =
                Experience::objects().get(experience.id.get().unwrap_or_default(), conn)?;
            let changed = original.photo_file != experience.photo_file;
            experience.save(conn)?;
            Ok(if changed {
                "photo changed: create_thumbnail()"
            } else {
                "photo unchanged: skip the thumbnail"
            })
        },
    )?;

    book.recipe_rolled_back("How to get or create, and update or create", |conn| {
        let (_, created) = Author::objects().get_or_create(
            dorm::lookups::Lookup::<dorm::name!(name), dorm::lookups::Exact, _>::new("Tolkien"),
            || Author {
                name: "Tolkien".into(),
                ..Default::default()
            },
            conn,
        )?;
        let (_, created_again) = Author::objects().get_or_create(
            dorm::lookups::Lookup::<dorm::name!(name), dorm::lookups::Exact, _>::new("Tolkien"),
            || Author {
                name: "Tolkien".into(),
                ..Default::default()
            },
            conn,
        )?;
        let (reporter, created_reporter) = Reporter::objects().update_or_create(
            dorm::lookups::Lookup::<dorm::name!(name), dorm::lookups::Exact, _>::new("Tintin"),
            || Reporter {
                name: "Tintin".into(),
                ..Default::default()
            },
            |r| r.stories_filed = 42,
            conn,
        )?;
        Ok((
            created,
            created_again,
            created_reporter,
            reporter.stories_filed,
        ))
    })?;

    book.recipe_rolled_back(
        "How to create and update many rows in few queries (bulk_create, bulk_update)",
        |conn| {
            let toppings: Vec<Topping> = ["cheese", "tomato", "basil"]
                .iter()
                .map(|n| Topping {
                    name: n.to_string(),
                    ..Default::default()
                })
                .collect();
            let mut toppings = Topping::objects().bulk_create(toppings, conn)?;
            for t in &mut toppings {
                t.name = t.name.to_uppercase();
            }
            let updated = Topping::objects().bulk_update(&toppings, |f| [f.name], conn)?;
            Ok((
                toppings
                    .iter()
                    .map(|t| (t.id, t.name.clone()))
                    .collect::<Vec<_>>(),
                updated,
            ))
        },
    )?;

    book.recipe_rolled_back("How to delete (an instance, and a queryset)", |conn| {
        let mut dee = filter!(Person::objects(), first_name = "Dee").get(conn)?;
        let one = dee.delete(conn)?;
        let minors = filter!(Person::objects(), age__lt = 18).delete(conn)?;
        Ok((one, dee.id, minors))
    })?;
    Ok(())
}
