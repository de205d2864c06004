#![allow(dead_code)]
// What `inspectdb` writes for the SQLite schema of hostile names of
// tests/integration/inspectdb.rs (`create_hostile_schema`), unchanged: the ui test proves
// it compiles. Regenerate with `DORM_BLESS_INSPECTDB=1 cargo test --test integration
// inspectdb_of_hostile_names`.

// This is an auto-generated dorm model module, written by `inspectdb` from a SQLite database.
// You'll have to do the following manually to clean this up:
//   * Make sure each model has the right primary key (a table without exactly one gets
//     its `id` or first column, and a comment saying so)
//   * Make sure each ForeignKey and OneToOne has `on_delete` set to the desired behavior
//   * Check the fields marked "This field type is a guess."
//   * Remove `managed = false` if you wish to allow dorm to create, modify, and delete
//     the table of a view's model
// Feel free to rename the models, but don't rename db_table values or field names.

use dorm::prelude::*;

/// `hostile.Table` (table ` `).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = " ")]
pub struct Table {
    pub id: Auto<i64>,
}

/// `hostile.Table1StTable` (table `1st table`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = "1st table")]
pub struct Table1StTable {
    pub id: Auto<i64>,
}

/// `hostile.Strae` (table `Straße_日本`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = "Straße_日本")]
pub struct Strae {
    pub id: Auto<i64>,
    // Field name made lowercase.
    // Field renamed to remove unsuitable characters.
    // Field renamed because it started with '_'.
    // Field renamed because it ended with '_'.
    #[dorm(db_column = "Ä")]
    pub field_field: Option<String>,
}

/// `hostile.TableCrate` (table `crate\u{202e}`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = "crate\u{202e}")]
pub struct TableCrate {
    pub id: Auto<i64>,
    // Field renamed to remove unsuitable characters.
    #[dorm(db_column = "x\u{202e}y")]
    pub x_y: Option<String>,
}

/// `hostile.TableDorm` (table `dorm`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = "dorm")]
pub struct TableDorm {
    pub id: Auto<i64>,
    pub option: Option<String>,
    // Field name made lowercase.
    #[dorm(db_column = "String")]
    pub string: Option<String>,
}

/// `hostile.EvilFnInjectedQX` (table `evil\n*\/ fn injected() {} /\* "q" \\ 'x'\r`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = "evil\n*/ fn injected() {} /* \"q\" \\ 'x'\r", unique_constraint(name = "uniq \"\\ */", fields(self_field, field_t_field)), index(name = "idx\n*/ fn x() {} //", fields(line_break, quote_d)))]
pub struct EvilFnInjectedQX {
    pub id: Auto<i64>,
    // Field renamed to remove unsuitable characters.
    // Database default: 'x'' *\/ y\n z'
    #[dorm(db_column = "line\nbreak")]
    pub line_break: String,
    // Field renamed to remove unsuitable characters.
    #[dorm(max_length = 10, db_column = "quote\"d")]
    pub quote_d: Option<String>,
    // Field renamed to remove unsuitable characters.
    #[dorm(db_column = "back\\slash")]
    pub back_slash: Option<i32>,
    // Field renamed to remove unsuitable characters.
    // Field renamed because it started with '_'.
    #[dorm(db_column = "*/ end")]
    pub field_end: Option<bool>,
    // Field renamed to remove unsuitable characters.
    // Field renamed because it started with '_'.
    #[dorm(db_column = "/* start")]
    pub field_start: Option<f64>,
    // Field renamed because it was a Rust reserved word.
    #[dorm(db_column = "self")]
    pub self_field: Option<String>,
    // Field renamed to remove unsuitable characters.
    // Field renamed because it started with '_'.
    // Field renamed because it ended with '_'.
    #[dorm(db_column = "été")]
    pub field_t_field: Option<String>,
    // Field renamed because it wasn't a valid Rust identifier.
    #[dorm(db_index, db_column = "9lives")]
    pub number_9lives: Option<i32>,
    // Field renamed to remove unsuitable characters.
    // Field renamed because it started with '_'.
    // Field renamed because it ended with '_'.
    #[dorm(db_column = " ")]
    pub field_field: Option<String>,
    // Field renamed because it was a Rust reserved word.
    #[dorm(db_column = "pk")]
    pub pk_field: Option<String>,
    // Field renamed to remove unsuitable characters.
    // Field renamed because it ended with '_'.
    // The database has no index on this column.
    #[dorm(db_column = "ref\n_id", on_delete = do_nothing)]
    pub ref_field: Option<dorm::ForeignKey<TableType>>,
}

/// `hostile.TableType` (table `type`).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = "type")]
pub struct TableType {
    pub id: Auto<i64>,
    // Field renamed because it was a Rust reserved word.
    #[dorm(db_column = "fn")]
    pub fn_field: Option<String>,
}

// Created from a view. Don't remove `managed = false`.
/// `hostile.ViewV` (`view\n*\/ v`, not managed by migrations).
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "hostile", db_table = "view\n*/ v", managed = false)]
pub struct ViewV {
    #[dorm(primary_key)]
    pub id: i32,
    // Field renamed because it was a Rust reserved word.
    #[dorm(db_column = "self")]
    pub self_field: Option<String>,
}

fn main() {}
