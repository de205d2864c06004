//! 0002_temp_user_view: the view behind the unmanaged `TempUser` model ("How to use DB views?").

use dorm::migrations::{Migration, Operation};

/// The migration.
pub const MIGRATION: Migration = Migration {
    app_label: "scrapbook",
    name: "0002_temp_user_view",
    dependencies: &[("scrapbook", "0001_initial")],
    operations: &[Operation::RunSql {
        sql: "CREATE VIEW temp_user AS SELECT id, first_name FROM scrapbook_user WHERE is_active = TRUE AND is_staff = FALSE",
        reverse_sql: Some("DROP VIEW temp_user"),
    }],
    replaces: &[],
};
