//! `SELECT ... FROM (query) AS "table"`: reading the rows of a query that must keep its own
//! `ORDER BY`/`LIMIT`/`OFFSET` as if they were the model's table (Django's `aggregate()` of a
//! sliced QuerySet, which it wraps in a subquery).
//!
//! The derived table is named like the model's table, so the model's columns (`"book"."pages"`)
//! read it unchanged, as `select_related!` does with its derived table.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{Expression, ValidGrouping};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::methods::SelectDsl;
use diesel::result::QueryResult;

use crate::model::Model;

/// The rows of `Q` read as the table of model `M`; select from it with diesel's `select`.
#[derive(Debug)]
pub struct Around<M, Q> {
    query: Q,
    _model: PhantomData<fn() -> M>,
}

impl<M, Q: Clone> Clone for Around<M, Q> {
    fn clone(&self) -> Self {
        Around::new(self.query.clone())
    }
}

impl<M, Q> Around<M, Q> {
    /// The rows of `query`.
    pub fn new(query: Q) -> Self {
        Around {
            query,
            _model: PhantomData,
        }
    }
}

/// `SELECT select FROM (query) AS "table"`.
#[derive(Debug, Clone)]
pub struct SelectAround<M, Q, Sel> {
    around: Around<M, Q>,
    select: Sel,
}

impl<M, Q, Sel> SelectDsl<Sel> for Around<M, Q>
where
    M: Model,
    Sel: Expression + ValidGrouping<()>,
{
    type Output = SelectAround<M, Q, Sel>;
    fn select(self, select: Sel) -> Self::Output {
        SelectAround {
            around: self,
            select,
        }
    }
}

impl<M, Q, Sel: Expression> Query for SelectAround<M, Q, Sel> {
    type SqlType = Sel::SqlType;
}

impl<M: Model, Q, Sel, DB> QueryFragment<DB> for SelectAround<M, Q, Sel>
where
    DB: Backend,
    Q: QueryFragment<DB>,
    Sel: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT ");
        self.select.walk_ast(out.reborrow())?;
        out.push_sql(" FROM (");
        self.around.query.walk_ast(out.reborrow())?;
        out.push_sql(") AS ");
        out.push_identifier(M::DB_TABLE)
    }
}

impl<M: 'static, Q: QueryId, Sel: QueryId> QueryId for SelectAround<M, Q, Sel> {
    type QueryId = SelectAround<M, Q::QueryId, Sel::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID && Sel::HAS_STATIC_QUERY_ID;
}

impl<M, Q, Sel, Conn> diesel::RunQueryDsl<Conn> for SelectAround<M, Q, Sel> {}
