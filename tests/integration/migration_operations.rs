//! migration_operations tests.
