//! Writing what the store holds: a section's feed files (only those whose bytes change, and
//! none at all when the page and the files are as they were), and the listing of every feed.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::{PassError, SectionError};
use super::{SectionReport, Shared, manifest, meta, retention};
use crate::config::{Config, Section};
use crate::publish::{self, Written};
use crate::render::{self, FeedMeta, Format, Listed};
use crate::store::{OutputStamp, Retention, Store};

/// Renders the section's feeds from its stored history and writes those whose bytes changed.
///
/// When the page did not change (`page_unchanged`) and every output file is as feedwright left
/// it (size, mtime and render settings recorded in the store), nothing is rendered at all; a
/// missing, edited or damaged file is rebuilt.
pub(super) fn publish_section(
    shared: &Shared<'_>,
    section: &Section,
    report: &mut SectionReport,
    page_unchanged: bool,
) -> Result<(), SectionError> {
    let meta = meta(shared.config, section);
    let retention = retention(shared.config, section);
    let fingerprint = output_fingerprint(&meta, retention);
    let formats = &shared.config.output.formats;
    let dir = &shared.config.output.dir;
    // Each feed file, then the readable page (`None`).
    let paths: Vec<(Option<Format>, PathBuf)> = formats
        .iter()
        .map(|&f| (Some(f), dir.join(meta.file(f))))
        .chain([(None, dir.join(meta.page_file()))])
        .collect();
    let store = shared.store.lock().expect("store lock");
    // With max_age_days, items age out of the feed as time passes: always render then.
    if page_unchanged && retention.max_age_days.is_none() {
        let intact = paths.iter().all(|(_, path)| {
            let recorded = store.output(&path.to_string_lossy()).ok().flatten();
            recorded.is_some_and(|r| {
                r.fingerprint == fingerprint && stamp(path) == Some((r.size, r.mtime_ns))
            })
        });
        if intact {
            (report.kept, _) = store.feed_summary(&section.key(), retention, shared.now)?;
            return Ok(());
        }
    }
    let items = store.feed_items(&section.key(), retention, shared.now)?;
    report.kept = items.len();
    for (format, path) in paths {
        let bytes = match format {
            Some(format) => render::render(format, &meta, &items),
            None => render::feed_page(&meta, formats, &items),
        };
        match publish::write_if_changed(&path, &bytes) {
            Ok(Written::Changed) if format.is_some() => {
                report.written += 1;
                report.published.extend(format.and_then(|f| meta.url(f)));
            }
            Ok(Written::Changed) => {}
            Ok(Written::Unchanged) => {}
            Err(source) => return Err(SectionError::Write { path, source }),
        }
        if let Some((size, mtime_ns)) = stamp(&path) {
            let recorded = OutputStamp {
                size,
                mtime_ns,
                fingerprint: fingerprint.clone(),
            };
            store.save_output(&path.to_string_lossy(), &recorded)?;
        }
    }
    Ok(())
}

/// Writes `index.html` and `feeds.opml` listing every section that has feed files, and the
/// feeds' stylesheet.
pub(super) fn write_listing(
    config: &Config,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<(), PassError> {
    let primary = config.output.formats[0];
    let mut listed = Vec::new();
    let own: Vec<&Section> = match config.shard {
        Some(_) => config.select(&[]).unwrap_or_default(),
        None => config.sections().collect(),
    };
    for section in own {
        let meta = meta(config, section);
        if !config.output.dir.join(meta.file(primary)).exists() {
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
        listed = manifest::merge(config, shard, listed)?;
    }
    let title = "Feeds";
    let opml_format = if config.output.formats.contains(&Format::Rss) {
        Format::Rss
    } else {
        primary
    };
    for (name, bytes) in [
        (
            "index.html",
            render::index_html(title, &config.output.formats, &listed),
        ),
        ("feeds.opml", render::opml(title, opml_format, &listed)),
        (render::STYLE_FILE, render::STYLE_XSL.as_bytes().to_vec()),
    ] {
        let path = config.output.dir.join(name);
        publish::write_if_changed(&path, &bytes)
            .map_err(|source| PassError::Write { path, source })?;
    }
    Ok(())
}

/// A file's size and modification time in nanoseconds.
fn stamp(path: &Path) -> Option<(u64, i64)> {
    let metadata = std::fs::metadata(path).ok()?;
    let mtime = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((metadata.len(), i64::try_from(mtime.as_nanos()).ok()?))
}

/// A digest of what a section's files are rendered from besides its items.
fn output_fingerprint(meta: &FeedMeta, retention: Retention) -> String {
    let text = format!("{meta:?}|{retention:?}|{}", env!("CARGO_PKG_VERSION"));
    format!("{:x}", Sha256::digest(text.as_bytes()))
}
