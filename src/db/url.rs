//! Database URLs: which backend a URL names ([`Target`]), the connect timeout every
//! PostgreSQL connection gets, and [`redact`], which removes secrets from a URL (and from any
//! message that may quote it) before it reaches an error, a log line or `Debug` output.
//!
//! The forms, as Django's `DATABASES` and libpq take them:
//!
//! | form | backend |
//! |---|---|
//! | `sqlite://path/to/db.sqlite3`, `sqlite:path`, `path.sqlite3` (`.db`, `.sqlite`) | SQLite, a file |
//! | `sqlite::memory:`, `:memory:` | SQLite, a private in-memory database |
//! | `postgres://user:password@host:port/db?param=value` (`postgresql://`) | PostgreSQL |
//! | `host=... dbname=... password=...` (libpq's key/value form) | PostgreSQL |
//!
//! `sqlite://` with no path is refused: SQLite would open a throwaway temporary database
//! without a word, and lose every write when it closes (`sqlite::memory:` says so explicitly).
//!
//! URLs are parsed with the `url` crate, not searched as strings, so percent-encoded
//! passwords, `?password=` parameters, user names with `:` and hosts lists are all handled.

use std::time::Duration;

/// How long connecting to a PostgreSQL server may take when neither the URL
/// (`connect_timeout=`) nor the pool's options say otherwise. libpq waits forever by default,
/// so a server that accepts TCP but never answers would hang the caller.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The smallest connect timeout libpq honours (it reads `1` as `2`).
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
const LIBPQ_MIN_TIMEOUT_SECS: u64 = 2;

/// What a URL asks to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
/// Public (hidden) only for the `database_url` fuzz target.
#[doc(hidden)]
pub enum Target {
    /// A SQLite database: a file path or `:memory:`.
    Sqlite(String),
    /// A PostgreSQL server, given in one of libpq's forms.
    Postgres,
}

/// Which backend `url` names, or why it names none.
/// Public (hidden) only for the `database_url` fuzz target.
#[doc(hidden)]
pub fn target(url: &str) -> Result<Target, &'static str> {
    if url == "sqlite::memory:" || url == ":memory:" {
        return Ok(Target::Sqlite(":memory:".to_string()));
    }
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        if rest.trim().is_empty() {
            return Err("a SQLite URL needs a path (sqlite://path/to/db.sqlite3); an empty path would open a temporary database that is lost when the connection closes: write sqlite::memory: for an in-memory database");
        }
        return Ok(Target::Sqlite(rest.to_string()));
    }
    if url.ends_with(".sqlite3") || url.ends_with(".db") || url.ends_with(".sqlite") {
        return Ok(Target::Sqlite(url.to_string()));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") || is_key_value(url) {
        return Ok(Target::Postgres);
    }
    Err("unsupported URL: use sqlite://path, sqlite::memory: or postgres://user@host/db")
}

/// libpq's `key=value key2='quoted value'` form.
fn is_key_value(url: &str) -> bool {
    !url.contains("://")
        && key_values(url).first().is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// The pairs of libpq's key/value form, with their byte ranges of the value in `text`
/// (quotes included), leniently: malformed text gives what could be read.
fn key_values(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut pairs = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = text[key_start..i].to_string();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            if key.is_empty() {
                break;
            }
            pairs.push((key, i..i));
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value_start = i;
        if i < bytes.len() && bytes[i] == b'\'' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(bytes.len());
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = i.min(bytes.len());
        }
        pairs.push((key, value_start..i));
    }
    pairs
}

/// Parameter names whose values are secrets.
fn is_secret_key(key: &str) -> bool {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "password" | "sslpassword" | "pass"
    )
}

/// The secrets of a URL as they may appear in text: as written and percent-decoded.
fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim_matches('\'');
        if !s.is_empty() {
            found.push(s.to_string());
            if let Ok(decoded) = percent_decode(s) {
                if !decoded.is_empty() && decoded != s {
                    found.push(decoded);
                }
            }
        }
    };
    if let Some((_, after_scheme)) = url.split_once("://") {
        // user:password@ up to the last `@` of the authority (passwords may hold `@` or `/`).
        let authority_end = after_scheme.rfind('@');
        if let Some(at) = authority_end {
            let userinfo = &after_scheme[..at];
            if let Some((_, password)) = userinfo.split_once(':') {
                push(password);
            }
        }
        if let Some((_, query)) = url.split_once('?') {
            for pair in query.split('&') {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                if is_secret_key(&percent_decode(key).unwrap_or_default()) {
                    push(value);
                }
            }
        }
    } else {
        for (key, range) in key_values(url) {
            if is_secret_key(&key) {
                push(&url[range]);
            }
        }
        // `user:password@host` without a scheme.
        if let Some(at) = url.rfind('@') {
            if let Some((_, password)) = url[..at].split_once(':') {
                push(password);
            }
        }
    }
    // Longest first, so that a secret containing another is replaced whole.
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found
}

fn percent_decode(s: &str) -> Result<String, std::string::FromUtf8Error> {
    String::from_utf8(percent_encoding::percent_decode_str(s).collect())
}

/// `url` without its secrets: the password of `user:password@`, and the values of
/// `password`-like parameters (`?password=`, `password=` in libpq's key/value form), each
/// replaced by `***`.
///
/// ```
/// use dorm::db::redact;
/// assert_eq!(redact("postgres://u:s%40cret@h/db"), "postgres://u:***@h/db");
/// assert_eq!(redact("postgres://u@h/db?password=secret&sslmode=require"),
///            "postgres://u@h/db?password=***&sslmode=require");
/// assert_eq!(redact("host=h password='a b' dbname=x"), "host=h password=*** dbname=x");
/// assert_eq!(redact("sqlite::memory:"), "sqlite::memory:");
/// ```
pub fn redact(url: &str) -> String {
    if let Ok(mut parsed) = url::Url::parse(url) {
        if parsed.scheme() != "sqlite" && parsed.has_host() {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            if parsed.query().is_some() {
                let pairs: Vec<(String, String)> = parsed
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if is_secret_key(&k) {
                            "***".to_string()
                        } else {
                            v.into_owned()
                        };
                        (k.into_owned(), v)
                    })
                    .collect();
                let mut query = String::new();
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        query.push('&');
                    }
                    query.push_str(&encode_query_part(k));
                    query.push('=');
                    if v == "***" {
                        query.push_str("***");
                    } else {
                        query.push_str(&encode_query_part(v));
                    }
                }
                parsed.set_query(Some(&query));
            }
            return parsed.to_string();
        }
    }
    // Forms the `url` crate does not take (host lists, key/value, malformed text): replace
    // every secret found, wherever it occurs.
    if !url.contains("://") && is_key_value(url) {
        let mut out = String::new();
        let mut last = 0;
        for (key, range) in key_values(url) {
            if is_secret_key(&key) && !range.is_empty() {
                out.push_str(&url[last..range.start]);
                out.push_str("***");
                last = range.end;
            }
        }
        out.push_str(&url[last..]);
        return out;
    }
    scrub(url, url)
}

fn encode_query_part(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `text` (an error message, say) with every secret of `url` replaced by `***`: drivers may
/// quote the connection string they were given.
/// Public (hidden) only for the `database_url` fuzz target.
#[doc(hidden)]
pub fn scrub(text: &str, url: &str) -> String {
    let mut out = text.to_string();
    for secret in secrets(url) {
        out = out.replace(&secret, "***");
    }
    out
}

/// `url` with libpq's `connect_timeout` set to `timeout` (whole seconds, rounded up, at least
/// libpq's minimum of 2) unless the URL sets one itself and `force` is false.
/// Public (hidden) only for the `database_url` fuzz target.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
#[doc(hidden)]
pub fn with_connect_timeout(url: &str, timeout: Duration, force: bool) -> String {
    let secs = timeout
        .as_secs()
        .saturating_add(u64::from(timeout.subsec_nanos() > 0))
        .max(LIBPQ_MIN_TIMEOUT_SECS);
    if url.contains("://") {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        let has = kept
            .iter()
            .any(|p| p.split('=').next() == Some("connect_timeout"));
        if has && !force {
            return url.to_string();
        }
        kept.retain(|p| p.split('=').next() != Some("connect_timeout"));
        let timeout = format!("connect_timeout={secs}");
        kept.push(&timeout);
        format!("{base}?{}", kept.join("&"))
    } else {
        let pairs = key_values(url);
        let existing = pairs.iter().find(|(k, _)| k == "connect_timeout");
        match existing {
            Some(_) if !force => url.to_string(),
            Some((_, range)) => {
                format!("{}{secs}{}", &url[..range.start], &url[range.end..])
            }
            None => {
                let appended = format!("{url} connect_timeout={secs}");
                // A value left open at the end (`password=`, as libpq skips the blanks after
                // `=`, or a trailing `\`) would take the appended setting as its text: the
                // setting goes first then.
                if key_values(&appended).last().map(|(k, _)| k.as_str()) == Some("connect_timeout")
                {
                    appended
                } else {
                    format!("connect_timeout={secs} {url}")
                }
            }
        }
    }
}

/// The `connect_timeout` a URL sets, if any.
/// Public (hidden) only for the `database_url` fuzz target.
#[doc(hidden)]
pub fn connect_timeout_of(url: &str) -> Option<Duration> {
    let value = if url.contains("://") {
        let (_, query) = url.split_once('?')?;
        query
            .split('&')
            .find_map(|p| p.strip_prefix("connect_timeout="))?
            .to_string()
    } else {
        let pairs = key_values(url);
        let (_, range) = pairs.iter().find(|(k, _)| k == "connect_timeout")?;
        url[range.clone()].trim_matches('\'').to_string()
    };
    let secs: i64 = value.trim().parse().ok()?;
    // libpq: zero or negative waits forever.
    (secs > 0).then(|| Duration::from_secs(secs as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            target("sqlite::memory:"),
            Ok(Target::Sqlite(":memory:".into()))
        );
        assert_eq!(
            target("sqlite://a/b.db"),
            Ok(Target::Sqlite("a/b.db".into()))
        );
        assert_eq!(target("x.sqlite3"), Ok(Target::Sqlite("x.sqlite3".into())));
        assert!(target("sqlite://").is_err());
        assert!(target("sqlite:").is_err());
        assert!(target("sqlite://  ").is_err());
        assert_eq!(target("postgres://u@h/db"), Ok(Target::Postgres));
        assert_eq!(target("host=h dbname=d"), Ok(Target::Postgres));
        assert!(target("mysql://h/db").is_err());
        assert!(target("").is_err());
    }

    /// Every form a password can take in a URL, and a message that quotes it.
    const SECRET_FORMS: &[(&str, &str)] = &[
        ("postgres://u:secret@h/db", "secret"),
        ("postgresql://u:secret@h:5432/db?sslmode=disable", "secret"),
        ("postgres://u:s%40cr%3Aet@h/db", "s@cr:et"),
        ("postgres://u:s%40cr%3Aet@h/db", "s%40cr%3Aet"),
        ("postgres://u:p@ss/w@h/db", "p@ss/w"),
        ("postgres://u@h/db?password=secret", "secret"),
        (
            "postgres://u@h/db?sslmode=require&password=s%20cret",
            "s cret",
        ),
        (
            "postgres://u@h/db?sslmode=require&password=s%20cret",
            "s%20cret",
        ),
        ("postgres://u@h/db?PASSWORD=secret", "secret"),
        ("postgres://u:secret@h1:5432,h2:5433/db", "secret"),
        ("postgres://u:secret@[::1]:5432/db", "secret"),
        ("host=h user=u password=secret dbname=d", "secret"),
        ("host=h password='se cret' dbname=d", "se cret"),
        ("host=h password = secret", "secret"),
        ("password=secret", "secret"),
        ("host=h sslpassword=secret", "secret"),
    ];

    #[test]
    fn redacts_every_form() {
        for (url, secret) in SECRET_FORMS {
            let redacted = redact(url);
            assert!(!redacted.contains(secret), "{url} -> {redacted}");
            let message = format!("could not connect with \"{url}\": password {secret} wrong");
            let scrubbed = scrub(&message, url);
            assert!(!scrubbed.contains(secret), "{message} -> {scrubbed}");
        }
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn connect_timeouts() {
        let t = Duration::from_millis(1500);
        assert_eq!(
            with_connect_timeout("postgres://h/db", t, false),
            "postgres://h/db?connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout(
                "postgres://h/db?sslmode=disable",
                Duration::from_secs(10),
                false
            ),
            "postgres://h/db?sslmode=disable&connect_timeout=10"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=3", t, false),
            "postgres://h/db?connect_timeout=3"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=30&a=b", t, true),
            "postgres://h/db?a=b&connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("host=h", t, false),
            "host=h connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout(
                "host=h connect_timeout=30 dbname=d",
                Duration::from_secs(5),
                true
            ),
            "host=h connect_timeout=5 dbname=d"
        );
        assert_eq!(
            connect_timeout_of("postgres://h/db?connect_timeout=3"),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            connect_timeout_of("host=h connect_timeout=4"),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            connect_timeout_of("postgres://h/db?connect_timeout=0"),
            None
        );
        assert_eq!(connect_timeout_of("postgres://h/db"), None);
    }

    #[test]
    fn connect_timeout_is_not_swallowed_by_an_open_value() {
        // Found by the `database_url` fuzz target: appended after `8=`, the setting became
        // the value of `8` (libpq skips the blanks after `=`), so no timeout applied.
        let t = Duration::from_secs(17);
        for url in [
            "8=",
            "host=h password=",
            "host=h password= ",
            "host=h a=b\\",
        ] {
            let with = with_connect_timeout(url, t, true);
            assert_eq!(connect_timeout_of(&with), Some(t), "{url:?} -> {with:?}");
            assert_eq!(with, format!("connect_timeout=17 {url}"));
        }
        assert_eq!(
            with_connect_timeout("host=h password=''", t, false),
            "host=h password='' connect_timeout=17"
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for url in [
            "",
            "://",
            "@",
            "postgres://@",
            "postgres://:@/",
            "password=",
            "password='",
            "a=\\",
            "é=ü password='x\\",
            "postgres://u:p@h/db?password",
            "?password=x",
        ] {
            let _ = redact(url);
            let _ = scrub(url, url);
            let _ = target(url);
            let _ = with_connect_timeout(url, Duration::from_secs(1), true);
            let _ = connect_timeout_of(url);
        }
    }
}
