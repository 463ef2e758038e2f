//! The HTTP side: one polite client for every request a run makes. Global concurrency,
//! per-host spacing (`politeness`), retries with backoff (`retry`), redirects checked hop
//! by hop (`redirect`), a body cap (`response`), charset decoding ([`charset`]) and
//! robots.txt rules ([`robots`]). Errors are typed (`error`).

pub mod browser;
pub mod charset;
mod error;
mod politeness;
mod profile;
mod redirect;
mod request;
mod response;
mod retry;
pub mod robots;
mod websub;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use url::Url;

pub use error::{ClientError, FetchError, FetchErrorKind, RedirectRefusal};
pub use profile::{Profile, bare_host};
pub use response::{Fetched, Response, Validators};

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

/// Counts the requests one section makes and the bytes they brought.
#[derive(Debug, Default)]
pub struct Tally {
    requests: AtomicU32,
    bytes: AtomicU64,
}

impl Tally {
    /// Requests counted so far.
    pub fn get(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Body bytes received so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    fn add(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    fn add_bytes(&self, bytes: usize) {
        self.bytes
            .fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}

/// What both HTTP clients are made with.
#[derive(Debug, Clone)]
struct ClientSettings {
    user_agent: String,
    timeout: Duration,
    /// How long a connection may stay unused.
    idle: Duration,
}

impl ClientSettings {
    fn builder(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .user_agent(&self.user_agent)
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            // A pass works through a few hosts at a time (each revisited after its spacing):
            // a connection left unused longer than that belongs to a host that is done, and
            // would only hold its read buffer.
            .pool_idle_timeout(self.idle)
            // Closed that soon, and every request bounded by `timeout`, a connection never
            // lives to send a keep-alive probe: setting them up cost four system calls each.
            .tcp_keepalive(None)
            .tcp_keepalive_interval(None)
            .tcp_keepalive_retries(None)
    }
}

/// How long a connection may stay unused beyond the host's spacing before it is closed. Each
/// idle connection keeps the buffer its last page was read into: on a pass over a thousand
/// hosts, two seconds kept most of them (100 MiB at 1,000 sections).
const IDLE_GRACE: Duration = Duration::from_millis(250);

/// The shared HTTP client: global concurrency limit, per-host spacing, retries.
#[derive(Debug, Clone)]
pub struct Fetcher {
    /// For `http://` addresses: no certificate roots loaded.
    plain: reqwest::Client,
    /// For `https://` addresses, made at the first one: loading the system's certificate
    /// roots reads hundreds of files, which a pass over plain HTTP never needs.
    secure: Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
    /// How both are made.
    settings: ClientSettings,
    slots: Arc<Semaphore>,
    hosts: politeness::HostGate,
    max_body_bytes: u64,
    retries: u32,
}

impl Fetcher {
    /// Builds the client: user agent, timeout, gzip and brotli (redirects are followed here).
    pub fn new(settings: &Settings) -> Result<Self, ClientError> {
        let client_settings = ClientSettings {
            user_agent: settings.user_agent.clone(),
            timeout: settings.timeout,
            idle: settings.host_delay + IDLE_GRACE,
        };
        let plain = client_settings
            .builder()
            .tls_certs_only(std::iter::empty())
            .build()?;
        Ok(Fetcher {
            plain,
            secure: Arc::default(),
            settings: client_settings,
            slots: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            hosts: politeness::HostGate::new(settings.host_delay),
            max_body_bytes: settings.max_body_bytes,
            retries: settings.retries,
        })
    }

    /// The client for `url`: the plain one for `http://`, else the one that verifies
    /// certificates (made now if this is the first).
    fn client(&self, url: &Url) -> Result<&reqwest::Client, FetchError> {
        if url.scheme() == "http" {
            return Ok(&self.plain);
        }
        self.secure
            .get_or_init(|| {
                self.settings
                    .builder()
                    .build()
                    .map_err(|e| ClientError::from(e).to_string())
            })
            .as_ref()
            .map_err(|e| FetchError::new(url, FetchErrorKind::Connect(e.clone())))
    }

    /// GETs `url` as `profile` says, counting every request in `tally`. Answers that are not
    /// a success are errors.
    pub async fn get(
        &self,
        url: &Url,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Response, FetchError> {
        Self::page(
            url,
            self.follow(url, None, &|_| true, profile, tally).await?,
        )
    }

    /// GETs `url`, which must be on one of the profile's own hosts, following redirects only
    /// to those hosts (article pages).
    pub async fn get_own(
        &self,
        url: &Url,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Response, FetchError> {
        let own = |u: &Url| profile.owns(u);
        Self::page(url, self.follow(url, None, &own, profile, tally).await?)
    }

    fn page(url: &Url, fetched: Fetched) -> Result<Response, FetchError> {
        match fetched {
            Fetched::Page(response) => Ok(response),
            Fetched::NotModified => Err(FetchError::new(url, FetchErrorKind::Status(304))),
        }
    }

    /// GETs `url` with `validators` as If-None-Match / If-Modified-Since.
    pub async fn get_if_changed(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Fetched, FetchError> {
        self.follow(url, validators, &|_| true, profile, tally)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetcher() -> Fetcher {
        Fetcher::new(&Settings {
            user_agent: "feedwright-test".into(),
            timeout: Duration::from_secs(5),
            concurrency: 1,
            max_body_bytes: 1024,
            host_delay: Duration::ZERO,
            retries: 0,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_url_outside_the_allowed_hosts_is_refused_without_a_request() {
        let url = Url::parse("http://127.0.0.1:9/article").unwrap();
        let tally = Tally::default();
        let error = fetcher()
            .get_own(&url, &Profile::default(), &tally)
            .await
            .unwrap_err();
        assert!(
            error.url == url && matches!(error.kind, FetchErrorKind::NotAllowed),
            "{error:?}"
        );
        assert_eq!(tally.get(), 0, "nothing was requested");
    }

    #[tokio::test]
    async fn only_http_and_https_are_fetched() {
        let url = Url::parse("ftp://127.0.0.1/x").unwrap();
        let error = fetcher()
            .get(&url, &Profile::default(), &Tally::default())
            .await
            .unwrap_err();
        assert!(matches!(error.kind, FetchErrorKind::Scheme), "{error:?}");
    }

    #[tokio::test]
    async fn a_refused_connection_is_told_apart_from_a_timeout() {
        // A port that was just free: nothing listens there, so the connection is refused.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        drop(listener);
        let error = fetcher()
            .get(&url, &Profile::default(), &Tally::default())
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind, FetchErrorKind::Connect(_)),
            "{error:?}"
        );
        assert!(error.to_string().contains("cannot connect"), "{error}");
    }
}
