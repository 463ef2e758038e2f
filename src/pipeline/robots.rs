//! robots.txt for every host a run touches: fetched at most once per origin per run, cached
//! in the store for a day; a 4xx answer allows everything, a 5xx or a failure skips the host
//! for this run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;
use url::Url;

use super::error::SectionError;
use crate::fetch::robots::{Access, Robots};
use crate::fetch::{FetchError, Fetcher, Profile, Tally};
use crate::store::{Store, StoredRobots};

/// How long a stored robots.txt is trusted.
pub(super) const ROBOTS_LIFETIME_HOURS: i64 = 24;

/// What an origin's robots.txt says for this run.
#[derive(Debug)]
enum Verdict {
    Rules(Robots),
    /// 5xx, timeout or connection failure: the origin is skipped this run.
    Unavailable(FetchError),
}

/// An origin and the user-agent token its rules were read for.
type OriginAgent = (String, String);

/// Answers "may this URL be fetched?" for a whole run.
pub(super) struct RobotsGate {
    enabled: bool,
    agent: String,
    store: Option<Arc<Mutex<Store>>>,
    now: DateTime<Utc>,
    origins: Mutex<HashMap<OriginAgent, Arc<OnceCell<Verdict>>>>,
}

impl RobotsGate {
    /// A gate for `user_agent` (its product token is matched); `store` caches across runs.
    pub(super) fn new(
        enabled: bool,
        user_agent: &str,
        store: Option<Arc<Mutex<Store>>>,
        now: DateTime<Utc>,
    ) -> Self {
        let agent = product_token(user_agent);
        RobotsGate {
            enabled,
            agent,
            store,
            now,
            origins: Mutex::default(),
        }
    }

    /// `Ok` when `url` may be fetched; else why not, naming the rule or the failure.
    /// A robots.txt request, when one is made, is counted in `tally`.
    /// The profile's own user agent, when it has one, decides which group applies.
    pub(super) async fn check(
        &self,
        url: &Url,
        fetcher: &Fetcher,
        profile: &Profile,
        tally: &Tally,
    ) -> Result<(), SectionError> {
        if !self.enabled {
            return Ok(());
        }
        let origin = url.origin().ascii_serialization();
        let agent = profile
            .user_agent
            .as_ref()
            .and_then(|agent| agent.to_str().ok())
            .map_or_else(|| self.agent.clone(), product_token);
        let cell = {
            let mut origins = self.origins.lock().expect("robots table is never poisoned");
            origins
                .entry((origin.clone(), agent.clone()))
                .or_default()
                .clone()
        };
        let robots_url = Url::parse(&origin)
            .and_then(|o| o.join("/robots.txt"))
            .expect("an origin with a path is a URL");
        let verdict = cell
            .get_or_init(|| self.load(&origin, &robots_url, &agent, fetcher, profile, tally))
            .await;
        match verdict {
            Verdict::Rules(robots) => match robots.check(url) {
                Access::Allowed => Ok(()),
                Access::Disallowed { rule } => Err(SectionError::Disallowed {
                    url: url.clone(),
                    robots_url,
                    rule,
                }),
            },
            // No answer at all (refused, timed out): the host is down, not its robots.txt.
            Verdict::Unavailable(cause) if cause.status().is_none() => {
                Err(SectionError::Fetch(crate::fetch::FetchError {
                    url: url.clone(),
                    kind: cause.kind.clone(),
                }))
            }
            Verdict::Unavailable(cause) => Err(SectionError::RobotsUnavailable {
                url: url.clone(),
                robots_url,
                cause: cause.clone(),
            }),
        }
    }

    async fn load(
        &self,
        origin: &str,
        robots_url: &Url,
        agent: &str,
        fetcher: &Fetcher,
        profile: &Profile,
        tally: &Tally,
    ) -> Verdict {
        let lifetime = chrono::Duration::hours(ROBOTS_LIFETIME_HOURS);
        if let Some(store) = &self.store {
            let cached = store
                .lock()
                .expect("store lock")
                .robots(origin, lifetime, self.now);
            if let Ok(Some(stored)) = cached {
                return Verdict::Rules(rules(&stored, agent));
            }
        }
        let stored = match fetcher.get(robots_url, profile, tally).await {
            Ok(response) => StoredRobots::Text(response.text()),
            Err(e)
                if e.status()
                    .is_some_and(|s| (400..500).contains(&s) && s != 429) =>
            {
                StoredRobots::AllowAll
            }
            Err(e) => return Verdict::Unavailable(e),
        };
        if let Some(store) = &self.store {
            let saved = store
                .lock()
                .expect("store lock")
                .save_robots(origin, &stored, self.now);
            if let Err(e) = saved {
                tracing::warn!("cannot cache {robots_url}: {e}");
            }
        }
        Verdict::Rules(rules(&stored, agent))
    }
}

fn rules(stored: &StoredRobots, agent: &str) -> Robots {
    match stored {
        StoredRobots::Text(text) => Robots::parse(text, agent),
        StoredRobots::AllowAll => Robots::allow_all(),
    }
}

/// The product token of a user agent: `feedwright` of `feedwright/0.1 (+https://…)`.
fn product_token(user_agent: &str) -> String {
    user_agent
        .split(['/', ' '])
        .next()
        .filter(|token| !token.is_empty())
        .unwrap_or("feedwright")
        .to_string()
}
