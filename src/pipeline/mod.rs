//! Passes over many sections: `run` (fetch, merge into history, write feeds) and `check`
//! (fetch and extract only). One section's journey is in [`section`].

mod enrich;
mod robots;
mod section;
mod watch;

pub use watch::watch;

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;

use crate::config::{Config, Section};
use crate::fetch::Fetcher;
use crate::model::Item;
use crate::publish;
use crate::render::{self, FeedMeta, Format, Listed};
use crate::store::{self, Retention, RunEntry, Store, StoreError};
use robots::RobotsGate;

/// How one section ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "lowercase")]
pub enum Status {
    /// Feeds written (or already up to date).
    Ok,
    /// Nothing written; the reason names the URL or rule.
    Failed(String),
}

/// The outcome of one section in a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SectionReport {
    /// `site/section`.
    pub section: String,
    /// Items found on the page (0 when it was not modified).
    pub found: usize,
    /// Items new to the section's history.
    pub new: usize,
    /// Items in the feed now.
    pub kept: usize,
    /// HTTP requests made, robots.txt included.
    pub requests: u32,
    /// Answers that were 304 Not Modified.
    pub not_modified: u32,
    /// Feed files rewritten.
    pub written: usize,
    /// Skipped items, empty selectors, undated items.
    pub warnings: Vec<String>,
    /// Wall time in milliseconds.
    pub millis: u128,
    /// Ok or failed with a reason.
    #[serde(flatten)]
    pub status: Status,
}

/// What a whole `run` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    /// One entry per selected section, in config order.
    pub sections: Vec<SectionReport>,
}

impl RunReport {
    /// 0 when every section succeeded, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.sections.iter().all(|s| s.status == Status::Ok) {
            0
        } else {
            1
        }
    }
}

/// One section's items as `check` shows them.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// `site/section`.
    pub section: String,
    /// Items newest first.
    pub items: Vec<Item>,
    /// Warnings about the page and its items.
    pub warnings: Vec<String>,
    /// How many elements each configured selector matched: field, selector, count.
    pub matches: Vec<(&'static str, String, usize)>,
    /// Ok, or failed with a reason.
    pub status: Status,
}

/// A fatal problem that stops a whole pass.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// The HTTP client could not be built.
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
    /// The state could not be opened or locked.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Signal handlers could not be installed.
    #[error("cannot listen for signals: {0}")]
    Signals(std::io::Error),
    /// An index file could not be written.
    #[error("{path}: {source}")]
    Write {
        /// File being written.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// Told about each section as a pass goes on (progress bars, log lines).
pub trait Observer: Sync {
    /// A section starts.
    fn started(&self, _section: &str) {}
    /// A section ended.
    fn finished(&self, _report: &SectionReport) {}
}

/// An observer that says nothing.
pub struct Silent;

impl Observer for Silent {}

/// What every section of a run shares.
struct Shared<'a> {
    config: &'a Config,
    fetcher: Fetcher,
    robots: RobotsGate<'a>,
    store: &'a Mutex<Store>,
    now: DateTime<Utc>,
}

fn retention(config: &Config, section: &Section) -> Retention {
    Retention {
        max_items: section.max_items,
        max_age_days: config.output.max_age_days,
    }
}

fn meta(config: &Config, section: &Section) -> FeedMeta {
    FeedMeta {
        site_title: section.site_title.clone(),
        section_title: section.title.clone(),
        page_url: section.url.clone(),
        stem: format!("{}/{}", section.site_id, section.id),
        base_url: config.output.base_url.clone(),
    }
}

/// Runs the selected sections once: fetch, merge into history, write feeds, then the index
/// page and OPML. Holds the state lock throughout; `now` should have whole seconds.
pub async fn run(
    config: &Config,
    selected: &[&Section],
    now: DateTime<Utc>,
    observer: &dyn Observer,
) -> Result<RunReport, PassError> {
    let _lock = store::lock(&config.state_path)?;
    let store = Mutex::new(Store::open(&config.state_path)?);
    let shared = Shared {
        config,
        fetcher: Fetcher::new(&config.fetch.client)?,
        robots: RobotsGate::new(
            config.fetch.robots_txt,
            &config.fetch.client.user_agent,
            Some(&store),
            now,
        ),
        store: &store,
        now,
    };
    let reports = join_all(selected.iter().map(|s| async {
        observer.started(&s.key());
        let report = section::run(&shared, s).await;
        observer.finished(&report);
        report
    }))
    .await;
    let entries: Vec<RunEntry> = reports.iter().map(run_entry).collect();
    let mut store = store.into_inner().expect("store lock");
    store.log_run(now, Utc::now(), &entries)?;
    write_listing(config, &store, now)?;
    Ok(RunReport { sections: reports })
}

/// A section's report as the run log keeps it.
fn run_entry(r: &SectionReport) -> RunEntry {
    RunEntry {
        section: r.section.clone(),
        failure: match &r.status {
            Status::Ok => None,
            Status::Failed(reason) => Some(reason.clone()),
        },
        found: r.found,
        new: r.new,
        kept: r.kept,
        requests: r.requests,
        not_modified: r.not_modified,
    }
}

/// Writes `index.html` and `feeds.opml` listing every section that has feed files, and the
/// feeds' stylesheet.
fn write_listing(config: &Config, store: &Store, now: DateTime<Utc>) -> Result<(), PassError> {
    let primary = config.output.formats[0];
    let mut listed = Vec::new();
    for section in config.sections() {
        let meta = meta(config, section);
        if !config.output.dir.join(meta.file(primary)).exists() {
            continue;
        }
        let (items, updated) =
            store.feed_summary(&section.key(), retention(config, section), now)?;
        listed.push(Listed {
            meta,
            items,
            updated,
        });
    }
    let title = "Feeds";
    let opml_format = if config.output.formats.contains(&Format::Rss) {
        Format::Rss
    } else {
        primary
    };
    for (name, bytes) in [
        (
            "index.html",
            render::index_html(title, &config.output.formats, &listed),
        ),
        ("feeds.opml", render::opml(title, opml_format, &listed)),
        (render::STYLE_FILE, render::STYLE_XSL.as_bytes().to_vec()),
    ] {
        let path = config.output.dir.join(name);
        publish::write_if_changed(&path, &bytes).map_err(|source| PassError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// Fetches and extracts the selected sections without writing anything (no feeds, no state).
pub async fn check(
    config: &Config,
    selected: &[&Section],
    now: DateTime<Utc>,
) -> Result<Vec<CheckReport>, PassError> {
    let fetcher = Fetcher::new(&config.fetch.client)?;
    let robots = RobotsGate::new(
        config.fetch.robots_txt,
        &config.fetch.client.user_agent,
        None,
        now,
    );
    let reports = join_all(
        selected
            .iter()
            .map(|s| section::check(s, &fetcher, &robots, now)),
    )
    .await;
    Ok(reports)
}

/// Fetches one page (politely, with default settings) and runs item detection on it.
pub async fn suggest(url: &url::Url) -> Result<crate::extract::detect::Detection, String> {
    let settings = Config::parse("", std::path::Path::new("suggest")).map_err(|e| e.to_string())?;
    let fetcher = Fetcher::new(&settings.fetch.client).map_err(|e| e.to_string())?;
    let tally = crate::fetch::Tally::default();
    let robots = RobotsGate::new(true, &settings.fetch.client.user_agent, None, Utc::now());
    robots.check(url, &fetcher, &tally).await?;
    let response = fetcher.get(url, &tally).await.map_err(|e| e.to_string())?;
    let document = scraper::Html::parse_document(&response.text());
    Ok(crate::extract::detect::detect(&document, &response.url))
}
