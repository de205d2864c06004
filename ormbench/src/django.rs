//! Django's ORM as a timed worker on the benchmark's SQLite file: a virtual environment under
//! `target/ormbench/django-venv` with Django 5.2 from PyPI, and `django_worker.py`.

use std::path::Path;
use std::process::Command;

use crate::worker::Worker;

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Installs Django (once) and starts a worker on the SQLite file `db`.
pub fn start(dir: &Path, db: &Path) -> Result<Worker, String> {
    let venv = dir.join("django-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "Django>=5.2,<5.3"]))?;
    }
    let script = dir.join("django_worker.py");
    std::fs::write(&script, include_str!("django_worker.py")).map_err(|e| e.to_string())?;
    Worker::start("django", Command::new(&python).arg(&script).arg(db))
}
