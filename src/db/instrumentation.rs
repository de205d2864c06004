//! Query logging and counting through diesel's `Instrumentation`.
//!
//! Every connection dorm opens logs each query at `DEBUG` through `tracing` (target
//! `dorm::sql`): the SQL, the number of bind parameters and the duration. The same hook lets a
//! test count queries: [`capture_queries`] records the SQL of every query the current thread
//! runs inside the closure (Django's `CaptureQueriesContext`), which is how dorm's own tests
//! prove that there is no N+1.
//!
//! The key read that follows an insert on SQLite (`SELECT last_insert_rowid()`, a value the
//! connection holds, what Python's `cursor.lastrowid` reads without a query) is neither logged
//! nor counted: `create()` is one query, as in Django.

use std::cell::RefCell;
use std::time::Instant;

use diesel::connection::{Instrumentation, InstrumentationEvent};

thread_local! {
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// The instrumentation dorm installs on its connections.
#[derive(Debug, Default)]
pub struct QueryLogger {
    started: Option<Instant>,
}

impl QueryLogger {
    /// A boxed logger, ready for `Connection::set_instrumentation`.
    pub fn new() -> Self {
        QueryLogger { started: None }
    }
}

impl Instrumentation for QueryLogger {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        // Nothing to do (and no SQL to format) unless someone listens: a tracing subscriber
        // for `dorm::sql` at debug level, or `capture_queries` on this thread.
        let logging = tracing::enabled!(target: "dorm::sql", tracing::Level::DEBUG);
        if !logging && !CAPTURED.with(|c| c.borrow().is_some()) {
            return;
        }
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                let elapsed = self.started.take().map(|s| s.elapsed()).unwrap_or_default();
                let sql = query.to_string();
                if sql.split(" -- binds:").next() == Some(super::keys::LAST_ROWID_SQL) {
                    return;
                }
                let params = if logging {
                    count_binds(&format!("{query:?}"))
                } else {
                    0
                };
                match error {
                    None => {
                        tracing::debug!(target: "dorm::sql", duration_us = elapsed.as_micros() as u64, params, "{sql}")
                    }
                    Some(e) => {
                        tracing::debug!(target: "dorm::sql", duration_us = elapsed.as_micros() as u64, params, error = %e, "{sql}")
                    }
                }
                CAPTURED.with(|c| {
                    if let Some(v) = c.borrow_mut().as_mut() {
                        v.push(sql);
                    }
                });
            }
            _ => {}
        }
    }
}

/// diesel's debug form of a query ends with `-- binds: [a, b, c]`; this counts the entries.
fn count_binds(debug: &str) -> usize {
    let Some(start) = debug.rfind("-- binds: [") else {
        return 0;
    };
    let list = &debug[start + 11..];
    let list = list.strip_suffix(']').unwrap_or(list);
    if list.trim().is_empty() {
        return 0;
    }
    let mut depth = 0i32;
    let mut count = 1;
    let mut in_str = false;
    let mut prev = ' ';
    for ch in list.chars() {
        match ch {
            '"' if prev != '\\' => in_str = !in_str,
            '[' | '(' | '{' if !in_str => depth += 1,
            ']' | ')' | '}' if !in_str => depth -= 1,
            ',' if !in_str && depth == 0 => count += 1,
            _ => {}
        }
        prev = ch;
    }
    count
}

/// Runs `f` and returns its result with the SQL of every query it ran on this thread, on
/// connections opened by dorm.
///
/// ```
/// # fn main() -> dorm::Result<()> {
/// let mut conn = dorm::connect("sqlite::memory:")?;
/// let ((), queries) = dorm::db::instrumentation::capture_queries(|| {
///     conn.batch_execute("SELECT 1").unwrap();
/// });
/// assert_eq!(queries.len(), 1);
/// # Ok(()) }
/// ```
pub fn capture_queries<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let previous = CAPTURED.with(|c| c.borrow_mut().replace(Vec::new()));
    let result = f();
    let captured = CAPTURED
        .with(|c| std::mem::replace(&mut *c.borrow_mut(), previous))
        .unwrap_or_default();
    (result, captured)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_binds() {
        assert_eq!(super::count_binds("SELECT 1 -- binds: []"), 0);
        assert_eq!(
            super::count_binds("SELECT ? -- binds: [1, \"a,b\", [1, 2]]"),
            3
        );
    }
}
