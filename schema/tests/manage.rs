//! The manage command line (`dorm::manage`), run in-process on apps whose migration folder
//! is a temporary directory: makemigrations (`--check`, `--dry-run`, `--empty`, `--merge`,
//! renames decided by flags and answered on a terminal), migrate, showmigrations, sqlmigrate
//! and squashmigrations.

use std::path::PathBuf;

use dorm::manage::{self, App, Io};
use dorm::migrations::{noop, Migration, Operation};
use dorm::prelude::*;

/// The app's models now.
mod models {
    use dorm::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "shop")]
    pub struct Venue {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub title: String,
        #[dorm(max_length = 20, default = "cc0")]
        pub license: String,
    }
}

/// The models as the first migration wrote them: `title` was `name`, no license.
mod then {
    use dorm::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "shop")]
    pub struct Venue {
        pub id: Auto<i64>,
        #[dorm(max_length = 100)]
        pub name: String,
    }
}

fn seed(_conn: &mut dyn dorm::Executor) -> dorm::Result<()> {
    Ok(())
}

const M0001: Migration = Migration::new(
    "shop",
    "0001_initial",
    &[],
    &[Operation::CreateModel(<then::Venue as dorm::Model>::META)],
);
const M0002_DATA: Migration = Migration::new(
    "shop",
    "0002_seed",
    &[("shop", "0001_initial")],
    &[Operation::RunRust {
        name: "seed",
        code: seed,
        reverse_code: Some(noop),
    }],
);
const M0003_A: Migration = Migration::new("shop", "0003_a", &[("shop", "0002_seed")], &[]);
const M0003_B: Migration = Migration::new("shop", "0003_b", &[("shop", "0002_seed")], &[]);

const MODELS: &[dorm::model::ModelMeta] = &[<models::Venue as dorm::Model>::META];

/// A temporary migrations folder, removed afterwards.
struct Dir(PathBuf);

impl Dir {
    fn new(test: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("dorm-manage-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }
    fn path(&self) -> &'static str {
        Box::leak(self.0.display().to_string().into_boxed_str())
    }
    fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }
    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file)).unwrap()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn app(dir: &Dir, migrations: &'static [Migration]) -> App {
    App {
        label: "shop",
        crate_name: "shop",
        models: MODELS,
        migrations,
        migrations_dir: dir.path(),
        default_database_url: "sqlite::memory:",
    }
}

/// Runs one command; returns its exit code and output.
fn run(app: &App, args: &[&str], answers: Option<&str>) -> (u8, String) {
    let mut out: Vec<u8> = Vec::new();
    let mut input: &[u8] = answers.unwrap_or("").as_bytes();
    let mut io = Io {
        out: &mut out,
        input: &mut input,
        interactive: answers.is_some(),
        color: false,
    };
    let argv: Vec<&str> = std::iter::once("manage")
        .chain(args.iter().copied())
        .collect();
    let code = manage::run(app, argv, &mut io).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    (code, String::from_utf8(out).unwrap())
}

fn run_err(app: &App, args: &[&str]) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut input: &[u8] = b"";
    let mut io = Io {
        out: &mut out,
        input: &mut input,
        interactive: false,
        color: false,
    };
    let argv: Vec<&str> = std::iter::once("manage")
        .chain(args.iter().copied())
        .collect();
    match manage::run(app, argv, &mut io) {
        Ok(code) => panic!(
            "{args:?} succeeded with {code}: {}",
            String::from_utf8_lossy(&out)
        ),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_scrap_book_has_no_missing_migrations() {
    let (code, out) = run(&scrapbook::APP, &["makemigrations", "--check"], None);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("No changes detected in app 'scrapbook'"),
        "{out}"
    );
}

#[test]
fn check_and_dry_run_report_without_writing() {
    const HISTORY: &[Migration] = &[M0001, M0002_DATA];
    let dir = Dir::new("check");
    let app = app(&dir, HISTORY);
    // A new NOT NULL field without a default needs a one-off default, as in Django.
    let error = run_err(&app, &["makemigrations", "--check"]);
    assert!(
        error.contains("It is impossible to add a non-nullable field 'title' to venue"),
        "{error}"
    );
    let untitled = ["--default", "Venue.title=\"untitled\""];
    let (code, out) = run(
        &app,
        &["makemigrations", "--check", untitled[0], untitled[1]],
        None,
    );
    assert_eq!(code, 1, "missing migrations fail the check: {out}");
    // Without a rename answer, `name` -> `title` is a removal and an addition.
    assert!(out.contains("- Remove field name from venue"), "{out}");
    assert!(out.contains("+ Add field title to venue"), "{out}");
    let (code, out) = run(
        &app,
        &["makemigrations", "--dry-run", untitled[0], untitled[1]],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("Operation::AddField"), "{out}");
    assert!(out.contains("untitled"), "the one-off default: {out}");
    assert!(dir.files().is_empty(), "nothing written: {:?}", dir.files());
}

#[test]
fn makemigrations_writes_the_next_file_and_mod_rs() {
    const HISTORY: &[Migration] = &[M0001, M0002_DATA];
    let dir = Dir::new("write");
    let app = app(&dir, HISTORY);
    let (code, out) = run(
        &app,
        &[
            "makemigrations",
            "--rename-field",
            "Venue.name=title",
            "--name",
            "venue_title",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("~ Rename field name on venue to title"),
        "{out}"
    );
    let files = dir.files();
    assert_eq!(files.len(), 2, "{files:?}");
    let migration = files.iter().find(|f| f.starts_with("0003_")).unwrap();
    let source = dir.read(migration);
    assert!(source.contains("Operation::RenameField"), "{source}");
    assert!(source.contains("Operation::AddField"), "{source}");
    assert!(
        source.contains(r#"dependencies: &[("shop", "0002_seed")]"#),
        "{source}"
    );
    let module = dir.read("mod.rs");
    assert!(
        module.contains(&format!("#[path = \"{migration}\"]")),
        "{module}"
    );
}

#[test]
fn a_rename_is_asked_about_on_a_terminal() {
    const HISTORY: &[Migration] = &[M0001];
    let dir = Dir::new("ask");
    let app = app(&dir, HISTORY);
    let (code, out) = run(&app, &["makemigrations", "--dry-run"], Some("y\n"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("renamed to"), "the question: {out}");
    assert!(out.contains("Operation::RenameField"), "{out}");
    // "No": a removal and an addition, whose NOT NULL column asks for a one-off default.
    let (_, out) = run(
        &app,
        &["makemigrations", "--dry-run"],
        Some("n\n1\n\"untitled\"\n"),
    );
    assert!(
        out.contains("It is impossible to add a non-nullable field 'title'"),
        "{out}"
    );
    assert!(out.contains("Operation::RemoveField"), "{out}");
    assert!(out.contains("untitled"), "{out}");
}

#[test]
fn empty_writes_a_data_migration_over_frozen_models() {
    const HISTORY: &[Migration] = &[M0001];
    let dir = Dir::new("empty");
    let app = app(&dir, HISTORY);
    let (code, out) = run(&app, &["makemigrations", "--empty", "--name", "fill"], None);
    assert_eq!(code, 0, "{out}");
    let source = dir.read("0002_fill.rs");
    assert!(source.contains("mod frozen"), "{source}");
    // The frozen Venue is the one of the history (`name`), not the live one (`title`).
    assert!(source.contains("pub name: String"), "{source}");
    assert!(!source.contains("pub title: String"), "{source}");
    assert!(source.contains("Operation::RunRust"), "{source}");
}

#[test]
fn parallel_branches_need_a_merge_and_merge_joins_them() {
    const BRANCHED: &[Migration] = &[M0001, M0002_DATA, M0003_A, M0003_B];
    let dir = Dir::new("merge");
    let app = app(&dir, BRANCHED);
    let error = run_err(&app, &["makemigrations"]);
    assert!(error.contains("Conflicting migrations detected"), "{error}");
    assert!(error.contains("makemigrations --merge"), "{error}");
    let (code, out) = run(&app, &["makemigrations", "--merge"], None);
    assert_eq!(code, 0, "{out}");
    let merge = dir
        .files()
        .into_iter()
        .find(|f| f.starts_with("0004_merge"))
        .expect("a merge migration");
    let source = dir.read(&merge);
    assert!(
        source.contains(r#"dependencies: &[("shop", "0003_a"), ("shop", "0003_b")]"#),
        "{source}"
    );
    const LINEAR: &[Migration] = &[M0001];
    let (_, out) = run(
        &self::app(&dir, LINEAR),
        &["makemigrations", "--merge"],
        None,
    );
    assert!(out.contains("No conflicts detected to merge."), "{out}");
}

#[test]
fn squashmigrations_replaces_the_range_and_keeps_data_migrations_by_reference() {
    const ADD_LICENSE: Migration = Migration::new(
        "shop",
        "0003_venue_license",
        &[("shop", "0002_seed")],
        &[Operation::AddField {
            model: "Venue",
            field: dorm::fields::FieldMeta::new("license", dorm::fields::FieldKind::CharField)
                .max_length(20),
        }],
    );
    const HISTORY: &[Migration] = &[M0001, M0002_DATA, ADD_LICENSE];
    let dir = Dir::new("squash");
    let app = app(&dir, HISTORY);
    let (code, out) = run(&app, &["squashmigrations", "shop", "0001", "0003"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Manual porting required"), "{out}");
    let source = dir.read("0001_initial_squashed_0003_venue_license.rs");
    let replaces = &source[source.find("replaces:").expect("replaces")..];
    for original in ["0001_initial", "0002_seed", "0003_venue_license"] {
        assert!(
            replaces.contains(&format!("(\"shop\", \"{original}\")")),
            "replaces the range: {source}"
        );
    }
    assert!(
        source.contains("super::m0002_seed::MIGRATION.operations[0]"),
        "the data migration by reference: {source}"
    );
    assert!(
        source.contains("Operation::AddField") || source.contains("\"license\""),
        "{source}"
    );
}

#[test]
fn migrate_showmigrations_and_sqlmigrate_on_a_database() {
    const HISTORY: &[Migration] = &[M0001, M0002_DATA];
    let dir = Dir::new("migrate");
    let db = dir.0.join("db.sqlite3");
    let url = format!("sqlite://{}", db.display());
    let app = app(&dir, HISTORY);
    let (_, out) = run(&app, &["showmigrations", "--database", &url], None);
    assert!(out.contains(" [ ] 0001_initial"), "{out}");
    let (code, out) = run(&app, &["migrate", "--database", &url], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Applying shop.0001_initial... OK"), "{out}");
    assert!(out.contains("Applying shop.0002_seed... OK"), "{out}");
    let (_, out) = run(&app, &["showmigrations", "--database", &url], None);
    assert!(out.contains(" [X] 0002_seed"), "{out}");
    let (_, out) = run(&app, &["migrate", "shop", "0001", "--database", &url], None);
    assert!(out.contains("Unapplying shop.0002_seed... OK"), "{out}");
    let (_, out) = run(&app, &["migrate", "--plan", "--database", &url], None);
    assert!(out.contains("shop.0002_seed"), "{out}");
    let (_, out) = run(
        &app,
        &["sqlmigrate", "shop", "0001", "--database", &url],
        None,
    );
    assert!(out.contains("CREATE TABLE \"shop_venue\""), "{out}");
    let (_, out) = run(
        &app,
        &[
            "sqlmigrate",
            "shop",
            "0001",
            "--backwards",
            "--database",
            &url,
        ],
        None,
    );
    assert!(out.contains("DROP TABLE \"shop_venue\""), "{out}");
    let mut conn = dorm::connect(&url).unwrap();
    assert_eq!(then::Venue::objects().all().count(&mut conn).unwrap(), 0);
}

#[test]
fn every_command_has_help() {
    let dir = Dir::new("help");
    let app = app(&dir, &[]);
    for command in [
        "makemigrations",
        "migrate",
        "showmigrations",
        "sqlmigrate",
        "squashmigrations",
        "inspectdb",
    ] {
        let (code, out) = run(&app, &[command, "--help"], None);
        assert_eq!(code, 0);
        assert!(out.contains("Usage:"), "{command}: {out}");
    }
    let (code, _) = run(&app, &["no-such-command"], None);
    assert_eq!(code, 2);
}

#[test]
fn showmigrations_says_what_a_squashed_migration_replaces() {
    const SQUASHED: Migration = Migration {
        app_label: "shop",
        name: "0001_squashed_0002_seed",
        dependencies: &[],
        operations: &[Operation::CreateModel(<then::Venue as dorm::Model>::META)],
        replaces: &[("shop", "0001_initial"), ("shop", "0002_seed")],
    };
    const HISTORY: &[Migration] = &[M0001, M0002_DATA, SQUASHED];
    let dir = Dir::new("show_squashed");
    let url = format!("sqlite://{}", dir.0.join("db.sqlite3").display());
    let app = app(&dir, HISTORY);
    let (_, out) = run(&app, &["migrate", "--database", &url], None);
    assert!(
        out.contains("Applying shop.0001_squashed_0002_seed... OK"),
        "{out}"
    );
    let (_, out) = run(&app, &["showmigrations", "--database", &url], None);
    assert!(
        out.contains(
            " [X] 0001_squashed_0002_seed (2 squashed migrations: 0001_initial, 0002_seed)"
        ),
        "{out}"
    );
}
