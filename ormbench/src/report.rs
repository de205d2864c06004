//! The report: a table per workload as it finishes, `target/ormbench/report.md` and the raw
//! samples as `target/ormbench/samples.csv`, and the one-line verdict.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::harness::{bootstrap_ci, median, Series};
use crate::workloads::Outcome;

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn table(series: &[Series]) -> String {
    let mut s = String::from(
        "| implementation | median / iteration | min | ratio to its baseline (median, 95% CI) |\n|---|---:|---:|---|\n",
    );
    let baselines: Vec<&str> = series.iter().map(|x| x.baseline).collect();
    for x in series {
        let min = x.ns.iter().copied().fold(f64::INFINITY, f64::min);
        let ratio = if x.ratios.is_empty() {
            if baselines.contains(&x.name) {
                "1 (baseline)".to_string()
            } else {
                "–".to_string()
            }
        } else {
            let (lo, hi) = bootstrap_ci(&x.ratios);
            let against = if x.baseline == crate::harness::BASELINE {
                String::new()
            } else {
                format!(" vs {}", x.baseline)
            };
            format!("{:.3} ({lo:.3} – {hi:.3}){against}", median(&x.ratios))
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {ratio} |",
            x.name,
            time(median(&x.ns)),
            time(min)
        );
    }
    s
}

/// Prints one workload's table.
pub fn print_outcome(backend: &str, workload: &str, series: &[Series]) {
    println!("\n### {workload} ({backend})\n\n{}", table(series));
}

/// Where the report goes: `target/ormbench/` of the workspace.
pub fn dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("ormbench")
}

/// The dorm forms that are gates: `dorm` against static diesel, `dorm (DynQ)` against boxed
/// diesel. Other forms (`dorm (prefetch_related)`, the same rows in two queries instead of one
/// join) are reported, not gates.
pub const GATED_FORMS: &[&str] = &["dorm", "dorm (DynQ)"];

/// The worst upper bound of the 95% interval of a gated dorm form's ratio to its baseline:
/// `(upper bound, median, "workload, backend: form vs baseline")`.
pub fn worst(outcomes: &[Outcome]) -> Option<(f64, f64, String)> {
    outcomes
        .iter()
        .filter(|o| o.gated)
        .flat_map(|o| {
            o.series
                .iter()
                .filter(|s| GATED_FORMS.contains(&s.name) && !s.ratios.is_empty())
                .map(move |s| {
                    let (_, hi) = bootstrap_ci(&s.ratios);
                    (
                        hi,
                        median(&s.ratios),
                        format!(
                            "{}, {}: {} vs {}",
                            o.workload, o.backend, s.name, s.baseline
                        ),
                    )
                })
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// The run's last line: the worst upper bound, named.
pub fn verdict(outcomes: &[Outcome]) -> String {
    match worst(outcomes) {
        Some((hi, median, what)) => format!(
            "worst dorm/diesel ratio (upper bound of the 95% interval): {hi:.3} (median {median:.3}; {what})"
        ),
        None => "worst dorm/diesel ratio: n/a".to_string(),
    }
}

/// Writes `report.md` and `samples.csv`; returns the report's path.
pub fn write(header: &str, outcomes: &[Outcome]) -> std::io::Result<PathBuf> {
    let dir = dir();
    std::fs::create_dir_all(&dir)?;
    let mut md = format!("# ormbench report\n\n{header}\n");
    let mut csv = String::from(
        "backend,workload,rows,implementation,baseline,round,ns_per_iteration,ratio_to_baseline\n",
    );
    for o in outcomes {
        let _ = write!(
            md,
            "\n## {} ({}), {} rows{}\n\n{}",
            o.workload,
            o.backend,
            o.rows,
            if o.gated {
                ""
            } else {
                " (not a gate: each side has its own server sessions)"
            },
            table(&o.series)
        );
        let _ = writeln!(md, "\n{}", o.note);
        for s in &o.series {
            for (round, ns) in s.ns.iter().enumerate() {
                let ratio = s
                    .ratios
                    .get(round)
                    .map(|r| format!("{r:.5}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    csv,
                    "{},\"{}\",{},\"{}\",\"{}\",{round},{ns:.1},{ratio}",
                    o.backend, o.workload, o.rows, s.name, s.baseline
                );
            }
        }
    }
    let _ = writeln!(md, "\n{}", verdict(outcomes));
    let path = dir.join("report.md");
    std::fs::write(&path, md)?;
    std::fs::write(dir.join("samples.csv"), csv)?;
    Ok(path)
}
