//! Django's ORM as a long-lived worker process on the benchmark's SQLite file: a virtual
//! environment under `target/ormbench/django-venv` with Django 5.2 from PyPI, and
//! `django_worker.py`, which times each batch itself so process communication is excluded.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// A running worker.
pub struct Django {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Django's, Python's and Python's SQLite's versions.
    pub versions: String,
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

impl Django {
    /// Installs Django (once) and starts a worker on the SQLite file `db`.
    pub fn start(dir: &Path, db: &Path) -> Result<Django, String> {
        let venv = dir.join("django-venv");
        let python = venv.join("bin/python");
        if !python.exists() {
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
            run(Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "Django>=5.2,<5.3",
            ]))?;
        }
        let script = dir.join("django_worker.py");
        std::fs::write(&script, include_str!("django_worker.py")).map_err(|e| e.to_string())?;
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut worker = Django {
            child,
            stdin,
            stdout,
            versions: String::new(),
        };
        worker.versions = worker.ask("versions")?;
        Ok(worker)
    }

    fn ask(&mut self, line: &str) -> Result<String, String> {
        writeln!(self.stdin, "{line}").map_err(|e| e.to_string())?;
        let mut answer = String::new();
        self.stdout
            .read_line(&mut answer)
            .map_err(|e| e.to_string())?;
        if answer.is_empty() {
            return Err(format!("the Django worker stopped at `{line}`"));
        }
        Ok(answer.trim().to_string())
    }

    /// Runs `workload` (with its argument) `n` times; the time Django measured.
    pub fn time(&mut self, workload: &str, arg: &str, n: u64) -> Duration {
        let answer = self
            .ask(&format!("{workload} {n} {arg}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let ns: u64 = answer
            .parse()
            .unwrap_or_else(|_| panic!("the Django worker said {answer:?}"));
        Duration::from_nanos(ns)
    }
}

impl Drop for Django {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
