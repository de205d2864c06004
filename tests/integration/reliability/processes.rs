//! Faults that only separate processes show: migrators started at once by several processes
//! (a deployment that runs `migrate` in every replica), and a writer killed with SIGKILL
//! between and during its commits.
//!
//! The children are this test binary itself, started with `--exact <child test>` and
//! `DORM_RELIABILITY_CHILD` naming the role; without that variable the child tests return at
//! once.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dorm::migrations::{self, Migration, Operation};
use dorm::prelude::*;

use super::support::{child, child_role, int, texts, CHILD_URL};
use crate::common::models::Counter;
use crate::common::{databases, sqlite};

/// The model as the migrations below freeze it.
mod frozen {
    use dorm::prelude::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[dorm(app_label = "procs")]
    pub struct Seed {
        pub id: Auto<i64>,
        #[dorm(max_length = 30)]
        pub note: String,
    }
}

const HISTORY: &[Migration] = &[
    Migration::new(
        "procs",
        "0001_initial",
        &[],
        &[Operation::CreateModel(<frozen::Seed as dorm::Model>::META)],
    ),
    Migration::new(
        "procs",
        "0002_seed",
        &[("procs", "0001_initial")],
        &[Operation::RunSql {
            sql: "INSERT INTO procs_seed (note) VALUES ('seeded')",
            reverse_sql: Some("DELETE FROM procs_seed WHERE note = 'seeded'"),
        }],
    ),
    Migration::new(
        "procs",
        "0003_more",
        &[("procs", "0002_seed")],
        &[Operation::RunSql {
            sql: "INSERT INTO procs_seed (note) VALUES ('more')",
            reverse_sql: Some("DELETE FROM procs_seed WHERE note = 'more'"),
        }],
    ),
];

/// When the children should start migrating, so that they do it together.
const START_AT: &str = "DORM_RELIABILITY_START_AT";

fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

fn child_url() -> String {
    std::env::var(CHILD_URL).expect("the parent passes the database URL")
}

/// Writes a line to the real standard output (past the test harness's capture) at once.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").unwrap();
    out.flush().unwrap();
}

/// Child role `migrate`: waits for the common start, migrates, and reports what it applied.
#[test]
fn migrator_child() {
    if child_role().as_deref() != Some("migrate") {
        return;
    }
    let start: u128 = std::env::var(START_AT).unwrap().parse().unwrap();
    let now = now_millis();
    if start > now {
        std::thread::sleep(Duration::from_millis((start - now) as u64));
    }
    let mut conn = dorm::connect(&child_url()).unwrap();
    let applied = migrations::migrate(HISTORY, &mut conn).unwrap();
    say(&format!("applied:{}", applied.join(",")));
}

/// Waits for a child's exit and output, failing the test instead of hanging if it does not
/// finish within `limit`.
fn finish(child: Child, limit: Duration) -> std::process::Output {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("a child did not finish within {limit:?}"))
        .unwrap()
}

/// Eight processes migrate a fresh database at once: the migration lock (an advisory lock on
/// PostgreSQL, an exclusive transaction per migration on SQLite) lets each migration run
/// once, every process succeeds, and the ledger and the seeded rows show it.
#[test]
fn eight_migrator_processes_apply_each_migration_exactly_once() {
    const PROCESSES: usize = 8;
    for db in databases("migrator_processes") {
        let start = now_millis() + 1_000;
        let children: Vec<Child> = (0..PROCESSES)
            .map(|_| {
                child("reliability::processes::migrator_child", "migrate", &db.url)
                    .env(START_AT, start.to_string())
                    .spawn()
                    .expect("start a migrator")
            })
            .collect();
        let mut applied_by_children: Vec<String> = Vec::new();
        for child in children {
            let output = finish(child, Duration::from_secs(60));
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "{:?}: a migrator failed ({}):\n{stdout}\n{}",
                db.vendor,
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            let line = stdout
                .lines()
                .find_map(|l| l.split_once("applied:").map(|(_, applied)| applied))
                .unwrap_or_else(|| panic!("no report from a migrator:\n{stdout}"));
            applied_by_children.extend(line.split(',').filter(|v| !v.is_empty()).map(String::from));
        }
        applied_by_children.sort();
        let expected = ["procs.0001_initial", "procs.0002_seed", "procs.0003_more"];
        assert_eq!(applied_by_children, expected, "{:?}", db.vendor);
        let mut conn = db.connect();
        assert_eq!(
            migrations::applied_migrations(&mut conn).unwrap(),
            expected,
            "{:?}",
            db.vendor
        );
        assert_eq!(
            texts(&mut conn, "SELECT note AS v FROM procs_seed ORDER BY note").unwrap(),
            ["more", "seeded"],
            "{:?}: each RunSql ran once",
            db.vendor
        );
    }
}

/// Child role `commit`: commits one `Counter` row per `atomic` block, numbered from
/// `DORM_RELIABILITY_FROM` up, and prints `ack <n>` once each commit has returned. Runs until
/// it is killed (or, should the parent be gone, for at most a minute).
#[test]
fn committer_child() {
    if child_role().as_deref() != Some("commit") {
        return;
    }
    let from: i64 = std::env::var("DORM_RELIABILITY_FROM")
        .unwrap()
        .parse()
        .unwrap();
    let mut conn = dorm::connect(&child_url()).unwrap();
    let started = std::time::Instant::now();
    for n in from.. {
        let committed: dorm::Result<Counter> = dorm::atomic(&mut conn, |conn| {
            Counter::objects().create(
                Counter {
                    name: "seq".into(),
                    counter: n,
                    ..Default::default()
                },
                conn,
            )
        });
        committed.unwrap();
        say(&format!("ack {n}"));
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
}

/// A writer killed with SIGKILL, 24 times over on the same SQLite file, at a varying point of
/// its stream of commits: after each kill the file passes `PRAGMA integrity_check` and holds
/// every row whose commit had returned.
///
/// Durability: dorm opens SQLite in WAL mode with `PRAGMA synchronous = NORMAL`
/// (`configure_sqlite` in src/db/connection.rs). A commit is in the WAL file, in the
/// operating system's cache, when it returns, so a killed *process* loses nothing it was told
/// was committed, which is what this test checks. WAL is synced to disk only at checkpoints,
/// so a power loss or an operating system crash may lose the last transactions committed
/// before it (never the file's integrity); `PRAGMA synchronous = FULL` would sync every commit
/// at the cost of write speed. A kill cannot simulate power loss, so that case is not tested.
#[cfg(unix)]
#[test]
fn a_sqlite_writer_killed_24_times_loses_no_acknowledged_commit() {
    const KILLS: i64 = 24;
    let db = sqlite("sigkill_loop");
    drop(db.migrated());
    let mut acknowledged: BTreeSet<i64> = BTreeSet::new();
    for round in 0..KILLS {
        let mut committer = child("reliability::processes::committer_child", "commit", &db.url)
            .env("DORM_RELIABILITY_FROM", (round * 1_000_000).to_string())
            .spawn()
            .expect("start a committer");
        // Acknowledgements as the child prints them.
        let stdout = committer.stdout.take().unwrap();
        let (tx, acks) = mpsc::channel::<i64>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The first one shares its line with the harness's "test ... ".
                if let Some((_, n)) = line.split_once("ack ") {
                    let _ = tx.send(n.parse().unwrap());
                }
            }
        });
        // Kill after 1 to 16 acknowledgements, a different number each round.
        let wanted = 1 + (round * 7) % 16;
        for _ in 0..wanted {
            match acks.recv_timeout(Duration::from_secs(30)) {
                Ok(n) => {
                    acknowledged.insert(n);
                }
                Err(e) => {
                    let _ = committer.kill();
                    let mut stderr = String::new();
                    let _ = committer.stderr.take().unwrap().read_to_string(&mut stderr);
                    panic!("round {round}: no acknowledgement from the committer ({e}):\n{stderr}");
                }
            }
        }
        committer.kill().expect("SIGKILL the committer");
        let status = committer.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9),
            "round {round}: {status}"
        );
        reader.join().unwrap();
        // Lines printed before the kill are acknowledgements too.
        acknowledged.extend(acks.try_iter());

        let mut conn = db.connect();
        assert_eq!(
            texts(
                &mut conn,
                "SELECT integrity_check AS v FROM pragma_integrity_check()"
            )
            .unwrap_or_else(|e| panic!("round {round}: {e}")),
            ["ok"],
            "round {round}"
        );
        let stored: BTreeSet<i64> = values_list!(Counter::objects().all(), counter)
            .fetch(&mut conn)
            .unwrap()
            .into_iter()
            .collect();
        let lost: Vec<&i64> = acknowledged.difference(&stored).collect();
        assert!(
            lost.is_empty(),
            "round {round}: acknowledged, then lost: {lost:?}"
        );
        assert_eq!(
            int(&mut conn, "SELECT COUNT(*) AS v FROM tests_counter").unwrap(),
            stored.len() as i64,
            "round {round}: no sequence number twice"
        );
    }
    assert!(acknowledged.len() >= KILLS as usize);
}
