//! `watch`: every section on its own `every` interval (±10 % jitter), one pass at start,
//! never two runs of one section at once, failures backing off (also across restarts, from
//! the run log); config changes picked up without a restart; a stop request lets what is in
//! flight finish, then returns. With the state in object storage, a snapshot is uploaded (and
//! the lease renewed) every minute or third of the lease, and at the end. Signals are the
//! binary's business: it turns them into [`Request`]s.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{SubsecRound, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use super::error::PassError;
use super::listing::write_listing;
use super::load::Loader;
use super::monitor::Monitor;
use super::outputs;
use super::schedule::Schedule;
use super::{Observer, SectionReport, Shared, WatchEvent, check_out, run_entry, section};
use crate::config::{Config, Section, Target};
use crate::fetch::Fetcher;
use crate::fetch::browser::Renderer;
use crate::publish::{Output, PublishError};
use crate::store::{self, Access, Checkout, Store, StoreError};

/// What the operator asks of a running `watch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Read the config again now (SIGHUP, or the app after a save).
    Reload,
    /// Run this section (`site/section`) now, whatever its schedule (the app's "run it now").
    RunNow(String),
    /// Start nothing new, let what is in flight finish, and return (SIGINT, SIGTERM).
    Stop,
}

/// Longest time between two uploads of a state kept in object storage.
const STATE_UPLOAD: Duration = Duration::from_secs(60);

/// Uploads a snapshot of the open store in place of the state in object storage and renews
/// the lease.
fn upload(
    checkout: &mut Checkout,
    store: &Mutex<Store>,
    lease: Duration,
) -> Result<(), StoreError> {
    let snapshot = |path: &Path| store.lock().expect("store lock").snapshot(path);
    checkout.sync(snapshot, lease, Utc::now().trunc_subsecs(0))
}

/// How often the config file's modification time is looked at.
const CONFIG_POLL: Duration = Duration::from_secs(2);

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs one section with its own robots view and clock, sharing the client and the store.
async fn run_one(
    config: Arc<Config>,
    key: String,
    fetcher: Fetcher,
    renderer: Arc<Renderer>,
    store: Arc<Mutex<Store>>,
    output: Arc<Output>,
) -> (Arc<Config>, SectionReport) {
    let now = Utc::now().trunc_subsecs(0);
    let section = config
        .sections()
        .find(|s| s.key() == key)
        .expect("scheduled sections exist");
    let shared = Arc::new(Shared {
        config: config.clone(),
        loader: Loader::sharing(config.clone(), fetcher, renderer, Some(store.clone()), now),
        store,
        output,
        now,
    });
    let report = section::run(&shared, section).await;
    (config.clone(), report)
}

/// Watches the sections of the config at `path` until a [`Request::Stop`] arrives (or every
/// sender is gone), counting each section's runs in `monitor`.
pub async fn watch(
    path: PathBuf,
    initial: Config,
    monitor: Arc<Monitor>,
    mut requests: UnboundedReceiver<Request>,
    observer: &dyn Observer,
) -> Result<(), PassError> {
    let lease = initial.state_lease;
    let (mut checkout, state_path) = check_out(&initial, Utc::now().trunc_subsecs(0))?;
    let _lock = store::lock(&state_path)?;
    let mut opened = Store::open_as(&state_path, Access::Shared)?;
    if let Some(reseeded) = super::reshard::reseed(&initial, &mut opened)? {
        observer.event(&WatchEvent::Reseeded(&reseeded));
    }
    // Failures in a row before this start, so that a failing section keeps backing off.
    let streaks = opened.failure_streaks()?;
    let store = Arc::new(Mutex::new(opened));
    let mut config = Arc::new(initial);
    let mut fetcher = Fetcher::new(&config.fetch.client)?;
    let mut renderer = Arc::new(Renderer::new(config.browser.clone()));
    let mut output = Arc::new(outputs::open(&config)?);
    monitor.set_config(config.clone());

    let mut schedule = Schedule::default();
    let mut running: HashSet<String> = HashSet::new();
    let mut in_flight = FuturesUnordered::new();
    let mut poll = tokio::time::interval(CONFIG_POLL);
    let mut uploads = tokio::time::interval_at(
        Instant::now() + STATE_UPLOAD.min(lease / 3),
        STATE_UPLOAD.min(lease / 3).max(Duration::from_secs(1)),
    );
    let mut seen_mtime = modified(&path);
    let mut stopping = false;

    // This shard's sections, worked out again when the config changes.
    let shard_keys = |config: &Config| -> Vec<String> {
        config
            .select(&[])
            .unwrap_or_default()
            .into_iter()
            .map(Section::key)
            .collect()
    };
    let mut keys = shard_keys(&config);
    loop {
        let now = Instant::now();
        schedule.retain(&keys);
        if !stopping {
            for key in keys.clone() {
                if !schedule.knows(&key) {
                    let failures = streaks.get(&key).copied().unwrap_or(0);
                    let auto = store
                        .lock()
                        .expect("store lock")
                        .schedule(&key)
                        .ok()
                        .flatten();
                    schedule.admit(&key, now, failures, auto);
                }
                if schedule.is_due(&key, now) && running.insert(key.clone()) {
                    observer.started(&key);
                    in_flight.push(run_one(
                        config.clone(),
                        key,
                        fetcher.clone(),
                        renderer.clone(),
                        store.clone(),
                        output.clone(),
                    ));
                }
            }
        }
        if stopping && in_flight.is_empty() {
            break;
        }
        let next_due = schedule
            .next_due(|key| !running.contains(key))
            .unwrap_or(now + Duration::from_secs(3600));

        tokio::select! {
            Some((ran_with, report)) = in_flight.next() => {
                running.remove(&report.section);
                observer.finished(&report);
                monitor.record(&report);
                let store = store.lock().expect("store lock");
                if let Some(section) = ran_with.sections().find(|s| s.key() == report.section) {
                    let auto = schedule.finished(&report, section.every, &ran_with.watch, Instant::now());
                    if let Some(every) = auto
                        && let Err(e) = store.save_schedule(&report.section, every)
                    {
                        tracing::warn!("{}: schedule: {e}", report.section);
                    }
                }
                let stamp = Utc::now().trunc_subsecs(0);
                if let Err(e) = store.log_run(stamp, stamp, &[run_entry(&ran_with, &report)]) {
                    tracing::warn!("run log: {e}");
                }
                // The listing covers every section: write it once a burst of runs is over,
                // not after each of a thousand sections of the first pass.
                if in_flight.is_empty() {
                    // Every section's summary is read from the state.
                    let shown = HashMap::new();
                    if let Err(e) = write_listing(&config, &output, &store, stamp, true, &shown) {
                        observer.event(&WatchEvent::ListingFailed(&e));
                    }
                    if let Err(e) = output.sync() {
                        tracing::warn!("{e}");
                    }
                }
            }
            _ = tokio::time::sleep_until(next_due), if !stopping => {}
            request = requests.recv(), if !stopping => match request {
                Some(Request::Reload) => {
                    seen_mtime = modified(&path);
                    reload(&path, &mut config, &mut fetcher, &mut renderer, &mut output, observer).await;
                    monitor.set_config(config.clone());
                    keys = shard_keys(&config);
                }
                Some(Request::RunNow(key)) => schedule.due_now(&key, Instant::now()),
                Some(Request::Stop) | None => stopping = true,
            },
            _ = uploads.tick(), if checkout.is_some() => {
                if let Some(checkout) = checkout.as_mut() {
                    match upload(checkout, &store, lease) {
                        Err(lost @ StoreError::Lost { .. }) => return Err(lost.into()),
                        Err(e) => tracing::warn!("state not uploaded, trying again: {e}"),
                        Ok(()) => {}
                    }
                }
            }
            _ = poll.tick() => {
                let mtime = modified(&path);
                if mtime != seen_mtime {
                    seen_mtime = mtime;
                    reload(&path, &mut config, &mut fetcher, &mut renderer, &mut output, observer).await;
                    monitor.set_config(config.clone());
                    keys = shard_keys(&config);
                }
            }
        }
    }
    renderer.close().await;
    if let Some(checkout) = checkout.as_mut() {
        upload(checkout, &store, lease)?;
    }
    observer.event(&WatchEvent::Stopped);
    Ok(())
}

/// The folder `serve` and `watch --serve` serve: the output folder (object storage is served
/// by its own host).
pub fn serve_root(config: &Config) -> Result<PathBuf, PassError> {
    match &config.output.dir {
        Target::Folder(path) => Ok(path.clone()),
        Target::Bucket(url) => Err(PassError::Write(PublishError {
            location: url.to_string(),
            message: "serving needs a folder output; object storage is served by its own host"
                .into(),
        })),
    }
}

/// Re-reads the config; a bad one is reported and the old one kept. New `[browser]` settings
/// close the browser; the next page starts one with them.
async fn reload(
    path: &Path,
    config: &mut Arc<Config>,
    fetcher: &mut Fetcher,
    renderer: &mut Arc<Renderer>,
    output: &mut Arc<Output>,
    observer: &dyn Observer,
) {
    let new = match Config::load(path) {
        Ok(new) => new.with_shard(config.shard),
        Err(e) => return observer.event(&WatchEvent::ReloadFailed(&e)),
    };
    if new.state_path != config.state_path || new.state_url != config.state_url {
        observer.event(&WatchEvent::StatePathChanged);
    }
    if new.fetch.client != config.fetch.client {
        match Fetcher::new(&new.fetch.client) {
            Ok(rebuilt) => *fetcher = rebuilt,
            Err(e) => observer.event(&WatchEvent::ClientKept(&e)),
        }
    }
    if new.output.dir != config.output.dir
        || new.output.cache_control != config.output.cache_control
    {
        match outputs::open(&new) {
            Ok(opened) => *output = Arc::new(opened),
            Err(e) => observer.event(&WatchEvent::OutputKept(&e)),
        }
    }
    if new.browser != config.browser {
        renderer.close().await;
        *renderer = Arc::new(Renderer::new(new.browser.clone()));
    }
    observer.event(&WatchEvent::Reloaded {
        sections: new.sections().count(),
        secrets: &new.secrets,
    });
    *config = Arc::new(new);
}
