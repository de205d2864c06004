//! The migrations in `migrations/` describe exactly the models (Django's
//! `makemigrations --check`): when a model changes, this test fails and prints the
//! operations of the migration to write (`cargo run -p scrapbook -- makemigrations`).

use dorm::migrations::autodetector::{self, NonInteractiveQuestioner};
use dorm::migrations::{writer, Operation, ProjectState};

#[test]
fn migrations_match_models() {
    let replayed = ProjectState::from_migrations(scrapbook::migrations::MIGRATIONS).unwrap();
    let models = ProjectState::from_models(scrapbook::models::ALL);
    let mut questioner = NonInteractiveQuestioner::new();
    let ops = autodetector::changes(&replayed, &models, "scrapbook", &mut questioner)
        .unwrap_or_else(|e| panic!("the models and migrations/ differ: {e}"));
    if !ops.is_empty() {
        let source: Vec<String> = ops
            .iter()
            .map(|op| writer::operation_source(op, "scrapbook"))
            .collect();
        panic!(
            "the models and migrations/ differ; run `cargo run -p scrapbook -- makemigrations`. Missing:\n{}\n\n{}",
            ops.iter().map(Operation::describe).collect::<Vec<_>>().join("\n"),
            source.join(",\n")
        );
    }
}

#[test]
fn the_initial_migration_is_what_the_writer_writes() {
    // The writer's output for the first migration is the file in migrations/, byte for byte
    // once formatted: the writer keeps writing readable, reviewable files.
    let initial = scrapbook::migrations::MIGRATIONS[0];
    let written = writer::format_source(&writer::migration_source_in(&initial, "scrapbook"));
    let on_disk = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/0001_initial.rs"
    ))
    .unwrap();
    if which_rustfmt() {
        assert_eq!(written, on_disk);
    } else {
        assert!(written.contains("Operation::CreateModel(VENUE)"));
    }
}

fn which_rustfmt() -> bool {
    std::process::Command::new("rustfmt")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
