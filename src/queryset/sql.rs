//! Printing the SQL a QuerySet runs (Django's `str(qs.query)`), for a given backend.

use diesel::query_builder::{QueryFragment, QueryId};

use super::execute::Built;
use super::ordering::ApplyOrder;
use super::slicing::ApplySlice;
use super::QuerySet;
use crate::db::Vendor;
use crate::model::Model;

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// The SQL text of the query with its bind values, for `vendor` (Django's
    /// `str(qs.query)`; diesel's `debug_query`). For reading, never for running.
    pub fn sql(self, vendor: Vendor) -> String
    where
        O: ApplyOrder<M, W>,
        S: ApplySlice<O::Out>,
        Built<M, W, O, S>: QueryId + SqlFor,
    {
        self.into_diesel().sql_for(vendor)
    }
}

/// A query that can be printed for every backend dorm is built with.
pub trait SqlFor {
    /// The query's text and binds for `vendor`.
    fn sql_for(&self, vendor: Vendor) -> String;
}

#[cfg(all(feature = "sqlite", feature = "postgres"))]
impl<Q: QueryFragment<diesel::sqlite::Sqlite> + QueryFragment<diesel::pg::Pg>> SqlFor for Q {
    fn sql_for(&self, vendor: Vendor) -> String {
        match vendor {
            Vendor::Sqlite => diesel::debug_query::<diesel::sqlite::Sqlite, _>(self).to_string(),
            Vendor::Postgres => diesel::debug_query::<diesel::pg::Pg, _>(self).to_string(),
        }
    }
}
#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
impl<Q: QueryFragment<diesel::sqlite::Sqlite>> SqlFor for Q {
    fn sql_for(&self, _vendor: Vendor) -> String {
        diesel::debug_query::<diesel::sqlite::Sqlite, _>(self).to_string()
    }
}
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
impl<Q: QueryFragment<diesel::pg::Pg>> SqlFor for Q {
    fn sql_for(&self, _vendor: Vendor) -> String {
        diesel::debug_query::<diesel::pg::Pg, _>(self).to_string()
    }
}
