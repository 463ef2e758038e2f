//! Writing what the store holds: a section's feed files (only those whose bytes change, and
//! none at all when the page and the files are as they were), each put with its stamp
//! recorded ([`put`]).

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::{PassError, SectionError};
use super::{SectionReport, Shared, Shown, meta, retention};
use crate::config::{Config, Section, Target};
use crate::cpu::{self, Stage};
use crate::model::Item;
use crate::publish::{Bucket, Folder, Output, PublishError, Stamp, Written};
use crate::render::{self, FeedMeta, Format};
use crate::store::{self, OutputStamp, Retention, Store, StoreError};

/// Renders the section's feeds from its stored history and writes those whose bytes changed.
///
/// When the page did not change (`page_unchanged`) and every output file is as feedwright left
/// it (size, mtime and render settings recorded in the store), nothing is rendered at all; a
/// missing, edited or damaged file is rebuilt. `first` is the feed of a history this pass
/// filled from nothing ([`Retention::first_feed`]), else the feed is read from the state.
pub(super) async fn publish_section(
    shared: &Shared,
    section: &Section,
    report: &mut SectionReport,
    unchanged_since: Option<DateTime<Utc>>,
    first: Option<Vec<Item>>,
) -> Result<(), SectionError> {
    let meta = meta(&shared.config, section);
    let retention = retention(&shared.config, section);
    // The files show the history as of its last update: a run stopped between updating the
    // history and writing the files leaves them older, and the next run writes them again
    // even when the page has not changed.
    let page_unchanged = unchanged_since.is_some();
    let history = unchanged_since.unwrap_or(shared.now);
    let fingerprint = output_fingerprint(&meta, retention, history);
    let formats = &shared.config.output.formats;
    let output = &shared.output;
    // Each feed file, then the readable page (`None`).
    let names: Vec<(Option<Format>, String)> = formats
        .iter()
        .map(|&f| (Some(f), meta.file(f)))
        .chain([(None, meta.page_file())])
        .collect();
    let looked_up = cpu::measure(Stage::Store, || {
        let store = shared.store.lock().expect("store lock");
        let locations: Vec<String> = names.iter().map(|(_, n)| output.location(n)).collect();
        let recorded = store.outputs(&locations)?;
        // With max_age_days, items age out of the feed as time passes: always render then.
        let intact = page_unchanged
            && retention.max_age_days.is_none()
            && names.iter().zip(&recorded).all(|((_, name), recorded)| {
                recorded
                    .as_ref()
                    .is_some_and(|r| r.fingerprint == fingerprint && output.intact(name, r.stamp()))
            });
        // The feed file's stamp says how many items it shows (a state older than that count
        // renders once more, writing nothing, to record it).
        let kept = recorded.first().and_then(|r| r.as_ref()?.items);
        if let (true, Some(kept)) = (intact, kept) {
            report.counts.kept = kept;
            return Ok(None);
        }
        let items = match first {
            Some(items) => items,
            None => store.feed_items(&section.key(), retention, shared.now)?,
        };
        Ok::<_, StoreError>(Some((items, recorded)))
    })?;
    let Some((items, recorded)) = looked_up else {
        return Ok(());
    };
    report.counts.kept = items.len();
    // The items come newest first.
    let newest = items.first().map(|item| item.published);
    // Render and write outside the store lock, on the blocking pool (rendering is CPU work,
    // writing waits for fsyncs), so that sections publish side by side, a bounded number at
    // a time, while the async workers keep the connections moving.
    let (writer, formats, rendered_meta) = (Arc::clone(output), formats.clone(), meta.clone());
    let results = tokio::task::spawn_blocking(move || {
        names
            .into_iter()
            .zip(recorded)
            .map(|((format, name), recorded)| {
                let bytes = cpu::measure(Stage::Render, || match format {
                    Some(format) => render::render(format, &rendered_meta, &items),
                    None => render::feed_page(&rendered_meta, &formats, &items),
                });
                let (written, stamp) = cpu::measure(Stage::Write, || {
                    write(&writer, &name, &bytes, recorded.as_ref())
                })?;
                Ok((format, name, written, stamp, recorded))
            })
            .collect::<Result<Vec<_>, PublishError>>()
    })
    .await
    .expect("the publishing task does not panic")?;
    let mut stamps = Vec::with_capacity(results.len());
    let kept = Some(report.counts.kept);
    for (format, name, written, stamp, recorded) in results {
        stamps.extend(changed_stamp(
            output,
            &name,
            stamp,
            recorded.as_ref(),
            &fingerprint,
            kept,
        ));
        if written == Written::Changed
            && let Some(format) = format
        {
            report.written += 1;
            report.published.extend(meta.url(format));
        }
    }
    report.shown = Some(Shown {
        items: report.counts.kept,
        newest,
        refreshed: (report.counts.new > 0).then(|| store::as_stored(shared.now)),
    });
    if !stamps.is_empty() {
        cpu::measure(Stage::Store, || {
            shared
                .store
                .lock()
                .expect("store lock")
                .save_outputs(&stamps)
        })?;
    }
    Ok(())
}

/// Publishes `name` unless unchanged, and records its stamp with `fingerprint`.
pub(super) fn put<E: From<StoreError> + From<PublishError>>(
    store: &Store,
    output: &Output,
    name: &str,
    bytes: &[u8],
    fingerprint: &str,
) -> Result<Written, E> {
    let recorded = store.output(&output.location(name))?;
    let (written, stamp) = write(output, name, bytes, recorded.as_ref())?;
    let changed = changed_stamp(output, name, stamp, recorded.as_ref(), fingerprint, None);
    if let Some(changed) = changed {
        store.save_outputs(&[changed])?;
    }
    Ok(written)
}

/// Puts `name` with its content type, unless `recorded` shows it already holds `bytes`.
fn write(
    output: &Output,
    name: &str,
    bytes: &[u8],
    recorded: Option<&OutputStamp>,
) -> Result<(Written, Option<Stamp>), PublishError> {
    let content_type = render::content_type(Path::new(name));
    output.put(name, bytes, content_type, recorded.map(OutputStamp::stamp))
}

/// The stamp to record for `name` after a put, with `fingerprint` and the number of items it
/// shows, unless the state already has exactly that (`recorded`).
fn changed_stamp(
    output: &Output,
    name: &str,
    stamp: Option<Stamp>,
    recorded: Option<&OutputStamp>,
    fingerprint: &str,
    items: Option<usize>,
) -> Option<(String, OutputStamp)> {
    let (size, version) = stamp?;
    let stamp = OutputStamp {
        size,
        version,
        fingerprint: fingerprint.to_string(),
        items,
    };
    (recorded != Some(&stamp)).then(|| (output.location(name), stamp))
}

/// Opens the configured output: the folder, or the object-store prefix.
pub(super) fn open(config: &Config) -> Result<Output, PassError> {
    Ok(match &config.output.dir {
        Target::Folder(path) => Output::Folder(Folder::new(path.clone())),
        Target::Bucket(url) => Output::Bucket(Bucket::open(url, &config.output.cache_control)?),
    })
}

/// A digest of what a section's files are rendered from besides its items.
fn output_fingerprint(meta: &FeedMeta, retention: Retention, history: DateTime<Utc>) -> String {
    let text = format!(
        "{meta:?}|{retention:?}|{}|{}",
        history.timestamp_millis(),
        env!("CARGO_PKG_VERSION")
    );
    format!("{:x}", Sha256::digest(text.as_bytes()))
}
