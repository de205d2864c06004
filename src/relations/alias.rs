//! Table aliases in generated SQL: `T1`, `T2`, ... for the tables `select_related!` and
//! `values!` join, `U1`, ... for the tables of relation subqueries, `J1`, ... for the join
//! tables of many-to-many paths. The first sixteen of each kind are static strings, so that
//! walking a cached query again (diesel does, to collect its binds) allocates nothing.

use std::borrow::Cow;

macro_rules! numbered {
    ($p:literal) => {
        [
            concat!($p, "0"),
            concat!($p, "1"),
            concat!($p, "2"),
            concat!($p, "3"),
            concat!($p, "4"),
            concat!($p, "5"),
            concat!($p, "6"),
            concat!($p, "7"),
            concat!($p, "8"),
            concat!($p, "9"),
            concat!($p, "10"),
            concat!($p, "11"),
            concat!($p, "12"),
            concat!($p, "13"),
            concat!($p, "14"),
            concat!($p, "15"),
            concat!($p, "16"),
        ]
    };
}

const JOINED: [&str; 17] = numbered!("T");
const SUBQUERY: [&str; 17] = numbered!("U");
const JOIN_TABLE: [&str; 17] = numbered!("J");

/// The alias of kind `kind` (`'T'`, `'U'` or `'J'`) numbered `n`.
pub(crate) fn alias(kind: char, n: usize) -> Cow<'static, str> {
    let names = match kind {
        'T' => Some(&JOINED),
        'U' => Some(&SUBQUERY),
        'J' => Some(&JOIN_TABLE),
        _ => None,
    };
    match names.and_then(|names| names.get(n)) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(format!("{kind}{n}")),
    }
}

#[cfg(test)]
mod tests {
    use super::alias;

    #[test]
    fn aliases_are_numbered_past_the_static_ones() {
        assert_eq!(alias('T', 1), "T1");
        assert_eq!(alias('U', 16), "U16");
        assert_eq!(alias('J', 3), "J3");
        assert_eq!(alias('T', 17), "T17");
        assert_eq!(alias('U', 120), "U120");
    }
}
