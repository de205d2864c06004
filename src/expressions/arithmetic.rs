//! `+`, `-`, `*`, `/` between fields and values (`F(stories_filed) + 1`).

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{BigInt, Double, Float, Integer, Nullable, SingleValue, SmallInt, SqlType};

use super::F;
use crate::values::SqlValue;

/// `a op b`, built by the arithmetic operators on [`F`].
#[derive(Debug, Clone, Copy)]
pub struct Arith<A, B, Op> {
    lhs: A,
    rhs: B,
    op: PhantomData<Op>,
}

/// An arithmetic operator.
pub trait ArithOp: Copy + Default + 'static {
    /// Its SQL.
    const SQL: &'static str;
}

/// SQL types that support arithmetic operator `Op`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not support this arithmetic",
    label = "arithmetic needs numbers of the same SQL type",
    note = "decimals support + and - (they are stored as scaled integers on SQLite)"
)]
pub trait Numeric<Op> {
    /// What the names check leaves for a field of this type: [`crate::names::Valid`].
    #[doc(hidden)]
    type Checked;
}

macro_rules! ops {
    ($($name:ident $sql:literal $trait:ident $method:ident),*) => {$(
        /// An arithmetic operator.
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;
        impl ArithOp for $name {
            const SQL: &'static str = $sql;
        }
        impl<N, R> std::ops::$trait<R> for F<N> {
            type Output = Arith<F<N>, R, $name>;
            fn $method(self, rhs: R) -> Self::Output {
                Arith { lhs: self, rhs, op: PhantomData }
            }
        }
        impl<A, B, Op, R> std::ops::$trait<R> for Arith<A, B, Op> {
            type Output = Arith<Arith<A, B, Op>, R, $name>;
            fn $method(self, rhs: R) -> Self::Output {
                Arith { lhs: self, rhs, op: PhantomData }
            }
        }
        #[diagnostic::do_not_recommend]
        impl<T: Numeric<$name> + SqlType> Numeric<$name> for Nullable<T> {
            type Checked = T::Checked;
        }
    )*};
}
ops!(AddOp " + " Add add, SubOp " - " Sub sub, MulOp " * " Mul mul, DivOp " / " Div div);

macro_rules! numeric {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl Numeric<AddOp> for $t {
            type Checked = crate::names::Valid;
        }
        #[diagnostic::do_not_recommend]
        impl Numeric<SubOp> for $t {
            type Checked = crate::names::Valid;
        }
        #[diagnostic::do_not_recommend]
        impl Numeric<MulOp> for $t {
            type Checked = crate::names::Valid;
        }
        #[diagnostic::do_not_recommend]
        impl Numeric<DivOp> for $t {
            type Checked = crate::names::Valid;
        }
    )*};
}
numeric!(SmallInt, Integer, BigInt, Float, Double);
#[diagnostic::do_not_recommend]
impl<const P: u32, const S: u32, const N: bool> Numeric<AddOp>
    for crate::sql_types::FixedDecimal<P, S, N>
{
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl<const P: u32, const S: u32, const N: bool> Numeric<SubOp>
    for crate::sql_types::FixedDecimal<P, S, N>
{
    type Checked = crate::names::Valid;
}

/// A numeric SQL type that is not NULL: what [`Combined`] widens.
pub trait NumberType {}
impl NumberType for SmallInt {}
impl NumberType for Integer {}
impl NumberType for BigInt {}
impl NumberType for Float {}
impl NumberType for Double {}
impl<const P: u32, const S: u32, const N: bool> NumberType
    for crate::sql_types::FixedDecimal<P, S, N>
{
}

/// The SQL type of `a op b` when `a` has SQL type `Self` and `b` has `B` (Django's output field
/// of a combined expression): the same type; the wider integer (`smallint`, `integer`,
/// `bigint`); `double precision` when either side is a float (as PostgreSQL computes it);
/// nullable when either side is
/// (`Sum(age) / Count(id)` is `Nullable<BigInt>`).
#[diagnostic::on_unimplemented(
    message = "Cannot infer the type of arithmetic between `{Self}` and `{B}`",
    label = "these two sides have SQL types dorm does not combine",
    note = "Django: FieldError: Cannot infer type of expression involving these types; you must set output_field. Convert one side with `Cast(expr, ...)`"
)]
pub trait Combined<B> {
    /// The result's SQL type.
    type Out;
}

/// [`Combined`] for two types that are not NULL.
pub trait CombinedBase<B> {
    /// The result's SQL type.
    type Out;
}
macro_rules! combined {
    ($($a:ty, $b:ty => $o:ty;)*) => {$(
        impl CombinedBase<$b> for $a {
            type Out = $o;
        }
    )*};
}
combined!(
    SmallInt, SmallInt => SmallInt; SmallInt, Integer => Integer; SmallInt, BigInt => BigInt;
    Integer, SmallInt => Integer; Integer, Integer => Integer; Integer, BigInt => BigInt;
    BigInt, SmallInt => BigInt; BigInt, Integer => BigInt; BigInt, BigInt => BigInt;
    Float, Float => Float; Double, Double => Double;
    SmallInt, Double => Double; Integer, Double => Double; BigInt, Double => Double;
    Double, SmallInt => Double; Double, Integer => Double; Double, BigInt => Double;
    SmallInt, Float => Double; Integer, Float => Double; BigInt, Float => Double;
    Float, SmallInt => Double; Float, Integer => Double; Float, BigInt => Double;
    Float, Double => Double; Double, Float => Double;
);
impl<const P: u32, const S: u32, const N: bool>
    CombinedBase<crate::sql_types::FixedDecimal<P, S, N>>
    for crate::sql_types::FixedDecimal<P, S, N>
{
    type Out = crate::sql_types::FixedDecimal<P, S, N>;
}

impl<A: NumberType + CombinedBase<B>, B: NumberType> Combined<B> for A {
    type Out = A::Out;
}
impl<A: NumberType + CombinedBase<B>, B: NumberType> Combined<Nullable<B>> for A {
    type Out = Nullable<A::Out>;
}
impl<A: NumberType + CombinedBase<B>, B: NumberType> Combined<B> for Nullable<A> {
    type Out = Nullable<A::Out>;
}
impl<A: NumberType + CombinedBase<B>, B: NumberType> Combined<Nullable<B>> for Nullable<A> {
    type Out = Nullable<A::Out>;
}

/// The right-hand side of arithmetic whose left side has SQL type `ST`: an expression (the
/// result's type is [`Combined`]), or a Rust value of `ST`'s type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the right-hand side of arithmetic on `{ST}`",
    label = "expected a numeric expression, or a value of SQL type `{ST}`",
    note = "Django: FieldError: Cannot infer type of expression involving these types; both sides must be numbers (convert one with `Cast(expr, ...)`)"
)]
pub trait ArithArgument<Sc: super::Scope, ST, I> {
    /// The result's SQL type.
    type Out;
    /// The diesel expression.
    type Expr: diesel::Expression + Clone;
    /// Its kind.
    type Kind;
    /// Builds it.
    fn arith_argument(self, cx: &Sc::Cx) -> Self::Expr;
}
impl<Sc: super::Scope, ST, I, E> ArithArgument<Sc, ST, super::ExprArg<I>> for E
where
    E: super::Resolve<Sc, I>,
    ST: Combined<E::SqlType>,
{
    type Out = <ST as Combined<E::SqlType>>::Out;
    type Expr = E::Expr;
    type Kind = E::Kind;
    fn arith_argument(self, cx: &Sc::Cx) -> Self::Expr {
        self.resolve(cx)
    }
}
impl<Sc: super::Scope, ST, V> ArithArgument<Sc, ST, super::ValueArg> for V
where
    V: super::Argument<Sc, ST, super::ValueArg>,
{
    type Out = ST;
    type Expr = V::Expr;
    type Kind = V::Kind;
    fn arith_argument(self, cx: &Sc::Cx) -> Self::Expr {
        self.argument(cx)
    }
}

/// An expression may stand for a related row; the lookup checks its SQL type.
impl<T, A, B, Op> crate::lookups::RelatedValue<T> for Arith<A, B, Op> {
    type Checked = crate::names::Valid;
}

/// The names check leaves an expression to the full check.
impl<A, B, Op, ST> crate::values::ValueOf<ST> for Arith<A, B, Op> {
    type Ok = crate::names::Valid;
}

impl<M, ST, A, B, Op> SqlValue<M, ST> for Arith<A, B, Op>
where
    ST: SqlType + SingleValue + Numeric<Op>,
    A: SqlValue<M, ST>,
    B: SqlValue<M, ST>,
    Op: ArithOp,
{
    const __COMPUTED: bool = true;
    type Expr = ArithExpr<A::Expr, B::Expr, Op, ST>;
    fn into_sql_value(self) -> Self::Expr {
        ArithExpr {
            lhs: self.lhs.into_sql_value(),
            rhs: self.rhs.into_sql_value(),
            op: PhantomData,
        }
    }
}

/// Arithmetic in a lookup across a relation: its fields are the QuerySet's row's.
impl<O, ST, A, B, Op> crate::relations::OuterSql<O, ST> for Arith<A, B, Op>
where
    ST: SqlType + SingleValue + Numeric<Op>,
    A: crate::relations::OuterSql<O, ST>,
    B: crate::relations::OuterSql<O, ST>,
    Op: ArithOp,
{
    type Expr = ArithExpr<A::Expr, B::Expr, Op, ST>;
    const READS_ROW: bool = A::READS_ROW || B::READS_ROW;
    fn outer_sql(self) -> Self::Expr {
        ArithExpr {
            lhs: self.lhs.outer_sql(),
            rhs: self.rhs.outer_sql(),
            op: PhantomData,
        }
    }
}

/// The SQL of `lhs op rhs`, parenthesised, of SQL type `ST`.
#[derive(Debug)]
pub struct ArithExpr<A, B, Op, ST> {
    lhs: A,
    rhs: B,
    op: PhantomData<fn() -> (Op, ST)>,
}

impl<A: Clone, B: Clone, Op, ST> Clone for ArithExpr<A, B, Op, ST> {
    fn clone(&self) -> Self {
        ArithExpr {
            lhs: self.lhs.clone(),
            rhs: self.rhs.clone(),
            op: PhantomData,
        }
    }
}

impl<A: Expression, B: Expression, Op, ST: SqlType + diesel::expression::TypedExpressionType>
    Expression for ArithExpr<A, B, Op, ST>
{
    type SqlType = ST;
}

impl<A, B, Op, ST, DB> QueryFragment<DB> for ArithExpr<A, B, Op, ST>
where
    DB: Backend,
    A: QueryFragment<DB>,
    B: QueryFragment<DB>,
    Op: ArithOp,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.lhs.walk_ast(out.reborrow())?;
        out.push_sql(Op::SQL);
        self.rhs.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<A: QueryId, B: QueryId, Op: 'static, ST: 'static> QueryId for ArithExpr<A, B, Op, ST> {
    type QueryId = ArithExpr<A::QueryId, B::QueryId, Op, ST>;
    const HAS_STATIC_QUERY_ID: bool = A::HAS_STATIC_QUERY_ID && B::HAS_STATIC_QUERY_ID;
}

impl<A, B, Op, ST, G> ValidGrouping<G> for ArithExpr<A, B, Op, ST>
where
    A: ValidGrouping<G>,
    B: ValidGrouping<G>,
    A::IsAggregate: diesel::expression::MixedAggregates<B::IsAggregate>,
{
    type IsAggregate =
        <A::IsAggregate as diesel::expression::MixedAggregates<B::IsAggregate>>::Output;
}

impl<A, B, Op, ST, QS: ?Sized> AppearsOnTable<QS> for ArithExpr<A, B, Op, ST>
where
    A: AppearsOnTable<QS>,
    B: AppearsOnTable<QS>,
    Self: Expression,
{
}

impl<A, B, Op, ST, QS: ?Sized> SelectableExpression<QS> for ArithExpr<A, B, Op, ST>
where
    A: SelectableExpression<QS>,
    B: SelectableExpression<QS>,
    Self: AppearsOnTable<QS>,
{
}

impl<A, B, Op> Arith<A, B, Op> {
    /// `lhs op rhs` (what `annotate!` and `aggregate!` write for `a + b`).
    pub fn new(lhs: A, rhs: B) -> Self {
        Arith {
            lhs,
            rhs,
            op: PhantomData,
        }
    }
}

/// Index of a resolved [`Arith`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ArithIndex<IA, IB>(PhantomData<fn() -> (IA, IB)>);

impl<Sc, A, B, Op, IA, IB> super::Resolve<Sc, ArithIndex<IA, IB>> for Arith<A, B, Op>
where
    Sc: super::Scope,
    A: super::Resolve<Sc, IA>,
    A::SqlType: Numeric<Op>,
    B: ArithArgument<Sc, A::SqlType, IB>,
    B::Out: SqlType + SingleValue + diesel::expression::TypedExpressionType + Numeric<Op>,
    A::Kind: super::MixKind<B::Kind>,
    Op: ArithOp,
{
    type SqlType = B::Out;
    type Expr = ArithExpr<A::Expr, B::Expr, Op, B::Out>;
    type Kind = <A::Kind as super::MixKind<B::Kind>>::Out;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        ArithExpr {
            lhs: self.lhs.resolve(cx),
            rhs: self.rhs.arith_argument(cx),
            op: PhantomData,
        }
    }
}
