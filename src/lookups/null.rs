//! `isnull`: only on nullable fields.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, Nullable, SqlType};

use super::{Lookup, Operand, Predicate};
use crate::model::Model;

/// `field IS NULL` (`isnull = true`) or `field IS NOT NULL` (`isnull = false`).
#[derive(Debug, Clone, Copy, Default)]
pub struct IsNull;

/// SQL types that can be NULL: the fields declared `Option<T>`.
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup `isnull` on `{N}`: the field is NOT NULL (`{Self}`), so it is never NULL",
    label = "`isnull` needs a field declared as `Option<T>`",
    note = "declare the field as `Option<T>` (Django's `null=True`) to store NULLs"
)]
pub trait NullableField<N> {}
impl<N, T: SqlType> NullableField<N> for Nullable<T> {}

impl<M, N> Predicate<M> for Lookup<N, IsNull, bool>
where
    M: Model,
    N: Operand<M>,
    N::SqlType: NullableField<N>,
{
    type Expr = IsNullExpr<N::Expr>;
    fn build(self) -> Self::Expr {
        IsNullExpr {
            operand: N::operand(),
            is_null: self.into_value(),
        }
    }
}

/// `operand IS NULL` / `operand IS NOT NULL`.
#[derive(Debug, Clone, Copy)]
pub struct IsNullExpr<E> {
    operand: E,
    is_null: bool,
}

impl<E> IsNullExpr<E> {
    /// `operand IS NULL` when `is_null`, else `operand IS NOT NULL`.
    pub(crate) fn new(operand: E, is_null: bool) -> Self {
        IsNullExpr { operand, is_null }
    }
}

impl<E: Expression> Expression for IsNullExpr<E> {
    type SqlType = Bool;
}

impl<E: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for IsNullExpr<E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.operand.walk_ast(out.reborrow())?;
        out.push_sql(if self.is_null {
            " IS NULL"
        } else {
            " IS NOT NULL"
        });
        Ok(())
    }
}

impl<E> QueryId for IsNullExpr<E> {
    type QueryId = ();
    // The SQL text depends on the value, so it is not cached by type alone.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<E: ValidGrouping<G>, G> ValidGrouping<G> for IsNullExpr<E> {
    type IsAggregate = E::IsAggregate;
}

impl<E: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for IsNullExpr<E> where Self: Expression {}
impl<E: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for IsNullExpr<E> where
    Self: AppearsOnTable<QS>
{
}
