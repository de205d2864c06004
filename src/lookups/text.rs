//! Text lookups: `iexact`, `contains`, `icontains`, `startswith`, `istartswith`, `endswith`,
//! `iendswith`, `regex`, `iregex`.
//!
//! The value is always one bind parameter, with `%`, `_` and the escape character escaped
//! (`contains = "50%"` finds "50%" only). Case-sensitive lookups are case-sensitive on every
//! backend: PostgreSQL uses `LIKE`, SQLite (whose `LIKE` ignores ASCII case) uses `GLOB`.
//! Case-insensitive ones use `UPPER(..) LIKE UPPER(..)` on PostgreSQL, which folds every
//! alphabet, and `LIKE` on SQLite, which folds ASCII letters only (`icontains = "ÄRGER"` does not
//! match "ärger" on SQLite; Django has the same difference). Regular expressions are
//! PostgreSQL's POSIX syntax there and Rust's `regex` syntax on SQLite. An invalid pattern fails the
//! query with [`Error::InvalidRegex`](crate::Error::InvalidRegex) on both.

use std::marker::PhantomData;

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, Nullable, Text};

use super::{Lookup, Operand, Predicate};
use crate::model::Model;

/// SQL types the text lookups apply to.
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup `{L}` on `{N}`: it needs a text field, and the field's SQL type is `{Self}`",
    label = "this field is not text",
    note = "Django: FieldError: Unsupported lookup for this field"
)]
pub trait TextField<L, N> {}
impl<L, N> TextField<L, N> for Text {}
impl<L, N> TextField<L, N> for Nullable<Text> {}

/// Values a text lookup accepts.
#[diagnostic::on_unimplemented(
    message = "a text lookup needs a string value, not `{Self}`",
    label = "expected `&str` or `String`"
)]
pub trait TextValue {
    /// The text.
    fn into_text(self) -> String;
}
impl TextValue for &str {
    fn into_text(self) -> String {
        self.to_string()
    }
}
impl TextValue for String {
    fn into_text(self) -> String {
        self
    }
}
impl TextValue for &String {
    fn into_text(self) -> String {
        self.clone()
    }
}

/// How a `LIKE`-family lookup matches.
pub trait LikeKind: Copy + Default + 'static {
    /// Ignores case.
    const CASE_INSENSITIVE: bool;
    /// Anything may come before the value.
    const ANY_BEFORE: bool;
    /// Anything may come after the value.
    const ANY_AFTER: bool;
}

macro_rules! like_kinds {
    ($($(#[$doc:meta])* $name:ident: $ci:literal, $before:literal, $after:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;
        impl LikeKind for $name {
            const CASE_INSENSITIVE: bool = $ci;
            const ANY_BEFORE: bool = $before;
            const ANY_AFTER: bool = $after;
        }
        like_predicate!($name);
    )*};
}

macro_rules! like_predicate {
    (Contains) => {};
    ($name:ident) => {
        impl<M, N, V> Predicate<M> for Lookup<N, $name, V>
        where
            M: Model,
            N: Operand<M>,
            N::SqlType: TextField<$name, N>,
            V: TextValue,
        {
            type Expr = Like<N::Expr, $name>;
            fn build(self) -> Self::Expr {
                Like::new(N::operand(), self.into_value().into_text())
            }
        }
    };
}

/// How `contains` works on a field of SQL type `Self`: a substring search on text, containment
/// on JSON (`data__contains = json!({"a": 1})`).
#[diagnostic::on_unimplemented(
    message = "Unsupported lookup 'contains' for a `{Self}` field",
    label = "`contains` needs a text or JSON field",
    note = "Django: FieldError: Unsupported lookup 'contains'"
)]
pub trait ContainsFor<E, V> {
    /// The condition.
    type Expr;
    /// Builds it.
    fn build(operand: E, value: V) -> Self::Expr;
}

impl<E, V: TextValue> ContainsFor<E, V> for Text {
    type Expr = Like<E, Contains>;
    fn build(operand: E, value: V) -> Self::Expr {
        Like::new(operand, value.into_text())
    }
}
impl<E, V: TextValue> ContainsFor<E, V> for Nullable<Text> {
    type Expr = Like<E, Contains>;
    fn build(operand: E, value: V) -> Self::Expr {
        Like::new(operand, value.into_text())
    }
}

impl<M, N, V> Predicate<M> for Lookup<N, Contains, V>
where
    M: Model,
    N: Operand<M>,
    N::SqlType: ContainsFor<N::Expr, V>,
{
    type Expr = <N::SqlType as ContainsFor<N::Expr, V>>::Expr;
    fn build(self) -> Self::Expr {
        <N::SqlType as ContainsFor<N::Expr, V>>::build(N::operand(), self.into_value())
    }
}
like_kinds! {
    /// `iexact`: equal, ignoring case.
    IExact: true, false, false;
    /// `contains`: the value appears in the field.
    Contains: false, true, true;
    /// `icontains`: `contains`, ignoring case.
    IContains: true, true, true;
    /// `startswith`.
    StartsWith: false, false, true;
    /// `istartswith`.
    IStartsWith: true, false, true;
    /// `endswith`.
    EndsWith: false, true, false;
    /// `iendswith`.
    IEndsWith: true, true, false;
}

/// `LIKE`/`GLOB` with an escaped pattern; see the module docs.
#[derive(Debug, Clone)]
pub struct Like<E, K> {
    operand: E,
    like_pattern: String,
    glob_pattern: String,
    /// The value held a NUL character: refused when the query is built (SQLite's `LIKE` and
    /// `GLOB` stop at NUL, so `contains("\0")` would match every row; PostgreSQL cannot hold
    /// NUL in text at all).
    has_nul: bool,
    kind: PhantomData<K>,
}

/// The error of a lookup value holding NUL, the same on every backend.
fn nul_in_pattern() -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(Box::new(crate::fields::limits::ValueError {
        field: String::new(),
        message: crate::fields::limits::NUL_MESSAGE.to_string(),
    }))
}

impl<E, K: LikeKind> Like<E, K> {
    pub(crate) fn new(operand: E, value: String) -> Self {
        let mut like = String::with_capacity(value.len() + 2);
        let mut glob = String::with_capacity(value.len() + 2);
        if K::ANY_BEFORE {
            like.push('%');
            glob.push('*');
        }
        for ch in value.chars() {
            match ch {
                '\\' | '%' | '_' => {
                    like.push('\\');
                    like.push(ch);
                }
                _ => like.push(ch),
            }
            match ch {
                '*' | '?' | '[' => {
                    glob.push('[');
                    glob.push(ch);
                    glob.push(']');
                }
                _ => glob.push(ch),
            }
        }
        if K::ANY_AFTER {
            like.push('%');
            glob.push('*');
        }
        Like {
            operand,
            like_pattern: like,
            glob_pattern: glob,
            has_nul: value.contains('\0'),
            kind: PhantomData,
        }
    }

    /// The escaped `LIKE` pattern that is bound.
    pub fn like_pattern(&self) -> &str {
        &self.like_pattern
    }
}

impl<E: Expression, K> Expression for Like<E, K> {
    type SqlType = Bool;
}

#[cfg(feature = "sqlite")]
impl<E, K> QueryFragment<diesel::sqlite::Sqlite> for Like<E, K>
where
    E: QueryFragment<diesel::sqlite::Sqlite>,
    K: LikeKind,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        if self.has_nul {
            return Err(nul_in_pattern());
        }
        self.operand.walk_ast(out.reborrow())?;
        if K::CASE_INSENSITIVE {
            out.push_sql(" LIKE ");
            out.push_bind_param::<Text, String>(&self.like_pattern)?;
            out.push_sql(" ESCAPE '\\'");
        } else {
            out.push_sql(" GLOB ");
            out.push_bind_param::<Text, String>(&self.glob_pattern)?;
        }
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<E, K> QueryFragment<diesel::pg::Pg> for Like<E, K>
where
    E: QueryFragment<diesel::pg::Pg>,
    K: LikeKind,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        if self.has_nul {
            return Err(nul_in_pattern());
        }
        if K::CASE_INSENSITIVE {
            out.push_sql("UPPER(");
            self.operand.walk_ast(out.reborrow())?;
            out.push_sql(") LIKE UPPER(");
            out.push_bind_param::<Text, String>(&self.like_pattern)?;
            out.push_sql(") ESCAPE '\\'");
        } else {
            self.operand.walk_ast(out.reborrow())?;
            out.push_sql(" LIKE ");
            out.push_bind_param::<Text, String>(&self.like_pattern)?;
            out.push_sql(" ESCAPE '\\'");
        }
        Ok(())
    }
}

impl<E: QueryId, K: 'static> QueryId for Like<E, K> {
    type QueryId = Like<E::QueryId, K>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}

impl<E: ValidGrouping<G>, K, G> ValidGrouping<G> for Like<E, K> {
    type IsAggregate = E::IsAggregate;
}
impl<E: AppearsOnTable<QS>, K, QS: ?Sized> AppearsOnTable<QS> for Like<E, K> where Self: Expression {}
impl<E: SelectableExpression<QS>, K, QS: ?Sized> SelectableExpression<QS> for Like<E, K> where
    Self: AppearsOnTable<QS>
{
}

/// `regex`: matches a regular expression (case-sensitive).
#[derive(Debug, Clone, Copy, Default)]
pub struct Regex;
/// `iregex`: matches a regular expression, ignoring case.
#[derive(Debug, Clone, Copy, Default)]
pub struct IRegex;

/// Whether a regex lookup ignores case.
pub trait RegexKind: Copy + Default + 'static {
    /// Ignores case.
    const CASE_INSENSITIVE: bool;
}
impl RegexKind for Regex {
    const CASE_INSENSITIVE: bool = false;
}
impl RegexKind for IRegex {
    const CASE_INSENSITIVE: bool = true;
}

macro_rules! regex_lookup {
    ($kind:ident) => {
        impl<M, N, V> Predicate<M> for Lookup<N, $kind, V>
        where
            M: Model,
            N: Operand<M>,
            N::SqlType: TextField<$kind, N>,
            V: TextValue,
        {
            type Expr = RegexExpr<N::Expr, $kind>;
            fn build(self) -> Self::Expr {
                RegexExpr {
                    operand: N::operand(),
                    pattern: self.into_value().into_text(),
                    kind: PhantomData,
                }
            }
        }
    };
}
regex_lookup!(Regex);
regex_lookup!(IRegex);

/// `operand ~ pattern` (PostgreSQL) or `dorm_regexp(pattern, operand)` (SQLite, a function dorm
/// registers on every connection it opens, and [`crate::db::prepare_sqlite`] on any other).
#[derive(Debug, Clone)]
pub struct RegexExpr<E, K> {
    operand: E,
    pattern: String,
    kind: PhantomData<K>,
}

impl<E, K> RegexExpr<E, K> {
    /// `operand` matched against `pattern`.
    pub(crate) fn new(operand: E, pattern: String) -> Self {
        RegexExpr {
            operand,
            pattern,
            kind: PhantomData,
        }
    }
}

impl<E: Expression, K> Expression for RegexExpr<E, K> {
    type SqlType = Bool;
}

#[cfg(feature = "sqlite")]
impl<E, K> QueryFragment<diesel::sqlite::Sqlite> for RegexExpr<E, K>
where
    E: QueryFragment<diesel::sqlite::Sqlite>,
    K: RegexKind,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        out.push_sql(if K::CASE_INSENSITIVE {
            "dorm_regexp('(?i)' || "
        } else {
            "dorm_regexp("
        });
        out.push_bind_param::<Text, String>(&self.pattern)?;
        out.push_sql(", ");
        self.operand.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl<E, K> QueryFragment<diesel::pg::Pg> for RegexExpr<E, K>
where
    E: QueryFragment<diesel::pg::Pg>,
    K: RegexKind,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        self.operand.walk_ast(out.reborrow())?;
        out.push_sql(if K::CASE_INSENSITIVE { " ~* " } else { " ~ " });
        out.push_bind_param::<Text, String>(&self.pattern)?;
        Ok(())
    }
}

impl<E: QueryId, K: 'static> QueryId for RegexExpr<E, K> {
    type QueryId = RegexExpr<E::QueryId, K>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}
impl<E: ValidGrouping<G>, K, G> ValidGrouping<G> for RegexExpr<E, K> {
    type IsAggregate = E::IsAggregate;
}
impl<E: AppearsOnTable<QS>, K, QS: ?Sized> AppearsOnTable<QS> for RegexExpr<E, K> where
    Self: Expression
{
}
impl<E: SelectableExpression<QS>, K, QS: ?Sized> SelectableExpression<QS> for RegexExpr<E, K> where
    Self: AppearsOnTable<QS>
{
}

/// Registers `dorm_regexp(pattern, value)` on a SQLite connection (Rust `regex` syntax).
///
/// The last pattern is cached with its compiled form or its error, so a query compiles its
/// pattern once however many rows it scans. An invalid pattern makes the query fail with
/// "invalid regular expression: ..." (PostgreSQL's message), which becomes
/// [`Error::InvalidRegex`](crate::Error::InvalidRegex).
#[cfg(feature = "sqlite")]
pub(crate) fn register_sqlite_regexp(conn: &mut diesel::SqliteConnection) -> QueryResult<()> {
    use std::sync::Mutex;
    diesel::define_sql_function! {
        fn dorm_regexp(pattern: Text, value: Nullable<Text>) -> Nullable<Bool>;
    }
    type Compiled = Result<regex::Regex, String>;
    let cache: Mutex<Option<(String, Compiled)>> = Mutex::new(None);
    dorm_regexp_utils::register_impl(
        conn,
        move |pattern: String, value: Option<String>| -> RegexOutcome {
            let Some(value) = value else {
                return RegexOutcome(Ok(None));
            };
            let mut cache = match cache.lock() {
                Ok(cache) => cache,
                Err(poisoned) => poisoned.into_inner(),
            };
            let compiled = match &*cache {
                Some((p, compiled)) if *p == pattern => compiled,
                _ => {
                    let compiled = compile_regex(&pattern);
                    &cache.insert((pattern, compiled)).1
                }
            };
            RegexOutcome(match compiled {
                Ok(re) => Ok(Some(re.is_match(&value))),
                Err(message) => Err(message.clone()),
            })
        },
    )
}

#[cfg(all(feature = "sqlite", test))]
thread_local! {
    /// How many patterns `dorm_regexp` compiled on this thread (tests only).
    static COMPILATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Compiles a pattern; the error is the last line of `regex`'s report (the first lines quote
/// the pattern, which may be long).
#[cfg(feature = "sqlite")]
fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    #[cfg(test)]
    COMPILATIONS.with(|n| n.set(n.get() + 1));
    regex::Regex::new(pattern).map_err(|e| {
        let report = e.to_string();
        let last = report
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        last.trim().trim_start_matches("error: ").to_string()
    })
}

/// What `dorm_regexp` returns: whether the value matched (NULL for a NULL value), or the
/// pattern's error, which SQLite raises as the error of the whole statement.
#[cfg(feature = "sqlite")]
#[derive(Debug)]
struct RegexOutcome(Result<Option<bool>, String>);

#[cfg(feature = "sqlite")]
impl diesel::serialize::ToSql<Nullable<Bool>, diesel::sqlite::Sqlite> for RegexOutcome {
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
    ) -> diesel::serialize::Result {
        match &self.0 {
            Ok(matched) => {
                <Option<bool> as diesel::serialize::ToSql<Nullable<Bool>, _>>::to_sql(matched, out)
            }
            Err(message) => Err(format!("invalid regular expression: {message}").into()),
        }
    }
}

#[cfg(all(feature = "sqlite", test))]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;

    /// A table of `rows` texts, with `dorm_regexp` registered.
    fn table(rows: usize) -> diesel::SqliteConnection {
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        super::register_sqlite_regexp(&mut conn).unwrap();
        conn.batch_execute(&format!(
            "CREATE TABLE t (v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) INSERT INTO t SELECT 'row ' || i FROM n;"
        ))
        .unwrap();
        conn
    }

    fn count(conn: &mut diesel::SqliteConnection, pattern: &str) -> diesel::QueryResult<i64> {
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT COUNT(*) AS n FROM t WHERE dorm_regexp(?, v)")
            .bind::<diesel::sql_types::Text, _>(pattern)
            .get_result::<Counted>(conn)
            .map(|c| c.n)
    }

    #[derive(diesel::QueryableByName)]
    struct Counted {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    fn compilations() -> u64 {
        super::COMPILATIONS.with(|n| n.get())
    }

    #[test]
    fn a_pattern_is_compiled_once_per_query_even_when_invalid() {
        let mut conn = table(300);
        let before = compilations();
        assert_eq!(
            count(&mut conn, "^row [12]").unwrap(),
            1 + 1 + 10 + 10 + 100 + 100
        );
        assert_eq!(compilations() - before, 1);

        // 64 KiB of unbalanced groups: one compilation, then an error, not an empty result.
        let invalid = "(".repeat(64 * 1024);
        let before = compilations();
        let err = count(&mut conn, &invalid).unwrap_err();
        assert_eq!(compilations() - before, 1);
        let message = err.to_string();
        assert!(
            message.starts_with("invalid regular expression: "),
            "{message}"
        );
        assert!(message.len() < 200, "{message}");
        assert!(matches!(
            crate::Error::from(err),
            crate::Error::InvalidRegex { .. }
        ));
    }
}
