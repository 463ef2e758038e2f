//! Loading a page for a section: robots.txt first, then plain HTTP (conditional for the
//! section's own page) or the browser, as the section says.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use url::Url;

use super::error::SectionError;
use super::robots::RobotsGate;
use crate::config::{Config, Render, Section};
use crate::fetch::browser::{RenderRequest, Renderer};
use crate::fetch::{ClientError, Fetched, Fetcher, Profile, Response, Tally, Validators};
use crate::store::Store;

/// What loading pages needs: the client, the browser and the robots.txt rules of a pass.
/// Cheap to clone: every part is shared.
#[derive(Clone)]
pub(super) struct Loader {
    pub(super) config: Arc<Config>,
    pub(super) fetcher: Fetcher,
    pub(super) renderer: Arc<Renderer>,
    pub(super) robots: Arc<RobotsGate>,
    /// Pages loaded before, answered again without a request (the app's snapshots).
    pub(super) kept: Option<Arc<KeptPages>>,
}

/// Pages a loader answers from memory once loaded: the app fetches a page once and then
/// previews it as often as a person edits its selectors. Keyed by URL and whether the
/// browser rendered it; the oldest page goes first past [`KeptPages::LIMIT`].
#[derive(Debug, Default)]
pub(super) struct KeptPages {
    pages: Mutex<std::collections::VecDeque<((String, bool), Response)>>,
}

impl KeptPages {
    /// Most pages kept.
    const LIMIT: usize = 24;

    fn get(&self, url: &Url, browser: bool) -> Option<Response> {
        let pages = self.pages.lock().expect("never poisoned");
        pages
            .iter()
            .find(|((u, b), _)| u == url.as_str() && *b == browser)
            .map(|(_, page)| page.clone())
    }

    pub(super) fn has(&self, url: &Url, browser: bool) -> bool {
        self.get(url, browser).is_some()
    }

    fn keep(&self, url: &Url, browser: bool, page: &Response) {
        let mut pages = self.pages.lock().expect("never poisoned");
        pages.retain(|((u, b), _)| !(u == url.as_str() && *b == browser));
        if pages.len() == Self::LIMIT {
            pages.pop_front();
        }
        pages.push_back(((url.to_string(), browser), page.clone()));
    }
}

impl Loader {
    /// A loader with its own client and browser; `store`, when given, caches robots.txt.
    pub(super) fn new(
        config: Arc<Config>,
        store: Option<Arc<Mutex<Store>>>,
        now: DateTime<Utc>,
    ) -> Result<Self, ClientError> {
        let fetcher = Fetcher::new(&config.fetch.client)?;
        let renderer = Arc::new(Renderer::new(config.browser.clone()));
        Ok(Loader::sharing(config, fetcher, renderer, store, now))
    }

    /// A loader on a client and browser shared with others, with its own robots.txt view as
    /// of `now`; `store`, when given, caches robots.txt.
    pub(super) fn sharing(
        config: Arc<Config>,
        fetcher: Fetcher,
        renderer: Arc<Renderer>,
        store: Option<Arc<Mutex<Store>>>,
        now: DateTime<Utc>,
    ) -> Self {
        let robots = RobotsGate::new(
            config.fetch.robots_txt,
            &config.fetch.client.user_agent,
            store,
            now,
        );
        Loader {
            config,
            fetcher,
            renderer,
            robots: Arc::new(robots),
            kept: None,
        }
    }

    /// A section's own page: conditional over HTTP (`validators`), or rendered in the browser
    /// (which has no validators to send) when `render` says so (`render = "auto"` has chosen
    /// one of the two before).
    pub(super) async fn section_page(
        &self,
        section: &Section,
        render: Render,
        validators: Option<&Validators>,
        tally: &Tally,
    ) -> Result<Fetched, SectionError> {
        let profile = &section.profile;
        self.robots
            .check(&section.url, &self.fetcher, profile, tally)
            .await?;
        match render {
            Render::Browser => Ok(Fetched::Page(
                self.render(&section.url, section.wait_for.as_deref(), profile, tally)
                    .await?,
            )),
            Render::Http | Render::Auto => Ok(self
                .fetcher
                .get_if_changed(&section.url, validators, profile, tally)
                .await?),
        }
    }

    /// A page of the section's own site (an article page), as robots.txt allows, over HTTP,
    /// refused when it is on, or redirects to, a host the site does not own.
    pub(super) async fn own_page(
        &self,
        url: &Url,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Response, SectionError> {
        self.robots
            .check(url, &self.fetcher, profile, tally)
            .await?;
        Ok(self.fetcher.get_own(url, profile, tally).await?)
    }

    /// Any page, as robots.txt allows, over HTTP or in the browser.
    pub(super) async fn page(
        &self,
        url: &Url,
        render: Render,
        wait_for: Option<&str>,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Response, SectionError> {
        let browser = render == Render::Browser;
        if let Some(page) = self.kept.as_ref().and_then(|k| k.get(url, browser)) {
            return Ok(page);
        }
        self.robots
            .check(url, &self.fetcher, profile, tally)
            .await?;
        let page = match render {
            Render::Browser => self.render(url, wait_for, profile, tally).await?,
            Render::Http | Render::Auto => self.fetcher.get(url, profile, tally).await?,
        };
        if let Some(kept) = &self.kept {
            kept.keep(url, browser, &page);
        }
        Ok(page)
    }

    async fn render(
        &self,
        url: &Url,
        wait_for: Option<&str>,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<Response, SectionError> {
        let user_agent = profile
            .user_agent
            .as_ref()
            .and_then(|agent| agent.to_str().ok())
            .unwrap_or(&self.config.fetch.client.user_agent);
        let request = RenderRequest {
            wait_for,
            user_agent,
            profile,
            timeout: self.config.fetch.client.timeout,
        };
        Ok(self
            .renderer
            .render(url, &request, &self.fetcher, tally)
            .await?)
    }
}
