//! `ormbench stream`: memory, not time. A child process fills a SQLite file with 1,000,000 rows
//! (or `--rows N`); two more stream a tenth of them and then all of them through
//! `QuerySet::iterator()`, and their peak resident set sizes (Linux's `VmHWM`) are the result.
//! The targets: under 64 MB, and under 16 MB of growth from a tenth to all the rows:
//! `iterator()` must not keep rows. `--postgres URL` streams from PostgreSQL
//! instead.

use std::process::Command;

use dorm::prelude::*;

/// One streamed row: a few columns of the common kinds.
#[derive(Model, Debug, Clone, PartialEq)]
#[dorm(app_label = "bench")]
pub struct Comment {
    pub id: Auto<i64>,
    pub post_id: i64,
    #[dorm(max_length = 200)]
    pub text: String,
    pub score: i32,
}

const TARGET_MB: f64 = 64.0;
/// Peak memory may grow at most this much from a tenth of the rows to all of them.
const GROWTH_MB: f64 = 16.0;

fn run_child(args: &[&str], rows: usize) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .args(args)
        .args(["--rows", &rows.to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn stream(rows: usize, postgres: Option<String>) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("ormbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let url = match &postgres {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", dir.join("stream.sqlite3").display()),
    };
    run_child(&["__fill", &url], rows)?;
    // The first tenth, then everything: the growth between the two is what streaming costs.
    let tenth = (rows / 10).max(1);
    let small = run_child(&["__stream", &url, "--limit", &tenth.to_string()], rows);
    let full = run_child(&["__stream", &url], rows);
    if postgres.is_some() {
        if let Ok(mut conn) = dorm::connect(&url) {
            let _ = conn.batch_execute("DROP TABLE IF EXISTS bench_comment");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let parse = |report: String| -> Result<(usize, f64), String> {
        let mut parts = report.split_whitespace();
        let streamed: usize = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or("no row count")?;
        let peak_kb: f64 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or("no peak RSS")?;
        Ok((streamed, peak_kb / 1024.0))
    };
    let (small_rows, small_mb) = parse(small?)?;
    let (streamed, peak_mb) = parse(full?)?;
    let growth = peak_mb - small_mb;
    let verdict = if peak_mb < TARGET_MB && growth < GROWTH_MB {
        "ok"
    } else {
        "OVER TARGET"
    };
    let backend = if postgres.is_some() {
        "postgresql"
    } else {
        "sqlite"
    };
    let line = format!(
        "stream ({backend}): {streamed} rows through iterator(), peak RSS {peak_mb:.1} MB (target < {TARGET_MB} MB), {growth:+.1} MB over {small_rows} rows (target < {GROWTH_MB} MB): {verdict}"
    );
    if streamed != rows || small_rows != tenth || verdict != "ok" {
        return Err(line);
    }
    Ok(line)
}

pub fn fill(url: &str, rows: usize) -> Result<(), String> {
    let mut conn = dorm::connect(url).map_err(|e| e.to_string())?;
    let _ = conn.batch_execute("DROP TABLE IF EXISTS bench_comment");
    dorm::migrations::create_tables(&[Comment::META], &mut conn).map_err(|e| e.to_string())?;
    let chunk = 50_000;
    let mut done = 0;
    while done < rows {
        let n = chunk.min(rows - done);
        let batch: Vec<Comment> = (done..done + n)
            .map(|i| Comment {
                post_id: (i / 10) as i64,
                text: format!("comment number {i} with some text"),
                score: (i % 100) as i32,
                ..Default::default()
            })
            .collect();
        Comment::objects()
            .bulk_create(batch, &mut conn)
            .map_err(|e| e.to_string())?;
        done += n;
    }
    Ok(())
}

/// Streams every row, touching each, and reports `rows peak_kb`.
pub fn stream_child(url: &str, limit: Option<usize>) -> Result<String, String> {
    let mut conn = dorm::connect(url).map_err(|e| e.to_string())?;
    let mut count = 0usize;
    let mut checksum = 0i64;
    let mut touch = |row: Comment| {
        count += 1;
        checksum = checksum.wrapping_add(i64::from(row.score) + row.text.len() as i64);
    };
    match limit {
        Some(n) => {
            for row in Comment::objects()
                .all()
                .slice(..n)
                .iterator(&mut conn)
                .map_err(|e| e.to_string())?
            {
                touch(row.map_err(|e| e.to_string())?);
            }
        }
        None => {
            for row in Comment::objects()
                .all()
                .iterator(&mut conn)
                .map_err(|e| e.to_string())?
            {
                touch(row.map_err(|e| e.to_string())?);
            }
        }
    }
    std::hint::black_box(checksum);
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let peak_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(format!("{count} {peak_kb}"))
}
