//! Raw SQL that loads typed models (Django's `Model.objects.raw(sql, params)`).
//!
//! Write placeholders as `%s`, as Django does, on every backend; dorm turns each into the
//! backend's bind parameter (`?` on SQLite, `$1`, `$2`... on PostgreSQL), so values never become
//! SQL text. `%%` is a literal `%` (also inside quotes and comments, as with Django's `%s`
//! style); a `%s` inside a string, a quoted identifier or a comment is text, not a placeholder.
//! Before anything runs, dorm checks that the number of placeholders equals the number of
//! parameters and refuses text with more than one statement; both come back as
//! [`Error::RawSql`](crate::Error).
//!
//! Both checks read the text with a small lexer that knows every quoting and comment form of
//! the connection's backend (`[...]`, backquotes, nested comments, `E'...'`, `$tag$...$tag$`; see
//! `check_raw_sql`), so a `;` hidden from a naive reader, or a quote inside a comment, cannot
//! make SQLite silently run only the first of two statements.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

use crate::db::{Load, Vendor};
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

/// Checks raw SQL for `vendor` without building anything: the number of `%s` placeholders, or
/// the [`Error::RawSql`] [`fetch`](RawQuerySet::fetch) would return for it. Never panics, for
/// any input (the entry point of a fuzz target).
#[doc(hidden)]
pub fn check_raw_sql(sql: &str, vendor: Vendor) -> Result<usize> {
    split_placeholders(sql, vendor)
        .map(|segments| segments.len() - 1)
        .map_err(|message| Error::RawSql { message })
}

/// The text between placeholders, after checking it: `%s` splits, `%%` is a literal `%`.
///
/// A small lexer that knows every quoting and comment form of `vendor`, so that a `%s` or a `;`
/// is only seen where the database itself would see one:
///
/// * both backends: `'...'` strings and `"..."` identifiers (a doubled quote stays inside),
///   `-- ...` comments to the end of the line, `/* ... */` comments;
/// * SQLite: `[...]` and `` `...` `` identifiers, block comments that do not nest, `--` comments
///   that end only at `\n`, and the Tcl-style variables `$name(...)`, `@name(...)`,
///   `:name(...)`, `#name(...)` whose parenthesised part may hold any text up to a space or `)`;
/// * PostgreSQL: `E'...'` strings with backslash escapes (also across a string continuation,
///   `E'a'` newline `'b'`), `$tag$...$tag$` dollar quoting, block comments that nest, `--`
///   comments that end at `\n` or `\r`. Plain `'...'` strings follow
///   `standard_conforming_strings = on`, PostgreSQL's default since 9.1.
///
/// After a top-level `;` only whitespace and comments may follow (they are dropped); anything
/// unterminated, and a NUL character, is refused.
fn split_placeholders(sql: &str, vendor: Vendor) -> std::result::Result<Vec<String>, String> {
    let mut lexer = Lexer {
        chars: sql.chars().collect(),
        i: 0,
        postgres: vendor == Vendor::Postgres,
        segments: Vec::new(),
        current: String::new(),
    };
    if lexer.chars.contains(&'\0') {
        return Err("raw SQL cannot contain a NUL character".into());
    }
    lexer.statement()?;
    let mut segments = lexer.segments;
    segments.push(lexer.current);
    Ok(segments)
}

/// The state of [`split_placeholders`]: characters (never byte offsets, so no slicing can split
/// a character), the position, and the text read so far.
struct Lexer {
    chars: Vec<char>,
    i: usize,
    postgres: bool,
    /// The finished segments (text before each placeholder).
    segments: Vec<String>,
    /// The segment being read.
    current: String,
}

type LexResult = std::result::Result<(), String>;

/// SQL whitespace on both backends.
fn is_sql_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn starts_with(&self, text: &[char]) -> bool {
        self.chars
            .get(self.i..)
            .is_some_and(|rest| rest.starts_with(text))
    }

    /// Whether `c` continues an identifier or a keyword (so a following `E'`, `$tag$` or `$name`
    /// is part of it).
    fn is_word_char(&self, c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
    }

    /// Copies `n` characters as they are.
    fn copy(&mut self, n: usize) {
        for _ in 0..n {
            if let Some(c) = self.peek(0) {
                self.current.push(c);
                self.i += 1;
            }
        }
    }

    /// Copies one character of quoted text (a string, an identifier, a comment): `%%` is one
    /// `%`, and `%s` is text.
    fn copy_quoted(&mut self) {
        if self.peek(0) == Some('%') && self.peek(1) == Some('%') {
            self.current.push('%');
            self.i += 2;
        } else {
            self.copy(1);
        }
    }

    /// Reads the statement, then what may follow its `;`.
    fn statement(&mut self) -> LexResult {
        // Whether the last character of plain text continues a word.
        let mut word = false;
        while let Some(c) = self.peek(0) {
            let next = self.peek(1);
            match c {
                ';' => {
                    self.i += 1;
                    return self.after_statement();
                }
                '%' => match next {
                    Some('s') => {
                        self.i += 2;
                        self.segments.push(std::mem::take(&mut self.current));
                        word = false;
                        continue;
                    }
                    Some('%') => {
                        self.i += 2;
                        self.current.push('%');
                        word = false;
                        continue;
                    }
                    other => {
                        return Err(format!(
                            "unexpected `%{}` in raw SQL: use `%s` for a parameter and `%%` for a literal `%`",
                            other.map(String::from).unwrap_or_default()
                        ))
                    }
                },
                '-' if next == Some('-') => self.line_comment(),
                '/' if next == Some('*') => self.block_comment()?,
                '\'' => self.quoted('\'', false)?,
                '"' => self.quoted('"', false)?,
                '`' | '[' if !self.postgres => self.quoted(c, false)?,
                'E' | 'e' if self.postgres && !word && next == Some('\'') => {
                    self.copy(1);
                    self.quoted('\'', true)?;
                }
                '$' if self.postgres && !word && self.dollar_tag().is_some() => {
                    self.dollar_quoted()?;
                }
                '$' | '@' | ':' | '#' if !(self.postgres || c == '$' && word) => {
                    if !self.sqlite_variable()? {
                        self.copy(1);
                        word = self.is_word_char(c);
                    }
                    continue;
                }
                _ => {
                    self.copy(1);
                    word = self.is_word_char(c);
                    continue;
                }
            }
            // A quoted token or a comment ends a word.
            word = false;
        }
        Ok(())
    }

    /// What may follow the statement's `;`: whitespace and comments, dropped.
    fn after_statement(&mut self) -> LexResult {
        let statement = std::mem::take(&mut self.current);
        while let Some(c) = self.peek(0) {
            let next = self.peek(1);
            match c {
                c if is_sql_space(c) => self.i += 1,
                '-' if next == Some('-') => self.line_comment(),
                '/' if next == Some('*') => self.block_comment()?,
                _ => {
                    return Err(
                        "raw SQL must be one statement; it contains text after a `;`".into(),
                    )
                }
            }
        }
        self.current = statement;
        Ok(())
    }

    /// `-- ...` up to the end of the line (`\n`; also `\r` on PostgreSQL), which is not part of
    /// it.
    fn line_comment(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == '\n' || (self.postgres && c == '\r') {
                break;
            }
            self.copy_quoted();
        }
    }

    /// `/* ... */`; on PostgreSQL a `/*` inside opens a nested comment.
    fn block_comment(&mut self) -> LexResult {
        self.copy(2);
        let mut depth = 1usize;
        loop {
            match (self.peek(0), self.peek(1)) {
                (None, _) => return Err("raw SQL has an unterminated /* comment".into()),
                (Some('*'), Some('/')) => {
                    self.copy(2);
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                (Some('/'), Some('*')) if self.postgres => {
                    self.copy(2);
                    depth += 1;
                }
                _ => self.copy_quoted(),
            }
        }
    }

    /// A string or quoted identifier opened by `open` (the lexer is on it): a doubled closing
    /// quote stays inside (not for `[...]`), and with `backslash` (PostgreSQL's `E'...'`) a
    /// backslash escapes the next character.
    fn quoted(&mut self, open: char, backslash: bool) -> LexResult {
        let (close, what) = match open {
            '\'' => ('\'', "quoted string"),
            '[' => (']', "[...] identifier"),
            '`' => ('`', "`...` identifier"),
            _ => (open, "quoted identifier"),
        };
        self.copy(1);
        loop {
            match self.peek(0) {
                None => return Err(format!("raw SQL has an unterminated {what}")),
                Some(c) if c == close => {
                    if open != '[' && self.peek(1) == Some(close) {
                        self.copy(2);
                    } else {
                        self.copy(1);
                        if backslash && self.continues_string() {
                            continue;
                        }
                        return Ok(());
                    }
                }
                Some('\\') if backslash => {
                    self.copy(1);
                    if self.peek(0).is_none() {
                        return Err(format!("raw SQL has an unterminated {what}"));
                    }
                    self.copy_quoted();
                }
                Some(_) => self.copy_quoted(),
            }
        }
    }

    /// After a PostgreSQL string: whether whitespace holding a newline (and maybe `--`
    /// comments, each ended by a newline) and then `'` follow, which continues the same string (the SQL standard's
    /// string continuation). If so, copies up to and including that `'`.
    fn continues_string(&mut self) -> bool {
        let mut j = self.i;
        let at = |j: usize| self.chars.get(j).copied();
        loop {
            match at(j) {
                Some(' ' | '\t' | '\x0b' | '\x0c') => j += 1,
                Some('-') if at(j + 1) == Some('-') => {
                    while !matches!(at(j), None | Some('\n' | '\r')) {
                        j += 1;
                    }
                }
                _ => break,
            }
        }
        if !matches!(at(j), Some('\n' | '\r')) {
            return false;
        }
        j += 1;
        loop {
            match at(j) {
                Some(c) if is_sql_space(c) => j += 1,
                Some('-') if at(j + 1) == Some('-') => {
                    while !matches!(at(j), None | Some('\n' | '\r')) {
                        j += 1;
                    }
                    if at(j).is_none() {
                        return false;
                    }
                    j += 1;
                }
                Some('\'') => break,
                _ => return false,
            }
        }
        while self.i <= j {
            self.copy_quoted();
        }
        true
    }

    /// On PostgreSQL at a `$`: the length of a dollar-quote delimiter (`$$`, `$tag$`) starting
    /// here, if one does.
    fn dollar_tag(&self) -> Option<usize> {
        let mut n = 1;
        if let Some(c) = self.peek(1) {
            if c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() {
                n += 1;
                while self
                    .peek(n)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii())
                {
                    n += 1;
                }
            }
        }
        (self.peek(n) == Some('$')).then_some(n + 1)
    }

    /// A PostgreSQL `$tag$...$tag$` string.
    fn dollar_quoted(&mut self) -> LexResult {
        let len = self.dollar_tag().unwrap_or(2);
        let tag: Vec<char> = self
            .chars
            .get(self.i..self.i + len)
            .map(<[char]>::to_vec)
            .unwrap_or_default();
        self.copy(len);
        loop {
            if self.peek(0).is_none() {
                return Err("raw SQL has an unterminated dollar-quoted string".into());
            }
            if self.starts_with(&tag) {
                self.copy(len);
                return Ok(());
            }
            self.copy_quoted();
        }
    }

    /// On SQLite at `$`, `@`, `:` or `#`: a variable (`$name`, `$a::b`, `$name(any text)`),
    /// copied whole; `false` if there is none here.
    fn sqlite_variable(&mut self) -> std::result::Result<bool, String> {
        let mut n = 1;
        let mut name = 0;
        loop {
            match self.peek(n) {
                Some(c) if self.is_word_char(c) => {
                    name += 1;
                    n += 1;
                }
                Some('(') if name > 0 => {
                    n += 1;
                    loop {
                        match self.peek(n) {
                            Some(')') => {
                                n += 1;
                                break;
                            }
                            Some(c) if !is_sql_space(c) => n += 1,
                            _ => {
                                return Err(
                                    "raw SQL has an unterminated `(` in a SQLite variable".into()
                                )
                            }
                        }
                    }
                    break;
                }
                Some(':') if self.peek(n + 1) == Some(':') => n += 2,
                _ => break,
            }
        }
        if name == 0 {
            return Ok(false);
        }
        let end = self.i + n;
        while self.i < end {
            self.copy_quoted();
        }
        Ok(true)
    }
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
    /// Checks the text for `vendor`'s SQL and the parameters, and builds the statement.
    pub fn statement(self, vendor: Vendor) -> Result<RawStatement<P>> {
        let segments =
            split_placeholders(&self.sql, vendor).map_err(|message| Error::RawSql { message })?;
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
        let statement = self.statement(conn.vendor())?;
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
    use super::{check_raw_sql, split_placeholders};
    use crate::db::Vendor::{self, Postgres, Sqlite};

    #[test]
    fn placeholders_split_outside_quotes_only() {
        for vendor in [Sqlite, Postgres] {
            assert_eq!(
                split_placeholders("a = %s AND b = '%s' AND c LIKE '50%%'", vendor).unwrap(),
                ["a = ", " AND b = '%s' AND c LIKE '50%'"]
            );
            assert_eq!(
                split_placeholders("SELECT 1;  ", vendor).unwrap(),
                ["SELECT 1"]
            );
            assert_eq!(
                split_placeholders("SELECT %s; -- done %s\n /* %s */", vendor).unwrap(),
                ["SELECT ", ""]
            );
            assert!(split_placeholders("SELECT 1; DROP TABLE x", vendor).is_err());
            assert!(split_placeholders("x = '%s", vendor).is_err());
            assert!(split_placeholders("x = %d", vendor).is_err());
            assert!(split_placeholders("x = %", vendor).is_err());
        }
        assert_eq!(
            split_placeholders("SELECT E'\\%%', $t$%%s$t$, %s", Postgres).unwrap(),
            ["SELECT E'\\%', $t$%s$t$, ", ""]
        );
        assert_eq!(
            split_placeholders("SELECT [%%], `%%`, $a(%%), %s", Sqlite).unwrap(),
            ["SELECT [%], `%`, $a(%), ", ""]
        );
    }

    /// Every quoting and comment form on each backend: `Ok(placeholders)` or refused.
    #[test]
    fn every_quoting_and_comment_form_on_each_backend() {
        const ONE: &str = "raw SQL must be one statement";
        const UNTERMINATED: &str = "unterminated";
        // (sql, SQLite, PostgreSQL): Ok(n) placeholders, or Err(part of the message).
        type Expected = std::result::Result<usize, &'static str>;
        let cases: &[(&str, Expected, Expected)] = &[
            ("SELECT 1", Ok(0), Ok(0)),
            ("SELECT %s, %s", Ok(2), Ok(2)),
            ("SELECT 'a;b', \"c;d\"", Ok(0), Ok(0)),
            ("SELECT 'it''s; %s', \"a\"\"; %s\"", Ok(0), Ok(0)),
            // E'\' : PostgreSQL reads an escape string whose `\'` is a quote, so the `;`s are
            // inside it; SQLite reads the identifier E, the string '\', and a second statement.
            (
                "SELECT * FROM t WHERE a = E'\\'; DROP TABLE t; --'",
                Err(ONE),
                Ok(0),
            ),
            // E'\\' : an escaped backslash on PostgreSQL, so the string ends before the `;`.
            (
                "SELECT * FROM t WHERE a = E'\\\\'; DROP TABLE t; --'",
                Err(ONE),
                Err(ONE),
            ),
            ("SELECT E'\\'%s'", Err(UNTERMINATED), Ok(0)),
            ("SELECT e'\\' || %s || '\\'", Ok(1), Err(UNTERMINATED)),
            // An E that ends a word does not start an escape string.
            ("SELECT nameE'\\'; DROP TABLE t; --'", Err(ONE), Err(ONE)),
            ("SELECT E'\\'", Ok(0), Err(UNTERMINATED)),
            ("SELECT E'it''s\\'; %s'", Err(ONE), Ok(0)),
            // PostgreSQL continues a string across whitespace holding a newline, keeping E's escapes.
            ("SELECT E'a'\n'\\'; DROP TABLE t; --'", Err(ONE), Ok(0)),
            ("SELECT E'a' -- c\n  '\\'; %s'", Err(ONE), Ok(0)),
            ("SELECT E'a' '\\'; DROP TABLE t; --'", Err(ONE), Err(ONE)),
            ("SELECT [a;b] FROM t", Ok(0), Err(ONE)),
            ("SELECT [a;%s] FROM t", Ok(0), Err(ONE)),
            ("SELECT [a", Err(UNTERMINATED), Ok(0)),
            ("SELECT `a;b` FROM t", Ok(0), Err(ONE)),
            ("SELECT `a``;b` FROM t", Ok(0), Err(ONE)),
            ("SELECT `a", Err(UNTERMINATED), Ok(0)),
            ("SELECT 1 /* ' */; DELETE FROM t", Err(ONE), Err(ONE)),
            ("SELECT 1 /* ' */; DELETE FROM t --'", Err(ONE), Err(ONE)),
            ("SELECT 1 /* %s ; */ + %s", Ok(1), Ok(1)),
            ("SELECT 1 /* a", Err(UNTERMINATED), Err(UNTERMINATED)),
            ("SELECT 1 /*/ ; */", Ok(0), Ok(0)),
            ("SELECT $$;$$", Err(ONE), Ok(0)),
            ("SELECT $x$ ; $x$", Err(ONE), Ok(0)),
            ("SELECT $x$ ; $y$ ; $x$", Err(ONE), Ok(0)),
            ("SELECT $x$ %s '; $x$, %s", Err(UNTERMINATED), Ok(1)),
            ("SELECT $$a", Ok(0), Err(UNTERMINATED)),
            ("SELECT x$$;$$", Err(ONE), Err(ONE)),
            ("SELECT $1 ;", Ok(0), Ok(0)),
            ("-- ;\nSELECT 1", Ok(0), Ok(0)),
            ("-- '\nSELECT %s", Ok(1), Ok(1)),
            ("SELECT 1 -- ' %s", Ok(0), Ok(0)),
            // `--` ends at `\n`; PostgreSQL also ends it at `\r`.
            ("SELECT 1 -- x\r; DROP TABLE t", Ok(0), Err(ONE)),
            // PostgreSQL nests block comments; SQLite ends one at the first `*/`.
            ("SELECT 1 /* /* */ ; */", Err(ONE), Ok(0)),
            ("SELECT 1 /* /* */", Ok(0), Err(UNTERMINATED)),
            ("SELECT 1 /* /* */ */ ; DROP TABLE t", Err(ONE), Err(ONE)),
            // SQLite's Tcl variables hold any text up to a space or `)`, quotes included.
            ("SELECT $a(') ; DROP TABLE t; SELECT ')", Err(ONE), Ok(0)),
            ("SELECT :a(;)", Ok(0), Err(ONE)),
            ("SELECT @a(;", Err(UNTERMINATED), Ok(0)),
            ("SELECT #a::b(;%s)", Ok(0), Err(ONE)),
            ("SELECT a$b(;)", Err(ONE), Err(ONE)),
            ("SELECT @ ;", Ok(0), Ok(0)),
            // After the `;`: only whitespace and comments.
            ("SELECT 1; -- c\n /* d */ \t", Ok(0), Ok(0)),
            ("SELECT 1; /* d", Err(UNTERMINATED), Err(UNTERMINATED)),
            ("SELECT 1;;", Err(ONE), Err(ONE)),
            ("SELECT 1; %s", Err(ONE), Err(ONE)),
            ("SELECT 1;\u{a0}", Err(ONE), Err(ONE)),
            ("SELECT 1 \0; DROP TABLE t", Err("NUL"), Err("NUL")),
            ("SELECT 'é;%s', \"ß\", 'x' || %s -- 😀", Ok(1), Ok(1)),
            ("SELECT 'a", Err(UNTERMINATED), Err(UNTERMINATED)),
            ("SELECT \"a", Err(UNTERMINATED), Err(UNTERMINATED)),
            ("", Ok(0), Ok(0)),
        ];
        let mut wrong = Vec::new();
        let mut check = |sql: &str, vendor: Vendor, expected: &std::result::Result<usize, &str>| {
            let ok = match (check_raw_sql(sql, vendor), expected) {
                (Ok(n), Ok(want)) => n == *want,
                (Err(crate::Error::RawSql { message }), Err(want)) => message.contains(want),
                _ => false,
            };
            if !ok {
                wrong.push(format!(
                    "{vendor:?}: {sql:?}: got {:?}, expected {expected:?}",
                    check_raw_sql(sql, vendor)
                ));
            }
        };
        for (sql, sqlite, postgres) in cases {
            check(sql, Sqlite, sqlite);
            check(sql, Postgres, postgres);
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// The lexer never panics, and what it accepts reads back the same: the segments, with each
    /// `%` doubled and joined by `%s`, split into the same segments.
    #[test]
    fn any_text_is_checked_without_panicking() {
        const ALPHABET: &[char] = &[
            '\'', '"', '`', '[', ']', '$', 'E', 'e', 'x', '\\', '/', '*', '-', ';', '%', 's', '(',
            ')', ':', '@', '#', ' ', '\n', '\r', '\t', 'é', 'ß', '😀', '\u{a0}', '\0', '1', '_',
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut accepted = 0;
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let sql: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            for vendor in [Sqlite, Postgres] {
                if let Ok(segments) = split_placeholders(&sql, vendor) {
                    accepted += 1;
                    let again = segments
                        .iter()
                        .map(|s| s.replace('%', "%%"))
                        .collect::<Vec<_>>()
                        .join("%s");
                    assert_eq!(
                        split_placeholders(&again, vendor).as_ref(),
                        Ok(&segments),
                        "{vendor:?}: {sql:?} -> {again:?}"
                    );
                }
            }
        }
        assert!(accepted > 1_000, "only {accepted} accepted");
        // Every prefix of a text with multi-byte characters, cut at each character.
        let text = "SELECT 'é', \"😀\", $ß$ ; $ß$, [ü], E'\\'', /* /* ä */ */ -- ö";
        for (at, _) in text.char_indices() {
            for vendor in [Sqlite, Postgres] {
                let _ = check_raw_sql(&text[..at], vendor);
                let _ = check_raw_sql(&text[at..], vendor);
            }
        }
    }
}
