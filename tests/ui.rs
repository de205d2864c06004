//! Compile-time guarantees: every rule has a case in `ui-tests/fail/` named after it, with
//! the compiler's message (in Django's words) in its `.stderr`; `ui-tests/pass/` holds the
//! forms that must keep compiling.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui-tests/fail/*.rs");
    cases.pass("ui-tests/pass/*.rs");
}
