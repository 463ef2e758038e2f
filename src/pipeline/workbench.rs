//! The app's side of the pipeline: a page loaded once, as `run` would load it (robots.txt,
//! spacing, the site's headers and cookies, HTTP or the browser), kept, and then checked as
//! often as a person edits a section — through `check`'s own path, so that a preview is
//! what `check` and `run` give.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use url::Url;

use super::error::{PassError, SectionError};
use super::load::{KeptPages, Loader};
use super::robots::{ROBOTS_LIFETIME_HOURS, RobotsGate};
use super::{CheckReport, read_state, retention, section};
use crate::config::{Config, Render, Section};
use crate::fetch::browser::Renderer;
use crate::fetch::{ClientError, Fetcher, Profile, Response, Tally};
use crate::model::Item;

/// Pages loaded for the app, kept, and checked against sections being built.
pub struct Workbench {
    fetcher: Fetcher,
    renderer: Arc<Renderer>,
    kept: Arc<KeptPages>,
    /// robots.txt answers, with when they were first asked for: kept as long as a run's
    /// state keeps them, then asked for again.
    robots: Mutex<Option<(DateTime<Utc>, Arc<RobotsGate>)>>,
}

impl std::fmt::Debug for Workbench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workbench").finish_non_exhaustive()
    }
}

impl Workbench {
    /// A workbench with the client and browser settings of `config`.
    pub fn new(config: &Config) -> Result<Workbench, ClientError> {
        Ok(Workbench {
            fetcher: Fetcher::new(&config.fetch.client)?,
            renderer: Arc::new(Renderer::new(config.browser.clone())),
            kept: Arc::default(),
            robots: Mutex::default(),
        })
    }

    /// A loader for `config` on the workbench's client, browser, robots.txt answers and kept
    /// pages.
    fn loader(&self, config: &Arc<Config>) -> Loader {
        let now = Utc::now();
        let robots = {
            let mut robots = self.robots.lock().expect("never poisoned");
            let fresh = robots
                .as_ref()
                .filter(|(since, _)| now - *since < chrono::Duration::hours(ROBOTS_LIFETIME_HOURS));
            match fresh {
                Some((_, gate)) => gate.clone(),
                None => {
                    let fetch = &config.fetch;
                    let gate = Arc::new(RobotsGate::new(
                        fetch.robots_txt,
                        &fetch.client.user_agent,
                        None,
                        now,
                    ));
                    *robots = Some((now, gate.clone()));
                    gate
                }
            }
        };
        Loader {
            config: config.clone(),
            fetcher: self.fetcher.clone(),
            renderer: self.renderer.clone(),
            robots,
            kept: Some(self.kept.clone()),
        }
    }

    /// Loads `url` once (later calls answer from memory) with the headers, cookies and user
    /// agent of the configured site whose hosts include it, over HTTP or in the browser.
    pub async fn load(
        &self,
        config: &Arc<Config>,
        url: &Url,
        render: Render,
    ) -> Result<Response, SectionError> {
        let profile = config
            .sections()
            .find(|s| s.profile.owns(url) || s.url.host_str() == url.host_str())
            .map_or_else(Profile::default, |s| s.profile.clone());
        let render = if render == Render::Browser {
            Render::Browser
        } else {
            Render::Http
        };
        self.loader(config)
            .page(url, render, None, &profile, &Tally::default())
            .await
    }

    /// What `check` gives for `section` of `config`, on the pages loaded before (a page not
    /// loaded yet is loaded now, and kept).
    pub async fn check(
        &self,
        config: &Arc<Config>,
        section: &Section,
        now: DateTime<Utc>,
    ) -> CheckReport {
        section::check(section, &self.loader(config), now).await
    }

    /// What automatic full-text extraction finds on the article page at `url`, loaded once
    /// as [`Workbench::load`] loads pages.
    pub async fn article(
        &self,
        config: &Arc<Config>,
        url: &Url,
    ) -> Result<super::ArticlePreview, SectionError> {
        let page = self.load(config, url, Render::Http).await?;
        Ok(
            tokio::task::spawn_blocking(move || super::article_preview(page))
                .await
                .expect("reading an article does not panic"),
        )
    }

    /// Whether `url` has been loaded (as `render` says) and is kept.
    pub fn has(&self, url: &Url, render: Render) -> bool {
        self.kept.has(url, render == Render::Browser)
    }
}

/// The items `section`'s feed holds now, from the state (none when there is no state yet).
pub fn feed_now(
    config: &Config,
    section: &Section,
    now: DateTime<Utc>,
) -> Result<Vec<Item>, PassError> {
    let (store, _copy) = match read_state(config) {
        Ok(opened) => opened,
        Err(crate::store::StoreError::Missing { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    Ok(store.feed_items(&section.key(), retention(config, section), now)?)
}
