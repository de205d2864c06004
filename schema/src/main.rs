//! `cargo run -p scrapbook`: migrates the demo database (`DATABASE_URL`, or
//! `sqlite://scrapbook.sqlite3`), loads the sample rows once, and runs every recipe of the
//! Django ORM scrap book, printing each one's SQL and result.
//!
//! `cargo run -p scrapbook -- <command>` is the app's `manage.py` instead (`makemigrations`,
//! `migrate`, `showmigrations`, `sqlmigrate`, `squashmigrations`, `inspectdb`; `--help`).

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args_os().len() > 1 {
        return dorm::manage::main(&scrapbook::APP);
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scrapbook: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> dorm::Result<()> {
    let url = dorm::db::database_url_or("sqlite://scrapbook.sqlite3");
    let mut conn = dorm::connect(&url)?;
    println!(
        "# The Django ORM scrap book, answered with dorm ({} at {})",
        conn.vendor().name(),
        url
    );
    let applied = dorm::migrations::migrate(scrapbook::migrations::MIGRATIONS, &mut conn)?;
    for version in &applied {
        println!("Applied migration {version}");
    }
    if scrapbook::seed::load(&mut conn)? {
        println!("Loaded the sample rows.");
    }
    let count = scrapbook::recipes::run_all(&mut conn)?;
    println!("\n{count} recipes.");
    Ok(())
}
