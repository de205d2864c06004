//! Applying migrations: the pending ones, in order, each in its own transaction, recorded in
//! diesel's ledger through `diesel_migrations`' `MigrationHarness`.

use diesel::backend::Backend;
use diesel::connection::BoxableConnection;
use diesel::migration::{MigrationMetadata, MigrationName, MigrationSource, MigrationVersion};
use diesel_migrations::MigrationHarness;

use super::Migration;
use crate::db::{Executor, Vendor};
use crate::error::{Error, Result};
use crate::model::ModelMeta;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One dorm migration as diesel sees it.
struct Step {
    migration: Migration,
    version: String,
    vendor: Vendor,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.version)
    }
}

impl MigrationName for Step {
    fn version(&self) -> MigrationVersion<'_> {
        MigrationVersion::from(self.version.as_str())
    }
}

impl MigrationMetadata for Step {
    fn run_in_transaction(&self) -> bool {
        true
    }
}

fn run_sql<DB: Backend>(
    conn: &mut dyn BoxableConnection<DB>,
    statements: &[String],
) -> diesel::migration::Result<()> {
    for sql in statements {
        conn.batch_execute(sql)?;
    }
    Ok(())
}

impl<DB: Backend> diesel::migration::Migration<DB> for Step {
    fn run(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        for sql in sql_for(&self.migration, self.vendor).map_err(|e| -> BoxError { e.to_string().into() })? {
            run_sql(conn, &[sql])?;
        }
        Ok(())
    }

    fn revert(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        let _ = conn;
        Err(format!("{} cannot be reverted yet", self.version).into())
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        self
    }

    fn name(&self) -> &dyn MigrationName {
        self
    }
}

struct Source<'a> {
    migrations: &'a [Migration],
    vendor: Vendor,
}

impl<DB: Backend> MigrationSource<DB> for Source<'_> {
    fn migrations(
        &self,
    ) -> diesel::migration::Result<Vec<Box<dyn diesel::migration::Migration<DB>>>> {
        Ok(self
            .migrations
            .iter()
            .map(|m| {
                Box::new(Step {
                    migration: *m,
                    version: m.version(),
                    vendor: self.vendor,
                }) as Box<dyn diesel::migration::Migration<DB>>
            })
            .collect())
    }
}

pub(crate) fn migration_error(version: impl Into<String>, err: impl std::fmt::Display) -> Error {
    Error::Migration {
        migration: version.into(),
        message: err.to_string(),
    }
}

fn run_pending<C, DB>(conn: &mut C, source: Source<'_>) -> Result<Vec<String>>
where
    DB: Backend,
    C: MigrationHarness<DB>,
{
    let pending = conn
        .pending_migrations(source)
        .map_err(|e| migration_error("(ledger)", e))?;
    let mut applied = Vec::new();
    for step in pending {
        let version = step.name().to_string();
        tracing::info!(target: "dorm::migrations", "Applying {version}...");
        conn.run_migration(&*step)
            .map_err(|e| migration_error(version.clone(), e))?;
        applied.push(version);
    }
    Ok(applied)
}

/// Applies every migration in `migrations` that the database has not recorded yet, in order,
/// each in its own transaction (a failed one leaves the database as it was before it and
/// returns [`Error::Migration`]). Returns the versions applied (`app.0001_initial`).
pub fn migrate<C: Executor>(conn: &mut C, migrations: &[Migration]) -> Result<Vec<String>> {
    let vendor = conn.vendor();
    let source = Source { migrations, vendor };
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        crate::db::Backend::Sqlite(c) => run_pending(c, source),
        #[cfg(feature = "postgres")]
        crate::db::Backend::Postgres(c) => run_pending(c, source),
    }
}

/// The versions recorded as applied, oldest first.
pub fn applied_migrations<C: Executor>(conn: &mut C) -> Result<Vec<String>> {
    fn list<DB: Backend, H: MigrationHarness<DB>>(h: &mut H) -> Result<Vec<String>> {
        let mut v: Vec<String> = h
            .applied_migrations()
            .map_err(|e| migration_error("(ledger)", e))?
            .into_iter()
            .map(|v| v.to_string())
            .collect();
        v.sort();
        Ok(v)
    }
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        crate::db::Backend::Sqlite(c) => list(c),
        #[cfg(feature = "postgres")]
        crate::db::Backend::Postgres(c) => list(c),
    }
}

/// The SQL `migration` runs on `vendor`, statement by statement (Django's `sqlmigrate`).
pub fn sql_for(migration: &Migration, vendor: Vendor) -> Result<Vec<String>> {
    let mut state = crate::migrations::ProjectState::new();
    let mut out = Vec::new();
    for op in migration.operations {
        let before = state.clone();
        op.state_forwards(migration.app_label, &mut state)?;
        out.extend(op.database_forwards(migration.app_label, vendor, &before, &state)?);
    }
    Ok(out)
}

/// Creates the tables of `models` directly, in one transaction, without recording a migration:
/// for tests and examples that start from an empty database.
pub fn create_tables<C: Executor>(conn: &mut C, models: &[ModelMeta]) -> Result<()> {
    let vendor = conn.vendor();
    let editor = super::schema_editor::SchemaEditor::new(vendor);
    crate::db::atomic(conn, |conn| {
        for model in models.iter().filter(|m| m.managed) {
            for sql in editor.create_model(model) {
                batch(conn, &sql)?;
            }
        }
        Ok(())
    })
}

fn batch<C: Executor>(conn: &mut C, sql: &str) -> Result<()> {
    use diesel::connection::SimpleConnection;
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        crate::db::Backend::Sqlite(c) => c.batch_execute(sql)?,
        #[cfg(feature = "postgres")]
        crate::db::Backend::Postgres(c) => c.batch_execute(sql)?,
    }
    Ok(())
}
