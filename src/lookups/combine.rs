//! Combining conditions: [`And`], [`Or`], [`Not`], and the NULL-safe negation [`IsNotTrue`]
//! that `exclude!` uses.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, Nullable};

use super::Predicate;
use crate::model::Model;

/// Both conditions (`Q(a) & Q(b)`; several arguments of one `filter!`).
#[derive(Debug, Clone, Copy)]
pub struct And<A, B>(pub A, pub B);
/// Either condition (`Q(a) | Q(b)`).
#[derive(Debug, Clone, Copy)]
pub struct Or<A, B>(pub A, pub B);
/// The condition is not true (`~Q(a)`, `exclude`): rows where it is false *or NULL* match, as in
/// Django, which excludes only rows where the condition holds.
#[derive(Debug, Clone, Copy)]
pub struct Not<A>(pub A);

impl<M: Model, A: Predicate<M>, B: Predicate<M>> Predicate<M> for And<A, B> {
    type Expr = BoolOp<A::Expr, B::Expr, AndOp>;
    fn build(self) -> Self::Expr {
        BoolOp::new(self.0.build(), self.1.build())
    }
}

impl<M: Model, A: Predicate<M>, B: Predicate<M>> Predicate<M> for Or<A, B> {
    type Expr = BoolOp<A::Expr, B::Expr, OrOp>;
    fn build(self) -> Self::Expr {
        BoolOp::new(self.0.build(), self.1.build())
    }
}

/// `AND` as a [`BoolOp`].
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct AndOp;
/// `OR` as a [`BoolOp`].
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct OrOp;

/// The SQL keyword of a [`BoolOp`].
pub trait BoolOperator {
    /// `" AND "` or `" OR "`.
    const SQL: &'static str;
}
impl BoolOperator for AndOp {
    const SQL: &'static str = " AND ";
}
impl BoolOperator for OrOp {
    const SQL: &'static str = " OR ";
}

/// `(a) AND (b)` / `(a) OR (b)`: nullable when either side is.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct BoolOp<A, B, Op> {
    a: A,
    b: B,
    op: std::marker::PhantomData<Op>,
}

impl<A, B, Op> BoolOp<A, B, Op> {
    /// `(a) op (b)`.
    pub fn new(a: A, b: B) -> Self {
        BoolOp {
            a,
            b,
            op: std::marker::PhantomData,
        }
    }
}

/// The SQL type of combining two boolean SQL types.
pub trait CombineBool<Rhs> {
    /// `Bool` when both are `Bool`, else `Nullable<Bool>`.
    type Out: diesel::sql_types::SqlType + diesel::sql_types::SingleValue;
}
impl CombineBool<Bool> for Bool {
    type Out = Bool;
}
impl CombineBool<Nullable<Bool>> for Bool {
    type Out = Nullable<Bool>;
}
impl CombineBool<Bool> for Nullable<Bool> {
    type Out = Nullable<Bool>;
}
impl CombineBool<Nullable<Bool>> for Nullable<Bool> {
    type Out = Nullable<Bool>;
}

impl<A, B, Op> Expression for BoolOp<A, B, Op>
where
    A: Expression,
    B: Expression,
    A::SqlType: CombineBool<B::SqlType>,
{
    type SqlType = <A::SqlType as CombineBool<B::SqlType>>::Out;
}

impl<A, B, Op, DB> QueryFragment<DB> for BoolOp<A, B, Op>
where
    DB: Backend,
    A: QueryFragment<DB>,
    B: QueryFragment<DB>,
    Op: BoolOperator,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("((");
        self.a.walk_ast(out.reborrow())?;
        out.push_sql(")");
        out.push_sql(Op::SQL);
        out.push_sql("(");
        self.b.walk_ast(out.reborrow())?;
        out.push_sql("))");
        Ok(())
    }
}

impl<A, B, Op, G> ValidGrouping<G> for BoolOp<A, B, Op>
where
    A: ValidGrouping<G>,
    B: ValidGrouping<G>,
    A::IsAggregate: diesel::expression::MixedAggregates<B::IsAggregate>,
{
    type IsAggregate =
        <A::IsAggregate as diesel::expression::MixedAggregates<B::IsAggregate>>::Output;
}

impl<A, B, Op, QS: ?Sized> AppearsOnTable<QS> for BoolOp<A, B, Op>
where
    A: AppearsOnTable<QS>,
    B: AppearsOnTable<QS>,
    BoolOp<A, B, Op>: Expression,
{
}

impl<A, B, Op, QS: ?Sized> SelectableExpression<QS> for BoolOp<A, B, Op>
where
    A: SelectableExpression<QS>,
    B: SelectableExpression<QS>,
    BoolOp<A, B, Op>: AppearsOnTable<QS>,
{
}

impl<M: Model, A: Predicate<M>> Predicate<M> for Not<A> {
    type Expr = IsNotTrue<A::Expr>;
    fn build(self) -> Self::Expr {
        IsNotTrue(self.0.build())
    }
}

/// `(expr) IS NOT TRUE`: true when `expr` is false or NULL.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct IsNotTrue<E>(pub E);

impl<E: Expression> Expression for IsNotTrue<E> {
    type SqlType = Bool;
}

impl<E, DB> QueryFragment<DB> for IsNotTrue<E>
where
    DB: Backend,
    E: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") IS NOT TRUE");
        Ok(())
    }
}

impl<E: ValidGrouping<G>, G> ValidGrouping<G> for IsNotTrue<E> {
    type IsAggregate = E::IsAggregate;
}

impl<E: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for IsNotTrue<E> where
    IsNotTrue<E>: Expression
{
}

impl<E: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for IsNotTrue<E> where
    IsNotTrue<E>: AppearsOnTable<QS>
{
}

/// `<>` between two booleans: exclusive or, as a [`BoolOp`].
#[derive(Debug, Clone, Copy, Default, QueryId)]
pub struct XorOp;
impl BoolOperator for XorOp {
    const SQL: &'static str = " <> ";
}

/// `TRUE` or `FALSE`.
#[derive(Debug, Clone, Copy)]
pub struct BoolLiteral(pub bool);

impl Expression for BoolLiteral {
    type SqlType = Bool;
}

impl<DB: Backend> QueryFragment<DB> for BoolLiteral {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(if self.0 { "TRUE" } else { "FALSE" });
        Ok(())
    }
}

impl QueryId for BoolLiteral {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<G> ValidGrouping<G> for BoolLiteral {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<QS: ?Sized> AppearsOnTable<QS> for BoolLiteral {}
impl<QS: ?Sized> SelectableExpression<QS> for BoolLiteral {}
