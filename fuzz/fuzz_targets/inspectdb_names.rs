//! Names and text read from a database by `inspectdb`, written into generated Rust source:
//! model and field names are identifiers, string literals read back as the text, and comment
//! text stays inside its comment.
#![no_main]

use std::collections::BTreeSet;

use dorm::migrations::inspectdb::{field_name, table_to_model};
use dorm::migrations::writer::{comment_text, string_literal};
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

/// A Rust identifier, not a keyword (`syn` refuses keywords, raw identifiers aside).
fn assert_ident(name: &str, from: &str) {
    assert!(
        name.is_ascii() && !name.starts_with("r#") && syn::parse_str::<syn::Ident>(name).is_ok(),
        "{name:?} (from {from:?}) is not a Rust identifier"
    );
}

/// The tokens of `source`, comments dropped.
fn tokens(source: &str) -> Vec<String> {
    source
        .parse::<proc_macro2::TokenStream>()
        .unwrap_or_else(|e| panic!("{source:?} does not lex: {e}"))
        .into_iter()
        .map(|t| t.to_string())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let table: &str = u.arbitrary().unwrap_or("");
    let app_label: &str = u.arbitrary().unwrap_or("");
    let column: &str = u.arbitrary().unwrap_or("");
    let is_relation: bool = u.arbitrary().unwrap_or(false);
    let text: &str = u.arbitrary().unwrap_or("");

    // Model names: an ASCII CamelCase identifier, so the derive's snake-case module (which
    // shares the type namespace) never has the struct's own name.
    let model = table_to_model(table, app_label);
    assert_ident(&model, table);
    assert!(
        model.starts_with(|c: char| c.is_ascii_uppercase()),
        "{model:?} (from {table:?}) is not CamelCase"
    );

    // Field names: `[a-z0-9_]` identifiers, never `pk`, never one already used.
    let mut used = BTreeSet::new();
    for column in [column, table, text, app_label] {
        let (name, _notes) = field_name(column, is_relation, &used);
        assert_ident(&name, column);
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{name:?} (from {column:?})"
        );
        assert!(name != "pk", "pk (from {column:?})");
        assert!(used.insert(name.clone()), "{name:?} used twice");
    }

    // String literals: one line, exactly the text read back.
    for s in [text, table, column] {
        let literal = string_literal(s);
        assert!(!literal.contains(['\n', '\r']), "{literal:?}");
        let parsed = syn::parse_str::<syn::LitStr>(&literal)
            .unwrap_or_else(|e| panic!("{literal:?} is not a string literal: {e}"));
        assert_eq!(parsed.value(), s, "{literal:?}");
    }

    // Comment text: no line break, control character or comment delimiter, and it stays a
    // comment of every kind.
    let comment = comment_text(text);
    assert!(
        !comment.chars().any(char::is_control)
            && !comment.contains("*/")
            && !comment.contains("/*"),
        "{comment:?}"
    );
    assert_eq!(tokens(&format!("// {comment}\nx")), ["x"], "{comment:?}");
    assert_eq!(tokens(&format!("/* {comment} */ x")), ["x"], "{comment:?}");
    assert_eq!(
        tokens(&format!("/// {comment}\nx"))
            .last()
            .map(String::as_str),
        Some("x"),
        "{comment:?}"
    );
});
