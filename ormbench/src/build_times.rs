//! `ormbench --build-times`: how long the scrap book takes to build, in debug mode, with the
//! dependencies already built: clean (dorm, its macros and the scrap book rebuilt) and
//! incremental (after touching the models file).

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
    let models = root.join("schema/src/models.rs");
    let text = std::fs::read_to_string(&models).map_err(|e| e.to_string())?;
    std::fs::write(&models, &text).map_err(|e| e.to_string())?;
    let incremental = cargo(&root, &["build", "-q", "-p", "scrapbook"])?;
    Ok(format!(
        "| build of the scrap book (debug, dependencies built) | seconds |\n|---|---:|\n| clean (dorm, dorm-macros, scrapbook) | {clean:.1} |\n| incremental (models.rs touched) | {incremental:.1} |\n"
    ))
}
