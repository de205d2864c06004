//! Comparison lookups: `exact`, `gt`, `gte`, `lt`, `lte`, `in`.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::ExpressionMethods;

use super::{InValues, Lookup, Operand, PackedList, Predicate};
use crate::model::Model;
use crate::values::SqlValue;

/// `field = value` (Django's `exact`, the default lookup).
#[derive(Debug, Clone, Copy, Default)]
pub struct Exact;
/// `field > value`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gt;
/// `field >= value`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gte;
/// `field < value`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lt;
/// `field <= value`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lte;
/// `field IN (values...)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct In;

/// SQL types whose values have an order, so `gt`/`gte`/`lt`/`lte` fit them.
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup `{L}` on `{N}`: it needs an ordered field, and the field's SQL type `{Self}` has no order",
    label = "this field cannot be compared with <, <=, >, >=",
    note = "Django: FieldError: Unsupported lookup for this field"
)]
pub trait Orderable<L, N> {}

macro_rules! orderable {
    ($($t:ty),*) => {$(#[diagnostic::do_not_recommend] impl<L, N> Orderable<L, N> for $t {})*};
}
orderable!(
    diesel::sql_types::SmallInt,
    diesel::sql_types::Integer,
    diesel::sql_types::BigInt,
    diesel::sql_types::Float,
    diesel::sql_types::Double,
    diesel::sql_types::Text,
    diesel::sql_types::Date,
    diesel::sql_types::Time,
    crate::sql_types::DateTimeUtc
);
#[diagnostic::do_not_recommend]
impl<L, N, const P: u32, const S: u32, const NUMERIC: bool> Orderable<L, N>
    for crate::sql_types::FixedDecimal<P, S, NUMERIC>
{
}
#[diagnostic::do_not_recommend]
impl<L, N, T: Orderable<L, N>> Orderable<L, N> for diesel::sql_types::Nullable<T> {}

impl<M, N, V> Predicate<M> for Lookup<N, Exact, V>
where
    M: Model,
    N: Operand<M>,
    N::Expr: ExpressionMethods,
    V: SqlValue<M, N::SqlType> + super::ComparesWith<N::Kind>,
{
    type Expr = diesel::dsl::Eq<N::Expr, V::Expr>;
    fn build(self) -> Self::Expr {
        N::operand().eq(self.into_value().into_sql_value())
    }
}

/// `field BETWEEN low AND high` (Django's `range=(low, high)`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Range;

impl<M, N, V> Predicate<M> for Lookup<N, Range, (V, V)>
where
    M: Model,
    N: Operand<M>,
    N::Expr: ExpressionMethods,
    N::SqlType: Orderable<Range, N>,
    V: SqlValue<M, N::SqlType> + super::ComparesWith<N::Kind>,
{
    type Expr = diesel::dsl::Between<N::Expr, V::Expr, V::Expr>;
    fn build(self) -> Self::Expr {
        let (low, high) = self.into_value();
        N::operand().between(low.into_sql_value(), high.into_sql_value())
    }
}

macro_rules! ordered_lookup {
    ($kind:ident, $method:ident, $dsl:ident) => {
        impl<M, N, V> Predicate<M> for Lookup<N, $kind, V>
        where
            M: Model,
            N: Operand<M>,
            N::Expr: ExpressionMethods,
            N::SqlType: Orderable<$kind, N>,
            V: SqlValue<M, N::SqlType> + super::ComparesWith<N::Kind>,
        {
            type Expr = diesel::dsl::$dsl<N::Expr, V::Expr>;
            fn build(self) -> Self::Expr {
                N::operand().$method(self.into_value().into_sql_value())
            }
        }
    };
}
ordered_lookup!(Gt, gt, Gt);
ordered_lookup!(Gte, ge, GtEq);
ordered_lookup!(Lt, lt, Lt);
ordered_lookup!(Lte, le, LtEq);

impl<M, N, V, I> Predicate<M> for Lookup<N, In, I>
where
    M: Model,
    N: Operand<M>,
    I: IntoIterator<Item = V>,
    V: SqlValue<M, N::SqlType> + super::ComparesWith<N::Kind>,
{
    type Expr = InList<N::Expr, V::Expr>;
    fn build(self) -> Self::Expr {
        InList::from_values(N::operand(), V::__into_in_values(self.into_value()))
    }
}

/// `column IN (a, b, c)`, each value a bind parameter; an empty list matches nothing (as in
/// Django, where `pk__in=[]` returns no rows). A list longer than [`PACK_ABOVE`] plain values
/// is one parameter instead: `column = ANY($1)` on PostgreSQL, `column IN (SELECT value FROM
/// json_each(?))` on SQLite, so its length is not limited by the backend's bind limit.
///
/// [`PACK_ABOVE`]: super::PACK_ABOVE
#[derive(Debug, Clone)]
pub struct InList<C, E> {
    column: C,
    items: InValues<E>,
}

impl<C, E> InList<C, E> {
    /// `column IN (items...)`, one parameter per item.
    pub fn new(column: C, items: Vec<E>) -> Self {
        InList {
            column,
            items: InValues::Exprs(items),
        }
    }

    /// `column IN (items...)`, with the items one parameter each or packed into one.
    pub fn from_values(column: C, items: InValues<E>) -> Self {
        InList { column, items }
    }
}

/// How a backend renders a packed `__in` list (see [`InList`]).
pub trait PackedIn: Backend {
    /// Pushes ` IN (...)`/` = ANY(...)` with the list as one bind parameter, after the column.
    fn walk_packed<'b>(list: &'b dyn PackedList, out: AstPass<'_, 'b, Self>) -> QueryResult<()>;
}

#[cfg(feature = "sqlite")]
impl PackedIn for diesel::sqlite::Sqlite {
    fn walk_packed<'b>(
        list: &'b dyn PackedList,
        mut out: AstPass<'_, 'b, Self>,
    ) -> QueryResult<()> {
        out.push_sql(" IN (SELECT value FROM json_each(");
        list.push_sqlite(&mut out)?;
        out.push_sql("))");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl PackedIn for diesel::pg::Pg {
    fn walk_packed<'b>(
        list: &'b dyn PackedList,
        mut out: AstPass<'_, 'b, Self>,
    ) -> QueryResult<()> {
        out.push_sql(" = ANY(");
        list.push_pg(&mut out)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C, E> Expression for InList<C, E>
where
    C: Expression,
    E: Expression,
{
    type SqlType = diesel::sql_types::Bool;
}

impl<C, E, DB> QueryFragment<DB> for InList<C, E>
where
    DB: PackedIn,
    C: QueryFragment<DB>,
    E: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let items: &[E] = match &self.items {
            InValues::Exprs(items) => items,
            InValues::Packed(list) if !list.is_empty() => {
                self.column.walk_ast(out.reborrow())?;
                return DB::walk_packed(&**list, out);
            }
            InValues::Packed(_) => &[],
        };
        if items.is_empty() {
            out.push_sql("1 = 0");
            return Ok(());
        }
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_sql(", ");
            }
            item.walk_ast(out.reborrow())?;
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<C, E> QueryId for InList<C, E> {
    type QueryId = ();
    // The SQL changes with the number of values, so it is not cached by type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: ValidGrouping<G>, E, G> ValidGrouping<G> for InList<C, E> {
    type IsAggregate = C::IsAggregate;
}

impl<C, E, QS: ?Sized> AppearsOnTable<QS> for InList<C, E>
where
    C: AppearsOnTable<QS>,
    E: AppearsOnTable<QS>,
    InList<C, E>: Expression,
{
}

impl<C, E, QS: ?Sized> SelectableExpression<QS> for InList<C, E>
where
    C: SelectableExpression<QS>,
    E: SelectableExpression<QS>,
    InList<C, E>: AppearsOnTable<QS>,
{
}

/// SQL types whose values a subquery may yield for `field__in`: the field's own type, or its
/// nullable form (NULLs never match).
#[diagnostic::on_unimplemented(
    message = "the subquery yields `{Self}`, but the field is `{ST}`",
    label = "`__in` needs a subquery of the field's SQL type"
)]
pub trait SubqueryOf<ST> {}
impl<T> SubqueryOf<T> for T {}
impl<T: diesel::sql_types::SqlType<IsNull = diesel::sql_types::is_nullable::NotNull>> SubqueryOf<T>
    for diesel::sql_types::Nullable<T>
{
}

/// `field IN (SELECT other_field FROM ...)`: `in` with a subquery, written
/// `filter!(qs, id__in = values_list!(other_qs, user_id))`. As in Django, the subquery's
/// ordering is dropped; a sliced QuerySet is not accepted here.
impl<M, N, M2, W, O, N2, Jn> Predicate<M>
    for Lookup<
        N,
        In,
        crate::queryset::ValuesList<
            M2,
            W,
            O,
            crate::queryset::Unsliced,
            crate::queryset::Pick<N2>,
            Jn,
        >,
    >
where
    M: Model,
    M2: Model + crate::model::Field<N2>,
    N: Operand<M>,
    <<M2 as crate::model::Field<N2>>::Column as Expression>::SqlType: SubqueryOf<N::SqlType>,
    W: diesel::query_dsl::methods::SelectDsl<<M2 as crate::model::Field<N2>>::Column>,
{
    type Expr = crate::queryset::InSubquery<
        N::Expr,
        diesel::dsl::Select<W, <M2 as crate::model::Field<N2>>::Column>,
    >;
    fn build(self) -> Self::Expr {
        crate::queryset::InSubquery::new(N::operand(), self.into_value().into_unordered_select())
    }
}
