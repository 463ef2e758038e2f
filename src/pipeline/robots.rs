//! robots.txt for every host a run touches: fetched at most once per host per run, cached in
//! the store for a day (DESIGN §6).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;
use url::Url;

use crate::fetch::robots::Robots;
use crate::fetch::{FetchError, Fetcher, Tally};
use crate::store::Store;

/// How long a stored robots.txt is trusted.
const ROBOTS_LIFETIME_HOURS: i64 = 24;

/// What a host's robots.txt says for this run.
#[derive(Debug, Clone)]
enum Verdict {
    Rules(Robots),
    /// 5xx, timeout or connection failure: the host is skipped this run.
    Unavailable(String),
}

/// Answers "may this URL be fetched?" for a whole run.
pub struct RobotsGate<'a> {
    enabled: bool,
    agent: String,
    store: Option<&'a Mutex<Store>>,
    now: DateTime<Utc>,
    hosts: Mutex<HashMap<String, Arc<OnceCell<Verdict>>>>,
}

impl<'a> RobotsGate<'a> {
    /// A gate for `user_agent` (its product token is matched); `store` caches across runs.
    pub fn new(
        enabled: bool,
        user_agent: &str,
        store: Option<&'a Mutex<Store>>,
        now: DateTime<Utc>,
    ) -> Self {
        let agent = user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or("feedwright")
            .to_ascii_lowercase();
        RobotsGate {
            enabled,
            agent,
            store,
            now,
            hosts: Mutex::default(),
        }
    }

    /// `Ok` when `url` may be fetched; else a one-line reason naming the rule or the failure.
    /// A robots.txt request, when one is made, is counted in `tally`.
    pub async fn check(&self, url: &Url, fetcher: &Fetcher, tally: &Tally) -> Result<(), String> {
        if !self.enabled {
            return Ok(());
        }
        let origin = url.origin().ascii_serialization();
        let cell = {
            let mut hosts = self.hosts.lock().expect("robots table is never poisoned");
            hosts.entry(origin.clone()).or_default().clone()
        };
        let verdict = cell
            .get_or_init(|| self.load(&origin, fetcher, tally))
            .await;
        let robots_url = format!("{origin}/robots.txt");
        match verdict {
            Verdict::Rules(robots) => {
                let path = match url.query() {
                    Some(q) => format!("{}?{q}", url.path()),
                    None => url.path().to_string(),
                };
                robots
                    .check(&path)
                    .map_err(|rule| format!("{url}: disallowed by {robots_url} ({rule})"))
            }
            Verdict::Unavailable(reason) => Err(format!(
                "{url}: skipped this run: {robots_url} unavailable ({reason})"
            )),
        }
    }

    async fn load(&self, origin: &str, fetcher: &Fetcher, tally: &Tally) -> Verdict {
        let lifetime = chrono::Duration::hours(ROBOTS_LIFETIME_HOURS);
        if let Some(store) = self.store {
            let cached = store
                .lock()
                .expect("store lock")
                .robots(origin, lifetime, self.now);
            if let Ok(Some(body)) = cached {
                return Verdict::Rules(
                    body.map_or_else(Robots::allow_all, |b| Robots::parse(&b, &self.agent)),
                );
            }
        }
        let robots_url = Url::parse(&format!("{origin}/robots.txt")).expect("origin URL is valid");
        let body = match fetcher.get(&robots_url, tally).await {
            Ok(response) => Some(response.text()),
            Err(FetchError::Status { status, .. })
                if (400..500).contains(&status) && status != 429 =>
            {
                None
            }
            Err(FetchError::Status { status, .. }) => {
                return Verdict::Unavailable(format!("HTTP {status}"));
            }
            Err(FetchError::Timeout { .. }) => return Verdict::Unavailable("timed out".into()),
            Err(FetchError::Transport { message, .. }) => return Verdict::Unavailable(message),
            Err(e) => return Verdict::Unavailable(e.to_string()),
        };
        if let Some(store) = self.store {
            let saved =
                store
                    .lock()
                    .expect("store lock")
                    .save_robots(origin, body.as_deref(), self.now);
            if let Err(e) = saved {
                tracing::warn!("cannot cache {robots_url}: {e}");
            }
        }
        Verdict::Rules(body.map_or_else(Robots::allow_all, |b| Robots::parse(&b, &self.agent)))
    }
}
