//! Type-level names: how a field's or an annotation's name becomes a type.
//!
//! `dorm::name!(headline)` expands to `Name<'h', 'e', 'a', 'd', 'l', 'i', 'n', 'e'>`. A model implements
//! [`crate::model::Field`] once per field under that name, so a lookup such as
//! `filter!(qs, headline = "x")` can carry the name as a type, and the compiler resolves it
//! against the model only where the lookup is applied. An unknown name is then one
//! `on_unimplemented` error in Django's words ("Cannot resolve keyword ... into field"),
//! and the same mechanism will resolve annotations by name.
//!
//! The same names are also method calls rustc resolves (see [`resolve`]), for its errors.

pub mod resolve;

pub use resolve::{
    accessors, aggregate, checked, kinds, AddInput, AddInputFor, AddsNames, AggregateFor,
    AggregateNames, AggregateView, CheckFresh, CheckNames, Compares, DateInput, DateInputFor,
    DateTimeInput, DateTimeInputFor, DivInput, DivInputFor, FieldLookups, Fits, ForAggregate,
    Fresh, FreshName, GroupColumns, HasAccessors, Hop, JsonKeys, ManyRows, Matches, ModelNames,
    MulInput, MulInputFor, NameList, Names, NamesIn, NamesOfList, NoNames, NoOrder, OneRow,
    OrderedBoolean, OrderedFor, RelatedFor, Relates, RelationLookups, SubInput, SubInputFor,
    TextFor, TimeOfDayInput, TimeOfDayInputFor, Valid, WithIsNull,
};

/// A type-level name of up to 48 characters: `Name<'a', 'g', 'e'>` (the unused trailing
/// characters default to `'\0'`, and the compiler leaves them out when it prints the type, so
/// error messages read `Name<'a', 'g', 'e'>`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Name<
    const C0: char = '\0',
    const C1: char = '\0',
    const C2: char = '\0',
    const C3: char = '\0',
    const C4: char = '\0',
    const C5: char = '\0',
    const C6: char = '\0',
    const C7: char = '\0',
    const C8: char = '\0',
    const C9: char = '\0',
    const C10: char = '\0',
    const C11: char = '\0',
    const C12: char = '\0',
    const C13: char = '\0',
    const C14: char = '\0',
    const C15: char = '\0',
    const C16: char = '\0',
    const C17: char = '\0',
    const C18: char = '\0',
    const C19: char = '\0',
    const C20: char = '\0',
    const C21: char = '\0',
    const C22: char = '\0',
    const C23: char = '\0',
    const C24: char = '\0',
    const C25: char = '\0',
    const C26: char = '\0',
    const C27: char = '\0',
    const C28: char = '\0',
    const C29: char = '\0',
    const C30: char = '\0',
    const C31: char = '\0',
    const C32: char = '\0',
    const C33: char = '\0',
    const C34: char = '\0',
    const C35: char = '\0',
    const C36: char = '\0',
    const C37: char = '\0',
    const C38: char = '\0',
    const C39: char = '\0',
    const C40: char = '\0',
    const C41: char = '\0',
    const C42: char = '\0',
    const C43: char = '\0',
    const C44: char = '\0',
    const C45: char = '\0',
    const C46: char = '\0',
    const C47: char = '\0',
>;

/// The longest name [`Name`] can spell.
pub const MAX_NAME_LEN: usize = 48;

/// A [`Name`]'s characters, at compile time and as text.
pub trait NameChars {
    /// The characters, padded with `'\0'`.
    const CHARS: [char; MAX_NAME_LEN];
    /// The name as text.
    fn text() -> String {
        Self::CHARS.iter().take_while(|c| **c != '\0').collect()
    }
}

impl<
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
    > NameChars
    for Name<
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
{
    const CHARS: [char; MAX_NAME_LEN] = [
        C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, C16, C17, C18, C19,
        C20, C21, C22, C23, C24, C25, C26, C27, C28, C29, C30, C31, C32, C33, C34, C35, C36, C37,
        C38, C39, C40, C41, C42, C43, C44, C45, C46, C47,
    ];
}

/// An annotation's name with the tag of its names struct (see [`resolve`]) spells the name.
impl<N: NameChars, T> NameChars for (N, T) {
    const CHARS: [char; MAX_NAME_LEN] = N::CHARS;
}
