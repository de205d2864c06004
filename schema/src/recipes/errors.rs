//! "Error handling" recipes.

use dorm::prelude::*;
use dorm::{Error, IntegrityKind, Result};

use super::Book;
use crate::models::*;

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.recipe_rolled_back(
        "How to react to unique constraint issues (a match, not a string search)",
        |conn| {
            let duplicate = Product {
                name: "Stroopwafel".into(),
                country: Country::Netherlands,
                ..Default::default()
            };
            let outcome = match Product::objects().create(duplicate, conn) {
                Ok(_) => "created".to_string(),
                Err(Error::Integrity {
                    kind: IntegrityKind::Unique,
                    constraint,
                    ..
                }) => {
                    format!(
                        "already exists (constraint {})",
                        constraint.unwrap_or_default()
                    )
                }
                Err(e) => return Err(e),
            };
            Ok(outcome)
        },
    )?;

    book.recipe(
        "How to tell `DoesNotExist` from `MultipleObjectsReturned`",
        |conn| {
            let missing = filter!(User::objects(), username = "nobody")
                .get(conn)
                .map(|u| u.username);
            let several = filter!(Person::objects(), last_name = "Smith")
                .get(conn)
                .map(|p| p.first_name);
            Ok((
                missing.map_err(|e| e.to_string()),
                several.map_err(|e| e.to_string()),
            ))
        },
    )?;
    Ok(())
}
