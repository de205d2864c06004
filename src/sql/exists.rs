//! `SELECT EXISTS (query)`: whether a query that must keep its own clauses (a grouped query
//! with `HAVING`, a slice) returns any row (Django's `exists()` on such a QuerySet).

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;

/// Whether `Q` returns a row.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct ExistsAround<Q>(pub Q);

impl<Q> Query for ExistsAround<Q> {
    type SqlType = diesel::sql_types::Bool;
}

impl<Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for ExistsAround<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT EXISTS (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for ExistsAround<Q> {}
