//! [`Auto`]: an auto-incrementing primary key that is unset until the row is saved.

use diesel::backend::Backend;
use diesel::deserialize::Queryable;
use diesel::deserialize::{self, FromSql};
use diesel::sql_types::{SingleValue, SqlType};
use std::fmt;

/// An auto-incrementing primary key (Django's `AutoField`/`BigAutoField`): `None` until the row
/// is inserted, then the value the database assigned.
///
/// ```
/// use dorm::Auto;
/// let unsaved: Auto<i64> = Auto::default();
/// assert!(unsaved.get().is_none());
/// let saved = Auto::from(7_i64);
/// assert_eq!(saved, 7);
/// assert_eq!(saved.to_string(), "7");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Auto<T>(Option<T>);

impl<T> Auto<T> {
    /// An unsaved key.
    pub const fn unset() -> Self {
        Auto(None)
    }
    /// A known key.
    pub const fn new(value: T) -> Self {
        Auto(Some(value))
    }
    /// True once the row has been saved (or the key set by hand).
    pub const fn is_set(&self) -> bool {
        self.0.is_some()
    }
    /// Forgets the key, so that the next `save()` inserts a new row (Django's `obj.pk = None`).
    pub fn clear(&mut self) {
        self.0 = None;
    }
}

impl<T: Copy> Auto<T> {
    /// The key, if the row has been saved.
    pub const fn get(&self) -> Option<T> {
        self.0
    }
}

impl<T> From<T> for Auto<T> {
    fn from(value: T) -> Self {
        Auto(Some(value))
    }
}

impl<T: PartialEq> PartialEq<T> for Auto<T> {
    fn eq(&self, other: &T) -> bool {
        self.0.as_ref() == Some(other)
    }
}

impl<T: fmt::Debug> fmt::Debug for Auto<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("None"),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Auto<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("None"),
        }
    }
}

impl<T, ST, DB> FromSql<ST, DB> for Auto<T>
where
    T: FromSql<ST, DB>,
    ST: SqlType,
    DB: Backend,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        T::from_sql(bytes).map(|v| Auto(Some(v)))
    }
}

impl<T, ST, DB> Queryable<ST, DB> for Auto<T>
where
    DB: Backend,
    ST: SingleValue,
    Self: FromSql<ST, DB>,
{
    type Row = Self;
    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}
