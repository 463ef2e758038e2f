//! Trying again: exponential backoff with jitter, and the server's `Retry-After`.

use std::time::Duration;

use url::Url;

use super::error::{FetchError, FetchErrorKind, MAX_RETRY_AFTER_SECS};
use super::request::{Attempt, Step};
use super::{Fetcher, Profile, Tally, Validators};

impl Fetcher {
    /// One hop, retried on timeouts, connection errors, 429 and 5xx with exponential backoff
    /// and jitter, honouring `Retry-After` up to five minutes; other 4xx fail at once.
    pub(super) async fn with_retries(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Step, FetchError> {
        let mut attempt = 0;
        loop {
            let wait = match self.attempt(url, validators, profile, tally).await {
                Err(Attempt::Retry { error, retry_after }) if attempt < self.retries => {
                    match retry_after {
                        Some(wait) if wait > Duration::from_secs(MAX_RETRY_AFTER_SECS) => {
                            return Err(too_late(error, wait));
                        }
                        Some(wait) => wait,
                        None => backoff(attempt),
                    }
                }
                outcome => return outcome.map_err(Attempt::into_error),
            };
            tracing::debug!(%url, attempt, ?wait, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

/// The error for a server that asked to wait longer than [`MAX_RETRY_AFTER_SECS`].
fn too_late(error: FetchError, wait: Duration) -> FetchError {
    match error.status() {
        Some(status) => FetchError::new(
            &error.url,
            FetchErrorKind::RetryTooLate {
                status,
                seconds: wait.as_secs(),
            },
        ),
        None => error,
    }
}

/// Wait before retry number `attempt` (0-based): 0.5 s doubling, capped at 30 s, ±25 % jitter.
pub(super) fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(500).saturating_mul(1 << attempt.min(6));
    let base = base.min(Duration::from_secs(30));
    base.mul_f64(0.75 + fastrand::f64() * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter() {
        for attempt in 0..4 {
            let nominal = 500.0 * f64::from(1u32 << attempt);
            let ms = backoff(attempt).as_secs_f64() * 1000.0;
            assert!(
                ms >= nominal * 0.75 && ms <= nominal * 1.25,
                "{attempt}: {ms}"
            );
        }
        assert!(backoff(20) <= Duration::from_millis(37_500));
    }
}
