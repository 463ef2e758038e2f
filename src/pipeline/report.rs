//! What a pass returns: one report per section, as data (the binary decides how to show it).

use chrono::{DateTime, Utc};
use serde::ser::{SerializeMap, Serializer};

use super::error::{PassError, SectionError};
use crate::config::{ConfigError, Secrets};
use crate::extract::Field;
use crate::fetch::ClientError;
use crate::model::Item;
use crate::store::{Counts, Coverage};

/// How one section ended.
#[derive(Debug, Default)]
pub enum Status {
    /// Feeds written (or already up to date).
    #[default]
    Ok,
    /// Nothing written; the previous feeds stay. (Boxed: a run keeps a report per section,
    /// and most succeed.)
    Failed(Box<SectionError>),
}

impl Status {
    /// Whether the section succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(self, Status::Ok)
    }
}

/// `status` (`ok` or `failed`) and, on failure, `reason` and `error_kind`.
impl serde::Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Status::Ok => map.serialize_entry("status", "ok")?,
            Status::Failed(error) => {
                map.serialize_entry("status", "failed")?;
                map.serialize_entry("reason", &error.to_string())?;
                map.serialize_entry("error_kind", error.kind())?;
            }
        }
        map.end()
    }
}

/// The outcome of one section in a run.
#[derive(Debug, Default, serde::Serialize)]
pub struct SectionReport {
    /// `site/section`.
    pub section: String,
    /// What it did: items found, new and kept, requests, bytes, time.
    #[serde(flatten)]
    pub counts: Counts,
    /// Feed files rewritten.
    pub written: usize,
    /// `heal = "auto"`: the selectors the section healed to this run, and the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healed: Option<String>,
    /// `render = "auto"`: how the page was read this run (`http` or `browser`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub render: Option<&'static str>,
    /// Skipped items, empty selectors, undated items.
    pub warnings: Vec<String>,
    /// Signs that the page's layout changed, from its recent runs (the section still worked).
    pub drift: Vec<String>,
    /// Public addresses of the feed files whose bytes changed (for WebSub).
    #[serde(skip)]
    pub published: Vec<url::Url>,
    /// What the section's files show when this run rendered them: how many items and the
    /// newest one's date (the listing shows them without asking the state again).
    #[serde(skip)]
    pub shown: Option<Shown>,
    /// Ok or failed with a reason.
    #[serde(flatten)]
    pub status: Status,
}

/// What a section's feed files show, as this run rendered them.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    /// How many items.
    pub items: usize,
    /// The newest item's date.
    pub newest: Option<DateTime<Utc>>,
    /// When the history last gained an item, if this run added some (then: this run's
    /// start, to the millisecond, as the state records it); else the state says.
    pub refreshed: Option<DateTime<Utc>>,
}

/// What a whole `run` did.
#[derive(Debug, serde::Serialize)]
pub struct RunReport {
    /// One entry per selected section, in config order.
    pub sections: Vec<SectionReport>,
    /// Why `index.html` and `feeds.opml` could not be written, if they could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_error: Option<String>,
    /// The shard count changed and sections took their history from other states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reseeded: Option<super::Reseeded>,
}

impl RunReport {
    /// Whether every section succeeded and the listing was written.
    pub fn all_ok(&self) -> bool {
        self.listing_error.is_none() && self.sections.iter().all(|s| s.status.is_ok())
    }
}

/// One section's items as `check` shows them.
#[derive(Debug)]
pub struct CheckReport {
    /// `site/section`.
    pub section: String,
    /// Items newest first.
    pub items: Vec<Item>,
    /// Warnings about the page and its items.
    pub warnings: Vec<String>,
    /// For each configured selector: how many items it gave a value.
    pub matches: Vec<(Field, String, usize)>,
    /// With no `item` selector: what automatic detection used (`article.post`, `JSON-LD`).
    pub detected: Option<String>,
    /// `render = "auto"`: how the page was read (`http` or `browser`).
    pub render: Option<&'static str>,
    /// With `[site.article] content`: per item (by link), the words of its article text, or
    /// `None` when none was found (the teaser stays).
    pub content: Vec<(String, Option<usize>)>,
    /// How many items' article pages were read (the first few: see `[site.article]`).
    pub articles_read: usize,
    /// Its site's learned article template (`content = "auto"`), from the state.
    pub template: Option<String>,
    /// Per item (by link), where the date the feed carries comes from: `listing`, `article
    /// page`, `dateline` or `first seen`.
    pub date_sources: Vec<(String, &'static str)>,
    /// The next-page links followed (`pages` > 1), each with how it was found.
    pub pages: Vec<String>,
    /// Items the pages gave (before `max_items`).
    pub found: usize,
    /// How many of them carried a date, summary, image, author.
    pub coverage: Coverage,
    /// Drift warnings against the section's recent runs.
    pub drift: Vec<String>,
    /// The site's time zone, in which its dates are shown.
    pub timezone: chrono_tz::Tz,
    /// Ok, or failed with a reason.
    pub status: Status,
}

/// Told about each section as a pass goes on (progress bars, log lines).
pub trait Observer: Sync {
    /// A section starts.
    fn started(&self, _section: &str) {}
    /// A section ended.
    fn finished(&self, _report: &SectionReport) {}
    /// `watch` has something to say besides section reports.
    fn event(&self, _event: &WatchEvent) {}
}

/// Something `watch` tells the operator besides section reports.
#[derive(Debug)]
pub enum WatchEvent<'a> {
    /// The config was read again.
    Reloaded {
        /// Sections it has now.
        sections: usize,
        /// The values it read from the environment, to keep out of what is shown.
        secrets: &'a Secrets,
    },
    /// The changed config is not valid: the previous one stays.
    ReloadFailed(&'a ConfigError),
    /// `state.path` changed: it takes effect at the next start.
    StatePathChanged,
    /// The HTTP client could not be rebuilt for new `[fetch]` settings: the old one stays.
    ClientKept(&'a ClientError),
    /// The reloaded config names an output that cannot be opened; the old one is kept.
    OutputKept(&'a PassError),
    /// `index.html` or `feeds.opml` could not be written.
    ListingFailed(&'a PassError),
    /// `watch` stopped: the sections in flight finished, the state was saved.
    Stopped,
    /// The shard count changed and sections took their history from other states.
    Reseeded(&'a super::Reseeded),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{FetchError, FetchErrorKind};

    fn report(status: Status) -> SectionReport {
        SectionReport {
            section: "s/a".into(),
            counts: Counts {
                found: 1,
                new: 1,
                kept: 1,
                requests: 1,
                millis: 5,
                ..Counts::default()
            },
            written: 3,
            status,
            ..SectionReport::default()
        }
    }

    #[test]
    fn json_carries_status_reason_and_kind() {
        let ok = serde_json::to_value(report(Status::Ok)).unwrap();
        assert_eq!(ok["status"], "ok");
        assert!(ok.get("reason").is_none() && ok.get("error_kind").is_none());
        let url = url::Url::parse("https://e.org/").unwrap();
        let failed = Status::Failed(Box::new(SectionError::Fetch(FetchError::new(
            &url,
            FetchErrorKind::Status(404),
        ))));
        let failed = serde_json::to_value(report(failed)).unwrap();
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["reason"], "https://e.org/: HTTP 404");
        assert_eq!(failed["error_kind"], "http_status");
        assert_eq!(failed["found"], 1);
    }
}
