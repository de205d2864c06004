//! Connecting: timeouts against a server that never answers, URLs that are refused, and
//! passwords that never reach an error.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use dorm::db::PoolOptions;
use dorm::Error;

/// A local server that accepts TCP connections and never says a word.
struct SilentServer {
    port: u16,
}

impl SilentServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            for stream in listener.incoming().flatten() {
                // Read what the client sends, answer nothing, keep the socket open.
                let _ = stream.set_nonblocking(true);
                let _ = (&stream).read(&mut [0u8; 256]);
                held.push(stream);
            }
        });
        SilentServer { port }
    }

    fn url(&self, query: &str) -> String {
        format!("postgres://dorm@127.0.0.1:{}/test{query}", self.port)
    }
}

/// Runs `f` on a thread and fails the test if it has not returned within `limit`: a hang is
/// reported as a failure instead of blocking the suite.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("still waiting after {limit:?}: the call hangs"))
}

fn assert_connection_error(result: dorm::Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(e @ Error::Connection { .. }) => e.to_string(),
        other => panic!("expected Error::Connection, got {other:?}"),
    }
}

#[test]
fn connecting_to_a_server_that_never_answers_times_out_with_the_urls_timeout() {
    let server = SilentServer::start();
    let url = server.url("?connect_timeout=2");
    let started = Instant::now();
    let message = within(Duration::from_secs(30), move || {
        assert_connection_error(dorm::connect(&url))
    });
    assert!(started.elapsed() >= Duration::from_secs(1), "{message}");
    assert!(message.contains("timeout"), "{message}");
}

#[test]
fn connecting_without_a_timeout_in_the_url_uses_the_default() {
    let server = SilentServer::start();
    let url = server.url("");
    let started = Instant::now();
    within(
        dorm::db::DEFAULT_CONNECT_TIMEOUT + Duration::from_secs(20),
        move || assert_connection_error(dorm::connect(&url)),
    );
    assert!(started.elapsed() >= dorm::db::DEFAULT_CONNECT_TIMEOUT - Duration::from_secs(1));
}

#[test]
fn creating_a_pool_never_blocks_past_its_timeout() {
    let server = SilentServer::start();
    // The URL asks for a minute; the pool's own timeout is what bounds it.
    let url = server.url("?connect_timeout=60");
    let started = Instant::now();
    within(Duration::from_secs(20), move || {
        assert_connection_error(dorm::Pool::with_options(
            &url,
            PoolOptions {
                connection_timeout: Duration::from_millis(500),
                ..Default::default()
            },
        ))
    });
    assert!(started.elapsed() < Duration::from_secs(10));
    // An explicit connect timeout in the options wins too.
    let url = server.url("");
    within(Duration::from_secs(20), move || {
        assert_connection_error(dorm::Pool::with_options(
            &url,
            PoolOptions {
                connect_timeout: Some(Duration::from_millis(300)),
                ..Default::default()
            },
        ))
    });
}

#[test]
fn sqlite_with_no_path_is_refused() {
    for url in ["sqlite://", "sqlite:", "sqlite://  "] {
        let message = assert_connection_error(dorm::connect(url));
        assert!(message.contains("sqlite::memory:"), "{message}");
    }
    assert!(dorm::connect("sqlite::memory:").is_ok());
}

/// Every form a password takes in a database URL.
const SECRET_URLS: &[(&str, &str)] = &[
    ("postgres://dorm:hunter2@127.0.0.1:1/test", "hunter2"),
    ("postgres://dorm:hun%74er2@127.0.0.1:1/test", "hun%74er2"),
    (
        "postgres://dorm:p%40ss%3Aw0rd@127.0.0.1:1/test",
        "p@ss:w0rd",
    ),
    (
        "postgres://dorm@127.0.0.1:1/test?password=hunter2",
        "hunter2",
    ),
    (
        "postgres://dorm@127.0.0.1:1/test?sslmode=disable&password=hunter2",
        "hunter2",
    ),
    (
        "postgresql://dorm:hunter2@127.0.0.1:1,127.0.0.1:2/test",
        "hunter2",
    ),
    (
        "host=127.0.0.1 port=1 user=dorm password=hunter2 dbname=test",
        "hunter2",
    ),
    (
        "host=127.0.0.1 port=1 password='hunter 2' dbname=test",
        "hunter 2",
    ),
    ("mysql://dorm:hunter2@127.0.0.1/test", "hunter2"),
    ("dorm:hunter2@nowhere", "hunter2"),
];

#[test]
fn passwords_never_appear_in_errors_or_debug_output() {
    for (url, secret) in SECRET_URLS {
        let error = dorm::connect(url).unwrap_err();
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(secret), "{url}: {text}");
        }
        assert!(!dorm::db::redact(url).contains(secret), "{url}");
        let error = dorm::Pool::with_options(
            url,
            PoolOptions {
                connection_timeout: Duration::from_secs(5),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(!format!("{error} {error:?}").contains(secret), "{url}");
    }
}

#[test]
fn a_pools_debug_output_has_no_password() {
    // A reachable database whose URL carries a password SQLite ignores is not possible, so
    // check the pool of a real server when one is configured.
    let Ok(base) = std::env::var("DORM_TEST_POSTGRES_URL") else {
        return;
    };
    let url = format!(
        "{base}{}password=never-shown",
        if base.contains('?') { '&' } else { '?' }
    );
    let pool = dorm::Pool::new(&url).unwrap();
    assert!(!format!("{pool:?}").contains("never-shown"));
    let conn = pool.get().unwrap();
    assert!(!format!("{conn:?}").contains("never-shown"));
}
