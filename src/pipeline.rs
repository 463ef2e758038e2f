//! One section end to end, and the passes over many sections that `run` and `check` make.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;

use crate::config::{Config, Section, Source};
use crate::extract::{self, Extraction};
use crate::fetch::{Fetcher, Tally};
use crate::model::Item;
use crate::normalize::{self, Context, Draft};
use crate::publish::{self, Written};
use crate::render::{self, FeedMeta, Format, Listed};

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
    /// Items found on the page.
    pub found: usize,
    /// Items not in the section's feed before.
    pub new: usize,
    /// Items in the feed now.
    pub kept: usize,
    /// HTTP requests made.
    pub requests: u32,
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
    /// Ok, or failed with a reason.
    pub status: Status,
}

/// A fatal problem that stops a whole pass.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// The HTTP client could not be built.
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
    /// An index file could not be written.
    #[error("{path}: {source}")]
    Write {
        /// File being written.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// Items gathered from one section's page, not yet dated.
struct Gathered {
    found: usize,
    drafts: Vec<Draft>,
    warnings: Vec<String>,
}

/// Fetches and extracts one section (no writes). The error is a one-line reason.
async fn gather(section: &Section, fetcher: &Fetcher, tally: &Tally) -> Result<Gathered, String> {
    let response = fetcher
        .get(&section.url, tally)
        .await
        .map_err(|e| e.to_string())?;
    check_content_type(section, response.content_type.as_deref(), &response.body)?;
    let mut warnings = Vec::new();
    let raw = match section.source {
        Source::Feed => extract::feed::feed_items(&response.body)
            .map_err(|e| format!("{}: {e}", response.url))?,
        Source::Html => {
            let text = response.text();
            let Extraction { items, matches } =
                extract::extract_items(&text, &section.rules).map_err(|e| e.to_string())?;
            for (field, selector, count) in matches {
                if count == 0 {
                    warnings.push(format!("{field} selector {selector:?} matched nothing"));
                }
            }
            items
        }
    };
    let ctx = Context {
        base: &response.url,
        date_order: section.date_order,
        date_format: section.date_format.as_deref(),
    };
    let found = raw.len();
    let mut seen = HashSet::new();
    let mut drafts = Vec::new();
    for item in &raw {
        match normalize::normalize(item, &ctx) {
            Ok(draft) if !seen.insert(draft.id.clone()) => {
                warnings.push(format!("duplicate link dropped: {}", draft.id));
            }
            Ok(draft) if keep(section, &draft) => drafts.push(draft),
            Ok(_) => {}
            Err(skip) => warnings.push(skip.to_string()),
        }
    }
    let undated = drafts.iter().filter(|d| d.date.is_none()).count();
    if undated > 0 {
        warnings.push(format!(
            "{undated} of {} items have no date (first-seen time used)",
            drafts.len()
        ));
    }
    if found == 0 {
        return Err(format!(
            "{}: no items matched (wrong selectors or a changed layout?)",
            response.url
        ));
    }
    Ok(Gathered {
        found,
        drafts,
        warnings,
    })
}

/// Refuses bodies that cannot be a page or feed: images, media, archives, binary data.
fn check_content_type(
    section: &Section,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(), String> {
    let mime = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let wrong_type = [
        "image/",
        "audio/",
        "video/",
        "font/",
        "application/pdf",
        "application/zip",
    ]
    .iter()
    .any(|prefix| mime.starts_with(prefix));
    let binary = body.iter().take(4096).filter(|&&b| b == 0).count() > 0;
    if wrong_type || binary {
        let what = if wrong_type {
            mime.as_str()
        } else {
            "binary data"
        };
        return Err(format!(
            "{}: not an HTML page or feed ({what})",
            section.url
        ));
    }
    Ok(())
}

/// Applies `include` / `exclude` to an item's title and summary.
fn keep(section: &Section, draft: &Draft) -> bool {
    let text = format!(
        "{}\n{}",
        draft.title,
        draft.summary_html.as_deref().unwrap_or("")
    );
    let included = section.include.is_empty() || section.include.iter().any(|r| r.is_match(&text));
    included && !section.exclude.iter().any(|r| r.is_match(&text))
}

/// Dates drafts and orders them newest first (page order among equal dates), cut to the limits.
fn finish(
    section: &Section,
    max_age_days: Option<u32>,
    drafts: Vec<Draft>,
    now: DateTime<Utc>,
) -> Vec<Item> {
    let mut items: Vec<Item> = drafts
        .into_iter()
        .map(|d| d.into_item(section.timezone, now, now))
        .collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.published));
    if let Some(days) = max_age_days {
        let cutoff = now - chrono::Duration::days(i64::from(days));
        items.retain(|i| i.published >= cutoff);
    }
    items.truncate(section.max_items);
    items
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

/// Runs the selected sections once and writes their feeds, then the index page and OPML.
pub async fn run(
    config: &Config,
    selected: &[&Section],
    now: DateTime<Utc>,
) -> Result<RunReport, PassError> {
    let fetcher = Fetcher::new(&config.fetch.client)?;
    let reports = join_all(
        selected
            .iter()
            .map(|s| run_section(config, s, &fetcher, now)),
    )
    .await;
    let report = RunReport { sections: reports };
    write_listing(config)?;
    Ok(report)
}

async fn run_section(
    config: &Config,
    section: &Section,
    fetcher: &Fetcher,
    now: DateTime<Utc>,
) -> SectionReport {
    let started = Instant::now();
    let tally = Tally::default();
    let mut report = SectionReport {
        section: section.key(),
        found: 0,
        new: 0,
        kept: 0,
        requests: 0,
        written: 0,
        warnings: Vec::new(),
        millis: 0,
        status: Status::Ok,
    };
    match gather(section, fetcher, &tally).await {
        Ok(gathered) => {
            report.found = gathered.found;
            report.warnings = gathered.warnings;
            let items = finish(section, config.output.max_age_days, gathered.drafts, now);
            report.new = items.len();
            report.kept = items.len();
            match write_feeds(config, section, &items) {
                Ok(written) => report.written = written,
                Err(e) => report.status = Status::Failed(e),
            }
        }
        Err(reason) => report.status = Status::Failed(reason),
    }
    report.requests = tally.get();
    report.millis = started.elapsed().as_millis();
    report
}

fn write_feeds(config: &Config, section: &Section, items: &[Item]) -> Result<usize, String> {
    let meta = meta(config, section);
    let mut written = 0;
    for &format in &config.output.formats {
        let path = config.output.dir.join(meta.file(format));
        let bytes = render::render(format, &meta, items);
        match publish::write_if_changed(&path, &bytes) {
            Ok(Written::Changed) => written += 1,
            Ok(Written::Unchanged) => {}
            Err(e) => return Err(format!("{}: cannot write: {e}", path.display())),
        }
    }
    Ok(written)
}

/// Writes `index.html` and `feeds.opml` listing every section that has feed files.
fn write_listing(config: &Config) -> Result<(), PassError> {
    let primary = config.output.formats[0];
    let listed: Vec<Listed> = config
        .sections()
        .map(|section| meta(config, section))
        .filter(|meta| config.output.dir.join(meta.file(primary)).exists())
        .map(|meta| {
            let (items, updated) = feed_stats(&config.output.dir, &meta, primary);
            Listed {
                meta,
                items,
                updated,
            }
        })
        .collect();
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
    ] {
        let path = config.output.dir.join(name);
        publish::write_if_changed(&path, &bytes).map_err(|source| PassError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// Item count and newest date of a section's published feed.
fn feed_stats(dir: &Path, meta: &FeedMeta, format: Format) -> (usize, Option<DateTime<Utc>>) {
    let Ok(bytes) = std::fs::read(dir.join(meta.file(format))) else {
        return (0, None);
    };
    match feed_rs::parser::parse(bytes.as_slice()) {
        Ok(feed) => {
            let newest = feed
                .entries
                .iter()
                .filter_map(|e| e.published.or(e.updated))
                .max();
            (feed.entries.len(), newest)
        }
        Err(_) => (0, None),
    }
}

/// Fetches and extracts the selected sections without writing anything.
pub async fn check(
    config: &Config,
    selected: &[&Section],
    now: DateTime<Utc>,
) -> Result<Vec<CheckReport>, PassError> {
    let fetcher = Fetcher::new(&config.fetch.client)?;
    let reports = join_all(selected.iter().map(|section| {
        let fetcher = &fetcher;
        async move {
            let tally = Tally::default();
            match gather(section, fetcher, &tally).await {
                Ok(g) => CheckReport {
                    section: section.key(),
                    items: finish(section, config.output.max_age_days, g.drafts, now),
                    warnings: g.warnings,
                    status: Status::Ok,
                },
                Err(reason) => CheckReport {
                    section: section.key(),
                    items: Vec::new(),
                    warnings: Vec::new(),
                    status: Status::Failed(reason),
                },
            }
        }
    }))
    .await;
    Ok(reports)
}
