//! A successful answer: its final URL, type, validators and body (read up to the size cap).

use std::time::Duration;

use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, LAST_MODIFIED, RETRY_AFTER,
};
use url::Url;

use super::charset;

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

impl Response {
    /// The body as text (see [`charset::decode`]).
    pub fn text(&self) -> String {
        charset::decode(&self.body, self.content_type.as_deref()).0
    }
}

/// What a conditional GET gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: the page is as it was.
    NotModified,
    /// A full answer.
    Page(Response),
}

/// Why a body could not be read.
pub(super) enum BodyError {
    /// Larger than the cap.
    TooLarge,
    /// The transfer failed.
    Transfer(reqwest::Error),
}

/// Reads a successful answer whole, refusing bodies over `max_bytes` (declared or counted).
pub(super) async fn read(
    mut response: reqwest::Response,
    max_bytes: u64,
) -> Result<Response, BodyError> {
    let headers = response.headers();
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_bytes) {
        return Err(BodyError::TooLarge);
    }
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(CONTENT_TYPE);
    let validators = Validators {
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    let url = response.url().clone();
    // Room for the declared length at once: grown by doubling, a page's body would be copied
    // five or six times while it arrives.
    let room = declared.map_or(0, |n| usize::try_from(n).unwrap_or(0));
    let mut body = Vec::with_capacity(room);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transfer)? {
        if (body.len() + chunk.len()) as u64 > max_bytes {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response {
        url,
        content_type,
        validators,
        body,
    })
}

/// `Retry-After` as seconds or an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let seconds = (when.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(seconds.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO), "a past date");
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
