//! The index across shards: each shard writes `_shards/K-of-N.json`, the feeds it publishes,
//! and builds `index.html` and `feeds.opml` from every manifest of the same N, so the index
//! lists every feed whatever order the shards ran in. Manifests of another N are ignored.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use url::Url;

use super::error::PassError;
use super::outputs::put;
use crate::config::{Config, Shard};
use crate::publish::Output;
use crate::render::{FeedMeta, Listed};
use crate::store::Store;

/// Folder of the manifests, under the output folder.
const FOLDER: &str = "_shards";

/// One feed as a manifest lists it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Entry {
    stem: String,
    site_title: String,
    section_title: String,
    page_url: Url,
    items: usize,
    updated: Option<DateTime<Utc>>,
    #[serde(default)]
    refreshed: Option<DateTime<Utc>>,
    #[serde(default)]
    failing: Option<String>,
}

/// Writes this shard's manifest and returns the listing of every shard of the same count:
/// this shard's `own` feeds, and the others' from their manifests, by feed path.
pub(super) fn merge(
    config: &Config,
    output: &Output,
    store: &Store,
    shard: Shard,
    own: Vec<Listed>,
) -> Result<Vec<Listed>, PassError> {
    let entries: Vec<Entry> = own
        .iter()
        .map(|l| Entry {
            stem: l.meta.stem.clone(),
            site_title: l.meta.site_title.clone(),
            section_title: l.meta.section_title.clone(),
            page_url: l.meta.page_url.clone(),
            items: l.items,
            updated: l.updated,
            refreshed: l.refreshed,
            failing: l.failing.clone(),
        })
        .collect();
    let bytes = serde_json::to_vec_pretty(&entries).expect("manifest serialises");
    let mine = format!("{shard}.json");
    put::<PassError>(store, output, &format!("{FOLDER}/{mine}"), &bytes, "")?;
    let mut all: BTreeMap<String, Listed> = BTreeMap::new();
    let suffix = format!("-of-{}.json", shard.count);
    for name in output.list(FOLDER)? {
        if !name.ends_with(&suffix) || name == mine {
            continue;
        }
        for entry in read(output, &format!("{FOLDER}/{name}")) {
            all.insert(entry.stem.clone(), listed(config, entry));
        }
    }
    for feed in own {
        all.insert(feed.meta.stem.clone(), feed);
    }
    // In the config's order where known (sites stay together), others after.
    let order: HashMap<String, usize> = config
        .sections()
        .enumerate()
        .map(|(i, s)| (s.key(), i))
        .collect();
    let mut merged: Vec<Listed> = all.into_values().collect();
    merged.sort_by_key(|l| order.get(&l.meta.stem).copied().unwrap_or(usize::MAX));
    Ok(merged)
}

/// The entries of one manifest (none when it cannot be read: a shard being written).
fn read(output: &Output, name: &str) -> Vec<Entry> {
    output
        .read(name)
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn listed(config: &Config, entry: Entry) -> Listed {
    Listed {
        meta: FeedMeta {
            site_title: entry.site_title,
            section_title: entry.section_title,
            page_url: entry.page_url,
            stem: entry.stem,
            base_url: config.output.base_url.clone(),
            timezone: chrono_tz::UTC,
            hub: config.output.websub_hub.clone(),
            stylesheet: config.output.stylesheet,
        },
        items: entry.items,
        updated: entry.updated,
        refreshed: entry.refreshed,
        failing: entry.failing,
    }
}
