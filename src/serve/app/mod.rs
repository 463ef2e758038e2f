//! The local app: the dashboard (`/`), the builder (`/build`) and their JSON API (`/api/…`),
//! served only on a loopback address. Its pages are plain HTML, CSS and JavaScript modules
//! embedded in the binary (`assets/`); they request nothing off this server.
//!
//! - `sections.rs`: the dashboard's sections, saving a section into the config, running one.
//! - `build.rs`: the builder's page loading, candidates and clicks.
//! - `preview.rs`: the live preview, through `check`'s own path.
//! - `snapshot.rs`: a loaded page, numbered and disarmed for the builder's frame.
//!
//! Safety: every request must name this server in `Host` (no DNS rebinding); writes carry
//! the page's per-process token; the snapshot frame is sandboxed with a policy that lets it
//! request nothing.

mod build;
mod preview;
mod sections;
mod snapshot;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::mpsc::UnboundedSender;

use crate::config::{Config, ConfigError};
use crate::pipeline::{Request as WatchRequest, Workbench};
use snapshot::Snapshot;

/// The header that carries the page's token on writes.
pub const TOKEN_HEADER: &str = "X-Feedwright-Token";

/// What the app needs from whoever starts the server.
#[derive(Debug)]
pub struct AppSettings {
    /// The config file the app reads and writes (it may not exist yet).
    pub config_path: PathBuf,
    /// How "run it now" runs a section.
    pub runner: Runner,
}

/// How the app runs a section now.
#[derive(Debug, Clone)]
pub enum Runner {
    /// A pass of its own over that section (`serve`).
    Alone,
    /// Asks the `watch` it is served beside (`watch --serve`).
    Watch(UnboundedSender<WatchRequest>),
}

/// The app's state, shared by its handlers.
struct App {
    config_path: PathBuf,
    runner: Runner,
    token: String,
    /// The addresses `Host` may name.
    hosts: Vec<String>,
    /// The config text as the app last read it (what a save must still find on disk).
    seen: Mutex<String>,
    snapshots: Mutex<VecDeque<Arc<Snapshot>>>,
    bench: Workbench,
}

/// Most snapshots kept.
const SNAPSHOTS: usize = 8;

impl App {
    /// The config file's text now (empty when there is none) and what it loads as; the text
    /// becomes the one a save must find unchanged.
    fn read_config(&self) -> (String, Result<Config, ConfigError>) {
        let text = match self.config_text() {
            Ok(text) => text,
            Err(e) => return (String::new(), Err(e)),
        };
        *self.seen.lock().expect("never poisoned") = text.clone();
        let config = Config::parse(&text, &self.config_path);
        (text, config)
    }

    /// The config as it loads now, without marking it read.
    fn config_now(&self) -> Result<(String, Config), ConfigError> {
        let text = self.config_text()?;
        let config = Config::parse(&text, &self.config_path)?;
        Ok((text, config))
    }

    /// The config file's text (empty when there is none yet).
    fn config_text(&self) -> Result<String, ConfigError> {
        crate::config::text_of(&self.config_path)
    }

    fn keep_snapshot(&self, snapshot: Snapshot) -> Arc<Snapshot> {
        let snapshot = Arc::new(snapshot);
        let mut kept = self.snapshots.lock().expect("never poisoned");
        if kept.len() == SNAPSHOTS {
            kept.pop_front();
        }
        kept.push_back(snapshot.clone());
        snapshot
    }

    fn snapshot(&self, id: &str) -> Result<Arc<Snapshot>, Response> {
        self.snapshots
            .lock()
            .expect("never poisoned")
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .ok_or_else(|| {
                error(
                    StatusCode::NOT_FOUND,
                    "no such page loaded (the app keeps the last 8): load it again",
                )
            })
    }
}

/// The app's router for a server listening on `addr`.
pub(super) fn router(settings: AppSettings, addr: SocketAddr) -> std::io::Result<Router> {
    // The client and browser settings of the config as it is at start (the defaults when it
    // is missing or does not load: the dashboard then says why).
    let config = crate::config::text_of(&settings.config_path)
        .and_then(|text| Config::parse(&text, &settings.config_path))
        .or_else(|_| Config::parse("", &settings.config_path))
        .expect("the defaults load");
    let bench = Workbench::new(&config).map_err(std::io::Error::other)?;
    let port = addr.port();
    let app = Arc::new(App {
        config_path: settings.config_path,
        runner: settings.runner,
        token: token()?,
        hosts: vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
            addr.to_string(),
        ],
        seen: Mutex::default(),
        snapshots: Mutex::default(),
        bench,
    });
    let _ = app.read_config();
    Ok(Router::new()
        .route("/", get(dashboard))
        .route("/build", get(builder))
        .route("/_app/{file}", get(asset))
        .route("/api/sections", get(sections::list).post(sections::save))
        .route("/api/run", post(sections::run))
        .route("/api/detect", post(build::detect))
        .route("/api/snapshot/{id}", get(build::snapshot))
        .route("/api/pick", post(build::pick))
        .route("/api/field", post(build::field))
        .route("/api/article", post(build::article))
        .route("/api/preview", post(preview::preview))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app))
}

/// The app's paths on a server that is not on a loopback address: 403, in words.
pub(super) fn refused() -> Router {
    let no = || async {
        error(
            StatusCode::FORBIDDEN,
            "the app is served on loopback addresses only",
        )
    };
    Router::new()
        .route("/", get(no))
        .route("/build", get(no))
        .route("/_app/{*rest}", get(no))
        .route("/api/{*rest}", get(no).post(no))
}

/// A per-process secret from the system's random source.
fn token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    // SAFETY: getrandom writes at most `bytes.len()` bytes into the buffer it is given.
    let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if usize::try_from(n).ok() != Some(bytes.len()) {
        return Err(std::io::Error::last_os_error());
    }
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Refuses a request whose `Host` is not this server (DNS rebinding), and a write without the
/// page's token.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return error(
            StatusCode::FORBIDDEN,
            "this app answers only requests addressed to its own loopback address",
        );
    }
    let path = request.uri().path();
    let writes = request.method() == axum::http::Method::POST
        && matches!(path, "/api/sections" | "/api/run");
    if writes && !has_token(request.headers(), &app.token) {
        return error(
            StatusCode::FORBIDDEN,
            "missing or wrong X-Feedwright-Token: reload the app's page and try again",
        );
    }
    next.run(request).await
}

fn has_token(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == token)
}

/// `{"error": "…"}` with `code`.
fn error(code: StatusCode, message: impl Into<String>) -> Response {
    (
        code,
        axum::Json(serde_json::json!({ "error": message.into() })),
    )
        .into_response()
}

/// The policy of the app's own pages: everything from this server, nothing from anywhere
/// else.
const PAGE_POLICY: &str = "default-src 'self'; img-src 'self' data:; frame-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

async fn dashboard(State(app): State<Arc<App>>) -> Response {
    page(&app, include_str!("assets/dashboard.html"))
}

async fn builder(State(app): State<Arc<App>>) -> Response {
    page(&app, include_str!("assets/build.html"))
}

/// One of the app's pages, with the token filled in; loading it reads the config.
fn page(app: &App, template: &str) -> Response {
    let _ = app.read_config();
    let html = template.replace("{{token}}", &app.token).replace(
        "{{config}}",
        &html_escape::encode_double_quoted_attribute(&app.config_path.display().to_string()),
    );
    html_page(html, PAGE_POLICY)
}

/// An HTML page that is never cached, under `policy`.
fn html_page(html: String, policy: &str) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_SECURITY_POLICY, policy)
        .header("X-Content-Type-Options", "nosniff")
        .body(Body::from(html))
        .expect("valid response")
}

/// The app's scripts and style sheet.
async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.css" => (include_str!("assets/app.css"), "text/css; charset=utf-8"),
        "common.js" => (
            include_str!("assets/common.js"),
            "text/javascript; charset=utf-8",
        ),
        "dashboard.js" => (
            include_str!("assets/dashboard.js"),
            "text/javascript; charset=utf-8",
        ),
        "build.js" => (
            include_str!("assets/build.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return error(StatusCode::NOT_FOUND, "no such file"),
    };
    Response::builder()
        .header(header::CONTENT_TYPE, kind)
        .header(header::CACHE_CONTROL, "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .body(Body::from(body))
        .expect("valid response")
}
