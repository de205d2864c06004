//! The worker protocol both peer binaries speak, the same as ormbench's Django worker: one
//! line `<workload> <iterations> [argument]` on stdin, one line back with the nanoseconds the
//! iterations took (timed here, so process communication is excluded), or `error: <message>`.
//! `versions` answers with the library's name and version.

use std::io::{BufRead, Write};
use std::time::Instant;

/// One workload, parsed from its name and argument: the same names as the Django worker's.
#[derive(Debug, Clone, Copy)]
pub enum Work {
    /// All users.
    Trivial,
    /// Black-haired users LEFT JOIN their posts.
    Medium,
    /// Insert this many users in one statement (one row: reading its key back).
    Insert(usize),
    /// The user with this primary key.
    Get(i32),
    /// Count the users.
    Count,
    /// Whether a black-haired user exists.
    Exists,
    /// Three predicates, ordered by id, the first row.
    First,
    /// Every post with its user, one join.
    SelectRelated,
    /// Users, their posts, their comments: three queries, stitched.
    Prefetch,
    /// Comments counted per post.
    Group,
    /// Insert this many users in statements under the bind limit.
    Bulk(usize),
}

impl Work {
    /// Parses `workload [argument]`.
    pub fn parse(workload: &str, arg: Option<&str>) -> Result<Work, String> {
        let number = |what: &str| -> Result<usize, String> {
            arg.and_then(|a| a.parse().ok())
                .ok_or_else(|| format!("{workload} needs {what}"))
        };
        Ok(match workload {
            "trivial" => Work::Trivial,
            "medium" => Work::Medium,
            "insert" => Work::Insert(number("a row count")?),
            "get" => Work::Get(number("a primary key")? as i32),
            "count" => Work::Count,
            "exists" => Work::Exists,
            "first" => Work::First,
            "select_related" => Work::SelectRelated,
            "prefetch" => Work::Prefetch,
            "group" => Work::Group,
            "bulk" => Work::Bulk(number("a row count")?),
            other => return Err(format!("unknown workload {other}")),
        })
    }
}

/// The users a workload inserts: the same rows as ormbench's other implementations.
pub fn new_users(n: usize) -> impl Iterator<Item = (String, Option<String>)> {
    (0..n).map(|i| (format!("User {i}"), Some("hair_color".to_string())))
}

/// Serves the protocol on stdin/stdout: `run(work)` runs a workload once.
pub fn serve(versions: &str, mut run: impl FnMut(Work) -> Result<(), String>) {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let parts: Vec<&str> = line.split_whitespace().collect();
        let answer = match parts.as_slice() {
            [] => continue,
            ["versions"] => versions.to_string(),
            [workload, n, rest @ ..] => {
                match (
                    Work::parse(workload, rest.first().copied()),
                    n.parse::<u64>(),
                ) {
                    (Ok(work), Ok(n)) => {
                        let start = Instant::now();
                        let mut result = Ok(());
                        for _ in 0..n {
                            result = run(work);
                            if result.is_err() {
                                break;
                            }
                        }
                        let took = start.elapsed();
                        match result {
                            Ok(()) => took.as_nanos().to_string(),
                            Err(e) => format!("error: {}", e.replace('\n', " ")),
                        }
                    }
                    (Err(e), _) => format!("error: {e}"),
                    (_, Err(e)) => format!("error: iterations: {e}"),
                }
            }
            _ => format!("error: cannot read {line:?}"),
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}
