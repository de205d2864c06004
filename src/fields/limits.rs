//! The limits a value must respect before it is written or compared, checked by dorm itself
//! so that every backend gives the same typed error ([`Error::InvalidValue`]) in Django's
//! words, instead of PostgreSQL refusing with an untyped database error and SQLite storing
//! anything:
//!
//! - text longer than the field's `max_length` ("Ensure this value has at most 50 characters
//!   (it has 51).", Django's `MaxLengthValidator`);
//! - text holding a NUL character ("Null characters are not allowed.", Django's
//!   `ProhibitNullCharactersValidator`: PostgreSQL cannot store NUL in text, and SQLite's
//!   `LIKE`/`GLOB` stop at it), in writes and in lookup values;
//! - a decimal with more digits than `max_digits` once rounded to `decimal_places`;
//! - a datetime outside years 1 to 9999 (Python's `datetime`, and SQLite's text order).
//!
//! Model writes (`create`, `save`, `bulk_create`, `get_or_create`, ...) check every field
//! through [`WithinLimits`]; values bound in lookups and `update!` are checked when the query is
//! built into SQL ([`ValueError`] becomes the same [`Error::InvalidValue`]).

use crate::error::{Error, Result};

/// What a field allows, as the derive records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Text: `max_length`, if any; NUL characters are never allowed.
    Text(Option<u32>),
    /// A decimal: `max_digits`, `decimal_places`.
    Decimal(u32, u32),
    /// A datetime: years 1 to 9999.
    DateTime,
}

/// A value refused by a limit, carried through diesel's error types (a bind that cannot be
/// serialized, a query that cannot be built) and turned into [`Error::InvalidValue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// The field (`Model.field`), or `""` when not known where the value was refused.
    pub field: String,
    /// Why, in Django's words.
    pub message: String,
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

impl From<ValueError> for Error {
    fn from(e: ValueError) -> Self {
        Error::InvalidValue {
            field: if e.field.is_empty() {
                "a value".to_string()
            } else {
                e.field
            },
            message: e.message,
        }
    }
}

/// Django's message for text holding NUL.
pub const NUL_MESSAGE: &str = "Null characters are not allowed.";

/// Refuses text holding a NUL character.
#[inline]
pub fn check_nul(field: &str, text: &str) -> std::result::Result<(), ValueError> {
    // A byte search (memchr): NUL is one byte in UTF-8 and never part of another character.
    if text.as_bytes().contains(&0) {
        return Err(nul_error(field));
    }
    Ok(())
}

#[cold]
fn nul_error(field: &str) -> ValueError {
    ValueError {
        field: field.to_string(),
        message: NUL_MESSAGE.to_string(),
    }
}

/// Refuses a datetime outside years 1 to 9999.
pub fn check_year(field: &str, year: i32) -> std::result::Result<(), ValueError> {
    if !(1..=9999).contains(&year) {
        return Err(ValueError {
            field: field.to_string(),
            message: format!("year {year} is out of range"),
        });
    }
    Ok(())
}

/// A value the derive checks before a write: a cheap test on the hot path, the error (in
/// Django's words) built only when it fails.
pub trait WithinLimits {
    /// True when `self` respects `limit`.
    fn within(&self, limit: Limit) -> bool;
    /// The error for a value that is not [`within`](Self::within) `limit`.
    fn refusal(&self, field: &'static str, limit: Limit) -> Error;
    /// Checks `self` against `limit`; `field` names it in the error.
    #[inline]
    fn check(&self, field: &'static str, limit: Limit) -> Result<()> {
        if self.within(limit) {
            Ok(())
        } else {
            Err(self.refusal(field, limit))
        }
    }
}

impl WithinLimits for str {
    #[inline]
    fn within(&self, limit: Limit) -> bool {
        // NUL is one byte in UTF-8 and never part of another character: a byte search.
        let fits = match limit {
            // Django counts characters, not bytes: a byte length within the limit always fits.
            Limit::Text(Some(max)) => {
                self.len() <= max as usize || self.chars().count() <= max as usize
            }
            _ => true,
        };
        fits && !self.bytes().any(|b| b == 0)
    }
    #[cold]
    #[inline(never)]
    fn refusal(&self, field: &'static str, limit: Limit) -> Error {
        if let Err(e) = check_nul(field, self) {
            return e.into();
        }
        let (max, n) = match limit {
            Limit::Text(Some(max)) => (max, self.chars().count()),
            _ => (0, self.chars().count()),
        };
        Error::InvalidValue {
            field: field.to_string(),
            message: format!("Ensure this value has at most {max} characters (it has {n})."),
        }
    }
}

impl WithinLimits for String {
    #[inline]
    fn within(&self, limit: Limit) -> bool {
        self.as_str().within(limit)
    }
    fn refusal(&self, field: &'static str, limit: Limit) -> Error {
        self.as_str().refusal(field, limit)
    }
}

impl WithinLimits for rust_decimal::Decimal {
    #[inline]
    fn within(&self, limit: Limit) -> bool {
        match limit {
            Limit::Decimal(digits, places) => {
                crate::sql_types::quantize(self, digits, places).is_ok()
            }
            _ => true,
        }
    }
    #[cold]
    fn refusal(&self, field: &'static str, limit: Limit) -> Error {
        let Limit::Decimal(digits, places) = limit else {
            return unreachable_limit(field);
        };
        match crate::sql_types::quantize(self, digits, places) {
            Err(mut e) => {
                e.field = field.to_string();
                e.into()
            }
            Ok(_) => unreachable_limit(field),
        }
    }
}

impl WithinLimits for chrono::DateTime<chrono::Utc> {
    #[inline]
    fn within(&self, _: Limit) -> bool {
        (1..=9999).contains(&chrono::Datelike::year(self))
    }
    #[cold]
    fn refusal(&self, field: &'static str, _: Limit) -> Error {
        match check_year(field, chrono::Datelike::year(self)) {
            Err(e) => e.into(),
            Ok(()) => unreachable_limit(field),
        }
    }
}

impl<T: WithinLimits> WithinLimits for Option<T> {
    #[inline]
    fn within(&self, limit: Limit) -> bool {
        match self {
            Some(v) => v.within(limit),
            None => true,
        }
    }
    fn refusal(&self, field: &'static str, limit: Limit) -> Error {
        match self {
            Some(v) => v.refusal(field, limit),
            None => unreachable_limit(field),
        }
    }
}

/// `refusal` of a value that is within its limit (a caller that did not ask `within` first):
/// reported as an error rather than a panic.
#[cold]
fn unreachable_limit(field: &str) -> Error {
    Error::InvalidValue {
        field: field.to_string(),
        message: "the value is within its limits".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_speak_django() {
        let e = "é"
            .repeat(4)
            .check("M.name", Limit::Text(Some(3)))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid value for M.name: Ensure this value has at most 3 characters (it has 4)."
        );
        // Three two-byte characters are three characters.
        "ééé".check("M.name", Limit::Text(Some(3))).unwrap();
        let e = "a\0b".check("M.name", Limit::Text(None)).unwrap_err();
        assert!(e.to_string().ends_with(NUL_MESSAGE));
        let d = rust_decimal::Decimal::new(123_456, 2);
        d.check("M.price", Limit::Decimal(6, 2)).unwrap();
        assert!(d.check("M.price", Limit::Decimal(5, 2)).is_err());
        Some(d).check("M.price", Limit::Decimal(6, 2)).unwrap();
        None::<String>
            .check("M.name", Limit::Text(Some(1)))
            .unwrap();
    }
}
