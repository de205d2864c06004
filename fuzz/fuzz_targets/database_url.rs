//! Database URLs, which come from configuration and reach error messages and logs only through
//! `redact`/`scrub`: no panic on any text, no password left in a redacted URL, and the connect
//! timeout dorm adds is the one the URL then sets.
#![no_main]

use std::time::Duration;

use dorm::db::url::{connect_timeout_of, redact, scrub, target, with_connect_timeout, Target};
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a URL part may hold as it is (userinfo, host and path characters without meaning in
/// any of the forms); everything else is percent-encoded.
const PART: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',');

fn part(u: &mut Unstructured) -> String {
    let text: &str = u.arbitrary().unwrap_or("");
    utf8_percent_encode(text, PART).to_string()
}

/// Every function on `url` as any text: no panic; the timeout dorm forces is the one read back.
fn any_text(url: &str, secs: u8, force: bool) {
    let _ = redact(url);
    let _ = scrub(url, url);
    let _ = scrub("connection to server failed", url);
    let is_postgres = target(url) == Ok(Target::Postgres);
    let _ = connect_timeout_of(url);
    let timeout = Duration::from_millis(u64::from(secs) * 250);
    let with = with_connect_timeout(url, timeout, force);
    // libpq refuses a key with no `=` (`... connect_timeout`), so what dorm sets there does
    // not matter.
    let key_without_value = !url.contains("://")
        && url.match_indices("connect_timeout").any(|(i, key)| {
            !url[i + key.len()..]
                .trim_start_matches(|c: char| c.is_ascii_whitespace())
                .starts_with('=')
        });
    if force && is_postgres && !key_without_value {
        let expected = Duration::from_secs(timeout.as_secs_f64().ceil().max(2.0) as u64);
        assert_eq!(
            connect_timeout_of(&with),
            Some(expected),
            "{url:?} -> {with:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let form: u8 = u.arbitrary().unwrap_or(0);
    let secs: u8 = u.arbitrary().unwrap_or(0);
    let secret_text: &str = u.arbitrary().unwrap_or("");
    let secret: String = secret_text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let user = part(&mut u);
    let host = part(&mut u);
    let db = part(&mut u);
    let extra = part(&mut u);
    let rest: &str = u.arbitrary().unwrap_or("");
    any_text(rest, secs, form & 0x80 != 0);

    if secret.len() < 4 {
        return;
    }
    let key = ["password", "sslpassword", "pass", "PASSWORD"][usize::from(form >> 4) % 4];
    let scheme = if form & 0x40 != 0 {
        "postgresql"
    } else {
        "postgres"
    };
    let url = match form % 8 {
        0 => format!("{scheme}://{user}:{secret}@{host}/{db}"),
        1 => format!("{scheme}://{user}:{secret}@{host}/{db}?{extra}=x&sslmode=require"),
        2 => format!("{scheme}://{user}@{host}/{db}?{key}={secret}"),
        3 => format!(
            "{scheme}://{user}@{host}/{db}?{extra}=1&{key}={secret}&application_name={extra}"
        ),
        4 => format!("{scheme}://{user}:{secret}@{host},{extra}:5433/{db}"),
        // Values quoted: libpq (and dorm) read `host= password=x` as a host `password=x`.
        5 => format!("host='{host}' {key}={secret} dbname='{db}'"),
        6 => format!("host='{host}' dbname='{db}' {key} = '{secret}'"),
        _ => format!("{user}:{secret}@{host}"),
    };
    any_text(&url, secs, form & 0x80 != 0);
    // The invariant holds when only the password slot holds the secret: the other parts (as
    // written, `%00808` spells `0080`, and decoded, in any case: hosts are lowercased) must not
    // spell it.
    let lower = secret.to_lowercase();
    let decoded = percent_decode_str(&url).decode_utf8_lossy().to_lowercase();
    if url.to_lowercase().matches(&lower).count() != 1 || decoded.matches(&lower).count() != 1 {
        return;
    }
    let redacted = redact(&url);
    assert!(
        !redacted.contains(&secret),
        "secret {secret:?} left in {redacted:?} (from {url:?})"
    );
    let message = format!("could not connect with {url}: refused");
    let scrubbed = scrub(&message, &url);
    assert!(
        !scrubbed.contains(&secret),
        "secret {secret:?} left in {scrubbed:?}"
    );
});
