//! `explain()`: the database's query plan for a QuerySet (Django's `QuerySet.explain()`):
//! `EXPLAIN` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite, one line per plan row.

use diesel::deserialize::QueryableByName;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::row::NamedRow;
use diesel::sql_types::{Text, Untyped};
use diesel::RunQueryDsl;

use super::execute::Built;
use super::ordering::ApplyOrder;
use super::slicing::ApplySlice;
use super::QuerySet;
use crate::db::{Connection, Executor, PooledConnection};
use crate::error::Result;
use crate::model::Model;

/// `EXPLAIN` in front of a query.
#[derive(Debug, Clone)]
pub struct ExplainSql<Q>(Q);

impl<Q> QueryId for ExplainSql<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<Q> Query for ExplainSql<Q> {
    type SqlType = Untyped;
}
impl<Q, Conn> RunQueryDsl<Conn> for ExplainSql<Q> {}

#[cfg(feature = "sqlite")]
impl<Q: QueryFragment<diesel::sqlite::Sqlite>> QueryFragment<diesel::sqlite::Sqlite>
    for ExplainSql<Q>
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        out.push_sql("EXPLAIN QUERY PLAN ");
        self.0.walk_ast(out)
    }
}

#[cfg(feature = "postgres")]
impl<Q: QueryFragment<diesel::pg::Pg>> QueryFragment<diesel::pg::Pg> for ExplainSql<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("EXPLAIN ");
        self.0.walk_ast(out)
    }
}

/// One row of a plan: SQLite's `detail` column, PostgreSQL's `QUERY PLAN`.
struct PlanLine(String);

#[cfg(feature = "sqlite")]
impl QueryableByName<diesel::sqlite::Sqlite> for PlanLine {
    fn build<'a>(
        row: &impl NamedRow<'a, diesel::sqlite::Sqlite>,
    ) -> diesel::deserialize::Result<Self> {
        Ok(PlanLine(NamedRow::get::<Text, String>(row, "detail")?))
    }
}

#[cfg(feature = "postgres")]
impl QueryableByName<diesel::pg::Pg> for PlanLine {
    fn build<'a>(row: &impl NamedRow<'a, diesel::pg::Pg>) -> diesel::deserialize::Result<Self> {
        Ok(PlanLine(NamedRow::get::<Text, String>(row, "QUERY PLAN")?))
    }
}

/// Connections that can explain query `Q`.
pub trait Explain<Q>: Executor {
    /// The plan, one line per row.
    fn explain_query(&mut self, query: Q) -> QueryResult<String>;
}

macro_rules! explain_for {
    ($feature:literal, $conn:ty, $db:ty) => {
        #[cfg(feature = $feature)]
        impl<Q: QueryFragment<$db>> Explain<Q> for $conn {
            fn explain_query(&mut self, query: Q) -> QueryResult<String> {
                let lines: Vec<PlanLine> = ExplainSql(query).load(self)?;
                Ok(lines
                    .into_iter()
                    .map(|l| l.0)
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
        }
    };
}
explain_for!("sqlite", diesel::SqliteConnection, diesel::sqlite::Sqlite);
explain_for!("postgres", diesel::PgConnection, diesel::pg::Pg);

#[cfg(all(feature = "sqlite", feature = "postgres"))]
impl<Q> Explain<Q> for Connection
where
    diesel::SqliteConnection: Explain<Q>,
    diesel::PgConnection: Explain<Q>,
{
    fn explain_query(&mut self, query: Q) -> QueryResult<String> {
        match self {
            Connection::Sqlite(c) => c.explain_query(query),
            Connection::Postgres(c) => c.explain_query(query),
        }
    }
}

#[cfg(all(feature = "sqlite", not(feature = "postgres")))]
impl<Q> Explain<Q> for Connection
where
    diesel::SqliteConnection: Explain<Q>,
{
    fn explain_query(&mut self, query: Q) -> QueryResult<String> {
        match self {
            Connection::Sqlite(c) => c.explain_query(query),
        }
    }
}

#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
impl<Q> Explain<Q> for Connection
where
    diesel::PgConnection: Explain<Q>,
{
    fn explain_query(&mut self, query: Q) -> QueryResult<String> {
        match self {
            Connection::Postgres(c) => c.explain_query(query),
        }
    }
}

impl<Q> Explain<Q> for PooledConnection
where
    Connection: Explain<Q>,
{
    fn explain_query(&mut self, query: Q) -> QueryResult<String> {
        (**self).explain_query(query)
    }
}

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// The database's plan for this QuerySet (Django's `explain()`).
    pub fn explain<C>(self, conn: &mut C) -> Result<String>
    where
        O: ApplyOrder<M, W>,
        S: ApplySlice<O::Out>,
        C: Explain<Built<M, W, O, S>>,
    {
        Ok(conn.explain_query(self.into_diesel())?)
    }
}
