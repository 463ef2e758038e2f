//! The listing of every feed: `index.html`, `feeds.opml` and the feeds' stylesheet, from the
//! sections whose files exist (with shards, merged with the other shards' manifests).

use chrono::{DateTime, Utc};

use super::error::PassError;
use super::outputs::put;
use super::{manifest, meta, retention};
use crate::config::{Config, Section};
use crate::publish::Output;
use crate::render::{self, Format, Listed};
use crate::store::{OutputStamp, Store};

/// Writes `index.html` and `feeds.opml` listing every section that has feed files, and the
/// feeds' stylesheet.
pub(super) fn write_listing(
    config: &Config,
    output: &Output,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<(), PassError> {
    let primary = config.output.formats[0];
    let own: Vec<&Section> = match config.shard {
        Some(_) => config.select(&[]).unwrap_or_default(),
        None => config.sections().collect(),
    };
    let mut listed = Vec::with_capacity(own.len());
    for section in own {
        let meta = meta(config, section);
        let name = meta.file(primary);
        let recorded = store.output(&output.location(&name))?;
        if !output.exists(&name, recorded.as_ref().map(OutputStamp::stamp)) {
            continue;
        }
        let (items, updated) =
            store.feed_summary(&section.key(), retention(config, section), now)?;
        listed.push(Listed {
            meta,
            items,
            updated,
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
    let index = render::index_html(title, &config.output.formats, &listed);
    put::<PassError>(store, output, "index.html", &index, "")?;
    drop(index);
    let opml = render::opml(title, opml_format, &listed);
    put::<PassError>(store, output, "feeds.opml", &opml, "")?;
    drop(opml);
    let style = render::STYLE_XSL.as_bytes();
    put::<PassError>(store, output, render::STYLE_FILE, style, "")?;
    Ok(())
}
