//! Test support: a real HTTP server on 127.0.0.1 serving fixtures, and helpers to run the
//! binary against a config pointing at it.
#![allow(dead_code)]

pub mod app;
pub mod moto;
pub mod real;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;

/// A listing page with two stories.
pub const LIST: &str = r#"<html><body><ul><li><a href="/a/1">A story of the day</a></li><li><a href="/a/2">Another story of the day</a></li></ul></body></html>"#;

/// One canned answer.
#[derive(Clone, Debug)]
pub struct Route {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay_ms: u64,
    /// Answer 304 when the request's If-None-Match equals this ETag (sent as `ETag`).
    pub etag: Option<String>,
    /// Without this header (name, a text its value must contain), answer the other route.
    pub gate: Option<(String, String, Box<Route>)>,
}

impl Route {
    /// 200 with a body and a content type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Route {
        Route {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay_ms: 0,
            etag: None,
            gate: None,
        }
    }

    /// 200 `text/html` (no charset) with a fixture file's bytes.
    pub fn fixture(name: &str) -> Route {
        Route::ok("text/html", fixture(name))
    }

    /// A bare status with no body.
    pub fn status(status: u16) -> Route {
        Route {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay_ms: 0,
            etag: None,
            gate: None,
        }
    }

    /// Serves an ETag and answers 304 to a request that presents it.
    pub fn with_etag(mut self, etag: &str) -> Route {
        self.etag = Some(etag.into());
        self.headers.push(("etag".into(), etag.into()));
        self
    }

    /// Answers `otherwise` to a request whose `name` header does not contain `value`.
    pub fn unless(mut self, name: &str, value: &str, otherwise: Route) -> Route {
        self.gate = Some((name.into(), value.into(), Box::new(otherwise)));
        self
    }

    /// Answers only after `ms` milliseconds.
    pub fn delayed(mut self, ms: u64) -> Route {
        self.delay_ms = ms;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Route {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request the server saw.
#[derive(Clone, Debug)]
pub struct Hit {
    pub path: String,
    pub at: Instant,
    pub headers: HeaderMap,
    pub method: String,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct Shared {
    routes: Mutex<HashMap<String, Route>>,
    hits: Mutex<Vec<Hit>>,
}

/// A fixture server on 127.0.0.1 with a random port, running on its own thread.
pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Starts an empty server (every path 404 until routed).
    pub fn start() -> Server {
        Server::start_at("127.0.0.1")
    }

    /// Starts an empty server on one loopback address (`127.0.0.2`…), for tests that need
    /// several hosts.
    pub fn start_at(ip: &str) -> Server {
        let bind = format!("{ip}:0");
        let shared = Arc::new(Shared::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let state = shared.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(bind.as_str()).await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = Router::new().fallback(answer).with_state(state);
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        Server { addr, shared }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Answers `path` (with query, if any) with `route` from now on.
    pub fn route(&self, path: &str, route: Route) {
        self.shared
            .routes
            .lock()
            .unwrap()
            .insert(path.into(), route);
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.shared.hits.lock().unwrap().clone()
    }

    /// Forgets the requests seen so far.
    pub fn clear_hits(&self) {
        self.shared.hits.lock().unwrap().clear();
    }

    /// How many requests asked for `path`.
    pub fn hits_of(&self, path: &str) -> usize {
        self.hits().iter().filter(|h| h.path == path).count()
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request<Body>) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
    let at = Instant::now();
    let method = request.method().to_string();
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let request = Request::from_parts(parts, Body::empty());
    shared.hits.lock().unwrap().push(Hit {
        path: path.clone(),
        at,
        headers: request.headers().clone(),
        method,
        body,
    });
    let route = shared.routes.lock().unwrap().get(&path).cloned();
    let Some(mut route) = route else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("not found"))
            .unwrap();
    };
    if let Some((name, value, otherwise)) = route.gate.clone() {
        let present = request
            .headers()
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(value.as_str()));
        if !present {
            route = *otherwise;
        }
    }
    if route.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(route.delay_ms)).await;
    }
    let presented = request
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok());
    if route.etag.is_some() && presented == route.etag.as_deref() {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap();
    }
    let mut builder = Response::builder().status(route.status);
    for (name, value) in &route.headers {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(route.body)).unwrap()
}

/// The bytes of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A temporary project folder holding `config.toml`.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// Writes `config` (the `[output]` and `[fetch]` tables are prepended) into a new folder.
    pub fn new(body: &str) -> Project {
        Project::with_fetch("", body)
    }

    /// Like [`Project::new`], with extra `[fetch]` lines.
    pub fn with_fetch(fetch: &str, body: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let key = |line: &str| line.split('=').next().unwrap_or("").trim().to_string();
        let overrides: Vec<String> = fetch.lines().map(key).collect();
        let defaults = [
            "timeout_secs = 5",
            "host_delay_ms = 0",
            "retries = 0",
            "robots_txt = false",
        ];
        let kept: Vec<&str> = defaults
            .into_iter()
            .filter(|l| !overrides.contains(&key(l)))
            .collect();
        let config = format!(
            "[output]\nbase_url = \"https://feeds.example.org/\"\n\n[fetch]\n{}\n{fetch}\n\n{body}",
            kept.join("\n")
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Project { dir }
    }

    /// Writes a config file exactly as given.
    pub fn raw(config: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Project { dir }
    }

    /// Path of the config file.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Path inside the output folder.
    pub fn feed(&self, name: &str) -> PathBuf {
        self.dir.path().join("feeds").join(name)
    }

    /// Runs `feedwright <args> --config <config>`.
    pub fn cmd(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        assert_cmd::Command::cargo_bin("feedwright")
            .unwrap()
            .args(args)
            .arg("--config")
            .arg(self.config())
            .env_remove("FEEDWRIGHT_CONFIG")
            .assert()
    }

    /// Runs `feedwright check --json` expecting success; returns what it printed.
    pub fn check_json(&self) -> serde_json::Value {
        self.json(&["check", "--json"])
    }

    /// Runs `feedwright status --json` (it must succeed); returns its sections.
    pub fn status_json(&self) -> serde_json::Value {
        self.json(&["status", "--json"])
    }

    /// Runs a command that must succeed and prints JSON; returns it.
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let output = self.cmd(args).success().get_output().clone();
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// Runs `feedwright run --json` expecting exit `code`; returns the report.
    pub fn run_json(&self, code: i32) -> serde_json::Value {
        let output = self.cmd(&["run", "--json"]).code(code).get_output().clone();
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// Reads one output feed with the independent feed-rs parser.
    pub fn parse(&self, name: &str) -> feed_rs::model::Feed {
        let bytes = std::fs::read(self.feed(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// One output file as text.
    pub fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.feed(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }
}

/// Runs `feedwright <args>` without a config; returns its exit code, stdout and stderr.
pub fn feedwright(args: &[&str]) -> (Option<i32>, String, String) {
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(args)
        .env_remove("FEEDWRIGHT_CONFIG")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The three formats' file names for `site/section`.
pub fn feed_files(stem: &str) -> [String; 3] {
    [
        format!("{stem}.xml"),
        format!("{stem}.atom"),
        format!("{stem}.json"),
    ]
}

/// A bare TCP server for answers no well-behaved HTTP server gives: each connection's request
/// head is read, then `answer` writes whatever bytes it likes.
pub struct RawServer {
    pub addr: SocketAddr,
}

impl RawServer {
    /// Starts answering every connection with `answer`.
    pub fn start(answer: impl Fn(&mut std::net::TcpStream) + Send + Sync + 'static) -> RawServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let answer = answer.clone();
                std::thread::spawn(move || {
                    use std::io::Read;
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                        head.push(byte[0]);
                    }
                    answer(&mut stream);
                });
            }
        });
        RawServer { addr }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}
