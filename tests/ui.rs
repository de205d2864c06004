//! Compile-time guarantees: every rule has a case in `ui-tests/fail/` named after it, with
//! the compiler's message (in Django's words) in its `.stderr`; `ui-tests/pass/` holds the
//! forms that must keep compiling.
//!
//! `DORM_UI=<glob>` runs only the cases whose file name matches (`DORM_UI='relation_*'`), for
//! working on one rule.

#[test]
fn ui() {
    let only = std::env::var("DORM_UI").unwrap_or_else(|_| "*".to_string());
    let cases = trybuild::TestCases::new();
    cases.compile_fail(format!("ui-tests/fail/{only}.rs"));
    cases.pass(format!("ui-tests/pass/{only}.rs"));
}
