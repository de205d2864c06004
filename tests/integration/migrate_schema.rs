//! migrate_schema tests.
