//! sqlx's side of every workload, as its documentation writes them: `query_as` into
//! `#[derive(FromRow)]` structs, `query_scalar`, `QueryBuilder::push_values` for multi-row
//! inserts, statements cached on one connection (`persistent`, sqlx's default). Each call runs
//! under the runtime's `block_on`, as from blocking code.

use std::hint::black_box;

use sqlx::{Connection, Row};
use tokio::runtime::Runtime;

use crate::worker::{new_users, Work};

/// A user.
#[derive(Debug, sqlx::FromRow)]
#[allow(dead_code)] // read by `black_box` only, as every implementation's rows
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A post.
#[derive(Debug, sqlx::FromRow)]
#[allow(dead_code)] // read by `black_box` only, as every implementation's rows
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}

/// A comment.
#[derive(Debug, sqlx::FromRow)]
#[allow(dead_code)] // read by `black_box` only, as every implementation's rows
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub text: String,
}

const MEDIUM: &str = "SELECT users.id, users.name, users.hair_color, posts.id, posts.user_id, posts.title, posts.body FROM users LEFT OUTER JOIN posts ON posts.user_id = users.id WHERE users.hair_color = $1";
const SELECT_RELATED: &str = "SELECT posts.id, posts.user_id, posts.title, posts.body, users.id, users.name, users.hair_color FROM posts INNER JOIN users ON users.id = posts.user_id";
const GET: &str = "SELECT id, name, hair_color FROM users WHERE id = $1";
const FIRST: &str = "SELECT id, name, hair_color FROM users WHERE name = $1 AND hair_color = $2 AND id > $3 ORDER BY id LIMIT 1";
const EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM users WHERE hair_color = $1)";
const GROUP: &str = "SELECT post_id, COUNT(id) FROM comments GROUP BY post_id";

/// Groups `children` by their parent key, in the order of `parents`.
fn stitch<P, C>(parents: &[P], key: impl Fn(&P) -> i32, children: Vec<(i32, C)>) -> Vec<Vec<C>> {
    let index: std::collections::HashMap<i32, usize> = parents
        .iter()
        .enumerate()
        .map(|(i, p)| (key(p), i))
        .collect();
    let mut grouped: Vec<Vec<C>> = parents.iter().map(|_| Vec::new()).collect();
    for (parent, child) in children {
        if let Some(&i) = index.get(&parent) {
            grouped[i].push(child);
        }
    }
    grouped
}

/// The workloads on one backend's connection type; `$children` loads the rows of a child
/// table whose foreign key is among some keys, the backend's best way.
macro_rules! backend {
    ($name:ident, $conn:ty, $db:ty, $children:path) => {
        /// The workloads on this backend.
        pub mod $name {
            use super::*;

            /// One connection, driven by a current-thread runtime.
            pub struct Peer {
                rt: Runtime,
                conn: $conn,
                chunk: usize,
            }

            impl Peer {
                /// Connects; `setup` runs once (search path, pragmas).
                pub fn connect(url: &str, setup: &str, chunk: usize) -> Result<Peer, String> {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| e.to_string())?;
                    let conn = rt.block_on(async {
                        let mut conn = <$conn>::connect(url).await?;
                        if !setup.is_empty() {
                            sqlx::raw_sql(sqlx::AssertSqlSafe(setup.to_string())).execute(&mut conn).await?;
                        }
                        Ok::<_, sqlx::Error>(conn)
                    });
                    let conn = conn.map_err(|e| format!("{url}: {e}"))?;
                    Ok(Peer { rt, conn, chunk })
                }

                /// Runs `work` once.
                pub fn once(&mut self, work: Work) -> Result<(), sqlx::Error> {
                    let chunk = self.chunk;
                    let conn = &mut self.conn;
                    self.rt.block_on(async move {
                        match work {
                            Work::Trivial => {
                                let rows: Vec<User> =
                                    sqlx::query_as("SELECT id, name, hair_color FROM users")
                                        .fetch_all(&mut *conn)
                                        .await?;
                                black_box(rows);
                            }
                            Work::Medium => {
                                let rows = sqlx::query(MEDIUM)
                                    .bind("black")
                                    .fetch_all(&mut *conn)
                                    .await?;
                                let rows = rows
                                    .iter()
                                    .map(|r| {
                                        let user = User {
                                            id: r.try_get(0)?,
                                            name: r.try_get(1)?,
                                            hair_color: r.try_get(2)?,
                                        };
                                        let post = match r.try_get::<Option<i32>, _>(3)? {
                                            None => None,
                                            Some(id) => Some(Post {
                                                id,
                                                user_id: r.try_get(4)?,
                                                title: r.try_get(5)?,
                                                body: r.try_get(6)?,
                                            }),
                                        };
                                        Ok((user, post))
                                    })
                                    .collect::<Result<Vec<_>, sqlx::Error>>()?;
                                black_box(rows);
                            }
                            Work::Insert(1) => {
                                // One row: reading the new key back, as dorm and the
                                // baseline do; `fetch_all` steps the statement to its end,
                                // where SQLite commits and runs its WAL auto-checkpoint (a
                                // `fetch_one` would leave both to the statement's reset).
                                let (name, hair) = new_users(1).next().expect("one row");
                                let id: Vec<i32> = sqlx::query_scalar(
                                    "INSERT INTO users (name, hair_color) VALUES ($1, $2) RETURNING id",
                                )
                                .bind(name)
                                .bind(hair)
                                .fetch_all(&mut *conn)
                                .await?;
                                black_box(id);
                            }
                            Work::Insert(n) => insert(conn, n, n).await?,
                            Work::Bulk(n) => insert(conn, n, chunk).await?,
                            Work::Get(pk) => {
                                let row: Option<User> = sqlx::query_as(GET)
                                    .bind(pk)
                                    .fetch_optional(&mut *conn)
                                    .await?;
                                black_box(row);
                            }
                            Work::Count => {
                                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                                    .fetch_one(&mut *conn)
                                    .await?;
                                black_box(n);
                            }
                            Work::Exists => {
                                let found: bool = sqlx::query_scalar(EXISTS)
                                    .bind("black")
                                    .fetch_one(&mut *conn)
                                    .await?;
                                black_box(found);
                            }
                            Work::First => {
                                let row: Option<User> = sqlx::query_as(FIRST)
                                    .bind("User 500")
                                    .bind("black")
                                    .bind(10)
                                    .fetch_optional(&mut *conn)
                                    .await?;
                                black_box(row);
                            }
                            Work::SelectRelated => {
                                let rows = sqlx::query(SELECT_RELATED).fetch_all(&mut *conn).await?;
                                let rows = rows
                                    .iter()
                                    .map(|r| {
                                        Ok((
                                            Post {
                                                id: r.try_get(0)?,
                                                user_id: r.try_get(1)?,
                                                title: r.try_get(2)?,
                                                body: r.try_get(3)?,
                                            },
                                            User {
                                                id: r.try_get(4)?,
                                                name: r.try_get(5)?,
                                                hair_color: r.try_get(6)?,
                                            },
                                        ))
                                    })
                                    .collect::<Result<Vec<_>, sqlx::Error>>()?;
                                black_box(rows);
                            }
                            Work::Prefetch => {
                                let users: Vec<User> =
                                    sqlx::query_as("SELECT id, name, hair_color FROM users")
                                        .fetch_all(&mut *conn)
                                        .await?;
                                let keys: Vec<i32> = users.iter().map(|u| u.id).collect();
                                let posts: Vec<Post> = $children(
                                    conn,
                                    "SELECT id, user_id, title, body FROM posts WHERE user_id",
                                    &keys,
                                )
                                .await?;
                                let keys: Vec<i32> = posts.iter().map(|p| p.id).collect();
                                let comments: Vec<Comment> = $children(
                                    conn,
                                    "SELECT id, post_id, text FROM comments WHERE post_id",
                                    &keys,
                                )
                                .await?;
                                let comments = comments.into_iter().map(|c| (c.post_id, c)).collect();
                                let comments = stitch(&posts, |p| p.id, comments);
                                let posts: Vec<(i32, (Post, Vec<Comment>))> = posts
                                    .into_iter()
                                    .zip(comments)
                                    .map(|(p, c)| (p.user_id, (p, c)))
                                    .collect();
                                let posts = stitch(&users, |u| u.id, posts);
                                let all: Vec<(User, Vec<(Post, Vec<Comment>)>)> =
                                    users.into_iter().zip(posts).collect();
                                black_box(all);
                            }
                            Work::Group => {
                                let rows: Vec<(i32, i64)> =
                                    sqlx::query_as(GROUP).fetch_all(&mut *conn).await?;
                                black_box(rows);
                            }
                        }
                        Ok(())
                    })
                }
            }

            /// `n` users in INSERTs of at most `chunk` rows (`QueryBuilder::push_values`).
            async fn insert(conn: &mut $conn, n: usize, chunk: usize) -> Result<(), sqlx::Error> {
                let mut rows = new_users(n).peekable();
                while rows.peek().is_some() {
                    let mut q =
                        sqlx::QueryBuilder::<$db>::new("INSERT INTO users (name, hair_color) ");
                    q.push_values(rows.by_ref().take(chunk), |mut b, (name, hair)| {
                        b.push_bind(name).push_bind(hair);
                    });
                    q.build().execute(&mut *conn).await?;
                }
                Ok(())
            }
        }
    };
}

backend!(
    sqlite,
    sqlx::SqliteConnection,
    sqlx::Sqlite,
    sqlite_children
);
backend!(postgres, sqlx::PgConnection, sqlx::Postgres, pg_children);

/// Rows of a child table whose key is among `keys`, on PostgreSQL: one array parameter
/// (`= ANY($1)`), no chunks.
async fn pg_children<T>(
    conn: &mut sqlx::PgConnection,
    select: &str,
    keys: &[i32],
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{select} = ANY($1)")))
        .bind(keys)
        .fetch_all(conn)
        .await
}

/// The same on SQLite: `IN` lists under its 32,766 parameters.
async fn sqlite_children<T>(
    conn: &mut sqlx::SqliteConnection,
    select: &str,
    keys: &[i32],
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let mut out = Vec::new();
    for chunk in keys.chunks(32_766) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(select);
        q.push(" IN (");
        let mut list = q.separated(", ");
        for &k in chunk {
            list.push_bind(k);
        }
        list.push_unseparated(")");
        out.extend(q.build_query_as::<T>().fetch_all(&mut *conn).await?);
    }
    Ok(out)
}
