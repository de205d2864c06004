//! Every migration operation, both directions, on every backend: a database migrated to a small
//! initial schema with rows, the operation applied forwards (rendered with
//! `database_forwards` from the states around it), the schema checked against a database
//! created from the state after it, the rows checked, then the operation applied backwards and
//! the introspected schema compared with the original, table by table.

use diesel::prelude::*;
use dorm::db::Vendor;
use dorm::fields::{DefaultMeta, FieldKind::*, FieldMeta};
use dorm::migrations::introspection::{self, TableInfo};
use dorm::migrations::schema_editor::{auto_join_table, SchemaEditor};
use dorm::migrations::{Operation, ProjectState};
use dorm::model::{ConstraintMeta, IndexMeta, ModelMeta};
use dorm::relations::{ManyToManyMeta, OnDelete};
use dorm::Connection;

use crate::common::{self, databases, TestDb};

const APP: &str = "ops";

const fn model(
    name: &'static str,
    db_table: &'static str,
    fields: &'static [FieldMeta],
) -> ModelMeta {
    ModelMeta {
        name,
        app_label: APP,
        db_table,
        fields,
        constraints: &[],
        indexes: &[],
        ordering: &[],
        managed: true,
        verbose_name: name,
        many_to_many: &[],
    }
}

const fn id() -> FieldMeta {
    FieldMeta::new("id", BigAutoField).primary_key()
}

/// A key to `table`.`id` named `name`, in the column `<name>_id`, indexed (as the derive
/// declares one).
const fn key(
    name: &'static str,
    column: &'static str,
    model: &'static str,
    table: &'static str,
) -> FieldMeta {
    FieldMeta::new(name, ForeignKey)
        .column(column)
        .db_index()
        .foreign_key(model, table, "id", BigAutoField, OnDelete::Cascade)
}

/// An automatic join table, as the derive declares it.
const fn join(
    name: &'static str,
    db_table: &'static str,
    fields: &'static [FieldMeta],
    unique: &'static [ConstraintMeta],
) -> ModelMeta {
    ModelMeta {
        constraints: unique,
        ..model(name, db_table, fields)
    }
}

const TAG: ModelMeta = model(
    "Tag",
    "ops_tag",
    &[
        id(),
        FieldMeta::new("label", CharField).max_length(30).unique(),
    ],
);

const AUTHOR_TAGS: ModelMeta = join(
    "Author_tags",
    "ops_author_tags",
    &[
        id(),
        key("author", "author_id", "Author", "ops_author"),
        key("tag", "tag_id", "Tag", "ops_tag"),
    ],
    &[ConstraintMeta {
        name: "ops_author_tags_author_id_tag_id_uniq",
        fields: &["author", "tag"],
    }],
);

const fn m2m(name: &'static str, to: &'static str, join: &'static ModelMeta) -> ManyToManyMeta {
    ManyToManyMeta {
        name,
        to,
        related_name: None,
        through: None,
        symmetrical: false,
        join: Some(join),
    }
}

const AUTHOR: ModelMeta = ModelMeta {
    many_to_many: &[m2m("tags", "Tag", &AUTHOR_TAGS)],
    ..model(
        "Author",
        "ops_author",
        &[
            id(),
            FieldMeta::new("name", CharField).max_length(50),
            FieldMeta::new("rating", IntegerField),
            FieldMeta::new("nickname", CharField).max_length(20).null(),
        ],
    )
};

const PUBLISHER_AUTHORS: ModelMeta = join(
    "Publisher_authors",
    "ops_publisher_authors",
    &[
        id(),
        key("publisher", "publisher_id", "Publisher", "ops_publisher"),
        key("author", "author_id", "Author", "ops_author"),
    ],
    &[ConstraintMeta {
        name: "ops_publisher_authors_publisher_id_author_id_uniq",
        fields: &["publisher", "author"],
    }],
);

const PUBLISHER: ModelMeta = ModelMeta {
    many_to_many: &[m2m("authors", "Author", &PUBLISHER_AUTHORS)],
    ..model(
        "Publisher",
        "ops_publisher",
        &[id(), FieldMeta::new("name", CharField).max_length(40)],
    )
};

const BOOK: ModelMeta = ModelMeta {
    constraints: &[ConstraintMeta {
        name: "Unique title per author",
        fields: &["title", "author"],
    }],
    indexes: &[IndexMeta {
        name: "ops_book_title_pages_idx",
        fields: &["title", "-pages"],
    }],
    ..model(
        "Book",
        "ops_book",
        &[
            id(),
            FieldMeta::new("title", CharField).max_length(100),
            key("author", "author_id", "Author", "ops_author"),
            FieldMeta::new("price", DecimalField).decimal(8, 2),
            FieldMeta::new("pages", IntegerField).null(),
            FieldMeta::new("code", CharField).max_length(20).null(),
            FieldMeta::new("publisher", ForeignKey)
                .column("publisher_id")
                .null()
                .db_index()
                .foreign_key(
                    "Publisher",
                    "ops_publisher",
                    "id",
                    BigAutoField,
                    OnDelete::SetNull,
                ),
        ],
    )
};

const INITIAL: &[Operation] = &[
    Operation::CreateModel(TAG),
    Operation::CreateModel(AUTHOR),
    Operation::CreateModel(PUBLISHER),
    Operation::CreateModel(BOOK),
];

/// Rows in every table (prices as stored: scaled integers on SQLite).
fn seed(conn: &mut Connection, vendor: Vendor) {
    let price = |v: &str| match vendor {
        Vendor::Sqlite => v.replace('.', ""),
        _ => v.to_string(),
    };
    let sql = format!(
        "INSERT INTO ops_tag (id, label) VALUES (1, 'red'), (2, 'blue');
         INSERT INTO ops_author (id, name, rating, nickname) VALUES
             (1, 'Ann', 5, NULL), (2, 'Bob', 3, 'bobby'), (3, 'Cy', 4, NULL);
         INSERT INTO ops_author_tags (author_id, tag_id) VALUES (1, 1), (1, 2), (2, 1);
         INSERT INTO ops_publisher (id, name) VALUES (1, 'Penguin'), (2, 'Faber');
         INSERT INTO ops_publisher_authors (publisher_id, author_id) VALUES (1, 1), (2, 3);
         INSERT INTO ops_book (id, title, author_id, price, pages, code, publisher_id) VALUES
             (1, 'A', 1, {}, 100, '1', NULL),
             (2, 'B', 1, {}, NULL, '', NULL),
             (3, 'C', 2, {}, 50, NULL, NULL),
             (4, 'D', 3, {}, 10, '3', NULL);",
        price("19.99"),
        price("5.00"),
        price("7.50"),
        price("0.15"),
    );
    conn.batch_execute(&sql).expect("seed rows");
}

/// Runs `statements` as a migration would: in one transaction, on SQLite with foreign key
/// enforcement off and `foreign_key_check` before the commit.
fn run(conn: &mut Connection, vendor: Vendor, statements: &[String]) -> dorm::Result<()> {
    let sqlite = vendor == Vendor::Sqlite;
    if sqlite {
        conn.batch_execute("PRAGMA foreign_keys = OFF")?;
    }
    conn.batch_execute("BEGIN")?;
    let mut result = statements
        .iter()
        .try_for_each(|sql| conn.batch_execute(sql));
    if result.is_ok() && sqlite {
        let broken = int(conn, "SELECT COUNT(*) AS n FROM pragma_foreign_key_check");
        if broken != 0 {
            result = Err(dorm::Error::Migration {
                migration: "(test)".into(),
                message: format!("{broken} rows break foreign keys"),
            });
        }
    }
    match &result {
        Ok(()) => conn.batch_execute("COMMIT")?,
        Err(_) => conn.batch_execute("ROLLBACK")?,
    }
    if sqlite {
        conn.batch_execute("PRAGMA foreign_keys = ON")?;
    }
    result
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct V {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    v: Option<String>,
}

fn int(conn: &mut Connection, sql: &str) -> i64 {
    dorm::with_backend!(conn, |c| diesel::sql_query(sql)
        .get_result::<N>(c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n)
}

/// One text column of every row (`SELECT CAST(... AS TEXT) AS v ...`).
fn texts(conn: &mut Connection, sql: &str) -> Vec<Option<String>> {
    dorm::with_backend!(conn, |c| diesel::sql_query(sql)
        .load::<V>(c)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.v)
        .collect())
}

fn column(conn: &mut Connection, table: &str, column: &str) -> Vec<Option<String>> {
    texts(
        conn,
        &format!("SELECT CAST(\"{column}\" AS TEXT) AS v FROM \"{table}\" ORDER BY id"),
    )
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values
        .iter()
        .map(|v| (*v != "NULL").then(|| v.to_string()))
        .collect()
}

fn schema(conn: &mut Connection) -> Vec<TableInfo> {
    introspection::introspect(conn).expect("introspect")
}

/// The `CHECK` constraints of every table (which `TableInfo` does not describe): PostgreSQL's
/// with their names, SQLite's as its `CREATE TABLE` text writes them.
fn checks(conn: &mut Connection, vendor: Vendor) -> Vec<String> {
    let mut out = match vendor {
        Vendor::Sqlite => {
            let mut out = Vec::new();
            let sql = "SELECT name || ': ' || sql AS v FROM sqlite_master WHERE type = 'table'";
            for text in texts(conn, sql).into_iter().flatten() {
                let (table, mut rest) = text.split_once(": ").unwrap();
                while let Some(at) = rest.find("CHECK (") {
                    let body = &rest[at..];
                    let mut depth = 0;
                    let end = body
                        .char_indices()
                        .find(|&(_, c)| {
                            depth += match c {
                                '(' => 1,
                                ')' => -1,
                                _ => 0,
                            };
                            c == ')' && depth == 0
                        })
                        .map_or(body.len(), |(i, _)| i + 1);
                    out.push(format!("{table}: {}", &body[..end]));
                    rest = &body[end..];
                }
            }
            out
        }
        _ => texts(
            conn,
            "SELECT c.relname || ': ' || con.conname || ' ' || pg_get_constraintdef(con.oid) AS v \
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
             WHERE con.contype = 'c' AND c.relnamespace = current_schema()::regnamespace",
        )
        .into_iter()
        .flatten()
        .collect(),
    };
    out.sort();
    out
}

fn table(tables: &[TableInfo], name: &str) -> TableInfo {
    tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name} in {tables:#?}"))
        .clone()
}

fn counts(conn: &mut Connection, tables: &[TableInfo]) -> Vec<(String, i64)> {
    tables
        .iter()
        .map(|t| {
            let n = int(conn, &format!("SELECT COUNT(*) AS n FROM \"{}\"", t.name));
            (t.name.clone(), n)
        })
        .collect()
}

/// A fresh, empty database of the same backend as `db`.
fn fresh(db: &TestDb, test: &str) -> TestDb {
    match db.vendor {
        Vendor::Sqlite => common::sqlite(test),
        _ => common::postgres(test).expect("postgres"),
    }
}

/// The schema a fresh database gets from `state` (each model's table and join tables, in an
/// order that creates every referenced table first).
fn schema_of(db: &TestDb, state: &ProjectState) -> (Vec<TableInfo>, Vec<String>) {
    let other = fresh(db, "fresh");
    let mut conn = other.connect();
    let editor = SchemaEditor::new(db.vendor);
    let mut pending: Vec<dorm::migrations::ModelState> = Vec::new();
    for m in state.models().filter(|m| m.managed) {
        pending.push(m.clone());
        pending.extend(
            m.many_to_many
                .iter()
                .filter_map(|j| auto_join_table(m, j, Some(state))),
        );
    }
    let mut created: Vec<&str> = Vec::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|m| {
                m.fields.iter().filter_map(|f| f.relation).all(|r| {
                    r.table == m.db_table
                        || created.contains(&r.table)
                        || !pending.iter().any(|p| p.db_table == r.table)
                })
            })
            .expect("no cycle of foreign keys");
        let m = pending.remove(ready);
        for sql in editor.create_table(&m) {
            conn.batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        created.push(m.db_table);
    }
    (schema(&mut conn), checks(&mut conn, db.vendor))
}

/// Columns compared as a set: a column dropped and added back comes back last.
fn ignoring_column_order(tables: &[TableInfo]) -> Vec<TableInfo> {
    tables
        .iter()
        .cloned()
        .map(|mut t| {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
            t
        })
        .collect()
}

/// How a round trip is checked.
#[derive(Clone, Copy)]
struct Expect {
    /// The schema after the operation equals a fresh database created from the state after
    /// it (not for raw SQL, which the state does not know).
    matches_state: bool,
    /// Columns come back where they were (not when a dropped column is added back).
    column_order: bool,
    /// The introspected schema changes on every backend (not for a `CHECK`, which it does
    /// not describe, nor for a decimal's precision on SQLite, where it is a bigint).
    changes_schema: bool,
    /// Tables whose rows the operation drops with the table (a deleted model, a removed
    /// many-to-many field's join table).
    loses_rows_of: &'static [&'static str],
}

const EXACT: Expect = Expect {
    matches_state: true,
    column_order: true,
    changes_schema: true,
    loses_rows_of: &[],
};

/// The state and the database after the initial migration, with rows.
fn initial(conn: &mut Connection, vendor: Vendor) -> ProjectState {
    let mut state = ProjectState::new();
    let mut sql = Vec::new();
    for op in INITIAL {
        let before = state.clone();
        op.state_forwards(APP, &mut state).unwrap();
        sql.extend(op.database_forwards(APP, vendor, &before, &state).unwrap());
    }
    run(conn, vendor, &sql).expect("initial migration");
    seed(conn, vendor);
    state
}

/// Applies `op` forwards and backwards on every backend; `check` sees the database in
/// between.
fn round_trip(
    test: &str,
    op: Operation,
    expect: Expect,
    mut check: impl FnMut(&mut Connection, Vendor, &[TableInfo]),
) {
    for db in databases(test) {
        let vendor = db.vendor;
        let mut conn = db.connect();
        let before = initial(&mut conn, vendor);
        let original = schema(&mut conn);
        let original_checks = checks(&mut conn, vendor);
        let rows = counts(&mut conn, &original);

        let mut after = before.clone();
        op.state_forwards(APP, &mut after).unwrap();
        let forwards = op
            .database_forwards(APP, vendor, &before, &after)
            .unwrap_or_else(|e| panic!("{}: {e}", op.describe()));
        run(&mut conn, vendor, &forwards)
            .unwrap_or_else(|e| panic!("{vendor:?} {}: {e}\n{forwards:#?}", op.describe()));
        let changed = schema(&mut conn);
        if expect.changes_schema {
            assert_ne!(
                changed, original,
                "{vendor:?}: nothing changed: {forwards:#?}"
            );
        }
        if expect.matches_state {
            let (fresh_tables, fresh_checks) = schema_of(&db, &after);
            assert_eq!(
                changed,
                fresh_tables,
                "{vendor:?} {}: the schema differs from one created from the state after it\n{forwards:#?}",
                op.describe()
            );
            assert_eq!(
                checks(&mut conn, vendor),
                fresh_checks,
                "{vendor:?} {}: check constraints\n{forwards:#?}",
                op.describe()
            );
        }
        check(&mut conn, vendor, &changed);
        for (name, n) in &rows {
            if changed.iter().any(|t| &t.name == name) && !expect.loses_rows_of.contains(&&**name) {
                let now = int(&mut conn, &format!("SELECT COUNT(*) AS n FROM \"{name}\""));
                assert_eq!(now, *n, "{vendor:?} {}: rows of {name}", op.describe());
            }
        }

        let backwards = op
            .database_backwards(APP, vendor, &before, &after)
            .unwrap_or_else(|e| panic!("{} backwards: {e}", op.describe()));
        run(&mut conn, vendor, &backwards).unwrap_or_else(|e| {
            panic!(
                "{vendor:?} {} backwards: {e}\n{backwards:#?}",
                op.describe()
            )
        });
        let restored = schema(&mut conn);
        assert_eq!(
            checks(&mut conn, vendor),
            original_checks,
            "{vendor:?} {} backwards: check constraints",
            op.describe()
        );
        if expect.column_order {
            assert_eq!(
                restored,
                original,
                "{vendor:?} {} backwards\n{backwards:#?}",
                op.describe()
            );
        } else {
            assert_eq!(
                ignoring_column_order(&restored),
                ignoring_column_order(&original),
                "{vendor:?} {} backwards\n{backwards:#?}",
                op.describe()
            );
        }
        for (name, n) in &rows {
            if !expect.loses_rows_of.contains(&&**name) {
                let now = int(&mut conn, &format!("SELECT COUNT(*) AS n FROM \"{name}\""));
                assert_eq!(
                    now,
                    *n,
                    "{vendor:?} {} backwards: rows of {name}",
                    op.describe()
                );
            }
        }
    }
}

const NOTE: ModelMeta = ModelMeta {
    constraints: &[ConstraintMeta {
        name: "ops_note_author_title_uniq",
        fields: &["author", "title"],
    }],
    indexes: &[IndexMeta {
        name: "ops_note_stars_idx",
        fields: &["-stars"],
    }],
    ..model(
        "Note",
        "ops_note",
        &[
            id(),
            FieldMeta::new("title", CharField).max_length(60).unique(),
            FieldMeta::new("stars", PositiveIntegerField),
            FieldMeta::new("data", JsonField).null(),
            key("author", "author_id", "Author", "ops_author"),
        ],
    )
};

#[test]
fn create_model() {
    round_trip(
        "op_create_model",
        Operation::CreateModel(NOTE),
        EXACT,
        |_, _, t| {
            let note = table(t, "ops_note");
            assert!(note.is_unique(&["title"]));
            assert!(note.is_unique(&["author_id", "title"]));
            assert!(note.has_index(&["-stars"]));
            assert_eq!(
                note.foreign_key("author_id").unwrap().to_table,
                "ops_author"
            );
        },
    );
}

#[test]
fn delete_model_with_its_join_table() {
    round_trip(
        "op_delete_model",
        Operation::DeleteModel("Publisher"),
        Expect {
            // The state after it still has the book's key to the deleted model (the
            // autodetector removes such a field first): no fresh database can be created from
            // it on PostgreSQL.
            matches_state: false,
            loses_rows_of: &["ops_publisher", "ops_publisher_authors"],
            ..EXACT
        },
        |_, vendor, t| {
            assert!(!t.iter().any(|t| t.name.starts_with("ops_publisher")));
            let book = table(t, "ops_book");
            // PostgreSQL's CASCADE took the foreign key; SQLite keeps it in the definition.
            assert_eq!(
                book.foreign_key("publisher_id").is_some(),
                vendor == Vendor::Sqlite
            );
        },
    );
}

#[test]
fn rename_model_renames_its_table_and_join_tables() {
    round_trip(
        "op_rename_model",
        Operation::RenameModel {
            old_name: "Author",
            new_name: "Writer",
        },
        EXACT,
        |conn, _, t| {
            assert!(!t.iter().any(|t| t.name == "ops_author"));
            let writer_tags = table(t, "ops_writer_tags");
            assert_eq!(
                writer_tags.foreign_key("writer_id").unwrap().to_table,
                "ops_writer"
            );
            let joined = table(t, "ops_publisher_authors");
            assert_eq!(
                joined.foreign_key("writer_id").unwrap().to_table,
                "ops_writer"
            );
            let book = table(t, "ops_book");
            assert_eq!(
                book.foreign_key("author_id").unwrap().to_table,
                "ops_writer"
            );
            assert_eq!(
                column(conn, "ops_writer", "name"),
                some(&["Ann", "Bob", "Cy"])
            );
            assert_eq!(
                int(
                    conn,
                    "SELECT COUNT(*) AS n FROM ops_writer_tags WHERE writer_id = 1"
                ),
                2
            );
        },
    );
}

#[test]
fn add_field_nullable_without_default() {
    round_trip(
        "op_add_nullable",
        Operation::AddField {
            model: "Author",
            field: FieldMeta::new("bio", TextField).null(),
        },
        EXACT,
        |conn, _, t| {
            assert!(table(t, "ops_author").column("bio").unwrap().null);
            assert_eq!(column(conn, "ops_author", "bio"), some(&["NULL"; 3]));
        },
    );
}

#[test]
fn add_field_not_null_with_a_literal_default_fills_existing_rows() {
    round_trip(
        "op_add_default_text",
        Operation::AddField {
            model: "Author",
            field: FieldMeta::new("country", CharField)
                .max_length(10)
                .default(DefaultMeta::Literal("\"o'k\"")),
        },
        EXACT,
        |conn, _, t| {
            let country = table(t, "ops_author").column("country").unwrap().clone();
            assert!(!country.null);
            assert_eq!(
                country.default, None,
                "the default is not kept in the schema"
            );
            assert_eq!(column(conn, "ops_author", "country"), some(&["o'k"; 3]));
        },
    );
    round_trip(
        "op_add_default_bool",
        Operation::AddField {
            model: "Author",
            field: FieldMeta::new("active", BooleanField).default(DefaultMeta::Literal("true")),
        },
        EXACT,
        |conn, _, _| {
            assert_eq!(
                int(conn, "SELECT COUNT(*) AS n FROM ops_author WHERE active"),
                3
            );
        },
    );
    round_trip(
        "op_add_default_decimal",
        Operation::AddField {
            model: "Book",
            field: FieldMeta::new("discount", DecimalField)
                .decimal(6, 2)
                .default(DefaultMeta::Literal("\"1.50\"")),
        },
        EXACT,
        |conn, vendor, _| {
            let stored = if vendor == Vendor::Sqlite {
                "150"
            } else {
                "1.50"
            };
            assert_eq!(column(conn, "ops_book", "discount"), some(&[stored; 4]));
        },
    );
}

#[test]
fn add_field_unique_and_foreign_key() {
    round_trip(
        "op_add_unique",
        Operation::AddField {
            model: "Author",
            field: FieldMeta::new("slug", SlugField)
                .max_length(50)
                .null()
                .unique(),
        },
        EXACT,
        |_, _, t| assert!(table(t, "ops_author").is_unique(&["slug"])),
    );
    round_trip(
        "op_add_fk",
        Operation::AddField {
            model: "Author",
            field: FieldMeta::new("mentor", ForeignKey)
                .column("mentor_id")
                .null()
                .db_index()
                .foreign_key(
                    "Author",
                    "ops_author",
                    "id",
                    BigAutoField,
                    OnDelete::SetNull,
                ),
        },
        EXACT,
        |conn, _, t| {
            let author = table(t, "ops_author");
            assert_eq!(
                author.foreign_key("mentor_id").unwrap().to_table,
                "ops_author"
            );
            assert!(author.index("ops_author_mentor_id_idx").is_some());
            conn.batch_execute("UPDATE ops_author SET mentor_id = 1 WHERE id = 2")
                .unwrap();
        },
    );
}

#[test]
fn add_field_with_a_callable_default_asks_for_a_one_off_default() {
    let mut before = ProjectState::new();
    for op in INITIAL {
        op.state_forwards(APP, &mut before).unwrap();
    }
    let op = Operation::AddField {
        model: "Author",
        field: FieldMeta::new("joined", DateTimeField)
            .default(DefaultMeta::Callable("chrono::Utc::now()")),
    };
    let mut after = before.clone();
    op.state_forwards(APP, &mut after).unwrap();
    for vendor in [Vendor::Sqlite, Vendor::Postgres] {
        match op.database_forwards(APP, vendor, &before, &after) {
            Err(dorm::Error::Migration { message, .. }) => {
                assert!(message.contains("one-off default"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn remove_field() {
    round_trip(
        "op_remove_last",
        Operation::RemoveField {
            model: "Author",
            name: "nickname",
        },
        EXACT,
        |_, _, t| assert!(table(t, "ops_author").column("nickname").is_none()),
    );
    // A column in an index, then a foreign key: SQLite rebuilds; added back, they come last.
    for (test, name) in [
        ("op_remove_indexed", "pages"),
        ("op_remove_fk", "publisher"),
    ] {
        round_trip(
            test,
            Operation::RemoveField {
                model: "Book",
                name,
            },
            Expect {
                column_order: false,
                ..EXACT
            },
            |conn, _, t| {
                let column_name = book_field(name).column;
                assert!(table(t, "ops_book").column(column_name).is_none());
                assert_eq!(
                    column(conn, "ops_book", "title"),
                    some(&["A", "B", "C", "D"])
                );
            },
        );
    }
}

fn author_field(name: &str) -> FieldMeta {
    *AUTHOR.field(name).unwrap()
}

fn book_field(name: &str) -> FieldMeta {
    *BOOK.field(name).unwrap()
}

#[test]
fn alter_field_max_length_rebuilds_a_referenced_table_on_sqlite() {
    round_trip(
        "op_alter_max_length",
        Operation::AlterField {
            model: "Author",
            field: author_field("name").max_length(80),
        },
        EXACT,
        |conn, vendor, t| {
            let author = table(t, "ops_author");
            assert_eq!(author.column("name").unwrap().data_type, "varchar(80)");
            // The tables pointing at the rebuilt table still do, and are enforced.
            assert_eq!(
                table(t, "ops_book")
                    .foreign_key("author_id")
                    .unwrap()
                    .to_table,
                "ops_author"
            );
            assert_eq!(
                table(t, "ops_author_tags")
                    .foreign_key("author_id")
                    .unwrap()
                    .to_table,
                "ops_author"
            );
            assert_eq!(
                column(conn, "ops_author", "name"),
                some(&["Ann", "Bob", "Cy"])
            );
            assert_eq!(
                int(
                    conn,
                    "SELECT COUNT(*) AS n FROM ops_book b JOIN ops_author a ON a.id = b.author_id"
                ),
                4
            );
            if vendor == Vendor::Sqlite {
                assert_eq!(
                    int(conn, "SELECT COUNT(*) AS n FROM pragma_foreign_key_check"),
                    0
                );
            }
            let orphan =
                "INSERT INTO ops_book (id, title, author_id, price) VALUES (9, 'X', 999, 1)";
            assert!(
                conn.batch_execute(orphan).is_err(),
                "foreign keys still enforced"
            );
        },
    );
}

#[test]
fn alter_field_null_to_not_null_fills_rows_with_the_default() {
    round_trip(
        "op_alter_not_null",
        Operation::AlterField {
            model: "Author",
            field: FieldMeta::new("nickname", CharField)
                .max_length(20)
                .default(DefaultMeta::Literal("\"anon\"")),
        },
        EXACT,
        |conn, _, t| {
            assert!(!table(t, "ops_author").column("nickname").unwrap().null);
            assert_eq!(
                column(conn, "ops_author", "nickname"),
                some(&["anon", "bobby", "anon"])
            );
        },
    );
}

#[test]
fn alter_field_integer_to_bigint() {
    round_trip(
        "op_alter_bigint",
        Operation::AlterField {
            model: "Author",
            field: FieldMeta::new("rating", BigIntegerField),
        },
        EXACT,
        |conn, _, t| {
            assert_eq!(
                table(t, "ops_author").column("rating").unwrap().data_type,
                "bigint"
            );
            assert_eq!(column(conn, "ops_author", "rating"), some(&["5", "3", "4"]));
        },
    );
}

#[test]
fn alter_field_adds_unique_and_db_index() {
    round_trip(
        "op_alter_unique",
        Operation::AlterField {
            model: "Author",
            field: author_field("name").unique(),
        },
        EXACT,
        |conn, _, t| {
            assert!(table(t, "ops_author").is_unique(&["name"]));
            let duplicate = "INSERT INTO ops_author (id, name, rating) VALUES (9, 'Ann', 1)";
            assert!(conn.batch_execute(duplicate).is_err());
        },
    );
    round_trip(
        "op_alter_db_index",
        Operation::AlterField {
            model: "Author",
            field: author_field("rating").db_index(),
        },
        EXACT,
        |_, _, t| {
            let author = table(t, "ops_author");
            assert_eq!(
                author.index("ops_author_rating_idx").unwrap().columns,
                ["rating"]
            );
        },
    );
    // A check constraint comes and goes with a positive kind.
    round_trip(
        "op_alter_positive",
        Operation::AlterField {
            model: "Author",
            field: FieldMeta::new("rating", PositiveIntegerField),
        },
        Expect {
            changes_schema: false,
            ..EXACT
        },
        |conn, vendor, _| {
            let checks = checks(conn, vendor);
            assert!(checks.iter().any(|c| c.contains("rating")), "{checks:?}");
            let negative = "UPDATE ops_author SET rating = -1 WHERE id = 1";
            assert!(conn.batch_execute(negative).is_err());
        },
    );
}

#[test]
fn alter_field_decimal_precision() {
    round_trip(
        "op_alter_decimal",
        Operation::AlterField {
            model: "Book",
            field: book_field("price").decimal(10, 3),
        },
        // SQLite keeps every decimal as a bigint: only the scale of the rows changes.
        Expect {
            changes_schema: false,
            ..EXACT
        },
        |conn, vendor, t| {
            let price = column(conn, "ops_book", "price");
            if vendor == Vendor::Sqlite {
                assert_eq!(price, some(&["19990", "5000", "7500", "150"]));
            } else {
                assert_eq!(
                    table(t, "ops_book").column("price").unwrap().data_type,
                    "numeric(10,3)"
                );
                assert_eq!(price, some(&["19.990", "5.000", "7.500", "0.150"]));
            }
        },
    );
}

#[test]
fn alter_field_decimal_places_down_rounds_on_sqlite() {
    round_trip(
        "op_alter_decimal_down",
        Operation::AlterField {
            model: "Book",
            field: book_field("price").decimal(8, 1),
        },
        Expect {
            changes_schema: false,
            ..EXACT
        },
        |conn, vendor, _| {
            let price = column(conn, "ops_book", "price");
            if vendor == Vendor::Sqlite {
                assert_eq!(price, some(&["200", "50", "75", "2"]));
            } else {
                assert_eq!(price, some(&["20.0", "5.0", "7.5", "0.2"]));
            }
        },
    );
}

#[test]
fn alter_field_char_to_foreign_key() {
    // The scrap book's "invalid input syntax for type bigint": '' and NULL become NULL, '1'
    // and '3' become keys of existing authors.
    round_trip(
        "op_alter_char_to_fk",
        Operation::AlterField {
            model: "Book",
            field: FieldMeta::new("code", ForeignKey)
                .null()
                .db_index()
                .foreign_key(
                    "Author",
                    "ops_author",
                    "id",
                    BigAutoField,
                    OnDelete::SetNull,
                ),
        },
        EXACT,
        |conn, _, t| {
            let book = table(t, "ops_book");
            assert_eq!(book.column("code").unwrap().data_type, "bigint");
            assert_eq!(book.foreign_key("code").unwrap().to_table, "ops_author");
            assert_eq!(
                column(conn, "ops_book", "code"),
                some(&["1", "NULL", "NULL", "3"])
            );
        },
    );
}

#[test]
fn alter_field_renames_its_column() {
    round_trip(
        "op_alter_db_column",
        Operation::AlterField {
            model: "Book",
            field: book_field("publisher").column("house_id"),
        },
        EXACT,
        |_, _, t| {
            let book = table(t, "ops_book");
            assert_eq!(
                book.foreign_key("house_id").unwrap().to_table,
                "ops_publisher"
            );
            assert!(book.index("ops_book_house_id_idx").is_some());
        },
    );
}

#[test]
fn rename_field() {
    round_trip(
        "op_rename_field",
        Operation::RenameField {
            model: "Author",
            old_name: "name",
            new_name: "full_name",
        },
        EXACT,
        |conn, _, _| {
            assert_eq!(
                column(conn, "ops_author", "full_name"),
                some(&["Ann", "Bob", "Cy"])
            );
        },
    );
    round_trip(
        "op_rename_fk",
        Operation::RenameField {
            model: "Book",
            old_name: "author",
            new_name: "writer",
        },
        EXACT,
        |_, _, t| {
            let book = table(t, "ops_book");
            assert_eq!(
                book.foreign_key("writer_id").unwrap().to_table,
                "ops_author"
            );
            assert!(book.index("ops_book_writer_id_idx").is_some());
            assert!(book.is_unique(&["title", "writer_id"]));
        },
    );
}

const BOOK_TAGS: ModelMeta = join(
    "Book_tags",
    "ops_book_tags",
    &[
        id(),
        key("book", "book_id", "Book", "ops_book"),
        key("tag", "tag_id", "Tag", "ops_tag"),
    ],
    &[ConstraintMeta {
        name: "ops_book_tags_book_id_tag_id_uniq",
        fields: &["book", "tag"],
    }],
);

#[test]
fn add_and_remove_many_to_many() {
    round_trip(
        "op_add_m2m",
        Operation::AddManyToMany {
            model: "Book",
            field: m2m("tags", "Tag", &BOOK_TAGS),
        },
        EXACT,
        |conn, _, t| {
            let join = table(t, "ops_book_tags");
            assert!(join.is_unique(&["book_id", "tag_id"]));
            conn.batch_execute("INSERT INTO ops_book_tags (book_id, tag_id) VALUES (1, 2)")
                .unwrap();
        },
    );
    round_trip(
        "op_remove_m2m",
        Operation::RemoveManyToMany {
            model: "Author",
            name: "tags",
        },
        Expect {
            loses_rows_of: &["ops_author_tags"],
            ..EXACT
        },
        |_, _, t| assert!(!t.iter().any(|t| t.name == "ops_author_tags")),
    );
}

#[test]
fn add_and_remove_index() {
    round_trip(
        "op_add_index",
        Operation::AddIndex {
            model: "Author",
            index: IndexMeta {
                name: "ops_author_rating_name_idx",
                fields: &["-rating", "name"],
            },
        },
        EXACT,
        |_, _, t| assert!(table(t, "ops_author").has_index(&["-rating", "name"])),
    );
    round_trip(
        "op_remove_index",
        Operation::RemoveIndex {
            model: "Book",
            name: "ops_book_title_pages_idx",
        },
        EXACT,
        |_, _, t| {
            assert!(table(t, "ops_book")
                .index("ops_book_title_pages_idx")
                .is_none())
        },
    );
}

#[test]
fn add_and_remove_constraint() {
    round_trip(
        "op_add_constraint",
        Operation::AddConstraint {
            model: "Author",
            constraint: ConstraintMeta {
                name: "ops_author_name_rating_uniq",
                fields: &["name", "rating"],
            },
        },
        EXACT,
        |conn, _, t| {
            let author = table(t, "ops_author");
            assert!(author.index("ops_author_name_rating_uniq").unwrap().unique);
            let duplicate = "INSERT INTO ops_author (id, name, rating) VALUES (9, 'Ann', 5)";
            assert!(conn.batch_execute(duplicate).is_err());
        },
    );
    round_trip(
        "op_remove_constraint",
        Operation::RemoveConstraint {
            model: "Book",
            name: "Unique title per author",
        },
        EXACT,
        |conn, _, t| {
            assert!(!table(t, "ops_book").is_unique(&["title", "author_id"]));
            conn.batch_execute(
                "INSERT INTO ops_book (id, title, author_id, price) VALUES (9, 'A', 1, 1)",
            )
            .unwrap();
            conn.batch_execute("DELETE FROM ops_book WHERE id = 9")
                .unwrap();
        },
    );
}

#[test]
fn run_sql_uses_its_reverse_sql() {
    round_trip(
        "op_run_sql",
        Operation::RunSql {
            sql: "CREATE TABLE ops_log (id integer PRIMARY KEY); INSERT INTO ops_log VALUES (1)",
            reverse_sql: Some("DROP TABLE ops_log"),
        },
        Expect {
            matches_state: false,
            ..EXACT
        },
        |conn, _, _| assert_eq!(int(conn, "SELECT COUNT(*) AS n FROM ops_log"), 1),
    );
}

fn noop_code(_: &mut dyn dorm::Executor) -> dorm::Result<()> {
    Ok(())
}

#[test]
fn irreversible_operations_say_so() {
    let state = ProjectState::new();
    let ops = [
        Operation::RunSql {
            sql: "SELECT 1",
            reverse_sql: None,
        },
        Operation::RunRust {
            name: "noop_code",
            code: noop_code,
            reverse_code: None,
        },
    ];
    for op in ops {
        for vendor in [Vendor::Sqlite, Vendor::Postgres] {
            match op.database_backwards(APP, vendor, &state, &state) {
                Err(dorm::Error::Migration { message, .. }) => assert_eq!(
                    message,
                    format!("Operation `{}` is not reversible", op.describe())
                ),
                other => panic!("{other:?}"),
            }
        }
    }
    let reversible = Operation::RunRust {
        name: "noop_code",
        code: noop_code,
        reverse_code: Some(dorm::migrations::noop),
    };
    assert!(reversible
        .database_backwards(APP, Vendor::Sqlite, &state, &state)
        .unwrap()
        .is_empty());
}

const LEGACY: ModelMeta = ModelMeta {
    managed: false,
    ..model(
        "Legacy",
        "legacy_view",
        &[id(), FieldMeta::new("name", CharField).max_length(10)],
    )
};

#[test]
fn unmanaged_models_get_no_ddl() {
    let ops = [
        Operation::CreateModel(LEGACY),
        Operation::AddField {
            model: "Legacy",
            field: FieldMeta::new("extra", IntegerField).default(DefaultMeta::Literal("0")),
        },
        Operation::AlterField {
            model: "Legacy",
            field: FieldMeta::new("name", CharField).max_length(20),
        },
        Operation::RenameField {
            model: "Legacy",
            old_name: "name",
            new_name: "title",
        },
        Operation::AddIndex {
            model: "Legacy",
            index: IndexMeta {
                name: "legacy_title_idx",
                fields: &["title"],
            },
        },
        Operation::AddConstraint {
            model: "Legacy",
            constraint: ConstraintMeta {
                name: "legacy_title_uniq",
                fields: &["title"],
            },
        },
        Operation::RemoveField {
            model: "Legacy",
            name: "extra",
        },
        Operation::RenameModel {
            old_name: "Legacy",
            new_name: "Old",
        },
        Operation::DeleteModel("Old"),
    ];
    for vendor in [Vendor::Sqlite, Vendor::Postgres] {
        let mut state = ProjectState::new();
        for op in &ops {
            let before = state.clone();
            op.state_forwards(APP, &mut state).unwrap();
            let forwards = op.database_forwards(APP, vendor, &before, &state).unwrap();
            let backwards = op.database_backwards(APP, vendor, &before, &state).unwrap();
            assert!(
                forwards.is_empty() && backwards.is_empty(),
                "{}: {forwards:?} {backwards:?}",
                op.describe()
            );
        }
    }
}

/// A few statements exactly as rendered, where the SQL itself is the point.
#[test]
fn rendered_sql() {
    let mut before = ProjectState::new();
    for op in INITIAL {
        op.state_forwards(APP, &mut before).unwrap();
    }
    let render = |op: Operation, vendor| {
        let mut after = before.clone();
        op.state_forwards(APP, &mut after).unwrap();
        op.database_forwards(APP, vendor, &before, &after).unwrap()
    };
    let add = Operation::AddField {
        model: "Author",
        field: FieldMeta::new("country", CharField)
            .max_length(10)
            .default(DefaultMeta::Literal("\"o'k\"")),
    };
    assert_eq!(
        render(add, Vendor::Postgres),
        [
            "ALTER TABLE \"ops_author\" ADD COLUMN \"country\" varchar(10) DEFAULT 'o''k' NOT NULL",
            "ALTER TABLE \"ops_author\" ALTER COLUMN \"country\" DROP DEFAULT",
        ]
    );
    let sqlite = render(add, Vendor::Sqlite);
    assert!(
        sqlite[0].starts_with("CREATE TABLE \"new__ops_author\" ("),
        "{sqlite:?}"
    );
    assert_eq!(
        sqlite[1],
        "INSERT INTO \"new__ops_author\" (\"id\", \"name\", \"rating\", \"nickname\", \"country\") \
         SELECT \"id\", \"name\", \"rating\", \"nickname\", 'o''k' FROM \"ops_author\""
    );
    assert_eq!(
        sqlite[2..],
        [
            "DROP TABLE \"ops_author\"",
            "ALTER TABLE \"new__ops_author\" RENAME TO \"ops_author\"",
        ]
    );
    let to_fk = Operation::AlterField {
        model: "Book",
        field: FieldMeta::new("code", ForeignKey).null().foreign_key(
            "Author",
            "ops_author",
            "id",
            BigAutoField,
            OnDelete::SetNull,
        ),
    };
    assert_eq!(
        render(to_fk, Vendor::Postgres),
        [
            "ALTER TABLE \"ops_book\" ALTER COLUMN \"code\" TYPE bigint USING NULLIF(\"code\", '')::bigint",
            "ALTER TABLE \"ops_book\" ADD CONSTRAINT \"ops_book_code_fkey\" FOREIGN KEY (\"code\") REFERENCES \"ops_author\" (\"id\") DEFERRABLE INITIALLY DEFERRED",
        ]
    );
    let rename = Operation::RenameModel {
        old_name: "Author",
        new_name: "Writer",
    };
    let pg = render(rename, Vendor::Postgres);
    for sql in [
        "ALTER TABLE \"ops_author\" RENAME TO \"ops_writer\"",
        "ALTER TABLE \"ops_writer\" RENAME CONSTRAINT \"ops_author_pkey\" TO \"ops_writer_pkey\"",
        "ALTER TABLE \"ops_author_tags\" RENAME TO \"ops_writer_tags\"",
        "ALTER TABLE \"ops_writer_tags\" RENAME COLUMN \"author_id\" TO \"writer_id\"",
        "ALTER INDEX \"ops_author_tags_author_id_idx\" RENAME TO \"ops_writer_tags_writer_id_idx\"",
        "ALTER TABLE \"ops_publisher_authors\" RENAME COLUMN \"author_id\" TO \"writer_id\"",
    ] {
        assert!(pg.iter().any(|s| s == sql), "{sql}\n{pg:#?}");
    }
}

#[test]
fn alter_field_primary_key_type() {
    round_trip(
        "op_alter_pk_type",
        Operation::AlterField {
            model: "Tag",
            field: FieldMeta::new("id", AutoField).primary_key(),
        },
        // SQLite's auto keys are all `integer`.
        Expect {
            changes_schema: false,
            ..EXACT
        },
        |conn, vendor, t| {
            if vendor == Vendor::Postgres {
                assert_eq!(
                    table(t, "ops_tag").column("id").unwrap().data_type,
                    "integer"
                );
            }
            conn.batch_execute("INSERT INTO ops_tag (label) VALUES ('green')")
                .unwrap_or_else(|e| {
                    // PostgreSQL's identity starts at 1, below the seeded keys.
                    assert_eq!(vendor, Vendor::Postgres, "{e}");
                });
            conn.batch_execute("DELETE FROM ops_tag WHERE label = 'green'")
                .unwrap();
        },
    );
}
