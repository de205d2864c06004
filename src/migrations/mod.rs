//! Migrations, Django's way: each [`Migration`] is a list of [`Operation`]s over frozen model
//! states, rendered to SQL for the connection's backend by the [`schema_editor`] when it runs,
//! and recorded in diesel's own ledger table (`__diesel_schema_migrations`), so
//! `diesel migration list` keeps working.
//!
//! Migration files live in the app's `migrations/` folder, one file per migration, written by
//! [`writer`] from the models' `META` (what `makemigrations` does). A migration never refers
//! to the live models: it holds a copy of their state at the time it was written.
//!
//! ```
//! use dorm::migrations::{Migration, Operation};
//! use dorm::fields::{FieldKind, FieldMeta};
//! use dorm::model::ModelMeta;
//!
//! const REPORTER: ModelMeta = ModelMeta {
//!     name: "Reporter",
//!     app_label: "news",
//!     db_table: "news_reporter",
//!     fields: &[
//!         FieldMeta::new("id", FieldKind::BigAutoField).primary_key(),
//!         FieldMeta::new("name", FieldKind::CharField).max_length(50),
//!     ],
//!     constraints: &[],
//!     indexes: &[],
//!     ordering: &[],
//!     managed: true,
//!     verbose_name: "reporter",
//!     many_to_many: &[],
//! };
//! const MIGRATIONS: &[Migration] = &[Migration::new(
//!     "news",
//!     "0001_initial",
//!     &[],
//!     &[Operation::CreateModel(REPORTER)],
//! )];
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! assert_eq!(dorm::migrations::migrate(MIGRATIONS, &mut conn)?, vec!["news.0001_initial"]);
//! // Applied once: a second run has nothing to do.
//! assert!(dorm::migrations::migrate(MIGRATIONS, &mut conn)?.is_empty());
//! # Ok(()) }
//! ```

pub mod autodetector;
mod checks;
mod executor;
pub mod graph;
pub mod inspectdb;
pub mod introspection;
pub mod model_source;
mod operations;
pub mod optimizer;
pub mod schema_editor;
pub mod state;
pub mod writer;

pub use checks::check_models;
pub use executor::{
    applied_migrations, create_tables, diesel_source, migrate, migrate_with, plan, show_migrations,
    sql_for, sqlmigrate, Direction, MigrateOptions, MigrateReport, MigrationEvent, MigrationStatus,
    PlanStep, CHECKSUM_TABLE, LEDGER_TABLE,
};
pub use graph::MigrationGraph;
pub use operations::{noop, Migration, Operation, RustCode};
pub use state::{ModelState, ProjectState};

/// A function's path as the string a model's metadata stores (`upload_to`, a callable
/// `default`), checked by the compiler: migration files write `fn_ref!(crate::models::
/// venue_directory_path)`, so renaming the function breaks the build, not a deployed
/// migration (the scrap book's "Danger" note). `crate` becomes the crate's name, as the
/// derive records it; a trailing `()` marks a callable default.
///
/// ```
/// pub fn today() -> chrono::NaiveDate {
///     chrono::NaiveDate::MIN
/// }
/// const DEFAULT: &str = dorm::fn_ref!(crate::today());
///
/// fn main() {
///     assert!(DEFAULT.ends_with("::today()"));
///     assert_eq!(dorm::fn_ref!(dorm::fields::now()), "dorm::fields::now()");
/// }
/// ```
#[macro_export]
macro_rules! fn_ref {
    (crate $(:: $seg:ident)+ ()) => {{
        #[allow(unused_imports)]
        use crate $(:: $seg)+ as _;
        concat!(env!("CARGO_CRATE_NAME") $(, "::", stringify!($seg))+, "()")
    }};
    (crate $(:: $seg:ident)+) => {{
        #[allow(unused_imports)]
        use crate $(:: $seg)+ as _;
        concat!(env!("CARGO_CRATE_NAME") $(, "::", stringify!($seg))+)
    }};
    ($first:ident $(:: $seg:ident)* ()) => {{
        #[allow(unused_imports)]
        use $first $(:: $seg)* as _;
        concat!(stringify!($first) $(, "::", stringify!($seg))*, "()")
    }};
    ($first:ident $(:: $seg:ident)*) => {{
        #[allow(unused_imports)]
        use $first $(:: $seg)* as _;
        concat!(stringify!($first) $(, "::", stringify!($seg))*)
    }};
}
