//! The HTTP side: one polite client for every request a run makes (DESIGN §6).

pub mod charset;
mod politeness;
pub mod robots;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION,
};
use reqwest::redirect;
use tokio::sync::Semaphore;
use url::Url;

/// Most redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

/// Fetch settings from `[fetch]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `User-Agent` header.
    pub user_agent: String,
    /// Whole-request timeout, body included.
    pub timeout: Duration,
    /// Requests in flight overall.
    pub concurrency: usize,
    /// Largest body accepted, in bytes (after decompression).
    pub max_body_bytes: u64,
    /// Minimum gap between request starts to one host.
    pub host_delay: Duration,
    /// Retries on timeouts, connection errors, 429 and 5xx.
    pub retries: u32,
}

/// Counts the requests one section makes.
#[derive(Debug, Default)]
pub struct Tally(AtomicU32);

impl Tally {
    /// Requests counted so far.
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// HTTP validators of a page, for conditional requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// `ETag` header.
    pub etag: Option<String>,
    /// `Last-Modified` header.
    pub last_modified: Option<String>,
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// URL after redirects.
    pub url: Url,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// Validators to send next time.
    pub validators: Validators,
    /// Body bytes, decompressed.
    pub body: Vec<u8>,
}

/// What a conditional GET gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: the page is as it was.
    NotModified,
    /// A full answer.
    Page(Response),
}

impl Response {
    /// The body as text (see [`charset::decode`]).
    pub fn text(&self) -> String {
        charset::decode(&self.body, self.content_type.as_deref()).0
    }
}

/// Why a fetch failed; each names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Only http and https are fetched.
    #[error("{0}: only http and https URLs are fetched")]
    Scheme(Url),
    /// The server answered with an error status.
    #[error("{url}: HTTP {status}")]
    Status {
        /// Requested URL.
        url: Url,
        /// Status code.
        status: u16,
    },
    /// The body was larger than `max_body_kb`.
    #[error("{url}: body larger than {limit} bytes")]
    TooLarge {
        /// Requested URL.
        url: Url,
        /// The cap in bytes.
        limit: u64,
    },
    /// The server asked to wait longer than feedwright will.
    #[error("{url}: HTTP {status}, Retry-After {seconds}s is longer than {MAX_RETRY_AFTER_SECS}s")]
    RetryTooLate {
        /// Requested URL.
        url: Url,
        /// Status code.
        status: u16,
        /// Requested wait.
        seconds: u64,
    },
    /// A redirect that is not followed: too many, to another scheme, or to a host not allowed.
    #[error("{url}: {message}")]
    Redirect {
        /// URL that redirected.
        url: Url,
        /// Why it was not followed.
        message: String,
    },
    /// The request timed out.
    #[error("{url}: timed out")]
    Timeout {
        /// Requested URL.
        url: Url,
    },
    /// Connection, TLS, redirect or protocol failure.
    #[error("{url}: {message}")]
    Transport {
        /// Requested URL.
        url: Url,
        /// What went wrong.
        message: String,
    },
}

/// The shared HTTP client: global concurrency limit, per-host spacing, retries.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    slots: Arc<Semaphore>,
    hosts: politeness::HostGate,
    max_body_bytes: u64,
    retries: u32,
}

impl Fetcher {
    /// Builds the client: user agent, timeout, gzip and brotli (redirects are followed here).
    pub fn new(settings: &Settings) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(&settings.user_agent)
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(redirect::Policy::none())
            .build()
            .map_err(|e| FetchError::Transport {
                url: Url::parse("http://localhost/").expect("valid URL"),
                message: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(Fetcher {
            client,
            slots: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            hosts: politeness::HostGate::new(settings.host_delay),
            max_body_bytes: settings.max_body_bytes,
            retries: settings.retries,
        })
    }

    /// GETs `url`, counting every request in `tally`. Answers that are not a success are errors.
    pub async fn get(&self, url: &Url, tally: &Tally) -> Result<Response, FetchError> {
        self.get_within(url, &|_| true, tally).await
    }

    /// GETs `url`, following redirects only to URLs that `allowed` accepts.
    pub async fn get_within(
        &self,
        url: &Url,
        allowed: &(dyn Fn(&Url) -> bool + Sync),
        tally: &Tally,
    ) -> Result<Response, FetchError> {
        match self.follow(url, None, allowed, tally).await? {
            Fetched::Page(response) => Ok(response),
            Fetched::NotModified => Err(FetchError::Status {
                url: url.clone(),
                status: 304,
            }),
        }
    }

    /// GETs `url` with `validators` as If-None-Match / If-Modified-Since.
    pub async fn get_if_changed(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        tally: &Tally,
    ) -> Result<Fetched, FetchError> {
        self.follow(url, validators, &|_| true, tally).await
    }

    /// Follows up to ten redirects, each hop to an http(s) URL that `allowed` accepts.
    async fn follow(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        allowed: &(dyn Fn(&Url) -> bool + Sync),
        tally: &Tally,
    ) -> Result<Fetched, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme(url.clone()));
        }
        if !allowed(url) {
            let message = "host is not one this site may fetch from".to_string();
            return Err(FetchError::Redirect {
                url: url.clone(),
                message,
            });
        }
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let next = match self.with_retries(&current, validators, tally).await? {
                Step::Done(fetched) => return Ok(fetched),
                Step::Redirect(next) => next,
            };
            let refuse = |message: String| FetchError::Redirect {
                url: current.clone(),
                message,
            };
            if !matches!(next.scheme(), "http" | "https") {
                return Err(refuse(format!("redirect to a non-http(s) URL: {next}")));
            }
            if !allowed(&next) {
                return Err(refuse(format!(
                    "redirect to a host this site may not fetch from: {next}"
                )));
            }
            current = next;
        }
        Err(FetchError::Redirect {
            url: url.clone(),
            message: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// One hop, retried on timeouts, connection errors, 429 and 5xx with exponential backoff
    /// and jitter, honouring `Retry-After` up to five minutes; other 4xx fail at once.
    async fn with_retries(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        tally: &Tally,
    ) -> Result<Step, FetchError> {
        let mut attempt = 0;
        loop {
            let outcome = self.attempt(url, validators, tally).await;
            let wait = match &outcome {
                Err(Attempt::Retry { error, retry_after }) if attempt < self.retries => {
                    match retry_after {
                        Some(wait) if *wait > Duration::from_secs(MAX_RETRY_AFTER_SECS) => {
                            let FetchError::Status { status, .. } = error else {
                                unreachable!()
                            };
                            return Err(FetchError::RetryTooLate {
                                url: url.clone(),
                                status: *status,
                                seconds: wait.as_secs(),
                            });
                        }
                        Some(wait) => *wait,
                        None => politeness::backoff(attempt),
                    }
                }
                _ => return outcome.map_err(Attempt::into_error),
            };
            tracing::debug!(%url, attempt, ?wait, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One request, classified as success, retryable failure or final failure.
    async fn attempt(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        tally: &Tally,
    ) -> Result<Step, Attempt> {
        let _slot = self
            .slots
            .acquire()
            .await
            .expect("semaphore is never closed");
        self.hosts.wait(url).await;
        tally.add();
        let mut request = self.client.get(url.clone());
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(date) = &v.last_modified {
                request = request.header(IF_MODIFIED_SINCE, date);
            }
        }
        let transport = |e: reqwest::Error| {
            let retry = e.is_timeout() || e.is_connect() || e.is_request() && !e.is_redirect();
            let error = classify(url, e);
            if retry {
                Attempt::Retry {
                    error,
                    retry_after: None,
                }
            } else {
                Attempt::Final(error)
            }
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && validators.is_some() {
            return Ok(Step::Done(Fetched::NotModified));
        }
        if let Some(location) = response
            .headers()
            .get(LOCATION)
            .filter(|_| status.is_redirection())
        {
            let next = location.to_str().ok().and_then(|l| url.join(l.trim()).ok());
            let message = format!("unreadable redirect location {location:?}");
            return next.map(Step::Redirect).ok_or_else(|| {
                Attempt::Final(FetchError::Redirect {
                    url: url.clone(),
                    message,
                })
            });
        }
        if !status.is_success() {
            let error = FetchError::Status {
                url: url.clone(),
                status: status.as_u16(),
            };
            return Err(
                if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                    Attempt::Retry {
                        error,
                        retry_after: retry_after(response.headers()),
                    }
                } else {
                    Attempt::Final(error)
                },
            );
        }
        let too_large = || {
            Attempt::Final(FetchError::TooLarge {
                url: url.clone(),
                limit: self.max_body_bytes,
            })
        };
        let headers = response.headers();
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.max_body_bytes) {
            return Err(too_large());
        }
        let header = |name| {
            headers
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let final_url = response.url().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if (body.len() + chunk.len()) as u64 > self.max_body_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Step::Done(Fetched::Page(Response {
            url: final_url,
            content_type,
            validators,
            body,
        })))
    }
}

/// Longest `Retry-After` honoured; a longer one fails the request instead.
const MAX_RETRY_AFTER_SECS: u64 = 300;

/// Where one hop led.
enum Step {
    Done(Fetched),
    Redirect(Url),
}

/// A failed attempt: worth another try or not.
enum Attempt {
    Retry {
        error: FetchError,
        retry_after: Option<Duration>,
    },
    Final(FetchError),
}

impl Attempt {
    fn into_error(self) -> FetchError {
        match self {
            Attempt::Retry { error, .. } | Attempt::Final(error) => error,
        }
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let seconds = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(seconds as u64))
}

fn classify(url: &Url, error: reqwest::Error) -> FetchError {
    if error.is_timeout() {
        return FetchError::Timeout { url: url.clone() };
    }
    // Walk the cause chain, leaving out links that only repeat the URL or their successor.
    let mut parts: Vec<String> = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = Some(&error);
    while let Some(current) = cause {
        let text = current
            .to_string()
            .replace("client error (Connect)", "cannot connect");
        if !text.contains("for url (") && !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = current.source();
    }
    let message = if error.is_body() || error.is_decode() {
        let innermost = parts.last().cloned().unwrap_or_default();
        format!("body truncated or unreadable ({innermost})")
    } else if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    };
    FetchError::Transport {
        url: url.clone(),
        message,
    }
}
