//! The Django ORM scrap book, recipe by recipe, answered with dorm: the demo app's models
//! ([`models`]), its migrations (the workspace's top-level `migrations/`), sample rows
//! ([`seed`]) and the recipes ([`recipes`]) that `cargo run -p scrapbook` prints.
#![forbid(unsafe_code)]

pub mod models;
pub mod recipes;
pub mod seed;

/// The scrap book's migrations, from the workspace's `migrations/` folder.
#[path = "../../migrations/mod.rs"]
pub mod migrations;
