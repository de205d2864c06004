//! `ormbench-peer-sync <sqlite file>`: SeaORM's blocking form (`sea-orm-sync`, on rusqlite) as
//! an ormbench worker on the benchmark's SQLite file.

#![forbid(unsafe_code)]

/// Plain functions: the sync crate has nothing to await.
macro_rules! peer_fns {
    ($(#[$m:meta])* pub fn $name:ident($($args:tt)*) -> $ret:ty $body:block) => {
        $(#[$m])* pub fn $name($($args)*) -> $ret $body
    };
}

/// Nothing to await.
macro_rules! aw {
    ($e:expr) => {
        $e
    };
}

#[path = "../../shared/worker.rs"]
mod worker;

#[path = "../../shared/seaorm.rs"]
mod seaorm;

use sea_orm::{ConnectOptions, ConnectionTrait, Database};

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: ormbench-peer-sync <sqlite file>");
        std::process::exit(2);
    };
    let mut options = ConnectOptions::new(format!("sqlite://{file}?mode=rwc"));
    options.max_connections(1).min_connections(1);
    let db = match Database::connect(options) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("ormbench-peer-sync: {file}: {e}");
            std::process::exit(1);
        }
    };
    // The settings of every other connection to the file.
    if let Err(e) = db.execute_unprepared("PRAGMA synchronous = NORMAL") {
        eprintln!("ormbench-peer-sync: {e}");
        std::process::exit(1);
    }
    worker::serve("SeaORM (sync, rusqlite)", |work| {
        seaorm::once(&db, work, 10_000).map_err(|e| e.to_string())
    });
}
