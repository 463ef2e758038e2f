//! Telling a WebSub hub that a feed changed: `hub.mode=publish&hub.url=<feed>`, form-encoded,
//! tried three times with backoff.

use reqwest::header::CONTENT_TYPE;
use url::Url;

use super::error::classify;
use super::retry::backoff;
use super::{FetchError, FetchErrorKind, Fetcher};

/// Attempts per ping.
const ATTEMPTS: u32 = 3;

impl Fetcher {
    /// Tells `hub` that the feed at `feed` has new content.
    pub async fn ping_hub(&self, hub: &Url, feed: &Url) -> Result<(), FetchError> {
        let mut attempt = 0;
        loop {
            let form = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("hub.mode", "publish")
                .append_pair("hub.url", feed.as_str())
                .finish();
            let sent = self
                .client(hub)?
                .post(hub.clone())
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form)
                .send()
                .await;
            let error = match sent {
                Ok(answer) if answer.status().is_success() => return Ok(()),
                Ok(answer) => {
                    FetchError::new(hub, FetchErrorKind::Status(answer.status().as_u16()))
                }
                Err(e) => classify(hub, &e),
            };
            attempt += 1;
            if attempt >= ATTEMPTS {
                return Err(error);
            }
            tokio::time::sleep(backoff(attempt - 1)).await;
        }
    }
}
