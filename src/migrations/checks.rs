//! Checks of the models against the database they run on (Django's system checks that
//! `migrate` runs): [`check_models`] reports, with a typed error naming the table and
//! column, a model that would misread what a column holds instead of reading it silently.
//!
//! Today it checks how decimals are stored on SQLite: dorm's own columns (`bigint`) hold
//! scaled integers, while a column Django or another tool made (`decimal`, `numeric`, `real`)
//! holds plain numbers, so `12.50` read through the wrong storage would come back as
//! `0.000012` (or the other way round) without an error.

use crate::db::{Executor, Vendor};
use crate::error::{Error, Result};
use crate::fields::{DecimalStorage, FieldKind};
use crate::model::ModelMeta;

use super::introspection;

/// Checks every model whose table exists against its columns; the first mismatch is an
/// [`Error::SchemaMismatch`]. Tables not created yet are skipped (migrate creates them).
///
/// ```
/// # fn main() -> dorm::Result<()> {
/// use dorm::prelude::*;
/// use rust_decimal::Decimal;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[dorm(app_label = "shop", db_table = "shop_product")]
/// pub struct Product {
///     pub id: Auto<i64>,
///     #[dorm(max_digits = 8, decimal_places = 2)]
///     pub price: Decimal,
/// }
///
/// let mut conn = dorm::connect("sqlite::memory:")?;
/// // The table as Django creates it: a `decimal` column holding plain numbers.
/// conn.batch_execute(r#"CREATE TABLE "shop_product" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "price" decimal NOT NULL)"#)?;
/// let err = dorm::migrations::check_models(&[Product::META], &mut conn).unwrap_err();
/// assert!(matches!(err, dorm::Error::SchemaMismatch { ref table, ref column, .. }
///     if table == "shop_product" && column == "price"));
/// # Ok(()) }
/// ```
pub fn check_models<C: Executor + ?Sized>(models: &[ModelMeta], conn: &mut C) -> Result<()> {
    if conn.vendor() != Vendor::Sqlite {
        // PostgreSQL stores every decimal as numeric(p, s), whatever the model says.
        return Ok(());
    }
    for model in models {
        if !model
            .fields
            .iter()
            .any(|f| f.kind == FieldKind::DecimalField)
        {
            continue;
        }
        let Some(table) = introspection::table(model.db_table, conn)? else {
            continue;
        };
        for field in model
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::DecimalField)
        {
            let Some(column) = table.column(field.column) else {
                continue;
            };
            let declared = introspection::normalize_type(&column.data_type);
            let holds_scaled = matches!(
                declared.split('(').next().unwrap_or("").trim(),
                "bigint" | "integer" | "int" | "int8" | "smallint"
            );
            let mismatch = match field.decimal_storage {
                DecimalStorage::Scaled if !holds_scaled => Some(
                    "the model stores dorm's scaled integers, but the column holds plain numbers (Django's storage): add `sqlite_numeric` to the field (`#[dorm(max_digits = .., decimal_places = .., sqlite_numeric)]`), as inspectdb writes it",
                ),
                DecimalStorage::Numeric if holds_scaled => Some(
                    "the model reads plain numbers (`sqlite_numeric`), but the column is dorm's scaled-integer storage: remove `sqlite_numeric` from the field",
                ),
                _ => None,
            };
            if let Some(message) = mismatch {
                return Err(Error::SchemaMismatch {
                    table: model.db_table.to_string(),
                    column: field.column.to_string(),
                    message: format!(
                        "{}.{} is a `{}` column: {message}",
                        model.name, field.name, column.data_type
                    ),
                });
            }
        }
    }
    Ok(())
}
