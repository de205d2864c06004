//! inspectdb: reading the schema back (introspection), models from it (`inspect`), their
//! source (`inspectdb_source`), and frozen model copies (`model_struct_source`).

use std::collections::BTreeSet;

use dorm::db::Vendor;
use dorm::fields::{FieldKind, FieldMeta};
use dorm::migrations::inspectdb::{inspect, inspectdb_source, inspectdb_source_for};
use dorm::migrations::introspection::{self, TableInfo};
use dorm::migrations::model_source::model_struct_source;
use dorm::migrations::schema_editor::SchemaEditor;
use dorm::migrations::ModelState;
use dorm::model::ModelMeta;
use dorm::relations::OnDelete;
use dorm::Connection;

use crate::common::{databases, models};

const VIEW: &str = "CREATE VIEW tests_writer_names AS SELECT id, name FROM tests_writer";

/// The test models' states, with the automatic join tables as models of their own (what the
/// database has).
fn original_states() -> Vec<ModelState> {
    let mut out = Vec::new();
    for m in models::ALL {
        out.push(ModelState::from(m));
        for join in m.many_to_many.iter().filter_map(|m2m| m2m.join) {
            out.push(ModelState::from(join));
        }
    }
    out
}

/// The kind a column of `field` reads back as on `vendor`: what the database cannot tell
/// apart comes back as the plainer kind.
fn readable_kind(field: &FieldMeta, vendor: Vendor) -> FieldKind {
    use FieldKind::*;
    match field.kind {
        EmailField | UrlField | SlugField | FileField | ImageField | CharField => {
            if field.max_length.is_some() {
                CharField
            } else {
                TextField
            }
        }
        DecimalField if vendor == Vendor::Sqlite => BigIntegerField,
        other => other,
    }
}

/// A foreign key's key kind as a plain integer (or text) kind.
fn plain_key(kind: Option<FieldKind>) -> Option<FieldKind> {
    use FieldKind::*;
    Some(match kind.unwrap_or(BigIntegerField) {
        SmallAutoField | SmallIntegerField => SmallIntegerField,
        AutoField | IntegerField => IntegerField,
        BigAutoField | BigIntegerField => BigIntegerField,
        _ => TextField,
    })
}

fn columns_of(state: &ModelState, fields: &[&str]) -> Vec<String> {
    fields
        .iter()
        .map(|f| {
            let (desc, name) = match f.strip_prefix('-') {
                Some(rest) => ("-", rest),
                None => ("", *f),
            };
            format!("{desc}{}", state.column(name).unwrap_or(name))
        })
        .collect()
}

fn assert_equivalent(original: &ModelState, inspected: &ModelState, vendor: Vendor) {
    let ctx = format!("{vendor:?} {}", original.db_table);
    assert_eq!(
        inspected.name.to_lowercase(),
        original.name.to_lowercase().replace('_', ""),
        "{ctx}"
    );
    assert_eq!(inspected.app_label, "tests", "{ctx}");
    assert!(inspected.managed, "{ctx}");
    let cols = |s: &ModelState| s.fields.iter().map(|f| f.column).collect::<Vec<_>>();
    assert_eq!(cols(inspected), cols(original), "{ctx}");
    let editor = SchemaEditor::new(vendor);
    for (o, i) in original.fields.iter().zip(&inspected.fields) {
        let ctx = format!("{ctx}.{}", o.column);
        assert_eq!(i.kind, readable_kind(o, vendor), "{ctx}");
        assert_eq!(editor.column_type(i), editor.column_type(o), "{ctx}");
        assert_eq!(i.null, o.null, "{ctx}");
        assert_eq!(i.primary_key, o.primary_key, "{ctx}");
        assert_eq!(i.unique, o.unique, "{ctx}");
        assert_eq!(i.db_index, o.db_index, "{ctx}");
        if o.kind.is_text() {
            assert_eq!(i.max_length, o.max_length, "{ctx}");
        }
        if vendor == Vendor::Postgres {
            assert_eq!(
                (i.max_digits, i.decimal_places),
                (o.max_digits, o.decimal_places),
                "{ctx}"
            );
        }
        match (o.relation, i.relation) {
            (None, None) => {}
            (Some(o_rel), Some(i_rel)) => {
                assert_eq!(
                    i_rel.model.to_lowercase(),
                    o_rel.model.to_lowercase(),
                    "{ctx}"
                );
                assert_eq!(
                    (i_rel.table, i_rel.column),
                    (o_rel.table, o_rel.column),
                    "{ctx}"
                );
                assert_eq!(i_rel.on_delete, OnDelete::DoNothing, "{ctx}");
                assert_eq!(plain_key(i.key_kind), plain_key(o.key_kind), "{ctx}");
            }
            other => panic!("{ctx}: relations differ: {other:?}"),
        }
    }
    let constraints = |s: &ModelState| {
        s.constraints
            .iter()
            .map(|c| (c.name.to_string(), columns_of(s, c.fields)))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(constraints(inspected), constraints(original), "{ctx}");
    let indexes = |s: &ModelState| {
        s.indexes
            .iter()
            .map(|i| (i.name.to_string(), columns_of(s, i.fields)))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(indexes(inspected), indexes(original), "{ctx}");
}

#[test]
fn inspect_gives_back_the_models() {
    for db in databases("inspect_gives_back_the_models") {
        let mut conn = db.migrated();
        conn.batch_execute(VIEW).unwrap();
        let inspected = inspect("tests", &mut conn).unwrap();

        let originals = original_states();
        let mut expected: Vec<&str> = originals.iter().map(|m| m.db_table).collect();
        expected.push("tests_writer_names");
        expected.sort();
        let tables: Vec<&str> = inspected.iter().map(|m| m.db_table).collect();
        assert_eq!(tables, expected, "{:?}", db.vendor);

        for original in &originals {
            let state = inspected
                .iter()
                .find(|m| m.db_table == original.db_table)
                .unwrap();
            assert_equivalent(original, state, db.vendor);
        }

        // Details the generic comparison leaves out.
        let by_table = |t: &str| inspected.iter().find(|m| m.db_table == t).unwrap();
        let everything = by_table("tests_everything");
        assert_eq!(everything.name, "Everything");
        assert_eq!(everything.pk().unwrap().kind, FieldKind::BigAutoField);
        assert_eq!(everything.field("remarks").unwrap().column, "remarks");
        assert_eq!(everything.field("data").unwrap().kind, FieldKind::JsonField);
        assert_eq!(
            everything.field("positive").unwrap().kind,
            FieldKind::PositiveIntegerField
        );
        let owner = by_table("tests_owner");
        assert_eq!(owner.pk().unwrap().kind, FieldKind::AutoField);
        let novel = by_table("tests_novel");
        let writer = novel.field("writer").unwrap();
        assert_eq!(writer.kind, FieldKind::ForeignKey);
        assert_eq!(writer.column, "writer_id");
        assert_eq!(writer.relation.unwrap().model, "Writer");
        assert_eq!(
            novel.field("owner").unwrap().key_kind,
            Some(FieldKind::IntegerField)
        );
        let profile = by_table("tests_profile");
        assert_eq!(
            profile.field("writer").unwrap().kind,
            FieldKind::OneToOneField
        );
        let join = by_table("tests_novel_tags");
        assert_eq!(join.name, "NovelTags");
        assert_eq!(
            join.fields.iter().map(|f| f.name).collect::<Vec<_>>(),
            ["id", "novel", "tag"]
        );
        let product = by_table("tests_product");
        assert_eq!(product.constraints[0].name, "Unique city name per country");
        assert_eq!(product.constraints[0].fields, ["name", "country"]);
        let person = by_table("tests_person");
        assert_eq!(person.indexes[0].fields, ["name", "-age"]);

        let view = by_table("tests_writer_names");
        assert_eq!(view.name, "WriterNames");
        assert!(!view.managed);
        assert_eq!(
            view.fields.iter().map(|f| f.name).collect::<Vec<_>>(),
            ["id", "name"]
        );
        assert_eq!(view.pk().unwrap().name, "id");
        assert!(!view.pk().unwrap().kind.is_auto());
        assert_eq!(view.field("name").unwrap().max_length, Some(50));
    }
}

#[test]
fn inspectdb_source_writes_the_structs() {
    for db in databases("inspectdb_source_writes_the_structs") {
        let mut conn = db.migrated();
        conn.batch_execute(VIEW).unwrap();
        let source = inspectdb_source("tests", "integration", &mut conn).unwrap();
        assert!(source.starts_with("// This is an auto-generated dorm model module"));
        assert!(source.contains("\nuse dorm::prelude::*;\n"));
        for expected in [
            "#[derive(Model, Debug, Clone, PartialEq)]\n#[dorm(app_label = \"tests\")]\npub struct Writer {\n    pub id: Auto<i64>,\n    #[dorm(max_length = 50)]\n    pub name: String,\n}\n",
            "pub struct Owner {\n    pub id: Auto<i32>,\n",
            "    #[dorm(on_delete = do_nothing)]\n    pub writer: dorm::ForeignKey<Writer>,\n",
            "    #[dorm(on_delete = do_nothing)]\n    pub owner: Option<dorm::ForeignKey<Owner, i32>>,\n",
            "    #[dorm(on_delete = do_nothing)]\n    pub writer: dorm::OneToOne<Writer>,\n",
            "    #[dorm(on_delete = do_nothing, related_name = \"employeefriends_to_employee_set\")]\n    pub to_employee: dorm::ForeignKey<Employee>,\n",
            "#[dorm(app_label = \"tests\", db_table = \"tests_novel_tags\", unique_constraint(name = \"tests_novel_tags_novel_id_tag_id_uniq\", fields(novel, tag)))]\npub struct NovelTags {\n",
            "#[dorm(app_label = \"tests\", unique_constraint(name = \"Unique city name per country\", fields(name, country)))]\npub struct Product {\n",
            "#[dorm(app_label = \"tests\", index(name = \"person_name_age_idx\", fields(name, -age)))]\npub struct Person {\n",
            "    #[dorm(max_length = 50, db_index)]\n    pub slug: String,\n",
            "    #[dorm(max_length = 30, unique)]\n    pub sku: Option<String>,\n",
            "    #[dorm(positive)]\n    pub positive: i32,\n",
            "    pub data: serde_json::Value,\n",
            "    pub at: chrono::DateTime<chrono::Utc>,\n",
            "    pub remarks: Option<String>,\n",
            "    #[dorm(primary_key, max_length = 10)]\n    pub code: String,\n",
            "// Created from a view. Don't remove `managed = false`.\n",
            "#[dorm(app_label = \"tests\", db_table = \"tests_writer_names\", managed = false)]\npub struct WriterNames {\n    #[dorm(primary_key)]\n",
        ] {
            assert!(
                source.contains(expected),
                "{:?}: missing\n{expected}\nin\n{source}",
                db.vendor
            );
        }
        match db.vendor {
            Vendor::Sqlite => {
                assert!(source.contains("    pub latitude: i64,\n"));
                assert!(source.contains("    pub id: i32,\n    #[dorm(max_length = 50)]\n    pub name: Option<String>,\n}"));
            }
            _ => {
                assert!(source.contains(
                    "    #[dorm(max_digits = 18, decimal_places = 10)]\n    pub latitude: rust_decimal::Decimal,\n"
                ));
                assert!(source.contains("    pub id: i64,\n    #[dorm(max_length = 50)]\n    pub name: Option<String>,\n}"));
            }
        }
    }
}

/// Hand-written DDL with what dorm's own tables lack: composite and missing primary keys,
/// unknown types, odd column names, a foreign key without `_id`.
#[test]
fn inspect_handles_legacy_tables() {
    for db in databases("inspect_handles_legacy_tables") {
        let mut conn = db.connect();
        let serial = if db.vendor == Vendor::Postgres {
            "serial"
        } else {
            "integer"
        };
        conn.batch_execute(&format!(
            "CREATE TABLE legacy_country (code varchar(2) NOT NULL PRIMARY KEY, name text NOT NULL);
             CREATE TABLE legacy_city (
                 \"ID\" {serial} NOT NULL PRIMARY KEY,
                 \"Name\" varchar(40) NOT NULL,
                 \"type\" text NULL,
                 \"first name\" varchar(20) NULL,
                 country varchar(2) NOT NULL REFERENCES legacy_country (code),
                 area numeric(10, 3) NULL,
                 blob_data bytea NULL,
                 UNIQUE (\"Name\", country));
             CREATE INDEX legacy_city_area ON legacy_city (area DESC);
             CREATE TABLE legacy_visit (city_id integer NOT NULL, day date NOT NULL, PRIMARY KEY (city_id, day));
             CREATE TABLE legacy_log (message text NOT NULL);"
        ))
        .unwrap_or_else(|e| panic!("{:?}: {e}", db.vendor));
        let models = inspect("legacy", &mut conn).unwrap();
        let names: Vec<&str> = models.iter().map(|m| m.name).collect();
        assert_eq!(
            names,
            ["City", "Country", "Log", "Visit"],
            "{:?}",
            db.vendor
        );

        let city = &models[0];
        let pk = city.pk().unwrap();
        assert_eq!((pk.name, pk.column), ("id", "ID"));
        assert_eq!(pk.kind, FieldKind::AutoField, "{:?}", db.vendor);
        let name = city.field("name").unwrap();
        assert_eq!((name.column, name.max_length), ("Name", Some(40)));
        assert_eq!(city.field("type_field").unwrap().column, "type");
        assert_eq!(city.field("first_name").unwrap().column, "first name");
        let country = city.field("country").unwrap();
        assert_eq!(country.column, "country");
        assert_eq!(country.relation.unwrap().model, "Country");
        assert_eq!(country.relation.unwrap().column, "code");
        assert_eq!(country.key_kind, Some(FieldKind::TextField));
        let area = city.field("area").unwrap();
        assert_eq!(area.kind, FieldKind::DecimalField);
        assert_eq!((area.max_digits, area.decimal_places), (Some(10), Some(3)));
        assert_eq!(city.field("blob_data").unwrap().kind, FieldKind::TextField);
        assert_eq!(city.constraints.len(), 1);
        assert_eq!(city.constraints[0].fields, ["name", "country"]);
        assert_eq!(city.indexes.len(), 1);
        assert_eq!(city.indexes[0].name, "legacy_city_area");
        assert_eq!(city.indexes[0].fields, ["-area"]);

        let visit = &models[3];
        assert_eq!(visit.pk().unwrap().name, "city_id");
        assert!(visit.field("day").is_some());
        let log = &models[2];
        assert_eq!(log.pk().unwrap().name, "message");

        let source = inspectdb_source("legacy", "legacy", &mut conn).unwrap();
        for expected in [
            "    // Field renamed because it was a Rust reserved word.\n    #[dorm(db_column = \"type\")]\n    pub type_field: Option<String>,\n",
            "    // Field renamed to remove unsuitable characters.\n    #[dorm(max_length = 20, db_column = \"first name\")]\n    pub first_name: Option<String>,\n",
            "    #[dorm(db_column = \"country\", on_delete = do_nothing)]\n    pub country: dorm::ForeignKey<Country, String>,\n",
            "    // This field type is a guess (the column is `bytea`).\n",
            "// The composite primary key (city_id, day) found, that is not supported. The first column is selected.\n",
            "// The table has no primary key: `message` is used as one (make sure its values are unique).\n",
        ] {
            assert!(
                source.contains(expected),
                "{:?}: missing\n{expected}\nin\n{source}",
                db.vendor
            );
        }
    }
}

#[test]
fn inspectdb_source_for_some_tables() {
    for db in databases("inspectdb_source_for_some_tables") {
        let mut conn = db.migrated();
        let source =
            inspectdb_source_for("tests", "integration", &["tests_novel", "nope"], &mut conn)
                .unwrap();
        assert!(source.contains("\npub struct Novel {\n"));
        // The relations still name their targets' models.
        assert!(source.contains("    pub writer: dorm::ForeignKey<Writer>,\n"));
        assert!(!source.contains("pub struct Writer"));
        assert!(source.contains("// Unable to inspect table `nope`\n"));
        assert_eq!(source.matches("pub struct").count(), 1);
    }
}

fn drop_everything(conn: &mut Connection, vendor: Vendor, tables: &[TableInfo]) {
    let views: Vec<String> = tables
        .iter()
        .filter(|t| t.is_view)
        .map(|t| format!("\"{}\"", t.name))
        .collect();
    let plain: Vec<String> = tables
        .iter()
        .filter(|t| !t.is_view)
        .map(|t| format!("\"{}\"", t.name))
        .collect();
    if vendor == Vendor::Sqlite {
        conn.batch_execute("PRAGMA foreign_keys = OFF").unwrap();
        for v in &views {
            conn.batch_execute(&format!("DROP VIEW {v}")).unwrap();
        }
        for t in &plain {
            conn.batch_execute(&format!("DROP TABLE {t}")).unwrap();
        }
        conn.batch_execute("PRAGMA foreign_keys = ON").unwrap();
    } else {
        conn.batch_execute(&format!("DROP VIEW {}", views.join(", ")))
            .unwrap();
        conn.batch_execute(&format!("DROP TABLE {}", plain.join(", ")))
            .unwrap();
    }
}

#[test]
fn introspection_survives_drop_and_create() {
    for db in databases("introspection_survives_drop_and_create") {
        let mut conn = db.migrated();
        conn.batch_execute(VIEW).unwrap();
        let before = introspection::introspect(&mut conn).unwrap();
        assert_eq!(before.len(), original_states().len() + 1);
        assert!(before.windows(2).all(|w| w[0].name < w[1].name));

        drop_everything(&mut conn, db.vendor, &before);
        assert!(introspection::introspect(&mut conn).unwrap().is_empty());
        // The same DDL again (on SQLite, which allows references to tables created later,
        // in the reverse order).
        let mut order: Vec<ModelMeta> = models::ALL.to_vec();
        if db.vendor == Vendor::Sqlite {
            order.reverse();
        }
        let mut conn2 = db.connect();
        dorm::migrations::create_tables(&order, &mut conn2).unwrap();
        conn2.batch_execute(VIEW).unwrap();
        let after = introspection::introspect(&mut conn2).unwrap();
        assert_eq!(after, before, "{:?}", db.vendor);

        // One table, by name; unknown names are None; dorm's and diesel's own tables are
        // not listed.
        let novel = introspection::table("tests_novel", &mut conn2)
            .unwrap()
            .unwrap();
        assert_eq!(
            &novel,
            before.iter().find(|t| t.name == "tests_novel").unwrap()
        );
        assert_eq!(novel.primary_key(), ["id"]);
        assert_eq!(
            novel.foreign_key("owner_id").unwrap().to_table,
            "tests_owner"
        );
        assert!(introspection::table("nope", &mut conn2).unwrap().is_none());
        conn2
            .batch_execute(
                "CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY)",
            )
            .unwrap();
        assert_eq!(introspection::introspect(&mut conn2).unwrap(), before);
    }
}

#[test]
fn introspection_reads_hand_written_ddl_the_same_on_every_backend() {
    let mut seen: Vec<TableInfo> = Vec::new();
    for db in databases("introspection_reads_hand_written_ddl") {
        let mut conn = db.connect();
        conn.batch_execute(
            "CREATE TABLE shop_item (
                 \"id\" bigint NOT NULL PRIMARY KEY,
                 \"Name\" VARCHAR (30) NOT NULL,
                 \"price\" NUMERIC(8, 2) NULL DEFAULT 0,
                 \"sku\" varchar(10) NULL UNIQUE,
                 \"stock\" integer NOT NULL CHECK (\"stock\" >= 0),
                 \"code\" varchar(5) NULL CONSTRAINT \"item_code_once\" UNIQUE,
                 CONSTRAINT \"one name per sku\" UNIQUE (\"Name\", \"sku\"));
             CREATE INDEX \"shop_item_by_stock\" ON shop_item (\"stock\" DESC, \"Name\");",
        )
        .unwrap();
        let item = introspection::table("shop_item", &mut conn)
            .unwrap()
            .unwrap();
        assert_eq!(item.column("Name").unwrap().data_type, "varchar(30)");
        assert_eq!(item.column("price").unwrap().data_type, "numeric(8,2)");
        assert!(item.column("price").unwrap().null);
        assert!(item.column("price").unwrap().default.is_some());
        assert!(!item.column("id").unwrap().null);
        assert!(item.is_unique(&["sku"]));
        assert!(item.is_unique(&["sku", "Name"]));
        assert!(item.has_index(&["-stock", "Name"]));
        let names: Vec<&str> = item.indexes.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "item_code_once",
                "one name per sku",
                "shop_item_by_stock",
                "shop_item_sku_key"
            ],
            "{:?}",
            db.vendor
        );
        // The two backends agree on everything but the defaults' spelling.
        let mut comparable = item.clone();
        for c in &mut comparable.columns {
            c.default = None;
        }
        if let Some(first) = seen.first() {
            assert_eq!(&comparable, first);
        }
        seen.push(comparable);
    }
}

/// The text `model_struct_source` writes for some of the test models (the `frozen` module
/// below is the same text, compiled).
const FROZEN: &str = r#"/// `tests.Writer` (table `tests_writer`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Writer {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}

/// `tests.Owner` (table `tests_owner`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Owner {
    pub id: Auto<i32>,
    #[dorm(max_length = 50)]
    pub name: String,
}

/// `tests.Tag` (table `tests_tag`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Tag {
    pub id: Auto<i64>,
    #[dorm(max_length = 30)]
    pub label: String,
}

/// `tests.Novel` (table `tests_novel`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Novel {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub writer: dorm::ForeignKey<Writer>,
    #[dorm(max_length = 100)]
    pub title: String,
    pub pages: i32,
    pub published: chrono::NaiveDate,
    #[dorm(on_delete = set_null)]
    pub owner: Option<dorm::ForeignKey<Owner, i32>>,
    pub tags: dorm::ManyToMany<Tag>,
}

/// `tests.Award` (table `tests_award`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Award {
    pub id: Auto<i64>,
    #[dorm(on_delete = restrict)]
    pub writer: dorm::ForeignKey<Writer>,
    #[dorm(on_delete = cascade)]
    pub novel: dorm::ForeignKey<Novel>,
    #[dorm(default = ForeignKey::new(1), on_delete = set_default)]
    pub sponsor: dorm::ForeignKey<Owner, i32>,
}

/// `tests.Employee` (table `tests_employee`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Employee {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(on_delete = set_null)]
    pub boss: Option<dorm::ForeignKey<Employee>>,
    pub friends: dorm::ManyToMany<Employee>,
}

/// `tests.Profile` (table `tests_profile`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Profile {
    pub id: Auto<i64>,
    #[dorm(on_delete = cascade)]
    pub writer: dorm::OneToOne<Writer>,
    pub bio: String,
}

/// `tests.Product` (table `tests_product`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests", unique_constraint(name = "Unique city name per country", fields(name, country)))]
pub struct Product {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(max_length = 2)]
    pub country: String,
    #[dorm(max_length = 30, unique)]
    pub sku: Option<String>,
}

/// `tests.Person` (table `tests_person`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests", ordering(-age, name), index(name = "person_name_age_idx", fields(name, -age)))]
pub struct Person {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    pub age: i32,
    pub nickname: Option<String>,
}
"#;

/// Frozen copies of the test models, as `model_struct_source` writes them: they compile, and
/// their `META` is the original's.
#[allow(dead_code)]
mod frozen {
    use dorm::prelude::*;
    // `Award.sponsor`'s default is `ForeignKey::new(1)`, copied as written.
    use dorm::ForeignKey;

    /// `tests.Writer` (table `tests_writer`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Writer {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
    }

    /// `tests.Owner` (table `tests_owner`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Owner {
        pub id: Auto<i32>,
        #[dorm(max_length = 50)]
        pub name: String,
    }

    /// `tests.Tag` (table `tests_tag`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Tag {
        pub id: Auto<i64>,
        #[dorm(max_length = 30)]
        pub label: String,
    }

    /// `tests.Novel` (table `tests_novel`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Novel {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub writer: dorm::ForeignKey<Writer>,
        #[dorm(max_length = 100)]
        pub title: String,
        pub pages: i32,
        pub published: chrono::NaiveDate,
        #[dorm(on_delete = set_null)]
        pub owner: Option<dorm::ForeignKey<Owner, i32>>,
        pub tags: dorm::ManyToMany<Tag>,
    }

    /// `tests.Award` (table `tests_award`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Award {
        pub id: Auto<i64>,
        #[dorm(on_delete = restrict)]
        pub writer: dorm::ForeignKey<Writer>,
        #[dorm(on_delete = cascade)]
        pub novel: dorm::ForeignKey<Novel>,
        #[dorm(default = ForeignKey::new(1), on_delete = set_default)]
        pub sponsor: dorm::ForeignKey<Owner, i32>,
    }

    /// `tests.Employee` (table `tests_employee`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Employee {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        #[dorm(on_delete = set_null)]
        pub boss: Option<dorm::ForeignKey<Employee>>,
        pub friends: dorm::ManyToMany<Employee>,
    }

    /// `tests.Profile` (table `tests_profile`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Profile {
        pub id: Auto<i64>,
        #[dorm(on_delete = cascade)]
        pub writer: dorm::OneToOne<Writer>,
        pub bio: String,
    }

    /// `tests.Product` (table `tests_product`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(
        app_label = "tests",
        unique_constraint(name = "Unique city name per country", fields(name, country))
    )]
    pub struct Product {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        #[dorm(max_length = 2)]
        pub country: String,
        #[dorm(max_length = 30, unique)]
        pub sku: Option<String>,
    }

    /// `tests.Person` (table `tests_person`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests", ordering(-age, name), index(name = "person_name_age_idx", fields(name, -age)))]
    pub struct Person {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        pub age: i32,
        pub nickname: Option<String>,
    }
}

fn frozen_pairs() -> Vec<(&'static ModelMeta, &'static ModelMeta)> {
    vec![
        (
            &<models::Writer as dorm::Model>::META,
            &<frozen::Writer as dorm::Model>::META,
        ),
        (
            &<models::Owner as dorm::Model>::META,
            &<frozen::Owner as dorm::Model>::META,
        ),
        (
            &<models::Tag as dorm::Model>::META,
            &<frozen::Tag as dorm::Model>::META,
        ),
        (
            &<models::Novel as dorm::Model>::META,
            &<frozen::Novel as dorm::Model>::META,
        ),
        (
            &<models::Award as dorm::Model>::META,
            &<frozen::Award as dorm::Model>::META,
        ),
        (
            &<models::Employee as dorm::Model>::META,
            &<frozen::Employee as dorm::Model>::META,
        ),
        (
            &<models::Profile as dorm::Model>::META,
            &<frozen::Profile as dorm::Model>::META,
        ),
        (
            &<models::Product as dorm::Model>::META,
            &<frozen::Product as dorm::Model>::META,
        ),
        (
            &<models::Person as dorm::Model>::META,
            &<frozen::Person as dorm::Model>::META,
        ),
    ]
}

#[test]
fn model_struct_source_reproduces_the_models() {
    let pairs = frozen_pairs();
    let written: Vec<String> = pairs
        .iter()
        .map(|(original, _)| model_struct_source(&ModelState::from(*original), "integration"))
        .collect();
    assert_eq!(written.join("\n"), FROZEN);
    for (original, copy) in pairs {
        assert_eq!(ModelState::from(copy), ModelState::from(original));
    }
}

/// Some of the structs `inspectdb` writes for the test models on SQLite (the backend every
/// run has); the `inspected` module below is the same text, compiled.
const INSPECTED: &[&str] = &[
    r#"/// `tests.Writer` (table `tests_writer`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Writer {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
}
"#,
    r#"/// `tests.Owner` (table `tests_owner`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Owner {
    pub id: Auto<i32>,
    #[dorm(max_length = 50)]
    pub name: String,
}
"#,
    r#"/// `tests.Tag` (table `tests_tag`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Tag {
    pub id: Auto<i64>,
    #[dorm(max_length = 30)]
    pub label: String,
}
"#,
    r#"/// `tests.Novel` (table `tests_novel`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Novel {
    pub id: Auto<i64>,
    #[dorm(on_delete = do_nothing)]
    pub writer: dorm::ForeignKey<Writer>,
    #[dorm(max_length = 100)]
    pub title: String,
    pub pages: i32,
    pub published: chrono::NaiveDate,
    #[dorm(on_delete = do_nothing)]
    pub owner: Option<dorm::ForeignKey<Owner, i32>>,
}
"#,
    r#"/// `tests.NovelTags` (table `tests_novel_tags`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests", db_table = "tests_novel_tags", unique_constraint(name = "tests_novel_tags_novel_id_tag_id_uniq", fields(novel, tag)))]
pub struct NovelTags {
    pub id: Auto<i64>,
    #[dorm(on_delete = do_nothing)]
    pub novel: dorm::ForeignKey<Novel>,
    #[dorm(on_delete = do_nothing)]
    pub tag: dorm::ForeignKey<Tag>,
}
"#,
    r#"/// `tests.Employee` (table `tests_employee`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Employee {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(on_delete = do_nothing)]
    pub boss: Option<dorm::ForeignKey<Employee>>,
}
"#,
    r#"/// `tests.EmployeeFriends` (table `tests_employee_friends`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests", db_table = "tests_employee_friends", unique_constraint(name = "tests_employee_friends_from_employee_id_to_employee_id_uniq", fields(from_employee, to_employee)))]
pub struct EmployeeFriends {
    pub id: Auto<i64>,
    #[dorm(on_delete = do_nothing)]
    pub from_employee: dorm::ForeignKey<Employee>,
    #[dorm(on_delete = do_nothing, related_name = "employeefriends_to_employee_set")]
    pub to_employee: dorm::ForeignKey<Employee>,
}
"#,
    r#"/// `tests.Everything` (table `tests_everything`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests")]
pub struct Everything {
    pub id: Auto<i64>,
    #[dorm(max_length = 20)]
    pub char: String,
    pub text: String,
    #[dorm(max_length = 254)]
    pub email: String,
    #[dorm(max_length = 200)]
    pub url: String,
    #[dorm(max_length = 50, db_index)]
    pub slug: String,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    #[dorm(positive)]
    pub positive: i32,
    pub flag: bool,
    pub float: f64,
    pub latitude: i64,
    pub price: Option<i64>,
    pub day: chrono::NaiveDate,
    pub at: chrono::DateTime<chrono::Utc>,
    pub time: chrono::NaiveTime,
    pub maybe_at: Option<chrono::DateTime<chrono::Utc>>,
    pub data: serde_json::Value,
    pub invoice: serde_json::Value,
    #[dorm(max_length = 100)]
    pub photo: Option<String>,
    #[dorm(max_length = 2)]
    pub country: String,
    pub remarks: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
"#,
    r#"// Created from a view. Don't remove `managed = false`.
/// `tests.WriterNames` (`tests_writer_names`, not managed by migrations).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "tests", db_table = "tests_writer_names", managed = false)]
pub struct WriterNames {
    #[dorm(primary_key)]
    pub id: i32,
    #[dorm(max_length = 50)]
    pub name: Option<String>,
}
"#,
];

#[allow(dead_code)]
mod inspected {
    use dorm::prelude::*;

    /// `tests.Writer` (table `tests_writer`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Writer {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
    }

    /// `tests.Owner` (table `tests_owner`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Owner {
        pub id: Auto<i32>,
        #[dorm(max_length = 50)]
        pub name: String,
    }

    /// `tests.Tag` (table `tests_tag`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Tag {
        pub id: Auto<i64>,
        #[dorm(max_length = 30)]
        pub label: String,
    }

    /// `tests.Novel` (table `tests_novel`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Novel {
        pub id: Auto<i64>,
        #[dorm(on_delete = do_nothing)]
        pub writer: dorm::ForeignKey<Writer>,
        #[dorm(max_length = 100)]
        pub title: String,
        pub pages: i32,
        pub published: chrono::NaiveDate,
        #[dorm(on_delete = do_nothing)]
        pub owner: Option<dorm::ForeignKey<Owner, i32>>,
    }

    /// `tests.NovelTags` (table `tests_novel_tags`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(
        app_label = "tests",
        db_table = "tests_novel_tags",
        unique_constraint(name = "tests_novel_tags_novel_id_tag_id_uniq", fields(novel, tag))
    )]
    pub struct NovelTags {
        pub id: Auto<i64>,
        #[dorm(on_delete = do_nothing)]
        pub novel: dorm::ForeignKey<Novel>,
        #[dorm(on_delete = do_nothing)]
        pub tag: dorm::ForeignKey<Tag>,
    }

    /// `tests.Employee` (table `tests_employee`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Employee {
        pub id: Auto<i64>,
        #[dorm(max_length = 50)]
        pub name: String,
        #[dorm(on_delete = do_nothing)]
        pub boss: Option<dorm::ForeignKey<Employee>>,
    }

    /// `tests.EmployeeFriends` (table `tests_employee_friends`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(
        app_label = "tests",
        db_table = "tests_employee_friends",
        unique_constraint(
            name = "tests_employee_friends_from_employee_id_to_employee_id_uniq",
            fields(from_employee, to_employee)
        )
    )]
    pub struct EmployeeFriends {
        pub id: Auto<i64>,
        #[dorm(on_delete = do_nothing)]
        pub from_employee: dorm::ForeignKey<Employee>,
        #[dorm(on_delete = do_nothing, related_name = "employeefriends_to_employee_set")]
        pub to_employee: dorm::ForeignKey<Employee>,
    }

    /// `tests.Everything` (table `tests_everything`).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests")]
    pub struct Everything {
        pub id: Auto<i64>,
        #[dorm(max_length = 20)]
        pub char: String,
        pub text: String,
        #[dorm(max_length = 254)]
        pub email: String,
        #[dorm(max_length = 200)]
        pub url: String,
        #[dorm(max_length = 50, db_index)]
        pub slug: String,
        pub small: i16,
        pub int: i32,
        pub big: i64,
        #[dorm(positive)]
        pub positive: i32,
        pub flag: bool,
        pub float: f64,
        pub latitude: i64,
        pub price: Option<i64>,
        pub day: chrono::NaiveDate,
        pub at: chrono::DateTime<chrono::Utc>,
        pub time: chrono::NaiveTime,
        pub maybe_at: Option<chrono::DateTime<chrono::Utc>>,
        pub data: serde_json::Value,
        pub invoice: serde_json::Value,
        #[dorm(max_length = 100)]
        pub photo: Option<String>,
        #[dorm(max_length = 2)]
        pub country: String,
        pub remarks: Option<String>,
        pub created_at: chrono::DateTime<chrono::Utc>,
        pub updated_at: chrono::DateTime<chrono::Utc>,
    }

    // Created from a view. Don't remove `managed = false`.
    /// `tests.WriterNames` (`tests_writer_names`, not managed by migrations).
    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "tests", db_table = "tests_writer_names", managed = false)]
    pub struct WriterNames {
        #[dorm(primary_key)]
        pub id: i32,
        #[dorm(max_length = 50)]
        pub name: Option<String>,
    }
}

#[test]
fn inspectdb_source_compiles_and_reads_the_rows() {
    use dorm::prelude::*;
    let db = crate::common::sqlite("inspectdb_source_compiles");
    let mut conn = db.migrated();
    conn.batch_execute(VIEW).unwrap();
    let source = inspectdb_source("tests", "integration", &mut conn).unwrap();
    for block in INSPECTED {
        assert!(source.contains(block), "missing\n{block}\nin\n{source}");
    }
    // The inspected models read the rows the originals wrote.
    let ann = crate::common::rows::writer(&mut conn, "Ann");
    let owner = crate::common::rows::owner(&mut conn, "Bob");
    crate::common::rows::novel(&mut conn, &ann, "Dawn", 10, Some(&owner));
    let id = ann.id.get().unwrap();
    let read = inspected::Writer::objects().get(id, &mut conn).unwrap();
    assert_eq!(read.name, "Ann");
    let novel = inspected::Novel::objects().all().get(&mut conn).unwrap();
    assert_eq!((novel.title.as_str(), novel.pages), ("Dawn", 10));
    assert_eq!(novel.writer.id(), &id);
    assert_eq!(
        inspected::WriterNames::objects()
            .all()
            .count(&mut conn)
            .unwrap(),
        1
    );
}

/// Quotes an identifier for both backends.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Table names no Rust source may be built from without escaping: line breaks, carriage
/// returns, quotes, backslashes, comment markers, keywords, names of the crates and types the
/// source uses, non-ASCII letters, text direction, digits first, nothing but a space.
const HOSTILE_TABLES: &[&str] = &[
    "evil\n*/ fn injected() {} /* \"q\" \\ 'x'\r",
    "type",
    "dorm",
    "Straße_日本",
    "1st table",
    " ",
    "crate\u{202e}",
];
const HOSTILE_VIEW: &str = "view\n*/ v";

/// The columns of the first hostile table (after `id`).
const HOSTILE_COLUMNS: &[&str] = &[
    "line\nbreak",
    "quote\"d",
    "back\\slash",
    "*/ end",
    "/* start",
    "self",
    "été",
    "9lives",
    " ",
    "pk",
    "ref\n_id",
];

/// Creates the hostile schema: tables, columns, a foreign key, indexes, a default and a view
/// whose names hold everything in [`HOSTILE_TABLES`] and [`HOSTILE_COLUMNS`].
fn create_hostile_schema(conn: &mut Connection, vendor: Vendor) {
    let pk = if vendor == Vendor::Postgres {
        "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    } else {
        "integer NOT NULL PRIMARY KEY AUTOINCREMENT"
    };
    let t = |i: usize| quoted(HOSTILE_TABLES[i]);
    let c = |i: usize| quoted(HOSTILE_COLUMNS[i]);
    let mut ddl = format!("CREATE TABLE {} (id {pk}, \"fn\" text NULL);\n", t(1));
    ddl += &format!(
        "CREATE TABLE {} (id {pk}, {} text NOT NULL DEFAULT 'x'' */ y\n z', {} varchar(10) NULL, \
         {} integer NULL CHECK ({} >= 0), {} boolean NULL, {} real NULL, {} text NULL, \
         {} text NULL, {} integer NULL, {} text NULL, {} text NULL, {} bigint NULL REFERENCES {} (id));\n",
        t(0),
        c(0),
        c(1),
        c(2),
        c(2),
        c(3),
        c(4),
        c(5),
        c(6),
        c(7),
        c(8),
        c(9),
        c(10),
        t(1)
    );
    ddl += &format!(
        "CREATE INDEX {} ON {} ({}, {});\n",
        quoted("idx\n*/ fn x() {} //"),
        t(0),
        c(0),
        c(1)
    );
    ddl += &format!(
        "CREATE UNIQUE INDEX {} ON {} ({}, {});\n",
        quoted("uniq \"\\ */"),
        t(0),
        c(5),
        c(6)
    );
    ddl += &format!(
        "CREATE INDEX {} ON {} ({});\n",
        quoted("single\n"),
        t(0),
        c(7)
    );
    ddl += &format!(
        "CREATE TABLE {} (id {pk}, \"option\" text NULL, \"String\" text NULL);\n",
        t(2)
    );
    ddl += &format!("CREATE TABLE {} (id {pk}, \"Ä\" text NULL);\n", t(3));
    ddl += &format!("CREATE TABLE {} (id {pk});\n", t(4));
    ddl += &format!("CREATE TABLE {} (id {pk});\n", t(5));
    ddl += &format!(
        "CREATE TABLE {} (id {pk}, \"x\u{202e}y\" text NULL);\n",
        t(6)
    );
    ddl += &format!(
        "CREATE VIEW {} AS SELECT id, {} FROM {};\n",
        quoted(HOSTILE_VIEW),
        c(5),
        t(0)
    );
    conn.batch_execute(&ddl)
        .unwrap_or_else(|e| panic!("{vendor:?}: {e}\n{ddl}"));
}

/// The string value of `name = "..."` among an attribute's `#[dorm(...)]` options.
fn dorm_option(attrs: &[syn::Attribute], name: &str) -> Option<String> {
    use syn::punctuated::Punctuated;
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("dorm")) {
        let metas = attr
            .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            .unwrap_or_else(|e| panic!("#[dorm(...)] does not parse: {e}"));
        for meta in metas {
            if let syn::Meta::NameValue(nv) = meta {
                if nv.path.is_ident(name) {
                    match nv.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => found = Some(s.value()),
                        other => panic!("{name} is not a string literal: {other:?}"),
                    }
                }
            }
        }
    }
    found
}

/// Checks `source` is valid Rust with one `use` and one struct per table and view and nothing
/// else, each struct naming its table and columns exactly: table name -> column names.
fn parse_inspected(source: &str) -> BTreeSet<(String, Vec<String>)> {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("{e}\n{source}"));
    assert!(file.attrs.is_empty(), "{source}");
    let mut tables = BTreeSet::new();
    let mut uses = 0;
    for item in &file.items {
        match item {
            syn::Item::Use(_) => uses += 1,
            syn::Item::Struct(s) => {
                let model = s.ident.to_string();
                let table = dorm_option(&s.attrs, "db_table")
                    .unwrap_or_else(|| format!("hostile_{}", model.to_lowercase()));
                let mut columns = Vec::new();
                for field in &s.fields {
                    let name = field.ident.as_ref().unwrap().to_string();
                    assert!(!name.starts_with("r#"), "{name}");
                    let ty = &field.ty;
                    let relation = quote_type(ty).contains("ForeignKey<")
                        || quote_type(ty).contains("OneToOne<");
                    let column = dorm_option(&field.attrs, "db_column").unwrap_or(if relation {
                        format!("{name}_id")
                    } else {
                        name
                    });
                    columns.push(column);
                }
                columns.sort();
                tables.insert((table, columns));
            }
            other => panic!("an item that is no model: {other:?}\n{source}"),
        }
    }
    assert_eq!(uses, 1, "{source}");
    tables
}

/// A type as text (`dorm::ForeignKey<TableType>`), enough to tell relations.
fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| match &s.arguments {
                syn::PathArguments::AngleBracketed(a) => format!(
                    "{}<{}>",
                    s.ident,
                    a.args
                        .iter()
                        .map(|arg| match arg {
                            syn::GenericArgument::Type(t) => quote_type(t),
                            _ => String::new(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => s.ident.to_string(),
            })
            .collect::<Vec<_>>()
            .join("::"),
        _ => String::new(),
    }
}

/// inspectdb over tables, columns, indexes, defaults and a view with hostile names writes
/// source that parses, has one struct per table and view and nothing else, and whose
/// `db_table`/`db_column` literals are exactly the names.
#[test]
fn inspectdb_source_of_hostile_names_is_valid_rust_naming_them_exactly() {
    for db in databases("inspectdb_hostile_names") {
        let mut conn = db.connect();
        create_hostile_schema(&mut conn, db.vendor);
        let source = inspectdb_source("hostile", "hostile", &mut conn).unwrap();
        let found = parse_inspected(&source);
        let mut expected = BTreeSet::new();
        let mut first: Vec<String> = HOSTILE_COLUMNS.iter().map(|c| c.to_string()).collect();
        first.push("id".into());
        first.sort();
        expected.insert((HOSTILE_TABLES[0].to_string(), first));
        expected.insert((
            HOSTILE_TABLES[1].to_string(),
            vec!["fn".into(), "id".into()],
        ));
        expected.insert((
            HOSTILE_TABLES[2].to_string(),
            vec!["String".into(), "id".into(), "option".into()],
        ));
        expected.insert((HOSTILE_TABLES[3].to_string(), vec!["id".into(), "Ä".into()]));
        expected.insert((HOSTILE_TABLES[4].to_string(), vec!["id".into()]));
        expected.insert((HOSTILE_TABLES[5].to_string(), vec!["id".into()]));
        expected.insert((
            HOSTILE_TABLES[6].to_string(),
            vec!["id".into(), "x\u{202e}y".into()],
        ));
        expected.insert((HOSTILE_VIEW.to_string(), vec!["id".into(), "self".into()]));
        assert_eq!(found, expected, "{:?}\n{source}", db.vendor);
        // The indexes keep their exact names too.
        assert!(
            source.contains(r#"index(name = "idx\n*/ fn x() {} //", fields(line_break, quote_d))"#),
            "{source}"
        );
        assert!(
            source.contains(
                r#"unique_constraint(name = "uniq \"\\ */", fields(self_field, field_t_field))"#
            ),
            "{source}"
        );
        // A name given on the command line stays in its comment.
        let missing = "nope\n*/ fn injected() {}";
        let some = inspectdb_source_for("hostile", "hostile", &[missing], &mut conn).unwrap();
        assert!(
            some.contains("// Unable to inspect table `nope\\n*\\/ fn injected() {}`\n"),
            "{some}"
        );
        let file = syn::parse_file(&some).unwrap();
        assert_eq!(file.items.len(), 1, "{some}");
    }
}

/// The committed `ui-tests/pass/inspectdb_of_hostile_names_compiles.rs` (which the ui test
/// compiles) is exactly what inspectdb writes for the hostile SQLite schema, between a fixed
/// header and `fn main() {}`.
#[test]
fn inspectdb_of_hostile_names_is_committed_and_compiled() {
    const PATH: &str = "ui-tests/pass/inspectdb_of_hostile_names_compiles.rs";
    const HEADER: &str = "#![allow(dead_code)]\n\
        // What `inspectdb` writes for the SQLite schema of hostile names of\n\
        // tests/integration/inspectdb.rs (`create_hostile_schema`), unchanged: the ui test proves\n\
        // it compiles. Regenerate with `DORM_BLESS_INSPECTDB=1 cargo test --test integration\n\
        // inspectdb_of_hostile_names`.\n\n";
    const FOOTER: &str = "\nfn main() {}\n";
    let db = crate::common::sqlite("inspectdb_hostile_committed");
    let mut conn = db.connect();
    create_hostile_schema(&mut conn, Vendor::Sqlite);
    let source = inspectdb_source("hostile", "hostile", &mut conn).unwrap();
    let expected = format!("{HEADER}{source}{FOOTER}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PATH);
    if std::env::var_os("DORM_BLESS_INSPECTDB").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "{PATH} is not what inspectdb writes now (regenerate it with DORM_BLESS_INSPECTDB=1):\n{expected}"
    );
}
