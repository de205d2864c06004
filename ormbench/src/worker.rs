//! A timed worker process: another runtime (Django's Python, sqlx's and SeaORM's own builds)
//! measured in ormbench's interleaved rounds. It reads `<workload> <iterations> [argument]`
//! lines, runs the workload that many times and answers with the nanoseconds it measured itself
//! (process communication is not timed), or `error: <message>`; `versions` names what it runs.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

/// A running worker.
pub struct Worker {
    /// Its name in the report: `django`, `sqlx`, `SeaORM`.
    pub name: &'static str,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// What it said to `versions`.
    pub versions: String,
}

impl Worker {
    /// Starts `cmd` as the worker named `name`.
    pub fn start(name: &'static str, cmd: &mut Command) -> Result<Worker, String> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{name}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut worker = Worker {
            name,
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
            return Err(format!("the {} worker stopped at `{line}`", self.name));
        }
        Ok(answer.trim().to_string())
    }

    /// Runs `workload` (with its argument) `n` times: the time the worker measured, or why it
    /// could not.
    pub fn try_time(&mut self, workload: &str, arg: &str, n: u64) -> Result<Duration, String> {
        let answer = self.ask(&format!("{workload} {n} {arg}"))?;
        match answer.parse::<u64>() {
            Ok(ns) => Ok(Duration::from_nanos(ns)),
            Err(_) => Err(answer
                .strip_prefix("error: ")
                .unwrap_or(&answer)
                .to_string()),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The workers compared on one backend.
pub type Workers = [RefCell<Worker>];

/// Adds each worker's implementation of `workload` to `impls`: a worker that cannot run it
/// (one trial iteration fails) is left out, with the reason on stderr.
pub fn add_workers<'a>(
    impls: &mut Vec<crate::harness::Impl<'a>>,
    workers: &'a Workers,
    workload: &'static str,
    arg: String,
) {
    for cell in workers {
        let name = cell.borrow().name;
        if let Err(e) = cell.borrow_mut().try_time(workload, &arg, 1) {
            eprintln!("ormbench: {name} cannot run `{workload} {arg}`: {e}");
            continue;
        }
        let arg = arg.clone();
        impls.push(crate::harness::Impl::timed(name, move |k| {
            cell.borrow_mut()
                .try_time(workload, &arg, k)
                .unwrap_or_else(|e| panic!("{name}: `{workload} {arg}`: {e}"))
        }));
    }
}
