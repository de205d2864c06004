//! The one error type of dorm, [`Error`], and how database errors map onto it.
//!
//! Integrity errors carry their kind ([`IntegrityKind`]) and, where the database reports it,
//! the constraint's name, so that reacting to a unique violation is a `match`, not a search in
//! an error string (the scrap book's "How to react to unique constraint issues").

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// `Result<T, dorm::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which integrity rule a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IntegrityKind {
    /// A unique constraint or unique index (Django's `unique=True`, `UniqueConstraint`).
    Unique,
    /// A foreign key points at a row that does not exist, or a referenced row is still in use.
    ForeignKey,
    /// A NOT NULL column got NULL.
    NotNull,
    /// A CHECK constraint failed (for example a `PositiveIntegerField` got a negative value).
    Check,
}

impl std::fmt::Display for IntegrityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IntegrityKind::Unique => "UNIQUE",
            IntegrityKind::ForeignKey => "FOREIGN KEY",
            IntegrityKind::NotNull => "NOT NULL",
            IntegrityKind::Check => "CHECK",
        })
    }
}

/// Everything that can go wrong in dorm, as one enum (Django's exceptions, typed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `get()` found no row (Django's `Model.DoesNotExist`).
    #[error("{model} matching query does not exist.")]
    DoesNotExist {
        /// The model's name.
        model: &'static str,
    },
    /// `get()` found more than one row (Django's `Model.MultipleObjectsReturned`).
    #[error("get() returned more than one {model} -- it returned {count}!")]
    MultipleObjectsReturned {
        /// The model's name.
        model: &'static str,
        /// How many rows matched (at least 2).
        count: u64,
    },
    /// A constraint of the database refused the write (Django's `IntegrityError`).
    #[error("{kind} constraint failed{}: {message}", constraint.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Integrity {
        /// Which kind of constraint.
        kind: IntegrityKind,
        /// The constraint's name, where the database reports it. SQLite does not name unique
        /// and not-null constraints; dorm then reports the columns (`table.column`).
        constraint: Option<String>,
        /// The database's own message.
        message: String,
    },
    /// No pooled connection became free within the pool's `connection_timeout`.
    #[error("no database connection became available within {timeout:?}: {message}")]
    PoolTimeout {
        /// The configured checkout timeout.
        timeout: std::time::Duration,
        /// What r2d2 reported (the last connection error, if any).
        message: String,
    },
    /// Connecting failed, or the URL is not one dorm understands.
    #[error("cannot connect to {url}: {message}")]
    Connection {
        /// The URL, with any password removed.
        url: String,
        /// Why.
        message: String,
    },
    /// The operation is not available on this backend (chosen at run time by URL).
    #[error("{feature} is not supported on {backend}")]
    NotSupported {
        /// What was asked for.
        feature: &'static str,
        /// The backend's name.
        backend: &'static str,
    },
    /// An instance that was never saved was used where a saved one is needed.
    #[error("{model} instance has no primary key: save() it first ({action})")]
    Unsaved {
        /// The model's name.
        model: &'static str,
        /// What needed the primary key.
        action: &'static str,
    },
    /// A migration failed to apply or to roll back; the database is left as it was before it.
    #[error("migration {migration} failed: {message}")]
    Migration {
        /// The migration's name (`0001_initial`).
        migration: String,
        /// Why.
        message: String,
    },
    /// A delete was refused because `PROTECT` relations point at the rows (Django's
    /// `ProtectedError`); nothing was deleted.
    #[error("Cannot delete some instances of model '{model}' because they are referenced through protected foreign keys: {}", referenced_by.join(", "))]
    Protected {
        /// The model whose rows were to be deleted.
        model: &'static str,
        /// The protecting relations (`Model.field (n rows)`).
        referenced_by: Vec<String>,
    },
    /// A delete was refused because `RESTRICT` relations point at the rows and those rows are
    /// not deleted by the same operation (Django's `RestrictedError`); nothing was deleted.
    #[error("Cannot delete some instances of model '{model}' because they are referenced through restricted foreign keys: {}", referenced_by.join(", "))]
    Restricted {
        /// The model whose rows were to be deleted.
        model: &'static str,
        /// The restricting relations (`Model.field (n rows)`).
        referenced_by: Vec<String>,
    },
    /// A value could not be converted to or from its database form.
    #[error("invalid value for {field}: {message}")]
    InvalidValue {
        /// The field (`Model.field`).
        field: String,
        /// Why.
        message: String,
    },
    /// Raw SQL was refused before it ran: a parameter count that does not match its `%s`
    /// placeholders, more than one statement, or a malformed placeholder.
    #[error("raw SQL refused: {message}")]
    RawSql {
        /// Why.
        message: String,
    },
    /// A model does not match the table it runs on in a way that would misread data (see
    /// [`check_models`](crate::migrations::check_models)); nothing was read or written.
    #[error("{table}.{column} does not match its model: {message}")]
    SchemaMismatch {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What differs, and the fix.
        message: String,
    },
    /// A `regex`/`iregex` pattern is not a valid regular expression for the backend
    /// (PostgreSQL's POSIX syntax there, Rust's `regex` syntax on SQLite). Raised by the
    /// query that used it, on every backend, instead of matching nothing.
    #[error("invalid regular expression: {message}")]
    InvalidRegex {
        /// What the backend's regular expression engine reported.
        message: String,
    },
    /// A query needs a SQL function that dorm registers on SQLite connections, and this
    /// connection does not have it: it was opened with diesel, not with [`crate::connect`].
    #[error("SQLite has no function `{function}` on this connection: call `dorm::db::prepare_sqlite(&mut conn)` once after opening it")]
    SqliteFunctionMissing {
        /// The missing function's name (`dorm_regexp`, `STDDEV_POP`, ...).
        function: String,
    },
    /// A panic inside `atomic()` was caught, the transaction rolled back, and the panic resumed.
    /// This variant is only seen by code that inspects the rollback itself.
    #[error("transaction rolled back")]
    RolledBack,
    /// Any other error from the database or diesel.
    #[error(transparent)]
    Database(DieselError),
}

impl From<DieselError> for Error {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::DatabaseError(kind, info) => {
                let integrity = match kind {
                    DatabaseErrorKind::UniqueViolation => Some(IntegrityKind::Unique),
                    DatabaseErrorKind::ForeignKeyViolation => Some(IntegrityKind::ForeignKey),
                    DatabaseErrorKind::NotNullViolation => Some(IntegrityKind::NotNull),
                    DatabaseErrorKind::CheckViolation => Some(IntegrityKind::Check),
                    _ => None,
                };
                match integrity {
                    Some(kind) => {
                        let message = info.message().to_string();
                        let constraint = info
                            .constraint_name()
                            .map(str::to_string)
                            .or_else(|| sqlite_constraint_from_message(kind, &message));
                        Error::Integrity {
                            kind,
                            constraint,
                            message,
                        }
                    }
                    None => match unregistered_or_regex(info.message()) {
                        Some(err) => err,
                        None => Error::Database(DieselError::DatabaseError(kind, info)),
                    },
                }
            }
            DieselError::SerializationError(e) | DieselError::QueryBuilderError(e)
                if e.is::<crate::fields::limits::ValueError>() =>
            {
                match e.downcast::<crate::fields::limits::ValueError>() {
                    Ok(value) => Error::from(*value),
                    Err(e) => Error::Database(DieselError::SerializationError(e)),
                }
            }
            // A stored value that does not fit its field (see `fields::overflow`).
            DieselError::DeserializationError(e) if e.is::<crate::fields::limits::ValueError>() => {
                match e.downcast::<crate::fields::limits::ValueError>() {
                    Ok(value) => Error::from(*value),
                    Err(e) => Error::Database(DieselError::DeserializationError(e)),
                }
            }
            other => Error::Database(other),
        }
    }
}

impl From<r2d2::Error> for Error {
    fn from(err: r2d2::Error) -> Self {
        Error::PoolTimeout {
            timeout: std::time::Duration::ZERO,
            message: err.to_string(),
        }
    }
}

/// The typed form of two untyped database errors: SQLite's "no such function" for a function
/// [`crate::db::prepare_sqlite`] registers, and an invalid regular expression (PostgreSQL's
/// "invalid regular expression: ...", or the same message from dorm's SQLite `dorm_regexp`).
fn unregistered_or_regex(message: &str) -> Option<Error> {
    // PostgreSQL cannot hold NUL in text: the same error as dorm's own check.
    if message.contains("invalid byte sequence for encoding \"UTF8\": 0x00") {
        return Some(Error::from(crate::fields::limits::ValueError {
            field: String::new(),
            message: crate::fields::limits::NUL_MESSAGE.to_string(),
        }));
    }
    // `dorm_in_range` on SQLite, and PostgreSQL's own refusal of an out-of-range number
    // (an `update!` names the field it computed; see `fields::overflow`).
    if let Some(refusal) = crate::fields::overflow::sqlite_refusal(message) {
        return Some(Error::from(refusal));
    }
    if crate::fields::overflow::is_overflow(message) {
        return Some(Error::from(crate::fields::limits::ValueError {
            field: String::new(),
            message: message.to_string(),
        }));
    }
    if let Some(rest) = message.strip_prefix("invalid regular expression: ") {
        return Some(Error::InvalidRegex {
            message: rest.to_string(),
        });
    }
    #[cfg(feature = "sqlite")]
    if let Some(function) = message.strip_prefix("no such function: ") {
        let function = function.trim();
        if crate::db::SQLITE_FUNCTIONS
            .iter()
            .any(|f| f.eq_ignore_ascii_case(function))
        {
            return Some(Error::SqliteFunctionMissing {
                function: function.to_string(),
            });
        }
    }
    None
}

/// SQLite reports constraints in its message only: `UNIQUE constraint failed: t.a, t.b`,
/// `CHECK constraint failed: name`, `NOT NULL constraint failed: t.c`. The part after the colon
/// names the columns (unique, not null) or the constraint (check).
fn sqlite_constraint_from_message(kind: IntegrityKind, message: &str) -> Option<String> {
    if kind == IntegrityKind::ForeignKey {
        return None;
    }
    let (_, rest) = message.split_once("constraint failed: ")?;
    let rest = rest.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

impl Error {
    /// The integrity kind, when this is an integrity error.
    pub fn integrity_kind(&self) -> Option<IntegrityKind> {
        match self {
            Error::Integrity { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// True when this error means "no such row" (`DoesNotExist`, or diesel's `NotFound`).
    pub fn is_does_not_exist(&self) -> bool {
        matches!(
            self,
            Error::DoesNotExist { .. } | Error::Database(DieselError::NotFound)
        )
    }
}
