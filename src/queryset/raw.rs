//! Raw SQL that loads typed models (Django's `Model.objects.raw(sql, params)`).
//!
//! Write placeholders as `%s`, as Django does, on every backend; dorm turns each into the
//! backend's bind parameter (`?` on SQLite, `$1`, `$2`... on PostgreSQL), so values never become
//! SQL text. `%%` is a literal `%` (also inside quotes, as with Django's `%s` style); a `%s`
//! inside a quoted string is text, not a placeholder. Before anything runs, dorm checks that the number of
//! placeholders equals the number of parameters and refuses text with more than one
//! statement; both come back as [`Error::RawSql`](crate::Error).

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

use crate::db::Load;
use crate::error::{Error, Result};
use crate::model::{Manager, Model};

/// A Rust value usable as a raw-SQL parameter, with the SQL type it binds as.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be a raw SQL parameter")]
pub trait RawParam {
    /// The SQL type it binds as.
    type SqlType: diesel::sql_types::SqlType + diesel::sql_types::SingleValue + Default + 'static;
}

macro_rules! raw_params {
    ($($rust:ty => $st:ty),* $(,)?) => {$(
        impl RawParam for $rust {
            type SqlType = $st;
        }
        impl RawParam for Option<$rust> {
            type SqlType = diesel::sql_types::Nullable<$st>;
        }
    )*};
}
raw_params! {
    i16 => diesel::sql_types::SmallInt,
    i32 => diesel::sql_types::Integer,
    i64 => diesel::sql_types::BigInt,
    f32 => diesel::sql_types::Float,
    f64 => diesel::sql_types::Double,
    bool => diesel::sql_types::Bool,
    String => diesel::sql_types::Text,
    &str => diesel::sql_types::Text,
    chrono::NaiveDate => diesel::sql_types::Date,
    chrono::NaiveTime => diesel::sql_types::Time,
    chrono::DateTime<chrono::Utc> => crate::sql_types::DateTimeUtc,
}

/// A tuple of [`RawParam`]s, bound in order.
pub trait RawParams {
    /// How many.
    const LEN: usize;
    /// Pushes parameter `index` as a bind.
    fn push<'b, DB>(&'b self, index: usize, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: Backend,
        Self: RawBinds<DB>;
}

/// Parameters that bind on backend `DB`.
pub trait RawBinds<DB: Backend> {
    /// Pushes parameter `index`.
    fn push_bind<'b>(&'b self, index: usize, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>;
}

impl RawParams for () {
    const LEN: usize = 0;
    fn push<'b, DB>(&'b self, index: usize, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: Backend,
        Self: RawBinds<DB>,
    {
        self.push_bind(index, out)
    }
}
impl<DB: Backend> RawBinds<DB> for () {
    fn push_bind<'b>(&'b self, _index: usize, _out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
        Ok(())
    }
}

macro_rules! raw_tuple {
    ($n:literal; $($t:ident $i:tt),+) => {
        impl<$($t: RawParam),+> RawParams for ($($t,)+) {
            const LEN: usize = $n;
            fn push<'b, DB>(&'b self, index: usize, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>
            where
                DB: Backend,
                Self: RawBinds<DB>,
            {
                self.push_bind(index, out)
            }
        }
        impl<DB: Backend, $($t: RawParam + ToSql<$t::SqlType, DB>),+> RawBinds<DB> for ($($t,)+)
        where
            $(DB: HasSqlType<$t::SqlType>,)+
        {
            fn push_bind<'b>(&'b self, index: usize, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()> {
                match index {
                    $($i => out.push_bind_param::<$t::SqlType, $t>(&self.$i),)+
                    _ => Ok(()),
                }
            }
        }
    };
}
raw_tuple!(1; A 0);
raw_tuple!(2; A 0, B 1);
raw_tuple!(3; A 0, B 1, C 2);
raw_tuple!(4; A 0, B 1, C 2, D 3);
raw_tuple!(5; A 0, B 1, C 2, D 3, E 4);
raw_tuple!(6; A 0, B 1, C 2, D 3, E 4, F 5);
raw_tuple!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
raw_tuple!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// The text between placeholders, after checking it: `%s` splits, `%%` is a literal `%`.
fn split_placeholders(sql: &str) -> std::result::Result<Vec<String>, String> {
    let mut segments = vec![String::new()];
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut statement_ended = false;
    while let Some(ch) = chars.next() {
        if statement_ended {
            if ch.is_whitespace() {
                continue;
            }
            return Err("raw SQL must be one statement; it contains text after a `;`".into());
        }
        let current = segments.last_mut().expect("at least one segment");
        match (quote, ch) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), '%') if chars.peek() == Some(&'%') => {
                chars.next();
                current.push('%');
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                current.push(ch);
            }
            (None, ';') => statement_ended = true,
            (None, '%') => match chars.next() {
                Some('s') => segments.push(String::new()),
                Some('%') => current.push('%'),
                other => {
                    return Err(format!(
                        "unexpected `%{}` in raw SQL: use `%s` for a parameter and `%%` for a literal `%`",
                        other.map(String::from).unwrap_or_default()
                    ))
                }
            },
            (None, c) => current.push(c),
        }
    }
    if quote.is_some() {
        return Err("raw SQL has an unterminated quoted string".into());
    }
    Ok(segments)
}

/// A raw query that loads rows of `M` (Django's `RawQuerySet`).
#[must_use = "a raw query does nothing until `fetch(conn)`"]
pub struct RawQuerySet<M, P> {
    sql: String,
    params: P,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Manager<M> {
    /// A raw query whose rows load as `M` (Django's `objects.raw`): `%s` placeholders, one per
    /// element of the `params` tuple (`()` for none). The columns are matched to fields by name.
    pub fn raw<P: RawParams>(self, sql: &str, params: P) -> RawQuerySet<M, P> {
        RawQuerySet {
            sql: sql.to_string(),
            params,
            _model: PhantomData,
        }
    }
}

/// The checked statement a [`RawQuerySet`] runs.
pub struct RawStatement<P> {
    segments: Vec<String>,
    params: P,
}

impl<M: Model, P: RawParams> RawQuerySet<M, P> {
    /// Checks the text and the parameters, and builds the statement.
    pub fn statement(self) -> Result<RawStatement<P>> {
        let segments =
            split_placeholders(&self.sql).map_err(|message| Error::RawSql { message })?;
        let placeholders = segments.len() - 1;
        if placeholders != P::LEN {
            return Err(Error::RawSql {
                message: format!(
                    "the SQL has {placeholders} `%s` placeholders but {} parameters were given",
                    P::LEN
                ),
            });
        }
        Ok(RawStatement {
            segments,
            params: self.params,
        })
    }

    /// Runs the query and loads every row as `M`.
    pub fn fetch<'q, C>(self, conn: &mut C) -> Result<Vec<M>>
    where
        C: Load<'q, RawStatement<P>, M>,
    {
        let statement = self.statement()?;
        Ok(conn.load_rows(statement)?)
    }
}

impl<P, DB> QueryFragment<DB> for RawStatement<P>
where
    DB: Backend,
    P: RawParams + RawBinds<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                self.params.push(i - 1, &mut out)?;
            }
            out.push_sql(segment);
        }
        Ok(())
    }
}

impl<P> QueryId for RawStatement<P> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<P> Query for RawStatement<P> {
    type SqlType = Untyped;
}

impl<P, Conn> diesel::RunQueryDsl<Conn> for RawStatement<P> {}

#[cfg(test)]
mod tests {
    use super::split_placeholders;

    #[test]
    fn placeholders_split_outside_quotes_only() {
        assert_eq!(
            split_placeholders("a = %s AND b = '%s' AND c LIKE '50%%'").unwrap(),
            ["a = ", " AND b = '%s' AND c LIKE '50%'"]
        );
        assert_eq!(split_placeholders("SELECT 1;  ").unwrap(), ["SELECT 1"]);
        assert!(split_placeholders("SELECT 1; DROP TABLE x").is_err());
        assert!(split_placeholders("x = '%s").is_err());
        assert!(split_placeholders("x = %d").is_err());
    }
}
