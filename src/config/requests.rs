//! What each section sends with its requests: `user_agent`, `headers` and `cookies` (site
//! level, section overrides), checked here and turned into a [`Profile`] that also knows the
//! site's own hosts, the only ones that receive headers and cookies.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::header::HeaderMap;
use toml::Spanned;
use url::Url;

use super::ConfigError;
use super::checker::Checker;
use super::env::Text;
use crate::fetch::{Profile, bare_host};

/// The request keys of a site or a section, as written.
pub(super) struct RawRequests<'a> {
    pub(super) user_agent: Option<&'a Spanned<Text>>,
    pub(super) headers: Option<&'a BTreeMap<String, Spanned<Text>>>,
    pub(super) cookies: Option<&'a Spanned<Text>>,
}

impl Checker<'_> {
    /// The profile of a section at `url` of a site whose own hosts are `home` and `hosts`:
    /// the section's keys override the site's (headers name by name).
    pub(super) fn profile(
        &self,
        site: &RawRequests,
        section: &RawRequests,
        url: &Url,
        home: Option<&Url>,
        hosts: &[String],
    ) -> Result<Profile, ConfigError> {
        let value = |raw: &Spanned<Text>, key: &str| {
            Profile::value(raw.get_ref()).map_err(|e| self.error(raw, format!("{key}: {e}")))
        };
        let user_agent = section
            .user_agent
            .or(site.user_agent)
            .map(|raw| value(raw, "user_agent"))
            .transpose()?;
        let cookies = section
            .cookies
            .or(site.cookies)
            .map(|raw| value(raw, "cookies"))
            .transpose()?;
        let mut headers = HeaderMap::new();
        for (name, raw) in site.headers.into_iter().chain(section.headers).flatten() {
            if ["cookie", "user-agent", "host"].contains(&name.to_ascii_lowercase().as_str()) {
                return Err(self.error(
                    raw,
                    format!(
                        "header {name:?} is set by feedwright (use the cookies or user_agent key)"
                    ),
                ));
            }
            let (name, value) =
                Profile::header(name, raw.get_ref()).map_err(|e| self.error(raw, e))?;
            headers.insert(name, value);
        }
        let mut own: BTreeSet<String> = hosts.iter().map(|h| bare_host(h)).collect();
        own.extend(url.host_str().map(bare_host));
        own.extend(home.and_then(Url::host_str).map(bare_host));
        Ok(Profile {
            user_agent,
            headers,
            cookies,
            hosts: own,
        })
    }
}
