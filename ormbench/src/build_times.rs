//! `ormbench --build-times`: what dorm's users pay in compile time, on the scrap book, in
//! debug mode, with the dependencies already built: a clean build (dorm, its macros and the
//! scrap book rebuilt), incremental rebuilds after touching the models, after touching one
//! recipe and after adding an empty data migration, and the ui tests.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn cargo(root: &Path, args: &[&str]) -> Result<f64, String> {
    let start = Instant::now();
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(start.elapsed().as_secs_f64())
}

/// Measures both builds; returns a markdown table.
pub fn run() -> Result<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    cargo(&root, &["build", "-q", "-p", "scrapbook"])?;
    cargo(
        &root,
        &[
            "clean",
            "-q",
            "-p",
            "scrapbook",
            "-p",
            "dorm",
            "-p",
            "dorm-macros",
        ],
    )?;
    let clean = cargo(&root, &["build", "-q", "-p", "scrapbook"])?;
    let touch = |path: &Path| -> Result<(), String> {
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        std::fs::write(path, text).map_err(|e| e.to_string())
    };
    touch(&root.join("schema/src/models.rs"))?;
    let models = cargo(&root, &["build", "-q", "-p", "scrapbook"])?;
    touch(&root.join("schema/src/recipes/querying.rs"))?;
    let recipe = cargo(&root, &["build", "-q", "-p", "scrapbook"])?;
    let migration = with_empty_migration(&root)?;
    // The ui tests compile every case against the built library (trybuild's own project).
    let ui = cargo(&root, &["test", "-q", "-p", "dorm", "--test", "ui"])?;
    let date = date_today();
    Ok(format!(
        "| build of the scrap book (debug, dependencies built), {date} | seconds |\n|---|---:|\n\
         | clean (dorm, dorm-macros, scrapbook) | {clean:.1} |\n\
         | incremental, models.rs touched | {models:.1} |\n\
         | incremental, one recipe file touched | {recipe:.1} |\n\
         | incremental, after `makemigrations --empty` (a data migration freezing the models) | {migration:.1} |\n\
         | ui tests (`cargo test -p dorm --test ui`, library built) | {ui:.1} |\n"
    ))
}

/// Adds an empty data migration with the scrap book's own `makemigrations --empty`, times the
/// rebuild, and removes it again (the file and `mod.rs` as they were).
fn with_empty_migration(root: &Path) -> Result<f64, String> {
    let dir = root.join("migrations");
    let mod_rs = dir.join("mod.rs");
    let before = std::fs::read_to_string(&mod_rs).map_err(|e| e.to_string())?;
    let listing = |dir: &Path| -> Result<Vec<std::path::PathBuf>, String> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        Ok(files)
    };
    let files_before = listing(&dir)?;
    let made = cargo(
        root,
        &[
            "run",
            "-q",
            "-p",
            "scrapbook",
            "--",
            "makemigrations",
            "--empty",
            "--name",
            "ormbench_probe",
        ],
    )
    .and_then(|_| cargo(root, &["build", "-q", "-p", "scrapbook"]));
    // Put everything back whatever happened.
    for file in listing(&dir)? {
        if !files_before.contains(&file) {
            let _ = std::fs::remove_file(&file);
        }
    }
    std::fs::write(&mod_rs, before).map_err(|e| e.to_string())?;
    let timed = made?;
    cargo(root, &["build", "-q", "-p", "scrapbook"])?;
    Ok(timed)
}

/// Today's date (UTC), for the table's heading.
fn date_today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    civil(days)
}

/// The date `days` after 1970-01-01 (Howard Hinnant's civil-from-days).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::civil(0), "1970-01-01");
        assert_eq!(super::civil(11_016), "2000-02-29");
        assert_eq!(super::civil(20_793), "2026-12-06");
    }
}
