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
    #[error("{url}: {}{}", no_items_message(*.stored, *.configured, *.scripted), heal.as_ref().map_or_else(String::new, |h| format!("; {h}")))]
    NoItems {
        /// The page.
        url: Url,
        /// Items the section has stored (its feed, left as it was).
        stored: usize,
        /// Whether the section names its items (`item = "…"`) rather than detecting them.
        configured: bool,
        /// The page, read over HTTP, runs scripts and shows no list of stories: its list
        /// may be built by the scripts.
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

/// Why a page gave no items, each clause only where it holds: stored items say the layout
/// changed; selectors that match nothing may be wrong; a section without selectors found no
/// list; scripts are named only where the page runs them and shows no list without them.
/// (That the feed stays as it was is the run line's to say, with its size.)
fn no_items_message(stored: usize, configured: bool, scripted: bool) -> String {
    let javascript = if scripted {
        "; the page runs scripts and shows no list without them, so its list may be built by \
         JavaScript (try render = \"browser\")"
    } else {
        ""
    };
    match (stored, configured) {
        (0, true) => format!("no items matched (wrong selectors or a changed layout?){javascript}"),
        (0, false) => format!("no list of stories found on the page{javascript}"),
        (stored, true) => format!(
            "no items matched, but {stored} are stored: the page layout probably changed\
             {javascript}"
        ),
        (stored, false) => format!(
            "no list of stories found on the page, but {stored} items are stored: the page \
             layout probably changed{javascript}"
        ),
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

    /// Each situation with the clauses its message must hold and must not.
    #[test]
    fn no_items_clauses_only_when_true() {
        const STORED: &str = "are stored: the page layout probably changed";
        const WRONG: &str = "wrong selectors or a changed layout?";
        const NO_LIST: &str = "no list of stories found on the page";
        const SCRIPTS: &str = "may be built by JavaScript";
        const KEPT: &str = "as it was";
        let all = [STORED, WRONG, NO_LIST, SCRIPTS, KEPT];
        // (stored, configured, scripted) and the clauses wanted.
        type Case = ((usize, bool, bool), &'static [&'static str]);
        let cases: [Case; 8] = [
            ((0, true, false), &[WRONG]),
            ((0, true, true), &[WRONG, SCRIPTS]),
            ((0, false, false), &[NO_LIST]),
            ((0, false, true), &[NO_LIST, SCRIPTS]),
            ((20, true, false), &[STORED]),
            ((20, true, true), &[STORED, SCRIPTS]),
            ((20, false, false), &[NO_LIST, STORED]),
            ((20, false, true), &[NO_LIST, STORED, SCRIPTS]),
        ];
        for ((stored, configured, scripted), wanted) in cases {
            let message = no_items_message(stored, configured, scripted);
            for clause in all {
                assert_eq!(
                    message.contains(clause),
                    wanted.contains(&clause),
                    "{clause:?} in {message:?} ({stored}, {configured}, {scripted})"
                );
                assert!(message.matches(clause).count() <= 1, "{message}");
            }
        }
    }

    #[test]
    fn kinds_are_stable_words() {
        let url = Url::parse("https://e.org/news").unwrap();
        let fetch = |kind| SectionError::Fetch(FetchError::new(&url, kind));
        assert_eq!(fetch(FetchErrorKind::Status(503)).kind(), "http_status");
        assert_eq!(fetch(FetchErrorKind::Timeout).kind(), "fetch");
        let no_items = SectionError::NoItems {
            url: url.clone(),
            stored: 3,
            configured: true,
            scripted: false,
            heal: None,
        };
        assert_eq!(no_items.kind(), "no_items");
        assert_eq!(
            no_items.to_string(),
            "https://e.org/news: no items matched, but 3 are stored: the page layout probably \
             changed"
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
