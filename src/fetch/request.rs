//! One request: wait for a slot and the host's turn, send, and sort the answer into done,
//! redirect, worth retrying, or failed.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{IF_MODIFIED_SINCE, IF_NONE_MATCH, LOCATION};
use url::Url;

use super::error::{FetchError, FetchErrorKind, RedirectRefusal, classify};
use super::response::{self, BodyError, retry_after};
use super::{Fetched, Fetcher, Profile, Tally, Validators};

/// Where one hop led.
pub(super) enum Step {
    /// An answer to keep.
    Done(Fetched),
    /// A redirect to this URL.
    Redirect(Url),
}

/// A failed attempt: worth another try or not.
pub(super) enum Attempt {
    /// Timeouts, connection failures, 429 and 5xx, with the wait the server asked for.
    Retry {
        error: FetchError,
        retry_after: Option<Duration>,
    },
    /// Anything else.
    Final(FetchError),
}

impl Attempt {
    pub(super) fn into_error(self) -> FetchError {
        match self {
            Attempt::Retry { error, .. } | Attempt::Final(error) => error,
        }
    }
}

impl Fetcher {
    /// One request, counted in `tally`, classified as success, retryable or final failure.
    pub(super) async fn attempt(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Step, Attempt> {
        let _slot = self
            .slots
            .acquire()
            .await
            .expect("semaphore is never closed");
        self.hosts.wait(url).await;
        tally.add();
        let client = self.client(url).map_err(Attempt::Final)?;
        let mut request = client.get(url.clone()).headers(profile.headers_for(url));
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
            let error = classify(url, &e);
            if retry {
                Attempt::Retry {
                    error,
                    retry_after: None,
                }
            } else {
                Attempt::Final(error)
            }
        };
        let response = request.send().await.map_err(transport)?;
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
            return next.map(Step::Redirect).ok_or_else(|| {
                let refusal = RedirectRefusal::Unreadable(format!("{location:?}"));
                Attempt::Final(FetchError::new(url, refusal.into()))
            });
        }
        if !status.is_success() {
            let error = FetchError::new(url, FetchErrorKind::Status(status.as_u16()));
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
        match response::read(response, self.max_body_bytes).await {
            Ok(page) => {
                tally.add_bytes(page.body.len());
                Ok(Step::Done(Fetched::Page(page)))
            }
            Err(BodyError::TooLarge) => Err(Attempt::Final(FetchError::new(
                url,
                FetchErrorKind::TooLarge(self.max_body_bytes),
            ))),
            Err(BodyError::Transfer(e)) => Err(transport(e)),
        }
    }
}
