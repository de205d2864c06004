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

/// Per-round ratios dorm / `other`, when the workload has dorm.
pub fn dorm_over(series: &[Series], other: &Series) -> Option<Vec<f64>> {
    let dorm = series.iter().find(|s| s.name == "dorm")?;
    (dorm.name != other.name && dorm.ns.len() == other.ns.len())
        .then(|| dorm.ns.iter().zip(&other.ns).map(|(d, o)| d / o).collect())
}

fn interval(ratios: &[f64]) -> String {
    let (lo, hi) = bootstrap_ci(ratios);
    format!("{:.3} ({lo:.3} – {hi:.3})", median(ratios))
}

fn table(series: &[Series]) -> String {
    let mut s = String::from(
        "| implementation | median / iteration | min | ratio to its baseline (median, 95% CI) | dorm / it (median, 95% CI) |\n|---|---:|---:|---|---|\n",
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
            let against = if x.baseline == crate::harness::BASELINE {
                String::new()
            } else {
                format!(" vs {}", x.baseline)
            };
            format!("{}{against}", interval(&x.ratios))
        };
        let dorm = dorm_over(series, x).map_or_else(|| "–".to_string(), |r| interval(&r));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {ratio} | {dorm} |",
            x.name,
            time(median(&x.ns)),
            time(min)
        );
    }
    s
}

/// Issue 15's goal for dorm against sqlx and SeaORM, where it applies: at least 5x faster
/// (ratio's upper bound <= 0.2) on SQLite reads of 1,000+ rows and on inserts, faster (upper
/// bound < 1) on PostgreSQL.
fn goal(o: &Outcome) -> Option<(f64, &'static str)> {
    let insert = o.workload.starts_with("insert") || o.workload.starts_with("bulk_create");
    if o.backend == "postgresql" {
        Some((1.0, "faster"))
    } else if o.backend.starts_with("sqlite") && (insert || o.rows >= 1_000) {
        Some((0.2, "5x faster"))
    } else {
        None
    }
}

/// The peers' summary: dorm / each peer per workload and backend, with intervals, and
/// whether the goal against sqlx and SeaORM is met.
pub fn peers_summary(outcomes: &[Outcome]) -> String {
    let mut s = String::from(
        "| workload | backend | dorm / sqlx | dorm / SeaORM | dorm / rusqlite or the postgres driver | dorm / Django | goal vs sqlx and SeaORM |\n|---|---|---|---|---|---|---|\n",
    );
    let mut any = false;
    for o in outcomes {
        let ratios = |names: &[&str]| {
            o.series
                .iter()
                .find(|x| names.contains(&x.name))
                .and_then(|x| dorm_over(&o.series, x))
        };
        let cell = |names: &[&str]| ratios(names).map_or_else(|| "–".to_string(), |r| interval(&r));
        let row = [
            cell(&["sqlx"]),
            cell(&["SeaORM"]),
            cell(&["rusqlite", "postgres (raw driver)"]),
            cell(&["django"]),
        ];
        if row[..2].iter().all(|c| c == "–") {
            continue;
        }
        any = true;
        let verdict = match goal(o) {
            None => "–".to_string(),
            Some((limit, what)) => {
                let met = ["sqlx", "SeaORM"].iter().all(|p| {
                    ratios(&[p]).is_none_or(|r| bootstrap_ci(&r).1 < limit + f64::EPSILON)
                });
                format!("{what}: {}", if met { "met" } else { "not met" })
            }
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {verdict} |",
            o.workload,
            o.backend,
            row.join(" | ")
        );
    }
    if any {
        s
    } else {
        String::new()
    }
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
    let peers = peers_summary(outcomes);
    if !peers.is_empty() {
        let _ = write!(
            md,
            "\n## dorm against the peers\n\nPer-round ratios of dorm's time to each peer's in the same rounds (below 1: dorm is faster; 0.2 or less: at least 5x faster), median and 95% interval.\n\n{peers}"
        );
    }
    let _ = writeln!(md, "\n{}", verdict(outcomes));
    let path = dir.join("report.md");
    std::fs::write(&path, md)?;
    std::fs::write(dir.join("samples.csv"), csv)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &'static str, ns: &[f64]) -> Series {
        Series {
            name,
            baseline: crate::harness::BASELINE,
            ns: ns.to_vec(),
            ratios: Vec::new(),
        }
    }

    #[test]
    fn dorm_is_compared_with_each_peer_round_by_round() {
        let all = vec![
            series("dorm", &[1.0, 2.0, 3.0]),
            series("sqlx", &[4.0, 8.0, 12.0]),
            series("SeaORM", &[2.0, 4.0]),
        ];
        assert_eq!(dorm_over(&all, &all[1]), Some(vec![0.25, 0.25, 0.25]));
        // Not against itself, and not across different numbers of rounds.
        assert_eq!(dorm_over(&all, &all[0]), None);
        assert_eq!(dorm_over(&all, &all[2]), None);
    }

    #[test]
    fn the_goal_applies_to_sqlite_reads_of_1000_rows_inserts_and_postgresql() {
        let outcome = |backend: &str, workload: &str, rows: usize| Outcome {
            backend: backend.into(),
            workload: workload.into(),
            rows,
            series: vec![
                series("dorm", &[1.0, 1.0]),
                series("sqlx", &[6.0, 6.0]),
                series("SeaORM", &[3.0, 3.0]),
            ],
            gated: true,
            note: "",
        };
        assert_eq!(
            goal(&outcome("sqlite (file)", "get by primary key", 1)),
            None
        );
        assert!(goal(&outcome("sqlite (file)", "insert, 1 rows", 1)).is_some());
        assert!(goal(&outcome("sqlite (file)", "trivial query, 1000 users", 1000)).is_some());
        let table = peers_summary(&[
            outcome("sqlite (file)", "trivial query, 1000 users", 1000),
            outcome("postgresql", "count()", 1),
        ]);
        assert!(table.contains("5x faster: not met"), "{table}");
        assert!(table.contains("faster: met"), "{table}");
    }
}
