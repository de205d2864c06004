//! `Manager::raw`'s check of untrusted SQL text: the single-statement rule and the `%s`
//! placeholders, on both backends (the first byte picks the backend).
#![no_main]

use dorm::db::Vendor;
use dorm::queryset::check_raw_sql;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let vendor = if first & 1 == 0 {
        Vendor::Sqlite
    } else {
        Vendor::Postgres
    };
    let sql = String::from_utf8_lossy(rest);
    let Ok(placeholders) = check_raw_sql(&sql, vendor) else {
        return;
    };
    // Every placeholder is a `%s` of the text (`%%` and quoted `%s` are not placeholders).
    assert!(
        placeholders <= sql.matches("%s").count(),
        "{placeholders} placeholders in {sql:?}"
    );
    // A second statement after accepted text is always refused. The newline ends a `--`
    // comment the text may end in (the only construct accepted unterminated), so the `;` is
    // read as SQL.
    let two = format!("{sql}\n; SELECT 1");
    assert!(
        check_raw_sql(&two, vendor).is_err(),
        "two statements accepted on {vendor:?}: {two:?}"
    );
});
