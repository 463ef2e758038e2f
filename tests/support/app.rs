//! The app as a person meets it: `feedwright serve` started on a loopback port, and Debian's
//! Chromium driven over the DevTools protocol.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chromiumoxide::Browser;
use futures_util::StreamExt;

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
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let base = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.split("http://").nth(1) {
                break format!("http://{}", rest.split('/').next().unwrap());
            }
        };
        std::thread::spawn(move || for _ in lines {});
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
        let mut lines = BufReader::new(process.stderr.take().unwrap()).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("chromium printed its DevTools address")
                .unwrap();
            if let Some(address) = line.trim().strip_prefix("DevTools listening on ") {
                break address.to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
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
