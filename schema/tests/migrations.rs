//! The migrations in `migrations/` describe exactly the models (Django's
//! `makemigrations --check`): when a model changes, this test fails and prints the
//! migration file that matches the models.

use dorm::migrations::{writer, Migration, Operation};

#[test]
fn migrations_match_models() {
    let replayed: Vec<dorm::model::ModelMeta> = scrapbook::migrations::MIGRATIONS
        .iter()
        .flat_map(|m| m.created_models().copied())
        .collect();
    let models = scrapbook::models::ALL.to_vec();
    if replayed != models {
        let ops: Vec<Operation> = models.iter().map(|m| Operation::CreateModel(*m)).collect();
        let ops: &'static [Operation] = Box::leak(ops.into_boxed_slice());
        let expected = Migration {
            app_label: "scrapbook",
            name: "0001_initial",
            dependencies: &[],
            operations: ops,
            replaces: &[],
        };
        let source = writer::migration_source(&expected);
        if std::env::var_os("DORM_WRITE_MIGRATION").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/0001_initial.rs"),
                &source,
            )
            .unwrap();
        }
        panic!("the models and migrations/ differ; the initial migration for the models is:\n\n{source}");
    }
}
