//! Writing through a QuerySet: `update` (Django's `qs.update(field=value)`) and `delete`.

use std::marker::PhantomData;

use diesel::expression::Expression;
use diesel::query_builder::{AsChangeset, IntoUpdateTarget};
use diesel::sql_types::{SingleValue, SqlType};
use diesel::ExpressionMethods;

use super::slicing::Writable;
use super::QuerySet;
use crate::db::{Execute, Load};
use crate::error::Result;
use crate::fields::overflow::{InRange, Range};
use crate::model::{Field, Model};
use crate::relations::deletion::AsKey;
use crate::values::SqlValue;
use diesel::query_dsl::methods::SelectDsl;

/// `field = value` in an `UPDATE` (written by `update!(qs, field = value)`).
#[derive(Debug, Clone, Copy)]
pub struct Assign<N, V> {
    value: V,
    _name: PhantomData<fn() -> N>,
}

impl<N, V> Assign<N, V> {
    /// Sets field `N` to `value`.
    pub fn new(value: V) -> Self {
        Assign {
            value,
            _name: PhantomData,
        }
    }
}

/// One or more assignments to fields of `M`, ready to become a diesel changeset.
pub trait Changes<M> {
    /// The diesel changeset.
    type Changeset;
    /// Builds it.
    fn changeset(self) -> Self::Changeset;
    /// The fields whose new value the database computes (`F()`, arithmetic, `Case`, a
    /// subquery), as `Model.field` with their range, for the error of an out-of-range result.
    #[doc(hidden)]
    fn __computed(_fields: &mut Vec<(String, Range)>) {}
}

/// The error of an `UPDATE` with changes `A`: PostgreSQL's refusal of an out-of-range
/// number names the field `A` computed (see [`overflow`](crate::fields::overflow)).
pub(crate) fn update_error<M, A: Changes<M>>(err: diesel::result::Error) -> crate::Error {
    if let diesel::result::Error::DatabaseError(_, info) = &err {
        let mut computed = Vec::new();
        A::__computed(&mut computed);
        if let Some(refusal) = crate::fields::overflow::refusal(info.message(), &computed) {
            return refusal.into();
        }
    }
    err.into()
}

/// The range `update!` checks a computed value of field `N` against, with the field's name.
fn computed_range<M: Field<N>, N>() -> Option<(String, Range)> {
    Range::of_field(M::FIELD).map(|range| (format!("{}.{}", M::META.name, M::FIELD.name), range))
}

impl<M, N, V> Changes<M> for Assign<N, V>
where
    M: Field<N>,
    <M::Column as Expression>::SqlType: SqlType + SingleValue,
    V: SqlValue<M, <M::Column as Expression>::SqlType>,
{
    type Changeset = diesel::dsl::Eq<M::Column, InRange<V::Expr>>;
    fn changeset(self) -> Self::Changeset {
        let value = self.value.into_sql_value();
        let value = match V::__COMPUTED.then(computed_range::<M, N>).flatten() {
            Some((field, range)) => InRange::checked(value, range, field),
            None => InRange::unchecked(value),
        };
        M::Column::default().eq(value)
    }
    fn __computed(fields: &mut Vec<(String, Range)>) {
        if V::__COMPUTED {
            fields.extend(computed_range::<M, N>());
        }
    }
}

macro_rules! tuple_changes {
    ($($t:ident $i:tt),+) => {
        impl<M, $($t: Changes<M>),+> Changes<M> for ($($t,)+) {
            type Changeset = ($($t::Changeset,)+);
            fn changeset(self) -> Self::Changeset {
                ($(self.$i.changeset(),)+)
            }
            fn __computed(fields: &mut Vec<(String, Range)>) {
                $($t::__computed(fields);)+
            }
        }
    };
}
tuple_changes!(A 0);
tuple_changes!(A 0, B 1);
tuple_changes!(A 0, B 1, C 2);
tuple_changes!(A 0, B 1, C 2, D 3);
tuple_changes!(A 0, B 1, C 2, D 3, E 4);
tuple_changes!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_changes!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_changes!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

impl<M: Model, W, O, S, J> QuerySet<M, W, O, S, J> {
    /// An `UPDATE` of every matching row (Django's `qs.update(...)`); it runs, in one
    /// statement, when [`PendingUpdate::execute`] is given a connection. Usually written
    /// `update!(qs, field = value, ...)`. It does not call `save()` or touch `auto_now`
    /// fields, as in Django.
    pub fn update<A>(self, changes: A) -> PendingUpdate<M, W, A>
    where
        S: Writable,
        A: Changes<M>,
    {
        PendingUpdate {
            query: self.query,
            changes,
            _model: PhantomData,
        }
    }

    /// Deletes every matching row (Django's `qs.delete()`): one `DELETE` when no relation
    /// points at the model; otherwise the matching keys are read and the relations that point
    /// at them follow their `on_delete` rules (see
    /// [`relations::deletion`](crate::relations::deletion)), all in one transaction. Returns
    /// the number of rows deleted, cascades included.
    pub fn delete<'q, C>(self, conn: &mut C) -> Result<usize>
    where
        S: Writable,
        W: IntoUpdateTarget<Table = M::Table> + SelectDsl<M::PkColumn>,
        M::PkValue: AsKey,
        C: Execute<diesel::query_builder::DeleteStatement<M::Table, W::WhereClause>>
            + Load<'q, diesel::dsl::Select<W, M::PkColumn>, M::PkValue>,
    {
        if !crate::relations::deletion::has_dependents(&M::META) {
            return Ok(conn.execute_query(diesel::delete(self.query))?);
        }
        crate::db::atomic(conn, |conn| {
            let keys: Vec<M::PkValue> =
                conn.load_rows(self.query.select(M::PkColumn::default()))?;
            let keys = keys.iter().map(AsKey::as_key).collect();
            crate::relations::deletion::delete(&M::META, keys, conn)
        })
    }
}

/// An `UPDATE` built by [`QuerySet::update`], waiting for a connection.
#[must_use = "an update does nothing until `.execute(conn)`"]
pub struct PendingUpdate<M, W, A> {
    query: W,
    changes: A,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model, W, A> PendingUpdate<M, W, A>
where
    A: Changes<M>,
    A::Changeset: AsChangeset<Target = M::Table>,
    W: IntoUpdateTarget<Table = M::Table>,
    diesel::dsl::Update<W, A::Changeset>: diesel::query_builder::AsQuery,
{
    /// The diesel statement.
    pub fn into_diesel(self) -> diesel::dsl::Update<W, A::Changeset> {
        diesel::update(self.query).set(self.changes.changeset())
    }

    /// Runs the `UPDATE`; returns the number of rows changed. A computed value outside its
    /// field's range (`F(n) + 1` past `i32::MAX`) is
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) naming the field, on every backend,
    /// and no row changes (see [`overflow`](crate::fields::overflow)).
    pub fn execute<C>(self, conn: &mut C) -> Result<usize>
    where
        C: Execute<diesel::dsl::Update<W, A::Changeset>>,
    {
        conn.execute_query(self.into_diesel())
            .map_err(update_error::<M, A>)
    }

    /// The SQL text with its binds, for `vendor`.
    pub fn sql(self, vendor: crate::db::Vendor) -> String
    where
        diesel::dsl::Update<W, A::Changeset>: super::sql::SqlFor,
    {
        super::sql::SqlFor::sql_for(&self.into_diesel(), vendor)
    }
}
