//! The HTTP server of `serve` and `watch --serve`: the output folder (`files.rs`), `/metrics`
//! and `/healthz` from the pipeline's [`Monitor`], and, on a loopback address, the local app
//! ([`app`]: dashboard, builder and their API). Listening anywhere else, the app's paths
//! answer 403: the builder fetches pages on the user's behalf, and a public fetcher would be
//! an open proxy.
//!
//! The server reads the pipeline; the pipeline never knows it is served.

pub mod app;
mod files;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use files::{DEFAULT_ADDR, content_type_for, resolve};

use crate::pipeline::Monitor;

/// What one server answers.
#[derive(Debug)]
pub struct Serving {
    /// The output folder.
    pub root: PathBuf,
    /// `/metrics` and `/healthz`.
    pub monitor: Arc<Monitor>,
    /// The local app; it answers only when the server listens on a loopback address.
    pub app: app::AppSettings,
}

/// Serves `serving` on `listener` (bound by the caller, who can tell its address) until
/// `shutdown` resolves, letting the answers under way finish.
pub async fn serve(
    serving: Serving,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let router = router(serving, addr)?;
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// The whole router for a server listening on `addr`.
fn router(serving: Serving, addr: SocketAddr) -> std::io::Result<Router> {
    let probes = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(health))
        .with_state(serving.monitor);
    let app = if addr.ip().is_loopback() {
        app::router(serving.app, addr)?
    } else {
        app::refused()
    };
    Ok(probes
        .merge(app)
        .fallback_service(files::router(serving.root)))
}

async fn metrics(State(monitor): State<Arc<Monitor>>) -> Response {
    let answer = tokio::task::spawn_blocking(move || monitor.metrics()).await;
    match answer {
        Ok(Ok(text)) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            text,
        )
            .into_response(),
        Ok(Err(e)) => plain(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, String::new()),
    }
}

async fn health(State(monitor): State<Arc<Monitor>>) -> Response {
    match tokio::task::spawn_blocking(move || monitor.health()).await {
        Ok(Ok(text)) => plain(StatusCode::OK, text),
        Ok(Err(text)) => plain(StatusCode::SERVICE_UNAVAILABLE, text),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, String::new()),
    }
}

/// A plain-text answer that is never cached.
fn plain(code: StatusCode, body: String) -> Response {
    (
        code,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
