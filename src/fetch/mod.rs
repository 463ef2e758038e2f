//! The HTTP side: one polite client for every request a run makes (DESIGN §6).

pub mod charset;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::redirect;
use tokio::sync::Semaphore;
use url::Url;

/// Most redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

/// Fetch settings from `[fetch]`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `User-Agent` header.
    pub user_agent: String,
    /// Whole-request timeout, body included.
    pub timeout: Duration,
    /// Requests in flight overall.
    pub concurrency: usize,
    /// Largest body accepted, in bytes (after decompression).
    pub max_body_bytes: u64,
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

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// URL after redirects.
    pub url: Url,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// Body bytes, decompressed.
    pub body: Vec<u8>,
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

/// The shared HTTP client with its global concurrency limit.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    slots: Arc<Semaphore>,
    max_body_bytes: u64,
}

impl Fetcher {
    /// Builds the client: user agent, timeout, redirect policy, gzip and brotli.
    pub fn new(settings: &Settings) -> Result<Self, FetchError> {
        let policy = redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let message = format!("redirect to a non-http(s) URL: {}", attempt.url());
                attempt.error(message)
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(&settings.user_agent)
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(policy)
            .build()
            .map_err(|e| FetchError::Transport {
                url: Url::parse("http://localhost/").expect("valid URL"),
                message: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(Fetcher {
            client,
            slots: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            max_body_bytes: settings.max_body_bytes,
        })
    }

    /// GETs `url`, counting the request in `tally`.
    pub async fn get(&self, url: &Url, tally: &Tally) -> Result<Response, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme(url.clone()));
        }
        let _slot = self
            .slots
            .acquire()
            .await
            .expect("semaphore is never closed");
        tally.add();
        let transport = |e: reqwest::Error| classify(url, e);
        let mut response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.clone(),
                status: status.as_u16(),
            });
        }
        let too_large = || FetchError::TooLarge {
            url: url.clone(),
            limit: self.max_body_bytes,
        };
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        // A compressed body's declared length says little about its decoded size.
        let compressed = response
            .headers()
            .contains_key(reqwest::header::CONTENT_ENCODING);
        if declared.is_some_and(|n| n > self.max_body_bytes) && !compressed {
            return Err(too_large());
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let final_url = response.url().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if (body.len() + chunk.len()) as u64 > self.max_body_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            url: final_url,
            content_type,
            body,
        })
    }
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
    let message = if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    };
    FetchError::Transport {
        url: url.clone(),
        message,
    }
}
