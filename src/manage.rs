//! The manage command line (Django's `manage.py`) for one app: `makemigrations`, `migrate`,
//! `showmigrations`, `sqlmigrate`, `squashmigrations` and `inspectdb`. An app's binary hands
//! its models and migrations to [`main`] and gets the whole CLI, with `--help` on every
//! command (feature `manage`).
//!
//! ```no_run
//! use dorm::manage::App;
//! # const MODELS: &[dorm::model::ModelMeta] = &[];
//! # const MIGRATIONS: &[dorm::migrations::Migration] = &[];
//! static APP: App = App {
//!     label: "news",
//!     crate_name: env!("CARGO_CRATE_NAME"),
//!     models: MODELS,
//!     migrations: MIGRATIONS,
//!     migrations_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/src/migrations"),
//!     default_database_url: "sqlite://news.sqlite3",
//! };
//! fn main() -> std::process::ExitCode {
//!     dorm::manage::main(&APP)
//! }
//! ```
//!
//! Migration files are Rust: `makemigrations` writes `NNNN_name.rs` into `migrations_dir`
//! and rewrites its `mod.rs`; rebuild the binary to run them. Output is coloured on a
//! terminal (`--no-color` or `NO_COLOR` turn it off); questions (renames, one-off defaults)
//! are asked on a terminal and decided by flags otherwise.

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::migrations::state::{leak, leak_slice};
use crate::migrations::{
    self, autodetector, inspectdb, optimizer, writer, Direction, MigrateOptions, Migration,
    MigrationEvent, MigrationGraph, Operation, ProjectState,
};
use crate::model::ModelMeta;

/// One app, as the CLI needs it.
#[derive(Debug, Clone, Copy)]
pub struct App {
    /// The app label (`"scrapbook"`).
    pub label: &'static str,
    /// The crate the migration files are compiled in (`env!("CARGO_CRATE_NAME")`).
    pub crate_name: &'static str,
    /// The models' metadata (the state `makemigrations` writes migrations for).
    pub models: &'static [ModelMeta],
    /// The migrations compiled in.
    pub migrations: &'static [Migration],
    /// The folder of the migration files (written by `makemigrations`).
    pub migrations_dir: &'static str,
    /// The database when neither `--database` nor `DATABASE_URL` says.
    pub default_database_url: &'static str,
}

#[derive(Parser, Debug)]
#[command(
    about = "Django's manage.py for a dorm app: migrations and database tools",
    disable_help_subcommand = true
)]
struct Cli {
    /// The database URL (default: DATABASE_URL, then the app's default).
    #[arg(long, global = true)]
    database: Option<String>,
    /// Plain output, no colours.
    #[arg(long, global = true)]
    no_color: bool,
    /// Never ask; decide questions by flags.
    #[arg(long, visible_alias = "no-input", global = true)]
    noinput: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Writes new migrations for the changes between the models and migrations/.
    Makemigrations {
        /// The app (only one here; accepted for Django's syntax).
        app: Option<String>,
        /// The migration's name (default: from its operations).
        #[arg(long, short)]
        name: Option<String>,
        /// Writes an empty data migration (a Rust function over frozen models).
        #[arg(long)]
        empty: bool,
        /// Writes a merge migration joining parallel branches.
        #[arg(long)]
        merge: bool,
        /// Exits non-zero when migrations are missing, writing nothing (for CI).
        #[arg(long)]
        check: bool,
        /// Prints what would be written without writing it.
        #[arg(long)]
        dry_run: bool,
        /// Treats model OLD as renamed to NEW (answers the rename question): OLD=NEW.
        #[arg(long = "rename-model", value_name = "OLD=NEW")]
        rename_models: Vec<String>,
        /// Treats field Model.old as renamed to new: Model.old=new.
        #[arg(long = "rename-field", value_name = "MODEL.OLD=NEW")]
        rename_fields: Vec<String>,
        /// A one-off default for existing rows when a NOT NULL field is added or altered:
        /// Model.field=LITERAL (a Rust literal: "text", 0, true).
        #[arg(long = "default", value_name = "MODEL.FIELD=LITERAL")]
        defaults: Vec<String>,
    },
    /// Applies migrations, or unapplies them back to a target.
    Migrate {
        /// Only this app.
        app: Option<String>,
        /// A migration name or prefix (`0010`), or `zero`.
        target: Option<String>,
        /// Records the migrations as applied or unapplied without running them.
        #[arg(long)]
        fake: bool,
        /// Records an initial migration as applied when its tables already exist.
        #[arg(long)]
        fake_initial: bool,
        /// Shows the plan and does nothing.
        #[arg(long)]
        plan: bool,
    },
    /// Lists the migrations and whether each is applied.
    Showmigrations {
        /// Only this app.
        app: Option<String>,
    },
    /// Prints the SQL of a migration for the database's backend.
    Sqlmigrate {
        /// The app.
        app: String,
        /// The migration's name or prefix.
        name: String,
        /// The SQL that unapplies it.
        #[arg(long)]
        backwards: bool,
    },
    /// Squashes a range of migrations into one that replaces them.
    Squashmigrations {
        /// The app.
        app: String,
        /// The first migration (default: the app's first).
        start: String,
        /// The last migration; with one name, the range starts at the beginning.
        end: Option<String>,
        /// The squashed migration's name.
        #[arg(long)]
        squashed_name: Option<String>,
        /// Keeps the operations as they are, unoptimized.
        #[arg(long)]
        no_optimize: bool,
    },
    /// Prints model source for the tables and views of the database.
    Inspectdb {
        /// Only these tables.
        tables: Vec<String>,
    },
}

/// Where the CLI reads and writes; [`main`] uses the process's terminal.
pub struct Io<'a> {
    /// Output.
    pub out: &'a mut dyn Write,
    /// Answers to questions.
    pub input: &'a mut dyn BufRead,
    /// Whether questions may be asked.
    pub interactive: bool,
    /// Whether output is coloured.
    pub color: bool,
}

/// Runs the command line of `app` with the process's arguments; the exit code reports
/// failure (and `makemigrations --check` finding changes).
pub fn main(app: &App) -> ExitCode {
    let stdout = std::io::stdout();
    let stdin = std::io::stdin();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let interactive = stdin.is_terminal();
    let mut out = stdout.lock();
    let mut input = stdin.lock();
    let mut io = Io {
        out: &mut out,
        input: &mut input,
        interactive,
        color,
    };
    match run(app, std::env::args_os(), &mut io) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = out.flush();
            eprintln!("CommandError: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command (`args[0]` is the program name) and returns its exit code. `--help`
/// and argument errors print clap's text and return 0 or 2.
pub fn run<I, T>(app: &App, args: I, io: &mut Io<'_>) -> Result<u8>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            write(io, &e.render().to_string())?;
            return Ok(code);
        }
    };
    if cli.no_color {
        io.color = false;
    }
    if cli.noinput {
        io.interactive = false;
    }
    let url = cli
        .database
        .clone()
        .unwrap_or_else(|| crate::db::database_url_or(app.default_database_url));
    match cli.command {
        Command::Makemigrations {
            app: label,
            name,
            empty,
            merge,
            check,
            dry_run,
            rename_models,
            rename_fields,
            defaults,
        } => {
            check_label(app, label.as_deref())?;
            let answers = Answers::parse(&rename_models, &rename_fields, &defaults)?;
            makemigrations(
                app,
                io,
                MakeOptions {
                    name,
                    empty,
                    merge,
                    check,
                    dry_run,
                    answers,
                },
            )
        }
        Command::Migrate {
            app: label,
            target,
            fake,
            fake_initial,
            plan,
        } => {
            check_label(app, label.as_deref())?;
            let options = MigrateOptions {
                app_label: label.or(target.as_ref().map(|_| app.label.to_string())),
                target,
                fake,
                fake_initial,
            };
            let mut conn = crate::connect(&url)?;
            migrate(app, &mut conn, io, &options, plan)
        }
        Command::Showmigrations { app: label } => {
            check_label(app, label.as_deref())?;
            let mut conn = crate::connect(&url)?;
            showmigrations(app, &mut conn, io)
        }
        Command::Sqlmigrate {
            app: label,
            name,
            backwards,
        } => {
            check_label(app, Some(&label))?;
            let vendor = crate::connect(&url)?.vendor();
            let sql = migrations::sqlmigrate(app.migrations, app.label, &name, vendor, backwards)?;
            let mut text = String::from("BEGIN;\n");
            for s in sql {
                text.push_str(&s);
                if !s.starts_with("--") {
                    text.push(';');
                }
                text.push('\n');
            }
            text.push_str("COMMIT;\n");
            write(io, &text)?;
            Ok(0)
        }
        Command::Squashmigrations {
            app: label,
            start,
            end,
            squashed_name,
            no_optimize,
        } => {
            check_label(app, Some(&label))?;
            let (start, end) = match end {
                Some(end) => (Some(start), end),
                None => (None, start),
            };
            squashmigrations(app, io, start.as_deref(), &end, squashed_name, !no_optimize)
        }
        Command::Inspectdb { tables } => {
            let mut conn = crate::connect(&url)?;
            let tables: Vec<&str> = tables.iter().map(String::as_str).collect();
            let source =
                inspectdb::inspectdb_source_for(app.label, app.crate_name, &tables, &mut conn)?;
            write(io, &source)?;
            Ok(0)
        }
    }
}

fn check_label(app: &App, label: Option<&str>) -> Result<()> {
    match label {
        Some(l) if l != app.label => Err(Error::Migration {
            migration: "(manage)".into(),
            message: format!("No installed app with label '{l}'."),
        }),
        _ => Ok(()),
    }
}

fn write(io: &mut Io<'_>, text: &str) -> Result<()> {
    io.out.write_all(text.as_bytes()).map_err(io_error)?;
    io.out.flush().map_err(io_error)
}

fn io_error(e: std::io::Error) -> Error {
    Error::Migration {
        migration: "(manage)".into(),
        message: e.to_string(),
    }
}

/// Django's colours: headings bold cyan, success green, notices yellow.
#[derive(Clone, Copy)]
enum Style {
    Heading,
    Success,
    Notice,
    Error,
}

fn paint(color: bool, style: Style, text: &str) -> String {
    if !color {
        return text.to_string();
    }
    let code = match style {
        Style::Heading => "1;36",
        Style::Success => "32",
        Style::Notice => "33",
        Style::Error => "31",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn migrate(
    app: &App,
    conn: &mut crate::Connection,
    io: &mut Io<'_>,
    options: &MigrateOptions,
    plan_only: bool,
) -> Result<u8> {
    if plan_only {
        let plan = migrations::plan(app.migrations, options, conn)?;
        let mut text = paint(io.color, Style::Heading, "Planned operations:") + "\n";
        if plan.is_empty() {
            text.push_str("  No planned migration operations.\n");
        }
        for step in plan {
            let (verb, mark) = match step.direction {
                Direction::Forwards => ("", "    "),
                Direction::Backwards => ("Undo ", "    Undo "),
            };
            text.push_str(&format!("{verb}{}\n", step.version));
            for op in step.operations {
                text.push_str(&format!("{mark}{op}\n"));
            }
        }
        write(io, &text)?;
        return Ok(0);
    }
    let heading = paint(io.color, Style::Heading, "Operations to perform:");
    let what = match (&options.app_label, &options.target) {
        (Some(a), Some(t)) if t == "zero" => format!("  Unapply all migrations: {a}"),
        (Some(a), Some(t)) => format!("  Target specific migration: {t}, from {a}"),
        (Some(a), None) => format!("  Apply all migrations: {a}"),
        (None, _) => format!("  Apply all migrations: {}", app.label),
    };
    write(
        io,
        &format!(
            "{heading}\n{what}\n{}\n",
            paint(io.color, Style::Heading, "Running migrations:")
        ),
    )?;
    let color = io.color;
    let mut anything = false;
    let result = {
        let out = &mut *io.out;
        migrations::migrate_with(
            app.migrations,
            options,
            &mut |event| {
                let line = match event {
                    MigrationEvent::Started {
                        version,
                        direction,
                        fake,
                    } => {
                        anything = true;
                        let verb = match direction {
                            Direction::Forwards => "Applying",
                            Direction::Backwards => "Unapplying",
                        };
                        let fake = if *fake { " (fake)" } else { "" };
                        format!("  {verb} {version}{fake}...")
                    }
                    MigrationEvent::Finished { elapsed, .. } => {
                        let ok = paint(color, Style::Success, " OK");
                        format!("{ok} ({} ms)\n", elapsed.as_millis())
                    }
                    MigrationEvent::Edited { version } => {
                        let text = format!(
                        "  Warning: {version} was edited after it was applied; its changes are not in the database. Write a new migration instead."
                    );
                        paint(color, Style::Notice, &text) + "\n"
                    }
                };
                let _ = out.write_all(line.as_bytes());
                let _ = out.flush();
            },
            conn,
        )
    };
    match result {
        Ok(_) => {
            if !anything {
                write(io, "  No migrations to apply.\n")?;
            }
            // Django's system checks: a model that would misread its table fails here.
            migrations::check_models(app.models, conn)?;
            Ok(0)
        }
        Err(e) => {
            let text = paint(io.color, Style::Error, " FAILED");
            write(io, &format!("{text}\n"))?;
            Err(e)
        }
    }
}

fn showmigrations(app: &App, conn: &mut crate::Connection, io: &mut Io<'_>) -> Result<u8> {
    let status = migrations::show_migrations(app.migrations, conn)?;
    let mut text = paint(io.color, Style::Heading, app.label) + "\n";
    if status.is_empty() {
        text.push_str(" (no migrations)\n");
    }
    for s in status {
        let mark = if s.applied { "[X]" } else { "[ ]" };
        let name = s
            .version
            .split_once('.')
            .map(|(_, n)| n.to_string())
            .unwrap_or(s.version.clone());
        let mut line = format!(" {mark} {name}");
        if !s.replaces.is_empty() {
            let names: Vec<&str> = s
                .replaces
                .iter()
                .map(|v| v.split_once('.').map_or(v.as_str(), |(_, n)| n))
                .collect();
            line.push_str(&format!(
                " ({} squashed migrations: {})",
                names.len(),
                names.join(", ")
            ));
        }
        if s.edited {
            line.push_str(&paint(
                io.color,
                Style::Notice,
                " (edited after it was applied)",
            ));
        }
        text.push_str(&line);
        text.push('\n');
    }
    write(io, &text)?;
    Ok(0)
}

/// Decisions given on the command line (the answers to the questions makemigrations asks).
#[derive(Debug, Default, Clone)]
struct Answers {
    rename_models: Vec<(String, String)>,
    rename_fields: Vec<(String, String, String)>,
    defaults: Vec<(String, String, String)>,
}

impl Answers {
    fn parse(models: &[String], fields: &[String], defaults: &[String]) -> Result<Self> {
        let bad = |what: &str, v: &str| Error::Migration {
            migration: "(manage)".into(),
            message: format!("cannot read {what} `{v}`"),
        };
        let mut a = Answers::default();
        for v in models {
            let (old, new) = v.split_once('=').ok_or_else(|| bad("--rename-model", v))?;
            a.rename_models.push((old.into(), new.into()));
        }
        for v in fields {
            let (lhs, new) = v.split_once('=').ok_or_else(|| bad("--rename-field", v))?;
            let (model, old) = lhs
                .split_once('.')
                .ok_or_else(|| bad("--rename-field", v))?;
            a.rename_fields.push((model.into(), old.into(), new.into()));
        }
        for v in defaults {
            let (lhs, lit) = v.split_once('=').ok_or_else(|| bad("--default", v))?;
            let (model, field) = lhs.split_once('.').ok_or_else(|| bad("--default", v))?;
            a.defaults.push((model.into(), field.into(), lit.into()));
        }
        Ok(a)
    }
}

struct MakeOptions {
    name: Option<String>,
    empty: bool,
    merge: bool,
    check: bool,
    dry_run: bool,
    answers: Answers,
}

/// The next migration number of the app (`0004`), after its highest.
fn next_number(app: &App) -> u32 {
    app.migrations
        .iter()
        .filter(|m| m.app_label == app.label)
        .filter_map(|m| m.name.get(..4)?.parse::<u32>().ok())
        .max()
        .map_or(1, |n| n + 1)
}

fn makemigrations(app: &App, io: &mut Io<'_>, opts: MakeOptions) -> Result<u8> {
    let graph = MigrationGraph::new(app.migrations)?;
    let leaves = graph.leaf_nodes(app.label);
    let number = next_number(app);
    if opts.merge {
        if leaves.len() < 2 {
            write(io, "No conflicts detected to merge.\n")?;
            return Ok(0);
        }
        let names: Vec<&str> = leaves.iter().map(|m| m.name).collect();
        let name = opts.name.clone().unwrap_or_else(|| {
            format!(
                "merge_{}",
                names
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("_")
            )
        });
        let name = format!("{number:04}_{name}");
        let leaf_keys: Vec<(&str, &str)> = leaves.iter().map(|m| m.key()).collect();
        let source = writer::merge_migration_source(app.label, &name, &leaf_keys);
        let mut text = format!(
            "{}\n",
            paint(io.color, Style::Heading, &format!("Merging {}", app.label))
        );
        for leaf in &leaves {
            text.push_str(&format!("  Branch {}\n", leaf.name));
            for op in leaf.operations {
                text.push_str(&format!("    - {}\n", op.describe()));
            }
        }
        write(io, &text)?;
        return emit(app, io, &name, &source, opts.dry_run, &[]);
    }
    if leaves.len() > 1 {
        return Err(Error::Migration {
            migration: "(manage)".into(),
            message: format!(
                "Conflicting migrations detected; multiple leaf nodes in the migration graph: ({} in {}).\nTo fix them run 'makemigrations --merge'",
                leaves.iter().map(|m| m.name).collect::<Vec<_>>().join(", "),
                app.label
            ),
        });
    }
    let dependencies: Vec<(&'static str, &'static str)> = leaves.iter().map(|m| m.key()).collect();
    let from = ProjectState::from_migrations(app.migrations)?;
    if opts.empty {
        let name = format!(
            "{number:04}_{}",
            opts.name.clone().unwrap_or_else(|| "auto".into())
        );
        let frozen: Vec<migrations::ModelState> = from.app_models(app.label).cloned().collect();
        let source =
            writer::data_migration_source(app.label, &name, &dependencies, &frozen, app.crate_name);
        let text = format!(
            "{}\n",
            paint(
                io.color,
                Style::Heading,
                &format!("Migrations for '{}':", app.label)
            )
        );
        write(io, &text)?;
        return emit(app, io, &name, &source, opts.dry_run, &[]);
    }
    let to = ProjectState::from_models(app.models);
    let ops = if io.interactive {
        let mut questioner = autodetector::InteractiveQuestioner::new(&mut *io.input, &mut *io.out);
        autodetector::changes(&from, &to, app.label, &mut questioner)?
    } else {
        let mut questioner = non_interactive(&opts.answers);
        let ops = autodetector::changes(&from, &to, app.label, &mut questioner)?;
        for note in &questioner.notes {
            let text = paint(io.color, Style::Notice, note);
            write(io, &format!("{text}\n"))?;
        }
        ops
    };
    if ops.is_empty() {
        write(io, &format!("No changes detected in app '{}'\n", app.label))?;
        return Ok(0);
    }
    let name = format!(
        "{number:04}_{}",
        opts.name
            .clone()
            .unwrap_or_else(|| autodetector::suggest_name(&ops, number == 1))
    );
    let mut text = format!(
        "{}\n",
        paint(
            io.color,
            Style::Heading,
            &format!("Migrations for '{}':", app.label)
        )
    );
    text.push_str(&format!("  {}/{name}.rs\n", app.migrations_dir));
    for op in &ops {
        text.push_str(&format!("    {}\n", describe_with_sign(op)));
    }
    write(io, &text)?;
    if opts.check {
        return Ok(1);
    }
    let ops: &'static [Operation] = leak_slice(ops);
    let migration = Migration::new(app.label, leak(name.clone()), leak_slice(dependencies), ops);
    let source = writer::migration_source_in(&migration, app.crate_name);
    emit(app, io, &name, &source, opts.dry_run, &[])
}

/// `+ Add field ...`, `- Remove field ...`, `~ Alter field ...` as Django 5 prints them.
fn describe_with_sign(op: &Operation) -> String {
    let sign = match op {
        Operation::CreateModel(_)
        | Operation::AddField { .. }
        | Operation::AddManyToMany { .. }
        | Operation::AddIndex { .. }
        | Operation::AddConstraint { .. } => '+',
        Operation::DeleteModel(_)
        | Operation::RemoveField { .. }
        | Operation::RemoveManyToMany { .. }
        | Operation::RemoveIndex { .. }
        | Operation::RemoveConstraint { .. } => '-',
        _ => '~',
    };
    format!("{sign} {}", op.describe())
}

fn non_interactive(answers: &Answers) -> autodetector::NonInteractiveQuestioner {
    autodetector::NonInteractiveQuestioner {
        rename_models: answers.rename_models.clone(),
        rename_fields: answers.rename_fields.clone(),
        defaults: answers.defaults.clone(),
        ..Default::default()
    }
}

/// Writes (or, dry, prints) a migration file and rewrites `mod.rs` to list it.
fn emit(
    app: &App,
    io: &mut Io<'_>,
    name: &str,
    source: &str,
    dry_run: bool,
    remove: &[&str],
) -> Result<u8> {
    if dry_run {
        write(io, &format!("// {name}.rs\n{source}"))?;
        return Ok(0);
    }
    let dir = Path::new(app.migrations_dir);
    let path = dir.join(format!("{name}.rs"));
    std::fs::write(&path, writer::format_source(source)).map_err(io_error)?;
    let mut names = migration_files(dir)?;
    names.retain(|n| !remove.contains(&n.as_str()));
    std::fs::write(dir.join("mod.rs"), writer::mod_rs_source(&names)).map_err(io_error)?;
    write(
        io,
        &format!(
            "{}\n",
            paint(
                io.color,
                Style::Success,
                &format!("Wrote {}; rebuild to use it.", path.display())
            )
        ),
    )?;
    Ok(0)
}

/// The migration files of a folder (`NNNN_*.rs`), by name.
fn migration_files(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let file = entry.file_name().to_string_lossy().to_string();
        if let Some(stem) = file.strip_suffix(".rs") {
            if stem.len() > 5 && stem[..4].bytes().all(|b| b.is_ascii_digit()) {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

fn squashmigrations(
    app: &App,
    io: &mut Io<'_>,
    start: Option<&str>,
    end: &str,
    squashed_name: Option<String>,
    optimize: bool,
) -> Result<u8> {
    let graph = MigrationGraph::new(app.migrations)?;
    let end = graph.find(app.label, end)?;
    let start = match start {
        Some(s) => Some(graph.find(app.label, s)?),
        None => None,
    };
    let plan: Vec<&Migration> = graph
        .forwards_plan(end)?
        .into_iter()
        .filter(|m| m.app_label == app.label)
        .collect();
    let from = match start {
        Some(s) => plan
            .iter()
            .position(|m| m.key() == s.key())
            .ok_or_else(|| Error::Migration {
                migration: "(manage)".into(),
                message: format!("{} is not before {}", s.name, end.name),
            })?,
        None => 0,
    };
    let range: Vec<&Migration> = plan[from..].to_vec();
    if range.iter().any(|m| !m.replaces.is_empty()) {
        return Err(Error::Migration {
            migration: "(manage)".into(),
            message: "You cannot squash squashed migrations! Please transition it to a normal migration first".into(),
        });
    }
    let keys: BTreeSet<(&str, &str)> = range.iter().map(|m| m.key()).collect();
    let mut dependencies: Vec<(&'static str, &'static str)> = Vec::new();
    let mut ops: Vec<Operation> = Vec::new();
    let mut data: Vec<String> = Vec::new();
    let mut references: Vec<String> = Vec::new();
    for m in &range {
        for d in m.dependencies {
            if !keys.contains(d) && !dependencies.contains(d) {
                dependencies.push(*d);
            }
        }
        for (i, op) in m.operations.iter().enumerate() {
            if op.is_data() {
                data.push(format!("{} ({})", op.describe(), m.name));
            }
            if matches!(op, Operation::RunRust { .. }) {
                // The function lives in the original file: the squashed migration refers to
                // the original operation, so it keeps the same code and reverse code.
                references.push(format!("super::m{}::MIGRATION.operations[{i}]", m.name));
            }
            ops.push(*op);
        }
    }
    let before = ops.len();
    let ops = if optimize {
        optimizer::optimize(ops, app.label)
    } else {
        ops
    };
    let first = range.first().map_or("", |m| m.name);
    let name = match squashed_name {
        Some(n) => format!("{}_squashed_{n}", &first[..4.min(first.len())]),
        None => format!("{first}_squashed_{}", end.name),
    };
    let mut text = paint(
        io.color,
        Style::Heading,
        "Will squash the following migrations:",
    ) + "\n";
    for m in &range {
        text.push_str(&format!(" - {}\n", m.name));
    }
    text.push_str(&format!(
        "Optimizing...\n  Optimized from {before} operations to {} operations.\n",
        ops.len()
    ));
    if !data.is_empty() {
        text.push_str(&paint(
            io.color,
            Style::Notice,
            "Manual porting required\n  Your migrations contained data migrations, which reference functions in the\n  original migration files. Move the functions into the new file (or delete the\n  operations if they only mattered once) before you delete the old migrations:\n",
        ));
        for d in &data {
            text.push_str(&format!("    - {d}\n"));
        }
    }
    write(io, &text)?;
    let replaces: Vec<(&'static str, &'static str)> = range.iter().map(|m| m.key()).collect();
    let migration = Migration {
        app_label: app.label,
        name: leak(name.clone()),
        dependencies: leak_slice(dependencies),
        operations: leak_slice(ops),
        replaces: leak_slice(replaces),
    };
    let mut source = writer::migration_source_in(&migration, app.crate_name);
    if !references.is_empty() {
        source = source.replace(
            "// Manual porting required: the RunRust operations below name their functions; copy\n// them into this file (or refer to them by path) before using this migration.\n",
            "// The data migrations of the squashed range run from their original files\n// (`MIGRATION.operations[i]`): move their functions here before deleting those files.\n",
        );
    }
    let mut references = references.into_iter();
    for op in migration.operations {
        if matches!(op, Operation::RunRust { .. }) {
            if let Some(reference) = references.next() {
                source =
                    source.replacen(&writer::operation_source(op, app.crate_name), &reference, 1);
            }
        }
    }
    emit(app, io, &name, &source, false, &[])
}
