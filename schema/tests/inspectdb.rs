//! inspectdb on the demo database reproduces models equivalent to the originals: the scrap
//! book migrated on SQLite and PostgreSQL (`DORM_TEST_POSTGRES_URL`), read back with
//! `dorm::migrations::inspectdb::inspect`, and every table's model compared with the model
//! (or automatic join table) that made it, field by field, on what a database can tell.

use std::collections::BTreeSet;

use dorm::db::Vendor;
use dorm::fields::{FieldKind, FieldMeta};
use dorm::migrations::inspectdb::{inspect, inspectdb_source};
use dorm::migrations::ModelState;
use dorm::relations::OnDelete;

mod common;
use common::databases;

/// The scrap book's model states, with the automatic join tables as models of their own
/// (what the database has), ordered by table.
fn originals() -> Vec<ModelState> {
    let mut out = Vec::new();
    for m in scrapbook::models::ALL {
        out.push(ModelState::from(m));
        for join in m.many_to_many.iter().filter_map(|m2m| m2m.join) {
            out.push(ModelState::from(join));
        }
    }
    out.sort_by_key(|m| m.db_table);
    out
}

/// The kind a column of `field` reads back as on `vendor`; the equivalence the comparison
/// allows, because the database cannot tell these apart:
///
/// - `EmailField`, `UrlField`, `SlugField`, `FileField` and `ImageField` are `varchar(n)`
///   columns: they read back as `CharField` (as `TextField` without a `max_length`); what
///   makes them differ is validation in the program, not the schema.
/// - On SQLite a `DecimalField` is a `bigint` of scaled integers (dorm's storage): it reads
///   back as `BigIntegerField`, with no `max_digits`/`decimal_places`. PostgreSQL's
///   `numeric(p, s)` keeps both.
/// - `BooleanField` (`bool`/`boolean`), `DateTimeField` (`datetime`/`timestamp with time
///   zone`), `DateField`, `JSONField` (`jsonb`; SQLite's `text` with its `json_valid`
///   check), the integer kinds, `ForeignKey`/`OneToOneField` (a unique foreign key) and the
///   auto keys all read back as themselves.
fn readable_kind(field: &FieldMeta, vendor: Vendor) -> FieldKind {
    use FieldKind::*;
    match field.kind {
        CharField | EmailField | UrlField | SlugField | FileField | ImageField => {
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

/// A foreign key's key column type, as a plain integer kind.
fn plain_key(kind: Option<FieldKind>) -> Option<FieldKind> {
    use FieldKind::*;
    Some(match kind.unwrap_or(BigIntegerField) {
        SmallAutoField | SmallIntegerField => SmallIntegerField,
        AutoField | IntegerField => IntegerField,
        BigAutoField | BigIntegerField => BigIntegerField,
        _ => TextField,
    })
}

/// The columns of `fields` (field names, `-name` descending) of `state`.
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

/// `Entry_authors` and `EntryAuthors` are the same model name to inspectdb (which makes
/// CamelCase out of the table name, `scrapbook_entry_authors`).
fn same_name(inspected: &str, original: &str) -> bool {
    inspected.to_lowercase() == original.to_lowercase().replace('_', "")
}

/// A table's model as inspectdb reads it against the model that created the table.
fn assert_equivalent(original: &ModelState, inspected: &ModelState, vendor: Vendor) {
    let ctx = format!("{vendor:?} {}", original.db_table);
    assert!(
        same_name(inspected.name, original.name),
        "{ctx}: {} vs {}",
        inspected.name,
        original.name
    );
    assert_eq!(inspected.app_label, "scrapbook", "{ctx}");
    assert_eq!(inspected.db_table, original.db_table, "{ctx}");
    assert!(inspected.managed, "{ctx}");
    let cols = |s: &ModelState| s.fields.iter().map(|f| f.column).collect::<Vec<_>>();
    assert_eq!(cols(inspected), cols(original), "{ctx}");
    for (o, i) in original.fields.iter().zip(&inspected.fields) {
        let ctx = format!("{ctx}.{}", o.column);
        assert_eq!(i.kind, readable_kind(o, vendor), "{ctx}");
        assert_eq!(i.null, o.null, "{ctx}");
        assert_eq!(i.primary_key, o.primary_key, "{ctx}");
        assert_eq!(i.unique, o.unique, "{ctx}");
        // The derive indexes every foreign key; inspectdb reads the index back.
        assert_eq!(i.db_index, o.db_index, "{ctx}");
        if o.kind.is_text() {
            assert_eq!(i.max_length, o.max_length, "{ctx}");
        }
        if o.kind == FieldKind::DecimalField && vendor == Vendor::Postgres {
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
                    (i_rel.table, i_rel.column),
                    (o_rel.table, o_rel.column),
                    "{ctx}: target"
                );
                assert!(same_name(i_rel.model, o_rel.model), "{ctx}: {i_rel:?}");
                // The database keeps no on_delete rule of dorm's: Django's inspectdb says
                // DO_NOTHING and leaves the choice to the reader.
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
fn inspectdb_on_the_demo_database_reproduces_the_models() {
    for db in databases("inspectdb") {
        let vendor = db.vendor;
        let mut conn = db.migrated();
        let inspected = inspect("scrapbook", &mut conn).unwrap();

        // Every table of a managed model or join table, and the view; nothing else.
        let originals = originals();
        let mut expected: Vec<&str> = originals.iter().map(|m| m.db_table).collect();
        expected.sort_unstable();
        let tables: Vec<&str> = inspected.iter().map(|m| m.db_table).collect();
        assert_eq!(tables, expected, "{vendor:?}");

        for original in originals.iter().filter(|m| m.managed) {
            let state = inspected
                .iter()
                .find(|m| m.db_table == original.db_table)
                .unwrap();
            assert_equivalent(original, state, vendor);
        }

        // Details the field-by-field comparison only implies.
        let by_table = |t: &str| inspected.iter().find(|m| m.db_table == t).unwrap();
        let venue = by_table("scrapbook_venue");
        assert_eq!(venue.name, "Venue");
        assert_eq!(venue.pk().unwrap().kind, FieldKind::BigAutoField);
        assert_eq!(venue.field("city").unwrap().relation.unwrap().model, "City");
        assert!(venue.field("started_at").unwrap().db_index);
        let restaurant = by_table("scrapbook_restaurant");
        assert_eq!(
            restaurant.field("place").unwrap().kind,
            FieldKind::OneToOneField
        );
        let order = by_table("scrapbook_order");
        assert_eq!(order.field("data").unwrap().kind, FieldKind::JsonField);
        let product = by_table("scrapbook_product");
        assert_eq!(product.constraints[0].name, "Unique city name per country");
        assert_eq!(product.constraints[0].fields, ["name", "country"]);
        let person = by_table("scrapbook_person");
        for self_reference in ["father", "boss"] {
            let f = person.field(self_reference).unwrap();
            assert_eq!(f.relation.unwrap().model, "Person", "{vendor:?}");
            assert!(f.null);
        }
        let join = by_table("scrapbook_pizza_toppings");
        assert_eq!(join.name, "PizzaToppings");
        assert_eq!(
            join.fields.iter().map(|f| f.name).collect::<Vec<_>>(),
            ["id", "pizza", "topping"]
        );
        let user = by_table("scrapbook_user");
        assert!(user.field("username").unwrap().unique);
        assert_eq!(
            user.field("email").unwrap().kind,
            FieldKind::CharField,
            "an EmailField is a varchar(254) in the database"
        );

        // The view behind the unmanaged TempUser comes back unmanaged, with its columns.
        let temp_user = scrapbook::models::ALL
            .iter()
            .find(|m| m.db_table == "temp_user")
            .map(ModelState::from)
            .unwrap();
        assert!(!temp_user.managed);
        let view = by_table("temp_user");
        assert_eq!(view.name, "TempUser", "{vendor:?}");
        assert!(!view.managed, "{vendor:?}: a view is not managed");
        assert_eq!(
            view.fields.iter().map(|f| f.column).collect::<Vec<_>>(),
            temp_user
                .fields
                .iter()
                .map(|f| f.column)
                .collect::<Vec<_>>(),
            "{vendor:?}"
        );
        // A view has no key of its own: `id` stands in as one, and nothing numbers it.
        let pk = view.pk().unwrap();
        assert_eq!(pk.column, "id", "{vendor:?}");
        assert!(!pk.kind.is_auto(), "{vendor:?}: {pk:?}");
        assert!(matches!(
            pk.kind,
            FieldKind::IntegerField | FieldKind::BigIntegerField
        ));
        // The view's column has the type of the table column it selects: the user's
        // first_name is a varchar(150) (the TempUser model declares 100, which the database
        // does not check).
        let first_name = view.field("first_name").unwrap();
        assert_eq!(first_name.kind, FieldKind::CharField, "{vendor:?}");
        assert_eq!(first_name.max_length, Some(150), "{vendor:?}");
    }
}

#[test]
fn inspectdb_source_has_a_model_for_every_table() {
    for db in databases("inspectdb_source") {
        let vendor = db.vendor;
        let mut conn = db.migrated();
        let models = inspect("scrapbook", &mut conn).unwrap();
        let source = inspectdb_source("scrapbook", "scrapbook", &mut conn).unwrap();
        assert!(source.contains("\nuse dorm::prelude::*;\n"), "{vendor:?}");
        assert_eq!(
            source.matches("#[derive(Model").count(),
            models.len(),
            "{vendor:?}: one derive per table and view"
        );
        for m in &models {
            let declaration = format!("\npub struct {} {{\n", m.name);
            assert!(
                source.contains(&declaration),
                "{vendor:?}: no `{}` in\n{source}",
                declaration.trim()
            );
            let at = source.find(&declaration).unwrap();
            let attributes = &source[..at];
            let attributes = &attributes[attributes.rfind("#[derive(Model").unwrap()..];
            assert!(
                attributes.contains("app_label = \"scrapbook\""),
                "{vendor:?}: {attributes}"
            );
        }
        assert!(
            source.contains("// Created from a view. Don't remove `managed = false`.\n"),
            "{vendor:?}"
        );
        assert!(
            source.contains("db_table = \"temp_user\", managed = false)]\npub struct TempUser {"),
            "{vendor:?}:\n{source}"
        );
        assert!(
            source.contains(
                "#[dorm(app_label = \"scrapbook\")]\npub struct Venue {\n    pub id: Auto<i64>,\n"
            ),
            "{vendor:?}:\n{source}"
        );
    }
}
