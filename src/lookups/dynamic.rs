//! [`DynQ`]: a condition composed at run time (Django's `q = Q(); if name: q &= Q(name=name)`).
//!
//! A `q!(...)` is a static type, so a QuerySet filtered by it is one static diesel query that
//! diesel prepares once and caches by type. When the conditions depend on run-time input
//! (optional search fields), their number and shape change from call to call; `DynQ<M>` boxes
//! each condition (checked against `M` exactly as `q!` is, when it is built) so that any
//! combination has one type. The price is diesel's boxed-query price: the SQL is rendered on
//! every run and the prepared statement is found by its text (see the `ormbench` figures in
//! the README).
//!
//! ```
//! use dorm::lookups::DynQ;
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct User {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub name: String,
//!     pub age: i32,
//! }
//!
//! fn search(name: Option<&str>, min_age: Option<i32>) -> DynQ<User> {
//!     let mut q = DynQ::all();
//!     if let Some(name) = name {
//!         q = q & DynQ::new(q!(name__istartswith = name.to_string()));
//!     }
//!     if let Some(age) = min_age {
//!         q = q & DynQ::new(q!(age__gte = age));
//!     }
//!     q
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[User::META], &mut conn)?;
//! let users = [("Rachel", 30), ("Ross", 32), ("Monica", 31)]
//!     .map(|(name, age)| User { name: name.into(), age, ..Default::default() });
//! User::objects().bulk_create(users.to_vec(), &mut conn)?;
//!
//! assert_eq!(User::objects().filter(search(None, None)).count(&mut conn)?, 3);
//! assert_eq!(User::objects().filter(search(Some("r"), None)).count(&mut conn)?, 2);
//! assert_eq!(User::objects().filter(search(Some("r"), Some(31))).count(&mut conn)?, 1);
//! assert_eq!(User::objects().filter(!search(Some("r"), None)).count(&mut conn)?, 1);
//! # Ok(()) }
//! ```

use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not as NotOp};
use std::sync::Arc;

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, Nullable};

use super::{AndOp, BoolOp, IsNotTrue, OrOp, Predicate};
use crate::model::Model;

/// A condition fragment that renders on every backend dorm is built with.
#[cfg(all(feature = "sqlite", feature = "postgres"))]
pub trait AnyBackend:
    QueryFragment<diesel::sqlite::Sqlite> + QueryFragment<diesel::pg::Pg> + Send + Sync
{
}
#[cfg(all(feature = "sqlite", feature = "postgres"))]
impl<T: QueryFragment<diesel::sqlite::Sqlite> + QueryFragment<diesel::pg::Pg> + Send + Sync>
    AnyBackend for T
{
}
/// A condition fragment that renders on every backend dorm is built with.
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
pub trait AnyBackend: QueryFragment<diesel::sqlite::Sqlite> + Send + Sync {}
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
impl<T: QueryFragment<diesel::sqlite::Sqlite> + Send + Sync> AnyBackend for T {}
/// A condition fragment that renders on every backend dorm is built with.
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
pub trait AnyBackend: QueryFragment<diesel::pg::Pg> + Send + Sync {}
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
impl<T: QueryFragment<diesel::pg::Pg> + Send + Sync> AnyBackend for T {}

/// A condition on rows of `M` whose shape is decided at run time. See the module docs.
pub struct DynQ<M> {
    condition: Option<Arc<dyn AnyBackend>>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for DynQ<M> {
    fn clone(&self) -> Self {
        DynQ {
            condition: self.condition.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for DynQ<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.condition.is_some() {
            "DynQ(..)"
        } else {
            "DynQ(all)"
        })
    }
}

impl<M: Model> DynQ<M> {
    /// Every row (Django's empty `Q()`): the start of a condition built step by step.
    pub fn all() -> Self {
        DynQ {
            condition: None,
            _model: PhantomData,
        }
    }

    /// A condition (`q!(...)`, a lookup, ...), checked against `M` as `filter!` checks it.
    pub fn new<P>(condition: P) -> Self
    where
        P: Predicate<M>,
        P::Expr: AnyBackend + 'static,
    {
        DynQ {
            condition: Some(Arc::new(condition.build())),
            _model: PhantomData,
        }
    }

    fn boxed(condition: impl AnyBackend + 'static) -> Self {
        DynQ {
            condition: Some(Arc::new(condition)),
            _model: PhantomData,
        }
    }
}

impl<M: Model> BitAnd for DynQ<M> {
    type Output = DynQ<M>;
    fn bitand(self, rhs: DynQ<M>) -> DynQ<M> {
        match (self.condition.is_some(), rhs.condition.is_some()) {
            (false, _) => rhs,
            (_, false) => self,
            _ => DynQ::boxed(BoolOp::<_, _, AndOp>::new(self, rhs)),
        }
    }
}

impl<M: Model> BitOr for DynQ<M> {
    type Output = DynQ<M>;
    fn bitor(self, rhs: DynQ<M>) -> DynQ<M> {
        // Everything OR anything is everything.
        match (self.condition.is_some(), rhs.condition.is_some()) {
            (false, _) => self,
            (_, false) => rhs,
            _ => DynQ::boxed(BoolOp::<_, _, OrOp>::new(self, rhs)),
        }
    }
}

/// `!q` (Django's `~Q`): rows for which the condition is not true.
impl<M: Model> NotOp for DynQ<M> {
    type Output = DynQ<M>;
    fn not(self) -> DynQ<M> {
        DynQ::boxed(IsNotTrue(self))
    }
}

impl<M: Model> Predicate<M> for DynQ<M> {
    type Expr = DynQ<M>;
    fn build(self) -> DynQ<M> {
        self
    }
}

impl<M> Expression for DynQ<M> {
    type SqlType = Nullable<Bool>;
}

macro_rules! render {
    ($($feature:literal $db:ty),*) => {$(
        #[cfg(feature = $feature)]
        impl<M> QueryFragment<$db> for DynQ<M> {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, $db>) -> QueryResult<()> {
                match &self.condition {
                    Some(c) => QueryFragment::<$db>::walk_ast(&**c, out.reborrow()),
                    None => {
                        out.push_sql("1 = 1");
                        Ok(())
                    }
                }
            }
        }
    )*};
}
render!("sqlite" diesel::sqlite::Sqlite, "postgres" diesel::pg::Pg);

/// Its SQL depends on run-time values: no static query id (diesel finds the prepared statement
/// by its text, as for its own boxed queries).
impl<M> QueryId for DynQ<M> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<M> ValidGrouping<()> for DynQ<M> {
    type IsAggregate = diesel::expression::is_aggregate::No;
}
impl<M: Model, QS: ?Sized> AppearsOnTable<QS> for DynQ<M> where M::PkColumn: AppearsOnTable<QS> {}
impl<M: Model, QS: ?Sized> SelectableExpression<QS> for DynQ<M> where
    M::PkColumn: SelectableExpression<QS>
{
}
