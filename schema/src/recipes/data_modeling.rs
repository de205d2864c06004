//! "Data Modeling" recipes.

use dorm::migrations::schema_editor::SchemaEditor;
use dorm::prelude::*;
use dorm::Result;

use super::Book;
use crate::models::*;

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.recipe_rolled_back(
        "How to create a user model using the built-in tools?",
        |conn| {
            let user = User::objects().create(
                User {
                    username: "chandler".into(),
                    first_name: "Chandler".into(),
                    email: "c@example.com".into(),
                    ..Default::default()
                },
                conn,
            )?;
            Ok(format!(
                "{user} (id {}, active {}, joined {})",
                user.id,
                user.is_active,
                user.date_joined.date_naive()
            ))
        },
    )?;

    book.recipe(
        "How to create a data migration? / How to run the migrations? (applied so far)",
        dorm::migrations::applied_migrations,
    )?;

    let editor = SchemaEditor::new(book.vendor());
    book.note(
        "How to add a db index on a single column? (`#[dorm(db_index)] started_at`)",
        editor
            .create_model(&<Venue as dorm::Model>::META)
            .join(";\n"),
    );

    book.recipe(
        "How to add a default for a column? (`#[dorm(choices, default = \"de\")] country`)",
        |_conn| {
            let city = City {
                name: "Hamburg".into(),
                ..Default::default()
            };
            Ok((city.country, city.get_country_display()))
        },
    )?;

    book.recipe(
        "How to add an image or file field? (`upload_to = venue_directory_path`)",
        |conn| {
            let mut venue = Venue::objects()
                .all()
                .first(conn)?
                .ok_or(dorm::Error::DoesNotExist { model: "Venue" })?;
            let path = venue.upload_photo_file("poster.png").to_string();
            Ok(path.starts_with("venue/") && path.ends_with("/poster.png"))
        },
    )?;

    book.recipe("How to limit a column to a set of choices", |conn| {
        let cities = City::objects().all().fetch(conn)?;
        Ok(cities
            .iter()
            .map(|c| {
                format!(
                    "{}: {} ({})",
                    c.name,
                    c.country.value(),
                    c.get_country_display()
                )
            })
            .collect::<Vec<_>>())
    })?;

    book.note(
        "How to make a column unique? (`#[dorm(unique)] username`)",
        editor.column_sql(
            <User as dorm::Model>::META
                .field("username")
                .expect("username"),
        ),
    );

    book.note(
        "How to enforce uniqueness across multiple columns (UniqueConstraint in Meta)",
        editor
            .create_model(&<Product as dorm::Model>::META)
            .join(";\n"),
    );

    book.recipe(
        "How to set num digits and precision for decimal type? (max_digits=18, decimal_places=10)",
        |conn| {
            let venues = dorm::order_by!(Venue::objects().all(), -latitude).fetch(conn)?;
            Ok(venues
                .iter()
                .map(|v| format!("{}: {}", v.name, v.latitude))
                .collect::<Vec<_>>())
        },
    )?;

    book.recipe(
        "How to control how the model appears in the admin area or the console? (Display)",
        |conn| {
            let places = [Place {
                name: "Joe's".into(),
                address: "1 Main St".into(),
                ..Default::default()
            }];
            let users = User::objects().all().slice(..2).fetch(conn)?;
            Ok((
                places.iter().map(ToString::to_string).collect::<Vec<_>>(),
                users.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ))
        },
    )?;

    book.recipe_rolled_back(
        "How to add timestamps like created_at to every model (an abstract TimeStampedModel)",
        |conn| {
            let mut product = Product::objects().create(
                Product {
                    name: "Speculaas".into(),
                    ..Default::default()
                },
                conn,
            )?;
            let created = product.created_at;
            product.name = "Speculoos".into();
            product.save(conn)?;
            Ok((product.created_at == created, product.updated_at >= created))
        },
    )?;

    book.recipe(
        "How to use DB views? (`managed = false`, `db_table = \"temp_user\"`)",
        |conn| {
            let rows = TempUser::objects().all().fetch(conn)?;
            Ok(rows.into_iter().map(|u| u.first_name).collect::<Vec<_>>())
        },
    )?;
    Ok(())
}
