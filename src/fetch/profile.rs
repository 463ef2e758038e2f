//! What a site sends with its requests: its user agent everywhere, and its headers and cookies
//! only to its own hosts (the section's, the site's `home` and `hosts`; a leading `www.` is
//! ignored), also after redirects.

use std::collections::BTreeSet;

use reqwest::header::{COOKIE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use url::Url;

/// A site's request settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// `User-Agent`, when the site sets its own.
    pub user_agent: Option<HeaderValue>,
    /// Extra headers, for the site's own hosts only.
    pub headers: HeaderMap,
    /// The `Cookie` header, for the site's own hosts only.
    pub cookies: Option<HeaderValue>,
    /// The site's own hosts, without a leading `www.`.
    pub hosts: BTreeSet<String>,
}

impl Profile {
    /// Whether `url` is on one of the site's own hosts.
    pub fn owns(&self, url: &Url) -> bool {
        url.host_str()
            .is_some_and(|host| self.hosts.contains(&bare_host(host)))
    }

    /// The headers to send to `url`, beside the client's defaults.
    pub fn headers_for(&self, url: &Url) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(agent) = &self.user_agent {
            headers.insert(USER_AGENT, agent.clone());
        }
        if self.owns(url) {
            for (name, value) in &self.headers {
                headers.insert(name.clone(), value.clone());
            }
            if let Some(cookies) = &self.cookies {
                headers.insert(COOKIE, cookies.clone());
            }
        }
        headers
    }

    /// The same headers as `(name, value)` text pairs (for the browser).
    pub fn header_pairs_for(&self, url: &Url) -> Vec<(String, String)> {
        self.headers_for(url)
            .iter()
            .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
            .collect()
    }

    /// Parses a header name and value as written in the config; the error says which is wrong.
    pub fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("{name:?} is not a valid header name"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of header {name} is not a valid header value"))?;
        Ok((name, mark_sensitive(value)))
    }

    /// A header value as written in the config, marked sensitive (never shown in debug output).
    pub fn value(value: &str) -> Result<HeaderValue, String> {
        HeaderValue::from_str(value)
            .map(mark_sensitive)
            .map_err(|_| "not a valid header value (control characters?)".to_string())
    }
}

fn mark_sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

/// A host name without a leading `www.` or trailing dot, in lower case.
pub fn bare_host(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    host.strip_prefix("www.")
        .map_or(host.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_cookies_only_go_to_the_site_s_hosts() {
        let (name, value) = Profile::header("Accept-Language", "de-DE").unwrap();
        let mut profile = Profile {
            user_agent: Some(Profile::value("site-bot/2").unwrap()),
            cookies: Some(Profile::value("consent=yes").unwrap()),
            hosts: ["example.org".to_string()].into(),
            ..Profile::default()
        };
        profile.headers.insert(name, value);
        let own = profile.headers_for(&Url::parse("https://www.example.org/a").unwrap());
        assert_eq!(own["accept-language"], "de-DE");
        assert_eq!(own["cookie"], "consent=yes");
        assert_eq!(own["user-agent"], "site-bot/2");
        let other = profile.headers_for(&Url::parse("https://cdn.example.net/x.js").unwrap());
        assert_eq!(other.len(), 1, "only the user agent: {other:?}");
        assert!(Profile::header("Bad Name", "x").is_err());
        assert!(Profile::value("line\nbreak").is_err());
        assert!(
            !format!("{:?}", profile.cookies).contains("consent"),
            "sensitive"
        );
    }
}
