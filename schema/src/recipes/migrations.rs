//! The scrap book's migration recipes. They run the app's own migrations (`migrations/`) on
//! a scratch in-memory SQLite database, so rolling back, faking and squashing never touch the
//! demo database; the commands they stand for are `cargo run -p scrapbook -- <command>`.

use dorm::fields::{FieldKind, FieldMeta};
use dorm::migrations::{
    self, autodetector, inspectdb, optimizer, MigrateOptions, Migration, MigrationGraph,
    ModelState, Operation, ProjectState,
};
use dorm::prelude::*;
use dorm::relations::OnDelete;
use dorm::{Connection, Result};

use super::Book;
use crate::migrations::MIGRATIONS;
use crate::models::{Experience, Venue};

fn scratch() -> Result<Connection> {
    dorm::connect("sqlite::memory:")
}

fn to(target: Option<&str>) -> MigrateOptions {
    MigrateOptions {
        app_label: Some("scrapbook".into()),
        target: target.map(Into::into),
        ..Default::default()
    }
}

fn applied(conn: &mut Connection) -> Result<Vec<String>> {
    migrations::applied_migrations(conn)
}

pub fn run(book: &mut Book<'_>) -> Result<()> {
    book.outcome(
        "How to create a data migration? (`makemigrations`: the models against migrations/)",
        || {
            let from = ProjectState::from_migrations(MIGRATIONS)?;
            let to = ProjectState::from_models(crate::models::ALL);
            let mut never_asked = autodetector::NonInteractiveQuestioner::default();
            let ops = autodetector::changes(&from, &to, "scrapbook", &mut never_asked)?;
            Ok(if ops.is_empty() {
                "No changes detected in app 'scrapbook'".to_string()
            } else {
                ops.iter()
                    .map(Operation::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        },
    )?;

    book.outcome(
        "How to run the migrations? (`migrate`, here on a scratch database)",
        || {
            let mut scratch = scratch()?;
            let report =
                migrations::migrate_with(MIGRATIONS, &to(None), &mut |_| {}, &mut scratch)?;
            Ok(report.applied)
        },
    )?;

    book.outcome(
        "How to rollback a migration? (`migrate scrapbook 0002`, then forwards again)",
        || {
            let mut scratch = scratch()?;
            migrations::migrate(MIGRATIONS, &mut scratch)?;
            let back =
                migrations::migrate_with(MIGRATIONS, &to(Some("0002")), &mut |_| {}, &mut scratch)?;
            let after_rollback = applied(&mut scratch)?;
            let again = migrations::migrate(MIGRATIONS, &mut scratch)?;
            Ok((back.unapplied, after_rollback, again))
        },
    )?;

    book.outcome(
        "How to create a migration that updates existing records (0003: license = \"cc0\")",
        || {
            let mut scratch = scratch()?;
            migrations::migrate_with(MIGRATIONS, &to(Some("0002")), &mut |_| {}, &mut scratch)?;
            scratch.batch_execute(
                "INSERT INTO scrapbook_city (name, country) VALUES ('Amsterdam', 'nl');
                 INSERT INTO scrapbook_venue (name, city_id, started_at, license, latitude)
                 VALUES ('Paradiso', 1, '2024-01-01 20:00:00', 'none', 0)",
            )?;
            let before: Vec<String> = Venue::objects()
                .all()
                .fetch(&mut scratch)?
                .into_iter()
                .map(|v| v.license)
                .collect();
            migrations::migrate(MIGRATIONS, &mut scratch)?;
            let after: Vec<String> = Venue::objects()
                .all()
                .fetch(&mut scratch)?
                .into_iter()
                .map(|v| v.license)
                .collect();
            let experiences = Experience::objects().all().count(&mut scratch)?;
            Ok((before, after, experiences))
        },
    )?;

    book.outcome(
        "How to mark a migration as already run even if it hasn't been run? (`migrate --fake`)",
        || {
            let mut scratch = scratch()?;
            let fake = MigrateOptions {
                fake: true,
                ..to(Some("0001"))
            };
            let report = migrations::migrate_with(MIGRATIONS, &fake, &mut |_| {}, &mut scratch)?;
            let tables = dorm::migrations::introspection::introspect(&mut scratch)?.len();
            Ok((report.faked, format!("{tables} tables created")))
        },
    )?;

    book.outcome(
        "How to squash existing migrations and make maintenance simple (`squashmigrations scrapbook 0001 0044`: the optimizer)",
        || {
        // A history as it grows in practice: Venue created, then a license field added and
        // widened in two later migrations, then the data migration.
        let venue = ModelState::from(<Venue as dorm::Model>::META);
        let license = *venue.field("license").expect("Venue.license");
        let mut created = venue.clone();
        created.fields.retain(|f| f.name != "license");
        let history = vec![
            Operation::CreateModel(optimizer::model_meta(&created)),
            Operation::AddField {
                model: "Venue",
                field: FieldMeta {
                    max_length: Some(10),
                    ..license
                },
            },
            Operation::AlterField {
                model: "Venue",
                field: license,
            },
        ];
        let before = history.len();
        let squashed = optimizer::optimize(history, "scrapbook");
        Ok(format!(
            "{before} operations -> {}: {:?}",
            squashed.len(),
            squashed.iter().map(Operation::describe).collect::<Vec<_>>()
        ))
        },
    )?;

    book.outcome(
        "How to merge migrations when clashes occur due to parallel development (`makemigrations --merge`)",
        || {
        const A: Migration = Migration::new(
            "scrapbook",
            "0004_venue_capacity",
            &[("scrapbook", "0003_venue_license_cc0")],
            &[],
        );
        const B: Migration = Migration::new(
            "scrapbook",
            "0004_city_population",
            &[("scrapbook", "0003_venue_license_cc0")],
            &[],
        );
        let mut branched = MIGRATIONS.to_vec();
        branched.extend([A, B]);
        let graph = MigrationGraph::new(&branched)?;
        let leaves: Vec<&str> = graph
            .leaf_nodes("scrapbook")
            .iter()
            .map(|m| m.name)
            .collect();
        let merge = dorm::migrations::writer::merge_migration_source(
            "scrapbook",
            "0005_merge",
            &[A.key(), B.key()],
        );
        let deps = merge
            .lines()
            .find(|l| l.contains("dependencies"))
            .unwrap_or_default()
            .trim()
            .to_string();
        Ok((leaves, deps))
        },
    )?;

    book.outcome(
        "How to get around a string to foreign key migration failing with \"invalid input syntax for type bigint\"",
        || {
        // Entry.author was a CharField holding names; it becomes a ForeignKey to Author.
        let before = entry_state(FieldMeta::new("author", FieldKind::CharField).max_length(100));
        let after = entry_state(
            FieldMeta::new("author", FieldKind::ForeignKey)
                .null()
                .column("author_id")
                .foreign_key(
                    "Author",
                    "scrapbook_author",
                    "id",
                    FieldKind::BigAutoField,
                    OnDelete::Cascade,
                ),
        );
        let mut never_asked = autodetector::NonInteractiveQuestioner::default();
        let ops = autodetector::changes(&before, &after, "scrapbook", &mut never_asked)?;
        Ok(ops.iter().map(Operation::describe).collect::<Vec<_>>())
        },
    )?;

    let answer = inspected_view()?;
    book.note(
        "How to convert a legacy DB into models and migrations (`inspectdb`: the temp_user view)",
        answer,
    );
    Ok(())
}

/// A two-model state: Author, and Entry with the given `author` field.
fn entry_state(author: FieldMeta) -> ProjectState {
    let mut state = ProjectState::new();
    let id = FieldMeta::new("id", FieldKind::BigAutoField).primary_key();
    state.add_model(ModelState {
        name: "Author",
        app_label: "scrapbook",
        db_table: "scrapbook_author",
        fields: vec![
            id,
            FieldMeta::new("name", FieldKind::CharField).max_length(100),
        ],
        constraints: vec![],
        indexes: vec![],
        ordering: vec![],
        managed: true,
        verbose_name: "author",
        many_to_many: vec![],
    });
    state.add_model(ModelState {
        name: "Entry",
        app_label: "scrapbook",
        db_table: "scrapbook_entry",
        fields: vec![id, author],
        constraints: vec![],
        indexes: vec![],
        ordering: vec![],
        managed: true,
        verbose_name: "entry",
        many_to_many: vec![],
    });
    state
}

/// inspectdb on a scratch database migrated with the app's migrations: the view's model.
fn inspected_view() -> Result<String> {
    let mut scratch = scratch()?;
    migrations::migrate(MIGRATIONS, &mut scratch)?;
    let models = inspectdb::inspect("scrapbook", &mut scratch)?;
    let view = models
        .iter()
        .find(|m| m.db_table == "temp_user")
        .map(|m| dorm::migrations::model_source::model_struct_source(m, "scrapbook"))
        .unwrap_or_default();
    Ok(format!("{} models; the view:\n\n{view}", models.len()))
}
