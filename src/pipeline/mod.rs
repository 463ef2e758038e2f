//! Passes over many sections: `run` (fetch, merge into history, write feeds), `check` (fetch
//! and extract only), `watch` (run each section on its own schedule) and `suggest` (detect a
//! page's items). One section's journey is in `section`; what a pass returns is data
//! ([`SectionReport`], [`CheckReport`]), for the binary to show.

mod article;
mod drift;
mod enrich;
mod error;
mod gather;
mod heal;
mod listing;
mod load;
mod manifest;
mod mend;
mod monitor;
mod order;
mod outputs;
mod pages;
mod report;
mod reshard;
mod robots;
mod schedule;
mod section;
mod status;
mod watch;
mod workbench;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};

use crate::config::{Config, NewSection, Render, Section};
use crate::extract::detect::Detection;
use crate::extract::pager::{NextLink, next_link};
use crate::fetch::{Profile, Tally};
use crate::publish::Output;
use crate::render::FeedMeta;
use crate::store::{self, Access, Checkout, Retention, RunEntry, Store, StoreError};
pub use error::{PassError, SectionError, SuggestError};
use load::Loader;
pub use mend::{HealProposal, heal_proposals};
pub use monitor::Monitor;
pub use report::{CheckReport, Observer, RunReport, SectionReport, Shown, Status, WatchEvent};
pub use reshard::Reseeded;
pub use status::{RECENT_RUNS, SectionStatus, humane, learned_templates, status};
pub use watch::{Request, serve_root, watch};
pub use workbench::{Workbench, feed_now};

/// What every section of a run shares.
struct Shared {
    config: Arc<Config>,
    loader: Loader,
    store: Arc<Mutex<Store>>,
    output: Arc<Output>,
    now: DateTime<Utc>,
}

/// Sections under way at once, per allowed concurrent request: one may wait for its host's
/// spacing while another parses or writes.
const WORKERS_PER_REQUEST: usize = 2;

/// How many sections a pass keeps under way at once.
fn under_way(config: &Config) -> usize {
    config.fetch.client.concurrency.max(1) * WORKERS_PER_REQUEST
}

/// Where a run or `watch` opens the state: its file, or, with the state in object storage, a
/// working copy downloaded under a lease (the [`Checkout`] that uploads it again).
fn check_out(
    config: &Config,
    now: DateTime<Utc>,
) -> Result<(Option<Checkout>, PathBuf), StoreError> {
    Ok(match &config.state_url {
        Some(url) => {
            let checkout = Checkout::start(url, config.state_lease, now)?;
            let path = checkout.path();
            (Some(checkout), path)
        }
        None => (None, config.state_path.clone()),
    })
}

/// Opens the state to read beside a running `run` or `watch`: the file, or a copy of the state
/// in object storage (downloaded without a lease; it lives as long as the returned
/// [`Checkout`]).
fn read_state(config: &Config) -> Result<(Store, Option<Checkout>), StoreError> {
    let Some(url) = &config.state_url else {
        return Ok((Store::open_as(&config.state_path, Access::ReadOnly)?, None));
    };
    let copy = Checkout::copy(url)?;
    let store = Store::open_as(&copy.path(), Access::ReadOnly).map_err(|e| match e {
        StoreError::Missing { .. } => StoreError::Missing {
            path: url.as_str().into(),
        },
        other => other,
    })?;
    Ok((store, Some(copy)))
}

/// The selected sections in the order a pass runs them (see [`order`]), each with its place
/// in `selected`, where reports are put back.
fn ordered<'a>(config: &Config, selected: &[&'a Section]) -> Vec<(usize, &'a Section)> {
    let under_way = under_way(config);
    order::order(config, selected, order::window(config, under_way))
}

/// Runs `start`'s work for each selected section, in pass order and a bounded number at a
/// time; calls `done` as each finishes and returns the results in `selected`'s order. The
/// work decides what to hand to a task of its own (CPU work, so that it runs on every worker
/// thread); the rest, mostly waiting, is driven here.
async fn each_section<'a, T, Work>(
    config: &Config,
    selected: &[&'a Section],
    start: impl Fn(&'a Section) -> Work,
    done: impl Fn(&T),
) -> Vec<T>
where
    Work: Future<Output = T>,
{
    let mut results = Vec::with_capacity(selected.len());
    let mut finished = stream::iter(ordered(config, selected))
        .map(|(i, s)| {
            let work = start(s);
            async move { (i, work.await) }
        })
        .buffer_unordered(under_way(config));
    while let Some((i, result)) = finished.next().await {
        done(&result);
        results.push((i, result));
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

/// What a task the pass spawned returned; a panic in it goes on in the caller.
async fn joined<T>(task: tokio::task::JoinHandle<T>) -> T {
    task.await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

fn retention(config: &Config, section: &Section) -> Retention {
    Retention {
        max_items: section.max_items,
        max_age_days: config.output.max_age_days,
    }
}

/// What a section's feeds say of themselves: titles, page, file stem, addresses, zone.
pub fn meta(config: &Config, section: &Section) -> FeedMeta {
    FeedMeta {
        site_title: section.site_title.clone(),
        section_title: section.title.clone(),
        page_url: public_url(config, &section.url),
        stem: section.key(),
        base_url: config.output.base_url.clone(),
        timezone: section.timezone,
        hub: config.output.websub_hub.clone(),
        stylesheet: config.output.stylesheet,
    }
}

/// `url` as feeds and the state may show it: values from the environment replaced by their
/// `${NAME}`.
fn public_url(config: &Config, url: &url::Url) -> url::Url {
    match config.secrets.redact(url.as_str()) {
        std::borrow::Cow::Borrowed(_) => url.clone(),
        std::borrow::Cow::Owned(shown) => url::Url::parse(&shown).unwrap_or_else(|_| url.clone()),
    }
}

/// Runs the selected sections once: fetch, merge into history, write feeds, then the index
/// page and OPML. Holds the state lock throughout; `now` should have whole seconds.
pub async fn run(
    config: &Arc<Config>,
    selected: &[&Section],
    now: DateTime<Utc>,
    observer: &dyn Observer,
) -> Result<RunReport, PassError> {
    let (checkout, state_path) = check_out(config, now)?;
    let lock = store::lock(&state_path)?;
    let mut opened = Store::open(&state_path)?;
    let reseeded = reshard::reseed(config, &mut opened)?;
    let mut output = outputs::open(config)?;
    output.settle_new_files();
    let output = Arc::new(output);
    // A batch records the stamps of files written before it commits: they are made durable
    // first, so that a committed stamp never names bytes a crash of the machine could lose.
    let settled = Arc::clone(&output);
    opened.batch_writes(Box::new(move || {
        settled.settle().map_err(|e| StoreError::Unsettled {
            location: e.location,
            message: e.message,
        })
    }))?;
    let store = Arc::new(Mutex::new(opened));
    let shared = Arc::new(Shared {
        loader: Loader::new(config.clone(), Some(store.clone()), now)?,
        config: config.clone(),
        store: store.clone(),
        output: output.clone(),
        now,
    });
    let reports = each_section(
        config,
        selected,
        |s| {
            observer.started(&s.key());
            section::run(&shared, s)
        },
        |report| observer.finished(report),
    )
    .await;
    shared.loader.renderer.close().await;
    // The connections are let go when the pass returns, not now: closing them here would
    // have them shut down one by one while the listing is written.
    let connections = Arc::into_inner(shared)
        .expect("the sections have let go of the pass")
        .loader
        .fetcher;
    let entries: Vec<RunEntry> = reports.iter().map(|r| run_entry(config, r)).collect();
    // Every section is done: the store has no other holder and is closed before check-in.
    let mut store = Arc::into_inner(store)
        .expect("the sections have let go of the store")
        .into_inner()
        .expect("store lock");
    release_freed_memory();
    // On the blocking pool, like the sections' writes, whose freed memory it reuses.
    let listing = Arc::clone(config);
    let feeds_changed = reports.iter().any(|r| r.written > 0);
    let shown: HashMap<String, Shown> = reports
        .iter()
        .filter_map(|r| Some((r.section.clone(), r.shown?)))
        .collect();
    // A listing that cannot be written fails the run, but the sections' report still stands.
    let listing_error = joined(tokio::task::spawn_blocking(move || {
        store.log_run(now, Utc::now(), &entries)?;
        let written = listing::write_listing(&listing, &output, &store, now, feeds_changed, &shown)
            .err()
            .map(|e| e.to_string());
        // The last batch, the listing's stamps with it, commits once its files are settled.
        store.end_batch()?;
        // The run's renames last through a crash of the machine once their folders are synced.
        let synced = output.sync().err().map(|e| e.to_string());
        Ok::<_, PassError>(written.or(synced))
    }))
    .await?;
    drop(lock);
    if let Some(checkout) = checkout {
        checkout.checkin()?;
    }
    drop(connections);
    Ok(RunReport {
        sections: reports,
        listing_error,
        reseeded,
    })
}

/// Gives what the sections freed back to the system before the listing is built: glibc
/// keeps it in per-thread heaps, where the listing's allocations cannot always reuse it.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only hands free pages of the allocator's heaps back to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A section's report as the run log keeps it (no secret in the reason).
fn run_entry(config: &Config, r: &SectionReport) -> RunEntry {
    RunEntry {
        section: r.section.clone(),
        failure: match &r.status {
            Status::Ok => None,
            Status::Failed(error) => Some((
                error.kind(),
                config.secrets.redact(&error.to_string()).into_owned(),
            )),
        },
        counts: r.counts,
    }
}

/// Fetches and extracts the selected sections without writing anything (no feeds, no state).
pub async fn check(
    config: &Arc<Config>,
    selected: &[&Section],
    now: DateTime<Utc>,
) -> Result<Vec<CheckReport>, PassError> {
    let loader = Loader::new(config.clone(), None, now)?;
    let mut reports = each_section(
        config,
        selected,
        |s| {
            // Checking is mostly parsing: each section on a worker thread of its own.
            let (loader, s) = (loader.clone(), s.clone());
            joined(tokio::spawn(async move {
                section::check(&s, &loader, now).await
            }))
        },
        |_| {},
    )
    .await;
    loader.renderer.close().await;
    // Drift against the runs so far, and the learned article templates, when the state can
    // be read (it is not written).
    if let Ok((store, _copy)) = read_state(config) {
        for (report, section) in reports.iter_mut().zip(selected) {
            if section.full_text.auto {
                report.template = store.template(&section.site_id).ok().flatten();
            }
            let found = report.found;
            if let (true, Ok(history)) = (
                report.status.is_ok(),
                store.recent_runs(&report.section, drift::LOOK_BACK * 2),
            ) {
                report.drift = drift::warnings(found, report.coverage, &history);
            }
        }
    }
    Ok(reports)
}

/// What `suggest` found on a page: its item lists and its next-page link.
#[derive(Debug)]
pub struct Suggestion {
    /// Candidate lists, best first, and the page's own feeds.
    pub detection: Detection,
    /// The link to the page of older items, if one was found.
    pub next: Option<NextLink>,
    /// The time zone the page's dates are probably written in, and how that was found.
    pub zone: Option<crate::extract::zone::ZoneHint>,
}

impl Suggestion {
    /// The best candidate as a section to add to a config (`None` without a candidate).
    pub fn section(&self, url: &url::Url, browser: bool) -> Option<NewSection> {
        let best = self.detection.candidates.first()?;
        let mut new = NewSection::from_page(url, self.detection.title.as_deref(), browser);
        new.selectors = best
            .selectors
            .iter()
            .map(|(field, css)| (field.name().to_string(), css.clone()))
            .collect();
        new.timezone = self.zone.as_ref().map(|z| z.zone.to_string());
        Some(new)
    }
}

/// What automatic extraction finds on one article page (`suggest --article`).
#[derive(Debug)]
pub struct ArticlePreview {
    /// The page, after redirects.
    pub url: url::Url,
    /// Its `<title>`.
    pub title: Option<String>,
    /// What the page says of itself: author, dates, image, teaser.
    pub article: crate::model::RawArticle,
    /// Its main text, if one was found.
    pub text: Option<crate::extract::fulltext::FullText>,
    /// The element that holds most of that text, described as a selector.
    pub block: Option<String>,
    /// The page's date as a feed would carry it, read as listings' dates are (in the page's
    /// language): the instant, the text as written and where it stood.
    pub date: Option<(chrono::DateTime<Utc>, String, crate::model::DateSource)>,
}

/// Fetches one article page (politely, with the default `[fetch]` settings) and reads it as
/// `content = "auto"` would.
pub async fn suggest_article(url: &url::Url) -> Result<ArticlePreview, SuggestError> {
    let defaults = Config::parse("", std::path::Path::new("suggest"))
        .expect("the built-in defaults are a valid config");
    let loader = Loader::new(Arc::new(defaults), None, Utc::now())?;
    let page = loader
        .page(
            url,
            Render::Http,
            None,
            &Profile::default(),
            &Tally::default(),
        )
        .await?;
    Ok(article_preview(page))
}

/// What `content = "auto"` finds on a fetched article page.
fn article_preview(page: crate::fetch::Response) -> ArticlePreview {
    let html = page.text();
    let text = crate::extract::fulltext::main_text(&html, &page.url);
    let article =
        crate::extract::article::extract_article(&html, &crate::extract::Rules::default());
    let document = scraper::Html::parse_document(&html);
    let block = text
        .as_ref()
        .and_then(|t| crate::extract::fulltext::holding_block(&document, &t.html));
    let title = crate::extract::page_title(document.root_element());
    let date = best_date(&article);
    ArticlePreview {
        url: page.url,
        title,
        article,
        text,
        block,
        date,
    }
}

/// The most precise of an article page's dates (the better source among equals), read in the
/// page's language and, where it names no zone, in UTC.
fn best_date(
    article: &crate::model::RawArticle,
) -> Option<(chrono::DateTime<Utc>, String, crate::model::DateSource)> {
    use crate::normalize::dates::{DateRules, parse_date};
    let language = article
        .language
        .as_deref()
        .and_then(crate::locale::Language::from_tag)
        .unwrap_or_else(crate::locale::Language::english);
    let now = Utc::now();
    let rules = DateRules {
        language: &language,
        now: Some((now, chrono_tz::UTC)),
        ..DateRules::english()
    };
    // A page that names no language: the languages whose words the text holds.
    let read = |text: &str| {
        parse_date(text, &rules).or_else(|| {
            article.language.is_none().then(|| {
                crate::locale::Language::candidates_for(text).find_map(|language| {
                    parse_date(
                        text,
                        &DateRules {
                            language: &language,
                            ..rules.clone()
                        },
                    )
                })
            })?
        })
    };
    article
        .dates
        .iter()
        .filter_map(|(text, source)| Some((read(text)?, text, *source)))
        .max_by_key(|(date, _, source)| (date.precision(), *source))
        .map(|(date, text, source)| (date.resolve(chrono_tz::UTC, now, now), text.clone(), source))
}

/// Fetches one page (politely, with the default `[fetch]` settings; in the browser when
/// `browser` is set) and runs item detection on it.
pub async fn suggest(url: &url::Url, browser: bool) -> Result<Suggestion, SuggestError> {
    let defaults = Config::parse("", std::path::Path::new("suggest"))
        .expect("the built-in defaults are a valid config");
    let loader = Loader::new(Arc::new(defaults), None, Utc::now())?;
    let render = if browser {
        Render::Browser
    } else {
        Render::Http
    };
    let page = loader
        .page(url, render, None, &Profile::default(), &Tally::default())
        .await;
    loader.renderer.close().await;
    let response = page?;
    let document = scraper::Html::parse_document(&response.text());
    Ok(Suggestion {
        detection: crate::extract::detect::detect(&document, &response.url),
        next: next_link(&document, &response.url, None),
        zone: crate::extract::zone::zone_hint(&document),
    })
}
