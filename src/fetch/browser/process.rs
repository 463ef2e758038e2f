//! The Chromium process: found on the PATH (or where `[browser] path` says), started headless
//! with a throwaway profile, tied to our process so that it dies with us, and killed with all
//! its children. Profiles left by a run that was killed outright are cleaned up by the next.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::BrowserError;

/// Names tried on the PATH when `[browser] path` is not set.
const CANDIDATES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];
/// Every profile folder starts with this, then the owner's pid and a dash.
const PROFILE_PREFIX: &str = "feedwright-chromium-";
/// How long Chromium may take to open its DevTools endpoint.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);

/// The Chromium to run: `configured`, else the first of chromium, chromium-browser and
/// google-chrome on the PATH.
pub fn locate(configured: Option<&Path>) -> Result<PathBuf, BrowserError> {
    match configured {
        Some(path) => which::which(path).map_err(|_| BrowserError::NotExecutable(path.into())),
        None => CANDIDATES
            .iter()
            .find_map(|name| which::which(name).ok())
            .ok_or(BrowserError::NotInstalled),
    }
}

/// A running Chromium: its process (leader of its own process group) and its profile folder.
#[derive(Debug)]
pub(super) struct Process {
    child: Child,
    profile: tempfile::TempDir,
}

impl Process {
    /// Starts Chromium and returns it with the DevTools WebSocket address it listens on.
    pub(super) async fn start(executable: &Path) -> Result<(Process, String), BrowserError> {
        reap_leftovers();
        let launch = |detail: String| BrowserError::Launch {
            path: executable.to_path_buf(),
            detail,
        };
        let profile = tempfile::Builder::new()
            .prefix(&format!("{PROFILE_PREFIX}{}-", std::process::id()))
            .tempdir()
            .map_err(|e| launch(format!("cannot create a profile folder: {e}")))?;
        let scratch = profile.path().join("tmp");
        std::fs::create_dir_all(&scratch)
            .map_err(|e| launch(format!("cannot create a profile folder: {e}")))?;
        let mut command = Command::new(executable);
        command
            .args(flags(profile.path()))
            // Chromium's own temporary files live in the profile and go with it.
            .env("TMPDIR", &scratch)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            // Its own process group, so that its renderers can be killed with it.
            .process_group(0);
        // SAFETY: the closure runs in the child between fork and exec and only makes one
        // async-signal-safe system call.
        unsafe {
            command.pre_exec(|| {
                // Killed by the kernel when the thread that started it (a runtime worker,
                // alive as long as we are) ends, even when we are killed outright.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(|e| launch(e.to_string()))?;
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut lines = BufReader::new(stderr).lines();
        let found = tokio::time::timeout(LAUNCH_TIMEOUT, async {
            let mut said = Vec::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(address) = line.trim().strip_prefix("DevTools listening on ") {
                    return Ok(address.to_string());
                }
                said.push(line);
            }
            Err(said.last().cloned().unwrap_or_else(|| "it exited".into()))
        })
        .await;
        let mut process = Process { child, profile };
        let address = match found {
            Ok(Ok(address)) => address,
            Ok(Err(said)) => {
                process.kill();
                return Err(launch(said));
            }
            Err(_) => {
                process.kill();
                return Err(launch(format!(
                    "no DevTools endpoint within {}s",
                    LAUNCH_TIMEOUT.as_secs()
                )));
            }
        };
        // Keep reading what it says, so that a full pipe never blocks it.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::debug!("chromium: {line}");
            }
        });
        Ok((process, address))
    }

    /// Kills Chromium and every process of its group, at once.
    pub(super) fn kill(&mut self) {
        if let Some(pid) = self.child.id().and_then(|id| i32::try_from(id).ok()) {
            // SAFETY: signalling a process group we created; no memory is involved.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
    }

    /// The profile folder (for tests and diagnostics).
    pub(super) fn profile(&self) -> &Path {
        self.profile.path()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Headless, quiet, no first-run or background traffic, images off, a throwaway profile.
fn flags(profile: &Path) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--headless=new",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--disable-dev-shm-usage",
        "--mute-audio",
        // Every tab runs at full speed: a page in a background tab would have its timers
        // throttled and miss its wait.
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--disable-crash-reporter",
        "--disable-breakpad",
        "--hide-scrollbars",
        "--blink-settings=imagesEnabled=false",
        "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,IsolateOrigins,site-per-process,BackForwardCache",
        "--disable-site-isolation-trials",
        "--renderer-process-limit=4",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
    ]
    .map(String::from)
    .to_vec();
    flags.push(format!("--user-data-dir={}", profile.display()));
    // Chromium refuses to run as root with its sandbox.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        flags.push("--no-sandbox".into());
    }
    flags.push("about:blank".into());
    flags
}

/// Kills Chromium processes and removes profiles left by feedwright processes that no longer
/// exist (a run killed outright): processes are told by the profile named on their command line.
fn reap_leftovers() {
    let owner_is_gone = |text: &str| {
        text.split(PROFILE_PREFIX)
            .nth(1)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| {
                pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists()
            })
    };
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            if owner_is_gone(&String::from_utf8_lossy(&cmdline)) {
                tracing::info!("killing Chromium process {pid} left by an earlier run");
                // Its process group holds the processes it started, which need not name the
                // profile (a wrapper script's child, renderers).
                let group = std::fs::read_to_string(entry.path().join("stat"))
                    .ok()
                    .and_then(|stat| {
                        stat.rsplit(')')
                            .next()?
                            .split_whitespace()
                            .nth(2)?
                            .parse::<i32>()
                            .ok()
                    })
                    .filter(|group| *group > 1);
                // SAFETY: signalling processes; no memory is involved.
                unsafe {
                    if let Some(group) = group {
                        libc::kill(-group, libc::SIGKILL);
                    }
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with(PROFILE_PREFIX) && owner_is_gone(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}
