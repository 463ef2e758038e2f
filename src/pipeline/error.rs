//! Why a section failed, and why a whole pass could not run. Each failure of a section has a
//! stable [`SectionError::kind`] for scripts beside its one-line human message.

use url::Url;

use crate::fetch::browser::BrowserError;
use crate::fetch::{ClientError, FetchError};
use crate::publish::PublishError;
use crate::store::StoreError;

/// Why one section failed; its other sections go on. The message is one line naming the URL,
/// file or rule involved.
#[derive(Debug, thiserror::Error)]
pub enum SectionError {
    /// The page could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// robots.txt forbids the page.
    #[error("{url}: disallowed by {robots_url} ({rule})")]
    Disallowed {
        /// The page.
        url: Url,
        /// The robots.txt that forbids it.
        robots_url: Url,
        /// The rule, as written.
        rule: String,
    },
    /// The host's robots.txt answered with an error (5xx, 429): the host is skipped this run.
    #[error("{url}: skipped this run: {robots_url} unavailable ({})", .cause.kind)]
    RobotsUnavailable {
        /// The page.
        url: Url,
        /// The robots.txt that could not be read.
        robots_url: Url,
        /// Why.
        cause: FetchError,
    },
    /// The answer is not a page or feed (an image, an archive, binary data).
    #[error("{url}: not an HTML page or feed ({what})")]
    ContentType {
        /// The page.
        url: Url,
        /// The media type, or "binary data".
        what: String,
    },
    /// The page yielded no items: wrong selectors or a changed layout. The feed is kept.
    #[error("{url}: {}{}", no_items_message(*.stored, *.scripted), heal.as_ref().map_or_else(String::new, |h| format!("; {h}")))]
    NoItems {
        /// The page.
        url: Url,
        /// Items the section has stored (its feed, left as it was).
        stored: usize,
        /// The page (read over HTTP) runs scripts: its list may be built by them.
        scripted: bool,
        /// Selectors found anew on the page, or why none were.
        heal: Option<String>,
    },
    /// A source feed that could not be read.
    #[error("{url}: {message}")]
    Parse {
        /// The feed.
        url: Url,
        /// What the parser said.
        message: String,
    },
    /// The page could not be rendered in the browser.
    #[error(transparent)]
    Browser(BrowserError),
    /// The state could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A feed file could not be written.
    #[error(transparent)]
    Write(#[from] PublishError),
}

impl From<BrowserError> for SectionError {
    /// A page that answered with an error status fails as it would over plain HTTP.
    fn from(error: BrowserError) -> Self {
        match error {
            BrowserError::Answer(fetch) => SectionError::Fetch(fetch),
            other => SectionError::Browser(other),
        }
    }
}

fn no_items_message(stored: usize, scripted: bool) -> String {
    let javascript = if scripted {
        "; the page runs scripts, so its list may have moved into JavaScript \
         (try render = \"browser\")"
    } else {
        ""
    };
    if stored > 0 {
        format!(
            "no items matched, but {stored} are stored: the page layout probably changed\
             {javascript} (feed left as it was)"
        )
    } else {
        format!("no items matched (wrong selectors or a changed layout?){javascript}")
    }
}

impl SectionError {
    /// A stable word for the kind of failure, for scripts: `fetch` (no answer), `http_status`
    /// (an error status), `robots` (forbidden, or robots.txt answered 5xx), `content_type`,
    /// `no_items`, `parse`, `browser`, `store` or `write`.
    pub fn kind(&self) -> &'static str {
        match self {
            SectionError::Fetch(e) if e.status().is_some() => "http_status",
            SectionError::Fetch(_) => "fetch",
            // An origin that cannot be reached at all is a fetch failure, whichever request
            // found out first.
            SectionError::Disallowed { .. } | SectionError::RobotsUnavailable { .. } => "robots",
            SectionError::ContentType { .. } => "content_type",
            SectionError::NoItems { .. } => "no_items",
            SectionError::Parse { .. } => "parse",
            SectionError::Browser(_) => "browser",
            SectionError::Store(_) => "store",
            SectionError::Write(_) => "write",
        }
    }
}

/// A fatal problem that stops a whole pass.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The state could not be opened or locked.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The output could not be opened, or an index file could not be written.
    #[error(transparent)]
    Write(#[from] PublishError),
}

/// Why `suggest` could not look at a page.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The page could not be fetched, or robots.txt forbids it.
    #[error(transparent)]
    Page(#[from] SectionError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::FetchErrorKind;

    #[test]
    fn kinds_are_stable_words() {
        let url = Url::parse("https://e.org/news").unwrap();
        let fetch = |kind| SectionError::Fetch(FetchError::new(&url, kind));
        assert_eq!(fetch(FetchErrorKind::Status(503)).kind(), "http_status");
        assert_eq!(fetch(FetchErrorKind::Timeout).kind(), "fetch");
        let no_items = SectionError::NoItems {
            url: url.clone(),
            stored: 3,
            scripted: false,
            heal: None,
        };
        assert_eq!(no_items.kind(), "no_items");
        assert_eq!(
            no_items.to_string(),
            "https://e.org/news: no items matched, but 3 are stored: the page layout probably \
             changed (feed left as it was)"
        );
        let disallowed = SectionError::Disallowed {
            url: url.clone(),
            robots_url: url.join("/robots.txt").unwrap(),
            rule: "Disallow: /news".into(),
        };
        assert_eq!(disallowed.kind(), "robots");
        assert_eq!(
            disallowed.to_string(),
            "https://e.org/news: disallowed by https://e.org/robots.txt (Disallow: /news)"
        );
    }
}
