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

/// The app as `dorm::manage` sees it: `cargo run -p scrapbook -- <command>` is its
/// `manage.py` (`makemigrations`, `migrate`, `showmigrations`, `sqlmigrate`,
/// `squashmigrations`, `inspectdb`).
pub static APP: dorm::manage::App = dorm::manage::App {
    label: "scrapbook",
    crate_name: env!("CARGO_CRATE_NAME"),
    models: models::ALL,
    migrations: migrations::MIGRATIONS,
    migrations_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations"),
    default_database_url: "sqlite://scrapbook.sqlite3",
};
