//! # dorm: Django's ORM for Rust, checked by the compiler, running on diesel
//!
//! Declare a model once with `#[derive(Model)]`; from it come the diesel table and its
//! zero-sized column types, the `objects()` manager, typed lookups such as
//! `filter!(qs, rating__gte = 3)`, and the metadata (`Model::META`) that migrations render to
//! SQL for each backend. Queries are diesel query fragments all the way down: dorm never
//! concatenates SQL text for a query.
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Reporter {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub name: String,
//!     pub stories_filed: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Reporter::META], &mut conn)?;
//!
//! let tintin = Reporter::objects().create( Reporter {
//!     name: "Tintin".into(),
//!     stories_filed: 3,
//!     ..Default::default()
//! }, &mut conn)?;
//! let busy = filter!(Reporter::objects(), stories_filed__gte = 2).fetch(&mut conn)?;
//! assert_eq!(busy, vec![tintin]);
//! # Ok(()) }
//! ```
//!
//! See `README.md` for the tour and `schema/` (the `scrapbook` crate) for every recipe of the
//! Django ORM scrap book answered with dorm.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate self as dorm;

pub mod aggregates;
pub mod apps;
pub mod db;
pub mod error;
pub mod expressions;
pub mod fields;
pub mod lookups;
#[cfg(feature = "manage")]
pub mod manage;
pub mod migrations;
pub mod model;
pub mod names;
pub mod queryset;
pub mod relations;
pub mod sql;
pub mod sql_types;
pub mod values;

pub use db::{atomic, connect, Connection, Executor, Pool};
pub use error::{Error, IntegrityKind, Result};
pub use expressions::F;
pub use fields::{Auto, Choices};
pub use model::{Manager, Model};
pub use queryset::QuerySet;
pub use relations::{ForeignKey, Loaded, ManyToMany, OnDelete, OneToOne};

pub use dorm_macros::{
    abstract_model, aggregate, annotate, defer, distinct_on, exclude, extends, field, filter, name,
    only, order_by, prefetch_related, q, related, select_related, update, values, values_list,
    Choices, Model,
};

/// Everything a module that declares models and runs queries needs, in one `use`.
pub mod prelude {
    pub use crate::aggregates::{Avg, Count, Max, Min, StdDev, Sum, Variance};
    pub use crate::expressions::functions::{
        Abs, Cast, Coalesce, Coalesce3, Concat, Concat3, Concat4, DatePart, Extract, ExtractDay,
        ExtractHour, ExtractIsoWeekDay, ExtractIsoYear, ExtractMinute, ExtractMonth,
        ExtractQuarter, ExtractSecond, ExtractWeek, ExtractWeekDay, ExtractYear, Greatest,
        Greatest3, LTrim, Least, Least3, Length, Lower, Now, RTrim, Replace, Round, Substr,
        SubstrFrom, Trim, Trunc, TruncDate, TruncDay, TruncHour, TruncKind, TruncMinute,
        TruncMonth, TruncQuarter, TruncWeek, TruncYear, Upper,
    };
    pub use crate::expressions::{
        Case, CumeDist, DenseRank, Exists, Lag, Lead, Ntile, OuterRef, PercentRank, Rank,
        RowNumber, Subquery, Value, When, Window, F,
    };
    pub use crate::fields::{Auto, Choices as _};
    pub use crate::lookups::DynQ;
    pub use crate::model::{Instance as _, Model as _};
    pub use crate::queryset::Reads as _;
    pub use crate::{
        abstract_model, aggregate, annotate, defer, distinct_on, exclude, extends, field, filter,
        only, order_by, prefetch_related, q, related, select_related, update, values, values_list,
        Choices, Model,
    };
}

/// Runs diesel code on the concrete connection behind any dorm [`Executor`] (a URL-chosen
/// [`Connection`], a pooled one, or diesel's own): `$body` is compiled once per backend dorm is
/// built with, with `$c` bound to that backend's diesel connection.
///
/// ```
/// use diesel::connection::SimpleConnection;
/// # fn main() -> dorm::Result<()> {
/// let mut conn = dorm::connect("sqlite::memory:")?;
/// let result = dorm::with_backend!(&mut conn, |c| c.batch_execute("CREATE TABLE t (x INTEGER)"));
/// result?;
/// # Ok(()) }
/// ```
#[cfg(all(feature = "sqlite", feature = "postgres"))]
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $crate::db::Executor::backend($conn) {
            $crate::db::Backend::Sqlite($c) => $body,
            $crate::db::Backend::Postgres($c) => $body,
        }
    };
}
/// Runs diesel code on the concrete connection behind any dorm [`Executor`].
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $crate::db::Executor::backend($conn) {
            $crate::db::Backend::Sqlite($c) => $body,
        }
    };
}
/// Runs diesel code on the concrete connection behind any dorm [`Executor`].
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $crate::db::Executor::backend($conn) {
            $crate::db::Backend::Postgres($c) => $body,
        }
    };
}

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Re-exports used by code that the macros generate. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use chrono;
    pub use diesel;
    pub use rust_decimal;
    pub use serde_json;

    /// Backend-conditional expansion: the macros emit backend code through these, so the
    /// `cfg` is evaluated with dorm's features, not the user crate's.
    #[cfg(feature = "sqlite")]
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __dorm_on_sqlite {
        ($($t:tt)*) => { const _: () = { type __Conn = $crate::__private::diesel::SqliteConnection; $($t)* }; };
    }
    #[cfg(not(feature = "sqlite"))]
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __dorm_on_sqlite {
        ($($t:tt)*) => {};
    }
    #[cfg(feature = "postgres")]
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __dorm_on_postgres {
        ($($t:tt)*) => { const _: () = { type __Conn = $crate::__private::diesel::PgConnection; $($t)* }; };
    }
    #[cfg(not(feature = "postgres"))]
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __dorm_on_postgres {
        ($($t:tt)*) => {};
    }
}
