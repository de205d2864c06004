//! The scrap book app's migrations, oldest first. Each file is one migration, written by
//! dorm's migration writer from the models' state at the time; `MIGRATIONS` lists them.

#[path = "0001_initial.rs"]
mod m0001_initial;
#[path = "0002_temp_user_view.rs"]
mod m0002_temp_user_view;

/// Every migration of the app, in order.
pub const MIGRATIONS: &[dorm::migrations::Migration] =
    &[m0001_initial::MIGRATION, m0002_temp_user_view::MIGRATION];
