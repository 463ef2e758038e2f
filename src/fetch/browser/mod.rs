//! Pages built by JavaScript: `render = "browser"` loads the page in headless Chromium and
//! hands on the DOM its scripts built, as a [`Response`] like any fetched page.
//!
//! One browser per [`Renderer`], started on first need and closed by [`Renderer::close`]
//! (and killed with its whole process group when dropped, or by the kernel when we die).
//! At most `tabs` pages are open at once. The page's own requests are limited: only http(s);
//! images, media and fonts are never loaded; frames from other hosts are blocked; scripts,
//! styles and data requests may come from any host (pages load their code from CDNs and their
//! items from API hosts). The page load itself waits for its host's turn and is counted like
//! any request. A browser that crashes or hangs is started again once; after a second failure
//! its sections fail for the rest of the run.

mod network;
mod page;
mod process;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chromiumoxide::error::CdpError;
use chromiumoxide::handler::HandlerConfig;
use futures_util::StreamExt;
use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinHandle;
use url::Url;

use super::{FetchError, Fetcher, Profile, Response, Tally};
pub use process::locate;

/// `[browser]` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The Chromium executable; `None`: the first of chromium, chromium-browser, google-chrome
    /// on the PATH.
    pub path: Option<PathBuf>,
    /// Pages rendered at once.
    pub tabs: usize,
}

/// How one page is rendered.
#[derive(Debug, Clone, Copy)]
pub struct RenderRequest<'a> {
    /// Wait until this CSS selector matches; `None`: the load event, then a quiet network.
    pub wait_for: Option<&'a str>,
    /// `User-Agent` of the page and its requests.
    pub user_agent: &'a str,
    /// The site's headers and cookies, sent to its own hosts only.
    pub profile: &'a Profile,
    /// The longest the whole render may take.
    pub timeout: Duration,
}

/// Why a page could not be rendered.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BrowserError {
    /// No Chromium on the PATH.
    #[error("render = \"browser\" needs Chromium: apt-get install chromium, or set [browser] path")]
    NotInstalled,
    /// `[browser] path` is not an executable.
    #[error("[browser] path {0:?} is not an executable Chromium")]
    NotExecutable(PathBuf),
    /// Chromium did not start.
    #[error("cannot start Chromium ({}): {detail}", path.display())]
    Launch {
        /// The executable.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// Chromium failed again after it was restarted: its sections fail for this run.
    #[error("Chromium failed twice in this run ({0}); browser sections fail until the next")]
    Broken(String),
    /// The page did not load, or `wait_for` did not match, in time.
    #[error("{url}: {what} within {seconds}s")]
    Timeout {
        /// The page.
        url: Url,
        /// What did not happen.
        what: String,
        /// The time it had.
        seconds: u64,
    },
    /// The browser refused or broke off a page.
    #[error("{url}: {detail}")]
    Page {
        /// The page.
        url: Url,
        /// What the browser said.
        detail: String,
    },
    /// The page's own answer was not a success (an error status): the same failure as over
    /// plain HTTP.
    #[error(transparent)]
    Answer(#[from] FetchError),
}

/// The browser of a run, started on first need.
#[derive(Debug)]
pub struct Renderer {
    settings: Settings,
    tabs: Semaphore,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    running: Option<Arc<Running>>,
    generation: u64,
    restarted: bool,
    broken: Option<String>,
}

/// A started browser: the DevTools connection, the task that drives it, and the process.
#[derive(Debug)]
struct Running {
    browser: chromiumoxide::Browser,
    driver: JoinHandle<()>,
    /// Set when the DevTools connection is gone: the browser died.
    dead: Arc<AtomicBool>,
    process: std::sync::Mutex<process::Process>,
    generation: u64,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Renderer {
    /// A renderer that starts Chromium when the first page asks for it.
    pub fn new(settings: Settings) -> Self {
        Renderer {
            tabs: Semaphore::new(settings.tabs.max(1)),
            settings,
            state: Mutex::default(),
        }
    }

    /// Loads `url` in the browser, counting its requests in `tally`; the host spacing of
    /// `fetcher` applies to the page load.
    pub async fn render(
        &self,
        url: &Url,
        request: &RenderRequest<'_>,
        fetcher: &Fetcher,
        tally: &Tally,
    ) -> Result<Response, BrowserError> {
        loop {
            let running = self.running().await?;
            let outcome = {
                let _tab = self.tabs.acquire().await.expect("never closed");
                page::render(&running.browser, url, request, fetcher, tally).await
            };
            let broken = outcome.broken.or_else(|| {
                running
                    .dead
                    .load(Ordering::SeqCst)
                    .then(|| "the DevTools connection was lost".to_string())
            });
            match broken {
                None => return outcome.result,
                Some(why) => {
                    tracing::warn!("Chromium stopped answering: {why}");
                    let may_retry = self.give_up_on(&running, why).await;
                    if !(outcome.retry && may_retry) {
                        return outcome.result;
                    }
                }
            }
        }
    }

    /// The profile folder of the running browser, if one runs (it names the processes).
    pub async fn profile(&self) -> Option<PathBuf> {
        let state = self.state.lock().await;
        let running = state.running.as_ref()?;
        let process = running.process.lock().expect("never poisoned");
        Some(process.profile().to_path_buf())
    }

    /// Closes the browser, if one was started, and waits until its processes are gone.
    pub async fn close(&self) {
        let running = self.state.lock().await.running.take();
        if let Some(running) = running {
            let close = running
                .browser
                .execute(chromiumoxide::cdp::browser_protocol::browser::CloseParams::default());
            let _ = tokio::time::timeout(Duration::from_secs(5), close).await;
            running.process.lock().expect("never poisoned").kill();
        }
    }

    /// The running browser, started if need be.
    async fn running(&self) -> Result<Arc<Running>, BrowserError> {
        let mut state = self.state.lock().await;
        if let Some(why) = &state.broken {
            return Err(BrowserError::Broken(why.clone()));
        }
        if let Some(running) = state
            .running
            .as_ref()
            .filter(|r| !r.dead.load(Ordering::SeqCst))
        {
            return Ok(running.clone());
        }
        let executable = locate(self.settings.path.as_deref())?;
        let (process, address) = process::Process::start(&executable).await?;
        let config = HandlerConfig {
            ignore_https_errors: false,
            request_timeout: Duration::from_secs(120),
            ..HandlerConfig::default()
        };
        let (browser, mut handler) = chromiumoxide::Browser::connect_with_config(address, config)
            .await
            .map_err(|e| BrowserError::Launch {
                path: executable.clone(),
                detail: e.to_string(),
            })?;
        let dead = Arc::new(AtomicBool::new(false));
        let driver = {
            let dead = dead.clone();
            tokio::spawn(async move {
                while let Some(event) = handler.next().await {
                    match event {
                        Err(CdpError::Ws(e)) => {
                            tracing::debug!("DevTools connection lost: {e}");
                            break;
                        }
                        Err(e) => tracing::debug!("DevTools connection: {e}"),
                        Ok(()) => {}
                    }
                }
                // Dropping the handler fails every command still waiting for an answer.
                dead.store(true, Ordering::SeqCst);
            })
        };
        state.generation += 1;
        let running = Arc::new(Running {
            browser,
            driver,
            dead,
            process: std::sync::Mutex::new(process),
            generation: state.generation,
        });
        state.running = Some(running.clone());
        Ok(running)
    }

    /// Gives up on a browser that stopped answering (once, however many of its pages noticed);
    /// returns whether a new one may be started.
    async fn give_up_on(&self, failed: &Running, why: String) -> bool {
        let mut state = self.state.lock().await;
        if state
            .running
            .as_ref()
            .is_some_and(|r| r.generation == failed.generation)
        {
            retire(&mut state, why);
        }
        state.broken.is_none()
    }
}

/// Kills the running browser. The first time, the next page starts a new one; after that,
/// browser sections fail for the rest of the run.
fn retire(state: &mut State, why: String) {
    if let Some(running) = state.running.take() {
        running.process.lock().expect("never poisoned").kill();
    }
    if state.restarted {
        state.broken = Some(why);
    } else {
        state.restarted = true;
    }
}
