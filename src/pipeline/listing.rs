//! The listing of every feed: `index.html`, `feeds.opml` and the feeds' stylesheet, from the
//! sections whose files exist (with shards, merged with the other shards' manifests). A pass
//! that changed no feed leaves an intact listing alone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::PassError;
use super::outputs::put;
use super::{Shown, manifest, meta, retention};
use crate::config::{Config, Section};
use crate::publish::Output;
use crate::render::{self, FeedMeta, Format, Listed};
use crate::store::{OutputStamp, Store};

/// The listing's files.
const FILES: [&str; 3] = ["index.html", "feeds.opml", render::STYLE_FILE];

/// Writes `index.html` and `feeds.opml` listing every section that has feed files, and the
/// feeds' stylesheet. When no feed changed (`feeds_changed` false), the configuration lists
/// the same sections as when the files were written and the files are intact, nothing is
/// read or written: what the listing shows of a section changes only with its feed. (With
/// shards the other workers' feeds count too: it is always rebuilt.) A section in `shown` had
/// its files rendered by this pass, which says what they show; the others' are looked up.
pub(super) fn write_listing(
    config: &Config,
    output: &Output,
    store: &Store,
    now: DateTime<Utc>,
    feeds_changed: bool,
    shown: &HashMap<String, Shown>,
) -> Result<(), PassError> {
    let primary = config.output.formats[0];
    let own: Vec<&Section> = match config.shard {
        Some(_) => config.select(&[]).unwrap_or_default(),
        None => config.sections().collect(),
    };
    let metas: Vec<FeedMeta> = own.iter().map(|section| meta(config, section)).collect();
    let failing = store.failing()?;
    let fingerprint = fingerprint(config, &metas, &failing);
    if !feeds_changed && config.shard.is_none() && intact(config, store, output, &fingerprint)? {
        return Ok(());
    }
    let keys: Vec<String> = own.iter().map(|section| section.key()).collect();
    // When each history last gained an item: the state is read (every item of every
    // section) only if some section gained none this run.
    let added_now = |key: &String| shown.get(key).and_then(|shown| shown.refreshed);
    let refreshed = match keys.iter().all(|key| added_now(key).is_some()) {
        true => HashMap::new(),
        false => store.last_additions()?,
    };
    let mut listed = Vec::with_capacity(own.len());
    for ((section, meta), key) in own.into_iter().zip(metas).zip(keys) {
        let (items, updated) = match shown.get(&key) {
            Some(shown) => (shown.items, shown.newest),
            None => {
                let name = meta.file(primary);
                let recorded = store.output(&output.location(&name))?;
                if !output.exists(&name, recorded.as_ref().map(OutputStamp::stamp)) {
                    continue;
                }
                store.feed_summary(&key, retention(config, section), now)?
            }
        };
        listed.push(Listed {
            meta,
            items,
            updated,
            refreshed: added_now(&key).or_else(|| refreshed.get(&key).copied()),
            failing: failing.get(&key).cloned(),
        });
    }
    if let Some(shard) = config.shard {
        listed = manifest::merge(config, output, store, shard, listed)?;
    }
    let title = "Feeds";
    let opml_format = if config.output.formats.contains(&Format::Rss) {
        Format::Rss
    } else {
        primary
    };
    // One listing in memory at a time: with thousands of feeds each is megabytes.
    let [index_file, opml_file, style_file] = FILES;
    let index = render::index_html(title, &config.output.formats, &listed);
    put::<PassError>(store, output, index_file, &index, &fingerprint)?;
    drop(index);
    let opml = render::opml(title, opml_format, &listed);
    put::<PassError>(store, output, opml_file, &opml, &fingerprint)?;
    drop(opml);
    if config.output.stylesheet {
        let style = render::STYLE_XSL.as_bytes();
        put::<PassError>(store, output, style_file, style, &fingerprint)?;
    }
    Ok(())
}

/// A digest of what the listing is made of besides the feeds: the sections' titles and
/// addresses (`metas`), which of them failed their last run and why (`failing`), the
/// formats, this version. (When a feed was last refreshed changes only with the feed.)
fn fingerprint(config: &Config, metas: &[FeedMeta], failing: &HashMap<String, String>) -> String {
    let mut digest = Sha256::new();
    digest.update(format!(
        "{:?}|{}",
        config.output.formats,
        env!("CARGO_PKG_VERSION")
    ));
    for meta in metas {
        let failed = failing.get(&meta.stem);
        digest.update(format!("|{meta:?}|{failed:?}"));
    }
    format!("{:x}", digest.finalize())
}

/// Whether each listing file is as written from `fingerprint`.
fn intact(
    config: &Config,
    store: &Store,
    output: &Output,
    fingerprint: &str,
) -> Result<bool, PassError> {
    for name in FILES {
        if name == render::STYLE_FILE && !config.output.stylesheet {
            continue;
        }
        let recorded = store.output(&output.location(name))?;
        let written = recorded
            .is_some_and(|r| r.fingerprint == fingerprint && output.intact(name, r.stamp()));
        if !written {
            return Ok(false);
        }
    }
    Ok(true)
}
