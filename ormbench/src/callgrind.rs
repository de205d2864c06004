//! `ormbench --callgrind`: instructions instead of time, for the gates wall-clock time cannot
//! resolve on a shared machine. Each workload runs in a child process under valgrind's
//! callgrind twice, with `n` and `2n` iterations of one implementation; the difference is the
//! cost of `n` iterations without the setup. dorm and diesel run on the same in-memory SQLite
//! data, so their instruction counts compare directly.

use std::fmt::Write as _;
use std::process::Command;

/// The workloads counted, with the iterations each child runs.
const WORKLOADS: &[(&str, u64)] = &[
    ("trivial query, 1 users", 200),
    ("trivial query, 100 users", 50),
    ("trivial query, 10000 users", 2),
    ("medium complex query, 10000 users", 2),
    ("insert, 1 rows", 200),
    ("insert, 100 rows", 20),
    ("get by primary key", 200),
    ("filter! with three predicates, first()", 50),
    ("count()", 200),
    ("exists()", 200),
    ("select_related, 1,000 posts with their user", 4),
    (
        "prefetch_related, 9 users -> 10 posts each -> 10 comments each",
        10,
    ),
    ("bulk_create, 10,000 rows", 2),
];

fn instructions(workload: &str, imp: &str, iters: u64) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out_file = std::env::temp_dir().join(format!(
        "ormbench-callgrind-{}-{imp}-{iters}.out",
        std::process::id()
    ));
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(&exe)
        .args(["__single", "--only", workload, "--impl", imp, "--iters"])
        .arg(iters.to_string())
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    if !status.status.success() {
        return Err(String::from_utf8_lossy(&status.stderr).into_owned());
    }
    let text = std::fs::read_to_string(&out_file).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&out_file);
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "no instruction total in callgrind's output".to_string())
}

/// Instructions per iteration of `imp` on `workload`.
fn per_iteration(workload: &str, imp: &str, iters: u64) -> Result<f64, String> {
    let once = instructions(workload, imp, iters)?;
    let twice = instructions(workload, imp, 2 * iters)?;
    Ok(twice.saturating_sub(once) as f64 / iters as f64)
}

/// Counts every workload; returns the markdown table and the worst ratio.
pub fn run(only: Option<&str>) -> Result<(String, Option<(f64, String)>), String> {
    let mut table = String::from(
        "| workload (SQLite, memory) | dorm instructions / iteration | diesel | dorm / diesel |\n|---|---:|---:|---:|\n",
    );
    let mut worst: Option<(f64, String)> = None;
    for (workload, iters) in WORKLOADS {
        if only.is_some_and(|o| !workload.contains(o)) {
            continue;
        }
        let dorm = per_iteration(workload, "dorm", *iters)?;
        let diesel = per_iteration(workload, "diesel", *iters)?;
        let ratio = dorm / diesel;
        let line = format!("| {workload} | {dorm:.0} | {diesel:.0} | {ratio:.3} |");
        println!("{line}");
        let _ = writeln!(table, "{line}");
        if worst.as_ref().is_none_or(|(w, _)| ratio > *w) {
            worst = Some((ratio, workload.to_string()));
        }
    }
    Ok((table, worst))
}
