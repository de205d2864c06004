//! `ormbench-peer-async <sqlx|seaorm> <url> [setup SQL]`: sqlx or SeaORM (async) as an ormbench
//! worker, each call driven by a current-thread runtime's `block_on`, as a blocking service
//! calls an async library. `url` is `sqlite://<file>` or a PostgreSQL URL; the setup SQL runs
//! once on the connection (the search path of ormbench's schema, SQLite's pragmas).

#![forbid(unsafe_code)]

/// `async fn`s, run under `block_on`.
macro_rules! peer_fns {
    ($(#[$m:meta])* pub fn $name:ident($($args:tt)*) -> $ret:ty $body:block) => {
        $(#[$m])* pub async fn $name($($args)*) -> $ret $body
    };
}

/// Awaits.
macro_rules! aw {
    ($e:expr) => {
        $e.await
    };
}

#[path = "../../shared/worker.rs"]
mod worker;

#[path = "../../shared/seaorm.rs"]
mod seaorm;

mod sqlx_side;

use sea_orm::{ConnectOptions, ConnectionTrait, Database};

/// SQLite's bind limit over two columns per row; PostgreSQL's 65,535 over two, rounded down.
fn chunk(url: &str) -> usize {
    if url.starts_with("sqlite:") {
        10_000
    } else {
        20_000
    }
}

fn start(which: &str, url: &str, setup: &str) -> Result<(), String> {
    let chunk = chunk(url);
    match which {
        "sqlx" if url.starts_with("sqlite:") => {
            let mut peer = sqlx_side::sqlite::Peer::connect(url, setup, chunk)?;
            worker::serve("sqlx (block_on)", |w| {
                peer.once(w).map_err(|e| e.to_string())
            });
        }
        "sqlx" => {
            let mut peer = sqlx_side::postgres::Peer::connect(url, setup, chunk)?;
            worker::serve("sqlx (block_on)", |w| {
                peer.once(w).map_err(|e| e.to_string())
            });
        }
        "seaorm" => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let db = rt
                .block_on(async {
                    let mut options = ConnectOptions::new(url.to_string());
                    options
                        .max_connections(1)
                        .min_connections(1)
                        .sqlx_logging(false);
                    let db = Database::connect(options).await?;
                    if !setup.is_empty() {
                        db.execute_unprepared(setup).await?;
                    }
                    Ok::<_, sea_orm::DbErr>(db)
                })
                .map_err(|e| format!("{url}: {e}"))?;
            worker::serve("SeaORM (block_on)", |w| {
                rt.block_on(seaorm::once(&db, w, chunk))
                    .map_err(|e| e.to_string())
            });
        }
        other => return Err(format!("unknown peer {other}: sqlx or seaorm")),
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, url) = match args.as_slice() {
        [which, url, ..] => (which.as_str(), url.as_str()),
        _ => {
            eprintln!("usage: ormbench-peer-async <sqlx|seaorm> <url> [setup SQL]");
            std::process::exit(2);
        }
    };
    let setup = args.get(2).map(String::as_str).unwrap_or("");
    if let Err(e) = start(which, url, setup) {
        eprintln!("ormbench-peer-async: {e}");
        std::process::exit(1);
    }
}
