//! Lookups: what `filter!(qs, rating__gte = 3)` becomes.
//!
//! A lookup is a value of type [`Lookup<N, L, V>`]: the field's type-level name `N`, the lookup
//! kind `L` ([`Exact`], [`Gt`], ...) and the right-hand side `V`. It turns into a diesel
//! expression only when applied to a model, through [`Predicate`]: the impls of `Predicate`
//! are the lookup registry (Django registers lookups on field classes), and each one states
//! which field types it fits. [`And`], [`Or`] and [`Not`] combine predicates; [`Q`] (built with
//! `q!`) combines them with `&`, `|` and `!`.
//!
//! ```
//! use chrono::NaiveDate;
//! use dorm::prelude::*;
//! use serde_json::json;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[dorm(app_label = "docs")]
//! pub struct Entry {
//!     pub id: Auto<i64>,
//!     #[dorm(max_length = 100)]
//!     pub headline: String,
//!     pub pub_date: NaiveDate,
//!     pub rating: i32,
//!     pub n_comments: i32,
//!     pub subtitle: Option<String>,
//!     pub data: serde_json::Value,
//! }
//!
//! # fn main() -> dorm::Result<()> {
//! let mut conn = dorm::connect("sqlite::memory:")?;
//! dorm::migrations::create_tables(&[Entry::META], &mut conn)?;
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! Entry::objects().bulk_create(vec![
//!     Entry { headline: "What's new with Lennon".into(), pub_date: day(2005, 3, 20), rating: 5,
//!             n_comments: 2, data: json!({"tags": ["beatles"]}), ..Default::default() },
//!     Entry { headline: "Ringo's 50% discount".into(), pub_date: day(2007, 5, 5), rating: 2,
//!             n_comments: 9, subtitle: Some("".into()), data: json!({}), ..Default::default() },
//! ], &mut conn)?;
//!
//! // Text lookups escape their value: "50%" matches a literal percent sign.
//! assert_eq!(filter!(Entry::objects(), headline__contains = "50%").count(&mut conn)?, 1);
//! assert_eq!(filter!(Entry::objects(), headline__istartswith = "what").count(&mut conn)?, 1);
//! // Transforms chain with lookups.
//! assert_eq!(filter!(Entry::objects(), pub_date__year__gte = 2006).count(&mut conn)?, 1);
//! // JSON.
//! assert_eq!(filter!(Entry::objects(), data__contains = json!({"tags": ["beatles"]})).count(&mut conn)?, 1);
//! // Q objects: OR, AND, NOT, mixed with keyword arguments.
//! let null_or_empty = q!(subtitle__isnull = true) | q!(subtitle = "");
//! assert_eq!(filter!(Entry::objects(), null_or_empty, rating__range = (1, 5)).count(&mut conn)?, 2);
//! assert_eq!(filter!(Entry::objects(), !q!(rating__gt = 3)).count(&mut conn)?, 1);
//! // F compares columns and computes in the database.
//! assert_eq!(filter!(Entry::objects(), n_comments__gt = F(rating) * 2).count(&mut conn)?, 1);
//! // Without a QuerySet, filter! is a condition for `.filter(...)`.
//! assert_eq!(Entry::objects().filter(filter!(rating = 5)).count(&mut conn)?, 1);
//! # Ok(()) }
//! ```

mod combine;
mod comparison;
pub mod dynamic;
pub mod f_path;
mod json;
mod null;
mod packed;
mod q;
mod relation;
mod text;
mod transforms;

pub use combine::{
    And, AndOp, BoolLiteral, BoolOp, BoolOperator, CombineBool, IsNotTrue, Not, Or, OrOp, XorOp,
};
pub use comparison::{Exact, Gt, Gte, In, InList, Lt, Lte, Orderable, PackedIn, Range, SubqueryOf};
pub use dynamic::DynQ;
pub use f_path::{FLookup, NotFlippable};
#[cfg(feature = "sqlite")]
pub(crate) use json::register_sqlite_json;
pub use json::{
    json_contains, ContainedBy, HasAnyKeys, HasKey, HasKeys, JsonContains, JsonField, JsonGet,
    JsonHasKeys, KeyPath,
};
pub use null::{IsNull, IsNullExpr, NullableField};
#[doc(hidden)]
pub use packed::__in_values;
pub(crate) use packed::write_json_string;
pub use packed::{
    InValues, PackError, PackedList, PackedValues, PgArrayElement, SqliteJson, PACK_ABOVE,
};
pub use q::Q;
pub use relation::{ComparesWith, RelatedValue};
#[cfg(feature = "sqlite")]
pub(crate) use text::register_sqlite_regexp;
pub use text::{
    Contains, ContainsFor, EndsWith, IContains, IEndsWith, IExact, IRegex, IStartsWith, Like,
    LikeKind, Regex, RegexExpr, RegexKind, StartsWith, TextField, TextValue,
};
pub use transforms::{
    DateOf, DateParts, Day, Extract, Hour, Lower, Minute, Month, Nullability, Quarter, Second,
    TextParts, TimeParts, Transform, Transformed, Upper, Week, WeekDay, Year,
};

use std::marker::PhantomData;

use crate::model::Model;

/// A condition on rows of model `M`, ready to become a diesel `WHERE` expression.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition on `{M}`",
    note = "conditions are written with `filter!(qs, field__lookup = value)` or built from lookups with `&`, `|` and `!`"
)]
pub trait Predicate<M: Model> {
    /// The diesel expression (SQL type `Bool` or `Nullable<Bool>`).
    type Expr;
    /// Builds the expression.
    fn build(self) -> Self::Expr;
}

/// The left-hand side of a lookup on model `M`: a field (its type-level [`Name`]), or a
/// transform of one (`pub_date__year`).
///
/// [`Name`]: crate::names::Name
pub trait Operand<M: Model> {
    /// The SQL type of the operand.
    type SqlType: diesel::sql_types::SqlType + diesel::sql_types::SingleValue;
    /// The diesel expression.
    type Expr: diesel::Expression<SqlType = Self::SqlType> + Clone;
    /// What the operand is, for the values it compares with (see [`ComparesWith`]):
    /// [`ForeignKeyTo<T>`](crate::relations::ForeignKeyTo) for a foreign key, which compares
    /// only with keys of `T`; [`Plain`](crate::relations::Plain) for anything else.
    type Kind;
    /// Builds the expression (operands are zero-sized: fields and transforms of fields).
    fn operand() -> Self::Expr;
}

// Implemented for `Name<...>` itself, not as a blanket impl over `NameChars`: a blanket impl
// makes rustc report transform and key-path errors at `Operand` instead of at the gatekeeper
// traits whose messages speak Django.
impl<
        M,
        const C0: char,
        const C1: char,
        const C2: char,
        const C3: char,
        const C4: char,
        const C5: char,
        const C6: char,
        const C7: char,
        const C8: char,
        const C9: char,
        const C10: char,
        const C11: char,
        const C12: char,
        const C13: char,
        const C14: char,
        const C15: char,
        const C16: char,
        const C17: char,
        const C18: char,
        const C19: char,
        const C20: char,
        const C21: char,
        const C22: char,
        const C23: char,
        const C24: char,
        const C25: char,
        const C26: char,
        const C27: char,
        const C28: char,
        const C29: char,
        const C30: char,
        const C31: char,
        const C32: char,
        const C33: char,
        const C34: char,
        const C35: char,
        const C36: char,
        const C37: char,
        const C38: char,
        const C39: char,
        const C40: char,
        const C41: char,
        const C42: char,
        const C43: char,
        const C44: char,
        const C45: char,
        const C46: char,
        const C47: char,
    > Operand<M>
    for crate::names::Name<
        C0,
        C1,
        C2,
        C3,
        C4,
        C5,
        C6,
        C7,
        C8,
        C9,
        C10,
        C11,
        C12,
        C13,
        C14,
        C15,
        C16,
        C17,
        C18,
        C19,
        C20,
        C21,
        C22,
        C23,
        C24,
        C25,
        C26,
        C27,
        C28,
        C29,
        C30,
        C31,
        C32,
        C33,
        C34,
        C35,
        C36,
        C37,
        C38,
        C39,
        C40,
        C41,
        C42,
        C43,
        C44,
        C45,
        C46,
        C47,
    >
where
    M: crate::model::Field<Self>,
    <M::Column as diesel::Expression>::SqlType:
        diesel::sql_types::SqlType + diesel::sql_types::SingleValue,
{
    type SqlType = <M::Column as diesel::Expression>::SqlType;
    type Expr = M::Column;
    type Kind = <M as crate::model::Field<Self>>::Kind;
    fn operand() -> M::Column {
        M::Column::default()
    }
}

/// One lookup: field `N`, kind `L`, value `V`. Written by `filter!`/`exclude!`.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<N, L, V> {
    value: V,
    _name: PhantomData<fn() -> (N, L)>,
}

impl<N, L, V> Lookup<N, L, V> {
    /// A lookup of kind `L` on field `N` with value `value`.
    pub fn new(value: V) -> Self {
        Lookup {
            value,
            _name: PhantomData,
        }
    }

    /// The right-hand side.
    pub fn into_value(self) -> V {
        self.value
    }
}
