//! Following redirects by hand, so that every hop is checked: http(s) only, to hosts the
//! caller allows, at most [`MAX_REDIRECTS`] of them.

use url::Url;

use super::error::{FetchError, FetchErrorKind, RedirectRefusal};
use super::request::Step;
use super::{Fetched, Fetcher, Profile, Tally, Validators};

/// Most redirects followed for one request.
const MAX_REDIRECTS: usize = 10;

impl Fetcher {
    /// Fetches `url` and follows its redirects, each hop to an http(s) URL that `allowed`
    /// accepts. `url` itself must be one too. Each hop carries the headers `profile` gives
    /// its host.
    pub(super) async fn follow(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        allowed: &(dyn Fn(&Url) -> bool + Sync),
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Fetched, FetchError> {
        if !is_http(url) {
            return Err(FetchError::new(url, FetchErrorKind::Scheme));
        }
        if !allowed(url) {
            return Err(FetchError::new(url, FetchErrorKind::NotAllowed));
        }
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let next = match self
                .with_retries(&current, validators, profile, tally)
                .await?
            {
                Step::Done(fetched) => return Ok(fetched),
                Step::Redirect(next) => next,
            };
            let refusal = if !is_http(&next) {
                RedirectRefusal::NotHttp(next)
            } else if !allowed(&next) {
                RedirectRefusal::NotAllowed(next)
            } else {
                current = next;
                continue;
            };
            return Err(FetchError::new(&current, refusal.into()));
        }
        Err(FetchError::new(
            url,
            RedirectRefusal::TooMany(MAX_REDIRECTS).into(),
        ))
    }
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}
