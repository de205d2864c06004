//! `dates()` and `datetimes()`: the distinct dates (or datetimes) a QuerySet's rows fall on,
//! truncated to a year, quarter, month, week or day (or hour, minute, second), in order
//! (Django's `Entry.objects.dates("pub_date", "month")`).
//!
//! ```
//! use dorm::prelude::*;
//! use dorm::expressions::functions::TruncKind;
//! use chrono::NaiveDate;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Entry {
//!     pub id: Auto<i64>,
//!     pub pub_date: NaiveDate,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Entry::META], &mut conn)?;
//! for (y, m, d) in [(2005, 2, 20), (2005, 3, 20), (2005, 3, 21), (2007, 1, 1)] {
//!     let pub_date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
//!     Entry::objects().create(Entry { pub_date, ..Default::default() }, &mut conn)?;
//! }
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! // Entry.objects.dates("pub_date", "year")
//! let years = Entry::objects().all().dates(dorm::field!(pub_date), TruncKind::Year).fetch(&mut conn)?;
//! assert_eq!(years, [day(2005, 1, 1), day(2007, 1, 1)]);
//! // Entry.objects.filter(...).dates("pub_date", "month", order="DESC")
//! let months = dorm::filter!(Entry::objects(), pub_date__year = 2005)
//!     .dates(dorm::field!(pub_date), TruncKind::Month)
//!     .desc()
//!     .fetch(&mut conn)?;
//! assert_eq!(months, [day(2005, 3, 1), day(2005, 2, 1)]);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use diesel::expression::Expression;
use diesel::query_dsl::methods::{DistinctDsl, FilterDsl, OrderDsl, SelectDsl};
use diesel::ExpressionMethods;

use super::{ByName, QuerySet};
use crate::db::Load;
use crate::error::Result;
use crate::expressions::functions::{trunc_expr, FuncExpr, TruncFn, TruncKind};
use crate::expressions::LoadsAs;
use crate::model::{Field, Model};

/// A date or datetime SQL type whose values `dates()`/`datetimes()` return.
#[diagnostic::on_unimplemented(
    message = "dates() takes a DateField and datetimes() a DateTimeField, not a field of SQL type `{Self}`",
    label = "this field has the wrong type for this method",
    note = "Django: dates() takes the name of a DateField, datetimes() of a DateTimeField"
)]
pub trait Truncates<Kind> {}

/// `dates()`'s fields: `Date`, nullable or not.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateKind;
/// `datetimes()`'s fields: `DateTimeUtc`, nullable or not.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateTimeKind;

#[diagnostic::do_not_recommend]
impl Truncates<DateKind> for diesel::sql_types::Date {}
#[diagnostic::do_not_recommend]
impl Truncates<DateKind> for diesel::sql_types::Nullable<diesel::sql_types::Date> {}
#[diagnostic::do_not_recommend]
impl Truncates<DateTimeKind> for crate::sql_types::DateTimeUtc {}
#[diagnostic::do_not_recommend]
impl Truncates<DateTimeKind> for diesel::sql_types::Nullable<crate::sql_types::DateTimeUtc> {}

/// A value read back, without the `Option` of a nullable field (its NULLs are filtered out).
pub trait Present {
    /// The value.
    type Out;
    /// It, or `None` for NULL.
    fn present(self) -> Option<Self::Out>;
}
impl Present for chrono::NaiveDate {
    type Out = Self;
    fn present(self) -> Option<Self> {
        Some(self)
    }
}
impl Present for chrono::DateTime<chrono::Utc> {
    type Out = Self;
    fn present(self) -> Option<Self> {
        Some(self)
    }
}
impl<T: Present> Present for Option<T> {
    type Out = T::Out;
    fn present(self) -> Option<T::Out> {
        self.and_then(Present::present)
    }
}

type Column<M, N> = <M as Field<N>>::Column;
type SqlTypeOf<M, N> = <Column<M, N> as Expression>::SqlType;
/// The truncated field.
pub type Truncated<M, N> = FuncExpr<TruncFn, (Column<M, N>,), SqlTypeOf<M, N>>;
/// The query `dates()` runs, before its ordering.
pub type DatesQuery<M, N, W> = diesel::dsl::Distinct<
    diesel::dsl::Select<
        diesel::dsl::Filter<W, diesel::dsl::IsNotNull<Column<M, N>>>,
        Truncated<M, N>,
    >,
>;

/// The distinct truncated values of field `N`, ascending or (`Desc = true`) descending; run
/// with [`fetch`](Self::fetch).
#[must_use = "dates() does nothing until `fetch(conn)`"]
pub struct Dates<M, N, Q, const DESC: bool = false> {
    query: Q,
    kind: TruncKind,
    kinds: &'static [TruncKind],
    _field: PhantomData<fn() -> (M, N)>,
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// The distinct dates of the date field `N` truncated to `kind` (`Year`, `Quarter`,
    /// `Month`, `Week` or `Day`), ascending, NULLs left out (Django's `dates(field, kind)`).
    /// The QuerySet's ordering and slice are not used, as in Django.
    pub fn dates<N>(self, field: ByName<N>, kind: TruncKind) -> Dates<M, N, W>
    where
        M: Field<N>,
        SqlTypeOf<M, N>: Truncates<DateKind>,
    {
        Dates::new(self.query, field, kind, &TruncKind::DATE_KINDS)
    }

    /// The distinct datetimes of the datetime field `N` truncated to `kind` (down to
    /// `Second`), in UTC, ascending, NULLs left out (Django's `datetimes(field, kind)` with
    /// `USE_TZ` and UTC).
    pub fn datetimes<N>(self, field: ByName<N>, kind: TruncKind) -> Dates<M, N, W>
    where
        M: Field<N>,
        SqlTypeOf<M, N>: Truncates<DateTimeKind>,
    {
        Dates::new(self.query, field, kind, &TruncKind::DATETIME_KINDS)
    }
}

impl<M, N, W> Dates<M, N, W> {
    fn new(query: W, _: ByName<N>, kind: TruncKind, kinds: &'static [TruncKind]) -> Self {
        Dates {
            query,
            kind,
            kinds,
            _field: PhantomData,
        }
    }
}

impl TruncKind {
    /// The kinds Django's `dates()` takes.
    const DATE_KINDS: [TruncKind; 4] = [
        TruncKind::Year,
        TruncKind::Month,
        TruncKind::Week,
        TruncKind::Day,
    ];
    /// The kinds Django's `datetimes()` takes.
    const DATETIME_KINDS: [TruncKind; 7] = [
        TruncKind::Year,
        TruncKind::Month,
        TruncKind::Week,
        TruncKind::Day,
        TruncKind::Hour,
        TruncKind::Minute,
        TruncKind::Second,
    ];
}

impl<M, N, W> Dates<M, N, W, false> {
    /// Newest first (Django's `order="DESC"`).
    pub fn desc(self) -> Dates<M, N, W, true> {
        Dates {
            query: self.query,
            kind: self.kind,
            kinds: self.kinds,
            _field: PhantomData,
        }
    }
}

/// The ordering of `dates()`: the truncated value, ascending or descending.
pub trait DatesOrder<E> {
    /// diesel's ordering expression.
    type Order: Expression;
    /// It.
    fn order(expr: E) -> Self::Order;
}
/// Ascending.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ascending;
/// Descending.
#[derive(Debug, Clone, Copy, Default)]
pub struct Descending;
impl<E: ExpressionMethods> DatesOrder<E> for Ascending {
    type Order = diesel::dsl::Asc<E>;
    fn order(expr: E) -> Self::Order {
        expr.asc()
    }
}
impl<E: ExpressionMethods> DatesOrder<E> for Descending {
    type Order = diesel::dsl::Desc<E>;
    fn order(expr: E) -> Self::Order {
        expr.desc()
    }
}

/// The direction for `DESC`.
pub trait Direction {
    /// [`Ascending`] or [`Descending`].
    type Dir;
}
/// The direction of a [`Dates`] query, from its `DESC` flag.
pub struct Flag<const DESC: bool>;
impl Direction for Flag<false> {
    type Dir = Ascending;
}
impl Direction for Flag<true> {
    type Dir = Descending;
}

type DirOf<const DESC: bool> = <Flag<DESC> as Direction>::Dir;
/// The query a [`Dates`] runs.
pub type DatesBuilt<M, N, W, const DESC: bool> =
    diesel::dsl::Order<DatesQuery<M, N, W>, <DirOf<DESC> as DatesOrder<Truncated<M, N>>>::Order>;

impl<M, N, W, const DESC: bool> Dates<M, N, W, DESC>
where
    M: Model + Field<N>,
    SqlTypeOf<M, N>: crate::expressions::functions::DateType + LoadsAs,
    Column<M, N>: Default + ExpressionMethods,
    Flag<DESC>: Direction,
    DirOf<DESC>: DatesOrder<Truncated<M, N>>,
    Truncated<M, N>: Clone,
    W: FilterDsl<diesel::dsl::IsNotNull<Column<M, N>>>,
    diesel::dsl::Filter<W, diesel::dsl::IsNotNull<Column<M, N>>>: SelectDsl<Truncated<M, N>>,
    diesel::dsl::Select<
        diesel::dsl::Filter<W, diesel::dsl::IsNotNull<Column<M, N>>>,
        Truncated<M, N>,
    >: DistinctDsl,
    DatesQuery<M, N, W>: OrderDsl<<DirOf<DESC> as DatesOrder<Truncated<M, N>>>::Order>,
    <SqlTypeOf<M, N> as LoadsAs>::Rust: Present,
{
    /// The diesel query: `SELECT DISTINCT trunc(field) ... WHERE field IS NOT NULL ORDER BY 1`.
    pub fn into_diesel(self) -> DatesBuilt<M, N, W, DESC> {
        let truncated: Truncated<M, N> = trunc_expr(Column::<M, N>::default(), self.kind);
        self.query
            .filter(Column::<M, N>::default().is_not_null())
            .select(truncated.clone())
            .distinct()
            .order(<DirOf<DESC>>::order(truncated))
    }

    /// Runs it. A `kind` the method does not take (`Quarter`; a time unit for `dates()`) is
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) with Django's message, and runs
    /// nothing.
    #[allow(clippy::type_complexity)]
    pub fn fetch<'q, C>(
        self,
        conn: &mut C,
    ) -> Result<Vec<<<SqlTypeOf<M, N> as LoadsAs>::Rust as Present>::Out>>
    where
        C: Load<'q, DatesBuilt<M, N, W, DESC>, <SqlTypeOf<M, N> as LoadsAs>::Loaded>,
    {
        if !self.kinds.contains(&self.kind) {
            let names: Vec<String> = self
                .kinds
                .iter()
                .map(|k| format!("'{}'", k.name()))
                .collect();
            let (last, rest) = names.split_last().expect("a method takes some kinds");
            return Err(crate::Error::InvalidValue {
                field: format!("{}.{}", M::META.name, <M as Field<N>>::FIELD.name),
                message: format!("'kind' must be one of {}, or {last}.", rest.join(", ")),
            });
        }
        let rows = conn.load_rows_with(self.into_diesel(), |loaded| {
            <SqlTypeOf<M, N> as LoadsAs>::value_of(loaded, &|| "dates".to_string())
                .map_err(diesel::result::Error::DeserializationError)
        })?;
        Ok(rows.into_iter().filter_map(Present::present).collect())
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        DatesBuilt<M, N, W, DESC>: super::SqlFor,
    {
        super::SqlFor::sql_for(&self.into_diesel(), vendor)
    }
}
