//! dorm's behaviour tests. Every test runs on SQLite, and on PostgreSQL when
//! `DORM_TEST_POSTGRES_URL` is set, each on a fresh database (see `common`).

mod aggregation;
mod common;

mod crud;
mod db;
mod deletion;
mod errors;
mod exactness;
mod expressions;
mod f_updates;
mod functions;
mod inspectdb;
mod joined_aggregates;
mod loading;
mod lookups;
mod many_to_many;
mod migrate;
mod migrate_schema;
mod migration_operations;
mod migrations;
mod queryset;
mod relations;
mod reliability;
mod subqueries;
mod transactions;
