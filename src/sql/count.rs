//! `SELECT COUNT(*) FROM (query) AS "subquery"`: counting the rows of a query that must keep
//! its own `LIMIT`/`OFFSET` (Django's count of a sliced QuerySet).

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;

/// The number of rows `Q` returns, counted around it.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct CountAround<Q>(pub Q);

impl<Q> Query for CountAround<Q> {
    type SqlType = diesel::sql_types::BigInt;
}

impl<Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for CountAround<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT COUNT(*) FROM (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") AS ");
        out.push_identifier("subquery")
    }
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for CountAround<Q> {}
