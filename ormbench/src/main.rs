//! dorm's benchmarks, run on demand (never in the test suite):
//!
//! * `cargo run --release -p ormbench -- --quick` (about 100 seconds) or without `--quick`
//!   (the full set, about 10 minutes): every workload with dorm, hand-written static diesel
//!   (the baseline), boxed diesel, diesel's `sql_query`, rusqlite and the `postgres` driver,
//!   interleaved round by round, on SQLite in memory, a SQLite file and PostgreSQL
//!   (`--postgres URL`, default `postgres://postgres@127.0.0.1:5432/test`; `--no-postgres` to
//!   skip); with Django 5.2 on the SQLite file (installed from PyPI into
//!   `target/ormbench/django-venv` on first use; `--no-django` to skip) and sqlx and SeaORM on
//!   the file and PostgreSQL (the `peers` module; `--no-peers` to skip), all three as timed
//!   worker processes (the `worker` module). `--only TEXT` keeps the workloads whose name
//!   contains it. Writes `target/ormbench/report.md` and `samples.csv`; the last line is the
//!   worst upper bound of the 95% interval of a gated dorm form's ratio to its diesel
//!   baseline. The order of each round is shuffled from a seed the report prints (`--seed N`
//!   repeats a run).
//! * `cargo run --release -p ormbench -- --callgrind`: instructions per iteration of dorm and
//!   diesel under valgrind's callgrind (see the `callgrind` module).
//! * `cargo run --release -p ormbench -- --build-times`: the scrap book's clean and incremental
//!   debug build times.
//! * `cargo run --release -p ormbench -- stream`: peak memory of `iterator()` over 1,000,000
//!   rows (see the `stream` module).

use std::process::ExitCode;
use std::time::Duration;

use diesel::prelude::*;
use dorm::prelude::*;

mod build_times;
mod callgrind;
mod django;
mod harness;
mod peers;
mod report;
mod schema;
mod stream;
mod worker;
mod workloads;

const USAGE: &str = "usage: ormbench [--quick] [--only TEXT] [--seed N] [--postgres URL | --no-postgres] [--no-django] [--no-peers] | ormbench --callgrind [--only TEXT] | ormbench --build-times | ormbench stream [--rows N] [--postgres URL]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let has = |name: &str| args.iter().any(|a| a == name);
    let rows: usize = flag("--rows")
        .and_then(|r| r.parse().ok())
        .unwrap_or(1_000_000);
    let result = match args.first().map(String::as_str) {
        Some("stream") => stream::stream(rows, flag("--postgres")),
        Some("__fill") => stream::fill(&args[1], rows).map(|()| String::new()),
        Some("__stream") => {
            stream::stream_child(&args[1], flag("--limit").and_then(|n| n.parse().ok()))
        }
        Some("__single") => single(
            flag("--only").unwrap_or_default(),
            flag("--impl").unwrap_or_default(),
            flag("--iters").and_then(|n| n.parse().ok()).unwrap_or(1),
            flag("--postgres"),
            flag("--sqlite-file"),
        ),
        Some("--callgrind") => {
            callgrind::run(flag("--only").as_deref()).and_then(|(table, worst)| {
                let path = report::dir().join("callgrind.md");
                std::fs::create_dir_all(report::dir()).map_err(|e| e.to_string())?;
                std::fs::write(&path, format!("# ormbench --callgrind\n\n{table}"))
                    .map_err(|e| e.to_string())?;
                Ok(match worst {
                    Some((r, w)) => format!(
                        "\nreport: {}\nworst dorm/diesel instruction ratio: {r:.3} ({w})",
                        path.display()
                    ),
                    None => "no workload matched".into(),
                })
            })
        }
        Some("--build-times") => build_times::run().map(|table| {
            println!("{table}");
            let path = report::dir().join("build-times.md");
            let _ = std::fs::create_dir_all(report::dir());
            let _ = std::fs::write(&path, &table);
            format!("report: {}", path.display())
        }),
        Some("--help" | "-h") => Ok(USAGE.to_string()),
        Some(a) if !a.starts_with("--") => Err(USAGE.to_string()),
        _ => bench(
            has("--quick"),
            flag("--only"),
            flag("--seed").and_then(|s| s.parse().ok()),
            if has("--no-postgres") {
                None
            } else {
                Some(
                    flag("--postgres")
                        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string()),
                )
            },
            !has("--no-django"),
            !has("--no-peers"),
        ),
    };
    match result {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ormbench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Pool checkout plus a trivial query (one user): `dorm::Pool` against diesel's r2d2 pool.
fn pool_checkout<Conn>(
    backend: &str,
    dorm_url: &str,
    diesel_url: &str,
    plan: &workloads::Plan,
    outcomes: &mut Vec<workloads::Outcome>,
) -> Result<(), String>
where
    Conn: diesel::r2d2::R2D2Connection + 'static,
    schema::hand::users::table: diesel::query_dsl::LoadQuery<'static, Conn, schema::hand::User>,
{
    let name = "pool checkout + trivial query, 1 user".to_string();
    if plan.only.as_deref().is_some_and(|o| !name.contains(o)) {
        return Ok(());
    }
    // The same size for both pools.
    let dorm_pool = dorm::Pool::with_options(
        dorm_url,
        dorm::db::PoolOptions {
            max_size: 2,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    // Configured as dorm configures its pool (r2d2 keeps `min_idle` connections open by
    // replenishing them from a background thread, which dorm's pool leaves at 0).
    let diesel_pool = diesel::r2d2::Pool::builder()
        .max_size(2)
        .min_idle(Some(0))
        .build(diesel::r2d2::ConnectionManager::<Conn>::new(diesel_url))
        .map_err(|e| e.to_string())?;
    {
        let mut c = dorm_pool.get().map_err(|e| e.to_string())?;
        c.batch_execute("DELETE FROM users")
            .map_err(|e| e.to_string())?;
        schema::User::objects()
            .create(
                schema::User {
                    name: "User 0".into(),
                    ..Default::default()
                },
                &mut c,
            )
            .map_err(|e| e.to_string())?;
    }
    let mut impls = vec![
        harness::Impl::new("dorm", |k| {
            for _ in 0..k {
                let mut c = dorm_pool.get().unwrap();
                std::hint::black_box(schema::User::objects().all().fetch(&mut c).unwrap());
            }
        }),
        harness::Impl::new("diesel", |k| {
            for _ in 0..k {
                let mut c = diesel_pool.get().unwrap();
                std::hint::black_box(
                    schema::hand::users::table
                        .load::<schema::hand::User>(&mut *c)
                        .unwrap(),
                );
            }
        }),
    ];
    let series = harness::measure(&mut impls, plan.config);
    drop(impls);
    report::print_outcome(backend, &name, &series);
    outcomes.push(workloads::Outcome {
        backend: backend.to_string(),
        workload: name,
        rows: 1,
        series,
        // Each pool holds its own server sessions. On PostgreSQL, on two cores, a session's
        // round trip takes 15 µs or 80 µs depending on where the scheduler puts its server
        // process, for the whole run: the medians of the two pools differ up to 5x either way
        // between runs while their minimums match. Reported, not a gate; SQLite (no server)
        // measures what the pool itself costs.
        gated: backend != "postgresql",
        note: "diesel: its own r2d2 pool (`diesel::r2d2`), sized and configured as dorm's. Not in diesel_bench.",
    });
    Ok(())
}

/// A `--callgrind` child: one implementation of one workload on in-memory SQLite (or, with
/// `--postgres URL`, on PostgreSQL in a scratch schema), `iters` times.
fn single(
    workload: String,
    imp: String,
    iters: u64,
    postgres: Option<String>,
    sqlite_file: Option<String>,
) -> Result<String, String> {
    let plan = workloads::Plan {
        quick: false,
        only: Some(workload),
        config: harness::Config {
            rounds: 0,
            batch: Duration::ZERO,
            seed: 0,
        },
        single: Some((imp, iters)),
    };
    if let Some(url) = postgres {
        let schema = format!("ormbench_single_{}", std::process::id());
        let mut admin = diesel::PgConnection::establish(&url).map_err(|e| format!("{url}: {e}"))?;
        diesel::connection::SimpleConnection::batch_execute(
            &mut admin,
            &format!("CREATE SCHEMA {schema}"),
        )
        .map_err(|e| e.to_string())?;
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options=-csearch_path%3D{schema}");
        let result = dorm::connect(&scoped)
            .map_err(|e| e.to_string())
            .map(|mut dconn| {
                let mut outcomes = Vec::new();
                workloads::postgres::run(
                    "postgresql",
                    &mut dconn,
                    None,
                    None,
                    &[],
                    &plan,
                    &mut outcomes,
                );
            });
        let _ = diesel::connection::SimpleConnection::batch_execute(
            &mut admin,
            &format!("DROP SCHEMA {schema} CASCADE"),
        );
        return result.map(|()| String::new());
    }
    // In memory unless a file is named (`--sqlite-file PATH`, for profiling file I/O).
    let db = sqlite_file.unwrap_or_else(|| {
        format!(
            "file:ormbench_single_{}?mode=memory&cache=shared",
            std::process::id()
        )
    });
    let mut dconn = dorm::connect(&format!("sqlite://{db}")).map_err(|e| e.to_string())?;
    let mut outcomes = Vec::new();
    workloads::sqlite::run(
        "sqlite (memory)",
        &mut dconn,
        None,
        None,
        &[],
        &plan,
        &mut outcomes,
    );
    Ok(String::new())
}

/// The versions of what is compared, from the workspace's Cargo.lock.
fn locked_versions() -> String {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
        .unwrap_or_default();
    let version = |krate: &str| {
        lock.split("[[package]]")
            .find(|p| p.contains(&format!("name = \"{krate}\"\n")))
            .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_else(|| "?".into())
    };
    format!(
        "dorm {}, diesel {}, rusqlite {}, libsqlite3-sys {}",
        env!("CARGO_PKG_VERSION"),
        version("diesel"),
        version("rusqlite"),
        version("libsqlite3-sys")
    )
}

fn bench(
    quick: bool,
    only: Option<String>,
    seed: Option<u64>,
    postgres: Option<String>,
    with_django: bool,
    with_peers: bool,
) -> Result<String, String> {
    // The order of each round is shuffled from this seed: a new one per run unless given.
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000)
            .unwrap_or(1)
    });
    let plan = workloads::Plan {
        quick,
        only,
        config: harness::Config {
            rounds: if quick { 9 } else { 21 },
            batch: Duration::from_millis(if quick { 20 } else { 25 }),
            seed,
        },
        single: None,
    };
    let mut outcomes = Vec::new();

    // SQLite in memory: dorm's connection (with diesel's inside) and rusqlite share one
    // database through a shared cache.
    let mem = "file:ormbench_memory?mode=memory&cache=shared";
    let mut dconn = dorm::connect(&format!("sqlite://{mem}")).map_err(|e| e.to_string())?;
    let mut raw = rusqlite::Connection::open(mem).map_err(|e| e.to_string())?;
    let sqlite_version: String = raw
        .query_row("SELECT sqlite_version()", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    let mut header = format!(
        "{}, SQLite {sqlite_version}; {} rounds of ~{} ms batches per workload, implementations interleaved in an order shuffled each round (seed {seed}: `--seed {seed}` repeats it). {}",
        locked_versions(),
        plan.config.rounds,
        plan.config.batch.as_millis(),
        workloads::SCHEMA_NOTE
    );
    if with_peers {
        header.push(' ');
        header.push_str(workloads::PEERS_NOTE);
    }
    println!(
        "# ormbench{}\n\n{header}",
        if quick { " --quick" } else { "" }
    );
    workloads::sqlite::run(
        "sqlite (memory)",
        &mut dconn,
        Some(&mut raw),
        None,
        &[],
        &plan,
        &mut outcomes,
    );
    drop(raw);
    drop(dconn);

    // The peers (sqlx, SeaORM) are built before the first file workload, outside any timing.
    let with_peers = with_peers
        && match peers::build() {
            Ok(()) => {
                header.push_str(&format!(" Peers: {}.", peers::versions()));
                true
            }
            Err(e) => {
                eprintln!("ormbench: the peers are not compared: {e}");
                false
            }
        };

    // SQLite file (WAL, as dorm configures it).
    let dir = std::env::temp_dir().join(format!("ormbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("bench.sqlite3");
    let path = file.display().to_string();
    // dorm's connection sets WAL and synchronous = NORMAL; rusqlite and Django get the same.
    let mut dconn = dorm::connect(&format!("sqlite://{path}")).map_err(|e| e.to_string())?;
    let mut raw = rusqlite::Connection::open(&file).map_err(|e| e.to_string())?;
    raw.execute_batch("PRAGMA synchronous = NORMAL;")
        .map_err(|e| e.to_string())?;
    // Django and the peers on the same file (Django's models are unmanaged: the workloads
    // create the tables).
    let mut workers = Vec::new();
    if with_django {
        match django::start(&report::dir(), &file) {
            Ok(dj) => {
                header.push_str(&format!(" {}.", dj.versions));
                workers.push(dj);
            }
            Err(e) => eprintln!("ormbench: Django is not compared: {e}"),
        }
    }
    if with_peers {
        match peers::sqlite(&file) {
            Ok(list) => workers.extend(list),
            Err(e) => eprintln!("ormbench: the peers are not compared on SQLite: {e}"),
        }
    }
    let workers: Vec<_> = workers.into_iter().map(std::cell::RefCell::new).collect();
    workloads::sqlite::run(
        "sqlite (file)",
        &mut dconn,
        Some(&mut raw),
        None,
        &workers,
        &plan,
        &mut outcomes,
    );
    drop(workers);
    pool_checkout::<diesel::SqliteConnection>(
        "sqlite (file)",
        &format!("sqlite://{path}"),
        &path,
        &plan,
        &mut outcomes,
    )?;
    drop(raw);
    drop(dconn);
    let _ = std::fs::remove_dir_all(&dir);

    if let Some(url) = postgres {
        let schema = format!("ormbench_{}", std::process::id());
        let mut admin = diesel::PgConnection::establish(&url).map_err(|e| format!("{url}: {e}"))?;
        let pg_version: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
            "current_setting('server_version')",
        ))
        .get_result(&mut admin)
        .map_err(|e| e.to_string())?;
        header.push_str(&format!(" PostgreSQL {pg_version}."));
        diesel::connection::SimpleConnection::batch_execute(
            &mut admin,
            &format!("CREATE SCHEMA {schema}"),
        )
        .map_err(|e| e.to_string())?;
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options=-csearch_path%3D{schema}");
        let result = dorm::connect(&scoped)
            .map_err(|e| e.to_string())
            .and_then(|mut dconn| {
                let mut pgraw = postgres::Client::connect(&scoped, postgres::NoTls)
                    .map_err(|e| format!("postgres driver: {e}"))?;
                let workers: Vec<_> = if with_peers {
                    peers::postgres(&url, &schema).unwrap_or_else(|e| {
                        eprintln!("ormbench: the peers are not compared on PostgreSQL: {e}");
                        Vec::new()
                    })
                } else {
                    Vec::new()
                };
                let workers: Vec<_> = workers.into_iter().map(std::cell::RefCell::new).collect();
                workloads::postgres::run(
                    "postgresql",
                    &mut dconn,
                    None,
                    Some(&mut pgraw),
                    &workers,
                    &plan,
                    &mut outcomes,
                );
                pool_checkout::<diesel::PgConnection>(
                    "postgresql",
                    &scoped,
                    &scoped,
                    &plan,
                    &mut outcomes,
                )
            });
        let _ = diesel::connection::SimpleConnection::batch_execute(
            &mut admin,
            &format!("DROP SCHEMA {schema} CASCADE"),
        );
        result?;
    }

    let path = report::write(&header, &outcomes).map_err(|e| e.to_string())?;
    let worst = report::verdict(&outcomes);
    Ok(format!("\nreport: {}\n{worst}", path.display()))
}
