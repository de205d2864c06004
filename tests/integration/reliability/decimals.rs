//! Decimals on SQLite written by other tools: Django stores a `DecimalField` as a number of
//! NUMERIC affinity (INTEGER for whole values, REAL otherwise). The models `inspectdb` writes
//! for such a table read and write it as Django does, and a model whose storage does not
//! match its column is reported, never misread.

use std::path::PathBuf;
use std::str::FromStr;

use dorm::prelude::*;
use rust_decimal::Decimal;

use crate::common::sqlite;

/// What `inspectdb` writes for the Django-made table (compared with the live output below),
/// compiled here as the models the test uses.
mod django_models {
    include!("../fixtures/django_shop_models.rs");
}
use django_models::Product;

/// The same table declared with dorm's default storage: the mistake `check_models` reports.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "shop", db_table = "shop_product")]
pub struct ScaledProduct {
    pub id: Auto<i64>,
    #[dorm(max_length = 50)]
    pub name: String,
    #[dorm(max_digits = 8, decimal_places = 2)]
    pub price: Decimal,
    #[dorm(max_digits = 5, decimal_places = 3)]
    pub discount: Option<Decimal>,
}

const FIXTURE: &str = include_str!("../fixtures/django_shop.sql");

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn django_database(test: &str) -> crate::common::TestDb {
    let db = sqlite(test);
    db.connect().batch_execute(FIXTURE).unwrap();
    db
}

/// `(typeof(price), price)` of a row as SQLite stores it.
fn storage(conn: &mut dorm::Connection, name: &str) -> (String, String) {
    dorm::with_backend!(conn, |c| {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Stored {
            #[diesel(sql_type = diesel::sql_types::Text)]
            kind: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            value: String,
        }
        let row: Stored = diesel::sql_query(
            "SELECT typeof(price) AS kind, CAST(price AS TEXT) AS value FROM shop_product WHERE name = ?",
        )
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result(c)
        .unwrap();
        (row.kind, row.value)
    })
}

#[test]
fn inspectdb_writes_djangos_storage_for_a_django_made_table() {
    let db = django_database("django_decimals_inspectdb");
    let mut conn = db.connect();
    let source = dorm::migrations::inspectdb::inspectdb_source("shop", "tests", &mut conn).unwrap();
    assert_eq!(
        source,
        include_str!("../fixtures/django_shop_models.rs"),
        "inspectdb's output changed: the models this test compiles are no longer what it writes"
    );
}

#[test]
fn a_django_made_table_reads_exactly() {
    let db = django_database("django_decimals_read");
    let mut conn = db.connect();
    dorm::migrations::check_models(&[<Product as dorm::Model>::META], &mut conn).unwrap();
    let rows: Vec<(String, Decimal, Option<Decimal>)> = values_list!(
        order_by!(Product::objects().all(), id),
        name,
        price,
        discount
    )
    .fetch(&mut conn)
    .unwrap();
    // inspectdb guesses decimal_places = 5, as Django's does: SQLite keeps no precision.
    let expected = [
        ("pen", "12.50000", Some("0.12500")),
        ("book", "12.00000", None),
        ("lamp", "3.10000", Some("0.50000")),
        ("refund", "-7.25000", Some("0.00000")),
        ("cent", "0.01000", Some("0.00100")),
        ("car", "999999.99000", None),
    ];
    assert_eq!(rows.len(), expected.len());
    for ((name, price, discount), (want_name, want_price, want_discount)) in
        rows.iter().zip(expected)
    {
        assert_eq!(name, want_name);
        assert_eq!(price.to_string(), want_price, "{name}");
        assert_eq!(
            discount.map(|d| d.to_string()).as_deref(),
            want_discount,
            "{name}"
        );
    }
    // Lookups compare numbers, as Django's do.
    let cheap: Vec<String> = values_list!(
        order_by!(filter!(Product::objects(), price__lt = d("12.00")), id),
        name
    )
    .fetch(&mut conn)
    .unwrap();
    assert_eq!(cheap, ["lamp", "refund", "cent"]);
    let exact: Vec<String> = values_list!(filter!(Product::objects(), price = d("12.5")), name)
        .fetch(&mut conn)
        .unwrap();
    assert_eq!(exact, ["pen"]);
}

#[test]
fn what_dorm_writes_is_stored_as_django_stores_it() {
    let db = django_database("django_decimals_write");
    let mut conn = db.connect();
    // Each as Django stored the same value in the fixture: REAL, INTEGER for a whole value.
    for (name, price, like) in [
        ("pen2", "12.50", "pen"),
        ("book2", "12", "book"),
        ("cent2", "0.01", "cent"),
    ] {
        Product::objects()
            .create(
                Product {
                    name: name.into(),
                    price: d(price),
                    discount: None,
                    ..Default::default()
                },
                &mut conn,
            )
            .unwrap();
        assert_eq!(storage(&mut conn, name), storage(&mut conn, like), "{name}");
    }
    // inspectdb's guessed precision (10 digits, 5 places) refuses what it cannot hold, as
    // Django's validation would: a typed error, nothing written.
    let too_big = Product::objects().create(
        Product {
            name: "car2".into(),
            price: d("999999.99"),
            discount: None,
            ..Default::default()
        },
        &mut conn,
    );
    assert!(too_big.is_err());
    // Updated in place, and read back.
    let n = update!(
        filter!(Product::objects(), name = "lamp"),
        price = d("4.05")
    )
    .execute(&mut conn)
    .unwrap();
    assert_eq!(n, 1);
    assert_eq!(storage(&mut conn, "lamp"), ("real".into(), "4.05".into()));
    if let Some(python) = django_python() {
        let path = db.url.trim_start_matches("sqlite://").to_string();
        let out = std::process::Command::new(python)
            .arg(fixture("django_read.py"))
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            rows,
            serde_json::json!([
                ["pen", "12.50", "0.125"],
                ["book", "12.00", null],
                ["lamp", "4.05", "0.500"],
                ["refund", "-7.25", "0.000"],
                ["cent", "0.01", "0.001"],
                ["car", "999999.99", null],
                ["pen2", "12.50", null],
                ["book2", "12.00", null],
                ["cent2", "0.01", null]
            ])
        );
    }
}

/// A value the database computes for a decimal in Django's storage is checked against the
/// field's digits as dorm's own storage is, and stored as Django stores it when it fits.
#[test]
fn computed_decimals_in_djangos_storage_are_range_checked() {
    let db = django_database("django_decimals_computed");
    let mut conn = db.connect();
    let pen = || filter!(Product::objects(), name = "pen");
    match update!(pen(), price = F(price) + d("99990")).execute(&mut conn) {
        Err(dorm::Error::InvalidValue { field, message }) => {
            assert_eq!(field, "Product.price");
            assert_eq!(
                message,
                "Ensure that there are no more than 5 digits before the decimal point."
            );
        }
        other => panic!("expected Error::InvalidValue, got {other:?}"),
    }
    assert_eq!(storage(&mut conn, "pen"), ("real".into(), "12.5".into()));
    update!(pen(), price = F(price) + d("0.25"))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(storage(&mut conn, "pen"), ("real".into(), "12.75".into()));
    update!(pen(), price = F(price) - d("0.75"))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(storage(&mut conn, "pen"), ("integer".into(), "12".into()));
    // A model reads the row as before; the one Django stored beyond the guessed precision
    // ("car", 999999.99 in a 10-digit, 5-place field) is read exactly, as Django reads it.
    assert_eq!(pen().get(&mut conn).unwrap().price, d("12"));
    let car = filter!(Product::objects(), name = "car")
        .get(&mut conn)
        .unwrap();
    assert_eq!(car.price.to_string(), "999999.99000");
}

#[test]
fn a_model_with_the_wrong_storage_is_reported_not_misread() {
    let db = django_database("django_decimals_mismatch");
    let mut conn = db.connect();
    match dorm::migrations::check_models(&[<ScaledProduct as dorm::Model>::META], &mut conn) {
        Err(dorm::Error::SchemaMismatch {
            table,
            column,
            message,
        }) => {
            assert_eq!((table.as_str(), column.as_str()), ("shop_product", "price"));
            assert!(message.contains("sqlite_numeric"), "{message}");
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    // And the other way round: a numeric model over dorm's own scaled column.
    let db = sqlite("django_decimals_mismatch_scaled");
    let mut conn = db.connect();
    dorm::migrations::create_tables(&[<ScaledProduct as dorm::Model>::META], &mut conn).unwrap();
    dorm::migrations::check_models(&[<ScaledProduct as dorm::Model>::META], &mut conn).unwrap();
    let err =
        dorm::migrations::check_models(&[<Product as dorm::Model>::META], &mut conn).unwrap_err();
    assert!(matches!(err, dorm::Error::SchemaMismatch { .. }), "{err}");
}

#[test]
fn dorms_own_decimal_columns_keep_exact_storage() {
    // The default for columns dorm creates stays the scaled integer.
    let db = sqlite("django_decimals_default_storage");
    let mut conn = db.connect();
    dorm::migrations::create_tables(&[<ScaledProduct as dorm::Model>::META], &mut conn).unwrap();
    ScaledProduct::objects()
        .create(
            ScaledProduct {
                name: "pen".into(),
                price: d("12.50"),
                discount: None,
                ..Default::default()
            },
            &mut conn,
        )
        .unwrap();
    assert_eq!(storage(&mut conn, "pen"), ("integer".into(), "1250".into()));
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/integration/fixtures")
        .join(name)
}

/// A Python with Django installed, from `DORM_TEST_DJANGO_PYTHON` (`.ci/run` sets it).
fn django_python() -> Option<String> {
    std::env::var("DORM_TEST_DJANGO_PYTHON").ok()
}
