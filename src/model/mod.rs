//! Models: the [`Model`] trait that `#[derive(Model)]` implements, its metadata
//! ([`ModelMeta`]), field resolution by name ([`Field`]) and the `objects()` [`Manager`].
//!
//! What the derive generates for `struct Entry { id: Auto<i64>, headline: String, ... }`:
//!
//! * a diesel table module, `entry` (the struct's name in snake case), with zero-sized column
//!   types `entry::id`, `entry::headline`, ... and the table `entry::table`;
//! * `impl Model for Entry` with `const META` (every field, option, index and constraint);
//! * `EntryColumns` ([`HasFields`]): a field list such as
//!   `save_update_fields(|f| [f.headline], conn)` is checked by rustc's field resolution;
//! * `EntryFields` ([`HasFields`]): one method per name a query can use, which the macros
//!   call so that rustc checks every name (see [`crate::names::resolve`]);
//! * `impl Field<name!(headline)> for Entry` per field, the registration that lets
//!   `filter!(qs, headline = "x")` resolve `headline` at compile time;
//! * diesel `Queryable` for every backend, and the insert/update/delete statements
//!   for each backend dorm is built with ([`Persist`]);
//! * `Default` from the fields' defaults, `auto_now`/`auto_now_add` handling, and
//!   `get_FOO_display()` for fields with choices.

mod field_ref;
mod instance;
mod manager;
mod meta;

pub use field_ref::{FieldRef, HasFields};
pub use instance::{Instance, InstanceChanges, InstanceUpdate, InstanceUpdateQuery, PkLookup};
pub use manager::{Filtered, Manager};
pub use meta::{ConstraintMeta, IndexMeta, ModelMeta};

use crate::fields::FieldMeta;

/// A model: a struct with `#[derive(Model)]`. See the module docs for what the derive writes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "add `#[derive(dorm::Model)]` to its struct"
)]
pub trait Model: Sized + Clone + 'static + Persistable + crate::queryset::Deferrable {
    /// Everything declared about the model (Django's `_meta`).
    const META: ModelMeta;
    /// The diesel table.
    type Table: diesel::Table + diesel::query_builder::AsQuery + Default + Copy + 'static;
    /// The primary key's Rust type (`i64` for `Auto<i64>`).
    type PkValue: Clone + std::fmt::Debug + PartialEq + Eq + std::hash::Hash + Send + 'static;
    /// The primary key's diesel column.
    type PkColumn: diesel::Column<Table = Self::Table>
        + diesel::expression::Expression
        + diesel::ExpressionMethods
        + Default
        + Copy
        + 'static;
    /// The table's name (also in `META`; a separate constant so that relation metadata can name
    /// a model's table without evaluating its `META`, which a self-reference would make cyclic).
    const DB_TABLE: &'static str;
    /// The primary key's column.
    const PK_COLUMN: &'static str;
    /// The ordering a new QuerySet starts with (`ordering` in the model's options):
    /// [`Unordered`](crate::queryset::Unordered) or [`Ordered`](crate::queryset::Ordered).
    type DefaultOrdering: Clone + crate::queryset::OrderState;
    /// The default ordering's value.
    fn default_ordering() -> Self::DefaultOrdering;
    /// The primary key, once the row is saved.
    fn pk(&self) -> Option<Self::PkValue>;
    /// Sets the primary key (after an insert).
    fn set_pk(&mut self, pk: Self::PkValue);
    /// Forgets an auto primary key (after a delete); a natural key stays.
    fn clear_pk(&mut self);
    /// Called by `save()` before writing: fills `auto_now` fields, and `auto_now_add` ones
    /// when `adding`.
    fn pre_save(&mut self, adding: bool);
    /// The manager, Django's `Model.objects`.
    fn objects() -> Manager<Self> {
        Manager::new()
    }
    /// The table.
    fn table() -> Self::Table {
        Self::Table::default()
    }
    /// The field named `name`, if the model has one.
    fn field_meta(name: &str) -> Option<&'static FieldMeta> {
        Self::META.field(name)
    }
}

/// A model's field named `N` (a type-level name, see [`crate::names`]). `#[derive(Model)]`
/// implements it once per field: this impl is the field's registration for lookups.
#[diagnostic::on_unimplemented(
    message = "Cannot resolve keyword `{N}` into field of `{Self}`",
    label = "no such field on `{Self}`",
    note = "Django: FieldError. The fields of `{Self}` are listed below, each spelled as a type-level `Name<...>`"
)]
pub trait Field<N>: Model {
    /// The diesel column.
    type Column: diesel::Column<Table = Self::Table>
        + diesel::expression::ValidGrouping<()>
        + Default
        + Copy
        + 'static;
    /// The Rust type a value of the field loads as on its own (`values_list!`): the field's
    /// type, `i64` for an `Auto<i64>` key, `serde_json::Value` for a typed JSON field.
    type Value: 'static;
    /// The value when the row holding it may be missing (read across a nullable relation):
    /// `Option<Value>`, or `Value` itself when that already is an `Option`.
    type OptionalValue: 'static;
    /// What a value of the field is read as on its own: [`Value`](Self::Value) itself, or for
    /// integers and decimals the [`Stored`](crate::fields::overflow::Stored) form that refuses
    /// a stored value that does not fit the field.
    type Loaded: 'static;
    /// [`Loaded`](Self::Loaded) when the row holding it may be missing.
    type OptionalLoaded: 'static;
    /// The value from what was read; a stored value that does not fit is an error naming the
    /// field.
    fn value_of(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Value>;
    /// The optional value from what was read.
    fn optional_value_of(
        loaded: Self::OptionalLoaded,
    ) -> diesel::deserialize::Result<Self::OptionalValue>;
    /// The field's declared Rust type.
    type Type;
    /// What a lookup path past this field means: [`Plain`](crate::relations::Plain) (nothing),
    /// [`JsonKind`](crate::relations::JsonKind) (keys) or
    /// [`ForeignKeyTo<T>`](crate::relations::ForeignKeyTo) (a lookup on `T`).
    type Kind;
    /// The field of `model`.
    fn get(model: &Self) -> &Self::Type;
    /// The field's metadata.
    const FIELD: &'static FieldMeta;
}

/// The name of a model's primary key field as a type (`name!(id)`).
pub trait PrimaryKey: Model {
    /// The pk's type-level name.
    type Name;
}

/// The statements one model runs on one concrete connection type `C`. `#[derive(Model)]`
/// implements it for every backend dorm is built with; dorm's generic code dispatches to it.
pub trait Persist<C>: Sized {
    /// `INSERT` the row; sets an auto primary key from `RETURNING`.
    fn insert_row(&mut self, conn: &mut C) -> crate::Result<()>;
    /// `INSERT` many rows in as few statements as the bind-parameter limit allows; sets auto keys.
    fn insert_rows(rows: &mut [Self], conn: &mut C) -> crate::Result<()>;
    /// `UPDATE` the row by primary key: every field, or only `fields`. Returns rows affected.
    fn update_row(&self, conn: &mut C, fields: Option<&[&str]>) -> crate::Result<usize>;
    /// `DELETE` the row by primary key. Returns rows affected.
    fn delete_row(&self, conn: &mut C) -> crate::Result<usize>;
    /// `SELECT` the row with this primary key.
    fn fetch_row(&self, conn: &mut C) -> crate::Result<Option<Self>>;
    /// `SELECT` the row whose primary key is `pk`.
    fn fetch_by_pk(pk: <Self as Model>::PkValue, conn: &mut C) -> crate::Result<Option<Self>>
    where
        Self: Model;
}

#[cfg(all(feature = "sqlite", feature = "postgres"))]
mod backends {
    /// A model that can be written through every backend dorm is built with.
    pub trait Persistable:
        super::Persist<diesel::SqliteConnection> + super::Persist<diesel::PgConnection>
    {
    }
    impl<T: super::Persist<diesel::SqliteConnection> + super::Persist<diesel::PgConnection>>
        Persistable for T
    {
    }
}
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
mod backends {
    /// A model that can be written through every backend dorm is built with.
    pub trait Persistable: super::Persist<diesel::SqliteConnection> {}
    impl<T: super::Persist<diesel::SqliteConnection>> Persistable for T {}
}
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
mod backends {
    /// A model that can be written through every backend dorm is built with.
    pub trait Persistable: super::Persist<diesel::PgConnection> {}
    impl<T: super::Persist<diesel::PgConnection>> Persistable for T {}
}
pub use backends::Persistable;

pub(crate) use crate::with_backend as dispatch;

/// The row of `M` whose primary key is `pk`, on any executor.
pub(crate) fn fetch_by_pk<M: Model, C: crate::db::Executor>(
    pk: M::PkValue,
    conn: &mut C,
) -> crate::Result<Option<M>> {
    dispatch!(conn, |c| M::fetch_by_pk(pk, c))
}
