//! The app as a person meets it: `feedwright serve` started on a loopback port, and Debian's
//! Chromium driven over the DevTools protocol.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use chromiumoxide::Browser;
use futures_util::StreamExt;

/// The first thing a process says on `stderr` that `find` reads (`what`, for the message when
/// it never does); the rest of its output is read and dropped on a thread of its own.
fn said<T>(stderr: ChildStderr, what: &str, find: impl Fn(&str) -> Option<T>) -> T {
    let mut lines = BufReader::new(stderr).lines();
    let found = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("ended before it printed {what}"))
            .unwrap();
        if let Some(found) = find(&line) {
            break found;
        }
    };
    std::thread::spawn(move || for _ in lines {});
    found
}

/// A running `feedwright serve`, stopped when dropped.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Served {
    /// Starts `feedwright serve --config CONFIG --addr ADDR` and waits until it listens.
    pub fn start(config: &Path, addr: &str) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_feedwright"))
            .args(["serve", "--addr", addr, "--config"])
            .arg(config)
            .env_remove("FEEDWRIGHT_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let base = said(child.stderr.take().unwrap(), "its address", |line| {
            let rest = line.split("http://").nth(1)?;
            Some(format!("http://{}", rest.split('/').next()?))
        });
        Served { child, base }
    }

    /// `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The flags headless Chromium needs on this machine (root, no GPU, no network of its own).
pub const HEADLESS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

/// Debian's chromium on the PATH, if there is one.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|dir| Path::new(dir).join(name))
                .find(|p| p.is_file())
        })
}

/// A headless Chromium with a DevTools connection, killed when dropped.
pub struct Chrome {
    process: Child,
    _profile: tempfile::TempDir,
    /// The DevTools client.
    pub browser: Browser,
}

impl Chrome {
    /// Starts Chromium; `None` (and a note) without one, which fails under CI.
    pub async fn start() -> Option<Chrome> {
        let Some(binary) = chromium() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install chromium (see .ci/run)"
            );
            eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let mut process = Command::new(binary)
            .args(HEADLESS)
            .args([
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                // Sandboxed frames in the page's own process, where the DevTools client sees
                // them (tests click inside the builder's page frame).
                "--disable-site-isolation-trials",
                "--disable-features=IsolateSandboxedIframes,site-per-process",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let address = said(
            process.stderr.take().unwrap(),
            "its DevTools address",
            |line| {
                Some(
                    line.trim()
                        .strip_prefix("DevTools listening on ")?
                        .to_string(),
                )
            },
        );
        let (browser, mut handler) = Browser::connect(address).await.unwrap();
        tokio::spawn(async move { while handler.next().await.is_some() {} });
        Some(Chrome {
            process,
            _profile: profile,
            browser,
        })
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Waits up to `limit` for `test` to give something.
pub async fn eventually<T, F: Future<Output = Option<T>>>(
    limit: Duration,
    what: &str,
    mut test: impl FnMut() -> F,
) -> T {
    let start = Instant::now();
    loop {
        if let Some(found) = test().await {
            return found;
        }
        assert!(start.elapsed() < limit, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
