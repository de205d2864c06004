//! [`Choices`]: a field limited to a fixed set of values, each with a human label.

/// A Rust enum whose variants are a field's choices (Django's `choices=[("de", "Germany")]`).
///
/// Derive it with `#[derive(Choices)]` and name each variant's stored value and label:
///
/// ```
/// use dorm::Choices;
///
/// #[derive(Choices, Debug, Clone, Copy, PartialEq, Eq)]
/// pub enum Country {
///     #[choice("de", "Germany")]
///     Germany,
///     #[choice("nl", "The Netherlands")]
///     Netherlands,
/// }
///
/// assert_eq!(Country::Germany.value(), "de");
/// assert_eq!(Country::Netherlands.label(), "The Netherlands");
/// assert_eq!(Country::from_value("nl"), Some(Country::Netherlands));
/// assert_eq!(Country::CHOICES, &[("de", "Germany"), ("nl", "The Netherlands")]);
/// ```
///
/// The derive also makes the enum storable in a text column and usable as a lookup value.
pub trait Choices: Sized + Copy + 'static {
    /// Every `(stored value, label)` pair, in declaration order.
    const CHOICES: &'static [(&'static str, &'static str)];
    /// The value stored in the database.
    fn value(self) -> &'static str;
    /// The human-readable label (Django's `get_FOO_display()`).
    fn label(self) -> &'static str;
    /// The variant stored as `value`, if any.
    fn from_value(value: &str) -> Option<Self>;
}

/// `const` string equality, for checking a field's `default` against its choices at compile time.
#[doc(hidden)]
pub const fn __const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
