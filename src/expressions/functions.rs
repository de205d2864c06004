//! Database functions (Django's `django.db.models.functions`) with typed signatures, and
//! [`function!`](crate::function) to declare your own.
//!
//! Each function is a tuple struct named as in Django, used inside `annotate!` and
//! `aggregate!` (and inside aggregates): `annotate!(qs, initial = Substr(name, 1, 1))`. Its
//! arguments are expressions (bare names are fields or annotations) or, where the signature
//! says so, Rust values of the expected type. A function applied to a value of the wrong SQL
//! type does not compile. Functions return the same results on SQLite and PostgreSQL: where
//! SQLite lacks a function, or the two disagree, dorm renders SQL that agrees.
//!
//! | function | arguments | result |
//! |---|---|---|
//! | [`Lower`], [`Upper`], [`Trim`], [`LTrim`], [`RTrim`] | text | the same text type |
//! | [`Length`] | text | `Integer` (nullable for nullable text) |
//! | [`Substr`]`(x, pos, len)`, [`SubstrFrom`]`(x, pos)` | text, `i32` positions from 1 | the same text type |
//! | [`Replace`]`(x, from, to)` | text, `&str`s | the same text type |
//! | [`Concat`], [`Concat3`], [`Concat4`] | text or `&str`, NULL counts as `""` | `Text` (never NULL) |
//! | [`Coalesce`], [`Coalesce3`] | one type (nullable or not) | the last argument's type |
//! | [`Greatest`], [`Least`], [`Greatest3`], [`Least3`] | one ordered type; NULLs are skipped | the first argument's type |
//! | [`Abs`] | numbers | the same type |
//! | [`Round`]`(x)`, `Round(x, precision = n)` | floats, rounded half away from zero | the same type |
//! | [`Cast`]`(x, Text)` | see [`CastTo`] | the target type |
//! | [`Now`]`()` | | `DateTimeUtc` |
//! | [`Extract`]`(x, DatePart::Year)`, [`ExtractYear`]`(x)`, ... | date or datetime (time for hour, minute, second) | `Integer` |
//! | [`Trunc`]`(x, TruncKind::Month)`, [`TruncMonth`]`(x)`, ..., [`TruncDate`] | date or datetime | the same type ([`TruncDate`]: `Date`) |
//!
//! Functions that take several variants of arguments come in one struct per arity (Rust has
//! no variadic constructors): `Concat(a, b)`, `Concat3(a, b, c)`, or nested as Django's
//! `ConcatPair`: `Concat(a, Concat(b, c))`. A function over a nullable value is nullable.
//! The kind of the result (a constant, a value per row, an aggregate) is the combination of
//! its arguments' kinds, so `Concat(name, Max(name))` is rejected as mixing an aggregate with
//! ungrouped columns.
//!
//! Date parts and truncations are the enums [`DatePart`] and [`TruncKind`]: their SQL comes
//! from a `match`, never from a string. Datetimes are read in UTC on every backend.
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::expressions::functions::*;
//! use chrono::NaiveDate;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct User {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub first_name: String,
//!     #[dorm(max_length = 50)]
//!     pub last_name: String,
//!     pub nickname: Option<String>,
//!     pub born: NaiveDate,
//! }
//!
//! // Django: `class Levenshtein(Func): function = 'levenshtein'`: a SQL function declared
//! // with its signature (here one that SQLite has too).
//! dorm::function!(pub Lowercase = "lower"(Text) -> Text);
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[User::META], &mut conn)?;
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
//! let users = [("Ann", "Apple", None, day(1990, 5, 17)), ("Bob", "Stone", Some("Bobby"), day(1985, 11, 2))]
//!     .map(|(first, last, nick, born)| User {
//!         first_name: first.into(),
//!         last_name: last.into(),
//!         nickname: nick.map(String::from),
//!         born,
//!         ..Default::default()
//!     });
//! User::objects().bulk_create(users.to_vec(), &mut conn)?;
//!
//! let qs = annotate!(
//!     User::objects(),
//!     full = Concat3(first_name, " ", Upper(last_name)),
//!     called = Coalesce(nickname, first_name),
//!     year = ExtractYear(born),
//!     decade = Trunc(born, TruncKind::Year),
//! );
//! let rows: Vec<(String, String, i32)> = values!(order_by!(qs, year), full, called, year).fetch(&mut conn)?;
//! assert_eq!(rows, [
//!     ("Bob STONE".to_string(), "Bobby".to_string(), 1985),
//!     ("Ann APPLE".to_string(), "Ann".to_string(), 1990),
//! ]);
//!
//! // The scrap book: users whose first and last names start with the same letter.
//! let same = filter!(
//!     annotate!(User::objects(), first = Substr(first_name, 1, 1), last = Substr(last_name, 1, 1)),
//!     first = F(last)
//! );
//! let same: Vec<String> = values!(same, first_name).fetch(&mut conn)?;
//! assert_eq!(same, ["Ann"]);
//!
//! // A declared function, then filtered on.
//! let bob = filter!(annotate!(User::objects(), low = Lowercase(first_name)), low = "bob");
//! assert_eq!(bob.count(&mut conn)?, 1);
//! # Ok(()) }
//! ```

use std::fmt;
use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, MixedAggregates, SelectableExpression,
    TypedExpressionType, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{is_nullable, SingleValue, SqlType};

use super::scope::{ConstKind, MixKind, Resolve, Scope};
use super::value::{Argument, Dialect, ExprArg, ValueArg};
use crate::db::Vendor;
use crate::lookups::Transform;
use crate::values::SqlValue;

/// The SQL types, as values for [`Cast`] (`Cast(age, Text)`) and as names for
/// [`function!`](crate::function) signatures.
pub mod types {
    pub use crate::sql_types::DateTimeUtc;
    pub use diesel::sql_types::{
        BigInt, Bool, Date, Double, Float, Integer, Nullable, SmallInt, Text, Time,
    };
}
pub use types::{
    BigInt, Bool, Date, DateTimeUtc, Double, Float, Integer, Nullable, SmallInt, Text, Time,
};

// ---------------------------------------------------------------------------------------------
// The expression every function resolves to.

/// How a function renders on a backend, given its arguments.
pub trait SqlFunction: Clone {
    /// Renders the call on `DB`; `args` renders each argument.
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()>;
}

/// A function's arguments (a tuple of expressions), rendered one by one.
pub trait WalkArgs<DB: Backend> {
    /// How many there are.
    const LEN: usize;
    /// Renders the argument at `index`.
    fn walk_arg<'b>(&'b self, index: usize, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}

/// The arguments' grouping (diesel's [`ValidGrouping`] of the call).
pub trait ArgsGrouping<G> {
    /// `Yes`, `No` or `Never`, combined over the arguments.
    type IsAggregate;
}

/// The arguments may appear on the tables `QS`.
pub trait ArgsAppearOn<QS: ?Sized> {}

/// The arguments may be selected from `QS`.
pub trait ArgsSelectable<QS: ?Sized> {}

/// The kinds of several arguments combined (see [`MixKind`]); no argument is a constant.
pub trait MixKinds {
    /// The combined kind.
    type Out;
}

fn missing_argument(index: usize) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(
        format!("a database function has no argument number {index}").into(),
    )
}

impl<DB: Backend> WalkArgs<DB> for () {
    const LEN: usize = 0;
    fn walk_arg<'b>(&'b self, index: usize, _: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Err(missing_argument(index))
    }
}
impl<G> ArgsGrouping<G> for () {
    type IsAggregate = is_aggregate::Never;
}
impl<QS: ?Sized> ArgsAppearOn<QS> for () {}
impl<QS: ?Sized> ArgsSelectable<QS> for () {}
impl MixKinds for () {
    type Out = ConstKind;
}
impl<K1> MixKinds for (K1,) {
    type Out = K1;
}
impl<G, T1: ValidGrouping<G>> ArgsGrouping<G> for (T1,) {
    type IsAggregate = T1::IsAggregate;
}

macro_rules! args_tuple {
    ($($t:ident $n:tt),+) => {
        impl<DB: Backend, $($t: QueryFragment<DB>),+> WalkArgs<DB> for ($($t,)+) {
            const LEN: usize = [$($n),+].len();
            fn walk_arg<'b>(&'b self, index: usize, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
                match index {
                    $($n => self.$n.walk_ast(out.reborrow()),)+
                    _ => Err(missing_argument(index)),
                }
            }
        }
        impl<QS: ?Sized, $($t: AppearsOnTable<QS>),+> ArgsAppearOn<QS> for ($($t,)+) {}
        impl<QS: ?Sized, $($t: SelectableExpression<QS>),+> ArgsSelectable<QS> for ($($t,)+) {}
    };
}
args_tuple!(T0 0);
args_tuple!(T0 0, T1 1);
args_tuple!(T0 0, T1 1, T2 2);
args_tuple!(T0 0, T1 1, T2 2, T3 3);
args_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4);
args_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
args_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
args_tuple!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);

macro_rules! fold_tuple {
    ($t1:ident $t2:ident $($t:ident)*) => {
        impl<G, $t1: ValidGrouping<G>, $t2, $($t),*> ArgsGrouping<G> for ($t1, $t2, $($t,)*)
        where
            ($t2, $($t,)*): ArgsGrouping<G>,
            $t1::IsAggregate: MixedAggregates<<($t2, $($t,)*) as ArgsGrouping<G>>::IsAggregate>,
        {
            type IsAggregate = <$t1::IsAggregate as MixedAggregates<
                <($t2, $($t,)*) as ArgsGrouping<G>>::IsAggregate,
            >>::Output;
        }
        impl<$t1: MixKind<$t2>, $t2, $($t),*> MixKinds for ($t1, $t2, $($t,)*)
        where
            (<$t1 as MixKind<$t2>>::Out, $($t,)*): MixKinds,
        {
            type Out = <(<$t1 as MixKind<$t2>>::Out, $($t,)*) as MixKinds>::Out;
        }
    };
}
fold_tuple!(T0 T1);
fold_tuple!(T0 T1 T2);
fold_tuple!(T0 T1 T2 T3);
fold_tuple!(T0 T1 T2 T3 T4);
fold_tuple!(T0 T1 T2 T3 T4 T5);
fold_tuple!(T0 T1 T2 T3 T4 T5 T6);
fold_tuple!(T0 T1 T2 T3 T4 T5 T6 T7);

/// A database function call: the function `F` (how it renders), its arguments `A` (a tuple
/// of expressions), of SQL type `ST`.
pub struct FuncExpr<F, A, ST> {
    func: F,
    args: A,
    _type: PhantomData<fn() -> ST>,
}

impl<F, A, ST> FuncExpr<F, A, ST> {
    /// `func(args...)`.
    pub fn new(func: F, args: A) -> Self {
        FuncExpr {
            func,
            args,
            _type: PhantomData,
        }
    }
}

impl<F: Clone, A: Clone, ST> Clone for FuncExpr<F, A, ST> {
    fn clone(&self) -> Self {
        FuncExpr::new(self.func.clone(), self.args.clone())
    }
}

impl<F: fmt::Debug, A: fmt::Debug, ST> fmt::Debug for FuncExpr<F, A, ST> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FuncExpr")
            .field("func", &self.func)
            .field("args", &self.args)
            .finish()
    }
}

impl<F, A, ST: SqlType + TypedExpressionType> Expression for FuncExpr<F, A, ST> {
    type SqlType = ST;
}

impl<F: SqlFunction, A: WalkArgs<DB>, ST, DB: Dialect> QueryFragment<DB> for FuncExpr<F, A, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.func.render(&self.args, &mut out)
    }
}

// The SQL may depend on values (a date part, a function name): no static query id.
impl<F, A, ST> QueryId for FuncExpr<F, A, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<F, A: ArgsGrouping<G>, ST, G> ValidGrouping<G> for FuncExpr<F, A, ST> {
    type IsAggregate = A::IsAggregate;
}
impl<F, A: ArgsAppearOn<QS>, ST, QS: ?Sized> AppearsOnTable<QS> for FuncExpr<F, A, ST> where
    Self: Expression
{
}
impl<F, A: ArgsSelectable<QS>, ST, QS: ?Sized> SelectableExpression<QS> for FuncExpr<F, A, ST> where
    Self: AppearsOnTable<QS>
{
}

/// Index of a resolved function; `I` holds its arguments' indexes.
#[derive(Debug, Clone, Copy, Default)]
pub struct FuncIndex<I>(PhantomData<fn() -> I>);

// ---------------------------------------------------------------------------------------------
// SQL types: families, nullability, arguments of a type.

/// `T`, made nullable when the SQL type `Self` is nullable (a function of a nullable value is
/// nullable).
pub trait Nullity {
    /// `T` or `Nullable<T>`.
    type Of<T: SqlType + SingleValue + TypedExpressionType>: SqlType
        + SingleValue
        + TypedExpressionType;
}

/// `is_nullable::NotNull` or `is_nullable::IsNullable`, as a type-level switch.
pub trait NullFlag {
    /// `T` or `Nullable<T>`.
    type Of<T: SqlType + SingleValue + TypedExpressionType>: SqlType
        + SingleValue
        + TypedExpressionType;
}
impl NullFlag for is_nullable::NotNull {
    type Of<T: SqlType + SingleValue + TypedExpressionType> = T;
}
impl NullFlag for is_nullable::IsNullable {
    type Of<T: SqlType + SingleValue + TypedExpressionType> = Nullable<T>;
}
impl<ST: SqlType> Nullity for ST
where
    ST::IsNull: NullFlag,
{
    type Of<T: SqlType + SingleValue + TypedExpressionType> = <ST::IsNull as NullFlag>::Of<T>;
}

/// `T`, nullable when `ST` is.
pub type NullableIf<ST, T> = <ST as Nullity>::Of<T>;

/// A SQL type whose NOT NULL form is `B` (`B` itself or `Nullable<B>`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not of SQL type `{B}` (nullable or not)",
    label = "expected an expression of SQL type `{B}`",
    note = "the arguments of Concat, Coalesce, Greatest and Least must all have the same SQL type (dorm does not convert; use `Cast(x, Text)`)"
)]
pub trait BaseIs<B> {}
impl<T: SqlType<IsNull = is_nullable::NotNull>> BaseIs<T> for T {}
impl<T: SqlType<IsNull = is_nullable::NotNull>> BaseIs<T> for Nullable<T> {}

/// The NOT NULL form of a SQL type.
pub trait Base {
    /// `T` for `T` and for `Nullable<T>`.
    type Base: SqlType + SingleValue + TypedExpressionType;
}
impl<ST: SqlType> Base for ST
where
    ST::IsNull: NotNullForm<ST>,
{
    type Base = <ST::IsNull as NotNullForm<ST>>::Out;
}

/// The NOT NULL form of `ST`, chosen by `ST`'s nullability (`Self`).
pub trait NotNullForm<ST> {
    /// `ST` without `Nullable`.
    type Out: SqlType + SingleValue + TypedExpressionType;
}
impl<ST: SqlType + SingleValue> NotNullForm<ST> for is_nullable::NotNull {
    type Out = ST;
}
impl<T: SqlType + SingleValue> NotNullForm<Nullable<T>> for is_nullable::IsNullable {
    type Out = T;
}

/// An argument of SQL type `B` or `Nullable<B>`: an expression of either, or a Rust value of
/// type `B` (`Coalesce(nickname, "anonymous")`, `Concat(name, " ")`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an argument of SQL type `{B}` here",
    label = "expected an expression or a value of SQL type `{B}` (nullable or not)",
    note = "the arguments of Concat, Coalesce, Greatest and Least must all have the same SQL type"
)]
pub trait SameType<Sc: Scope, B, I> {
    /// The argument's own SQL type (`B` or `Nullable<B>`).
    type SqlType: SqlType + SingleValue + TypedExpressionType;
    /// The diesel expression.
    type Expr: Expression<SqlType = Self::SqlType> + Clone;
    /// Its kind.
    type Kind;
    /// Builds it.
    fn same_type(self, cx: &Sc::Cx) -> Self::Expr;
}

impl<Sc: Scope, B, E: Resolve<Sc, I>, I> SameType<Sc, B, ExprArg<I>> for E
where
    E::SqlType: BaseIs<B>,
{
    type SqlType = E::SqlType;
    type Expr = E::Expr;
    type Kind = E::Kind;
    fn same_type(self, cx: &Sc::Cx) -> Self::Expr {
        self.resolve(cx)
    }
}

impl<Sc: Scope, B, V> SameType<Sc, B, ValueArg> for V
where
    B: SqlType + SingleValue + TypedExpressionType,
    V: SqlValue<(), B>,
    V::Expr: Clone,
{
    type SqlType = B;
    type Expr = V::Expr;
    type Kind = ConstKind;
    fn same_type(self, _: &Sc::Cx) -> Self::Expr {
        self.into_sql_value()
    }
}

macro_rules! family {
    ($(#[$attr:meta])* $trait:ident: $($t:ty),* $(,)?) => {
        $(#[$attr])*
        pub trait $trait: SqlType + SingleValue + TypedExpressionType + Nullity {}
        $(
            impl $trait for $t {}
            impl $trait for Nullable<$t> {}
        )*
    };
}

/// Text (`CharField`, `TextField`), for the text functions.
#[diagnostic::on_unimplemented(
    message = "this function takes text (CharField, TextField), not `{Self}`",
    label = "not a text expression",
    note = "Lower, Upper, Length, Substr, Trim, Replace and Concat take text; convert with `Cast(x, Text)`"
)]
pub trait TextType: SqlType + SingleValue + TypedExpressionType + Nullity {}
impl TextType for Text {}
impl TextType for Nullable<Text> {}

family!(
    /// Numbers, for [`Abs`].
    #[diagnostic::on_unimplemented(
        message = "Abs takes a number, not `{Self}`",
        label = "not a number"
    )]
    NumberType: SmallInt, Integer, BigInt, Float, Double
);
impl<const P: u32, const S: u32, const N: bool> NumberType
    for crate::sql_types::FixedDecimal<P, S, N>
{
}
impl<const P: u32, const S: u32, const N: bool> NumberType
    for Nullable<crate::sql_types::FixedDecimal<P, S, N>>
{
}

family!(
    /// Values with an order, for [`Greatest`] and [`Least`].
    #[diagnostic::on_unimplemented(
        message = "Greatest and Least need ordered values (numbers, text, dates, times), not `{Self}`",
        label = "these values have no order"
    )]
    OrderedType: SmallInt, Integer, BigInt, Float, Double, Text, Date, Time, DateTimeUtc
);
impl<const P: u32, const S: u32, const N: bool> OrderedType
    for crate::sql_types::FixedDecimal<P, S, N>
{
}
impl<const P: u32, const S: u32, const N: bool> OrderedType
    for Nullable<crate::sql_types::FixedDecimal<P, S, N>>
{
}

/// Floating-point numbers, for [`Round`].
#[diagnostic::on_unimplemented(
    message = "Round takes a FloatField, not `{Self}`",
    label = "not a floating-point number",
    note = "integers are already round; decimals keep their own places"
)]
pub trait FloatType: SqlType + SingleValue + TypedExpressionType {
    /// The type's name on PostgreSQL.
    const POSTGRES: &'static str;
}
impl FloatType for Float {
    const POSTGRES: &'static str = "real";
}
impl FloatType for Double {
    const POSTGRES: &'static str = "double precision";
}
impl<T: FloatType + SqlType<IsNull = is_nullable::NotNull>> FloatType for Nullable<T> {
    const POSTGRES: &'static str = T::POSTGRES;
}

/// Which kind of temporal value a SQL type holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temporal {
    /// A date (`DateField`).
    DateValue,
    /// A time of day (`TimeField`).
    TimeValue,
    /// An aware datetime, read in UTC (`DateTimeField`).
    DateTimeValue,
}

/// Dates, times and datetimes.
pub trait TemporalType: SqlType + SingleValue + TypedExpressionType + Nullity {
    /// Which one.
    const TEMPORAL: Temporal;
}
macro_rules! temporal {
    ($($t:ty => $k:ident),*) => {$(
        impl TemporalType for $t {
            const TEMPORAL: Temporal = Temporal::$k;
        }
        impl TemporalType for Nullable<$t> {
            const TEMPORAL: Temporal = Temporal::$k;
        }
    )*};
}
temporal!(Date => DateValue, Time => TimeValue, DateTimeUtc => DateTimeValue);

/// Dates and datetimes: what [`Extract`] and [`Trunc`] take.
#[diagnostic::on_unimplemented(
    message = "Extract and Trunc input expression must be DateField or DateTimeField, not `{Self}`",
    label = "this expression is not a date or a datetime",
    note = "Django: ValueError: Extract input expression must be DateField, DateTimeField, TimeField, or DurationField."
)]
pub trait DateType: TemporalType {
    /// What the names check leaves for a field of this type: [`crate::names::Valid`].
    #[doc(hidden)]
    type Checked;
}
#[diagnostic::do_not_recommend]
impl DateType for Date {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl DateType for Nullable<Date> {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl DateType for DateTimeUtc {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl DateType for Nullable<DateTimeUtc> {
    type Checked = crate::names::Valid;
}

/// Times and datetimes: what [`ExtractHour`], [`ExtractMinute`] and [`ExtractSecond`] take.
#[diagnostic::on_unimplemented(
    message = "Cannot extract a time component from `{Self}`: it needs a TimeField or DateTimeField",
    label = "this expression has no time part",
    note = "Django: ValueError: Cannot extract time component from DateField"
)]
pub trait TimeOfDayType: TemporalType {
    /// What the names check leaves for a field of this type: [`crate::names::Valid`].
    #[doc(hidden)]
    type Checked;
}
#[diagnostic::do_not_recommend]
impl TimeOfDayType for Time {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl TimeOfDayType for Nullable<Time> {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl TimeOfDayType for DateTimeUtc {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl TimeOfDayType for Nullable<DateTimeUtc> {
    type Checked = crate::names::Valid;
}

/// Datetimes: what [`TruncHour`], [`TruncMinute`], [`TruncSecond`] and [`TruncDate`] take.
#[diagnostic::on_unimplemented(
    message = "Cannot truncate `{Self}` to a time: it needs a DateTimeField",
    label = "this expression is not a datetime",
    note = "Django: ValueError: Cannot truncate DateField to DateTimeField / TruncDate needs a DateTimeField"
)]
pub trait DateTimeType: TemporalType {
    /// What the names check leaves for a field of this type: [`crate::names::Valid`].
    #[doc(hidden)]
    type Checked;
}
#[diagnostic::do_not_recommend]
impl DateTimeType for DateTimeUtc {
    type Checked = crate::names::Valid;
}
#[diagnostic::do_not_recommend]
impl DateTimeType for Nullable<DateTimeUtc> {
    type Checked = crate::names::Valid;
}

// ---------------------------------------------------------------------------------------------
// How functions render.

/// `NAME(a, b, ...)`, the same on every backend. The name is dorm's own, or the string
/// literal of a [`function!`](crate::function) declaration.
#[derive(Debug, Clone, Copy)]
pub struct Call(pub &'static str);

fn comma_list<'b, DB: Backend, A: WalkArgs<DB>>(
    args: &'b A,
    order: impl IntoIterator<Item = usize>,
    out: &mut AstPass<'_, 'b, DB>,
) -> QueryResult<()> {
    for (n, i) in order.into_iter().enumerate() {
        if n > 0 {
            out.push_sql(", ");
        }
        args.walk_arg(i, out)?;
    }
    Ok(())
}

impl SqlFunction for Call {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(self.0);
        out.push_sql("(");
        comma_list(args, 0..A::LEN, out)?;
        out.push_sql(")");
        Ok(())
    }
}

/// One argument between SQL text, chosen per backend: `(before, after)` on SQLite and on
/// PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct Wrap {
    sqlite: (&'static str, &'static str),
    postgres: (&'static str, &'static str),
}

impl SqlFunction for Wrap {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        let (before, after) = match DB::VENDOR {
            Vendor::Sqlite => self.sqlite,
            Vendor::Postgres => self.postgres,
        };
        out.push_sql(before);
        args.walk_arg(0, out)?;
        out.push_sql(after);
        Ok(())
    }
}

/// `COALESCE(a, '') || COALESCE(b, '') || ...`: Django's `Concat`, where NULL is `''`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConcatFn;

impl SqlFunction for ConcatFn {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql("(");
        for i in 0..A::LEN {
            if i > 0 {
                out.push_sql(" || ");
            }
            out.push_sql("COALESCE(");
            args.walk_arg(i, out)?;
            out.push_sql(", '')");
        }
        out.push_sql(")");
        Ok(())
    }
}

/// `GREATEST`/`LEAST`, which skip NULLs (PostgreSQL's behaviour). SQLite's `MAX(a, b)`
/// returns NULL when any argument is NULL, so each argument is first replaced by the next
/// non-NULL one: `MAX(COALESCE(a, b), COALESCE(b, a))`.
#[derive(Debug, Clone, Copy)]
pub struct ExtremeFn {
    greatest: bool,
}

impl SqlFunction for ExtremeFn {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        match DB::VENDOR {
            Vendor::Postgres => {
                out.push_sql(if self.greatest { "GREATEST(" } else { "LEAST(" });
                comma_list(args, 0..A::LEN, out)?;
            }
            Vendor::Sqlite => {
                out.push_sql(if self.greatest { "MAX(" } else { "MIN(" });
                for first in 0..A::LEN {
                    if first > 0 {
                        out.push_sql(", ");
                    }
                    out.push_sql("COALESCE(");
                    comma_list(args, (0..A::LEN).map(|k| (first + k) % A::LEN), out)?;
                    out.push_sql(")");
                }
            }
        }
        out.push_sql(")");
        Ok(())
    }
}

/// `round(x[, places])`, half away from zero on both backends (PostgreSQL rounds a float
/// half to even, so it rounds the value as a `numeric`).
#[derive(Debug, Clone, Copy)]
pub struct RoundFn {
    postgres_type: &'static str,
}

impl SqlFunction for RoundFn {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        let postgres = DB::VENDOR == Vendor::Postgres;
        out.push_sql(if postgres {
            "CAST(ROUND(CAST("
        } else {
            "round("
        });
        args.walk_arg(0, out)?;
        if postgres {
            out.push_sql(" AS numeric)");
        }
        if A::LEN > 1 {
            out.push_sql(", ");
            args.walk_arg(1, out)?;
        }
        out.push_sql(")");
        if postgres {
            out.push_sql(" AS ");
            out.push_sql(self.postgres_type);
            out.push_sql(")");
        }
        Ok(())
    }
}

/// `CURRENT_TIMESTAMP`, and on SQLite the same instant as text in the format dorm stores
/// `DateTimeUtc` in (so it compares with stored values).
#[derive(Debug, Clone, Copy, Default)]
pub struct NowFn;

impl SqlFunction for NowFn {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        _: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(match DB::VENDOR {
            Vendor::Sqlite => "strftime('%Y-%m-%d %H:%M:%f000+00:00', 'now')",
            Vendor::Postgres => "CURRENT_TIMESTAMP",
        });
        Ok(())
    }
}

/// Renders the operand of a PostgreSQL `EXTRACT`/`DATE_TRUNC`: an aware datetime in UTC, a
/// date as a timestamp.
fn postgres_operand<'b, DB: Backend, A: WalkArgs<DB>>(
    temporal: Temporal,
    args: &'b A,
    out: &mut AstPass<'_, 'b, DB>,
) -> QueryResult<()> {
    match temporal {
        Temporal::DateTimeValue => {
            out.push_sql("(");
            args.walk_arg(0, out)?;
            out.push_sql(" AT TIME ZONE 'UTC')");
        }
        Temporal::DateValue => {
            out.push_sql("CAST(");
            args.walk_arg(0, out)?;
            out.push_sql(" AS timestamp)");
        }
        Temporal::TimeValue => args.walk_arg(0, out)?,
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Text.

macro_rules! text_unary {
    ($($(#[$doc:meta])* $name:ident $sql:literal),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<A>(pub A);

        impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for $name<A>
        where
            Sc: Scope,
            A: Resolve<Sc, IA, SqlType = ST>,
            ST: TextType,
        {
            type SqlType = ST;
            type Expr = FuncExpr<Call, (A::Expr,), ST>;
            type Kind = A::Kind;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                FuncExpr::new(Call($sql), (self.0.resolve(cx),))
            }
        }
    )*};
}
text_unary!(
    /// `Lower(x)`: the text in lower case (SQLite folds ASCII letters only, as in Django).
    Lower "LOWER",
    /// `Upper(x)`: the text in upper case (SQLite folds ASCII letters only, as in Django).
    Upper "UPPER",
    /// `Trim(x)`: without leading and trailing spaces.
    Trim "TRIM",
    /// `LTrim(x)`: without leading spaces.
    LTrim "LTRIM",
    /// `RTrim(x)`: without trailing spaces.
    RTrim "RTRIM",
);

/// `Length(x)`: the number of characters, an `Integer` (NULL for NULL).
#[derive(Debug, Clone, Copy, Default)]
pub struct Length<A>(pub A);

impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for Length<A>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: TextType,
{
    type SqlType = NullableIf<ST, Integer>;
    type Expr = FuncExpr<Call, (A::Expr,), Self::SqlType>;
    type Kind = A::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(Call("LENGTH"), (self.0.resolve(cx),))
    }
}

/// `Substr(x, pos, len)`: `len` characters from position `pos` (the first is 1). Positions
/// are `i32` values or integer expressions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Substr<A, P, L>(pub A, pub P, pub L);

impl<Sc, A, P, L, IA, IP, IL, ST> Resolve<Sc, FuncIndex<(IA, IP, IL)>> for Substr<A, P, L>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: TextType,
    P: Argument<Sc, Integer, IP>,
    L: Argument<Sc, Integer, IL>,
    (A::Kind, P::Kind, L::Kind): MixKinds,
{
    type SqlType = ST;
    type Expr = FuncExpr<Call, (A::Expr, P::Expr, L::Expr), ST>;
    type Kind = <(A::Kind, P::Kind, L::Kind) as MixKinds>::Out;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            Call("SUBSTR"),
            (self.0.resolve(cx), self.1.argument(cx), self.2.argument(cx)),
        )
    }
}

/// `SubstrFrom(x, pos)`: the text from position `pos` (the first is 1) to the end (Django's
/// `Substr(x, pos)`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SubstrFrom<A, P>(pub A, pub P);

impl<Sc, A, P, IA, IP, ST> Resolve<Sc, FuncIndex<(IA, IP)>> for SubstrFrom<A, P>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: TextType,
    P: Argument<Sc, Integer, IP>,
    (A::Kind, P::Kind): MixKinds,
{
    type SqlType = ST;
    type Expr = FuncExpr<Call, (A::Expr, P::Expr), ST>;
    type Kind = <(A::Kind, P::Kind) as MixKinds>::Out;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(Call("SUBSTR"), (self.0.resolve(cx), self.1.argument(cx)))
    }
}

/// `Replace(x, from, to)`: every occurrence of `from` replaced by `to` (both NOT NULL text:
/// values or expressions).
#[derive(Debug, Clone, Copy, Default)]
pub struct Replace<A, F, T>(pub A, pub F, pub T);

impl<Sc, A, F, T, IA, IF, IT, ST> Resolve<Sc, FuncIndex<(IA, IF, IT)>> for Replace<A, F, T>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: TextType,
    F: Argument<Sc, Text, IF>,
    T: Argument<Sc, Text, IT>,
    (A::Kind, F::Kind, T::Kind): MixKinds,
{
    type SqlType = ST;
    type Expr = FuncExpr<Call, (A::Expr, F::Expr, T::Expr), ST>;
    type Kind = <(A::Kind, F::Kind, T::Kind) as MixKinds>::Out;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            Call("REPLACE"),
            (self.0.resolve(cx), self.1.argument(cx), self.2.argument(cx)),
        )
    }
}

macro_rules! concat_fns {
    ($($(#[$doc:meta])* $name:ident($($t:ident $i:ident $n:tt),+);)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<$($t),+>($(pub $t),+);

        impl<Sc, $($t, $i),+> Resolve<Sc, FuncIndex<($($i,)+)>> for $name<$($t),+>
        where
            Sc: Scope,
            $($t: SameType<Sc, Text, $i>,)+
            ($($t::Kind,)+): MixKinds,
        {
            type SqlType = Text;
            type Expr = FuncExpr<ConcatFn, ($($t::Expr,)+), Text>;
            type Kind = <($($t::Kind,)+) as MixKinds>::Out;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                FuncExpr::new(ConcatFn, ($(self.$n.same_type(cx),)+))
            }
        }
    )*};
}
concat_fns! {
    /// `Concat(a, b)`: text expressions or `&str` values joined, a NULL counting as `""`
    /// (Django's `Concat`); never NULL. Nest it, or use [`Concat3`]/[`Concat4`], for more.
    Concat(A IA 0, B IB 1);
    /// `Concat3(a, b, c)`: see [`Concat`].
    Concat3(A IA 0, B IB 1, C IC 2);
    /// `Concat4(a, b, c, d)`: see [`Concat`].
    Concat4(A IA 0, B IB 1, C IC 2, D ID 3);
}

// ---------------------------------------------------------------------------------------------
// Comparison and conversion.

macro_rules! coalesce {
    ($($(#[$doc:meta])* $name:ident($($t:ident $i:ident $n:tt),+) -> $last:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<A, $($t),+>(pub A, $(pub $t),+);

        impl<Sc, A, IA, ST, $($t, $i),+> Resolve<Sc, FuncIndex<(IA, $($i,)+)>> for $name<A, $($t),+>
        where
            Sc: Scope,
            A: Resolve<Sc, IA, SqlType = ST>,
            ST: Base,
            $($t: SameType<Sc, ST::Base, $i>,)+
            (A::Kind, $($t::Kind,)+): MixKinds,
        {
            type SqlType = $last::SqlType;
            type Expr = FuncExpr<Call, (A::Expr, $($t::Expr,)+), $last::SqlType>;
            type Kind = <(A::Kind, $($t::Kind,)+) as MixKinds>::Out;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                FuncExpr::new(Call("COALESCE"), (self.0.resolve(cx), $(self.$n.same_type(cx),)+))
            }
        }
    )*};
}
coalesce! {
    /// `Coalesce(a, b)`: the first that is not NULL. The arguments have one SQL type
    /// (nullable or not; `b` may be a Rust value); the result has the type of the last
    /// argument, so `Coalesce(nickname, name)` and `Coalesce(nickname, "anonymous")` are not
    /// nullable.
    Coalesce(B IB 1) -> B;
    /// `Coalesce3(a, b, c)`: see [`Coalesce`].
    Coalesce3(B IB 1, C IC 2) -> C;
}

macro_rules! extreme {
    ($($(#[$doc:meta])* $name:ident $greatest:literal ($($t:ident $i:ident $n:tt),+);)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<A, $($t),+>(pub A, $(pub $t),+);

        impl<Sc, A, IA, ST, $($t, $i),+> Resolve<Sc, FuncIndex<(IA, $($i,)+)>> for $name<A, $($t),+>
        where
            Sc: Scope,
            A: Resolve<Sc, IA, SqlType = ST>,
            ST: OrderedType + Base,
            $($t: SameType<Sc, ST::Base, $i>,)+
            (A::Kind, $($t::Kind,)+): MixKinds,
        {
            type SqlType = ST;
            type Expr = FuncExpr<ExtremeFn, (A::Expr, $($t::Expr,)+), ST>;
            type Kind = <(A::Kind, $($t::Kind,)+) as MixKinds>::Out;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                FuncExpr::new(
                    ExtremeFn { greatest: $greatest },
                    (self.0.resolve(cx), $(self.$n.same_type(cx),)+),
                )
            }
        }
    )*};
}
extreme! {
    /// `Greatest(a, b)`: the largest value, NULLs skipped (NULL only when all are NULL) on
    /// every backend (PostgreSQL's `GREATEST`). The arguments have one SQL type; the result
    /// has the first argument's.
    Greatest true (B IB 1);
    /// `Greatest3(a, b, c)`: see [`Greatest`].
    Greatest3 true (B IB 1, C IC 2);
    /// `Least(a, b)`: the smallest value, NULLs skipped (see [`Greatest`]).
    Least false (B IB 1);
    /// `Least3(a, b, c)`: see [`Least`].
    Least3 false (B IB 1, C IC 2);
}

/// `Abs(x)`: the absolute value, of the same type.
#[derive(Debug, Clone, Copy, Default)]
pub struct Abs<A>(pub A);

impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for Abs<A>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: NumberType,
{
    type SqlType = ST;
    type Expr = FuncExpr<Call, (A::Expr,), ST>;
    type Kind = A::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(Call("ABS"), (self.0.resolve(cx),))
    }
}

/// `Round(x)`: a float rounded to an integral value, half away from zero on every backend;
/// `Round(x, precision = n)` rounds to `n` decimal places.
#[derive(Debug, Clone, Copy, Default)]
pub struct Round<A>(pub A);

/// `Round(x, precision = n)`: see [`Round`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RoundTo<A, P>(pub A, pub P);

impl<A> Round<A> {
    /// Rounds to `places` decimal places (Django's `precision`; an `i32` or an integer
    /// expression).
    pub fn precision<P>(self, places: P) -> RoundTo<A, P> {
        RoundTo(self.0, places)
    }
}

impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for Round<A>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: FloatType,
{
    type SqlType = ST;
    type Expr = FuncExpr<RoundFn, (A::Expr,), ST>;
    type Kind = A::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            RoundFn {
                postgres_type: ST::POSTGRES,
            },
            (self.0.resolve(cx),),
        )
    }
}

impl<Sc, A, P, IA, IP, ST> Resolve<Sc, FuncIndex<(IA, IP)>> for RoundTo<A, P>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: FloatType,
    P: Argument<Sc, Integer, IP>,
    (A::Kind, P::Kind): MixKinds,
{
    type SqlType = ST;
    type Expr = FuncExpr<RoundFn, (A::Expr, P::Expr), ST>;
    type Kind = <(A::Kind, P::Kind) as MixKinds>::Out;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            RoundFn {
                postgres_type: ST::POSTGRES,
            },
            (self.0.resolve(cx), self.1.argument(cx)),
        )
    }
}

/// A conversion from SQL type `Self` to `T` that gives the same result on every backend
/// (what [`Cast`] allows).
///
/// | from | to |
/// |---|---|
/// | integers, floats, text | `SmallInt`, `Integer`, `BigInt` (floats truncate toward zero), `Float`, `Double` |
/// | `Bool` | `Integer` (0 or 1) |
/// | integers, text, `Date`, `DateTimeUtc` | `Text` (dates as `2024-05-17`, datetimes as dorm stores them on SQLite: `2024-05-17 08:30:00.000000+00:00`) |
/// | text, `Date`, `DateTimeUtc` | `Date` (a datetime's UTC date) |
/// | `Date`, `DateTimeUtc` | `DateTimeUtc` (midnight UTC) |
///
/// Text converted to a number must hold that number: PostgreSQL raises an error for
/// `"12abc"` where SQLite reads 12. Floats are not converted to text (the backends write them
/// differently).
#[diagnostic::on_unimplemented(
    message = "Cannot cast `{Self}` to `{T}`",
    label = "dorm has no cast between these SQL types",
    note = "Cast converts only between types whose conversion gives the same result on every backend (see `CastTo`)"
)]
pub trait CastTo<T> {
    /// The result's SQL type (nullable for a nullable value).
    type Out: SqlType + SingleValue + TypedExpressionType;
    /// The SQL around the value on SQLite.
    const SQLITE: (&'static str, &'static str);
    /// The SQL around the value on PostgreSQL.
    const POSTGRES: (&'static str, &'static str);
}

impl<S, T> CastTo<T> for Nullable<S>
where
    S: CastTo<T> + SqlType<IsNull = is_nullable::NotNull>,
    S::Out: SqlType<IsNull = is_nullable::NotNull>,
{
    type Out = Nullable<S::Out>;
    const SQLITE: (&'static str, &'static str) = S::SQLITE;
    const POSTGRES: (&'static str, &'static str) = S::POSTGRES;
}

macro_rules! casts {
    ($([$($from:ty),+] => $to:ty: sqlite($sb:literal, $sa:literal), postgres($pb:literal, $pa:literal);)*) => {$($(
        impl CastTo<$to> for $from {
            type Out = $to;
            const SQLITE: (&'static str, &'static str) = ($sb, $sa);
            const POSTGRES: (&'static str, &'static str) = ($pb, $pa);
        }
    )+)*};
}
casts! {
    [SmallInt, Integer, BigInt, Text] => SmallInt: sqlite("CAST(", " AS INTEGER)"), postgres("CAST(", " AS smallint)");
    [Float, Double] => SmallInt: sqlite("CAST(", " AS INTEGER)"), postgres("CAST(TRUNC(", ") AS smallint)");
    [SmallInt, Integer, BigInt, Text, Bool] => Integer: sqlite("CAST(", " AS INTEGER)"), postgres("CAST(", " AS integer)");
    [Float, Double] => Integer: sqlite("CAST(", " AS INTEGER)"), postgres("CAST(TRUNC(", ") AS integer)");
    [SmallInt, Integer, BigInt, Text] => BigInt: sqlite("CAST(", " AS INTEGER)"), postgres("CAST(", " AS bigint)");
    [Float, Double] => BigInt: sqlite("CAST(", " AS INTEGER)"), postgres("CAST(TRUNC(", ") AS bigint)");
    [SmallInt, Integer, BigInt, Float, Double, Text] => Float: sqlite("CAST(", " AS REAL)"), postgres("CAST(", " AS real)");
    [SmallInt, Integer, BigInt, Float, Double, Text] => Double: sqlite("CAST(", " AS REAL)"), postgres("CAST(", " AS double precision)");
    [SmallInt, Integer, BigInt, Text] => Text: sqlite("CAST(", " AS TEXT)"), postgres("CAST(", " AS text)");
    [Date] => Text: sqlite("CAST(", " AS TEXT)"), postgres("to_char(", ", 'YYYY-MM-DD')");
    [DateTimeUtc] => Text: sqlite("CAST(", " AS TEXT)"), postgres("to_char((", " AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS.US\"+00:00\"')");
    [Date, Text] => Date: sqlite("date(", ")"), postgres("CAST(", " AS date)");
    [DateTimeUtc] => Date: sqlite("date(", ")"), postgres("CAST((", " AT TIME ZONE 'UTC') AS date)");
    [Date] => DateTimeUtc: sqlite("strftime('%Y-%m-%d 00:00:00.000000+00:00', ", ")"), postgres("(CAST(", " AS timestamp) AT TIME ZONE 'UTC')");
    [DateTimeUtc] => DateTimeUtc: sqlite("", ""), postgres("", "");
}

/// `Cast(x, Text)`: `x` converted to the SQL type given as a value (the types are in
/// [`types`], re-exported here). Only conversions that agree on every backend compile (see
/// [`CastTo`]); a nullable value gives a nullable result.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cast<A, T>(pub A, pub T);

impl<Sc, A, T, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for Cast<A, T>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: CastTo<T>,
{
    type SqlType = <ST as CastTo<T>>::Out;
    type Expr = FuncExpr<Wrap, (A::Expr,), Self::SqlType>;
    type Kind = A::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            Wrap {
                sqlite: ST::SQLITE,
                postgres: ST::POSTGRES,
            },
            (self.0.resolve(cx),),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Dates and times.

/// `Now()`: the current date and time (`CURRENT_TIMESTAMP`), a `DateTimeUtc`. On SQLite it is
/// text in the format dorm stores datetimes in, with millisecond precision, so it compares
/// with stored values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Now();

impl<Sc: Scope> Resolve<Sc, FuncIndex<()>> for Now {
    type SqlType = DateTimeUtc;
    type Expr = FuncExpr<NowFn, (), DateTimeUtc>;
    type Kind = ConstKind;
    fn resolve(self, _: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(NowFn, ())
    }
}

/// A part of a date or datetime, for [`Extract`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePart {
    /// The year.
    Year,
    /// The ISO-8601 week-numbering year (the year of the ISO week).
    IsoYear,
    /// The quarter, 1-4.
    Quarter,
    /// The month, 1-12.
    Month,
    /// The ISO-8601 week number, 1-53.
    Week,
    /// The day of the month.
    Day,
    /// The day of the week, Sunday = 1 ... Saturday = 7 (Django's `week_day`).
    WeekDay,
    /// The ISO-8601 day of the week, Monday = 1 ... Sunday = 7.
    IsoWeekDay,
    /// The hour, 0-23 (0 for a date).
    Hour,
    /// The minute, 0-59 (0 for a date).
    Minute,
    /// The whole second, 0-59 (0 for a date).
    Second,
}

type TransformSql = [(&'static str, &'static str); 2];

fn transform<T: Transform<DateTimeUtc>>() -> TransformSql {
    [T::SQLITE, T::POSTGRES]
}

impl DatePart {
    /// The SQL around the operand: `[sqlite, postgres]` (the `__year`, `__month`, ... lookups'
    /// own SQL where there is one).
    fn sql(self) -> TransformSql {
        use crate::lookups as l;
        match self {
            DatePart::Year => transform::<l::Year>(),
            DatePart::IsoYear => [
                ("CAST(strftime('%G', ", ") AS INTEGER)"),
                ("CAST(EXTRACT(ISOYEAR FROM ", ") AS integer)"),
            ],
            DatePart::Quarter => transform::<l::Quarter>(),
            DatePart::Month => transform::<l::Month>(),
            DatePart::Week => transform::<l::Week>(),
            DatePart::Day => transform::<l::Day>(),
            DatePart::WeekDay => transform::<l::WeekDay>(),
            DatePart::IsoWeekDay => [
                ("CAST(strftime('%u', ", ") AS INTEGER)"),
                ("CAST(EXTRACT(ISODOW FROM ", ") AS integer)"),
            ],
            DatePart::Hour => transform::<l::Hour>(),
            DatePart::Minute => transform::<l::Minute>(),
            DatePart::Second => transform::<l::Second>(),
        }
    }
}

/// Renders `EXTRACT(part FROM x)` for a value of the given [`Temporal`] kind.
#[derive(Debug, Clone, Copy)]
pub struct ExtractFn {
    part: DatePart,
    temporal: Temporal,
}

impl SqlFunction for ExtractFn {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        let [sqlite, postgres] = self.part.sql();
        match DB::VENDOR {
            Vendor::Sqlite => {
                out.push_sql(sqlite.0);
                args.walk_arg(0, out)?;
                out.push_sql(sqlite.1);
            }
            Vendor::Postgres => {
                out.push_sql(postgres.0);
                postgres_operand(self.temporal, args, out)?;
                out.push_sql(postgres.1);
            }
        }
        Ok(())
    }
}

/// `Extract(x, DatePart::Year)`: a part of a date or datetime (datetimes in UTC), an
/// `Integer`. Django's `Extract(field, 'year')`; see [`DatePart`] for the parts.
#[derive(Debug, Clone, Copy)]
pub struct Extract<A>(pub A, pub DatePart);

impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for Extract<A>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: DateType,
{
    type SqlType = NullableIf<ST, Integer>;
    type Expr = FuncExpr<ExtractFn, (A::Expr,), Self::SqlType>;
    type Kind = A::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            ExtractFn {
                part: self.1,
                temporal: ST::TEMPORAL,
            },
            (self.0.resolve(cx),),
        )
    }
}

macro_rules! extract_parts {
    ($($(#[$doc:meta])* $name:ident $part:ident $gate:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<A>(pub A);

        impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for $name<A>
        where
            Sc: Scope,
            A: Resolve<Sc, IA, SqlType = ST>,
            ST: $gate,
        {
            type SqlType = NullableIf<ST, Integer>;
            type Expr = FuncExpr<ExtractFn, (A::Expr,), Self::SqlType>;
            type Kind = A::Kind;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                FuncExpr::new(
                    ExtractFn {
                        part: DatePart::$part,
                        temporal: ST::TEMPORAL,
                    },
                    (self.0.resolve(cx),),
                )
            }
        }
    )*};
}
extract_parts! {
    /// `ExtractYear(x)`: `Extract(x, DatePart::Year)`.
    ExtractYear Year DateType;
    /// `ExtractIsoYear(x)`: `Extract(x, DatePart::IsoYear)`.
    ExtractIsoYear IsoYear DateType;
    /// `ExtractQuarter(x)`: `Extract(x, DatePart::Quarter)`.
    ExtractQuarter Quarter DateType;
    /// `ExtractMonth(x)`: `Extract(x, DatePart::Month)`.
    ExtractMonth Month DateType;
    /// `ExtractWeek(x)`: `Extract(x, DatePart::Week)` (ISO-8601).
    ExtractWeek Week DateType;
    /// `ExtractDay(x)`: `Extract(x, DatePart::Day)`.
    ExtractDay Day DateType;
    /// `ExtractWeekDay(x)`: `Extract(x, DatePart::WeekDay)` (Sunday = 1).
    ExtractWeekDay WeekDay DateType;
    /// `ExtractIsoWeekDay(x)`: `Extract(x, DatePart::IsoWeekDay)` (Monday = 1).
    ExtractIsoWeekDay IsoWeekDay DateType;
    /// `ExtractHour(x)`: the hour of a time or datetime.
    ExtractHour Hour TimeOfDayType;
    /// `ExtractMinute(x)`: the minute of a time or datetime.
    ExtractMinute Minute TimeOfDayType;
    /// `ExtractSecond(x)`: the whole second of a time or datetime.
    ExtractSecond Second TimeOfDayType;
}

/// What [`Trunc`] truncates to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TruncKind {
    /// January 1st.
    Year,
    /// The first day of the quarter.
    Quarter,
    /// The first day of the month.
    Month,
    /// The Monday of the ISO week.
    Week,
    /// The day (midnight).
    Day,
    /// The hour (a date stays the same date).
    Hour,
    /// The minute (a date stays the same date).
    Minute,
    /// The whole second (a date stays the same date).
    Second,
}

impl TruncKind {
    /// Django's name for it (`"month"`).
    pub fn name(self) -> &'static str {
        self.postgres()
    }

    fn postgres(self) -> &'static str {
        match self {
            TruncKind::Year => "year",
            TruncKind::Quarter => "quarter",
            TruncKind::Month => "month",
            TruncKind::Week => "week",
            TruncKind::Day => "day",
            TruncKind::Hour => "hour",
            TruncKind::Minute => "minute",
            TruncKind::Second => "second",
        }
    }
}

/// The first month of the operand's quarter, as a SQLite date modifier: `'-N months'` from
/// the start of the month.
const SQLITE_QUARTER_MODIFIER: (&str, &str) = (
    "'-' || ((CAST(strftime('%m', ",
    ") AS INTEGER) - 1) % 3) || ' months'",
);

/// Renders `DATE_TRUNC(kind, x)`, producing dorm's storage formats on SQLite.
#[derive(Debug, Clone, Copy)]
pub struct TruncFn {
    kind: TruncKind,
    temporal: Temporal,
}

impl SqlFunction for TruncFn {
    fn render<'b, DB: Dialect, A: WalkArgs<DB>>(
        &self,
        args: &'b A,
        out: &mut AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        let datetime = self.temporal == Temporal::DateTimeValue;
        match DB::VENDOR {
            Vendor::Postgres => {
                out.push_sql(if datetime { "(" } else { "CAST(" });
                out.push_sql("DATE_TRUNC('");
                out.push_sql(self.kind.postgres());
                out.push_sql("', ");
                postgres_operand(self.temporal, args, out)?;
                out.push_sql(if datetime {
                    ") AT TIME ZONE 'UTC')"
                } else {
                    ") AS date)"
                });
            }
            Vendor::Sqlite => {
                // (strftime format for a datetime, date() modifiers after the operand)
                let (format, modifiers): (&str, &[&str]) = match self.kind {
                    TruncKind::Year => ("%Y-01-01 00:00:00", &["'start of year'"]),
                    TruncKind::Quarter => ("%Y-%m-01 00:00:00", &["'start of month'"]),
                    TruncKind::Month => ("%Y-%m-01 00:00:00", &["'start of month'"]),
                    TruncKind::Week => ("%Y-%m-%d 00:00:00", &["'-6 days'", "'weekday 1'"]),
                    TruncKind::Day => ("%Y-%m-%d 00:00:00", &[]),
                    TruncKind::Hour => ("%Y-%m-%d %H:00:00", &[]),
                    TruncKind::Minute => ("%Y-%m-%d %H:%M:00", &[]),
                    TruncKind::Second => ("%Y-%m-%d %H:%M:%S", &[]),
                };
                if datetime {
                    out.push_sql("strftime('");
                    out.push_sql(format);
                    out.push_sql(".000000+00:00', ");
                } else {
                    out.push_sql("date(");
                }
                args.walk_arg(0, out)?;
                for modifier in modifiers {
                    out.push_sql(", ");
                    out.push_sql(modifier);
                }
                if self.kind == TruncKind::Quarter {
                    out.push_sql(", ");
                    out.push_sql(SQLITE_QUARTER_MODIFIER.0);
                    args.walk_arg(0, out)?;
                    out.push_sql(SQLITE_QUARTER_MODIFIER.1);
                }
                out.push_sql(")");
            }
        }
        Ok(())
    }
}

/// `expr` truncated to `kind` (what `dates()`/`datetimes()` select).
pub(crate) fn trunc_expr<E, ST: DateType>(expr: E, kind: TruncKind) -> FuncExpr<TruncFn, (E,), ST> {
    FuncExpr::new(
        TruncFn {
            kind,
            temporal: ST::TEMPORAL,
        },
        (expr,),
    )
}

/// `Trunc(x, TruncKind::Month)`: a date or datetime truncated (datetimes in UTC), of the same
/// type. Django's `Trunc(field, 'month')`; see [`TruncKind`].
#[derive(Debug, Clone, Copy)]
pub struct Trunc<A>(pub A, pub TruncKind);

impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for Trunc<A>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: DateType,
{
    type SqlType = ST;
    type Expr = FuncExpr<TruncFn, (A::Expr,), ST>;
    type Kind = A::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            TruncFn {
                kind: self.1,
                temporal: ST::TEMPORAL,
            },
            (self.0.resolve(cx),),
        )
    }
}

macro_rules! trunc_kinds {
    ($($(#[$doc:meta])* $name:ident $kind:ident $gate:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<A>(pub A);

        impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for $name<A>
        where
            Sc: Scope,
            A: Resolve<Sc, IA, SqlType = ST>,
            ST: $gate,
        {
            type SqlType = ST;
            type Expr = FuncExpr<TruncFn, (A::Expr,), ST>;
            type Kind = A::Kind;
            fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
                FuncExpr::new(
                    TruncFn {
                        kind: TruncKind::$kind,
                        temporal: ST::TEMPORAL,
                    },
                    (self.0.resolve(cx),),
                )
            }
        }
    )*};
}
trunc_kinds! {
    /// `TruncYear(x)`: `Trunc(x, TruncKind::Year)`.
    TruncYear Year DateType;
    /// `TruncQuarter(x)`: `Trunc(x, TruncKind::Quarter)`.
    TruncQuarter Quarter DateType;
    /// `TruncMonth(x)`: `Trunc(x, TruncKind::Month)`.
    TruncMonth Month DateType;
    /// `TruncWeek(x)`: `Trunc(x, TruncKind::Week)` (the Monday).
    TruncWeek Week DateType;
    /// `TruncDay(x)`: `Trunc(x, TruncKind::Day)`.
    TruncDay Day DateType;
    /// `TruncHour(x)`: a datetime truncated to the hour.
    TruncHour Hour DateTimeType;
    /// `TruncMinute(x)`: a datetime truncated to the minute.
    TruncMinute Minute DateTimeType;
    /// `TruncSecond(x)`: a datetime truncated to the whole second.
    TruncSecond Second DateTimeType;
}

/// `TruncDate(x)`: the (UTC) date of a datetime, a `Date`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TruncDate<A>(pub A);

impl<Sc, A, IA, ST> Resolve<Sc, FuncIndex<(IA,)>> for TruncDate<A>
where
    Sc: Scope,
    A: Resolve<Sc, IA, SqlType = ST>,
    ST: DateTimeType,
{
    type SqlType = NullableIf<ST, Date>;
    type Expr = FuncExpr<Wrap, (A::Expr,), Self::SqlType>;
    type Kind = A::Kind;
    fn resolve(self, cx: &Sc::Cx) -> Self::Expr {
        FuncExpr::new(
            Wrap {
                sqlite: <DateTimeUtc as CastTo<Date>>::SQLITE,
                postgres: <DateTimeUtc as CastTo<Date>>::POSTGRES,
            },
            (self.0.resolve(cx),),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Custom functions.

/// Whether `name` is a plain SQL identifier (`[A-Za-z_][A-Za-z0-9_]*`): what
/// [`function!`](crate::function) checks its function name against when it compiles.
pub const fn is_sql_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes[0].is_ascii_digit() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_alphanumeric() || b == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

/// Declares a SQL function with a typed signature, usable in `annotate!` and `aggregate!`
/// like dorm's own (Django's `class Levenshtein(Func): function = 'levenshtein'`):
///
/// ```
/// use dorm::expressions::functions::*;
///
/// dorm::function!(
///     /// PostgreSQL's `fuzzystrmatch` distance.
///     pub LevenshteinLikeZeus = "levenshtein"(Text, Text) -> Integer
/// );
/// ```
///
/// This declares a tuple struct with one field per argument, `LevenshteinLikeZeus(a, b)`,
/// whose arguments are expressions or Rust values of the declared SQL types (an argument of
/// another type does not compile; a nullable type is written `Nullable<Text>`). It renders
/// `levenshtein(a, b)` on every backend, of the declared result type, and combines its
/// arguments' kinds like dorm's functions. The types are resolved where the macro is
/// invoked: `use dorm::expressions::functions::*` (or `types::*`) brings them into scope.
///
/// The name reaches the SQL exactly as written, unquoted: it must be a plain identifier
/// (`[A-Za-z_][A-Za-z0-9_]*`), which is checked when the declaration compiles, and it is the
/// only text that goes into the SQL. dorm does not check that the database has the function
/// or that the declared types are the function's: that is the declaration's promise. Up to
/// eight arguments.
#[macro_export]
macro_rules! function {
    (
        $(#[$attr:meta])*
        $vis:vis $name:ident = $sql:literal ( $($arg:ty),* $(,)? ) -> $ret:ty $(;)?
    ) => {
        $crate::__dorm_function!(
            @munch {$(#[$attr])*} {$vis} $name $sql {$ret}
            []
            [(__A0 __I0 __a0) (__A1 __I1 __a1) (__A2 __I2 __a2) (__A3 __I3 __a3)
             (__A4 __I4 __a4) (__A5 __I5 __a5) (__A6 __I6 __a6) (__A7 __I7 __a7)]
            $($arg,)*
        );
    };
}

/// The body of [`function!`](crate::function). Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __dorm_function {
    (@munch $attrs:tt $vis:tt $name:ident $sql:literal $ret:tt [$($done:tt)*]
        [($g:ident $i:ident $v:ident) $($names:tt)*] $arg:ty, $($rest:tt)*) => {
        $crate::__dorm_function!(
            @munch $attrs $vis $name $sql $ret [$($done)* ($g $i $v {$arg})] [$($names)*] $($rest)*
        );
    };
    (@munch $attrs:tt $vis:tt $name:ident $sql:literal $ret:tt [$($done:tt)*] [] $arg:ty, $($rest:tt)*) => {
        ::core::compile_error!("function! declares at most eight arguments");
    };
    (@munch $attrs:tt $vis:tt $name:ident $sql:literal $ret:tt [$($done:tt)*] [$($names:tt)*]) => {
        $crate::__dorm_function!(@emit $attrs $vis $name $sql $ret [$($done)*]);
    };
    (@emit {$(#[$attr:meta])*} {$vis:vis} $name:ident $sql:literal {$ret:ty}
        [$(($g:ident $i:ident $v:ident {$arg:ty}))*]) => {
        $(#[$attr])*
        #[doc = ::core::concat!("\n\nThe SQL function `", $sql, "` (declared with `dorm::function!`).")]
        #[derive(Debug, Clone, Copy)]
        $vis struct $name<$($g),*>($(pub $g),*);

        const _: () = ::core::assert!(
            $crate::expressions::functions::is_sql_identifier($sql),
            ::core::concat!(
                "dorm::function!: the function name `", $sql,
                "` is not a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*)"
            )
        );

        impl<__Sc, $($g, $i),*>
            $crate::expressions::Resolve<__Sc, $crate::expressions::functions::FuncIndex<($($i,)*)>>
            for $name<$($g),*>
        where
            __Sc: $crate::expressions::Scope,
            $($g: $crate::expressions::Argument<__Sc, $arg, $i>,)*
            ($(<$g as $crate::expressions::Argument<__Sc, $arg, $i>>::Kind,)*):
                $crate::expressions::functions::MixKinds,
        {
            type SqlType = $ret;
            type Expr = $crate::expressions::functions::FuncExpr<
                $crate::expressions::functions::Call,
                ($(<$g as $crate::expressions::Argument<__Sc, $arg, $i>>::Expr,)*),
                $ret,
            >;
            type Kind = <($(<$g as $crate::expressions::Argument<__Sc, $arg, $i>>::Kind,)*)
                as $crate::expressions::functions::MixKinds>::Out;
            #[allow(unused_variables)]
            fn resolve(self, cx: &<__Sc as $crate::expressions::Scope>::Cx) -> Self::Expr {
                let $name($($v),*) = self;
                $crate::expressions::functions::FuncExpr::new(
                    $crate::expressions::functions::Call($sql),
                    ($(<$g as $crate::expressions::Argument<__Sc, $arg, $i>>::argument($v, cx),)*),
                )
            }
        }
    };
}
