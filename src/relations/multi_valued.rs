//! `values!` spanning a multi-valued relationship (a reverse foreign key or a many-to-many): Django's
//! `Writer.objects.values("name", "novel__title")`, one row per writer *and* novel, joined.
//!
//! Naming a field across a reverse foreign key (`novel__title`, the relation's query name:
//! its `related_name`, or the model's name in lower case) in `values!` turns the projection
//! into a join, as in Django: every row of the QuerySet comes back once per related row, and
//! once with `None`s when it has none (`LEFT OUTER JOIN`). Fields of the QuerySet's own model
//! load as they are; fields across the reverse relation load as `Option`s; fields across
//! foreign keys stay correlated subqueries, as in a plain `values!`.
//!
//! ```sql
//! SELECT "writer"."name", "T1"."title"
//! FROM (SELECT ... FROM "writer" WHERE ... ORDER BY ...) AS "writer"
//! LEFT OUTER JOIN "novel" AS "T1" ON "T1"."writer_id" = "writer"."id"
//! ORDER BY ...
//! ```
//!
//! As with `select_related!`, the QuerySet's own query (its filters and ordering) is a
//! derived table named like its table, so its conditions mean what they meant, and its
//! ordering is repeated outside. Several fields of one relation share one join; two reverse
//! relations multiply each other's rows, as Django's joins do. The QuerySet is not sliced
//! (Django would slice the joined rows; take the rows you need from the result), and a path
//! ends at the related model's own field (`novel__title`) or at a path across foreign keys from
//! it (`novel__writer__name`, read from the joined row), not past a second multi-valued
//! relation (`novel__tags__label` does not compile yet). A
//! many-to-many relation (`tags__label`, or the reverse `novel__title` from a tag) joins its
//! join table under `J1`, `J2`, ... and the related table under `T1`, `T2`, ....
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::ForeignKey;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Writer { pub id: Auto<i64>, #[dorm(max_length = 50)] pub name: String }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Novel {
//!     pub id: Auto<i64>,
//!     #[dorm(on_delete = cascade)]
//!     pub writer: ForeignKey<Writer>,
//!     #[dorm(max_length = 100)]
//!     pub title: String,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Writer::META, Novel::META], &mut conn)?;
//! let ann = Writer::objects().create(Writer { name: "Ann".into(), ..Default::default() }, &mut conn)?;
//! Writer::objects().create(Writer { name: "Bob".into(), ..Default::default() }, &mut conn)?;
//! for title in ["Emma", "Persuasion"] {
//!     let novel = Novel { writer: ForeignKey::to(&ann)?, title: title.into(), ..Default::default() };
//!     Novel::objects().create(novel, &mut conn)?;
//! }
//!
//! // One query, one row per writer and novel; Bob has none.
//! let mut rows: Vec<(String, Option<String>)> =
//!     dorm::values!(Writer::objects(), name, novel__title).fetch(&mut conn)?;
//! rows.sort();
//! assert_eq!(
//!     rows,
//!     [
//!         ("Ann".into(), Some("Emma".into())),
//!         ("Ann".into(), Some("Persuasion".into())),
//!         ("Bob".into(), None),
//!     ]
//! );
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSqlRow};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::row::Row;
use diesel::sql_types::{IntoNullable, SingleValue, SqlType};
use diesel::Expression;

use super::across::{self, Across, AcrossPlan, AcrossRest, Hop, PickAcross};
use super::many_to_many::{Direction, ManyToManyField, ManyToManyVia};
use super::path::{ForeignKeyTo, PathStep, ReverseOf};
use super::select_related::{
    push_alias, push_derived_table, push_join, JoinStep, OuterOrder, OuterOrderOf,
};
use crate::db::Load;
use crate::error::Result;
use crate::fields::__const_str_eq as same_text;
use crate::lookups::Operand;
use crate::model::{Field, Model};
use crate::names::NameChars;
use crate::queryset::execute::Built;
use crate::queryset::{ApplyOrder, ApplySlice, Pick, QuerySet, SqlFor, Unsliced, ValuesList};

/// Whether a projection needs a join: [`Joined`] or [`NotJoined`]; it decides what
/// `values!` builds.
pub trait JoinFlag {
    /// `Self` or `X`: [`Joined`] when either is.
    type Or<X: JoinFlag>: JoinFlag;
    /// The projection of the fields `C` of a `QuerySet<M, W, O, S, Jn>`.
    type Out<M: Model, W, O, S, C, Jn>;
    /// Builds it.
    fn project<M: Model, W, O, S, C, Jn>(
        qs: QuerySet<M, W, O, S, Jn>,
    ) -> Self::Out<M, W, O, S, C, Jn>;
}

/// The projection spans a multi-valued relation: a [`SpanningValues`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Joined;
/// The projection reads the QuerySet's own rows (and single-valued relations) only: a
/// [`ValuesList`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NotJoined;

impl JoinFlag for Joined {
    type Or<X: JoinFlag> = Joined;
    type Out<M: Model, W, O, S, C, Jn> = SpanningValues<M, W, O, S, C>;
    fn project<M: Model, W, O, S, C, Jn>(
        qs: QuerySet<M, W, O, S, Jn>,
    ) -> SpanningValues<M, W, O, S, C> {
        SpanningValues {
            qs: qs.forget_joins(),
            _columns: PhantomData,
        }
    }
}
impl JoinFlag for NotJoined {
    type Or<X: JoinFlag> = X;
    type Out<M: Model, W, O, S, C, Jn> = ValuesList<M, W, O, S, C, Jn>;
    fn project<M: Model, W, O, S, C, Jn>(
        qs: QuerySet<M, W, O, S, Jn>,
    ) -> ValuesList<M, W, O, S, C, Jn> {
        ValuesList {
            qs,
            _columns: PhantomData,
        }
    }
}

/// Where a picked column is read in the joined query: fixed by the types, so the plan is a
/// constant and building the query allocates nothing.
#[derive(Debug, Clone, Copy)]
pub enum SpannedColumn {
    /// A column of the QuerySet's own rows.
    Base(&'static str),
    /// A column of the rows of a reverse relation: its table, the column that joins it to the
    /// QuerySet's primary key, and the column read.
    Related {
        /// The related table.
        table: &'static str,
        /// Its column holding the QuerySet's primary key.
        joined_on: &'static str,
        /// The column read.
        column: &'static str,
        /// A path across foreign keys from the related row, read instead of `column` (which
        /// is then empty): `novel__owner__name` from a writer.
        then: Option<ForwardPlan>,
    },
    /// A column of the rows of a many-to-many relation: the join table and its columns, then
    /// the related table, its primary key and the column read.
    Many {
        /// The join table.
        join: &'static str,
        /// Its column holding the QuerySet's primary key.
        source: &'static str,
        /// Its column holding the related row's key.
        target: &'static str,
        /// The related table.
        table: &'static str,
        /// Its primary key.
        pk: &'static str,
        /// The column read.
        column: &'static str,
        /// A path across foreign keys from the related row (see `Related`).
        then: Option<ForwardPlan>,
    },
    /// A field across foreign keys: a correlated subquery (see `order_by!` across relations),
    /// planned when it is rendered.
    Forward(ForwardPlan),
}

impl SpannedColumn {
    /// What identifies the relation a joined column reads (two columns of one relation share
    /// its join): the joined table and the column it joins on.
    const fn relation(&self) -> Option<(&'static str, &'static str)> {
        match *self {
            SpannedColumn::Related {
                table, joined_on, ..
            } => Some((table, joined_on)),
            SpannedColumn::Many { join, source, .. } => Some((join, source)),
            SpannedColumn::Base(_) | SpannedColumn::Forward(_) => None,
        }
    }
}

/// The plan of a field across foreign keys: the base row's key column, and each hop with the
/// column read there ([`AcrossPlan::plan`]).
pub type ForwardPlan = fn() -> (&'static str, Vec<(Hop, &'static str)>);

/// For each column, the number of the join it reads (`T1`, `T2`, ... in the order the
/// relations first appear; 0 for a column of the QuerySet's own rows): one join per relation.
pub const fn join_numbers<const N: usize>(columns: &[SpannedColumn]) -> [u8; N] {
    let mut numbers = [0u8; N];
    let mut joins = 0u8;
    let mut i = 0;
    while i < N {
        if let Some((table, joined_on)) = columns[i].relation() {
            let mut j = 0;
            while j < i {
                if let Some((t, o)) = columns[j].relation() {
                    if same_text(t, table) && same_text(o, joined_on) {
                        numbers[i] = numbers[j];
                        break;
                    }
                }
                j += 1;
            }
            if numbers[i] == 0 {
                joins += 1;
                numbers[i] = joins;
            }
        }
        i += 1;
    }
    numbers
}

/// Fields (`Pick<name>`, `PickAcross<path>`, or a tuple of them) that `values!` can read
/// from the rows of `M` joined with its reverse relations.
#[diagnostic::on_unimplemented(
    message = "Cannot resolve these values! fields on `{M}`",
    label = "each name must be a field of the model, a field across its foreign keys (`blog__name`), or a field of a reverse relation (`entry__headline`)",
    note = "Django: FieldError: Cannot resolve keyword into field"
)]
pub trait SpanningColumns<M> {
    /// SQL type of a row.
    type SqlType;
    /// Rust type of a row.
    type Row;
    /// Whether any of the fields needs a join.
    type Flag: JoinFlag;
    /// Where each column is read.
    const COLUMNS: &'static [SpannedColumn];
    /// The join each column reads ([`join_numbers`]).
    const JOINS: &'static [u8];
}

/// One field of a `values!` call (not a tuple of them).
pub trait SpanningField<M>: SpanningColumns<M> {
    /// Where it is read.
    const COLUMN: SpannedColumn;
}

impl<M: Field<N>, N> SpanningColumns<M> for Pick<N> {
    type SqlType = <<M as Field<N>>::Column as Expression>::SqlType;
    type Row = <M as Field<N>>::Value;
    type Flag = NotJoined;
    const COLUMNS: &'static [SpannedColumn] = &[<Self as SpanningField<M>>::COLUMN];
    const JOINS: &'static [u8] = &[0];
}
impl<M: Field<N>, N> SpanningField<M> for Pick<N> {
    const COLUMN: SpannedColumn = SpannedColumn::Base(<M as Field<N>>::FIELD.column);
}

/// How a `values!` path continues past `Head`, a relation of kind `Self` on `M`.
#[diagnostic::on_unimplemented(
    message = "values! cannot follow `{Head}` of `{M}` here",
    label = "a path continues past a ForeignKey, or ends at a field of a reverse relation",
    note = "Django: FieldError: Cannot resolve keyword into field"
)]
pub trait SpanKind<M, Head, Rest> {
    /// SQL type of the value.
    type SqlType;
    /// Rust type of the value.
    type Row;
    /// Whether it needs a join.
    type Flag: JoinFlag;
    /// Where it is read.
    const COLUMN: SpannedColumn;
}

impl<M, Head, Rest> SpanningColumns<M> for PickAcross<Across<Head, Rest>>
where
    M: PathStep<Head>,
    <M as PathStep<Head>>::Kind: SpanKind<M, Head, Rest>,
{
    type SqlType = <<M as PathStep<Head>>::Kind as SpanKind<M, Head, Rest>>::SqlType;
    type Row = <<M as PathStep<Head>>::Kind as SpanKind<M, Head, Rest>>::Row;
    type Flag = <<M as PathStep<Head>>::Kind as SpanKind<M, Head, Rest>>::Flag;
    const COLUMNS: &'static [SpannedColumn] = &[<Self as SpanningField<M>>::COLUMN];
    const JOINS: &'static [u8] = &join_numbers::<1>(<Self as SpanningColumns<M>>::COLUMNS);
}
impl<M, Head, Rest> SpanningField<M> for PickAcross<Across<Head, Rest>>
where
    M: PathStep<Head>,
    <M as PathStep<Head>>::Kind: SpanKind<M, Head, Rest>,
{
    const COLUMN: SpannedColumn = <<M as PathStep<Head>>::Kind as SpanKind<M, Head, Rest>>::COLUMN;
}

/// Across a foreign key: the value of the related row, as a plain `values!` reads it.
impl<M, Head, Rest, T> SpanKind<M, Head, Rest> for ForeignKeyTo<T>
where
    M: Model,
    T: Model,
    Rest: AcrossRest<T>,
    Across<Head, Rest>: AcrossPlan<M> + Operand<M>,
{
    type SqlType = <Across<Head, Rest> as Operand<M>>::SqlType;
    type Row = Rest::Value;
    type Flag = NotJoined;
    const COLUMN: SpannedColumn =
        SpannedColumn::Forward(<Across<Head, Rest> as AcrossPlan<M>>::plan);
}

/// Across a reverse foreign key: a field of the rows pointing at this one, joined.
impl<M, Head, N, S, Fk, FkName> SpanKind<M, Head, N> for ReverseOf<S, Fk, FkName>
where
    M: Model,
    S: Model + Field<N> + Field<FkName>,
    N: NameChars,
    <<S as Field<N>>::Column as Expression>::SqlType: IntoNullable,
{
    type SqlType = <<<S as Field<N>>::Column as Expression>::SqlType as IntoNullable>::Nullable;
    type Row = <S as Field<N>>::OptionalValue;
    type Flag = Joined;
    const COLUMN: SpannedColumn = SpannedColumn::Related {
        table: S::DB_TABLE,
        joined_on: <S as Field<FkName>>::FIELD.column,
        column: <S as Field<N>>::FIELD.column,
        then: None,
    };
}

/// Across a many-to-many relation: a field of the related rows, joined through the join table.
impl<M, Head, N, O, D, NF> SpanKind<M, Head, N> for ManyToManyVia<O, D, NF>
where
    M: Model,
    O: ManyToManyField<NF>,
    D: Direction<O, NF, Source = M>,
    D::Target: Field<N>,
    N: NameChars,
    <<D::Target as Field<N>>::Column as Expression>::SqlType: IntoNullable,
{
    type SqlType =
        <<<D::Target as Field<N>>::Column as Expression>::SqlType as IntoNullable>::Nullable;
    type Row = <D::Target as Field<N>>::OptionalValue;
    type Flag = Joined;
    const COLUMN: SpannedColumn = SpannedColumn::Many {
        join: O::JOIN_TABLE,
        source: <D::SourceColumn as diesel::Column>::NAME,
        target: <D::TargetColumn as diesel::Column>::NAME,
        table: <D::Target as Model>::DB_TABLE,
        pk: <D::Target as Model>::PK_COLUMN,
        column: <D::Target as Field<N>>::FIELD.column,
        then: None,
    };
}

/// Across a reverse foreign key, then foreign keys from the related rows (`entries__blog__name`):
/// the value read from the joined row, as a plain `values!` reads a path across foreign keys.
impl<M, Head, H, R, S, Fk, FkName> SpanKind<M, Head, Across<H, R>> for ReverseOf<S, Fk, FkName>
where
    M: Model,
    S: Model + Field<FkName>,
    Across<H, R>: AcrossPlan<S> + Operand<S> + AcrossRest<S>,
{
    type SqlType = <Across<H, R> as Operand<S>>::SqlType;
    type Row = <Across<H, R> as AcrossRest<S>>::Value;
    type Flag = Joined;
    const COLUMN: SpannedColumn = SpannedColumn::Related {
        table: S::DB_TABLE,
        joined_on: <S as Field<FkName>>::FIELD.column,
        column: "",
        then: Some(<Across<H, R> as AcrossPlan<S>>::plan),
    };
}

/// Across a many-to-many relation, then foreign keys from the related rows
/// (`tags__creator__name`).
impl<M, Head, H, R, O, D, NF> SpanKind<M, Head, Across<H, R>> for ManyToManyVia<O, D, NF>
where
    M: Model,
    O: ManyToManyField<NF>,
    D: Direction<O, NF, Source = M>,
    Across<H, R>: AcrossPlan<D::Target> + Operand<D::Target> + AcrossRest<D::Target>,
{
    type SqlType = <Across<H, R> as Operand<D::Target>>::SqlType;
    type Row = <Across<H, R> as AcrossRest<D::Target>>::Value;
    type Flag = Joined;
    const COLUMN: SpannedColumn = SpannedColumn::Many {
        join: O::JOIN_TABLE,
        source: <D::SourceColumn as diesel::Column>::NAME,
        target: <D::TargetColumn as diesel::Column>::NAME,
        table: <D::Target as Model>::DB_TABLE,
        pk: <D::Target as Model>::PK_COLUMN,
        column: "",
        then: Some(<Across<H, R> as AcrossPlan<D::Target>>::plan),
    };
}

macro_rules! spanning_tuple {
    ($($t:ident),+) => {
        impl<M, $($t: SpanningField<M>),+> SpanningColumns<M> for ($($t,)+) {
            type SqlType = ($($t::SqlType,)+);
            type Row = ($($t::Row,)+);
            type Flag = spanning_tuple!(@or $($t),+);
            const COLUMNS: &'static [SpannedColumn] = &[$($t::COLUMN),+];
            const JOINS: &'static [u8] =
                &join_numbers::<{ [$(stringify!($t)),+].len() }>(<Self as SpanningColumns<M>>::COLUMNS);
        }

        impl<M, DB: Backend, $($t: ReadSpanned<M, DB> + SpanningField<M>),+> ReadSpanned<M, DB>
            for ($($t,)+)
        {
            fn read<'a>(
                row: &impl Row<'a, DB>,
                at: &mut usize,
                previous: &mut Previous,
            ) -> deserialize::Result<Self::Row> {
                Ok(($($t::read(row, at, previous)?,)+))
            }
        }
    };
    (@or $a:ident) => { $a::Flag };
    (@or $a:ident $(, $t:ident)+) => {
        <$a::Flag as JoinFlag>::Or<spanning_tuple!(@or $($t),+)>
    };
}
spanning_tuple!(A, B);
spanning_tuple!(A, B, C);
spanning_tuple!(A, B, C, D);
spanning_tuple!(A, B, C, D, E);
spanning_tuple!(A, B, C, D, E, F);
spanning_tuple!(A, B, C, D, E, F, G);
spanning_tuple!(A, B, C, D, E, F, G, H);

/// What the previous column of a row showed: that the related row of this reverse relation
/// (the relation's type) is missing, or nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Previous {
    missing: Option<std::any::TypeId>,
}

/// A value that is `None` when its related row is missing (the `Option` a field across a
/// reverse relation loads as).
pub trait MaybeMissing: Default {
    /// Whether it is `None`.
    fn is_missing(&self) -> bool;
}

impl<T> MaybeMissing for Option<T> {
    fn is_missing(&self) -> bool {
        self.is_none()
    }
}

/// Reads the columns of `Self` from a row of a spanning `values!` query on backend `DB`.
///
/// A related row that is missing (the `LEFT OUTER JOIN` found none) shows as a NULL in a
/// NOT NULL column; the columns of the same relation after it are `None` without being read,
/// as diesel's `Option<(...)>` stops at the first NULL, so a row with no related row costs
/// what it costs diesel.
pub trait ReadSpanned<M, DB: Backend>: SpanningColumns<M> {
    /// Reads the columns from position `at`, advancing it.
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        previous: &mut Previous,
    ) -> deserialize::Result<Self::Row>;
}

/// Reads one column of `row` at `at` as diesel would, and moves past it.
fn read_column<'a, T: FromSqlRow<ST, DB>, ST, DB: Backend>(
    row: &impl Row<'a, DB>,
    at: &mut usize,
) -> deserialize::Result<T> {
    let value = T::build_from_row(&row.partial_row(*at..*at + 1));
    *at += 1;
    value
}

impl<M: Field<N>, N, DB: Backend> ReadSpanned<M, DB> for Pick<N>
where
    Self: SpanningColumns<M, Row = <M as Field<N>>::Value>,
    <M as Field<N>>::Loaded: FromSqlRow<<Self as SpanningColumns<M>>::SqlType, DB>,
{
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        previous: &mut Previous,
    ) -> deserialize::Result<Self::Row> {
        *previous = Previous::default();
        M::value_of(read_column(row, at)?)
    }
}

/// How a [`SpanKind`] reads its column (see [`ReadSpanned`]).
pub trait ReadSpanKind<M, Head, Rest, DB: Backend>: SpanKind<M, Head, Rest> {
    /// Reads the column at `at`, advancing it.
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        previous: &mut Previous,
    ) -> deserialize::Result<Self::Row>;
}

impl<M, Head, Rest, DB> ReadSpanned<M, DB> for PickAcross<Across<Head, Rest>>
where
    DB: Backend,
    M: PathStep<Head>,
    <M as PathStep<Head>>::Kind: ReadSpanKind<M, Head, Rest, DB>,
{
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        previous: &mut Previous,
    ) -> deserialize::Result<Self::Row> {
        <<M as PathStep<Head>>::Kind as ReadSpanKind<M, Head, Rest, DB>>::read(row, at, previous)
    }
}

impl<M, Head, Rest, T, DB> ReadSpanKind<M, Head, Rest, DB> for ForeignKeyTo<T>
where
    DB: Backend,
    T: Model,
    Rest: AcrossRest<T>,
    Self: SpanKind<M, Head, Rest, Row = Rest::Value>,
    Rest::Loaded: FromSqlRow<<Self as SpanKind<M, Head, Rest>>::SqlType, DB>,
{
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        previous: &mut Previous,
    ) -> deserialize::Result<Self::Row> {
        *previous = Previous::default();
        Rest::value_of(read_column(row, at)?)
    }
}

impl<M, Head, N, S, Fk, FkName, DB> ReadSpanKind<M, Head, N, DB> for ReverseOf<S, Fk, FkName>
where
    DB: Backend,
    N: NameChars,
    Self: 'static,
    M: Model,
    S: Model + Field<N> + Field<FkName>,
    Self: SpanKind<M, Head, N, Row = <S as Field<N>>::OptionalValue>,
    <S as Field<N>>::OptionalValue: MaybeMissing,
    <S as Field<N>>::OptionalLoaded: FromSqlRow<<Self as SpanKind<M, Head, N>>::SqlType, DB>,
{
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        previous: &mut Previous,
    ) -> deserialize::Result<Self::Row> {
        read_related::<S, N, Self, _, DB>(row, at, previous)
    }
}

impl<M, Head, N, O, D, NF, DB> ReadSpanKind<M, Head, N, DB> for ManyToManyVia<O, D, NF>
where
    DB: Backend,
    N: NameChars,
    Self: 'static,
    M: Model,
    O: ManyToManyField<NF>,
    D: Direction<O, NF, Source = M>,
    D::Target: Field<N>,
    Self: SpanKind<M, Head, N, Row = <D::Target as Field<N>>::OptionalValue>,
    <D::Target as Field<N>>::OptionalValue: MaybeMissing,
    <D::Target as Field<N>>::OptionalLoaded:
        FromSqlRow<<Self as SpanKind<M, Head, N>>::SqlType, DB>,
{
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        previous: &mut Previous,
    ) -> deserialize::Result<Self::Row> {
        read_related::<D::Target, N, Self, _, DB>(row, at, previous)
    }
}

/// A path across foreign keys from the rows of a reverse or many-to-many relation: read as a
/// path across foreign keys is (NULL where the relation has no row, as where the path has none).
impl<M, Head, H, R, S, Fk, FkName, DB> ReadSpanKind<M, Head, Across<H, R>, DB>
    for ReverseOf<S, Fk, FkName>
where
    DB: Backend,
    S: Model,
    Across<H, R>: AcrossRest<S>,
    Self: SpanKind<M, Head, Across<H, R>, Row = <Across<H, R> as AcrossRest<S>>::Value>,
    <Across<H, R> as AcrossRest<S>>::Loaded:
        FromSqlRow<<Self as SpanKind<M, Head, Across<H, R>>>::SqlType, DB>,
{
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        _: &mut Previous,
    ) -> deserialize::Result<Self::Row> {
        <Across<H, R> as AcrossRest<S>>::value_of(read_column(row, at)?)
    }
}

impl<M, Head, H, R, O, D, NF, DB> ReadSpanKind<M, Head, Across<H, R>, DB>
    for ManyToManyVia<O, D, NF>
where
    DB: Backend,
    O: ManyToManyField<NF>,
    D: Direction<O, NF, Source = M>,
    Across<H, R>: AcrossRest<D::Target>,
    Self: SpanKind<M, Head, Across<H, R>, Row = <Across<H, R> as AcrossRest<D::Target>>::Value>,
    <Across<H, R> as AcrossRest<D::Target>>::Loaded:
        FromSqlRow<<Self as SpanKind<M, Head, Across<H, R>>>::SqlType, DB>,
{
    fn read<'a>(
        row: &impl Row<'a, DB>,
        at: &mut usize,
        _: &mut Previous,
    ) -> deserialize::Result<Self::Row> {
        <Across<H, R> as AcrossRest<D::Target>>::value_of(read_column(row, at)?)
    }
}

/// Reads a column of a joined relation `R` (field `N` of `T`); the columns after a missing
/// related row are `None` unread (see [`ReadSpanned`]).
#[inline(always)]
fn read_related<'a, T, N, R, ST, DB>(
    row: &impl Row<'a, DB>,
    at: &mut usize,
    previous: &mut Previous,
) -> deserialize::Result<<T as Field<N>>::OptionalValue>
where
    DB: Backend,
    R: 'static,
    T: Field<N>,
    <T as Field<N>>::OptionalValue: MaybeMissing,
    <T as Field<N>>::OptionalLoaded: FromSqlRow<ST, DB>,
{
    let relation = std::any::TypeId::of::<R>();
    if previous.missing == Some(relation) {
        *at += 1;
        return Ok(Default::default());
    }
    let value = <T as Field<N>>::optional_value_of(read_column(row, at)?)?;
    // A NULL in a NOT NULL column: the join found no related row.
    let missing = !<T as Field<N>>::FIELD.null && value.is_missing();
    previous.missing = missing.then_some(relation);
    Ok(value)
}

/// The SQL type of a spanning `values!` row: one type standing for the columns of `C`, so
/// that dorm reads the row itself ([`SpannedRow`], [`ReadSpanned`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SpannedSql<M, C>(PhantomData<fn() -> (M, C)>);

impl<M: 'static, C: 'static> SqlType for SpannedSql<M, C> {
    type IsNull = diesel::sql_types::is_nullable::NotNull;
}
impl<M: 'static, C: 'static> SingleValue for SpannedSql<M, C> {}

/// A row of a spanning `values!` query as read: `C::Row`.
pub struct SpannedRow<M, C: SpanningColumns<M>>(pub C::Row);

macro_rules! spanned_rows_on {
    ($feature:literal, $db:ty) => {
        #[cfg(feature = $feature)]
        impl<M, C> FromSqlRow<SpannedSql<M, C>, $db> for SpannedRow<M, C>
        where
            C: ReadSpanned<M, $db>,
        {
            fn build_from_row<'a>(row: &impl Row<'a, $db>) -> deserialize::Result<Self> {
                C::read(row, &mut 0, &mut Previous::default()).map(SpannedRow)
            }
        }
        /// Column metadata: the columns' own (only MySQL's driver reads it).
        #[cfg(feature = $feature)]
        impl<M, C> diesel::expression::QueryMetadata<SpannedSql<M, C>> for $db
        where
            C: SpanningColumns<M>,
            $db: diesel::expression::QueryMetadata<C::SqlType>,
        {
            fn row_metadata(
                lookup: &mut Self::MetadataLookup,
                out: &mut Vec<Option<Self::TypeMetadata>>,
            ) {
                <$db as diesel::expression::QueryMetadata<C::SqlType>>::row_metadata(lookup, out)
            }
        }
    };
}
spanned_rows_on!("sqlite", diesel::sqlite::Sqlite);
spanned_rows_on!("postgres", diesel::pg::Pg);

/// The query of a [`SpanningValues`]: `Q` (the QuerySet's own query) as a derived table, the
/// reverse relations of `C` joined, its columns selected, the ordering `E` repeated outside.
#[derive(Debug, Clone)]
pub struct SpanningQuery<M, Q, E, C> {
    inner: Q,
    order: OuterOrder<E>,
    _types: PhantomData<fn() -> (M, C)>,
}

impl<M, Q, E, C: SpanningColumns<M>> SpanningQuery<M, Q, E, C> {
    /// `inner`, joined for `C`, ordered outside by `order`.
    pub fn new(inner: Q, order: Option<E>) -> Self {
        SpanningQuery {
            inner,
            order: OuterOrder(order),
            _types: PhantomData,
        }
    }
}

impl<M, Q, E, C, DB> QueryFragment<DB> for SpanningQuery<M, Q, E, C>
where
    DB: Backend,
    M: Model,
    C: SpanningColumns<M>,
    Q: QueryFragment<DB>,
    OuterOrder<E>: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let base = M::DB_TABLE;
        out.push_sql("SELECT ");
        for (i, (column, join)) in C::COLUMNS.iter().zip(C::JOINS).enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            match *column {
                SpannedColumn::Base(name) => {
                    push_alias(&mut out, base, None)?;
                    out.push_sql(".");
                    out.push_identifier(name)?;
                }
                SpannedColumn::Related { column, then, .. }
                | SpannedColumn::Many { column, then, .. } => match then {
                    Some(plan) => {
                        let (fk, hops) = plan();
                        let alias = super::alias::alias('T', usize::from(*join));
                        across::render(&mut out, &alias, fk, &hops)?;
                    }
                    None => {
                        push_alias(&mut out, base, Some(usize::from(*join) - 1))?;
                        out.push_sql(".");
                        out.push_identifier(column)?;
                    }
                },
                SpannedColumn::Forward(plan) => {
                    let (fk, hops) = plan();
                    across::render(&mut out, base, fk, &hops)?;
                }
            }
        }
        push_derived_table(&mut out, base, &self.inner)?;
        let mut joined = 0;
        for (column, join) in C::COLUMNS.iter().zip(C::JOINS) {
            if *join <= joined {
                continue;
            }
            match *column {
                SpannedColumn::Related {
                    table, joined_on, ..
                } => {
                    joined = *join;
                    let step = JoinStep {
                        table,
                        pk: joined_on,
                        fields: &[],
                        parent: None,
                        fk: M::PK_COLUMN,
                        left: true,
                    };
                    push_join(&mut out, base, usize::from(*join) - 1, &step)?;
                }
                SpannedColumn::Many {
                    join: join_table,
                    source,
                    target,
                    table,
                    pk,
                    ..
                } => {
                    joined = *join;
                    // The join table under "J<n>", then the related table under "T<n>".
                    let through = super::alias::alias('J', usize::from(*join));
                    out.push_sql(" LEFT OUTER JOIN ");
                    out.push_identifier(join_table)?;
                    out.push_sql(" AS ");
                    out.push_identifier(&through)?;
                    out.push_sql(" ON ");
                    out.push_identifier(&through)?;
                    out.push_sql(".");
                    out.push_identifier(source)?;
                    out.push_sql(" = ");
                    out.push_identifier(base)?;
                    out.push_sql(".");
                    out.push_identifier(M::PK_COLUMN)?;
                    out.push_sql(" LEFT OUTER JOIN ");
                    out.push_identifier(table)?;
                    out.push_sql(" AS ");
                    push_alias(&mut out, base, Some(usize::from(*join) - 1))?;
                    out.push_sql(" ON ");
                    push_alias(&mut out, base, Some(usize::from(*join) - 1))?;
                    out.push_sql(".");
                    out.push_identifier(pk)?;
                    out.push_sql(" = ");
                    out.push_identifier(&through)?;
                    out.push_sql(".");
                    out.push_identifier(target)?;
                }
                SpannedColumn::Base(_) | SpannedColumn::Forward(_) => {}
            }
        }
        self.order.walk_ast(out.reborrow())
    }
}

/// The SQL is fixed by the types (the model, the fields, the inner query's and the ordering's
/// own ids), so diesel caches the prepared statement by type.
impl<M, Q, E, C> QueryId for SpanningQuery<M, Q, E, C>
where
    M: 'static,
    C: 'static,
    Q: QueryId,
    E: QueryId,
{
    type QueryId = SpanningQuery<M, Q::QueryId, E::QueryId, C>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID && E::HAS_STATIC_QUERY_ID;
}

impl<M: 'static, Q, E, C: 'static> Query for SpanningQuery<M, Q, E, C> {
    type SqlType = SpannedSql<M, C>;
}

impl<M, Q, E, C, Conn> diesel::RunQueryDsl<Conn> for SpanningQuery<M, Q, E, C> {}

/// The query a [`SpanningValues`] runs.
pub type SpanningBuilt<M, W, O, S, C> =
    SpanningQuery<M, Built<M, W, O, S>, <O as OuterOrderOf<M>>::Expr, C>;

/// A QuerySet that `values!` across a reverse relation can join: one that is not sliced.
#[diagnostic::on_unimplemented(
    message = "Cannot use values!() across a reverse relation on a sliced QuerySet",
    label = "the QuerySet is sliced",
    note = "the related rows are joined to the QuerySet's rows, and Django slices the joined rows: slice the result instead"
)]
pub trait JoinableSlice {}
#[diagnostic::do_not_recommend]
impl JoinableSlice for Unsliced {}

/// `values!` naming fields across a reverse relation: the QuerySet's rows joined with the
/// related rows (see the module docs). Run with [`fetch`](Self::fetch).
#[must_use = "a projection does nothing until `fetch(conn)`"]
pub struct SpanningValues<M: Model, W, O, S, C> {
    qs: QuerySet<M, W, O, S>,
    _columns: PhantomData<fn() -> C>,
}

impl<M: Model, W: Clone, O: Clone, S: Clone, C> Clone for SpanningValues<M, W, O, S, C> {
    fn clone(&self) -> Self {
        SpanningValues {
            qs: self.qs.clone(),
            _columns: PhantomData,
        }
    }
}

impl<M: Model, W, O, S, C: SpanningColumns<M>> crate::queryset::ShapeQuery
    for SpanningValues<M, W, O, S, C>
where
    S: JoinableSlice + ApplySlice<O::Out>,
    O: ApplyOrder<M, W> + OuterOrderOf<M>,
{
    type Query = SpanningBuilt<M, W, O, S, C>;
    fn into_query(self) -> Self::Query {
        self.into_diesel()
    }
}

impl<M: Model, W, O, S, C: SpanningColumns<M>> SpanningValues<M, W, O, S, C> {
    /// The diesel query.
    pub fn into_diesel(self) -> SpanningBuilt<M, W, O, S, C>
    where
        S: JoinableSlice + ApplySlice<O::Out>,
        O: ApplyOrder<M, W> + OuterOrderOf<M>,
    {
        let outer = self.qs.order.outer();
        SpanningQuery::new(self.qs.into_diesel(), outer)
    }

    /// Runs the query: one `C::Row` per row and related row (and one per row without any).
    pub fn fetch<'q, Conn>(self, conn: &mut Conn) -> Result<Vec<C::Row>>
    where
        S: JoinableSlice + ApplySlice<O::Out>,
        O: ApplyOrder<M, W> + OuterOrderOf<M>,
        Conn: Load<'q, SpanningBuilt<M, W, O, S, C>, SpannedRow<M, C>>,
    {
        Ok(conn.load_rows_with(self.into_diesel(), |row| Ok(row.0))?)
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        S: JoinableSlice + ApplySlice<O::Out>,
        O: ApplyOrder<M, W> + OuterOrderOf<M>,
        SpanningBuilt<M, W, O, S, C>: SqlFor,
    {
        self.into_diesel().sql_for(vendor)
    }
}
