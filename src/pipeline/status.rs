//! `status`: how every section has been doing, from the state alone (no network): last
//! success, last failure and its reason, failures in a row, items kept, newest item, field
//! coverage of the last read, drift, and the `watch` interval.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::PassError;
use super::{drift, read_state, retention};
use crate::config::{Config, Every};
use crate::store::{Coverage, LoggedRun};

/// One section's state.
#[derive(Debug, serde::Serialize)]
pub struct SectionStatus {
    /// `site/section`.
    pub section: String,
    /// When it last succeeded.
    pub last_success: Option<DateTime<Utc>>,
    /// When it last failed.
    pub last_failure: Option<DateTime<Utc>>,
    /// Why it last failed.
    pub last_reason: Option<String>,
    /// The stable word for that failure.
    pub last_error_kind: Option<String>,
    /// Failures since its last success.
    pub consecutive_failures: usize,
    /// Items in its feed.
    pub items: usize,
    /// Its newest item's date.
    pub newest_item: Option<DateTime<Utc>>,
    /// Items its last read found.
    pub found: usize,
    /// Items new to its history in its last run.
    pub new: usize,
    /// How many of them carried a date, summary, image, author.
    pub coverage: Coverage,
    /// Its site's learned article template (`content = "auto"`), when one was learned.
    pub template: Option<String>,
    /// Warnings of its page's last full read, which stand while the page is unchanged.
    pub warnings: Vec<String>,
    /// Drift warnings of its last read.
    pub drift: Vec<String>,
    /// Its `watch` interval, in seconds (`every = "auto"` moves it), before any backoff.
    pub interval_secs: u64,
    /// Selectors found anew after a redesign, not yet in its config (`feedwright heal`).
    pub heal: Option<String>,
    /// Whether runs use them (`heal = "auto"`).
    pub healed: bool,
    /// `render = "auto"`: how its page is read now (`http` or `browser`).
    pub render: Option<&'static str>,
    /// While it fails: the longer interval `watch` waits instead, in seconds (doubled per
    /// failure in a row, up to six hours).
    pub backoff_secs: Option<u64>,
    /// Its last runs, newest first (at most [`RECENT_RUNS`]), for the app's charts.
    #[serde(skip)]
    pub runs: Vec<LoggedRun>,
}

/// How many of a section's last runs [`SectionStatus::runs`] holds.
pub const RECENT_RUNS: usize = 30;

/// The state of every section of `config`, read beside a running `run` or `watch`.
pub fn status(config: &Config, now: DateTime<Utc>) -> Result<Vec<SectionStatus>, PassError> {
    let (store, _copy) = read_state(config)?;
    let mut sections = Vec::new();
    for section in config.select(&[]).unwrap_or_default() {
        let key = section.key();
        let history = store.recent_runs(&key, (drift::LOOK_BACK * 3).max(RECENT_RUNS))?;
        let last = |failed: bool| history.iter().find(|r| r.failure.is_some() == failed);
        let failure = last(true);
        let read = history
            .iter()
            .position(|r| r.failure.is_none() && r.counts.found > 0);
        let (items, newest_item) = store.feed_summary(&key, retention(config, section), now)?;
        let interval = match section.every {
            Every::Fixed(every) => every,
            Every::Auto => store.schedule(&key)?.unwrap_or(config.watch.min_every),
        };
        let failures = history.iter().take_while(|r| r.failure.is_some()).count();
        let render = match section.render {
            crate::config::Render::Auto => Some(match store.render_memory(&key)? {
                Some((true, _)) => "browser",
                _ => "http",
            }),
            _ => None,
        };
        let heal = store
            .heal(&key)?
            .filter(|h| h.configured == super::mend::digest(section));
        let backoff = u32::try_from(failures)
            .ok()
            .filter(|&n| n > 0)
            .map(|n| super::schedule::backed_off(interval, n).as_secs());
        let warnings = store.standing_warnings(&key)?;
        let template = if section.full_text.auto {
            store.template(&section.site_id)?
        } else {
            None
        };
        sections.push(SectionStatus {
            section: key,
            last_success: last(false).map(|r| r.ended),
            last_failure: failure.map(|r| r.ended),
            last_reason: failure
                .and_then(|r| r.failure.as_ref())
                .map(|(_, why)| why.clone()),
            last_error_kind: failure
                .and_then(|r| r.failure.as_ref())
                .map(|(k, _)| k.clone()),
            consecutive_failures: failures,
            items,
            newest_item,
            found: read.map_or(0, |i| history[i].counts.found),
            new: history.first().map_or(0, |r| r.counts.new),
            coverage: read.map_or_else(Coverage::default, |i| history[i].counts.coverage),
            warnings,
            template,
            drift: read.map_or_else(Vec::new, |i| {
                drift::warnings(
                    history[i].counts.found,
                    history[i].counts.coverage,
                    &history[i + 1..],
                )
            }),
            interval_secs: interval.as_secs(),
            runs: history.iter().take(RECENT_RUNS).cloned().collect(),
            backoff_secs: backoff,
            healed: heal.as_ref().is_some_and(|h| h.applied),
            render,
            heal: heal.map(|h| {
                let fields: Vec<String> = h
                    .selectors
                    .iter()
                    .map(|(field, css)| format!("{field} = {css:?}"))
                    .collect();
                format!("{} ({})", fields.join(", "), h.rule)
            }),
        });
    }
    Ok(sections)
}

/// The learned article templates of the sites of `selected` that read their text
/// automatically (`content = "auto"`): each site's id and selector, for `heal` to show and
/// `heal --write` to put into `[site.article] content`.
pub fn learned_templates(
    config: &crate::config::Config,
    selected: &[&crate::config::Section],
) -> Result<Vec<(String, String)>, super::PassError> {
    let (store, _copy) = match read_state(config) {
        Ok(opened) => opened,
        Err(crate::store::StoreError::Missing { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut templates: Vec<(String, String)> = Vec::new();
    for section in selected.iter().filter(|s| s.full_text.auto) {
        if templates.iter().any(|(site, _)| *site == section.site_id) {
            continue;
        }
        if let Some(selector) = store.template(&section.site_id)? {
            templates.push((section.site_id.clone(), selector));
        }
    }
    Ok(templates)
}

/// Seconds as a humane duration: `30m`, `2h 30m`.
pub fn humane(seconds: u64) -> String {
    humantime::format_duration(Duration::from_secs(seconds)).to_string()
}
