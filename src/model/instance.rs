//! [`Instance`]: what a loaded or new model object can do: `save`, `delete`,
//! `refresh_from_db` (Django's model instance methods).

use super::{dispatch, Model};
use crate::db::Executor;
use crate::error::{Error, Result};
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

    /// Updates only `fields` of an existing row (Django's `save(update_fields=[...])`), plus
    /// `auto_now` fields. Fails with [`Error::Unsaved`] on a row that was never saved, and
    /// with [`Error::DoesNotExist`] when the row is gone.
    fn save_update_fields<C: Executor>(&mut self, fields: &[&str], conn: &mut C) -> Result<()> {
        if self.pk().is_none() {
            return Err(Error::Unsaved {
                model: Self::META.name,
                action: "save(update_fields)",
            });
        }
        for name in fields {
            if Self::META.field(name).is_none() {
                return Err(Error::InvalidValue {
                    field: format!("{}.{name}", Self::META.name),
                    message: "The following fields do not exist in this model, or are m2m fields"
                        .into(),
                });
            }
        }
        self.pre_save(false);
        let mut names: Vec<&str> = fields.to_vec();
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
