//! The app's migrations, oldest first. Each file is one migration, written by dorm's
//! migration writer from the models' state at the time; `MIGRATIONS` lists them.

#[path = "0001_initial.rs"]
mod m0001_initial;
#[path = "0002_temp_user_view.rs"]
mod m0002_temp_user_view;
#[path = "0003_venue_license_cc0.rs"]
mod m0003_venue_license_cc0;

/// Every migration of the app, in order.
pub const MIGRATIONS: &[dorm::migrations::Migration] = &[
    m0001_initial::MIGRATION,
    m0002_temp_user_view::MIGRATION,
    m0003_venue_license_cc0::MIGRATION,
];
