//! `only!` and `defer!`: load some fields now and the rest never (Django's `only()` and
//! `defer()`), with typed access.
//!
//! The rows come back as [`Partial<M, Spec>`]: the model with its unloaded fields at a
//! placeholder value, readable only through [`Partial::get`], which checks at compile time that
//! the field was loaded (`Only<Fields>`: the field is listed; `Defer<Fields>`: it is not). The
//! primary key is always loaded, as in Django. [`Partial::load_all`] reads the whole row.
//! Fields with choices and typed (non-`Value`) JSON fields are read even when deferred, since no
//! placeholder decodes into their Rust type; they stay unreadable through `get` all the same.

use std::marker::PhantomData;

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_dsl::methods::SelectDsl;
use diesel::result::QueryResult;
use diesel::sql_types::{
    BigInt, Bool, Date, Double, Float, Integer, Nullable, SmallInt, SqlType, Text, Time,
};

use super::execute::Built;
use super::ordering::{ApplyOrder, ByName};
use super::slicing::ApplySlice;
use super::values::Pick;
use super::QuerySet;
use crate::db::{Executor, Load};
use crate::error::Result;
use crate::model::{Field, Instance, Model, PrimaryKey};
use crate::names::{NameChars, MAX_NAME_LEN};

/// What a placeholder for an unloaded column of this SQL type is, per backend.
pub trait Placeholder {
    /// SQLite.
    const SQLITE: &'static str;
    /// PostgreSQL (typed, so the binary protocol reads it as the column's type).
    const POSTGRES: &'static str;
}
macro_rules! placeholders {
    ($($t:ty => $s:literal, $p:literal;)*) => {$(
        impl Placeholder for $t {
            const SQLITE: &'static str = $s;
            const POSTGRES: &'static str = $p;
        }
    )*};
}
placeholders! {
    SmallInt => "0", "CAST(0 AS smallint)";
    Integer => "0", "CAST(0 AS integer)";
    BigInt => "0", "CAST(0 AS bigint)";
    Float => "0.0", "CAST(0 AS real)";
    Double => "0.0", "CAST(0 AS double precision)";
    Bool => "0", "FALSE";
    Text => "''", "CAST('' AS text)";
    Date => "'1970-01-01'", "CAST('1970-01-01' AS date)";
    Time => "'00:00:00'", "CAST('00:00:00' AS time)";
    crate::sql_types::DateTimeUtc => "'1970-01-01 00:00:00.000000+00:00'", "CAST('1970-01-01T00:00:00Z' AS timestamptz)";
    crate::sql_types::Json => "'null'", "CAST('null' AS jsonb)";
}
impl<const P: u32, const S: u32, const N: bool> Placeholder
    for crate::sql_types::FixedDecimal<P, S, N>
{
    const SQLITE: &'static str = "0";
    const POSTGRES: &'static str = "CAST(0 AS numeric)";
}
impl<T: SqlType> Placeholder for Nullable<T> {
    const SQLITE: &'static str = "NULL";
    const POSTGRES: &'static str = "NULL";
}

/// A column, or the placeholder for its type when the column is not loaded.
#[derive(Debug, Clone, Copy)]
pub struct MaybeColumn<C> {
    column: C,
    loaded: bool,
}

impl<C> MaybeColumn<C> {
    /// `column`, or its placeholder when `loaded` is false.
    pub fn new(column: C, loaded: bool) -> Self {
        MaybeColumn { column, loaded }
    }
}

impl<C: diesel::Expression> diesel::Expression for MaybeColumn<C> {
    type SqlType = C::SqlType;
}

#[cfg(feature = "sqlite")]
impl<C> QueryFragment<diesel::sqlite::Sqlite> for MaybeColumn<C>
where
    C: QueryFragment<diesel::sqlite::Sqlite> + diesel::Expression,
    C::SqlType: Placeholder,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        if self.loaded {
            self.column.walk_ast(out)
        } else {
            out.push_sql(<C::SqlType as Placeholder>::SQLITE);
            Ok(())
        }
    }
}

#[cfg(feature = "postgres")]
impl<C> QueryFragment<diesel::pg::Pg> for MaybeColumn<C>
where
    C: QueryFragment<diesel::pg::Pg> + diesel::Expression,
    C::SqlType: Placeholder,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        if self.loaded {
            self.column.walk_ast(out)
        } else {
            out.push_sql(<C::SqlType as Placeholder>::POSTGRES);
            Ok(())
        }
    }
}

impl<C> QueryId for MaybeColumn<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<C: diesel::expression::ValidGrouping<G>, G> diesel::expression::ValidGrouping<G>
    for MaybeColumn<C>
{
    type IsAggregate = C::IsAggregate;
}
impl<C: diesel::AppearsOnTable<QS>, QS: ?Sized> diesel::AppearsOnTable<QS> for MaybeColumn<C> where
    Self: diesel::Expression
{
}
impl<C: diesel::SelectableExpression<QS>, QS: ?Sized> diesel::SelectableExpression<QS>
    for MaybeColumn<C>
where
    Self: diesel::AppearsOnTable<QS>,
{
}

/// A model that can load some of its columns (the derive implements it).
pub trait Deferrable {
    /// Every column, each possibly a placeholder.
    type DeferSelect: diesel::Expression + Copy;
    /// The select clause loading the fields for which `loaded(name)` is true (and the pk).
    fn defer_select(loaded: &dyn Fn(&str) -> bool) -> Self::DeferSelect;
}

/// Names of fields, as a list of `Pick<Name>` (a single one or a tuple).
pub trait FieldList {
    /// The names, as const character arrays.
    const CHARS: &'static [[char; MAX_NAME_LEN]];
}

impl<N: NameChars> FieldList for Pick<N> {
    const CHARS: &'static [[char; MAX_NAME_LEN]] = &[N::CHARS];
}

macro_rules! tuple_list {
    ($($t:ident),+) => {
        impl<$($t: NameChars),+> FieldList for ($(Pick<$t>,)+) {
            const CHARS: &'static [[char; MAX_NAME_LEN]] = &[$($t::CHARS),+];
        }
    };
}
tuple_list!(A, B);
tuple_list!(A, B, C);
tuple_list!(A, B, C, D);
tuple_list!(A, B, C, D, E);
tuple_list!(A, B, C, D, E, F);
tuple_list!(A, B, C, D, E, F, G);
tuple_list!(A, B, C, D, E, F, G, H);

/// Load only fields `L` (and the primary key): `only!(qs, a, b)`.
#[derive(Debug, Clone, Copy)]
pub struct Only<L>(PhantomData<fn() -> L>);
/// Load every field except `L`: `defer!(qs, a, b)`.
#[derive(Debug, Clone, Copy)]
pub struct Defer<L>(PhantomData<fn() -> L>);

const fn same(a: &[char; MAX_NAME_LEN], b: &[char; MAX_NAME_LEN]) -> bool {
    let mut i = 0;
    while i < MAX_NAME_LEN {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn listed(list: &[[char; MAX_NAME_LEN]], name: &[char; MAX_NAME_LEN]) -> bool {
    let mut i = 0;
    while i < list.len() {
        if same(&list[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

fn chars_of(name: &str) -> [char; MAX_NAME_LEN] {
    let mut out = ['\0'; MAX_NAME_LEN];
    for (slot, ch) in out.iter_mut().zip(name.chars()) {
        *slot = ch;
    }
    out
}

/// Which fields a [`Partial`] has: [`Only`] or [`Defer`].
pub trait LoadSpec {
    /// `Only`: the list is what is loaded; `Defer`: what is not.
    const ONLY: bool;
    /// The listed fields.
    const LIST: &'static [[char; MAX_NAME_LEN]];
    /// Whether the field named `name` is loaded (primary keys are handled by the caller).
    fn loads(name: &str) -> bool {
        Self::ONLY == listed(Self::LIST, &chars_of(name))
    }
}

impl<L: FieldList> LoadSpec for Only<L> {
    const ONLY: bool = true;
    const LIST: &'static [[char; MAX_NAME_LEN]] = L::CHARS;
}

impl<L: FieldList> LoadSpec for Defer<L> {
    const ONLY: bool = false;
    const LIST: &'static [[char; MAX_NAME_LEN]] = L::CHARS;
}

/// A row of `M` loaded by `only!`/`defer!`. See the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial<M, Spec> {
    row: M,
    _spec: PhantomData<fn() -> Spec>,
}

impl<M: Model + PrimaryKey, Spec: LoadSpec> Partial<M, Spec>
where
    M::Name: NameChars,
{
    /// The value of a loaded field: `row.get(field!(name))`. Reading a field that was not
    /// loaded does not compile.
    pub fn get<N>(&self, _field: ByName<N>) -> &<M as Field<N>>::Type
    where
        M: Field<N>,
        N: NameChars,
    {
        const {
            assert!(
                Spec::ONLY == listed(Spec::LIST, &N::CHARS) || same(&N::CHARS, &<M::Name as NameChars>::CHARS),
                "this field was not loaded: only()/defer() left it out; read it after `load_all(conn)`"
            )
        };
        <M as Field<N>>::get(&self.row)
    }

    /// The primary key (always loaded).
    pub fn pk(&self) -> Option<M::PkValue> {
        self.row.pk()
    }

    /// Reads the whole row and returns the complete instance (Django loads deferred fields on
    /// access; dorm asks for the query explicitly).
    pub fn load_all<C: Executor>(self, conn: &mut C) -> Result<M> {
        let mut row = self.row;
        row.refresh_from_db(conn)?;
        Ok(row)
    }
}

/// A QuerySet that loads only some fields.
#[must_use = "a QuerySet does nothing until `fetch(conn)`"]
pub struct PartialQuerySet<M: Model, W, O, S, Spec> {
    qs: QuerySet<M, W, O, S>,
    _spec: PhantomData<fn() -> Spec>,
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// Loads only fields `L` and the primary key (Django's `only`); written `only!(qs, a, b)`.
    pub fn only<L: FieldList>(self) -> PartialQuerySet<M, W, O, S, Only<L>> {
        PartialQuerySet {
            qs: self.forget_joins(),
            _spec: PhantomData,
        }
    }

    /// Loads every field except `L` (Django's `defer`); written `defer!(qs, a, b)`.
    pub fn defer<L: FieldList>(self) -> PartialQuerySet<M, W, O, S, Defer<L>> {
        PartialQuerySet {
            qs: self.forget_joins(),
            _spec: PhantomData,
        }
    }
}

/// The diesel query a [`PartialQuerySet`] runs.
pub type PartialQuery<M, W, O, S> =
    Built<M, diesel::dsl::Select<W, <M as Deferrable>::DeferSelect>, O, S>;

impl<M: Model, W: Clone, O: Clone, S: Clone, Spec> Clone for PartialQuerySet<M, W, O, S, Spec> {
    fn clone(&self) -> Self {
        PartialQuerySet {
            qs: self.qs.clone(),
            _spec: PhantomData,
        }
    }
}

impl<M: Model, W, O, S, Spec: LoadSpec> super::ShapeQuery for PartialQuerySet<M, W, O, S, Spec>
where
    W: SelectDsl<M::DeferSelect>,
    O: ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>,
    S: ApplySlice<O::Out>,
{
    type Query = PartialQuery<M, W, O, S>;
    fn into_query(self) -> Self::Query {
        self.into_diesel()
    }
}

/// The QuerySet `qs` a verb reads (`first`, `last`, `get`), loading what `Spec` says.
fn reading<M: Model, W, O, S, Spec>(qs: QuerySet<M, W, O, S>) -> PartialQuerySet<M, W, O, S, Spec> {
    PartialQuerySet {
        qs,
        _spec: PhantomData,
    }
}

impl<M: Model, W, O, S, Spec: LoadSpec> PartialQuerySet<M, W, O, S, Spec> {
    /// The diesel query.
    pub fn into_diesel(self) -> PartialQuery<M, W, O, S>
    where
        W: SelectDsl<M::DeferSelect>,
        O: ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>,
        S: ApplySlice<O::Out>,
    {
        let pk = M::META.pk().map(|f| f.name).unwrap_or("");
        let select = M::defer_select(&|name: &str| name == pk || Spec::loads(name));
        let qs = self.qs;
        qs.slice.apply(qs.order.apply(qs.query.select(select)))
    }

    /// Runs the query.
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<Partial<M, Spec>>>
    where
        W: SelectDsl<M::DeferSelect>,
        O: ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>,
        S: ApplySlice<O::Out>,
        C: Load<'q, PartialQuery<M, W, O, S>, M>,
    {
        let rows = conn.load_rows(self.into_diesel())?;
        Ok(rows
            .into_iter()
            .map(|row| Partial {
                row,
                _spec: PhantomData,
            })
            .collect())
    }

    /// The first row in the QuerySet's ordering, or by primary key when it has none
    /// (Django's `only(...).first()`).
    pub fn first<'q, C>(self, conn: &mut C) -> Result<Option<Partial<M, Spec>>>
    where
        O: super::FirstOrder<M>,
        S: super::Slice,
        W: SelectDsl<M::DeferSelect>,
        O::Out: ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>,
        super::Sliced:
            ApplySlice<<O::Out as ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>>::Out>,
        C: Load<'q, PartialQuery<M, W, O::Out, super::Sliced>, M>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        Ok(reading::<_, _, _, _, Spec>(self.qs.for_first())
            .fetch(conn)?
            .pop())
    }

    /// The last row: the ordering reversed, or by primary key descending (Django's `last()`).
    pub fn last<'q, C>(self, conn: &mut C) -> Result<Option<Partial<M, Spec>>>
    where
        O: super::LastOrder<M>,
        S: super::Reorderable,
        W: SelectDsl<M::DeferSelect>,
        O::Out: ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>,
        super::Sliced:
            ApplySlice<<O::Out as ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>>::Out>,
        C: Load<'q, PartialQuery<M, W, O::Out, super::Sliced>, M>,
    {
        if S::NO_ROWS {
            return Ok(None);
        }
        Ok(reading::<_, _, _, _, Spec>(self.qs.for_last())
            .fetch(conn)?
            .pop())
    }

    /// The one row the QuerySet matches (Django's `get()`): [`Error::DoesNotExist`] when there
    /// is none, [`Error::MultipleObjectsReturned`] when there are several.
    ///
    /// [`Error::DoesNotExist`]: crate::Error::DoesNotExist
    /// [`Error::MultipleObjectsReturned`]: crate::Error::MultipleObjectsReturned
    pub fn get<'q, C>(self, conn: &mut C) -> Result<Partial<M, Spec>>
    where
        S: super::Whole,
        W: Clone + SelectDsl<M::DeferSelect> + SelectDsl<diesel::dsl::CountStar>,
        super::Sliced: ApplySlice<diesel::dsl::Select<W, M::DeferSelect>>,
        C: Load<'q, PartialQuery<M, W, super::Unordered, super::Sliced>, M>
            + Load<'q, diesel::dsl::Select<W, diesel::dsl::CountStar>, i64>,
    {
        if S::NO_ROWS {
            return Err(crate::Error::DoesNotExist {
                model: M::META.name,
            });
        }
        let (counting, qs) = self.qs.for_get();
        let rows = reading::<_, _, _, _, Spec>(qs).fetch(conn)?;
        super::execute::the_one_row::<M, _>(rows, || {
            Ok(conn
                .load_rows(counting.select(diesel::dsl::count_star()))?
                .pop())
        })
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        W: SelectDsl<M::DeferSelect>,
        O: ApplyOrder<M, diesel::dsl::Select<W, M::DeferSelect>>,
        S: ApplySlice<O::Out>,
        PartialQuery<M, W, O, S>: super::SqlFor,
    {
        super::SqlFor::sql_for(&self.into_diesel(), vendor)
    }
}
