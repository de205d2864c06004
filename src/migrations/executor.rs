//! Applying and unapplying migrations (Django's `MigrationExecutor` and `MigrationRecorder`).
//!
//! The ledger is diesel's own table, `__diesel_schema_migrations` (one row per applied
//! version, `app.name`), so diesel's `MigrationHarness` sees what dorm applied and the other
//! way round; [`diesel_source`] hands dorm's migrations to diesel's harness as a
//! `MigrationSource`. Beside it, `__dorm_migration_checksums` keeps each applied migration's
//! checksum, so a migration edited after it was applied is reported.
//!
//! Each migration runs in one transaction together with its ledger row (PostgreSQL and SQLite
//! both have transactional DDL): one that fails halfway leaves schema, data and ledger as they
//! were. Concurrent migrators serialize: PostgreSQL takes an advisory lock for the whole run,
//! SQLite runs each migration in an exclusive transaction; in both the plan is computed again
//! after the lock is taken, so each migration is applied exactly once. On SQLite foreign key
//! enforcement is off while a migration rebuilds tables and `PRAGMA foreign_key_check` runs
//! before it commits.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use diesel::backend::Backend as DieselBackend;
use diesel::connection::BoxableConnection;
use diesel::migration::{MigrationMetadata, MigrationName, MigrationSource, MigrationVersion};
use diesel::RunQueryDsl;
use diesel_migrations::MigrationHarness;

use super::graph::MigrationGraph;
use super::{Migration, Operation, ProjectState};
use crate::db::{Backend, Executor, Vendor};
use crate::error::{Error, Result};
use crate::model::ModelMeta;

/// The ledger table diesel_migrations keeps.
pub const LEDGER_TABLE: &str = "__diesel_schema_migrations";
/// dorm's checksum table, beside diesel's ledger.
pub const CHECKSUM_TABLE: &str = "__dorm_migration_checksums";
/// The PostgreSQL advisory lock key concurrent migrators share ("dorm" in ASCII).
const ADVISORY_LOCK_KEY: i64 = 0x646f_726d;

pub(crate) fn migration_error(version: impl Into<String>, err: impl std::fmt::Display) -> Error {
    Error::Migration {
        migration: version.into(),
        message: err.to_string(),
    }
}

/// What `migrate` is asked to do (the flags of Django's `migrate`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Only this app (and what its migrations depend on).
    pub app_label: Option<String>,
    /// Migrate `app_label` to this migration (a name or a unique prefix such as `0010`),
    /// unapplying what comes after it; `zero` unapplies every migration of the app.
    pub target: Option<String>,
    /// Record the migrations as applied (or unapplied) without running them.
    pub fake: bool,
    /// Record an initial migration as applied without running it when every table it creates
    /// already exists.
    pub fake_initial: bool,
}

/// Which way a migration goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Apply it.
    Forwards,
    /// Unapply it.
    Backwards,
}

/// One migration of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    /// `app.name`.
    pub version: String,
    /// Apply or unapply.
    pub direction: Direction,
    /// Its operations' descriptions.
    pub operations: Vec<String>,
}

/// What a migration run reports as it goes (the progress lines of Django's `migrate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationEvent {
    /// About to apply or unapply a migration.
    Started {
        /// `app.name`.
        version: String,
        /// Apply or unapply.
        direction: Direction,
        /// Only recorded (`--fake`, `--fake-initial`).
        fake: bool,
    },
    /// Done with it.
    Finished {
        /// `app.name`.
        version: String,
        /// How long it took.
        elapsed: Duration,
    },
    /// An applied migration whose operations changed since (its checksum differs).
    Edited {
        /// `app.name`.
        version: String,
    },
}

/// What a migration run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateReport {
    /// Applied, in order.
    pub applied: Vec<String>,
    /// Unapplied, in order.
    pub unapplied: Vec<String>,
    /// Recorded (or unrecorded) without running.
    pub faked: Vec<String>,
    /// Applied migrations edited since they were applied.
    pub edited: Vec<String>,
}

/// The state of one migration (a line of Django's `showmigrations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// `app.name`.
    pub version: String,
    /// Recorded as applied.
    pub applied: bool,
    /// For a squashed migration, the versions it replaces.
    pub replaces: Vec<String>,
    /// Applied, and edited since.
    pub edited: bool,
}

/// Applies every migration in `migrations` the database has not recorded yet, in dependency
/// order, each in its own transaction (a failed one leaves the database as it was before it
/// and returns [`Error::Migration`]). Returns the versions applied (`app.0001_initial`).
pub fn migrate<C: Executor + ?Sized>(
    migrations: &[Migration],
    conn: &mut C,
) -> Result<Vec<String>> {
    Ok(migrate_with(migrations, &MigrateOptions::default(), &mut |_| {}, conn)?.applied)
}

/// Migrates as `options` say (to the latest, to a target, faked), reporting each step to
/// `progress`. Takes the migration lock first, and plans again after taking it.
pub fn migrate_with<C: Executor + ?Sized>(
    migrations: &[Migration],
    options: &MigrateOptions,
    progress: &mut dyn FnMut(&MigrationEvent),
    conn: &mut C,
) -> Result<MigrateReport> {
    let mut report = MigrateReport::default();
    let vendor = conn.vendor();
    if vendor == Vendor::Postgres {
        batch(
            conn,
            &format!("SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})"),
        )?;
    }
    // The ledger is created under the lock: two migrators creating it at once would collide.
    let result = ensure_ledger(conn)
        .and_then(|()| run_locked(conn, migrations, options, progress, &mut report));
    if !report.applied.is_empty() || !report.unapplied.is_empty() {
        // Statements prepared before the change may no longer fit the tables: this
        // connection forgets its own now, pooled ones at their next checkout.
        crate::db::schema_changed();
        if let Err(e) = crate::db::reset_statement_cache(conn) {
            tracing::warn!(target: "dorm::migrations", error = %e, "could not clear prepared statements after migrating");
        }
    }
    if vendor == Vendor::Postgres {
        let unlocked = batch(
            conn,
            &format!("SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})"),
        );
        result?;
        unlocked?;
    } else {
        result?;
    }
    Ok(report)
}

fn run_locked<C: Executor + ?Sized>(
    conn: &mut C,
    migrations: &[Migration],
    options: &MigrateOptions,
    progress: &mut dyn FnMut(&MigrationEvent),
    report: &mut MigrateReport,
) -> Result<()> {
    let applied = applied_set(conn)?;
    for version in edited_migrations(conn, migrations, &applied)? {
        tracing::warn!(target: "dorm::migrations", "{version} was edited after it was applied");
        progress(&MigrationEvent::Edited {
            version: version.clone(),
        });
        report.edited.push(version);
    }
    loop {
        let sqlite = conn.vendor() == Vendor::Sqlite;
        if sqlite {
            batch(conn, "PRAGMA foreign_keys = OFF")?;
        }
        let mut current: Option<String> = None;
        let step = locked_step(conn, |conn| {
            let applied = applied_set(conn)?;
            let applied = record_squashed(conn, migrations, applied)?;
            let graph = MigrationGraph::with_applied(migrations, &applied)?;
            let plan = plan_for(&graph, &applied, options)?;
            let Some((migration, direction)) = plan.first().copied() else {
                return Ok(None);
            };
            let fake = options.fake
                || (direction == Direction::Forwards
                    && options.fake_initial
                    && is_initial_and_present(conn, migration)?);
            current = Some(migration.version());
            progress(&MigrationEvent::Started {
                version: migration.version(),
                direction,
                fake,
            });
            let started = Instant::now();
            match direction {
                Direction::Forwards => apply(conn, &graph, migration, fake, &applied)?,
                Direction::Backwards => unapply(conn, &graph, migration, fake)?,
            }
            if sqlite {
                foreign_key_check(conn, &migration.version())?;
            }
            Ok(Some((
                migration.version(),
                direction,
                fake,
                started.elapsed(),
            )))
        });
        if sqlite {
            batch(conn, "PRAGMA foreign_keys = ON")?;
        }
        // A failure at COMMIT (a deferred foreign key on PostgreSQL) is the migration's too.
        let step = step.map_err(|e| match (e, &current) {
            (e @ Error::Migration { .. }, _) | (e, None) => e,
            (e, Some(version)) => migration_error(version, e),
        });
        let Some((version, direction, fake, elapsed)) = step? else {
            return Ok(());
        };
        progress(&MigrationEvent::Finished {
            version: version.clone(),
            elapsed,
        });
        match (fake, direction) {
            (true, _) => report.faked.push(version),
            (false, Direction::Forwards) => report.applied.push(version),
            (false, Direction::Backwards) => report.unapplied.push(version),
        }
    }
}

/// Runs `f` in the transaction that serializes migrators: exclusive on SQLite (the advisory
/// lock already serializes PostgreSQL).
fn locked_step<C: Executor + ?Sized, T>(
    conn: &mut C,
    f: impl FnOnce(&mut dyn Executor) -> Result<T>,
) -> Result<T> {
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => c.exclusive_transaction(|c| f(c)),
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => {
            use diesel::Connection as _;
            c.transaction(|c| f(c))
        }
    }
}

/// Records a squashed migration as applied once every migration it replaces is (Django's
/// `check_replacements`), and returns the applied set with it.
fn record_squashed(
    conn: &mut (impl Executor + ?Sized),
    migrations: &[Migration],
    mut applied: BTreeSet<String>,
) -> Result<BTreeSet<String>> {
    for m in migrations.iter().filter(|m| !m.replaces.is_empty()) {
        let all = m
            .replaces
            .iter()
            .all(|(a, n)| applied.contains(&format!("{a}.{n}")));
        if all && !applied.contains(&m.version()) {
            record(conn, &m.version(), Some(&m.checksum()))?;
            applied.insert(m.version());
        }
    }
    Ok(applied)
}

/// The migrations `options` ask for, in order, given what is applied.
fn plan_for<'g>(
    graph: &'g MigrationGraph,
    applied: &BTreeSet<String>,
    options: &MigrateOptions,
) -> Result<Vec<(&'g Migration, Direction)>> {
    let is_applied = |m: &Migration| applied.contains(&m.version());
    let forwards = |targets: Vec<&'g Migration>| -> Result<Vec<(&'g Migration, Direction)>> {
        let mut seen = BTreeSet::new();
        let mut plan = Vec::new();
        for t in targets {
            for m in graph.forwards_plan(t)? {
                if !is_applied(m) && seen.insert(m.key()) {
                    plan.push((m, Direction::Forwards));
                }
            }
        }
        Ok(plan)
    };
    match (&options.app_label, &options.target) {
        (None, Some(_)) => Err(migration_error(
            "(plan)",
            "a target migration needs its app label",
        )),
        (None, None) => forwards(
            graph
                .apps()
                .iter()
                .flat_map(|a| graph.leaf_nodes(a))
                .collect(),
        ),
        (Some(app), None) => {
            let leaves = graph.leaf_nodes(app);
            if leaves.is_empty() {
                return Err(migration_error(
                    "(plan)",
                    format!("App '{app}' does not have migrations."),
                ));
            }
            forwards(leaves)
        }
        (Some(app), Some(target)) => {
            // Unapply: everything applied that depends on the target's children (or on every
            // root of the app, for `zero`), newest first.
            let roots: Vec<&Migration> = if target == "zero" {
                graph.migrations().filter(|m| m.app_label == app).collect()
            } else {
                let t = graph.find(app, target)?;
                if !is_applied(t) {
                    return forwards(vec![t]);
                }
                graph
                    .migrations()
                    .filter(|m| {
                        m.app_label == app
                            && m.key() != t.key()
                            && graph.ancestors(m.key()).contains(&t.key())
                    })
                    .collect()
            };
            let mut doomed = BTreeSet::new();
            for r in roots {
                doomed.extend(graph.descendants(r.key()));
            }
            let order = graph.forwards_plan_all()?;
            Ok(order
                .into_iter()
                .rev()
                .filter(|m| doomed.contains(&m.key()) && is_applied(m))
                .map(|m| (m, Direction::Backwards))
                .collect())
        }
    }
}

/// The plan `migrate_with` would run now (Django's `migrate --plan`).
pub fn plan<C: Executor + ?Sized>(
    migrations: &[Migration],
    options: &MigrateOptions,
    conn: &mut C,
) -> Result<Vec<PlanStep>> {
    ensure_ledger(conn)?;
    let applied = applied_set(conn)?;
    let graph = MigrationGraph::with_applied(migrations, &applied)?;
    Ok(plan_for(&graph, &applied, options)?
        .into_iter()
        .map(|(m, direction)| PlanStep {
            version: m.version(),
            direction,
            operations: m.operations.iter().map(Operation::describe).collect(),
        })
        .collect())
}

/// Every migration with whether it is applied (Django's `showmigrations`), in plan order.
pub fn show_migrations<C: Executor + ?Sized>(
    migrations: &[Migration],
    conn: &mut C,
) -> Result<Vec<MigrationStatus>> {
    ensure_ledger(conn)?;
    let applied = applied_set(conn)?;
    let edited: BTreeSet<String> = edited_migrations(conn, migrations, &applied)?
        .into_iter()
        .collect();
    let graph = MigrationGraph::with_applied(migrations, &applied)?;
    Ok(graph
        .forwards_plan_all()?
        .into_iter()
        .map(|m| MigrationStatus {
            version: m.version(),
            applied: applied.contains(&m.version()),
            replaces: m.replaces.iter().map(|(a, n)| format!("{a}.{n}")).collect(),
            edited: edited.contains(&m.version()),
        })
        .collect())
}

/// The state before `migration` and the state after each of its operations.
fn states<'a>(
    graph: &MigrationGraph,
    migration: &'a Migration,
) -> Result<Vec<(&'a Operation, ProjectState, ProjectState)>> {
    let mut state = graph.state_before(migration)?;
    let mut out = Vec::with_capacity(migration.operations.len());
    for op in migration.operations {
        let before = state.clone();
        op.state_forwards(migration.app_label, &mut state)
            .map_err(|e| migration_error(migration.version(), e))?;
        out.push((op, before, state.clone()));
    }
    Ok(out)
}

/// Runs `migration`'s operations forwards on `conn` (already in a transaction).
fn run_forwards(
    conn: &mut dyn Executor,
    graph: &MigrationGraph,
    migration: &Migration,
) -> Result<()> {
    let vendor = conn.vendor();
    let version = migration.version();
    for (op, before, after) in states(graph, migration)? {
        match op {
            Operation::RunRust { code, .. } => {
                code(conn).map_err(|e| migration_error(&version, e))?
            }
            _ => {
                for sql in op
                    .database_forwards(migration.app_label, vendor, &before, &after)
                    .map_err(|e| migration_error(&version, e))?
                {
                    batch(conn, &sql).map_err(|e| migration_error(&version, e))?;
                }
            }
        }
    }
    Ok(())
}

/// Runs `migration`'s operations backwards, last first.
fn run_backwards(
    conn: &mut dyn Executor,
    graph: &MigrationGraph,
    migration: &Migration,
) -> Result<()> {
    let vendor = conn.vendor();
    let version = migration.version();
    if let Some(op) = migration.operations.iter().find(|op| !op.reversible()) {
        return Err(migration_error(
            &version,
            format!(
                "Operation `{}` in {version} is not reversible",
                op.describe()
            ),
        ));
    }
    for (op, before, after) in states(graph, migration)?.into_iter().rev() {
        match op {
            Operation::RunRust {
                reverse_code: Some(code),
                ..
            } => code(conn).map_err(|e| migration_error(&version, e))?,
            _ => {
                for sql in op
                    .database_backwards(migration.app_label, vendor, &before, &after)
                    .map_err(|e| migration_error(&version, e))?
                {
                    batch(conn, &sql).map_err(|e| migration_error(&version, e))?;
                }
            }
        }
    }
    Ok(())
}

/// The versions a migration's ledger rows stand for: itself, and what it replaces.
fn recorded_versions(migration: &Migration) -> Vec<String> {
    std::iter::once(migration.version())
        .chain(migration.replaces.iter().map(|(a, n)| format!("{a}.{n}")))
        .collect()
}

/// Applies `migration` and records it (and what it replaces, unless `applied`, the ledger
/// read under the lock, has them already).
fn apply(
    conn: &mut dyn Executor,
    graph: &MigrationGraph,
    migration: &Migration,
    fake: bool,
    applied: &BTreeSet<String>,
) -> Result<()> {
    if !fake {
        run_forwards(conn, graph, migration)?;
    }
    for version in recorded_versions(migration) {
        if !applied.contains(&version) {
            record(conn, &version, Some(&migration.checksum()))?;
        }
    }
    Ok(())
}

fn unapply(
    conn: &mut dyn Executor,
    graph: &MigrationGraph,
    migration: &Migration,
    fake: bool,
) -> Result<()> {
    if !fake {
        run_backwards(conn, graph, migration)?;
    }
    for version in recorded_versions(migration) {
        record(conn, &version, None)?;
    }
    Ok(())
}

/// Whether `migration` is an initial one (no dependency inside its app) whose tables all
/// exist already (`--fake-initial`).
fn is_initial_and_present(conn: &mut dyn Executor, migration: &Migration) -> Result<bool> {
    if migration
        .dependencies
        .iter()
        .any(|(a, _)| *a == migration.app_label)
    {
        return Ok(false);
    }
    let tables: Vec<&str> = migration
        .created_models()
        .filter(|m| m.managed)
        .map(|m| m.db_table)
        .collect();
    if tables.is_empty() {
        return Ok(false);
    }
    for t in tables {
        if super::introspection::table(t, conn)?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

#[derive(diesel::QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

#[derive(diesel::QueryableByName)]
struct ChecksumRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    checksum: String,
}

/// Creates diesel's ledger (through diesel's harness, so it is exactly diesel's table) and
/// dorm's checksum table when missing.
fn ensure_ledger(conn: &mut (impl Executor + ?Sized)) -> Result<()> {
    applied_set(conn)?;
    let sql = format!(
        "CREATE TABLE IF NOT EXISTS {CHECKSUM_TABLE} (version VARCHAR(255) PRIMARY KEY NOT NULL, checksum VARCHAR(32) NOT NULL)"
    );
    batch(conn, &sql)
}

/// The versions diesel's ledger records (creating the ledger when missing).
fn applied_set(conn: &mut (impl Executor + ?Sized)) -> Result<BTreeSet<String>> {
    fn list<DB: DieselBackend, H: MigrationHarness<DB>>(h: &mut H) -> Result<BTreeSet<String>> {
        Ok(h.applied_migrations()
            .map_err(|e| migration_error("(ledger)", e))?
            .into_iter()
            .map(|v| v.to_string())
            .collect())
    }
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => list(c),
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => list(c),
    }
}

/// Records `version` as applied with its checksum (`Some`), or removes its record (`None`).
fn record(
    conn: &mut (impl Executor + ?Sized),
    version: &str,
    checksum: Option<&str>,
) -> Result<()> {
    use diesel::sql_types::Text;
    macro_rules! run {
        ($c:expr, $p1:literal, $p2:literal) => {{
            let c = $c;
            match checksum {
                Some(sum) => {
                    diesel::sql_query(format!(
                        "INSERT INTO {LEDGER_TABLE} (version) VALUES ({})",
                        $p1
                    ))
                    .bind::<Text, _>(version)
                    .execute(c)?;
                    diesel::sql_query(format!(
                        "DELETE FROM {CHECKSUM_TABLE} WHERE version = {}",
                        $p1
                    ))
                    .bind::<Text, _>(version)
                    .execute(c)?;
                    diesel::sql_query(format!(
                        "INSERT INTO {CHECKSUM_TABLE} (version, checksum) VALUES ({}, {})",
                        $p1, $p2
                    ))
                    .bind::<Text, _>(version)
                    .bind::<Text, _>(sum)
                    .execute(c)?;
                }
                None => {
                    for table in [LEDGER_TABLE, CHECKSUM_TABLE] {
                        diesel::sql_query(format!("DELETE FROM {table} WHERE version = {}", $p1))
                            .bind::<Text, _>(version)
                            .execute(c)?;
                    }
                }
            }
        }};
    }
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => run!(c, "?", "?"),
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => run!(c, "$1", "$2"),
    }
    Ok(())
}

/// Applied migrations whose recorded checksum differs from their operations' checksum now.
fn edited_migrations(
    conn: &mut (impl Executor + ?Sized),
    migrations: &[Migration],
    applied: &BTreeSet<String>,
) -> Result<Vec<String>> {
    let sql = format!("SELECT version, checksum FROM {CHECKSUM_TABLE}");
    let rows: Vec<ChecksumRow> = match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => diesel::sql_query(sql).load(c)?,
    };
    Ok(migrations
        .iter()
        .filter(|m| applied.contains(&m.version()))
        .filter(|m| {
            rows.iter()
                .any(|r| r.version == m.version() && r.checksum != m.checksum())
        })
        .map(Migration::version)
        .collect())
}

/// Fails (so the migration's transaction rolls back) when a row points at a missing row:
/// SQLite checks foreign keys here, after its table rebuilds.
fn foreign_key_check(conn: &mut (impl Executor + ?Sized), version: &str) -> Result<()> {
    let rows: Vec<VersionRow> = match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => diesel::sql_query(
            "SELECT \"table\" || ' row ' || COALESCE(rowid, '?') || ' -> ' || parent AS version FROM pragma_foreign_key_check",
        )
        .load(c)?,
        #[cfg(feature = "postgres")]
        Backend::Postgres(_) => Vec::new(),
    };
    if rows.is_empty() {
        Ok(())
    } else {
        Err(migration_error(
            version,
            format!(
                "foreign key check failed: {}",
                rows.iter()
                    .map(|r| r.version.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }
}

/// The versions recorded as applied, oldest first.
pub fn applied_migrations<C: Executor + ?Sized>(conn: &mut C) -> Result<Vec<String>> {
    let sql = format!("SELECT version FROM {LEDGER_TABLE} ORDER BY run_on, version");
    applied_set(conn)?;
    let rows: Vec<VersionRow> = match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => diesel::sql_query(sql).load(c)?,
    };
    let mut v: Vec<String> = rows.into_iter().map(|r| r.version).collect();
    v.sort();
    Ok(v)
}

/// The SQL `migration` runs on `vendor`, statement by statement, with the states replayed
/// from `history` (Django's `sqlmigrate`; `backwards` for the SQL that unapplies it). Data
/// migrations show as a comment.
pub fn sqlmigrate(
    history: &[Migration],
    app_label: &str,
    name: &str,
    vendor: Vendor,
    backwards: bool,
) -> Result<Vec<String>> {
    let graph = MigrationGraph::new(history)?;
    let migration = graph.find(app_label, name)?;
    let mut steps = states(&graph, migration)?;
    if backwards {
        steps.reverse();
    }
    let mut out = Vec::new();
    for (op, before, after) in steps {
        out.push(format!("-- {}", op.describe()));
        if let Operation::RunRust { name, .. } = op {
            out.push(format!("-- (Rust function {name}: no SQL to show)"));
            continue;
        }
        let sql = if backwards {
            op.database_backwards(app_label, vendor, &before, &after)?
        } else {
            op.database_forwards(app_label, vendor, &before, &after)?
        };
        out.extend(sql);
    }
    Ok(out)
}

/// The SQL `migration` runs on `vendor` when it is the first migration (its operations'
/// states start empty). For a migration within a history, use [`sqlmigrate`].
pub fn sql_for(migration: &Migration, vendor: Vendor) -> Result<Vec<String>> {
    let mut state = ProjectState::new();
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
pub fn create_tables<C: Executor>(models: &[ModelMeta], conn: &mut C) -> Result<()> {
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

fn batch(conn: &mut (impl Executor + ?Sized), sql: &str) -> Result<()> {
    use diesel::connection::SimpleConnection;
    match conn.backend() {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite(c) => c.batch_execute(sql)?,
        #[cfg(feature = "postgres")]
        Backend::Postgres(c) => c.batch_execute(sql)?,
    }
    Ok(())
}

// diesel's harness view of dorm's migrations.

/// One dorm migration as diesel's harness sees it.
struct Step {
    migration: Migration,
    history: Vec<Migration>,
    version: String,
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

/// The dorm connection behind diesel's boxed one.
fn executor<DB: DieselBackend + 'static>(
    conn: &mut dyn BoxableConnection<DB>,
) -> diesel::migration::Result<&mut dyn Executor> {
    let unsupported = || -> Box<dyn std::error::Error + Send + Sync> {
        "dorm migrations run on SQLite and PostgreSQL connections".into()
    };
    let any = conn.as_any_mut();
    #[cfg(feature = "sqlite")]
    if any.is::<diesel::SqliteConnection>() {
        return any
            .downcast_mut::<diesel::SqliteConnection>()
            .map(|c| c as &mut dyn Executor)
            .ok_or_else(unsupported);
    }
    #[cfg(feature = "postgres")]
    if any.is::<diesel::PgConnection>() {
        return any
            .downcast_mut::<diesel::PgConnection>()
            .map(|c| c as &mut dyn Executor)
            .ok_or_else(unsupported);
    }
    Err(unsupported())
}

impl<DB: DieselBackend + 'static> diesel::migration::Migration<DB> for Step {
    fn run(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        let graph = MigrationGraph::new(&self.history)?;
        run_forwards(executor(conn)?, &graph, &self.migration)?;
        Ok(())
    }

    fn revert(&self, conn: &mut dyn BoxableConnection<DB>) -> diesel::migration::Result<()> {
        let graph = MigrationGraph::new(&self.history)?;
        run_backwards(executor(conn)?, &graph, &self.migration)?;
        Ok(())
    }

    fn metadata(&self) -> &dyn MigrationMetadata {
        self
    }

    fn name(&self) -> &dyn MigrationName {
        self
    }
}

/// dorm's migrations as a diesel `MigrationSource`, for diesel's `MigrationHarness`
/// (`conn.run_pending_migrations(dorm::migrations::diesel_source(MIGRATIONS))`). It shares
/// the ledger with [`migrate`]; dorm's own runner adds the lock and the checksums.
pub fn diesel_source<DB: DieselBackend + 'static>(
    migrations: &[Migration],
) -> impl MigrationSource<DB> + '_ {
    DieselSource { migrations }
}

struct DieselSource<'a> {
    migrations: &'a [Migration],
}

impl<DB: DieselBackend + 'static> MigrationSource<DB> for DieselSource<'_> {
    fn migrations(
        &self,
    ) -> diesel::migration::Result<Vec<Box<dyn diesel::migration::Migration<DB>>>> {
        let graph = MigrationGraph::new(self.migrations)?;
        Ok(graph
            .forwards_plan_all()?
            .into_iter()
            .map(|m| {
                Box::new(Step {
                    migration: *m,
                    history: self.migrations.to_vec(),
                    version: m.version(),
                }) as Box<dyn diesel::migration::Migration<DB>>
            })
            .collect())
    }
}
