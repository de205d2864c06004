//! Combining QuerySets: `|` and `&` (Django's `qs1 | qs2`, `qs1 & qs2`: rows matching either or
//! both), and the SQL set operations `union`, `intersection`, `difference`.
//!
//! `|` and `&` keep the row type and the left side's ordering: each side becomes
//! `pk IN (SELECT pk ...)`, so conditions on either side keep their meaning and no row appears
//! twice.

use std::ops::{BitAnd, BitOr};

use diesel::query_dsl::methods::{FilterDsl, SelectDsl};
use diesel::query_dsl::CombineDsl;

use super::{BaseQuery, QuerySet, Unsliced};
use crate::db::Load;
use crate::error::Result;
use crate::lookups::{AndOp, BoolOp, OrOp};
use crate::model::Model;

/// `pk IN (SELECT pk FROM ... WHERE ...)` for a QuerySet's conditions.
pub type InQuery<M, W> =
    InSubquery<<M as Model>::PkColumn, diesel::dsl::Select<W, <M as Model>::PkColumn>>;

fn in_query<M: Model, W>(query: W) -> InQuery<M, W>
where
    W: SelectDsl<M::PkColumn>,
{
    InSubquery {
        column: M::PkColumn::default(),
        query: query.select(M::PkColumn::default()),
    }
}

/// `column IN (subquery)`.
#[derive(Debug, Clone, Copy)]
pub struct InSubquery<C, Q> {
    column: C,
    query: Q,
}

impl<C, Q> InSubquery<C, Q> {
    /// `column IN (query)`.
    pub fn new(column: C, query: Q) -> Self {
        InSubquery { column, query }
    }
}

impl<C: diesel::Expression, Q> diesel::Expression for InSubquery<C, Q> {
    type SqlType = diesel::sql_types::Bool;
}

impl<C, Q, DB> diesel::query_builder::QueryFragment<DB> for InSubquery<C, Q>
where
    DB: diesel::backend::Backend,
    C: diesel::query_builder::QueryFragment<DB>,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (");
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C: diesel::query_builder::QueryId, Q: diesel::query_builder::QueryId>
    diesel::query_builder::QueryId for InSubquery<C, Q>
{
    type QueryId = InSubquery<C::QueryId, Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID && Q::HAS_STATIC_QUERY_ID;
}

impl<C, Q, G> diesel::expression::ValidGrouping<G> for InSubquery<C, Q> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}
impl<C: diesel::AppearsOnTable<QS>, Q, QS: ?Sized> diesel::AppearsOnTable<QS> for InSubquery<C, Q> where
    Self: diesel::Expression
{
}
impl<C: diesel::SelectableExpression<QS>, Q, QS: ?Sized> diesel::SelectableExpression<QS>
    for InSubquery<C, Q>
where
    Self: diesel::AppearsOnTable<QS>,
{
}

macro_rules! combine_op {
    ($trait:ident, $method:ident, $op:ty) => {
        impl<M, W1, O1, J1, W2, O2, J2> $trait<QuerySet<M, W2, O2, Unsliced, J2>>
            for QuerySet<M, W1, O1, Unsliced, J1>
        where
            M: Model,
            W1: SelectDsl<M::PkColumn>,
            W2: SelectDsl<M::PkColumn>,
            BaseQuery<M>: FilterDsl<BoolOp<InQuery<M, W1>, InQuery<M, W2>, $op>>,
        {
            type Output = QuerySet<
                M,
                diesel::dsl::Filter<BaseQuery<M>, BoolOp<InQuery<M, W1>, InQuery<M, W2>, $op>>,
                O1,
                Unsliced,
            >;

            fn $method(self, rhs: QuerySet<M, W2, O2, Unsliced, J2>) -> Self::Output {
                use diesel::query_builder::AsQuery;
                let condition =
                    BoolOp::new(in_query::<M, W1>(self.query), in_query::<M, W2>(rhs.query));
                QuerySet::from_parts(
                    M::table().as_query().filter(condition),
                    self.order,
                    Unsliced,
                )
            }
        }
    };
}
combine_op!(BitOr, bitor, OrOp);
combine_op!(BitAnd, bitand, AndOp);

/// The result of `union`, `intersection` or `difference`: rows of `M`.
#[must_use = "a combined query does nothing until `fetch(conn)`"]
pub struct Combined<M, Q> {
    query: Q,
    _model: std::marker::PhantomData<fn() -> M>,
}

impl<M: Model, W, O, J> QuerySet<M, W, O, Unsliced, J> {
    /// `UNION`: rows in either QuerySet, without duplicates (Django's `union`; `all = true` for
    /// `UNION ALL`, which keeps them).
    pub fn union<W2, O2, J2>(
        self,
        other: QuerySet<M, W2, O2, Unsliced, J2>,
    ) -> Combined<M, diesel::dsl::Union<W, W2>>
    where
        W: CombineDsl,
        W2: diesel::query_builder::AsQuery<
            SqlType = <<W as CombineDsl>::Query as diesel::query_builder::Query>::SqlType,
        >,
    {
        Combined {
            query: self.query.union(other.query),
            _model: std::marker::PhantomData,
        }
    }

    /// `INTERSECT`: rows in both (Django's `intersection`).
    pub fn intersection<W2, O2, J2>(
        self,
        other: QuerySet<M, W2, O2, Unsliced, J2>,
    ) -> Combined<M, diesel::dsl::Intersect<W, W2>>
    where
        W: CombineDsl,
        W2: diesel::query_builder::AsQuery<
            SqlType = <<W as CombineDsl>::Query as diesel::query_builder::Query>::SqlType,
        >,
    {
        Combined {
            query: self.query.intersect(other.query),
            _model: std::marker::PhantomData,
        }
    }

    /// `EXCEPT`: rows in this QuerySet but not in `other` (Django's `difference`).
    pub fn difference<W2, O2, J2>(
        self,
        other: QuerySet<M, W2, O2, Unsliced, J2>,
    ) -> Combined<M, diesel::dsl::Except<W, W2>>
    where
        W: CombineDsl,
        W2: diesel::query_builder::AsQuery<
            SqlType = <<W as CombineDsl>::Query as diesel::query_builder::Query>::SqlType,
        >,
    {
        Combined {
            query: self.query.except(other.query),
            _model: std::marker::PhantomData,
        }
    }
}

impl<M, Q: Clone> Clone for Combined<M, Q> {
    fn clone(&self) -> Self {
        Combined {
            query: self.query.clone(),
            _model: std::marker::PhantomData,
        }
    }
}

impl<M: Model, Q> super::ShapeQuery for Combined<M, Q> {
    type Query = Q;
    fn into_query(self) -> Q {
        self.query
    }
}

impl<M: Model, Q> Combined<M, Q> {
    /// Runs the query.
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<M>>
    where
        C: Load<'q, Q, M>,
    {
        Ok(conn.load_rows(self.query)?)
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        Q: super::SqlFor,
    {
        self.query.sql_for(vendor)
    }
}
