//! A group's keys read by name (`values!(qs, g = Greatest(pages, 600))`, then
//! `annotate!(.., m = Min(pages), least = Least(m, g))`).
//!
//! The expressions a `values!` picks after `annotate!` are what the rows are grouped by
//! (by position, `GROUP BY 1`: see [`ExprKey`](crate::queryset::ExprKey)). Named again in the
//! group's own expressions, a key is one value per group; its text cannot simply be repeated
//! there, since PostgreSQL matches a grouped expression by its text, and a repeated expression
//! carries bind parameters of its own (`$1` is not `$3`). So there a key reads as
//! `MIN(key)` ([`KeyRead`]: the one value all the group's rows share; `BOOL_AND` for booleans
//! on PostgreSQL), an aggregate: filters on it go to `HAVING`, and it combines with the
//! group's aggregates. Inside one of the group's aggregates (`Sum(g)`, an aggregate's
//! `filter`), it is a value of each row ([`InGroup`]).
//!
//! Which annotations are keys is known from the types: a `values!` pick of an annotation
//! names its position in the list ([`MarkKeys`]), and that annotation's kind becomes
//! [`KeyKind`].

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;

use super::scope::{Annotation, AnnotationList, Groups, InGroup, KindIn, NoAnnotations, RowKind};
use super::{AggregateKind, Dialect};
use crate::db::Vendor;
use crate::queryset::{PickAnnotation, PickField};
use crate::relations::{Here, There};

/// The kind of an annotation a grouping `values!` picked: a group key (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyKind;

impl<M, L, N, E: Clone + diesel::Expression> KindIn<Groups<M, L>, N, KeyExpr<E>> for KeyKind {
    type Kind = AggregateKind;
    type Expr = KeyRead<E>;
    fn read(expr: &KeyExpr<E>) -> KeyRead<E> {
        KeyRead(expr.0.clone())
    }
}
impl<M, L, N, E: Clone + diesel::Expression> KindIn<InGroup<M, L>, N, KeyExpr<E>> for KeyKind {
    type Kind = RowKind;
    type Expr = KeyExpr<E>;
    fn read(expr: &KeyExpr<E>) -> KeyExpr<E> {
        expr.clone()
    }
}

/// A group's key read in the group's own expressions: `MIN(key)`, the one value its rows
/// share (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct KeyRead<E>(E);

impl<E: diesel::Expression> diesel::Expression for KeyRead<E> {
    type SqlType = E::SqlType;
}
impl<E: QueryFragment<DB> + diesel::Expression, DB: Dialect> QueryFragment<DB> for KeyRead<E>
where
    E::SqlType: KeyValue,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(<E::SqlType as KeyValue>::function(DB::VENDOR));
        out.push_sql("(");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}
impl<E> QueryId for KeyRead<E> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
impl<E, G> diesel::expression::ValidGrouping<G> for KeyRead<E> {
    type IsAggregate = diesel::expression::is_aggregate::Yes;
}
impl<E: diesel::AppearsOnTable<QS>, QS: ?Sized> diesel::AppearsOnTable<QS> for KeyRead<E> where
    Self: diesel::Expression
{
}
impl<E: diesel::SelectableExpression<QS>, QS: ?Sized> diesel::SelectableExpression<QS>
    for KeyRead<E>
where
    Self: diesel::AppearsOnTable<QS>,
{
}

/// SQL types a group reads its key of: the aggregate that returns the value the group's rows
/// share.
#[diagnostic::on_unimplemented(
    message = "a group key of SQL type `{Self}` cannot be read in the group's expressions",
    label = "this key is not ordered",
    note = "group keys are read in a group's aggregates as MIN(key); name the key in values!() and read it from the rows instead"
)]
pub trait KeyValue {
    /// `MIN`, or the backend's equivalent for the type.
    fn function(_vendor: Vendor) -> &'static str {
        "MIN"
    }
}
/// An ordered type's one value per group is its `MIN` (the types `gt`/`lt` take).
#[diagnostic::do_not_recommend]
impl<T: crate::lookups::Orderable<(), ()>> KeyValue for T {}
/// PostgreSQL has no `MIN(boolean)`: `BOOL_AND` of values that are all the same is that value.
#[diagnostic::do_not_recommend]
impl KeyValue for diesel::sql_types::Bool {
    fn function(vendor: Vendor) -> &'static str {
        match vendor {
            Vendor::Postgres => "BOOL_AND",
            _ => "MIN",
        }
    }
}
#[diagnostic::do_not_recommend]
impl KeyValue for diesel::sql_types::Nullable<diesel::sql_types::Bool> {
    fn function(vendor: Vendor) -> &'static str {
        <diesel::sql_types::Bool as KeyValue>::function(vendor)
    }
}

/// Marks the annotation at position `P` of a list as a group key ([`KeyKind`]).
pub trait MarkKey<P> {
    /// The list after.
    type Out: AnnotationList;
    /// Marks it.
    fn mark(self) -> Self::Out;
}
impl<N, E: Clone, K, Rest: AnnotationList> MarkKey<Here> for Annotation<N, E, K, Rest> {
    type Out = Annotation<N, E, KeyKind, Rest>;
    fn mark(self) -> Self::Out {
        Annotation::new(self.expr, self.rest)
    }
}
impl<N, E: Clone, K, Rest: MarkKey<P>, P> MarkKey<There<P>> for Annotation<N, E, K, Rest> {
    type Out = Annotation<N, E, K, Rest::Out>;
    fn mark(self) -> Self::Out {
        Annotation::new(self.expr, self.rest.mark())
    }
}

/// Marks the annotations a `values!` picked (its picks' indexes `Self`: a field, an
/// annotation at a position, or a tuple of them) as group keys of the list `L`.
pub trait MarkKeys<L> {
    /// The list after.
    type Out: AnnotationList;
    /// Marks them.
    fn mark_keys(list: L) -> Self::Out;
}
impl<L: AnnotationList> MarkKeys<L> for PickField {
    type Out = L;
    fn mark_keys(list: L) -> L {
        list
    }
}
impl<L: MarkKey<P>, P> MarkKeys<L> for PickAnnotation<P> {
    type Out = L::Out;
    fn mark_keys(list: L) -> L::Out {
        list.mark()
    }
}
macro_rules! mark_keys_tuple {
    ($first:ident $(, $t:ident)*) => {
        impl<L, $first: MarkKeys<L> $(, $t)*> MarkKeys<L> for ($first, $($t,)*)
        where
            ($($t,)*): MarkKeys<$first::Out>,
        {
            type Out = <($($t,)*) as MarkKeys<$first::Out>>::Out;
            fn mark_keys(list: L) -> Self::Out {
                <($($t,)*)>::mark_keys($first::mark_keys(list))
            }
        }
    };
}
impl<L, C, Sc, I: MarkKeys<L>> MarkKeys<L> for crate::queryset::Picked<C, Sc, I> {
    type Out = I::Out;
    fn mark_keys(list: L) -> I::Out {
        I::mark_keys(list)
    }
}
impl<L: AnnotationList> MarkKeys<L> for () {
    type Out = L;
    fn mark_keys(list: L) -> L {
        list
    }
}
mark_keys_tuple!(A);
mark_keys_tuple!(A, B);
mark_keys_tuple!(A, B, C);
mark_keys_tuple!(A, B, C, D);
mark_keys_tuple!(A, B, C, D, E);
mark_keys_tuple!(A, B, C, D, E, F);

/// A group's key expression: it renders the expression, and it is valid in the grouped select
/// and ordering because it is what the rows are grouped by (diesel checks columns against
/// `GROUP BY`, not expressions), and in `WHERE` as a value of each row.
#[derive(Debug, Clone, Copy)]
pub struct KeyExpr<E>(E, Option<usize>);

impl<E: diesel::query_builder::QueryId> diesel::query_builder::QueryId for KeyExpr<E> {
    type QueryId = KeyExpr<E::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}

impl<E> KeyExpr<E> {
    /// The key's position in the select clause (1-based), when it is one of the grouped
    /// values: what `ORDER BY` refers to it by.
    pub fn position(&self) -> Option<usize> {
        self.1
    }
}

impl<E: diesel::Expression> diesel::Expression for KeyExpr<E> {
    type SqlType = E::SqlType;
}
impl<E: diesel::query_builder::QueryFragment<DB>, DB: diesel::backend::Backend>
    diesel::query_builder::QueryFragment<DB> for KeyExpr<E>
{
    fn walk_ast<'b>(
        &'b self,
        out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        self.0.walk_ast(out)
    }
}
/// In `WHERE` (no grouping), a key is a value of the row.
impl<E> diesel::expression::ValidGrouping<()> for KeyExpr<E> {
    type IsAggregate = diesel::expression::is_aggregate::No;
}
/// In a query grouped by the keys' positions, a key is grouped.
impl<E> diesel::expression::ValidGrouping<crate::queryset::Positions> for KeyExpr<E> {
    type IsAggregate = diesel::expression::is_aggregate::Yes;
}
impl<E: diesel::AppearsOnTable<QS>, QS: ?Sized> diesel::AppearsOnTable<QS> for KeyExpr<E> where
    Self: diesel::Expression
{
}
impl<E: diesel::SelectableExpression<QS>, QS: ?Sized> diesel::SelectableExpression<QS>
    for KeyExpr<E>
where
    Self: diesel::AppearsOnTable<QS>,
{
}

impl<E> KeyExpr<E> {
    /// `expr`, as a group key.
    pub fn new(expr: E) -> Self {
        KeyExpr(expr, None)
    }
}

/// The annotations a `values!` groups by, as group keys (see [`KeyExpr`]).
pub trait AsGroupKeys: AnnotationList {
    /// The same list with every expression a [`KeyExpr`].
    type Out: AnnotationList;
    /// Converts it; `keys` are the names grouped by, in select order.
    fn into_group_keys(self, keys: &[String]) -> Self::Out;
}
impl AsGroupKeys for NoAnnotations {
    type Out = NoAnnotations;
    fn into_group_keys(self, _: &[String]) -> NoAnnotations {
        NoAnnotations
    }
}
impl<N: crate::names::NameChars, E: Clone, K, Rest: AsGroupKeys> AsGroupKeys
    for Annotation<N, E, K, Rest>
{
    type Out = Annotation<N, KeyExpr<E>, K, Rest::Out>;
    fn into_group_keys(self, keys: &[String]) -> Self::Out {
        let name = N::text();
        let position = keys.iter().position(|k| *k == name).map(|i| i + 1);
        Annotation::new(
            KeyExpr(self.expr, position),
            self.rest.into_group_keys(keys),
        )
    }
}
