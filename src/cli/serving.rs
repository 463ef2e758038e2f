//! The long-running commands: `watch` (with the server beside it under `--serve`) and
//! `serve` (the output folder, and the app on a loopback address).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use feedwright::config::{self, Config, Shard};
use feedwright::pipeline::{self, Monitor};
use feedwright::serve::{Serving, app};

use super::commands::{load_shard, pass_failed};
use super::progress::Lines;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, logging, report, runtime, signals};

/// `feedwright watch`: the scheduler, until SIGINT or SIGTERM, with the server beside it
/// when `serve` names an address; returns the exit code.
pub(super) fn watch(
    config_path: Option<PathBuf>,
    shard: Option<Shard>,
    serve: Option<SocketAddr>,
    verbose: bool,
) -> i32 {
    let path = config::default_path(config_path);
    let config = match load_shard(Some(path.clone()), shard) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let count = config.select(&[]).map_or(0, |s| s.len());
    eprintln!(
        "watching {count} {} of {}",
        report::plural(count, "section"),
        path.display()
    );
    let monitor = Arc::new(Monitor::new(Arc::new(config.clone())));
    runtime::general().block_on(async {
        let (ask, requests) = match signals::watch_requests() {
            Ok(requests) => requests,
            Err(code) => return code,
        };
        let (stop_serving, served) = tokio::sync::oneshot::channel::<()>();
        let server = match serve {
            Some(addr) => {
                let serving =
                    match serving(&config, &path, monitor.clone(), app::Runner::Watch(ask)) {
                        Ok(serving) => serving,
                        Err(code) => return code,
                    };
                match listen(addr).await {
                    Ok(listener) => Some(tokio::spawn(feedwright::serve::serve(
                        serving,
                        listener,
                        async {
                            let _ = served.await;
                        },
                    ))),
                    Err(code) => return code,
                }
            }
            None => None,
        };
        let observer = Lines::new(false, verbose);
        let watched = pipeline::watch(path, config, monitor, requests, &observer).await;
        if let Some(server) = server {
            let _ = stop_serving.send(());
            let _ = server.await;
        }
        match watched {
            Ok(()) => EXIT_OK,
            Err(e) => pass_failed(&e),
        }
    })
}

/// What the server of `serve` and `watch --serve` answers for `config`, read from `path`.
fn serving(
    config: &Config,
    path: &std::path::Path,
    monitor: Arc<Monitor>,
    runner: app::Runner,
) -> Result<Serving, i32> {
    let root = pipeline::serve_root(config).map_err(|e| {
        eprintln!("error: {}", logging::redact(&e.to_string()));
        EXIT_USAGE
    })?;
    Ok(Serving {
        root,
        monitor,
        app: app::AppSettings {
            config_path: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            runner,
        },
    })
}

/// Listens on `addr` and says where (and whether the app answers there).
async fn listen(addr: SocketAddr) -> Result<tokio::net::TcpListener, i32> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        eprintln!("error: cannot serve on {addr}: {e}");
        EXIT_FAILED
    })?;
    let addr = listener.local_addr().unwrap_or(addr);
    if addr.ip().is_loopback() {
        eprintln!("serving on http://{addr}/ (the app: dashboard at /, builder at /build)");
    } else {
        eprintln!(
            "serving the output folder on http://{addr}/ (the app answers on loopback addresses only)"
        );
    }
    Ok(listener)
}

/// `feedwright serve`: the output folder and, on a loopback address, the app, until SIGINT or
/// SIGTERM, which let the answers under way finish; returns the exit code. A missing config
/// file or one without sections is fine here: the app is where a first section is made.
pub(super) fn serve(config_path: Option<PathBuf>, addr: SocketAddr) -> i32 {
    let path = config::default_path(config_path);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "no config file at {} yet: the app's builder creates it with the first section",
                path.display()
            );
            String::new()
        }
        Err(e) => {
            eprintln!("error: {}: cannot read config: {e}", path.display());
            return EXIT_USAGE;
        }
    };
    let config = match Config::parse(&text, &path) {
        Ok(config) => config,
        Err(e) => {
            report::error(&e);
            return EXIT_USAGE;
        }
    };
    logging::hide(&config.secrets);
    let monitor = Arc::new(Monitor::new(Arc::new(config.clone())));
    let serving = match serving(&config, &path, monitor, app::Runner::Alone) {
        Ok(serving) => serving,
        Err(code) => return code,
    };
    runtime::general().block_on(async {
        let stop = match signals::stop() {
            Ok(stop) => stop,
            Err(code) => return code,
        };
        let listener = match listen(addr).await {
            Ok(listener) => listener,
            Err(code) => return code,
        };
        match feedwright::serve::serve(serving, listener, stop).await {
            Ok(()) => {
                eprintln!("stopped serving");
                EXIT_OK
            }
            Err(e) => {
                eprintln!("error: serving on {addr}: {e}");
                EXIT_FAILED
            }
        }
    })
}
