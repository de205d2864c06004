//! Reading the live schema back (Django's `DatabaseIntrospection`): tables and views, their
//! columns, keys, indexes and foreign keys, on SQLite and PostgreSQL. `inspectdb` turns this
//! into model source; the operation round-trip tests compare it before and after.

/// One table or view as the database describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// The table's name.
    pub name: String,
    /// A view rather than a table.
    pub is_view: bool,
    /// The columns, in table order.
    pub columns: Vec<ColumnInfo>,
    /// Indexes and unique constraints (the primary key's own index excluded), ordered by name.
    pub indexes: Vec<IndexInfo>,
    /// Foreign keys, ordered by column.
    pub foreign_keys: Vec<ForeignKeyInfo>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    /// The column's name.
    pub name: String,
    /// The declared type, lowercased (`varchar(100)`, `bigint`, `timestamp with time zone`).
    pub data_type: String,
    /// Accepts NULL.
    pub null: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// The column's default expression as the database prints it, if any.
    pub default: Option<String>,
}

/// An index or a unique constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    /// Its name.
    pub name: String,
    /// Its columns in order; a descending column is written `-column`.
    pub columns: Vec<String>,
    /// Enforces uniqueness.
    pub unique: bool,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyInfo {
    /// The referencing column.
    pub column: String,
    /// The referenced table.
    pub to_table: String,
    /// The referenced column.
    pub to_column: String,
}
