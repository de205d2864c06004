//! [`Instance`]: what a loaded or new model object can do: `save`, `delete`,
//! `refresh_from_db`, and `update` computed in the database (Django's model instance methods).

use diesel::query_builder::{AsChangeset, AsQuery, IntoUpdateTarget};
use diesel::query_dsl::methods::FilterDsl;

use super::{dispatch, FieldRef, HasFields, Model, PrimaryKey};
use crate::db::{Executor, Load, Vendor};
use crate::error::{Error, Result};
use crate::lookups::{Exact, Lookup, Predicate};
use crate::queryset::{BaseQuery, Changes, SqlFor};
use crate::relations::deletion::AsKey;
use crate::relations::{Nil, Payload, RelatedOf};

/// Methods on model instances. In the prelude; implemented for every model.
pub trait Instance: Model {
    /// Inserts the row when it has no primary key yet, updates it otherwise; an update that
    /// finds no row inserts it, as Django's `save()` does. Sets `auto_now`/`auto_now_add`
    /// fields first.
    fn save<C: Executor>(&mut self, conn: &mut C) -> Result<()> {
        if self.pk().is_some() {
            self.pre_save(false);
            let updated = dispatch!(conn, |c| self.update_row(c, None))
                .map_err(|e| Self::META.name_constraint(e))?;
            if updated > 0 {
                return Ok(());
            }
        }
        self.pre_save(true);
        dispatch!(conn, |c| self.insert_row(c)).map_err(|e| Self::META.name_constraint(e))
    }

    /// Updates only the fields `pick` names of an existing row (Django's
    /// `save(update_fields=[...])`), plus `auto_now` fields: `p.save_update_fields(|f| [f.age],
    /// conn)`. The names come from the model's columns struct ([`HasFields`]), so a misspelt or
    /// many-to-many name does not compile. Fails with [`Error::Unsaved`] on a row that was
    /// never saved, and with [`Error::DoesNotExist`] when the row is gone.
    fn save_update_fields<L, C: Executor>(
        &mut self,
        pick: impl FnOnce(&Self::Columns) -> L,
        conn: &mut C,
    ) -> Result<()>
    where
        Self: HasFields,
        L: IntoIterator<Item = FieldRef<Self>>,
    {
        if self.pk().is_none() {
            return Err(Error::Unsaved {
                model: Self::META.name,
                action: "save(update_fields)",
            });
        }
        self.pre_save(false);
        let mut names: Vec<&str> = super::field_ref::picked::<Self, L>(pick);
        names.extend(
            Self::META
                .fields
                .iter()
                .filter(|f| f.auto_now)
                .map(|f| f.name),
        );
        let updated = dispatch!(conn, |c| self.update_row(c, Some(&names)))
            .map_err(|e| Self::META.name_constraint(e))?;
        if updated == 0 {
            return Err(Error::DoesNotExist {
                model: Self::META.name,
            });
        }
        Ok(())
    }

    /// Deletes the row (Django's `obj.delete()`) and clears the instance's primary key, as
    /// Django sets `pk` to `None`. The relations that point at it follow their `on_delete`
    /// rule (see [`relations::deletion`](crate::relations::deletion)): a `PROTECT`ed row is an
    /// [`Error::Protected`] and nothing is deleted. Returns the number of rows deleted,
    /// cascades included.
    fn delete<C: Executor>(&mut self, conn: &mut C) -> Result<usize>
    where
        Self::PkValue: AsKey,
    {
        let Some(pk) = self.pk() else {
            return Err(Error::Unsaved {
                model: Self::META.name,
                action: "delete()",
            });
        };
        let deleted = if crate::relations::deletion::has_dependents(&Self::META) {
            crate::relations::deletion::delete(&Self::META, vec![pk.as_key()], conn)?
        } else {
            dispatch!(conn, |c| self.delete_row(c))?
        };
        self.clear_pk();
        Ok(deleted)
    }

    /// Reloads every field from the database (Django's `refresh_from_db()`).
    fn refresh_from_db<C: Executor>(&mut self, conn: &mut C) -> Result<()> {
        if self.pk().is_none() {
            return Err(Error::Unsaved {
                model: Self::META.name,
                action: "refresh_from_db()",
            });
        }
        match dispatch!(conn, |c| self.fetch_row(c))? {
            Some(fresh) => {
                *self = fresh;
                Ok(())
            }
            None => Err(Error::DoesNotExist {
                model: Self::META.name,
            }),
        }
    }

    /// An `UPDATE` of this row alone whose values are computed in the database (Django's
    /// `reporter.stories_filed = F("stories_filed") + 1; reporter.save()`), usually written
    /// `update!(reporter, stories_filed = F(stories_filed) + 1)`. Nothing runs until
    /// [`InstanceUpdate::execute`] is given a connection; it then runs one statement,
    /// `UPDATE table SET ... WHERE pk = <the instance's pk> RETURNING <every column>`, and
    /// replaces the instance with the row as that statement left it, so the instance holds
    /// the database's value, never the expression (Django's advice to `refresh_from_db()`
    /// after an F update, done for you and in the same statement).
    ///
    /// As with `refresh_from_db`, every field is replaced: changes made to the instance and
    /// not saved are discarded, so `save()` them first. As with a QuerySet's `update`,
    /// `save()` is not called and `auto_now` fields are not touched. An instance that was
    /// never saved is an [`Error::Unsaved`] and a row that is gone an
    /// [`Error::DoesNotExist`]; a write refused by a constraint is an [`Error::Integrity`]
    /// and leaves the instance as it was.
    ///
    /// Django's gotcha, "an F() assigned to a field is applied again at every `save()`",
    /// cannot happen: a field is a plain Rust value (`i32`), so
    /// `reporter.stories_filed = F(stories_filed) + 1` does not compile (a mismatched-types
    /// error; the case `ui-tests/fail/f_assigned_to_an_instance_field_is_rejected.rs`), and the
    /// update runs once, here. A later `save()` writes the refreshed value, as it is.
    ///
    /// ```
    /// use dorm::prelude::*;
    ///
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// #[dorm(app_label = "docs")]
    /// pub struct Reporter {
    ///     pub id: Auto<i64>,
    ///     #[dorm(max_length = 50)]
    ///     pub name: String,
    ///     pub stories_filed: i32,
    /// }
    ///
    /// # fn main() -> dorm::Result<()> {
    /// let mut conn = dorm::connect("sqlite::memory:")?;
    /// dorm::migrations::create_tables(&[Reporter::META], &mut conn)?;
    /// let mut reporter = Reporter::objects().create( Reporter {
    ///     name: "Tintin".into(),
    ///     stories_filed: 3,
    ///     ..Default::default()
    /// }, &mut conn)?;
    ///
    /// // Computed by the database: no read-modify-write race with other writers.
    /// dorm::update!(reporter, stories_filed = F(stories_filed) + 1).execute(&mut conn)?;
    /// assert_eq!(reporter.stories_filed, 4); // refreshed from the row
    ///
    /// // Saving again writes 4; the increment is not applied a second time.
    /// reporter.save(&mut conn)?;
    /// assert_eq!(Reporter::objects().get(reporter.id.get().unwrap(), &mut conn)?.stories_filed, 4);
    ///
    /// // An instance that was never saved has no row to update.
    /// let mut draft = Reporter::default();
    /// let unsaved = dorm::update!(draft, stories_filed = 1).execute(&mut conn);
    /// assert!(matches!(unsaved, Err(dorm::Error::Unsaved { .. })));
    /// # Ok(()) }
    /// ```
    fn update<A>(&mut self, changes: A) -> InstanceUpdate<'_, Self, A>
    where
        A: Changes<Self>,
    {
        InstanceUpdate {
            instance: self,
            changes,
        }
    }

    /// Never compiles: a row loaded without `select_related!`/`prefetch_related!` carries no
    /// related rows, and reading one would be Django's silent query per row (the N+1 problem).
    /// The compiler's message says what to do instead: load the relation with the query
    /// ([`Loaded::related`](crate::relations::Loaded::related)), or ask for it explicitly
    /// (`entry.blog.fetch(conn)`, `blog.entry_set()?`).
    fn related<N, I>(&self) -> <<Nil as RelatedOf<N, I>>::Payload as Payload>::Ref<'static>
    where
        Nil: RelatedOf<N, I>,
    {
        static NOTHING: Nil = Nil;
        NOTHING.payload().view()
    }
}

impl<M: Model> Instance for M {}

/// The lookup `pk = value` on model `M`.
pub type PkLookup<M> = Lookup<<M as PrimaryKey>::Name, Exact, <M as Model>::PkValue>;

/// Changes (`update!`'s assignments) that can update the one row of `M` with a given
/// primary key, reading it back: implemented for every [`Changes`] whose statement the
/// database can return rows from.
pub trait InstanceChanges<M: Model>: Changes<M> {
    /// The statement: `UPDATE ... SET <changes> WHERE pk = ?` with a `RETURNING` of every
    /// column.
    type Query;
    /// Builds it for the row whose primary key is `pk`.
    fn statement(self, pk: M::PkValue) -> Self::Query;
}

impl<M, A, W> InstanceChanges<M> for A
where
    M: PrimaryKey,
    A: Changes<M>,
    A::Changeset: AsChangeset<Target = M::Table>,
    PkLookup<M>: Predicate<M>,
    BaseQuery<M>: FilterDsl<<PkLookup<M> as Predicate<M>>::Expr, Output = W>,
    W: IntoUpdateTarget<Table = M::Table>,
    diesel::dsl::Update<W, A::Changeset>: AsQuery,
{
    type Query = <diesel::dsl::Update<W, A::Changeset> as AsQuery>::Query;
    fn statement(self, pk: M::PkValue) -> Self::Query {
        M::objects()
            .filter(PkLookup::<M>::new(pk))
            .update(self)
            .into_diesel()
            .as_query()
    }
}

/// The statement an [`InstanceUpdate`] of `M` with changes `A` runs.
pub type InstanceUpdateQuery<M, A> = <A as InstanceChanges<M>>::Query;

/// An `UPDATE` of one saved instance, built by [`Instance::update`] (usually
/// `update!(instance, field = value, ...)`), waiting for a connection.
#[must_use = "an update does nothing until `.execute(conn)`"]
pub struct InstanceUpdate<'a, M, A> {
    instance: &'a mut M,
    changes: A,
}

impl<M: Model, A> std::fmt::Debug for InstanceUpdate<'_, M, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceUpdate")
            .field("model", &M::META.name)
            .field("pk", &self.instance.pk())
            .finish_non_exhaustive()
    }
}

impl<'a, M: Model, A: InstanceChanges<M>> InstanceUpdate<'a, M, A> {
    /// The instance and the statement, or [`Error::Unsaved`] when it has no primary key.
    fn into_parts(self) -> Result<(&'a mut M, InstanceUpdateQuery<M, A>)> {
        let Some(pk) = self.instance.pk() else {
            return Err(Error::Unsaved {
                model: M::META.name,
                action: "update()",
            });
        };
        Ok((self.instance, self.changes.statement(pk)))
    }

    /// Runs the `UPDATE` of the instance's row and replaces the instance with the row it
    /// wrote (see [`Instance::update`]). Returns the number of rows changed: 1.
    pub fn execute<'q, C>(self, conn: &mut C) -> Result<usize>
    where
        C: Load<'q, InstanceUpdateQuery<M, A>, M>,
    {
        let (instance, statement) = self.into_parts()?;
        let row = conn
            .load_first(statement)
            .map_err(|e| M::META.name_constraint(crate::queryset::update_error::<M, A>(e)))?;
        match row {
            Some(row) => {
                *instance = row;
                Ok(1)
            }
            None => Err(Error::DoesNotExist {
                model: M::META.name,
            }),
        }
    }

    /// The SQL text with its binds, for `vendor`; [`Error::Unsaved`] when the instance has
    /// no primary key.
    pub fn sql(self, vendor: Vendor) -> Result<String>
    where
        InstanceUpdateQuery<M, A>: SqlFor,
    {
        let (_, statement) = self.into_parts()?;
        Ok(statement.sql_for(vendor))
    }
}
