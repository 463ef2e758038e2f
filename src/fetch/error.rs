//! Why a fetch failed, and how a `reqwest` error is told apart: by its own `is_timeout` /
//! `is_connect` / `is_body` methods, with the innermost cause as detail.

use url::Url;

/// Longest `Retry-After` honoured; a longer one fails the request instead.
pub(super) const MAX_RETRY_AFTER_SECS: u64 = 300;

/// The HTTP client could not be built (an unusable TLS setup).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(#[from] reqwest::Error);

/// Why a fetch of one URL failed: `{url}: {kind}`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{url}: {kind}")]
pub struct FetchError {
    /// The URL requested (for a refused redirect, the one that redirected).
    pub url: Url,
    /// What went wrong.
    pub kind: FetchErrorKind,
}

/// What went wrong with a fetch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchErrorKind {
    /// Only http and https are fetched.
    #[error("only http and https URLs are fetched")]
    Scheme,
    /// The URL's host is not one this fetch may go to.
    #[error("host is not one this site may fetch from")]
    NotAllowed,
    /// The server answered with an error status.
    #[error("HTTP {0}")]
    Status(u16),
    /// The server asked to wait longer than feedwright will.
    #[error("HTTP {status}, Retry-After {seconds}s is longer than {MAX_RETRY_AFTER_SECS}s")]
    RetryTooLate {
        /// Status code.
        status: u16,
        /// Requested wait.
        seconds: u64,
    },
    /// The body was larger than `max_body_kb`.
    #[error("body larger than {0} bytes")]
    TooLarge(u64),
    /// A redirect that is not followed.
    #[error(transparent)]
    Redirect(#[from] RedirectRefusal),
    /// The request timed out.
    #[error("timed out")]
    Timeout,
    /// No connection could be made (refused, unknown host, TLS handshake).
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The answer's body broke off or could not be decoded.
    #[error("body truncated or unreadable: {0}")]
    Body(String),
    /// Any other protocol failure.
    #[error("{0}")]
    Transport(String),
}

impl FetchError {
    /// An error of `kind` for `url`.
    pub(crate) fn new(url: &Url, kind: FetchErrorKind) -> Self {
        FetchError {
            url: url.clone(),
            kind,
        }
    }

    /// Whether the host's name could not be looked up (no network, or no such host).
    pub fn is_unknown_host(&self) -> bool {
        const SAID: [&str; 6] = [
            "lookup address",
            "dns error",
            "name or service not known",
            "nodename nor servname",
            "no such host",
            "temporary failure in name resolution",
        ];
        match &self.kind {
            FetchErrorKind::Connect(cause) => {
                let cause = cause.to_ascii_lowercase();
                SAID.iter().any(|s| cause.contains(s))
            }
            _ => false,
        }
    }

    /// The status of an answer that was not a success, if the server gave one.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            FetchErrorKind::Status(status) | FetchErrorKind::RetryTooLate { status, .. } => {
                Some(status)
            }
            _ => None,
        }
    }
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectRefusal {
    /// More hops than feedwright follows.
    #[error("more than {0} redirects")]
    TooMany(usize),
    /// To a scheme other than http(s).
    #[error("redirect to a non-http(s) URL: {0}")]
    NotHttp(Url),
    /// To a host this fetch may not go to.
    #[error("redirect to a host this site may not fetch from: {0}")]
    NotAllowed(Url),
    /// A `Location` that is not a URL.
    #[error("unreadable redirect location {0}")]
    Unreadable(String),
}

/// Names a `reqwest` failure of a request to `url` by what kind it is.
pub(super) fn classify(url: &Url, error: &reqwest::Error) -> FetchError {
    let kind = if error.is_timeout() {
        FetchErrorKind::Timeout
    } else if error.is_connect() {
        FetchErrorKind::Connect(innermost_cause(error))
    } else if error.is_body() || error.is_decode() {
        FetchErrorKind::Body(innermost_cause(error))
    } else {
        FetchErrorKind::Transport(innermost_cause(error))
    };
    FetchError::new(url, kind)
}

/// The last error in the chain of sources: the one that says what actually happened.
fn innermost_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}
