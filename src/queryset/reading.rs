//! The verbs every QuerySet shape answers from the one query it runs, whatever its rows:
//! `count` (`SELECT COUNT(*) FROM (query)`), `exists` (`SELECT EXISTS (query)`) and `explain`.
//! Django's `count()`/`exists()` of a `values()`, `only()`, `select_related()` or combined
//! QuerySet; a shape with its own, cheaper form (a model QuerySet's `SELECT COUNT(*)`)
//! answers with that instead, since an inherent method comes first.
//!
//! ```
//! use dorm::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Person {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 50)]
//!     pub name: String,
//!     pub age: i32,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Person::META], &mut conn)?;
//! let people = [("Ann", 31), ("Bob", 45)]
//!     .map(|(name, age)| Person { name: name.into(), age, ..Default::default() });
//! Person::objects().bulk_create(people.to_vec(), &mut conn)?;
//!
//! // Person.objects.only("name").count(), .filter(age__gt=40).only("name").exists()
//! assert_eq!(only!(Person::objects().all(), name).count(&mut conn)?, 2);
//! assert!(only!(filter!(Person::objects(), age__gt = 40), name).exists(&mut conn)?);
//! # Ok(()) }
//! ```

use super::explain::Explain;
use crate::db::Load;
use crate::error::Result;
use crate::sql::{CountAround, ExistsAround};

/// A QuerySet shape's one query (what its `fetch` runs, without loading related rows).
pub trait ShapeQuery: Sized {
    /// The diesel query.
    type Query;
    /// Builds it.
    fn into_query(self) -> Self::Query;
}

/// `count`, `exists` and `explain` for every [`ShapeQuery`] (in the prelude).
pub trait Reads: ShapeQuery {
    /// How many rows: `SELECT COUNT(*) FROM (query)` (a slice counts its own rows).
    fn count<'q, C>(self, conn: &mut C) -> Result<i64>
    where
        C: Load<'q, CountAround<Self::Query>, i64>,
    {
        Ok(conn
            .load_first(CountAround(self.into_query()))?
            .unwrap_or(0))
    }

    /// Whether there is any row: `SELECT EXISTS (query)`.
    fn exists<'q, C>(self, conn: &mut C) -> Result<bool>
    where
        C: Load<'q, ExistsAround<Self::Query>, bool>,
    {
        Ok(conn
            .load_first(ExistsAround(self.into_query()))?
            .unwrap_or(false))
    }

    /// The database's plan for the query (Django's `explain()`).
    fn explain<C>(self, conn: &mut C) -> Result<String>
    where
        C: Explain<Self::Query>,
    {
        Ok(conn.explain_query(self.into_query())?)
    }
}
impl<T: ShapeQuery> Reads for T {}
