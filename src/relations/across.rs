//! A field reached across foreign keys as a value of the base row (`order_by!(qs, blog__name)`):
//! a correlated scalar subquery per hop, each table under its own alias, so self-references
//! (`boss__boss__name`) need nothing special and the base rows never repeat:
//!
//! ```sql
//! ORDER BY (SELECT "U1"."name" FROM "blog" AS "U1" WHERE "U1"."id" = "entry"."blog_id") ASC
//! ```
//!
//! A missing related row (a NULL key) gives NULL, which orders as the backend orders NULLs
//! (`nulls_first()`/`nulls_last()` decide explicitly).

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{IntoNullable, SingleValue, SqlType};

use super::path::{ForeignKeyTo, PathStep};
use crate::lookups::Operand;
use crate::model::{Field, Model};

/// `Head__Rest`: the field `Rest` of the model the foreign key `Head` points at (written by
/// `order_by!` for `blog__name`; `Rest` is a name or another `Across`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Across<Head, Rest>(PhantomData<fn() -> (Head, Rest)>);

/// One hop of an [`Across`] path: the table reached and its key.
#[derive(Debug, Clone, Copy)]
pub struct Hop {
    table: &'static str,
    pk: &'static str,
}

/// How a path continues past a field of kind `Self` when it is read as a value.
#[diagnostic::on_unimplemented(
    message = "Cannot order by `{Head}` of `{M}` across a relation: it is not a ForeignKey or OneToOne",
    label = "`__` after this field needs a ForeignKey",
    note = "Django: FieldError: Join on field not permitted / Cannot resolve keyword into field"
)]
pub trait AcrossKind<M, Head> {
    /// The model the key points at.
    type Target: Model;
}

impl<M, Head, T: Model> AcrossKind<M, Head> for ForeignKeyTo<T> {
    type Target = T;
}

/// The rest of an [`Across`] path, read on model `T`: a field name, or another hop.
pub trait AcrossRest<T: Model> {
    /// The SQL type of the value at the end of the path.
    type SqlType: SqlType + SingleValue;
    /// The Rust type it loads as when the related row may be missing (`values!`).
    type Value: 'static;
    /// What it is read as ([`Field::OptionalLoaded`] of the final field).
    type Loaded: 'static;
    /// The value from what was read (see [`Field::optional_value_of`]).
    fn value_of(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Value>;
    /// Appends the hops after `T` (each with the column read there) and returns the column
    /// read at `T`.
    fn chain(hops: &mut Vec<(Hop, &'static str)>) -> &'static str;
}

/// The final field of a path.
impl<T, N> AcrossRest<T> for N
where
    T: Model + Field<N>,
    N: crate::names::NameChars,
    <<T as Field<N>>::Column as Expression>::SqlType: SqlType + SingleValue,
{
    type SqlType = <<T as Field<N>>::Column as Expression>::SqlType;
    type Value = <T as Field<N>>::OptionalValue;
    type Loaded = <T as Field<N>>::OptionalLoaded;
    #[inline(always)]
    fn value_of(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Value> {
        <T as Field<N>>::optional_value_of(loaded)
    }
    fn chain(_: &mut Vec<(Hop, &'static str)>) -> &'static str {
        <T as Field<N>>::FIELD.column
    }
}

type TargetOf<M, H> = <<M as PathStep<H>>::Kind as AcrossKind<M, H>>::Target;

fn hop_to<T: Model>() -> Hop {
    Hop {
        table: T::DB_TABLE,
        pk: T::PK_COLUMN,
    }
}

/// A further hop: `Head` is a foreign key of `T`.
impl<T, Head, Rest> AcrossRest<T> for Across<Head, Rest>
where
    T: Model + Field<Head> + PathStep<Head>,
    <T as PathStep<Head>>::Kind: AcrossKind<T, Head>,
    Rest: AcrossRest<TargetOf<T, Head>>,
{
    type SqlType = Rest::SqlType;
    type Value = Rest::Value;
    type Loaded = Rest::Loaded;
    #[inline(always)]
    fn value_of(loaded: Self::Loaded) -> diesel::deserialize::Result<Self::Value> {
        Rest::value_of(loaded)
    }
    fn chain(hops: &mut Vec<(Hop, &'static str)>) -> &'static str {
        let at = hops.len();
        hops.push((hop_to::<TargetOf<T, Head>>(), ""));
        hops[at].1 = Rest::chain(hops);
        <T as Field<Head>>::FIELD.column
    }
}

/// The value at the end of an [`Across`] path, as an expression on the base model `M` whose
/// foreign key column is `Fk`.
#[derive(Debug)]
pub struct AcrossValue<M, Fk, P, ST> {
    _path: PhantomData<super::Marker4<M, Fk, P, ST>>,
}

impl<M, Fk, P, ST> Clone for AcrossValue<M, Fk, P, ST> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, Fk, P, ST> Copy for AcrossValue<M, Fk, P, ST> {}

/// The path's hops, from the types.
pub trait AcrossPlan<M> {
    /// The base model's foreign key column, and each hop with the column read there.
    fn plan() -> (&'static str, Vec<(Hop, &'static str)>);
}

impl<M, Head, Rest> AcrossPlan<M> for Across<Head, Rest>
where
    M: Model + Field<Head> + PathStep<Head>,
    <M as PathStep<Head>>::Kind: AcrossKind<M, Head>,
    Rest: AcrossRest<TargetOf<M, Head>>,
{
    fn plan() -> (&'static str, Vec<(Hop, &'static str)>) {
        let mut hops = vec![(hop_to::<TargetOf<M, Head>>(), "")];
        hops[0].1 = Rest::chain(&mut hops);
        (<M as Field<Head>>::FIELD.column, hops)
    }
}

impl<M, Fk, P, ST> Expression for AcrossValue<M, Fk, P, ST>
where
    ST: SqlType + SingleValue,
{
    type SqlType = ST;
}

impl<M, Fk, P, ST, DB> QueryFragment<DB> for AcrossValue<M, Fk, P, ST>
where
    DB: Backend,
    M: Model,
    P: AcrossPlan<M>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let (fk, hops) = P::plan();
        render(&mut out, M::DB_TABLE, fk, &hops)
    }
}

/// `(SELECT "Un"."col" FROM "table" AS "Un" WHERE "Un"."pk" = <value of the hop before>)`.
pub(super) fn render<DB: Backend>(
    out: &mut AstPass<'_, '_, DB>,
    base: &str,
    fk: &str,
    hops: &[(Hop, &'static str)],
) -> QueryResult<()> {
    let Some(((hop, column), before)) = hops.split_last() else {
        out.push_identifier(base)?;
        out.push_sql(".");
        return out.push_identifier(fk);
    };
    let alias = super::alias::alias('U', hops.len());
    out.push_sql("(SELECT ");
    out.push_identifier(&alias)?;
    out.push_sql(".");
    out.push_identifier(column)?;
    out.push_sql(" FROM ");
    out.push_identifier(hop.table)?;
    out.push_sql(" AS ");
    out.push_identifier(&alias)?;
    out.push_sql(" WHERE ");
    out.push_identifier(&alias)?;
    out.push_sql(".");
    out.push_identifier(hop.pk)?;
    out.push_sql(" = ");
    render(out, base, fk, before)?;
    out.push_sql(")");
    Ok(())
}

/// The SQL is fixed by the path's types: cached by type.
impl<M: 'static, Fk: 'static, P: 'static, ST: 'static> QueryId for AcrossValue<M, Fk, P, ST> {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}
impl<M, Fk, P, ST, G> ValidGrouping<G> for AcrossValue<M, Fk, P, ST> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<M, Fk: AppearsOnTable<QS>, P, ST, QS: ?Sized> AppearsOnTable<QS> for AcrossValue<M, Fk, P, ST> where
    Self: Expression
{
}
impl<M, Fk: SelectableExpression<QS>, P, ST, QS: ?Sized> SelectableExpression<QS>
    for AcrossValue<M, Fk, P, ST>
where
    Self: AppearsOnTable<QS>,
{
}

type FinalSqlType<M, Head, Rest> = <Rest as AcrossRest<TargetOf<M, Head>>>::SqlType;

impl<M, Head, Rest> Operand<M> for Across<Head, Rest>
where
    M: Model + Field<Head> + PathStep<Head>,
    <M as PathStep<Head>>::Kind: AcrossKind<M, Head>,
    Rest: AcrossRest<TargetOf<M, Head>>,
    FinalSqlType<M, Head, Rest>: IntoNullable,
    <FinalSqlType<M, Head, Rest> as IntoNullable>::Nullable: SqlType + SingleValue,
{
    type SqlType = <FinalSqlType<M, Head, Rest> as IntoNullable>::Nullable;
    type Expr = AcrossValue<M, <M as Field<Head>>::Column, Self, Self::SqlType>;
    type Kind = crate::relations::Plain;
    fn operand() -> Self::Expr {
        AcrossValue { _path: PhantomData }
    }
}

/// A field across foreign keys picked by `values!(qs, blog__name)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PickAcross<P>(PhantomData<fn() -> P>);

/// `values!(qs, blog__name)`: a field across foreign keys, as an `Option` (no related row).
impl<M, Head, Rest> crate::queryset::Columns<M> for PickAcross<Across<Head, Rest>>
where
    Across<Head, Rest>: Operand<M>,
    M: Model + Field<Head> + PathStep<Head>,
    <M as PathStep<Head>>::Kind: AcrossKind<M, Head>,
    Rest: AcrossRest<TargetOf<M, Head>>,
{
    type Select = AcrossValue<
        M,
        <M as Field<Head>>::Column,
        Across<Head, Rest>,
        <Across<Head, Rest> as Operand<M>>::SqlType,
    >;
    type Row = Rest::Value;
    type Loaded = Rest::Loaded;
    fn select() -> Self::Select {
        AcrossValue { _path: PhantomData }
    }
    #[inline(always)]
    fn finish(loaded: Rest::Loaded) -> diesel::deserialize::Result<Rest::Value> {
        Rest::value_of(loaded)
    }
}
