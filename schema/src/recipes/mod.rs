//! The scrap book's recipes. Each one runs against the demo database and prints its title,
//! the SQL it ran (captured through diesel's instrumentation) and its result.
//!
//! Recipes that write run inside a transaction that is rolled back afterwards, so running the
//! scrap book twice prints the same thing.

mod aggregation;
mod data_modeling;
mod errors;
mod expressions;
mod lookups;
mod migrations;
mod querying;
mod relations;
mod updating;

use std::fmt::Debug;

use dorm::db::instrumentation::capture_queries;
use dorm::{Connection, Error, Result};

/// Runs every recipe, printing each one.
pub fn run_all(conn: &mut Connection) -> Result<usize> {
    // Django's `django.setup()`: deletes follow every relation's on_delete.
    dorm::apps::populate(crate::models::ALL);
    let mut book = Book { conn, count: 0 };
    data_modeling::run(&mut book)?;
    migrations::run(&mut book)?;
    relations::run(&mut book)?;
    querying::run(&mut book)?;
    lookups::run(&mut book)?;
    aggregation::run(&mut book)?;
    expressions::run(&mut book)?;
    updating::run(&mut book)?;
    errors::run(&mut book)?;
    Ok(book.count)
}

/// Prints recipes as they run.
pub struct Book<'a> {
    conn: &'a mut Connection,
    count: usize,
}

impl Book<'_> {
    /// Runs `f`, then prints `title`, the SQL it ran and its result.
    pub fn recipe<T: Debug>(
        &mut self,
        title: &str,
        f: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Result<()> {
        let (result, queries) = capture_queries(|| f(self.conn));
        self.print(title, &queries, result)
    }

    /// Like [`Book::recipe`], in a transaction that is rolled back afterwards.
    pub fn recipe_rolled_back<T: Debug>(
        &mut self,
        title: &str,
        f: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Result<()> {
        let (result, queries) = capture_queries(|| {
            let mut out = None;
            let rolled: Result<()> = dorm::atomic(self.conn, |conn| {
                out = Some(f(conn));
                Err(Error::RolledBack)
            });
            match (out, rolled) {
                (Some(result), Err(Error::RolledBack)) => result,
                (Some(result), _) => result,
                (None, Err(e)) => Err(e),
                (None, Ok(())) => Err(Error::RolledBack),
            }
        });
        self.print(title, &queries, result)
    }

    fn print<T: Debug>(
        &mut self,
        title: &str,
        queries: &[String],
        result: Result<T>,
    ) -> Result<()> {
        self.count += 1;
        println!("\n### {title}");
        for sql in queries.iter().filter(|q| {
            !q.starts_with("BEGIN")
                && !q.starts_with("SAVEPOINT")
                && !q.starts_with("RELEASE")
                && !q.starts_with("ROLLBACK")
        }) {
            println!("    SQL: {sql}");
        }
        match result {
            Ok(value) => println!("    => {value:#?}"),
            Err(e) => println!("    => error: {e}"),
        }
        Ok(())
    }

    /// Runs `f`, which works on its own (scratch) database, and prints `title` and its
    /// result without the SQL.
    pub fn outcome<T: Debug>(&mut self, title: &str, f: impl FnOnce() -> Result<T>) -> Result<()> {
        let result = f();
        self.print(title, &[], result)
    }

    /// Prints a recipe whose answer is not a query (a declaration, some DDL).
    pub fn note(&mut self, title: &str, text: impl std::fmt::Display) {
        self.count += 1;
        println!("\n### {title}");
        for line in text.to_string().lines() {
            println!("    {line}");
        }
    }

    /// Which database the book runs on.
    pub fn vendor(&self) -> dorm::db::Vendor {
        self.conn.vendor()
    }

    /// The connection, for recipes that print things other than query results.
    pub fn conn(&mut self) -> &mut Connection {
        self.conn
    }
}
