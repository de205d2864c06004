//! Many-to-many relations: the [`ManyToMany`] field (Django's `ManyToManyField`), its join table
//! (created automatically, or an explicit `through` model with extra fields), lookups across it
//! in both directions, `prefetch_related!`, and the related manager's writes (`add`, `remove`,
//! `clear`, `set`, `create`).
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::ManyToMany;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Topping { pub id: Auto<i64>, #[dorm(max_length = 50)] pub name: String }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Pizza {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub name: String,
//!     #[dorm(related_name = "pizzas")]
//!     pub toppings: ManyToMany<Topping>,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Topping::META, Pizza::META], &mut conn)?;
//! let cheese = Topping::objects().create(Topping { name: "cheese".into(), ..Default::default() }, &mut conn)?;
//! let ham = Topping::objects().create(Topping { name: "ham".into(), ..Default::default() }, &mut conn)?;
//! let pizza = Pizza::objects().create(Pizza { name: "Hawaii".into(), ..Default::default() }, &mut conn)?;
//!
//! pizza.toppings().add([&cheese, &ham], &mut conn)?;
//! pizza.toppings().add([&cheese], &mut conn)?; // idempotent, as in Django
//! assert_eq!(pizza.toppings().all()?.count(&mut conn)?, 2);
//! assert_eq!(filter!(Pizza::objects(), toppings__name = "ham").count(&mut conn)?, 1);
//! assert_eq!(ham.pizzas().all()?.fetch(&mut conn)?[0].name, "Hawaii");
//! pizza.toppings().remove([&ham], &mut conn)?;
//! assert_eq!(pizza.toppings().all()?.count(&mut conn)?, 1);
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AsQuery, AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::methods::{FilterDsl, SelectDsl};
use diesel::result::QueryResult;
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;
use diesel::{Column, Expression, ExpressionMethods};

use super::foreign_key::ForeignKey;
use super::loaded::{Loaded, Nil};
use super::path::{IsNullKind, PathKind};
use super::prefetch_related::{AllRows, PrefetchKind, PrefetchList, RelationTarget};
use super::select_related::{OuterOrder, OuterOrderOf, RowSqlType};
use crate::db::{Executor, Load};
use crate::error::{Error, Result};
use crate::lookups::{BoolLiteral, BoolOp, Predicate, XorOp};
use crate::model::{Filtered, Model};
use crate::queryset::execute::Built;
use crate::queryset::{ApplyOrder, ApplySlice, BaseQuery, InSubquery, QuerySet};

/// A many-to-many relation to `T` (Django's `ManyToManyField(T)`), declared as a field:
/// `pub toppings: ManyToMany<Topping>`. It holds nothing (the rows live in the join table);
/// the derive adds `pizza.toppings()`, the related manager. `K` is `T`'s key type.
///
/// Options: `related_name = "pizzas"` (or `"+"` for no reverse relation), `through = Model`
/// with `through_fields(source, target)` for a join model with extra fields,
/// `symmetrical = false` for a self-relation that is not mutual, `db_table = "..."`.
pub struct ManyToMany<T, K = i64>(PhantomData<fn() -> (T, K)>);

impl<T, K> Default for ManyToMany<T, K> {
    fn default() -> Self {
        ManyToMany(PhantomData)
    }
}
impl<T, K> Clone for ManyToMany<T, K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, K> Copy for ManyToMany<T, K> {}
impl<T, K> PartialEq for ManyToMany<T, K> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<T, K> Eq for ManyToMany<T, K> {}
impl<T, K> std::hash::Hash for ManyToMany<T, K> {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}
impl<T, K> fmt::Debug for ManyToMany<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ManyToMany")
    }
}

/// A many-to-many relation's metadata, as data (part of [`ModelMeta`](crate::model::ModelMeta)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ManyToManyMeta {
    /// The field's name (`"toppings"`).
    pub name: &'static str,
    /// The target model's name.
    pub to: &'static str,
    /// `related_name`, if given.
    pub related_name: Option<&'static str>,
    /// The explicit `through` model's name, if any.
    pub through: Option<&'static str>,
    /// A symmetrical self-relation (Django's default for `ManyToManyField("self")`).
    pub symmetrical: bool,
    /// The automatically created join table (none with `through`).
    pub join: Option<&'static crate::model::ModelMeta>,
}

/// The relation read from the model that declares it (`pizza.toppings`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Forward;
/// The relation read from its target (`topping.pizza_set`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Reverse;

/// The many-to-many field `N` of `Self` (implemented by the derive): its target, join table and
/// the join table's two key columns.
pub trait ManyToManyField<N>: Model {
    /// The related model.
    type Target: Model;
    /// The join table (automatic, or the `through` model's).
    type Join: diesel::Table + AsQuery + Default + Copy + 'static;
    /// The join table's column holding this model's key.
    type OwnerColumn: Column<Table = Self::Join> + ExpressionMethods + Default + Copy + 'static;
    /// The join table's column holding the target's key.
    type TargetColumn: Column<Table = Self::Join> + ExpressionMethods + Default + Copy + 'static;
    /// Mutual self-relation: adding `a -> b` adds `b -> a`.
    const SYMMETRICAL: bool;
    /// The join table's name.
    const JOIN_TABLE: &'static str;
}

/// The two directions of the relation `N` declared on `O`.
pub trait Direction<O: ManyToManyField<N>, N> {
    /// The model the relation is read from.
    type Source: Model;
    /// The model it leads to.
    type Target: Model;
    /// The join table's column holding the source's key.
    type SourceColumn: Column<Table = O::Join> + ExpressionMethods + Default + Copy + 'static;
    /// The join table's column holding the target's key.
    type TargetColumn: Column<Table = O::Join> + ExpressionMethods + Default + Copy + 'static;
    /// `(owner key, target key)` pairs for one source row and some target rows.
    fn pairs(source: &SourceKey<O, N, Self>, targets: Vec<TargetKey<O, N, Self>>) -> Pairs<O, N>;
    /// The join rows of one source row and some target rows, oriented as the join table is.
    fn keys(
        source: SourceKey<O, N, Self>,
        targets: Keys<TargetKey<O, N, Self>>,
    ) -> (Keys<O::PkValue>, Keys<<O::Target as Model>::PkValue>);
}

/// The key of the model the relation is read from.
pub type SourceKey<O, N, D> = <<D as Direction<O, N>>::Source as Model>::PkValue;
/// The key of the model the relation leads to.
pub type TargetKey<O, N, D> = <<D as Direction<O, N>>::Target as Model>::PkValue;
/// Join rows as `(owner key, target key)`.
pub type Pairs<O, N> = Vec<(
    <O as Model>::PkValue,
    <<O as ManyToManyField<N>>::Target as Model>::PkValue,
)>;

impl<O: ManyToManyField<N>, N> Direction<O, N> for Forward {
    type Source = O;
    type Target = O::Target;
    type SourceColumn = O::OwnerColumn;
    type TargetColumn = O::TargetColumn;
    fn pairs(source: &O::PkValue, targets: Vec<<O::Target as Model>::PkValue>) -> Pairs<O, N> {
        targets.into_iter().map(|t| (source.clone(), t)).collect()
    }
    fn keys(
        source: O::PkValue,
        targets: Keys<<O::Target as Model>::PkValue>,
    ) -> (Keys<O::PkValue>, Keys<<O::Target as Model>::PkValue>) {
        (Keys::In(vec![source]), targets)
    }
}

impl<O: ManyToManyField<N>, N> Direction<O, N> for Reverse {
    type Source = O::Target;
    type Target = O;
    type SourceColumn = O::TargetColumn;
    type TargetColumn = O::OwnerColumn;
    fn pairs(source: &<O::Target as Model>::PkValue, targets: Vec<O::PkValue>) -> Pairs<O, N> {
        targets.into_iter().map(|o| (o, source.clone())).collect()
    }
    fn keys(
        source: <O::Target as Model>::PkValue,
        targets: Keys<O::PkValue>,
    ) -> (Keys<O::PkValue>, Keys<<O::Target as Model>::PkValue>) {
        (targets, Keys::In(vec![source]))
    }
}

/// Which join rows a delete touches, on one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keys<K> {
    /// Any value.
    Any,
    /// One of these.
    In(Vec<K>),
    /// None of these.
    NotIn(Vec<K>),
}

/// Deletes from the join table of the relation `N` on the connection type `C` (implemented by
/// the derive for every backend, for automatic join tables and `through` models).
pub trait JoinRows<C, N>: ManyToManyField<N> {
    /// Deletes the join rows whose owner key matches `owners` and target key matches `targets`
    /// (and their mirror images for a symmetrical relation). Returns the rows deleted.
    fn delete_pairs(
        conn: &mut C,
        owners: &Keys<Self::PkValue>,
        targets: &Keys<<Self::Target as Model>::PkValue>,
    ) -> Result<usize>;
}

/// Inserts into the automatic join table of the relation `N` on the connection type `C`
/// (implemented by the derive for every backend; a `through` model's rows carry fields only
/// its own manager can fill, so it has none).
#[diagnostic::on_unimplemented(
    message = "Cannot use add(), set() or create() on the ManyToManyField `{N}` of `{Self}`, which specifies an intermediary (`through`) model",
    label = "the join rows carry extra fields",
    note = "create the `through` model's rows with its own manager instead; remove() and clear() work"
)]
pub trait JoinInsertRows<C, N>: ManyToManyField<N> {
    /// Inserts the pairs that are not there yet (and their mirror images for a symmetrical
    /// relation), in as few statements as the bind limit allows. Returns the rows inserted.
    fn insert_pairs(conn: &mut C, pairs: &Pairs<Self, N>) -> Result<usize>;
}

#[cfg(all(feature = "sqlite", feature = "postgres"))]
mod writes {
    use super::{JoinInsertRows, JoinRows};
    use diesel::{PgConnection, SqliteConnection};
    /// [`JoinRows`] on every backend dorm is built with.
    pub trait JoinWrites<N>: JoinRows<SqliteConnection, N> + JoinRows<PgConnection, N> {}
    impl<N, T: JoinRows<SqliteConnection, N> + JoinRows<PgConnection, N>> JoinWrites<N> for T {}
    /// [`JoinInsertRows`] on every backend dorm is built with.
    pub trait JoinInserts<N>:
        JoinInsertRows<SqliteConnection, N> + JoinInsertRows<PgConnection, N>
    {
    }
    impl<N, T: JoinInsertRows<SqliteConnection, N> + JoinInsertRows<PgConnection, N>> JoinInserts<N>
        for T
    {
    }
}
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
mod writes {
    use super::{JoinInsertRows, JoinRows};
    use diesel::SqliteConnection;
    /// [`JoinRows`] on every backend dorm is built with.
    pub trait JoinWrites<N>: JoinRows<SqliteConnection, N> {}
    impl<N, T: JoinRows<SqliteConnection, N>> JoinWrites<N> for T {}
    /// [`JoinInsertRows`] on every backend dorm is built with.
    pub trait JoinInserts<N>: JoinInsertRows<SqliteConnection, N> {}
    impl<N, T: JoinInsertRows<SqliteConnection, N>> JoinInserts<N> for T {}
}
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
mod writes {
    use super::{JoinInsertRows, JoinRows};
    use diesel::PgConnection;
    /// [`JoinRows`] on every backend dorm is built with.
    pub trait JoinWrites<N>: JoinRows<PgConnection, N> {}
    impl<N, T: JoinRows<PgConnection, N>> JoinWrites<N> for T {}
    /// [`JoinInsertRows`] on every backend dorm is built with.
    pub trait JoinInserts<N>: JoinInsertRows<PgConnection, N> {}
    impl<N, T: JoinInsertRows<PgConnection, N>> JoinInserts<N> for T {}
}
pub use writes::{JoinInserts, JoinWrites};

/// The relation `N` has an automatically created join table (implemented by the derive), so
/// its related managers can `add`, `set` and `create`: a `through` model's rows carry fields
/// only its own manager can fill.
#[diagnostic::on_unimplemented(
    message = "Cannot use add(), set() or create() on the ManyToManyField `{N}` of `{Self}`, which specifies an intermediary (`through`) model",
    label = "the join rows carry extra fields",
    note = "create the `through` model's rows with its own manager instead; remove() and clear() work"
)]
pub trait AutoCreated<N>: JoinInserts<N> {}

/// A value that names a row of `T` for a many-to-many write: a `T` (or `&T`), or its typed key
/// `ForeignKey<T>` (`ForeignKey::new(3)`). Objects of another model do not compile.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `{T}`: this many-to-many relation takes `{T}` objects or their `ForeignKey<{T}>` keys",
    label = "an object of the wrong model",
    note = "Django: TypeError: '{T}' instance expected"
)]
pub trait RelatedKey<T: Model> {
    /// The key (`None` for an unsaved object).
    fn related_key(self) -> Option<T::PkValue>;
}

#[diagnostic::do_not_recommend]
impl<T: Model> RelatedKey<T> for &T {
    fn related_key(self) -> Option<T::PkValue> {
        self.pk()
    }
}
#[diagnostic::do_not_recommend]
impl<T: Model> RelatedKey<T> for &mut T {
    fn related_key(self) -> Option<T::PkValue> {
        self.pk()
    }
}
#[diagnostic::do_not_recommend]
impl<T: Model> RelatedKey<T> for T {
    fn related_key(self) -> Option<T::PkValue> {
        self.pk()
    }
}
#[diagnostic::do_not_recommend]
impl<T: Model, R> RelatedKey<T> for &Loaded<T, R> {
    fn related_key(self) -> Option<T::PkValue> {
        self.pk()
    }
}
#[diagnostic::do_not_recommend]
impl<T: Model<PkValue = K>, K: Clone> RelatedKey<T> for ForeignKey<T, K> {
    fn related_key(self) -> Option<K> {
        Some(self.id().clone())
    }
}
#[diagnostic::do_not_recommend]
impl<T: Model<PkValue = K>, K: Clone> RelatedKey<T> for &ForeignKey<T, K> {
    fn related_key(self) -> Option<K> {
        Some(self.id().clone())
    }
}

fn keys_of<T: Model, I>(items: I) -> Result<Vec<T::PkValue>>
where
    I: IntoIterator,
    I::Item: RelatedKey<T>,
{
    items
        .into_iter()
        .map(|i| {
            i.related_key().ok_or(Error::Unsaved {
                model: T::META.name,
                action: "add it to a many-to-many relation",
            })
        })
        .collect()
}

/// The related manager of one row (Django's `pizza.toppings` / `topping.pizza_set`): the relation
/// `N` declared on `O`, read in direction `D`.
pub struct ManyRelated<O: ManyToManyField<N>, D: Direction<O, N>, N> {
    source: Option<SourceKey<O, N, D>>,
    _rel: PhantomData<super::Marker3<O, D, N>>,
}

impl<O: ManyToManyField<N>, D: Direction<O, N>, N> fmt::Debug for ManyRelated<O, D, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<ManyRelatedManager {} -> {}>",
            D::Source::META.name,
            D::Target::META.name
        )
    }
}

/// `target.pk IN (SELECT target_col FROM join WHERE source_col = key)`: the rows related to one
/// source row (the related manager's `all()`).
#[derive(Debug, Clone)]
pub struct MemberOf<O, D, N, K> {
    source: K,
    _rel: PhantomData<super::Marker3<O, D, N>>,
}

type SqlTypeOf<C> = <C as Expression>::SqlType;

/// `SELECT <J>.<Sel> FROM <J> [WHERE <W>]`: a subquery on the join table `J` of a many-to-many
/// relation, rendered from the table's and columns' own names.
#[derive(Debug, Clone)]
pub struct JoinSelect<J, Sel, W> {
    table: J,
    filter: W,
    _select: PhantomData<fn() -> Sel>,
}

impl<J: Default, Sel, W> JoinSelect<J, Sel, W> {
    fn new(filter: W) -> Self {
        JoinSelect {
            table: J::default(),
            filter,
            _select: PhantomData,
        }
    }
}

/// No `WHERE`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Everything;
/// `<join>.<C> = key`.
#[derive(Debug, Clone)]
pub struct KeyEq<C, K>(PhantomData<fn() -> C>, K);
/// `<join>.<C> IN (<Q>)`.
#[derive(Debug, Clone)]
pub struct KeyIn<C, Q>(PhantomData<fn() -> C>, Q);

/// A condition of a [`JoinSelect`].
pub trait JoinFilter<DB: Backend> {
    /// Renders it, with `table` rendering the join table's name.
    fn walk_filter<'b>(
        &'b self,
        table: &dyn Fn(&mut AstPass<'_, 'b, DB>) -> QueryResult<()>,
        out: AstPass<'_, 'b, DB>,
    ) -> QueryResult<()>;
}

impl<DB: Backend> JoinFilter<DB> for Everything {
    fn walk_filter<'b>(
        &'b self,
        _: &dyn Fn(&mut AstPass<'_, 'b, DB>) -> QueryResult<()>,
        _: AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        Ok(())
    }
}

impl<DB, C, K> JoinFilter<DB> for KeyEq<C, K>
where
    DB: Backend + HasSqlType<SqlTypeOf<C>>,
    C: Column,
    K: ToSql<SqlTypeOf<C>, DB>,
{
    fn walk_filter<'b>(
        &'b self,
        table: &dyn Fn(&mut AstPass<'_, 'b, DB>) -> QueryResult<()>,
        mut out: AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(" WHERE ");
        table(&mut out)?;
        out.push_sql(".");
        out.push_identifier(C::NAME)?;
        out.push_sql(" = ");
        out.push_bind_param::<SqlTypeOf<C>, K>(&self.1)
    }
}

impl<DB, C, Q> JoinFilter<DB> for KeyIn<C, Q>
where
    DB: Backend,
    C: Column,
    Q: QueryFragment<DB>,
{
    fn walk_filter<'b>(
        &'b self,
        table: &dyn Fn(&mut AstPass<'_, 'b, DB>) -> QueryResult<()>,
        mut out: AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(" WHERE ");
        table(&mut out)?;
        out.push_sql(".");
        out.push_identifier(C::NAME)?;
        out.push_sql(" IN (");
        self.1.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<J, Sel, W, DB> QueryFragment<DB> for JoinSelect<J, Sel, W>
where
    DB: Backend,
    J: QueryFragment<DB>,
    Sel: Column,
    W: JoinFilter<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let table = |out: &mut AstPass<'_, 'b, DB>| self.table.walk_ast(out.reborrow());
        out.push_sql("SELECT ");
        table(&mut out)?;
        out.push_sql(".");
        out.push_identifier(Sel::NAME)?;
        out.push_sql(" FROM ");
        table(&mut out)?;
        self.filter.walk_filter(&table, out.reborrow())
    }
}

/// The SQL is fixed by the join table, the selected column and the condition's id.
impl<J: 'static, Sel: 'static, W: QueryId> QueryId for JoinSelect<J, Sel, W> {
    type QueryId = JoinSelect<J, Sel, W::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = W::HAS_STATIC_QUERY_ID;
}

impl QueryId for Everything {
    type QueryId = Everything;
    const HAS_STATIC_QUERY_ID: bool = true;
}

/// `column = ?`: the same SQL whatever the key.
impl<C: 'static, K: 'static> QueryId for KeyEq<C, K> {
    type QueryId = KeyEq<C, K>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<C: 'static, Q: QueryId> QueryId for KeyIn<C, Q> {
    type QueryId = KeyIn<C, Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

/// The SQL of [`MemberOf`].
pub type MemberOfExpr<O, N, D, K> = InSubquery<
    <<D as Direction<O, N>>::Target as Model>::PkColumn,
    JoinSelect<
        <O as ManyToManyField<N>>::Join,
        <D as Direction<O, N>>::TargetColumn,
        KeyEq<<D as Direction<O, N>>::SourceColumn, K>,
    >,
>;

impl<O, D, N, K> Predicate<D::Target> for MemberOf<O, D, N, K>
where
    O: ManyToManyField<N>,
    D: Direction<O, N>,
{
    type Expr = MemberOfExpr<O, N, D, K>;
    fn build(self) -> Self::Expr {
        InSubquery::new(
            <D::Target as Model>::PkColumn::default(),
            JoinSelect::new(KeyEq(PhantomData, self.source)),
        )
    }
}

/// The QuerySet of a related manager's rows.
pub type RelatedSet<O, D, N> = QuerySet<
    <D as Direction<O, N>>::Target,
    Filtered<<D as Direction<O, N>>::Target, MemberOf<O, D, N, SourceKey<O, N, D>>>,
>;

impl<O: ManyToManyField<N>, D: Direction<O, N>, N> ManyRelated<O, D, N> {
    /// The manager of the row with key `source` (`None`: unsaved, every method fails with
    /// [`Error::Unsaved`]).
    pub fn new(source: Option<SourceKey<O, N, D>>) -> Self {
        ManyRelated {
            source,
            _rel: PhantomData,
        }
    }

    fn source(&self) -> Result<SourceKey<O, N, D>> {
        self.source.clone().ok_or(Error::Unsaved {
            model: D::Source::META.name,
            action: "use a many-to-many relation",
        })
    }

    /// The related rows, as a QuerySet (Django's `pizza.toppings.all()`).
    pub fn all(&self) -> Result<RelatedSet<O, D, N>>
    where
        BaseQuery<D::Target>: FilterDsl<MemberOfExpr<O, N, D, SourceKey<O, N, D>>>,
    {
        let source = self.source()?;
        Ok(QuerySet::<D::Target>::new().filter(MemberOf::<O, D, N, _> {
            source,
            _rel: PhantomData,
        }))
    }

    /// Relates `items` (objects or `ForeignKey` keys of the target model) to this row, in one
    /// statement; relating a row twice stores it once (Django's `add`). Returns the join rows
    /// inserted.
    pub fn add<C: Executor, I>(&self, items: I, conn: &mut C) -> Result<usize>
    where
        I: IntoIterator,
        I::Item: RelatedKey<D::Target>,
        O: JoinWrites<N> + AutoCreated<N>,
    {
        let source = self.source()?;
        let pairs = D::pairs(&source, keys_of::<D::Target, _>(items)?);
        if pairs.is_empty() {
            return Ok(0);
        }
        crate::model::dispatch!(conn, |c| O::insert_pairs(c, &pairs))
    }

    /// Removes `items` from the relation (Django's `remove`); the rows themselves stay.
    /// Returns the join rows deleted.
    pub fn remove<C: Executor, I>(&self, items: I, conn: &mut C) -> Result<usize>
    where
        I: IntoIterator,
        I::Item: RelatedKey<D::Target>,
        O: JoinWrites<N>,
    {
        let source = self.source()?;
        let targets = keys_of::<D::Target, _>(items)?;
        if targets.is_empty() {
            return Ok(0);
        }
        let (owners, targets) = D::keys(source, Keys::In(targets));
        crate::model::dispatch!(conn, |c| O::delete_pairs(c, &owners, &targets))
    }

    /// Removes every row from the relation (Django's `clear`). Returns the join rows deleted.
    pub fn clear<C: Executor>(&self, conn: &mut C) -> Result<usize>
    where
        O: JoinWrites<N>,
    {
        let source = self.source()?;
        let (owners, targets) = D::keys(source, Keys::Any);
        crate::model::dispatch!(conn, |c| O::delete_pairs(c, &owners, &targets))
    }

    /// Makes the relation exactly `items` (Django's `set`): removes the others and adds the
    /// missing ones, in one transaction.
    pub fn set<C: Executor, I>(&self, items: I, conn: &mut C) -> Result<()>
    where
        I: IntoIterator,
        I::Item: RelatedKey<D::Target>,
        O: JoinWrites<N> + AutoCreated<N>,
    {
        let source = self.source()?;
        let wanted = keys_of::<D::Target, _>(items)?;
        crate::db::atomic(conn, |conn| {
            let (owners, targets) = D::keys(source.clone(), Keys::NotIn(wanted.clone()));
            crate::model::dispatch!(conn, |c| O::delete_pairs(c, &owners, &targets))?;
            let pairs = D::pairs(&source, wanted);
            if !pairs.is_empty() {
                crate::model::dispatch!(conn, |c| O::insert_pairs(c, &pairs))?;
            }
            Ok(())
        })
    }

    /// Saves `object` and relates it to this row (Django's `create`), in one transaction.
    pub fn create<C: Executor>(&self, object: D::Target, conn: &mut C) -> Result<D::Target>
    where
        O: JoinWrites<N> + AutoCreated<N>,
    {
        self.source()?;
        crate::db::atomic(conn, |conn| {
            let object = D::Target::objects().create(object, conn)?;
            self.add([&object], conn)?;
            Ok(object)
        })
    }
}

/// A many-to-many relation as a lookup path step or a prefetch: the relation `N` declared on
/// `O`, read in direction `D`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ManyToManyVia<O, D, N>(PhantomData<super::Marker3<O, D, N>>);

/// `pk IN (SELECT source_col FROM join WHERE target_col IN (SELECT pk FROM target WHERE inner))`.
pub type ViaIn<O, N, D, Inner> = InSubquery<
    <<D as Direction<O, N>>::Source as Model>::PkColumn,
    JoinSelect<
        <O as ManyToManyField<N>>::Join,
        <D as Direction<O, N>>::SourceColumn,
        KeyIn<
            <D as Direction<O, N>>::TargetColumn,
            TargetIn<<D as Direction<O, N>>::Target, Inner>,
        >,
    >,
>;

type TargetIn<T, Inner> = diesel::dsl::Select<
    diesel::dsl::Filter<BaseQuery<T>, <Inner as Predicate<T>>::Expr>,
    <T as Model>::PkColumn,
>;

impl<M, Head, O, D, N, Inner> PathKind<M, Head, Inner> for ManyToManyVia<O, D, N>
where
    M: Model,
    O: ManyToManyField<N>,
    D: Direction<O, N, Source = M>,
    Inner: Predicate<D::Target>,
    BaseQuery<D::Target>: FilterDsl<Inner::Expr>,
    diesel::dsl::Filter<BaseQuery<D::Target>, Inner::Expr>:
        SelectDsl<<D::Target as Model>::PkColumn>,
{
    type Expr = ViaIn<O, N, D, Inner>;
    fn build(inner: Inner) -> Self::Expr {
        let targets = <D::Target as Model>::table()
            .as_query()
            .filter(inner.build())
            .select(<D::Target as Model>::PkColumn::default());
        InSubquery::new(
            M::PkColumn::default(),
            JoinSelect::new(KeyIn(PhantomData, targets)),
        )
    }
}

impl<M, Name, O, D, N> IsNullKind<M, Name> for ManyToManyVia<O, D, N>
where
    M: Model,
    O: ManyToManyField<N>,
    D: Direction<O, N, Source = M>,
{
    type Expr = BoolOp<
        InSubquery<M::PkColumn, JoinSelect<O::Join, D::SourceColumn, Everything>>,
        BoolLiteral,
        XorOp,
    >;
    fn build(is_null: bool) -> Self::Expr {
        BoolOp::new(
            InSubquery::new(M::PkColumn::default(), JoinSelect::new(Everything)),
            BoolLiteral(is_null),
        )
    }
}

impl<O: ManyToManyField<N>, D: Direction<O, N>, N> RelationTarget for ManyToManyVia<O, D, N> {
    type Target = D::Target;
}

/// The prefetch query of a many-to-many relation: the target QuerySet's query as a derived
/// table, joined to the join table, restricted to some source keys:
///
/// ```sql
/// SELECT "j"."pizza_id", "topping"."id", ... FROM (<toppings query>) AS "topping"
/// INNER JOIN "pizza_toppings" AS "j" ON "j"."topping_id" = "topping"."id"
/// WHERE "j"."pizza_id" IN (?, ?, ...) ORDER BY ...
/// ```
///
/// (`= ANY($1)` with one array instead of the list on PostgreSQL.)
#[derive(Debug, Clone)]
pub struct ViaQuery<O: ManyToManyField<N>, D, N, Q, E, K> {
    table: O::Join,
    inner: Q,
    order: OuterOrder<E>,
    keys: Vec<K>,
    _rel: PhantomData<super::Marker3<O, D, N>>,
}

const JOIN_ALIAS: &str = "dorm_m2m";

impl<O, D, N, Q, E, K, DB> QueryFragment<DB> for ViaQuery<O, D, N, Q, E, K>
where
    DB: Backend + super::keys_in::KeyList<SqlTypeOf<D::SourceColumn>, K>,
    O: ManyToManyField<N>,
    D: Direction<O, N>,
    O::Join: QueryFragment<DB>,
    Q: QueryFragment<DB>,
    OuterOrder<E>: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let target = <D::Target as Model>::DB_TABLE;
        out.push_sql("SELECT ");
        out.push_identifier(JOIN_ALIAS)?;
        out.push_sql(".");
        out.push_identifier(D::SourceColumn::NAME)?;
        for f in <D::Target as Model>::META.fields {
            out.push_sql(", ");
            out.push_identifier(target)?;
            out.push_sql(".");
            out.push_identifier(f.column)?;
        }
        out.push_sql(" FROM (");
        self.inner.walk_ast(out.reborrow())?;
        out.push_sql(") AS ");
        out.push_identifier(target)?;
        out.push_sql(" INNER JOIN ");
        self.table.walk_ast(out.reborrow())?;
        out.push_sql(" AS ");
        out.push_identifier(JOIN_ALIAS)?;
        out.push_sql(" ON ");
        out.push_identifier(JOIN_ALIAS)?;
        out.push_sql(".");
        out.push_identifier(D::TargetColumn::NAME)?;
        out.push_sql(" = ");
        out.push_identifier(target)?;
        out.push_sql(".");
        out.push_identifier(<D::Target as Model>::PK_COLUMN)?;
        out.push_sql(" WHERE ");
        out.push_identifier(JOIN_ALIAS)?;
        out.push_sql(".");
        out.push_identifier(D::SourceColumn::NAME)?;
        DB::push_keys(&mut out, &self.keys)?;
        self.order.walk_ast(out.reborrow())
    }
}

impl<O: ManyToManyField<N>, D, N, Q, E, K> QueryId for ViaQuery<O, D, N, Q, E, K> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<O, D, N, Q, E, K> Query for ViaQuery<O, D, N, Q, E, K>
where
    O: ManyToManyField<N>,
    D: Direction<O, N>,
{
    type SqlType = (SqlTypeOf<D::SourceColumn>, RowSqlType<D::Target>);
}

impl<O: ManyToManyField<N>, D, N, Q, E, K, C> diesel::RunQueryDsl<C>
    for ViaQuery<O, D, N, Q, E, K>
{
}

/// Target rows, each with the key of the source row it is related to.
pub type ViaRows<O, N, D> = Vec<(SourceKey<O, N, D>, <D as Direction<O, N>>::Target)>;

/// A QuerySet of the target rows of the many-to-many relation `N` of `O` (read in direction
/// `D`) that can load the rows related to some source keys, with each row's source key.
pub trait ViaSource<'q, O: ManyToManyField<N>, D: Direction<O, N>, N, C> {
    /// Loads them.
    fn load_via(&self, keys: &[SourceKey<O, N, D>], conn: &mut C) -> Result<ViaRows<O, N, D>>;
}

/// The query [`ViaSource`] runs for a QuerySet `QuerySet<T, W, Or, S>`.
pub type ViaBuilt<O, D, N, T, W, Or, S> =
    ViaQuery<O, D, N, Built<T, W, Or, S>, <Or as OuterOrderOf<T>>::Expr, SourceKey<O, N, D>>;

impl<'q, O, D, N, W, Or, S, Jn, C> ViaSource<'q, O, D, N, C> for QuerySet<D::Target, W, Or, S, Jn>
where
    Jn: Clone,
    O: ManyToManyField<N>,
    D: Direction<O, N>,
    W: Clone,
    Or: Clone + ApplyOrder<D::Target, W> + OuterOrderOf<D::Target>,
    S: Clone + ApplySlice<Or::Out>,
    C: Load<'q, ViaBuilt<O, D, N, D::Target, W, Or, S>, (SourceKey<O, N, D>, D::Target)>,
{
    fn load_via(&self, keys: &[SourceKey<O, N, D>], conn: &mut C) -> Result<ViaRows<O, N, D>> {
        let mut rows = Vec::new();
        for chunk in keys.chunks(super::prefetch_related::chunk_size(conn)) {
            let query = ViaQuery::<O, D, N, _, _, _> {
                table: O::Join::default(),
                order: OuterOrder(self.order.outer()),
                inner: self.clone().into_diesel(),
                keys: chunk.to_vec(),
                _rel: PhantomData,
            };
            rows.extend(conn.load_rows(query)?);
        }
        Ok(rows)
    }
}

impl<'q, O, D, N, C> ViaSource<'q, O, D, N, C> for AllRows
where
    O: ManyToManyField<N>,
    D: Direction<O, N>,
    QuerySet<D::Target>: ViaSource<'q, O, D, N, C>,
{
    fn load_via(&self, keys: &[SourceKey<O, N, D>], conn: &mut C) -> Result<ViaRows<O, N, D>> {
        QuerySet::<D::Target>::new().load_via(keys, conn)
    }
}

impl<'q, P, Name, O, D, N, QS, Kids, C> PrefetchKind<'q, P, Name, QS, Kids, C>
    for ManyToManyVia<O, D, N>
where
    P: Model,
    O: ManyToManyField<N>,
    D: Direction<O, N, Source = P>,
    QS: ViaSource<'q, O, D, N, C>,
    Kids: PrefetchList<'q, D::Target, Nil, C>,
{
    type Payload = Vec<Loaded<D::Target, Kids::Out>>;
    fn load(
        keys: &[P::PkValue],
        slots: &HashMap<P::PkValue, usize>,
        queryset: &QS,
        kids: &Kids,
        conn: &mut C,
    ) -> Result<Vec<Self::Payload>> {
        let mut grouped: Vec<Self::Payload> = (0..keys.len()).map(|_| Vec::new()).collect();
        if keys.is_empty() {
            return Ok(grouped);
        }
        let (sources, rows): (Vec<P::PkValue>, Vec<D::Target>) =
            queryset.load_via(keys, conn)?.into_iter().unzip();
        let rows = kids.run(
            rows.into_iter().map(|r| Loaded::new(r, Nil)).collect(),
            conn,
        )?;
        for (source, row) in sources.into_iter().zip(rows) {
            if let Some(&slot) = slots.get(&source) {
                grouped[slot].push(row);
            }
        }
        Ok(grouped)
    }
}
