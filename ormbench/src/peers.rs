//! The peers a Rust user would pick instead of dorm, as timed workers: sqlx and SeaORM. They
//! live in `ormbench/peers/{async,sync}`, two crates with their own lockfiles (nothing of them
//! enters dorm's dependency tree), built here with `cargo build --release --locked` into
//! `target/ormbench/peers` the first time a run needs them.
//!
//! - `sqlx`: one connection, statements cached (sqlx's default), every call under a
//!   current-thread tokio runtime's `block_on`, as a blocking service calls an async library.
//! - `SeaORM`: on SQLite its blocking form, `sea-orm-sync` (on rusqlite); on PostgreSQL, which
//!   the blocking form does not support, `sea-orm` under `block_on`, a pool of one connection.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::worker::Worker;

/// The two peer crates, under `ormbench/peers`.
const CRATES: &[&str] = &["async", "sync"];

fn target() -> PathBuf {
    crate::report::dir().join("peers")
}

/// Builds the peer crates (cargo does nothing when they are up to date).
pub fn build() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers");
    for krate in CRATES {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--release",
                "--locked",
                "--quiet",
                "--manifest-path",
            ])
            .arg(root.join(krate).join("Cargo.toml"))
            .arg("--target-dir")
            .arg(target())
            .status()
            .map_err(|e| format!("cargo: {e}"))?;
        if !status.success() {
            return Err(format!("building ormbench/peers/{krate} failed"));
        }
    }
    Ok(())
}

fn bin(name: &str) -> PathBuf {
    target().join("release").join(name)
}

/// The versions the peers' lockfiles pin: `sqlx 0.9.1, sea-orm 2.0.4, ...`.
pub fn versions() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers");
    let mut found = Vec::new();
    for krate in CRATES {
        let lock = std::fs::read_to_string(root.join(krate).join("Cargo.lock")).unwrap_or_default();
        for name in ["sqlx", "sea-orm", "sea-orm-sync", "tokio"] {
            let pat = format!("name = \"{name}\"\nversion = \"");
            if let Some(at) = lock.find(&pat) {
                let rest = &lock[at + pat.len()..];
                let v = rest.split('"').next().unwrap_or("?");
                let entry = format!("{name} {v}");
                if !found.contains(&entry) {
                    found.push(entry);
                }
            }
        }
    }
    found.join(", ")
}

/// The peers on the SQLite file `db`.
pub fn sqlite(db: &Path) -> Result<Vec<Worker>, String> {
    let url = format!("sqlite://{}", db.display());
    // The settings of every other connection to the file.
    let setup = "PRAGMA synchronous = NORMAL";
    Ok(vec![
        Worker::start(
            "sqlx",
            Command::new(bin("ormbench-peer-async")).args(["sqlx", &url, setup]),
        )?,
        Worker::start("SeaORM", Command::new(bin("ormbench-peer-sync")).arg(db))?,
    ])
}

/// The peers on PostgreSQL at `url`, in `schema`.
pub fn postgres(url: &str, schema: &str) -> Result<Vec<Worker>, String> {
    let setup = format!("SET search_path TO {schema}");
    Ok(vec![
        Worker::start(
            "sqlx",
            Command::new(bin("ormbench-peer-async")).args(["sqlx", url, &setup]),
        )?,
        Worker::start(
            "SeaORM",
            Command::new(bin("ormbench-peer-async")).args(["seaorm", url, &setup]),
        )?,
    ])
}
