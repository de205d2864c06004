//! [`ForeignKey`]: a field that holds the primary key of a row of another model.

use std::fmt;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{SingleValue, SqlType};

use crate::db::Executor;
use crate::error::{Error, Result};
use crate::model::{Model, Persistable};

/// What happens to rows that point at a deleted row (Django's `on_delete`). Recorded in the
/// model's metadata; dorm's delete collector applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnDelete {
    /// Delete the rows that point at it too.
    Cascade,
    /// Refuse the delete while rows point at it.
    Protect,
    /// Refuse the delete unless the pointing rows are being deleted in the same operation.
    Restrict,
    /// Set the pointing field to NULL.
    SetNull,
    /// Set the pointing field to its default.
    SetDefault,
    /// Do nothing (the database's own constraint decides).
    DoNothing,
}

/// A foreign key's target, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelationMeta {
    /// The target model's name.
    pub model: &'static str,
    /// The target's table.
    pub table: &'static str,
    /// The target's primary key column.
    pub column: &'static str,
    /// The `on_delete` rule.
    pub on_delete: OnDelete,
}

/// A reference to a row of `M` by its primary key of type `K` (`i64` unless said otherwise,
/// matching `Auto<i64>`). Declare it as `pub author: ForeignKey<Author>` with
/// `#[dorm(on_delete = cascade)]`; the column is `author_id`, as in Django.
pub struct ForeignKey<M, K = i64> {
    id: K,
    _target: PhantomData<fn() -> M>,
}

/// Django's `OneToOneField`: a foreign key whose column is unique (the scrap book's
/// `Restaurant.place`). The same type as [`ForeignKey`]; the derive adds the uniqueness.
pub type OneToOne<M, K = i64> = ForeignKey<M, K>;

impl<M, K> ForeignKey<M, K> {
    /// A reference to the row whose primary key is `id`.
    pub const fn new(id: K) -> Self {
        ForeignKey {
            id,
            _target: PhantomData,
        }
    }

    /// The referenced primary key (Django's `author_id`).
    pub fn id(&self) -> &K {
        &self.id
    }
}

impl<M: Model<PkValue = K>, K> ForeignKey<M, K> {
    /// A reference to `target`, which must have been saved.
    pub fn to(target: &M) -> Result<Self> {
        target.pk().map(Self::new).ok_or(Error::Unsaved {
            model: M::META.name,
            action: "assign it to a ForeignKey",
        })
    }

    /// Loads the referenced row: an explicit query (Django's `book.author`, without the silent
    /// one). [`Error::DoesNotExist`] when it is gone.
    pub fn fetch<C: Executor>(&self, conn: &mut C) -> Result<M>
    where
        M: Persistable,
        K: Clone,
    {
        crate::model::fetch_by_pk::<M, C>(self.id.clone(), conn)?.ok_or(Error::DoesNotExist {
            model: M::META.name,
        })
    }
}

/// A foreign key field's declared type (`ForeignKey<T, K>` or `Option<ForeignKey<T, K>>`):
/// the key it holds, if any, and whether it may hold none.
pub trait KeyOf {
    /// The key's type.
    type Key;
    /// [`Required`](super::select_related::Required) or
    /// [`Optional`](super::select_related::Optional) (a nullable key).
    type Nullness: super::select_related::Nullness;
    /// The key, `None` for a NULL foreign key.
    fn key(&self) -> Option<&Self::Key>;
}

impl<M, K> KeyOf for ForeignKey<M, K> {
    type Key = K;
    type Nullness = super::select_related::Required;
    fn key(&self) -> Option<&K> {
        Some(&self.id)
    }
}

impl<M, K> KeyOf for Option<ForeignKey<M, K>> {
    type Key = K;
    type Nullness = super::select_related::Optional;
    fn key(&self) -> Option<&K> {
        self.as_ref().map(|f| &f.id)
    }
}

impl<M, K: Clone> Clone for ForeignKey<M, K> {
    fn clone(&self) -> Self {
        ForeignKey::new(self.id.clone())
    }
}
impl<M, K: Copy> Copy for ForeignKey<M, K> {}
impl<M, K: PartialEq> PartialEq for ForeignKey<M, K> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl<M, K: Eq> Eq for ForeignKey<M, K> {}
impl<M, K: std::hash::Hash> std::hash::Hash for ForeignKey<M, K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state)
    }
}
impl<M, K: Default> Default for ForeignKey<M, K> {
    fn default() -> Self {
        ForeignKey::new(K::default())
    }
}
impl<M, K: fmt::Debug> fmt::Debug for ForeignKey<M, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ForeignKey({:?})", self.id)
    }
}
impl<M, K: fmt::Display> fmt::Display for ForeignKey<M, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.id.fmt(f)
    }
}

impl<M, K, ST, DB> FromSql<ST, DB> for ForeignKey<M, K>
where
    K: FromSql<ST, DB>,
    ST: SqlType,
    DB: Backend,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        K::from_sql(bytes).map(ForeignKey::new)
    }
}

impl<M, K, ST, DB> Queryable<ST, DB> for ForeignKey<M, K>
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

impl<M, K, ST, DB> ToSql<ST, DB> for ForeignKey<M, K>
where
    K: ToSql<ST, DB>,
    DB: Backend,
    M: 'static,
    K: fmt::Debug,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.id.to_sql(out)
    }
}

/// For the names check, a foreign key is a value as its key is.
impl<ST, M, K: crate::values::ValueOf<ST>> crate::values::ValueOf<ST> for ForeignKey<M, K> {
    type Ok = K::Ok;
}
impl<ST, M, K: crate::values::ValueOf<ST>> crate::values::ValueOf<ST> for &ForeignKey<M, K> {
    type Ok = K::Ok;
}

/// The derive's check that a `ForeignKey<M, K>` holds `M`'s primary key type (`Self`):
/// implemented only when `K` is that type.
#[diagnostic::on_unimplemented(
    message = "a `ForeignKey<{M}, {K}>` holds `{K}`, but the primary key of `{M}` is `{Self}`",
    label = "the key type of a foreign key is its target's primary key type",
    note = "write `ForeignKey<{M}, {Self}>` (the key type defaults to `i64`)"
)]
pub trait TargetKey<K, M> {
    /// `()`, when the types agree.
    const CHECKED: ();
    /// The target's key as the foreign key's.
    fn key(self) -> K;
}

impl<K, M> TargetKey<K, M> for K {
    const CHECKED: () = ();
    #[inline(always)]
    fn key(self) -> K {
        self
    }
}

/// A foreign key compares as its key: `filter!(qs, author = book.author)`.
impl<X, ST, M, K> crate::values::SqlValue<X, ST> for ForeignKey<M, K>
where
    ST: SqlType + SingleValue,
    K: crate::values::SqlValue<X, ST>,
{
    type Expr = K::Expr;
    fn into_sql_value(self) -> Self::Expr {
        self.id.into_sql_value()
    }
    fn __into_in_values<I: IntoIterator<Item = Self>>(
        values: I,
    ) -> crate::lookups::InValues<Self::Expr> {
        K::__into_in_values(values.into_iter().map(|fk| fk.id))
    }
}

impl<'a, X, ST, M, K> crate::values::SqlValue<X, ST> for &'a ForeignKey<M, K>
where
    ST: SqlType + SingleValue,
    &'a K: crate::values::SqlValue<X, ST>,
{
    type Expr = <&'a K as crate::values::SqlValue<X, ST>>::Expr;
    fn into_sql_value(self) -> Self::Expr {
        (&self.id).into_sql_value()
    }
    fn __into_in_values<I: IntoIterator<Item = Self>>(
        values: I,
    ) -> crate::lookups::InValues<Self::Expr> {
        <&'a K>::__into_in_values(values.into_iter().map(|fk| &fk.id))
    }
}
