//! The workloads: diesel_bench's (trivial query, insert, loading associations) and dorm's own
//! (get by pk, a three-predicate filter, count, exists, select_related, prefetch_related,
//! bulk_create), each written with dorm, with hand-written static diesel (the baseline), boxed
//! diesel and, on SQLite, rusqlite on the same database.

use std::cell::RefCell;

use diesel::prelude::*;
use dorm::prelude::*;

use crate::harness::{measure, Config, Impl, Series};
use crate::schema::{hand, Comment, Post, User};
use crate::worker::{add_workers, Workers};

/// One workload's result.
pub struct Outcome {
    /// `sqlite (memory)`, `sqlite (file)`, `postgresql`.
    pub backend: String,
    /// The workload's name.
    pub workload: String,
    /// Rows the workload reads or writes per iteration.
    pub rows: usize,
    /// One series per implementation.
    pub series: Vec<Series>,
    /// Whether dorm's ratio counts toward the worst ratio: false where the two sides cannot
    /// share one database session (see `pool_checkout`).
    pub gated: bool,
    /// The diesel form the baseline uses and why it is diesel's best, and how the workload
    /// differs from diesel_bench's (schema, sizes): one line in the report.
    pub note: &'static str,
}

const TRIVIAL_NOTE: &str = "diesel: `users.load::<User>(conn)`, static, diesel_bench's form; boxed diesel for a query built at run time.";
const MEDIUM_NOTE: &str = "diesel: `users.left_outer_join(posts).filter(hair_color.eq(..)).load::<(User, Option<Post>)>`, diesel_bench's form; dorm's `values!` across the reverse relation is the same LEFT OUTER JOIN (its `prefetch_related!` form is reported, not gated).";
const INSERT_NOTE: &str = "diesel: one row is `insert_into(users).values(&row).returning(id).get_results` (diesel's single-row insert, reading the key dorm returns; `get_results`, because `get_result` stops at the first row, so SQLite commits at the statement's reset and skips its WAL auto-checkpoint: that form is reported in memory and on PostgreSQL, and left out on the file, where the checkpoints it skips land on whichever implementation commits next); more rows are `values(&rows)` of a borrowed slice without RETURNING (dorm reads the keys back, so this favours diesel). diesel_bench's owned `Vec` form and diesel with RETURNING are reported.";
const GET_NOTE: &str = "diesel: `users.find(pk).get_result::<User>`, its primary-key lookup without `LIMIT` (the key is unique), as dorm's `get`. diesel's documented `find(pk).first()` binds `LIMIT ?`, and on SQLite binding a LIMIT expires the prepared statement, so every execution compiles it again (several times the lookup's own cost): reported beside it. Not in diesel_bench; 10,000 users.";
const FILTER_NOTE: &str = "diesel: three `.filter(..)` calls, `.order(id).first().optional()`, static. Not in diesel_bench; 10,000 users.";
const COUNT_NOTE: &str =
    "diesel: `users.count().get_result::<i64>`. Not in diesel_bench; 10,000 users.";
const EXISTS_NOTE: &str = "diesel: `select(exists(users.filter(..))).get_result::<bool>`. Not in diesel_bench; 10,000 users.";
const DYNQ_NOTE: &str = "dorm's `DynQ` (a condition built at run time) is gated against diesel's boxed query with the same optional filters, diesel's form for run-time queries; the static forms are reported. Not in diesel_bench.";
const SELECT_RELATED_NOTE: &str = "diesel: `posts.inner_join(users).load::<(Post, User)>`, one join as dorm's `select_related!`. Not in diesel_bench.";
const PREFETCH_NOTE: &str = "diesel: `belonging_to` + `grouped_by`, diesel_bench's form, with the largest key chunk under the bind limit (32,766 on SQLite; one `= ANY($1)` array on PostgreSQL, no chunks), as dorm. The 50,000-user size is dorm's addition.";
const GROUP_NOTE: &str =
    "diesel: `comments.group_by(post_id).select((post_id, count(id)))`. Not in diesel_bench.";
const BULK_NOTE: &str = "diesel: `insert_into(users).values(chunk)` of borrowed slices under the bind limit (10,000 rows per statement on SQLite, 20,000 on PostgreSQL), no copy; dorm's `bulk_create` also reads the keys back. Not in diesel_bench.";

/// The schema of every workload: diesel_bench's `users`, `posts`, `comments` columns, plus
/// dorm's foreign keys (`posts.user_id`, `comments.post_id`, `ON DELETE CASCADE`) and their
/// indexes, which diesel_bench's schema does not declare.
pub const SCHEMA_NOTE: &str = "Schema: diesel_bench's tables and columns, plus foreign keys on posts.user_id and comments.post_id with an index each (diesel_bench declares neither); every implementation runs on the same tables.";

/// How the peers and the raw forms are written: one line in the report's header.
pub const PEERS_NOTE: &str = "Peers, on the SQLite file and PostgreSQL (separate processes cannot share the in-memory database): sqlx with `query_as` into `FromRow` structs, `QueryBuilder::push_values` for inserts, one connection with cached statements, every call under a current-thread tokio runtime's `block_on`; SeaORM with entities and relations (`find`, `find_also_related`, `LoaderTrait::load_many`, `insert_many`, `select_only().group_by()`), its blocking form `sea-orm-sync` on SQLite and `sea-orm` under `block_on` (a pool of one) on PostgreSQL; both time themselves in their own process, as Django does. rusqlite (SQLite) and the `postgres` driver map rows by hand on cached statements; `diesel (sql_query)` is diesel's raw-SQL form into `QueryableByName` structs. rusqlite builds the dynamic-Q workload's WHERE clause at run time; sqlx and SeaORM have no dynamic-Q form here, and the pool workload compares pools only.";

/// What to run.
pub struct Plan {
    /// Quick mode: fewer sizes and rounds.
    pub quick: bool,
    /// Only workloads whose name contains this.
    pub only: Option<String>,
    /// Timing configuration.
    pub config: Config,
    /// Instead of measuring: run one implementation of the workload named exactly `only`,
    /// this many times (the `--callgrind` children).
    pub single: Option<(String, u64)>,
}

impl Plan {
    fn wants(&self, name: &str) -> bool {
        match (&self.single, self.only.as_deref()) {
            (Some(_), Some(o)) => name == o,
            (_, o) => o.is_none_or(|o| name.contains(o)),
        }
    }

    /// Measures `impls`, or, in single mode, runs the chosen one and returns nothing.
    fn measure(&self, impls: &mut [Impl<'_>]) -> Vec<Series> {
        match &self.single {
            None => measure(impls, self.config),
            Some((name, iters)) => {
                if let Some(imp) = impls.iter_mut().find(|i| i.name == name.as_str()) {
                    (imp.run)(*iters);
                }
                Vec::new()
            }
        }
    }
}

/// The diesel connection inside a `dorm::Connection`: hand-written diesel runs on exactly the
/// connection dorm runs on (one database session, one statement cache per side).
pub trait Raw<C> {
    /// It.
    fn raw_conn(&mut self) -> &mut C;
}

impl Raw<diesel::SqliteConnection> for dorm::Connection {
    fn raw_conn(&mut self) -> &mut diesel::SqliteConnection {
        match dorm::Executor::backend(self) {
            dorm::db::Backend::Sqlite(c) => c,
            _ => panic!("not a SQLite connection"),
        }
    }
}

impl Raw<diesel::PgConnection> for dorm::Connection {
    fn raw_conn(&mut self) -> &mut diesel::PgConnection {
        match dorm::Executor::backend(self) {
            dorm::db::Backend::Postgres(c) => c,
            _ => panic!("not a PostgreSQL connection"),
        }
    }
}

fn diesel_of<C>(conn: &mut dorm::Connection) -> &mut C
where
    dorm::Connection: Raw<C>,
{
    conn.raw_conn()
}

fn new_users(n: usize, hair: impl Fn(usize) -> Option<&'static str>) -> Vec<hand::NewUser> {
    (0..n)
        .map(|i| hand::NewUser {
            name: format!("User {i}"),
            hair_color: hair(i).map(str::to_string),
        })
        .collect()
}

fn dorm_users(n: usize) -> Vec<User> {
    (0..n)
        .map(|i| User {
            name: format!("User {i}"),
            hair_color: Some("hair_color".into()),
            ..Default::default()
        })
        .collect()
}

/// rusqlite's users `(id, name, hair_color)` from column `at` on, mapped by hand.
fn user_at(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<hand::User> {
    Ok(hand::User {
        id: row.get(at)?,
        name: row.get(at + 1)?,
        hair_color: row.get(at + 2)?,
    })
}

/// rusqlite's posts `(id, user_id, title, body)` from column `at` on.
fn post_at(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<hand::Post> {
    Ok(hand::Post {
        id: row.get(at)?,
        user_id: row.get(at + 1)?,
        title: row.get(at + 2)?,
        body: row.get(at + 3)?,
    })
}

/// rusqlite: every row `sql` selects with `params`, mapped by `map`, on a cached statement.
fn rusqlite_rows<T>(
    r: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    let mut stmt = r.prepare_cached(sql).unwrap();
    let rows = stmt.query_map(params, map).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// rusqlite: rows of `select` (ending in `WHERE key`) whose key is among `keys`, in `IN`
/// lists under SQLite's 32,766 parameters (one cached statement per list length).
fn rusqlite_children<T>(
    r: &rusqlite::Connection,
    select: &str,
    keys: &[i32],
    mut map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    for chunk in keys.chunks(32_766) {
        let sql = format!("{select} IN ({})", vec!["?"; chunk.len()].join(", "));
        out.extend(rusqlite_rows(
            r,
            &sql,
            rusqlite::params_from_iter(chunk),
            &mut map,
        ));
    }
    out
}

/// Adds `rusqlite` (when the backend has it) running `work` once per iteration.
fn push_rusqlite<'a>(
    impls: &mut Vec<Impl<'a>>,
    raw: &'a RefCell<Option<&mut rusqlite::Connection>>,
    work: impl Fn(&rusqlite::Connection) + 'a,
) {
    if raw.borrow().is_some() {
        impls.push(Impl::new("rusqlite", move |k| {
            let guard = raw.borrow();
            let r = guard.as_deref().expect("checked");
            for _ in 0..k {
                work(r);
            }
        }));
    }
}

/// Adds `diesel (sql_query)`: the raw-SQL form, `sql_query(..).bind(..).load::<T>()` into a
/// `QueryableByName` struct, on the connection dorm uses.
fn push_sql_query<'a, 'c: 'a, C: 'a>(
    impls: &mut Vec<Impl<'a>>,
    cell: &'a RefCell<&'c mut dorm::Connection>,
    work: impl Fn(&mut C) + 'a,
) where
    dorm::Connection: Raw<C>,
{
    impls.push(Impl::new("diesel (sql_query)", move |k| {
        let mut g = cell.borrow_mut();
        let c = diesel_of::<C>(&mut g);
        for _ in 0..k {
            work(c);
        }
    }));
}

macro_rules! workloads_for {
    ($modname:ident, $conn:ty, $chunk:expr, $in_chunk:expr, $reset:expr) => {
        /// The workloads on one backend, on one `dorm::Connection`: dorm through it (its query
        /// logging and backend dispatch included), hand-written diesel on the diesel connection
        /// inside it.
        pub mod $modname {
            use super::*;

            type Conn = $conn;

            fn reset(c: &mut Conn) {
                diesel::connection::SimpleConnection::batch_execute(c, $reset).unwrap();
            }

            /// Inserts `rows` as a diesel user would: borrowed, in chunks under the bind limit.
            fn insert_users(c: &mut Conn, rows: &[hand::NewUser]) {
                for chunk in rows.chunks($chunk) {
                    diesel::insert_into(hand::users::table)
                        .values(chunk)
                        .execute(c)
                        .unwrap();
                }
            }

            /// Users, each with `posts` posts, each with `comments` comments.
            fn fill_blog(c: &mut Conn, users: usize, posts: usize, comments: usize) {
                reset(c);
                insert_users(
                    c,
                    &new_users(users, |i| Some(if i % 2 == 0 { "black" } else { "brown" })),
                );
                let ids: Vec<i32> = hand::users::table.select(hand::users::id).load(c).unwrap();
                let new_posts: Vec<hand::NewPost> = ids
                    .iter()
                    .flat_map(|&u| {
                        (0..posts).map(move |i| hand::NewPost {
                            user_id: u,
                            title: format!("Post {i} by user {u}"),
                            body: None,
                        })
                    })
                    .collect();
                for chunk in new_posts.chunks($chunk) {
                    diesel::insert_into(hand::posts::table)
                        .values(chunk)
                        .execute(c)
                        .unwrap();
                }
                let post_ids: Vec<i32> =
                    hand::posts::table.select(hand::posts::id).load(c).unwrap();
                let new_comments: Vec<hand::NewComment> = post_ids
                    .iter()
                    .flat_map(|&p| {
                        (0..comments).map(move |i| hand::NewComment {
                            post_id: p,
                            text: format!("Comment {i} on post {p}"),
                        })
                    })
                    .collect();
                for chunk in new_comments.chunks($chunk) {
                    diesel::insert_into(hand::comments::table)
                        .values(chunk)
                        .execute(c)
                        .unwrap();
                }
            }

            /// Runs every workload of `plan`; `raw` adds a rusqlite implementation on the same
            /// database (SQLite only).
            pub fn run(
                backend: &str,
                conn: &mut dorm::Connection,
                mut raw: Option<&mut rusqlite::Connection>,
                mut pgraw: Option<&mut ::postgres::Client>,
                workers: &Workers,
                plan: &Plan,
                out: &mut Vec<Outcome>,
            ) {
                dorm::migrations::create_tables(crate::schema::MODELS, conn).unwrap();
                let mut record = |name: String, rows: usize, note: &'static str, series: Vec<Series>| {
                    if series.is_empty() {
                        return;
                    }
                    crate::report::print_outcome(backend, &name, &series);
                    out.push(Outcome {
                        backend: backend.to_string(),
                        workload: name,
                        rows,
                        series,
                        gated: true,
                        note,
                    });
                };
                let sizes: &[usize] = if plan.quick {
                    &[1, 100, 10_000]
                } else {
                    &[1, 10, 100, 1_000, 10_000]
                };

                // diesel_bench: trivial query.
                for &n in sizes {
                    let name = format!("trivial query, {n} users");
                    if !plan.wants(&name) {
                        continue;
                    }
                    reset(diesel_of::<Conn>(conn));
                    insert_users(diesel_of::<Conn>(conn), &new_users(n, |_| None));
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let pg_cell = RefCell::new(pgraw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows = User::objects().all().fetch(c).unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let rows = hand::users::table.load::<hand::User>(c).unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel (boxed)", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let rows = hand::users::table
                                    .into_boxed()
                                    .load::<hand::User>(c)
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                    ];
                    if pg_cell.borrow().is_some() {
                        impls.push(Impl::new("postgres (raw driver)", |k| {
                            let mut guard = pg_cell.borrow_mut();
                            let p = guard.as_deref_mut().expect("checked");
                            let stmt = p.prepare("SELECT id, name, hair_color FROM users").unwrap();
                            for _ in 0..k {
                                let rows: Vec<hand::User> = p
                                    .query(&stmt, &[])
                                    .unwrap()
                                    .iter()
                                    .map(|r| hand::User {
                                        id: r.get(0),
                                        name: r.get(1),
                                        hair_color: r.get(2),
                                    })
                                    .collect();
                                std::hint::black_box(rows);
                            }
                        }));
                    }
                    if raw_cell.borrow().is_some() {
                        impls.push(Impl::new("rusqlite", |k| {
                            let mut guard = raw_cell.borrow_mut();
                            let r = guard.as_deref_mut().expect("checked");
                            for _ in 0..k {
                                let mut stmt = r
                                    .prepare_cached("SELECT id, name, hair_color FROM users")
                                    .unwrap();
                                let rows: Vec<hand::User> = stmt
                                    .query_map([], |row| {
                                        Ok(hand::User {
                                            id: row.get(0)?,
                                            name: row.get(1)?,
                                            hair_color: row.get(2)?,
                                        })
                                    })
                                    .unwrap()
                                    .collect::<Result<_, _>>()
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }));
                    }
                    push_sql_query(&mut impls, &cell, |c: &mut Conn| {
                        let rows = diesel::sql_query("SELECT id, name, hair_color FROM users")
                            .load::<hand::User>(c)
                            .unwrap();
                        std::hint::black_box(rows);
                    });
                    add_workers(&mut impls, workers, "trivial", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, n, TRIVIAL_NOTE, series);
                }

                // diesel_bench: medium complex query (users LEFT JOIN posts, black hair only).
                // dorm: `values!` across the reverse relation (Django's
                // `.values("id", ..., "posts__id", ...)`), the same LEFT OUTER JOIN; and the
                // same rows as users with their posts (`prefetch_related!`, two queries).
                for &n in sizes {
                    let name = format!("medium complex query, {n} users");
                    if !plan.wants(&name) {
                        continue;
                    }
                    reset(diesel_of::<Conn>(conn));
                    insert_users(
                        diesel_of::<Conn>(conn),
                        &new_users(n, |i| Some(if i % 2 == 0 { "black" } else { "brown" })),
                    );
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows = dorm::values!(
                                    filter!(User::objects(), hair_color = "black"),
                                    id,
                                    name,
                                    hair_color,
                                    posts__id,
                                    posts__user,
                                    posts__title,
                                    posts__body
                                )
                                .fetch(c)
                                .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("dorm (prefetch_related)", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows = dorm::prefetch_related!(
                                    filter!(User::objects(), hair_color = "black"),
                                    posts
                                )
                                .fetch(c)
                                .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::users::dsl::*;
                                let rows = users
                                    .left_outer_join(hand::posts::table)
                                    .filter(hair_color.eq("black"))
                                    .load::<(hand::User, Option<hand::Post>)>(c)
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel (boxed)", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::users::dsl::*;
                                let rows = users
                                    .left_outer_join(hand::posts::table)
                                    .filter(hair_color.eq("black"))
                                    .into_boxed()
                                    .load::<(hand::User, Option<hand::Post>)>(c)
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                    ];
                    push_rusqlite(&mut impls, &raw_cell, |r| {
                        let rows = rusqlite_rows(
                            r,
                            "SELECT users.id, users.name, users.hair_color, posts.id, posts.user_id, posts.title, posts.body FROM users LEFT OUTER JOIN posts ON posts.user_id = users.id WHERE users.hair_color = ?",
                            ["black"],
                            |row| {
                                let post = match row.get::<_, Option<i32>>(3)? {
                                    Some(_) => Some(post_at(row, 3)?),
                                    None => None,
                                };
                                Ok((user_at(row, 0)?, post))
                            },
                        );
                        std::hint::black_box(rows);
                    });
                    add_workers(&mut impls, workers, "medium", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, n, MEDIUM_NOTE, series);
                }

                // diesel_bench: insert N rows in one statement.
                let insert_sizes: &[usize] = if plan.quick { &[1, 100] } else { &[1, 10, 25, 50, 100] };
                for &n in insert_sizes {
                    let name = format!("insert, {n} rows");
                    if !plan.wants(&name) {
                        continue;
                    }
                    reset(diesel_of::<Conn>(conn));
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let pg_cell = RefCell::new(pgraw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows = User::objects().bulk_create(dorm_users(n), c).unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        // The baseline: diesel's single-row insert of one row, reading the key
                        // back as dorm does; the multi-row insert of a borrowed slice otherwise.
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let rows = new_users(n, |_| Some("hair_color"));
                                if n == 1 {
                                    // `get_results`, not `get_result`: see INSERT_NOTE.
                                    let id: Vec<i32> = diesel::insert_into(hand::users::table)
                                        .values(&rows[0])
                                        .returning(hand::users::id)
                                        .get_results(c)
                                        .unwrap();
                                    std::hint::black_box(id);
                                } else {
                                    diesel::insert_into(hand::users::table)
                                        .values(&rows)
                                        .execute(c)
                                        .unwrap();
                                }
                            }
                        }),
                        Impl::new("diesel (diesel_bench's form: an owned Vec)", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let rows = new_users(n, |_| Some("hair_color"));
                                diesel::insert_into(hand::users::table)
                                    .values(rows)
                                    .execute(c)
                                    .unwrap();
                            }
                        }),
                        Impl::new("diesel, RETURNING id", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let rows = new_users(n, |_| Some("hair_color"));
                                let ids: Vec<i32> = diesel::insert_into(hand::users::table)
                                    .values(&rows)
                                    .returning(hand::users::id)
                                    .get_results(c)
                                    .unwrap();
                                std::hint::black_box(ids);
                            }
                        }),
                    ];
                    if n == 1 && backend != "sqlite (file)" {
                        // diesel's one-row `get_result` stops at the first row: on SQLite the
                        // statement never reaches SQLITE_DONE, so the commit happens at the
                        // statement's reset, where SQLite runs no WAL auto-checkpoint. On a
                        // file that leaves the WAL growing and the checkpoints to whichever
                        // implementation commits next: measured where there is no WAL only.
                        impls.push(Impl::new("diesel, one row's `get_result`", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let rows = new_users(n, |_| Some("hair_color"));
                                let id: i32 = diesel::insert_into(hand::users::table)
                                    .values(&rows[0])
                                    .returning(hand::users::id)
                                    .get_result(c)
                                    .unwrap();
                                std::hint::black_box(id);
                            }
                        }));
                    }
                    if pg_cell.borrow().is_some() {
                        let sql = format!(
                            "INSERT INTO users (name, hair_color) VALUES {}",
                            (0..n)
                                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        impls.push(Impl::new("postgres (raw driver)", move |k| {
                            let mut guard = pg_cell.borrow_mut();
                            let p = guard.as_deref_mut().expect("checked");
                            let stmt = p.prepare(&sql).unwrap();
                            for _ in 0..k {
                                let rows = new_users(n, |_| Some("hair_color"));
                                let params: Vec<&(dyn ::postgres::types::ToSql + Sync)> = rows
                                    .iter()
                                    .flat_map(|u| {
                                        [
                                            &u.name as &(dyn ::postgres::types::ToSql + Sync),
                                            &u.hair_color as _,
                                        ]
                                    })
                                    .collect();
                                p.execute(&stmt, &params).unwrap();
                            }
                        }));
                    }
                    if raw_cell.borrow().is_some() {
                        let sql = format!(
                            "INSERT INTO users (name, hair_color) VALUES {}",
                            vec!["(?, ?)"; n].join(", ")
                        );
                        impls.push(Impl::new("rusqlite", move |k| {
                            let mut guard = raw_cell.borrow_mut();
                            let r = guard.as_deref_mut().expect("checked");
                            for _ in 0..k {
                                let rows = new_users(n, |_| Some("hair_color"));
                                let params: Vec<&dyn rusqlite::ToSql> = rows
                                    .iter()
                                    .flat_map(|u| {
                                        [&u.name as &dyn rusqlite::ToSql, &u.hair_color as _]
                                    })
                                    .collect();
                                r.prepare_cached(&sql)
                                    .unwrap()
                                    .execute(params.as_slice())
                                    .unwrap();
                            }
                        }));
                    }
                    add_workers(&mut impls, workers, "insert", n.to_string());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, n, INSERT_NOTE, series);
                }

                // dorm: one-row queries on 10,000 users.
                let one_row = [
                    "get by primary key",
                    "filter! with three predicates, first()",
                    "count()",
                    "exists()",
                ];
                if one_row.iter().any(|n| plan.wants(n))
                    || plan.wants("dynamic Q (three optional filters), first()")
                {
                    reset(diesel_of::<Conn>(conn));
                    insert_users(
                        diesel_of::<Conn>(conn),
                        &new_users(10_000, |i| Some(if i % 2 == 0 { "black" } else { "brown" })),
                    );
                }
                let pk: i32 = hand::users::table
                    .select(hand::users::id)
                    .order(hand::users::id)
                    .offset(5_000)
                    .first(diesel_of::<Conn>(conn))
                    .unwrap_or(1);
                if plan.wants(one_row[0]) {
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                std::hint::black_box(User::objects().get(pk, c).unwrap());
                            }
                        }),
                        // `get_result`, no `LIMIT`: see GET_NOTE.
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                std::hint::black_box(
                                    hand::users::table
                                        .find(pk)
                                        .get_result::<hand::User>(c)
                                        .unwrap(),
                                );
                            }
                        }),
                        Impl::new("diesel, `find(pk).first()`", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                std::hint::black_box(
                                    hand::users::table.find(pk).first::<hand::User>(c).unwrap(),
                                );
                            }
                        }),
                    ];
                    push_rusqlite(&mut impls, &raw_cell, move |r| {
                        let row = rusqlite_rows(r, "SELECT id, name, hair_color FROM users WHERE id = ?", [pk], |row| user_at(row, 0));
                        std::hint::black_box(row.into_iter().next());
                    });
                    push_sql_query(&mut impls, &cell, move |c: &mut Conn| {
                        let row = diesel::sql_query("SELECT id, name, hair_color FROM users WHERE id = $1")
                            .bind::<diesel::sql_types::Integer, _>(pk)
                            .get_result::<hand::User>(c)
                            .optional()
                            .unwrap();
                        std::hint::black_box(row);
                    });
                    add_workers(&mut impls, workers, "get", pk.to_string());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(one_row[0].to_string(), 1, GET_NOTE, series);
                }
                if plan.wants(one_row[1]) {
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let row = dorm::order_by!(
                                    filter!(
                                        User::objects(),
                                        name = "User 500",
                                        hair_color = "black",
                                        id__gt = 10
                                    ),
                                    id
                                )
                                .first(c)
                                .unwrap();
                                std::hint::black_box(row);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::users::dsl::*;
                                let row = users
                                    .filter(name.eq("User 500"))
                                    .filter(hair_color.eq("black"))
                                    .filter(id.gt(10))
                                    .order(id)
                                    .first::<hand::User>(c)
                                    .optional()
                                    .unwrap();
                                std::hint::black_box(row);
                            }
                        }),
                        Impl::new("diesel (boxed)", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::users::dsl::*;
                                let row = users
                                    .into_boxed()
                                    .filter(name.eq("User 500"))
                                    .filter(hair_color.eq("black"))
                                    .filter(id.gt(10))
                                    .order(id)
                                    .first::<hand::User>(c)
                                    .optional()
                                    .unwrap();
                                std::hint::black_box(row);
                            }
                        }),
                    ];
                    push_rusqlite(&mut impls, &raw_cell, |r| {
                        let row = rusqlite_rows(
                            r,
                            "SELECT id, name, hair_color FROM users WHERE name = ? AND hair_color = ? AND id > ? ORDER BY id LIMIT 1",
                            rusqlite::params!["User 500", "black", 10],
                            |row| user_at(row, 0),
                        );
                        std::hint::black_box(row.into_iter().next());
                    });
                    push_sql_query(&mut impls, &cell, |c: &mut Conn| {
                        use diesel::sql_types::{Integer, Text};
                        let row = diesel::sql_query(
                            "SELECT id, name, hair_color FROM users WHERE name = $1 AND hair_color = $2 AND id > $3 ORDER BY id LIMIT 1",
                        )
                        .bind::<Text, _>("User 500")
                        .bind::<Text, _>("black")
                        .bind::<Integer, _>(10)
                        .get_result::<hand::User>(c)
                        .optional()
                        .unwrap();
                        std::hint::black_box(row);
                    });
                    add_workers(&mut impls, workers, "first", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(one_row[1].to_string(), 1, FILTER_NOTE, series);
                }
                if plan.wants(one_row[2]) {
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                std::hint::black_box(User::objects().all().count(c).unwrap());
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                std::hint::black_box(
                                    hand::users::table.count().get_result::<i64>(c).unwrap(),
                                );
                            }
                        }),
                    ];
                    push_rusqlite(&mut impls, &raw_cell, |r| {
                        let n: i64 = r
                            .prepare_cached("SELECT COUNT(*) FROM users")
                            .unwrap()
                            .query_row([], |row| row.get(0))
                            .unwrap();
                        std::hint::black_box(n);
                    });
                    push_sql_query(&mut impls, &cell, |c: &mut Conn| {
                        let n = diesel::sql_query("SELECT COUNT(*) AS n FROM users")
                            .get_result::<hand::Counted>(c)
                            .unwrap();
                        std::hint::black_box(n.n);
                    });
                    add_workers(&mut impls, workers, "count", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(one_row[2].to_string(), 1, COUNT_NOTE, series);
                }
                if plan.wants(one_row[3]) {
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                std::hint::black_box(
                                    filter!(User::objects(), hair_color = "black")
                                        .exists(c)
                                        .unwrap(),
                                );
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::users::dsl::*;
                                std::hint::black_box(
                                    diesel::select(diesel::dsl::exists(
                                        users.filter(hair_color.eq("black")),
                                    ))
                                    .get_result::<bool>(c)
                                    .unwrap(),
                                );
                            }
                        }),
                    ];
                    push_rusqlite(&mut impls, &raw_cell, |r| {
                        let found: bool = r
                            .prepare_cached(
                                "SELECT EXISTS (SELECT 1 FROM users WHERE hair_color = ?)",
                            )
                            .unwrap()
                            .query_row(["black"], |row| row.get(0))
                            .unwrap();
                        std::hint::black_box(found);
                    });
                    push_sql_query(&mut impls, &cell, |c: &mut Conn| {
                        let found = diesel::sql_query(
                            "SELECT EXISTS (SELECT 1 FROM users WHERE hair_color = $1) AS found",
                        )
                        .bind::<diesel::sql_types::Text, _>("black")
                        .get_result::<hand::Found>(c)
                        .unwrap();
                        std::hint::black_box(found.found);
                    });
                    add_workers(&mut impls, workers, "exists", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(one_row[3].to_string(), 1, EXISTS_NOTE, series);
                }

                // A condition composed at run time (three optional filters, all present):
                // dorm's `DynQ` against diesel's boxed query, and the static forms.
                let name = "dynamic Q (three optional filters), first()".to_string();
                if plan.wants(&name) {
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let (want_name, want_hair, min_id) =
                        (Some("User 500"), Some("black"), Some(10));
                    let mut impls = vec![
                        Impl::new("dorm (DynQ)", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let mut q = dorm::lookups::DynQ::<User>::all();
                                if let Some(n) = want_name {
                                    q = q & dorm::lookups::DynQ::new(q!(name = n.to_string()));
                                }
                                if let Some(h) = want_hair {
                                    q = q & dorm::lookups::DynQ::new(q!(hair_color = h.to_string()));
                                }
                                if let Some(i) = min_id {
                                    q = q & dorm::lookups::DynQ::new(q!(id__gt = i));
                                }
                                let row = dorm::order_by!(User::objects().filter(q), id)
                                    .first(c)
                                    .unwrap();
                                std::hint::black_box(row);
                            }
                        })
                        // A query built at run time: diesel's form for it is a boxed query.
                        .against("diesel (boxed, optional filters)"),
                        Impl::new("dorm (static filter!)", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let row = dorm::order_by!(
                                    filter!(
                                        User::objects(),
                                        name = "User 500",
                                        hair_color = "black",
                                        id__gt = 10
                                    ),
                                    id
                                )
                                .first(c)
                                .unwrap();
                                std::hint::black_box(row);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::users::dsl::*;
                                let row = users
                                    .filter(name.eq("User 500"))
                                    .filter(hair_color.eq("black"))
                                    .filter(id.gt(10))
                                    .order(id)
                                    .first::<hand::User>(c)
                                    .optional()
                                    .unwrap();
                                std::hint::black_box(row);
                            }
                        }),
                        Impl::new("diesel (boxed, optional filters)", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::users::dsl::*;
                                let mut query = users.into_boxed();
                                if let Some(n) = want_name {
                                    query = query.filter(name.eq(n));
                                }
                                if let Some(h) = want_hair {
                                    query = query.filter(hair_color.eq(h));
                                }
                                if let Some(i) = min_id {
                                    query = query.filter(id.gt(i));
                                }
                                let row = query
                                    .order(id)
                                    .first::<hand::User>(c)
                                    .optional()
                                    .unwrap();
                                std::hint::black_box(row);
                            }
                        }),
                    ];
                    // rusqlite: the WHERE clause and its parameters assembled at run time.
                    push_rusqlite(&mut impls, &raw_cell, move |r| {
                        let mut clauses: Vec<&str> = Vec::new();
                        let mut params: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
                        if let Some(n) = want_name {
                            clauses.push("name = ?");
                            params.push(Box::new(n));
                        }
                        if let Some(h) = want_hair {
                            clauses.push("hair_color = ?");
                            params.push(Box::new(h));
                        }
                        if let Some(i) = min_id {
                            clauses.push("id > ?");
                            params.push(Box::new(i));
                        }
                        let mut sql = String::from("SELECT id, name, hair_color FROM users");
                        if !clauses.is_empty() {
                            sql.push_str(" WHERE ");
                            sql.push_str(&clauses.join(" AND "));
                        }
                        sql.push_str(" ORDER BY id LIMIT 1");
                        let row = rusqlite_rows(
                            r,
                            &sql,
                            rusqlite::params_from_iter(params.iter()),
                            |row| user_at(row, 0),
                        );
                        std::hint::black_box(row.into_iter().next());
                    });
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, 1, DYNQ_NOTE, series);
                }

                // select_related: 1,000 posts with their user.
                let name = "select_related, 1,000 posts with their user".to_string();
                if plan.wants(&name) {
                    fill_blog(diesel_of::<Conn>(conn), 100, 10, 0);
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows = dorm::select_related!(Post::objects().all(), user)
                                    .fetch(c)
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let rows = hand::posts::table
                                    .inner_join(hand::users::table)
                                    .load::<(hand::Post, hand::User)>(c)
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("dorm, N+1 explicit fetches", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let posts = Post::objects().all().fetch(c).unwrap();
                                let users: Vec<User> =
                                    posts.iter().map(|p| p.user.fetch(c).unwrap()).collect();
                                std::hint::black_box(users);
                            }
                        }),
                    ];
                    push_rusqlite(&mut impls, &raw_cell, |r| {
                        let rows = rusqlite_rows(
                            r,
                            "SELECT posts.id, posts.user_id, posts.title, posts.body, users.id, users.name, users.hair_color FROM posts INNER JOIN users ON users.id = posts.user_id",
                            [],
                            |row| Ok((post_at(row, 0)?, user_at(row, 4)?)),
                        );
                        std::hint::black_box(rows);
                    });
                    add_workers(&mut impls, workers, "select_related", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, 1_000, SELECT_RELATED_NOTE, series);
                }

                // diesel_bench: loading associations (users, their posts, their comments).
                let mut assoc: Vec<(usize, usize, usize)> = vec![(9, 10, 10), (100, 10, 10)];
                if !plan.quick {
                    assoc.push((50_000, 1, 1));
                }
                for (users, posts, comments) in assoc {
                    let name = format!(
                        "prefetch_related, {users} users -> {posts} posts each -> {comments} comments each"
                    );
                    if !plan.wants(&name) {
                        continue;
                    }
                    fill_blog(diesel_of::<Conn>(conn), users, posts, comments);
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows = dorm::prefetch_related!(
                                    User::objects().all(),
                                    posts,
                                    posts__comments
                                )
                                .fetch(c)
                                .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                let users = hand::users::table.load::<hand::User>(c).unwrap();
                                let mut posts = Vec::new();
                                for chunk in users.chunks($in_chunk) {
                                    posts.extend(
                                        hand::Post::belonging_to(chunk)
                                            .load::<hand::Post>(c)
                                            .unwrap(),
                                    );
                                }
                                let mut comments = Vec::new();
                                for chunk in posts.chunks($in_chunk) {
                                    comments.extend(
                                        hand::Comment::belonging_to(chunk)
                                            .load::<hand::Comment>(c)
                                            .unwrap(),
                                    );
                                }
                                let comments = comments.grouped_by(&posts);
                                let posts = posts.into_iter().zip(comments).grouped_by(&users);
                                let all: Vec<_> = users.into_iter().zip(posts).collect();
                                std::hint::black_box(all);
                            }
                        }),
                    ];
                    push_rusqlite(&mut impls, &raw_cell, |r| {
                        let users = rusqlite_rows(r, "SELECT id, name, hair_color FROM users", [], |row| user_at(row, 0));
                        let keys: Vec<i32> = users.iter().map(|u| u.id).collect();
                        let posts = rusqlite_children(
                            r,
                            "SELECT id, user_id, title, body FROM posts WHERE user_id",
                            &keys,
                            |row| post_at(row, 0),
                        );
                        let keys: Vec<i32> = posts.iter().map(|p| p.id).collect();
                        let comments = rusqlite_children(
                            r,
                            "SELECT id, post_id, text FROM comments WHERE post_id",
                            &keys,
                            |row| {
                                Ok(hand::Comment {
                                    id: row.get(0)?,
                                    post_id: row.get(1)?,
                                    text: row.get(2)?,
                                })
                            },
                        );
                        // diesel's `grouped_by` stitches, as a rusqlite user would borrow it.
                        let comments = comments.grouped_by(&posts);
                        let posts = posts.into_iter().zip(comments).grouped_by(&users);
                        let all: Vec<_> = users.into_iter().zip(posts).collect();
                        std::hint::black_box(all);
                    });
                    add_workers(&mut impls, workers, "prefetch", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, users * (1 + posts + posts * comments), PREFETCH_NOTE, series);
                }

                // Group by: comments counted per post (`values!().annotate!()`), 1M comments
                // (100k with --quick).
                let (group_posts, group_comments) = if plan.quick { (1_000, 100) } else { (10_000, 100) };
                let name = format!(
                    "group by (values!().annotate!(Count)), {} comments",
                    group_posts * group_comments
                );
                if plan.wants(&name) {
                    fill_blog(diesel_of::<Conn>(conn), group_posts / 10, 10, group_comments);
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let pg_cell = RefCell::new(pgraw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows = dorm::annotate!(
                                    dorm::values!(Comment::objects(), post),
                                    n = Count(id)
                                )
                                .fetch(c)
                                .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                use hand::comments::dsl::*;
                                let rows = comments
                                    .group_by(post_id)
                                    .select((post_id, diesel::dsl::count(id)))
                                    .load::<(i32, i64)>(c)
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                    ];
                    if pg_cell.borrow().is_some() {
                        impls.push(Impl::new("postgres (raw driver)", |k| {
                            let mut guard = pg_cell.borrow_mut();
                            let p = guard.as_deref_mut().expect("checked");
                            let stmt = p
                                .prepare("SELECT post_id, COUNT(id) FROM comments GROUP BY post_id")
                                .unwrap();
                            for _ in 0..k {
                                let rows: Vec<(i32, i64)> = p
                                    .query(&stmt, &[])
                                    .unwrap()
                                    .iter()
                                    .map(|r| (r.get(0), r.get(1)))
                                    .collect();
                                std::hint::black_box(rows);
                            }
                        }));
                    }
                    if raw_cell.borrow().is_some() {
                        impls.push(Impl::new("rusqlite", |k| {
                            let mut guard = raw_cell.borrow_mut();
                            let r = guard.as_deref_mut().expect("checked");
                            for _ in 0..k {
                                let mut stmt = r
                                    .prepare_cached(
                                        "SELECT post_id, COUNT(id) FROM comments GROUP BY post_id",
                                    )
                                    .unwrap();
                                let rows: Vec<(i32, i64)> = stmt
                                    .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
                                    .unwrap()
                                    .collect::<Result<_, _>>()
                                    .unwrap();
                                std::hint::black_box(rows);
                            }
                        }));
                    }
                    push_sql_query(&mut impls, &cell, |c: &mut Conn| {
                        let rows = diesel::sql_query(
                            "SELECT post_id, COUNT(id) AS n FROM comments GROUP BY post_id",
                        )
                        .load::<hand::PostCount>(c)
                        .unwrap();
                        std::hint::black_box(rows);
                    });
                    add_workers(&mut impls, workers, "group", String::new());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, group_posts, GROUP_NOTE, series);
                }

                // bulk_create of 10,000 rows.
                let name = "bulk_create, 10,000 rows".to_string();
                if plan.wants(&name) {
                    reset(diesel_of::<Conn>(conn));
                    let cell = RefCell::new(&mut *conn);
                    let raw_cell = RefCell::new(raw.as_deref_mut());
                    let mut impls = vec![
                        Impl::new("dorm", |k| {
                            let c = &mut **cell.borrow_mut();
                            for _ in 0..k {
                                let rows =
                                    User::objects().bulk_create(dorm_users(10_000), c).unwrap();
                                std::hint::black_box(rows);
                            }
                        }),
                        Impl::new("diesel", |k| {
                            let mut g = cell.borrow_mut();
                            let c = diesel_of::<Conn>(&mut g);
                            for _ in 0..k {
                                insert_users(c, &new_users(10_000, |_| Some("hair_color")));
                            }
                        }),
                    ];
                    if raw_cell.borrow().is_some() {
                        impls.push(Impl::new("rusqlite (row by row, one transaction)", |k| {
                            let mut guard = raw_cell.borrow_mut();
                            let r = guard.as_deref_mut().expect("checked");
                            for _ in 0..k {
                                let rows = new_users(10_000, |_| Some("hair_color"));
                                let tx = r.transaction().unwrap();
                                {
                                    let mut stmt = tx
                                        .prepare_cached(
                                            "INSERT INTO users (name, hair_color) VALUES (?, ?)",
                                        )
                                        .unwrap();
                                    for u in &rows {
                                        stmt.execute((&u.name, &u.hair_color)).unwrap();
                                    }
                                }
                                tx.commit().unwrap();
                            }
                        }));
                    }
                    add_workers(&mut impls, workers, "bulk", "10000".to_string());
                    let series = plan.measure(&mut impls);
                    drop(impls);
                    record(name, 10_000, BULK_NOTE, series);
                }
                reset(diesel_of::<Conn>(conn));
            }
        }
    };
}

// Two parameters per user row: 10,000 rows stay under SQLite's 32,766 parameters; an `IN`
// list of keys (`belonging_to`) takes one parameter per key, so up to 32,766.
workloads_for!(
    sqlite,
    diesel::SqliteConnection,
    10_000,
    32_766,
    "DELETE FROM comments; DELETE FROM posts; DELETE FROM users;"
);
// TRUNCATE, not DELETE: dead rows from the insert workloads would slow every scan after them.
// diesel binds `eq_any` of a `Vec` on PostgreSQL as one array (`= ANY($1)`): `belonging_to`
// needs no chunks there.
workloads_for!(
    postgres,
    diesel::PgConnection,
    20_000,
    usize::MAX,
    "TRUNCATE comments, posts, users RESTART IDENTITY"
);
