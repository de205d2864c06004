//! Conditional expressions: [`Case`] and [`When`] (Django's `Case(When(...), default=...)`).
//!
//! `Case(When(c1, then = v1), When(c2, then = v2), default = d)` renders
//! `CASE WHEN c1 THEN v1 WHEN c2 THEN v2 ELSE d END`. A `When`'s condition is written with
//! Django's lookups, exactly as in `filter!` (it may name annotations made before); its `then`
//! is an expression (a field, an annotation, `F(x) + 1`, an aggregate in a group) or a Rust
//! value with a SQL type of its own (`then = 1`, `then = "gold"`, see
//! [`Literal`]).
//!
//! Every branch has the same SQL type, checked when it compiles (a branch of another type is
//! "Case branches have different types"), nullable or not: a nullable branch (`then =
//! F(nickname)` next to `default = F(name)`) makes the Case nullable, as does a Case without
//! `default`, where a row that matches no `When` gets `NULL` (it loads as `Option<T>`); with
//! only NOT NULL branches and a `default` it is not.
//!
//! A `Case` goes wherever an expression goes: in `annotate!` (per row or, after `values!`, per
//! group, where its conditions may name the group's aggregates), inside an aggregate
//! (`Sum(Case(...))`, the scrap book's conditional aggregation), in `filter!` and `order_by!`
//! through the annotation's name, and as the value of `update!` (a conditional update).
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::expressions::{Case, When};
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Client {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub name: String,
//!     pub years: i32,
//!     #[dorm(max_length = 50)]
//!     pub nickname: Option<String>,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Client::META], &mut conn)?;
//! let clients = [("Ann", 1), ("Bob", 3), ("Cid", 6)]
//!     .map(|(name, years)| Client { name: name.into(), years, ..Default::default() });
//! Client::objects().bulk_create(clients.to_vec(), &mut conn)?;
//!
//! // Client.objects.annotate(tier=Case(When(years__gte=5, then=Value("gold")), ...))
//! let tiers = annotate!(
//!     Client::objects(),
//!     tier = Case(When(years__gte = 5, then = "gold"), When(years__gte = 2, then = "silver"), default = "bronze"),
//! );
//! let tiers: Vec<(String, String)> = order_by!(tiers, name)
//!     .fetch(&mut conn)?
//!     .into_iter()
//!     .map(|(client, tier)| (client.name, tier))
//!     .collect();
//! assert_eq!(tiers, [("Ann".into(), "bronze".into()), ("Bob".into(), "silver".into()), ("Cid".into(), "gold".into())]);
//!
//! // Without a default, no match is NULL.
//! let loyal = annotate!(Client::objects(), bonus = Case(When(years__gt = 5, then = 10)));
//! let bonuses: Vec<Option<i32>> = order_by!(loyal, name).fetch(&mut conn)?.into_iter().map(|r| r.1).collect();
//! assert_eq!(bonuses, [None, None, Some(10)]);
//!
//! // A nullable branch makes the Case nullable: Case(When(years__gt=2, then=F("nickname")), default=F("name")).
//! let called = annotate!(Client::objects(), called = Case(When(years__gt = 2, then = F(nickname)), default = F(name)));
//! let called: Vec<Option<String>> = order_by!(called, name).fetch(&mut conn)?.into_iter().map(|r| r.1).collect();
//! assert_eq!(called, [Some("Ann".into()), None, None]);
//!
//! // Conditional aggregation: how many clients are loyal?
//! let n: Option<i64> = aggregate!(Client::objects(), n = Sum(Case(When(years__gte = 3, then = 1), default = 0)))
//!     .fetch(&mut conn)?;
//! assert_eq!(n, Some(2));
//!
//! // Conditional update: Client.objects.update(years=Case(When(name="Ann", then=2), default=F("years")))
//! update!(Client::objects().all(), years = Case(When(name = "Ann", then = 2), default = F(years)))
//!     .execute(&mut conn)?;
//! let years: Vec<i32> = order_by!(Client::objects().all(), name).fetch(&mut conn)?.into_iter().map(|c| c.years).collect();
//! assert_eq!(years, [2, 3, 6]);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, MixedAggregates, SelectableExpression, TypedExpressionType,
    ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{is_nullable, MaybeNullableType, OneIsNullable, SingleValue, SqlType};

use super::conditions::Condition;
use super::scope::{ConstKind, MixKind, NoAnnotations, NotAggregate, Resolve, Rows, Scope};
use super::value::Literal;
use crate::model::Model;
use crate::values::SqlValue;

/// One branch of a [`Case`]: `WHEN condition THEN then`. Written `When(lookup = value, ...,
/// then = x)` inside `annotate!`, `aggregate!` and `update!`.
#[derive(Debug, Clone, Copy)]
pub struct When<C, T> {
    condition: C,
    then: T,
}

impl<C, T> When<C, T> {
    /// `WHEN condition THEN then` (what the macros write for `When(..., then = x)`).
    pub fn new(condition: C, then: T) -> Self {
        When { condition, then }
    }
}

/// `CASE WHEN ... THEN ... [ELSE default] END`: the first [`When`] whose condition holds gives
/// the value (see the [module docs](self)). Built by [`Case::new`] with a tuple of one to six
/// `When`s, and [`Case::default`].
#[derive(Debug, Clone, Copy)]
pub struct Case<W, D = NoElse> {
    whens: W,
    default: D,
}

/// A [`Case`] without `default`: rows that match no `When` are `NULL`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoElse;

/// The `default = value` of a [`Case`].
#[derive(Debug, Clone, Copy)]
pub struct Else<V>(pub V);

impl<W> Case<W, NoElse> {
    /// `CASE` over the `When`s of the tuple `whens`, in order.
    pub fn new(whens: W) -> Self {
        Case {
            whens,
            default: NoElse,
        }
    }

    /// The value when no `When` matches (Django's `default=`); the result is then not
    /// nullable.
    pub fn default<V>(self, value: V) -> Case<W, Else<V>> {
        Case {
            whens: self.whens,
            default: Else(value),
        }
    }
}

/// A `then` (or `default`) value of a [`Case`] whose branches are of SQL type `ST`: an
/// expression of that type, or a Rust value whose own SQL type it is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a branch of a Case of SQL type `{ST}`",
    label = "expected an expression, or a Rust value with a SQL type of its own",
    note = "a `then` or `default` is a field, an annotation, an expression, or a value such as `1` or \"gold\" (other Rust values go in `Value(...)`)"
)]
pub trait Then<Sc: Scope, ST, I> {
    /// The diesel expression (of SQL type `ST` or `Nullable<ST>`).
    type Expr: Expression + Clone;
    /// Its kind.
    type Kind;
    /// Whether it may be NULL (diesel's `is_nullable::NotNull` or `IsNullable`).
    type IsNull;
    /// Builds it.
    fn then_expr(self, cx: &Sc::Cx) -> Self::Expr;
}

/// A branch's SQL type `Self`, as the type of the Case it is in (without `Nullable`) and
/// whether it may be NULL: a nullable branch (`then = F(nickname)` next to `default =
/// F(name)`) makes the Case nullable (Django mixes them freely; a NULL is a NULL).
pub trait BranchType {
    /// The type without `Nullable`.
    type Base;
    /// Whether the branch may be NULL.
    type IsNull;
}
impl<T: SqlType> BranchType for T
where
    T::IsNull: crate::aggregates::StripNull<T>,
{
    type Base = crate::aggregates::NotNull<T>;
    type IsNull = T::IsNull;
}

/// A branch of SQL type `Self` (without `Nullable`) in a [`Case`] of SQL type `ST`: the same
/// type. One impl, so that the first branch seen decides the Case's type.
#[diagnostic::on_unimplemented(
    message = "Case branches have different types: a branch of SQL type `{Self}` in a Case of SQL type `{ST}`",
    label = "this branch's type differs from the other branches'",
    note = "every `then` and the `default` of a Case must have the same SQL type, nullable or not; Django: FieldError: Expression contains mixed types"
)]
pub trait SameBranchType<ST> {}
impl<T> SameBranchType<T> for T {}

/// Index: a `then` that is an expression.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThenExpr<I>(PhantomData<fn() -> I>);
/// Index: a `then` that is a Rust value.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThenLiteral;

impl<Sc: Scope, ST, I, E> Then<Sc, ST, ThenExpr<I>> for E
where
    E: Resolve<Sc, I>,
    E::SqlType: BranchType,
    <E::SqlType as BranchType>::Base: SameBranchType<ST>,
{
    type Expr = E::Expr;
    type Kind = E::Kind;
    type IsNull = <E::SqlType as BranchType>::IsNull;
    fn then_expr(self, cx: &Sc::Cx) -> Self::Expr {
        self.resolve(cx)
    }
}

// Both bounds: `SqlValue` picks the Rust type of an integer or float literal from the other
// branches (`then = 1` next to a `BigInt` branch is an `i64`), `Literal` gives a Case of
// literals only its type (`then = 1, default = 0` is an `Integer`).
impl<Sc: Scope, ST, V> Then<Sc, ST, ThenLiteral> for V
where
    ST: SqlType + SingleValue,
    V: Literal + SqlValue<(), ST>,
    V::SqlType: SameBranchType<ST>,
    <V as SqlValue<(), ST>>::Expr: Clone,
{
    type Expr = <V as SqlValue<(), ST>>::Expr;
    type Kind = ConstKind;
    type IsNull = is_nullable::NotNull;
    fn then_expr(self, _: &Sc::Cx) -> Self::Expr {
        self.into_sql_value()
    }
}

/// A [`When`] resolved in a scope, for a [`Case`] of SQL type `ST`.
pub trait WhenBranch<Sc: Scope, ST, I> {
    /// `WHEN c THEN v`.
    type Expr: Clone;
    /// The kind of the condition and the value together.
    type Kind;
    /// Whether its value may be NULL.
    type IsNull;
    /// Builds it.
    fn branch(self, cx: &Sc::Cx) -> Self::Expr;
}

/// Index of a resolved [`When`].
#[derive(Debug, Clone, Copy, Default)]
pub struct WhenIndex<IC, IT>(PhantomData<fn() -> (IC, IT)>);

impl<Sc, ST, C, T, IC, IT> WhenBranch<Sc, ST, WhenIndex<IC, IT>> for When<C, T>
where
    Sc: Scope,
    C: Condition<Sc, IC>,
    T: Then<Sc, ST, IT>,
    C::Kind: MixKind<T::Kind>,
{
    type Expr = WhenExpr<C::Expr, T::Expr>;
    type Kind = <C::Kind as MixKind<T::Kind>>::Out;
    type IsNull = T::IsNull;
    fn branch(self, cx: &Sc::Cx) -> Self::Expr {
        WhenExpr {
            condition: self.condition.condition(cx),
            then: self.then.then_expr(cx),
        }
    }
}

/// What a [`Case`] ends with ([`NoElse`] or [`Else`]), and the Case's SQL type with it.
pub trait CaseDefault<Sc: Scope, ST, I> {
    /// Whether the Case may be NULL for want of a default: always without one.
    type IsNull;
    /// `ELSE d` (or nothing).
    type Expr: Clone;
    /// The default's kind.
    type Kind;
    /// Builds it.
    fn else_expr(self, cx: &Sc::Cx) -> Self::Expr;
}

impl<Sc: Scope, ST> CaseDefault<Sc, ST, ()> for NoElse {
    type IsNull = is_nullable::IsNullable;
    type Expr = NoElse;
    type Kind = ConstKind;
    fn else_expr(self, _: &Sc::Cx) -> NoElse {
        NoElse
    }
}

impl<Sc: Scope, ST, V, I> CaseDefault<Sc, ST, I> for Else<V>
where
    V: Then<Sc, ST, I>,
{
    type IsNull = V::IsNull;
    type Expr = Else<V::Expr>;
    type Kind = V::Kind;
    fn else_expr(self, cx: &Sc::Cx) -> Self::Expr {
        Else(self.0.then_expr(cx))
    }
}

/// The kinds of several parts of an expression combined, as a list `(K1, (K2, (..., ())))`.
pub trait MixKinds {
    /// The combined kind ([`ConstKind`] for no parts).
    type Out;
}
impl MixKinds for () {
    type Out = ConstKind;
}
impl<K: MixKind<R::Out>, R: MixKinds> MixKinds for (K, R) {
    type Out = K::Out;
}

/// Whether any of several parts may be NULL, as a list `(N1, (N2, (..., ())))` of diesel's
/// `is_nullable` answers.
pub trait AnyNull {
    /// `IsNullable` when one is.
    type Out;
}
impl AnyNull for () {
    type Out = is_nullable::NotNull;
}
impl<N: OneIsNullable<R::Out>, R: AnyNull> AnyNull for (N, R) {
    type Out = N::Out;
}

/// Index of a resolved [`Case`]: the branches' SQL type, the `When`s' indexes, the default's.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseIndex<ST, IW, ID>(PhantomData<fn() -> ST>, PhantomData<fn() -> (IW, ID)>);

macro_rules! case_tuple {
    ($($w:ident $i:ident $n:tt),+) => {
        impl<Sc, ST, D, ID, $($w, $i),+> Resolve<Sc, CaseIndex<ST, ($($i,)+), ID>> for Case<($($w,)+), D>
        where
            Sc: Scope,
            D: CaseDefault<Sc, ST, ID>,
            $($w: WhenBranch<Sc, ST, $i>,)+
            case_tuple!(@kinds D; $($w $i),+): MixKinds,
            case_tuple!(@nulls D; $($w $i),+): AnyNull,
            <case_tuple!(@nulls D; $($w $i),+) as AnyNull>::Out: MaybeNullableType<ST>,
            <<case_tuple!(@nulls D; $($w $i),+) as AnyNull>::Out as MaybeNullableType<ST>>::Out: SingleValue,
        {
            type SqlType = <<case_tuple!(@nulls D; $($w $i),+) as AnyNull>::Out as MaybeNullableType<ST>>::Out;
            type Expr = CaseExpr<case_tuple!(@chain D::Expr; $(<$w as WhenBranch<Sc, ST, $i>>::Expr),+), Self::SqlType>;
            type Kind = <case_tuple!(@kinds D; $($w $i),+) as MixKinds>::Out;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                let tail = self.default.else_expr(cx);
                CaseExpr {
                    branches: case_tuple!(@build cx, tail; $(self.whens.$n),+),
                    _type: PhantomData,
                }
            }
        }
    };
    (@nulls $d:ident; $w:ident $i:ident) => {
        (<$w as WhenBranch<Sc, ST, $i>>::IsNull, (<$d as CaseDefault<Sc, ST, ID>>::IsNull, ()))
    };
    (@nulls $d:ident; $w:ident $i:ident, $($rw:ident $ri:ident),+) => {
        (<$w as WhenBranch<Sc, ST, $i>>::IsNull, case_tuple!(@nulls $d; $($rw $ri),+))
    };
    (@kinds $d:ident; $w:ident $i:ident) => {
        (<$w as WhenBranch<Sc, ST, $i>>::Kind, (<$d as CaseDefault<Sc, ST, ID>>::Kind, ()))
    };
    (@kinds $d:ident; $w:ident $i:ident, $($rw:ident $ri:ident),+) => {
        (<$w as WhenBranch<Sc, ST, $i>>::Kind, case_tuple!(@kinds $d; $($rw $ri),+))
    };
    (@chain $tail:ty; $head:ty) => { Branch<$head, $tail> };
    (@chain $tail:ty; $head:ty, $($rest:ty),+) => { Branch<$head, case_tuple!(@chain $tail; $($rest),+)> };
    (@build $cx:ident, $tail:ident; $head:expr) => { Branch($head.branch($cx), $tail) };
    (@build $cx:ident, $tail:ident; $head:expr, $($rest:expr),+) => {
        Branch($head.branch($cx), case_tuple!(@build $cx, $tail; $($rest),+))
    };
}
case_tuple!(W1 I1 0);
case_tuple!(W1 I1 0, W2 I2 1);
case_tuple!(W1 I1 0, W2 I2 1, W3 I3 2);
case_tuple!(W1 I1 0, W2 I2 1, W3 I3 2, W4 I4 3);
case_tuple!(W1 I1 0, W2 I2 1, W3 I3 2, W4 I4 3, W5 I5 4);
case_tuple!(W1 I1 0, W2 I2 1, W3 I3 2, W4 I4 3, W5 I5 4, W6 I6 5);

/// An expression in the value of `update!` (a `Case`, or arithmetic around one), resolved on
/// the rows being updated: `update!(qs, rating = Case(When(..., then = 5), default = F(rating)))`.
/// Names in it are the model's fields; it may not aggregate.
#[derive(Debug, Clone, Copy)]
pub struct UpdateExpr<X, I>(X, PhantomData<fn() -> I>);

impl<X, I> UpdateExpr<X, I> {
    /// The expression `expr` (what `update!` writes around a value that holds a `Case`).
    pub fn new(expr: X) -> Self {
        UpdateExpr(expr, PhantomData)
    }
}

/// An expression may stand for a related row; the lookup checks its SQL type.
impl<T, X, I> crate::lookups::RelatedValue<T> for UpdateExpr<X, I> {
    type Checked = crate::names::Valid;
}

/// The names check leaves an expression to the full check.
impl<X, I, ST> crate::values::ValueOf<ST> for UpdateExpr<X, I> {
    type Ok = crate::names::Valid;
}

impl<M, ST, X, I> SqlValue<M, ST> for UpdateExpr<X, I>
where
    M: Model,
    ST: SqlType + SingleValue,
    X: Resolve<Rows<M, NoAnnotations>, I, SqlType = ST>,
    X::Kind: NotAggregate,
{
    const __COMPUTED: bool = true;
    type Expr = X::Expr;
    fn into_sql_value(self) -> Self::Expr {
        self.0.resolve(&NoAnnotations)
    }
}

/// `CASE <branches> END` of SQL type `ST`.
#[derive(Debug)]
pub struct CaseExpr<B, ST> {
    branches: B,
    _type: PhantomData<fn() -> ST>,
}

/// ` WHEN c THEN v`.
#[derive(Debug, Clone, Copy)]
pub struct WhenExpr<C, T> {
    condition: C,
    then: T,
}

/// A `WHEN` followed by the rest of a [`CaseExpr`] (more branches, then `ELSE` or nothing).
#[derive(Debug, Clone, Copy)]
pub struct Branch<H, R>(H, R);

impl<B: Clone, ST> Clone for CaseExpr<B, ST> {
    fn clone(&self) -> Self {
        CaseExpr {
            branches: self.branches.clone(),
            _type: PhantomData,
        }
    }
}

impl<B, ST: SqlType + TypedExpressionType> Expression for CaseExpr<B, ST> {
    type SqlType = ST;
}

impl<B: QueryFragment<DB>, ST, DB: Backend> QueryFragment<DB> for CaseExpr<B, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("CASE");
        self.branches.walk_ast(out.reborrow())?;
        out.push_sql(" END");
        Ok(())
    }
}

impl<C: QueryFragment<DB>, T: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for WhenExpr<C, T> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(" WHEN ");
        self.condition.walk_ast(out.reborrow())?;
        out.push_sql(" THEN ");
        self.then.walk_ast(out.reborrow())
    }
}

impl<H: QueryFragment<DB>, R: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Branch<H, R> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out.reborrow())?;
        self.1.walk_ast(out.reborrow())
    }
}

impl<V: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for Else<V> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(" ELSE ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<DB: Backend> QueryFragment<DB> for NoElse {
    fn walk_ast<'b>(&'b self, _: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}

// The SQL is fixed by the types; the query id is static when every part's is.
impl<B: QueryId, ST: 'static> QueryId for CaseExpr<B, ST> {
    type QueryId = CaseExpr<B::QueryId, ST>;
    const HAS_STATIC_QUERY_ID: bool = B::HAS_STATIC_QUERY_ID;
}
impl<C: QueryId, T: QueryId> QueryId for WhenExpr<C, T> {
    type QueryId = WhenExpr<C::QueryId, T::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID && T::HAS_STATIC_QUERY_ID;
}
impl<H: QueryId, R: QueryId> QueryId for Branch<H, R> {
    type QueryId = Branch<H::QueryId, R::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = H::HAS_STATIC_QUERY_ID && R::HAS_STATIC_QUERY_ID;
}
impl<V: QueryId> QueryId for Else<V> {
    type QueryId = Else<V::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = V::HAS_STATIC_QUERY_ID;
}
impl QueryId for NoElse {
    type QueryId = NoElse;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<B: ValidGrouping<G>, ST, G> ValidGrouping<G> for CaseExpr<B, ST> {
    type IsAggregate = B::IsAggregate;
}
impl<C, T, G> ValidGrouping<G> for WhenExpr<C, T>
where
    C: ValidGrouping<G>,
    T: ValidGrouping<G>,
    C::IsAggregate: MixedAggregates<T::IsAggregate>,
{
    type IsAggregate = <C::IsAggregate as MixedAggregates<T::IsAggregate>>::Output;
}
impl<H, R, G> ValidGrouping<G> for Branch<H, R>
where
    H: ValidGrouping<G>,
    R: ValidGrouping<G>,
    H::IsAggregate: MixedAggregates<R::IsAggregate>,
{
    type IsAggregate = <H::IsAggregate as MixedAggregates<R::IsAggregate>>::Output;
}
impl<V: ValidGrouping<G>, G> ValidGrouping<G> for Else<V> {
    type IsAggregate = V::IsAggregate;
}
impl<G> ValidGrouping<G> for NoElse {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

/// The parts of a [`CaseExpr`] that read the tables `QS`.
pub trait BranchesOn<QS: ?Sized> {}
impl<C: AppearsOnTable<QS>, T: AppearsOnTable<QS>, QS: ?Sized> BranchesOn<QS> for WhenExpr<C, T> {}
impl<H: BranchesOn<QS>, R: BranchesOn<QS>, QS: ?Sized> BranchesOn<QS> for Branch<H, R> {}
impl<V: AppearsOnTable<QS>, QS: ?Sized> BranchesOn<QS> for Else<V> {}
impl<QS: ?Sized> BranchesOn<QS> for NoElse {}

/// The parts of a [`CaseExpr`] that can be selected from `QS`.
pub trait BranchesSelectable<QS: ?Sized> {}
impl<C: SelectableExpression<QS>, T: SelectableExpression<QS>, QS: ?Sized> BranchesSelectable<QS>
    for WhenExpr<C, T>
{
}
impl<H: BranchesSelectable<QS>, R: BranchesSelectable<QS>, QS: ?Sized> BranchesSelectable<QS>
    for Branch<H, R>
{
}
impl<V: SelectableExpression<QS>, QS: ?Sized> BranchesSelectable<QS> for Else<V> {}
impl<QS: ?Sized> BranchesSelectable<QS> for NoElse {}

impl<B: BranchesOn<QS>, ST, QS: ?Sized> AppearsOnTable<QS> for CaseExpr<B, ST> where Self: Expression
{}
impl<B: BranchesSelectable<QS>, ST, QS: ?Sized> SelectableExpression<QS> for CaseExpr<B, ST> where
    Self: AppearsOnTable<QS>
{
}
