//! Expressions: [`F`] (a reference to a field of the same row), arithmetic, [`Value`], and the
//! [`Scope`] in which `annotate!`, `aggregate!` and the filters, orderings and projections that
//! follow an annotation resolve names ([`Resolve`]).
//!
//! `filter!(qs, first_name = F(last_name))` compares two columns; `F(age) + 1` computes in the
//! database. Like a lookup, an `F` carries its field's name as a type and is resolved against
//! the model when it is applied, so `F(no_such_field)` or `F(name) + 1` on a text field does not
//! compile. Both sides must have the same SQL type (a nullable and a NOT NULL column of the
//! same type do not mix).

mod arithmetic;
pub mod case;
pub mod conditions;
pub mod functions;
pub mod group_keys;
pub mod scope;
pub mod subquery;
mod value;
pub mod window;

pub use arithmetic::{
    AddOp, Arith, ArithArgument, ArithExpr, ArithIndex, ArithOp, Combined, CombinedBase, DivOp,
    MulOp, NumberType, Numeric, SubOp,
};
pub use case::{Case, UpdateExpr, When};
pub use conditions::{Condition, RefRelation};
pub use group_keys::{AsGroupKeys, KeyExpr, KeyKind, KeyRead, MarkKeys};
pub use scope::{
    After, AggregateKind, Annotation, AnnotationList, Append, Before, ByRef, Chain, ConstKind,
    Find, Groups, InAnnotations, InGroup, InModel, KindIn, ManyKind, MixKind, NoAnnotations,
    NotAggregate, Ref, RelatedKind, Resolve, RowKind, Rows, Scope, ScopeName, Selected, Totals,
    Within,
};
pub use subquery::{Exists, OuterRef, Subquery};
pub use value::{Argument, Bound, Dialect, ExprArg, Literal, LoadsAs, Value, ValueArg, ValueIndex};
pub use window::{CumeDist, DenseRank, Lag, Lead, Ntile, PercentRank, Rank, RowNumber, Window};

use std::marker::PhantomData;

use crate::lookups::Operand;
use crate::model::Model;
use crate::values::SqlValue;

/// A field of the row being filtered or updated (Django's `F("field")`). Written `F(field)`
/// inside `filter!`, `exclude!`, `q!` and `update!`.
#[derive(Debug, Clone, Copy, Default)]
pub struct F<N>(PhantomData<fn() -> N>);

impl<N> F<N> {
    /// The field named `N`.
    pub const fn new() -> Self {
        F(PhantomData)
    }
}

/// An expression may stand for a related row; the lookup checks its SQL type.
impl<T, N> crate::lookups::RelatedValue<T> for F<N> {
    type Checked = crate::names::Valid;
}

/// The names check leaves an expression to the full check.
impl<N, ST> crate::values::ValueOf<ST> for F<N> {
    type Ok = crate::names::Valid;
}

impl<M, N, ST> SqlValue<M, ST> for F<N>
where
    M: Model,
    N: Operand<M>,
    ST: diesel::sql_types::SqlType + diesel::sql_types::SingleValue,
    N::SqlType: SameSqlType<ST>,
{
    const __COMPUTED: bool = true;
    type Expr = Typed<N::Expr, ST>;
    fn into_sql_value(self) -> Self::Expr {
        Typed(N::operand(), PhantomData)
    }
}

/// In a lookup across a relation, `F(field)` is a field of the QuerySet's row `O` (Django's
/// rule), read from the alias that row takes there (see [`crate::relations::OuterRow`]).
impl<O, N, ST> crate::relations::OuterSql<O, ST> for F<N>
where
    O: Model + crate::model::Field<N>,
    ST: diesel::sql_types::SqlType + diesel::sql_types::SingleValue,
    <O::Column as diesel::Expression>::SqlType: SameSqlType<ST>,
{
    type Expr = Typed<crate::relations::RowColumn<O::Column>, ST>;
    const READS_ROW: bool = true;
    fn outer_sql(self) -> Self::Expr {
        Typed(
            crate::relations::RowColumn(O::Column::default()),
            PhantomData,
        )
    }
}

impl<Sc, N, I> Resolve<Sc, ByRef<I>> for F<N>
where
    Sc: Scope + ScopeName<N, I>,
{
    type SqlType = <Sc as ScopeName<N, I>>::SqlType;
    type Expr = <Sc as ScopeName<N, I>>::Expr;
    type Kind = <Sc as ScopeName<N, I>>::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        Sc::expr(cx)
    }
}

/// An expression seen as SQL type `ST`, once [`SameSqlType`] has shown its own type is `ST`.
/// It renders the expression unchanged.
#[derive(Debug)]
pub struct Typed<E, ST>(E, PhantomData<fn() -> ST>);

impl<E: Clone, ST> Clone for Typed<E, ST> {
    fn clone(&self) -> Self {
        Typed(self.0.clone(), PhantomData)
    }
}

impl<
        E: diesel::Expression,
        ST: diesel::sql_types::SqlType + diesel::expression::TypedExpressionType,
    > diesel::Expression for Typed<E, ST>
{
    type SqlType = ST;
}

impl<E: diesel::query_builder::QueryFragment<DB>, ST, DB: diesel::backend::Backend>
    diesel::query_builder::QueryFragment<DB> for Typed<E, ST>
{
    fn walk_ast<'b>(
        &'b self,
        out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        self.0.walk_ast(out)
    }
}

impl<E: diesel::query_builder::QueryId, ST: 'static> diesel::query_builder::QueryId
    for Typed<E, ST>
{
    type QueryId = Typed<E::QueryId, ST>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}

impl<E: diesel::expression::ValidGrouping<G>, ST, G> diesel::expression::ValidGrouping<G>
    for Typed<E, ST>
{
    type IsAggregate = E::IsAggregate;
}
impl<E: diesel::AppearsOnTable<QS>, ST, QS: ?Sized> diesel::AppearsOnTable<QS> for Typed<E, ST> where
    Self: diesel::Expression
{
}
impl<E: diesel::SelectableExpression<QS>, ST, QS: ?Sized> diesel::SelectableExpression<QS>
    for Typed<E, ST>
where
    Self: diesel::AppearsOnTable<QS>,
{
}

/// Two SQL types that are the same, so an `F()` of one can stand where the other is expected.
#[diagnostic::on_unimplemented(
    message = "F() refers to a field of SQL type `{Self}` where a value of SQL type `{ST}` is expected",
    label = "the two fields have different types",
    note = "compare and compute with fields of the same type (a nullable field matches its NOT NULL type)"
)]
pub trait SameSqlType<ST> {}
impl<T> SameSqlType<T> for T {}
/// A nullable value compares with a field of its type (`NULL` matches nothing), and a value
/// with a nullable field.
impl<T> SameSqlType<T> for diesel::sql_types::Nullable<T> {}
impl<T> SameSqlType<diesel::sql_types::Nullable<T>> for T {}
