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
pub fn check_nul(field: &str, text: &str) -> std::result::Result<(), ValueError> {
    if text.contains('\0') {
        return Err(ValueError {
            field: field.to_string(),
            message: NUL_MESSAGE.to_string(),
        });
    }
    Ok(())
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

/// A value the derive checks before a write.
pub trait WithinLimits {
    /// Checks `self` against `limit`; `field` names it in the error.
    fn check(&self, field: &'static str, limit: Limit) -> Result<()>;
}

impl WithinLimits for str {
    fn check(&self, field: &'static str, limit: Limit) -> Result<()> {
        check_nul(field, self)?;
        if let Limit::Text(Some(max)) = limit {
            // Django counts characters, not bytes; the common ASCII case needs no count.
            if self.len() > max as usize {
                let n = self.chars().count();
                if n > max as usize {
                    return Err(Error::InvalidValue {
                        field: field.to_string(),
                        message: format!(
                            "Ensure this value has at most {max} characters (it has {n})."
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

impl WithinLimits for String {
    fn check(&self, field: &'static str, limit: Limit) -> Result<()> {
        self.as_str().check(field, limit)
    }
}

impl WithinLimits for rust_decimal::Decimal {
    fn check(&self, field: &'static str, limit: Limit) -> Result<()> {
        if let Limit::Decimal(digits, places) = limit {
            crate::sql_types::quantize(self, digits, places).map_err(|mut e| {
                e.field = field.to_string();
                Error::from(e)
            })?;
        }
        Ok(())
    }
}

impl WithinLimits for chrono::DateTime<chrono::Utc> {
    fn check(&self, field: &'static str, _: Limit) -> Result<()> {
        use chrono::Datelike;
        Ok(check_year(field, self.year())?)
    }
}

impl<T: WithinLimits> WithinLimits for Option<T> {
    fn check(&self, field: &'static str, limit: Limit) -> Result<()> {
        match self {
            Some(v) => v.check(field, limit),
            None => Ok(()),
        }
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
