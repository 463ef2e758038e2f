//! One section end to end: robots → conditional fetch → extract → normalize → history → feeds.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{CheckReport, SectionReport, Shared, Status, meta, retention};
use crate::config::{Section, Source};
use crate::extract::{self, Extraction};
use crate::fetch::{Fetched, Fetcher, Response, Tally, Validators};
use crate::model::Item;
use crate::normalize::{self, Context, Draft, dates, html};
use crate::publish::{self, Written};
use crate::render::{self, FeedMeta, Format};
use crate::store::{OutputStamp, PageCache, PageUpdate, Retention};

use super::enrich;

use super::robots::RobotsGate;

/// Items read from one page, not yet dated.
struct Gathered {
    /// Distinct usable items on the page (with a title and an http(s) link).
    found: usize,
    drafts: Vec<Draft>,
    warnings: Vec<String>,
    /// Elements each configured selector matched.
    matches: Vec<(&'static str, String, usize)>,
}

/// Reads a fetched page's items (no network, no writes). The error is a one-line reason.
fn gather(section: &Section, response: &Response) -> Result<Gathered, String> {
    check_content_type(response)?;
    let mut warnings = Vec::new();
    let mut matches = Vec::new();
    let (raw, channel_date) = match section.source {
        Source::Feed => {
            let page = extract::feed::parse(&response.body)
                .map_err(|e| format!("{}: {e}", response.url))?;
            (page.items, page.channel_date)
        }
        Source::Html => {
            let Extraction {
                items,
                matches: counted,
                detected,
            } = extract::extract_items(&response.text(), &section.rules, &response.url);
            let item_count = items.len();
            for (field, selector, count) in &counted {
                if *field == "item" && *count == 0 {
                    warnings.push(format!("item selector {selector:?} matched nothing"));
                } else if *count == 0 && item_count > 0 {
                    warnings.push(format!(
                        "{field} selector {selector:?} matched nothing in the {item_count} items"
                    ));
                }
            }
            if let Some(how) = detected {
                warnings.push(format!(
                    "no item selector: items found automatically ({how})"
                ));
            }
            matches = counted;
            (items, None)
        }
    };
    let ctx = Context {
        base: &response.url,
        date_order: section.date_order,
        date_format: section.date_format.as_deref(),
    };
    let mut seen = HashSet::new();
    let mut drafts = Vec::new();
    for item in &raw {
        match normalize::normalize(item, &ctx) {
            Ok(draft) if !seen.insert(draft.id.clone()) => {
                warnings.push(format!("duplicate link dropped: {}", draft.id));
            }
            Ok(draft) if keep(section, &draft) => drafts.push(draft),
            Ok(_) => {}
            Err(skip) => warnings.push(skip.to_string()),
        }
    }
    if section.source == Source::Feed {
        let channel = channel_date.and_then(|d| dates::parse_date(&d, section.date_order, None));
        let dropped = normalize::drop_untrusted_feed_dates(&mut drafts, channel);
        for draft in &mut drafts {
            draft.summary_html = draft.summary_html.as_deref().map(html::mark_cut_off);
        }
        if dropped > 0 {
            warnings.push(format!(
                "{dropped} feed dates look like build times and were not used"
            ));
        }
    }
    let undated = drafts
        .iter()
        .filter(|d| d.date.is_none() && d.dateline.is_none())
        .count();
    if undated > 0 {
        warnings.push(format!(
            "{undated} of {} items have no date (first-seen time used)",
            drafts.len()
        ));
    }
    // Found: the distinct items with a title and a usable link, before include/exclude.
    Ok(Gathered {
        found: seen.len(),
        drafts,
        warnings,
        matches,
    })
}

/// Refuses bodies that cannot be a page or feed: images, media, archives, binary data.
fn check_content_type(response: &Response) -> Result<(), String> {
    let mime = response.content_type.as_deref().unwrap_or("");
    let mime = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let wrong_type = [
        "image/",
        "audio/",
        "video/",
        "font/",
        "application/pdf",
        "application/zip",
    ]
    .iter()
    .any(|prefix| mime.starts_with(prefix));
    // NUL bytes mean binary data, unless the text is UTF-16 (which is full of them).
    let utf16 = response.body.starts_with(&[0xFF, 0xFE])
        || response.body.starts_with(&[0xFE, 0xFF])
        || response
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("utf-16"));
    let binary = !utf16 && response.body.iter().take(4096).any(|&b| b == 0);
    if wrong_type || binary {
        let what = if wrong_type {
            mime.as_str()
        } else {
            "binary data"
        };
        return Err(format!(
            "{}: not an HTML page or feed ({what})",
            response.url
        ));
    }
    Ok(())
}

/// Applies `include` / `exclude` to an item's title and summary.
fn keep(section: &Section, draft: &Draft) -> bool {
    let text = format!(
        "{}\n{}",
        draft.title,
        draft.summary_html.as_deref().unwrap_or("")
    );
    let included = section.include.is_empty() || section.include.iter().any(|r| r.is_match(&text));
    included && !section.exclude.iter().any(|r| r.is_match(&text))
}

fn no_items(response: &Response, stored: usize) -> String {
    if stored > 0 {
        format!(
            "{}: no items matched, but {stored} are stored: the page layout probably changed \
             (feed left as it was)",
            response.url
        )
    } else {
        format!(
            "{}: no items matched (wrong selectors or a changed layout?)",
            response.url
        )
    }
}

/// `check`: fetch and extract one section, writing nothing.
pub async fn check(
    section: &Section,
    fetcher: &Fetcher,
    robots: &RobotsGate<'_>,
    now: DateTime<Utc>,
) -> CheckReport {
    let tally = Tally::default();
    let outcome = async {
        robots.check(&section.url, fetcher, &tally).await?;
        let response = fetcher
            .get(&section.url, &tally)
            .await
            .map_err(|e| e.to_string())?;
        let gathered = gather(section, &response)?;
        if gathered.found == 0 {
            return Err(no_items(&response, 0));
        }
        Ok(gathered)
    }
    .await;
    match outcome {
        Ok(g) => {
            let mut items: Vec<Item> = g
                .drafts
                .into_iter()
                .map(|d| d.into_item(section.timezone, now, now))
                .collect();
            items.sort_by_key(|i| std::cmp::Reverse(i.published));
            items.truncate(section.max_items);
            CheckReport {
                section: section.key(),
                items,
                warnings: g.warnings,
                matches: g.matches,
                status: Status::Ok,
            }
        }
        Err(reason) => CheckReport {
            section: section.key(),
            items: Vec::new(),
            warnings: Vec::new(),
            matches: Vec::new(),
            status: Status::Failed(reason),
        },
    }
}

/// `run`: one section end to end.
pub async fn run(shared: &Shared<'_>, section: &Section) -> SectionReport {
    let started = Instant::now();
    let tally = Tally::default();
    let mut report = SectionReport {
        section: section.key(),
        found: 0,
        new: 0,
        kept: 0,
        requests: 0,
        not_modified: 0,
        written: 0,
        warnings: Vec::new(),
        millis: 0,
        status: Status::Ok,
    };
    if let Err(reason) = update(shared, section, &tally, &mut report).await {
        report.status = Status::Failed(reason);
    }
    report.requests = tally.get();
    report.millis = started.elapsed().as_millis();
    report
}

async fn update(
    shared: &Shared<'_>,
    section: &Section,
    tally: &Tally,
    report: &mut SectionReport,
) -> Result<(), String> {
    let key = section.key();
    let url = section.url.as_str();
    let store_error = |e: crate::store::StoreError| format!("{}: {e}", section.url);
    shared
        .robots
        .check(&section.url, &shared.fetcher, tally)
        .await?;
    let rules = section.fingerprint();
    let cached = shared
        .store
        .lock()
        .expect("store lock")
        .page_cache(&key, url)
        .map_err(store_error)?
        .filter(|c| c.rules == rules);
    let validators = cached.as_ref().map(|c| Validators {
        etag: c.etag.clone(),
        last_modified: c.last_modified.clone(),
    });
    let fetched = shared
        .fetcher
        .get_if_changed(&section.url, validators.as_ref(), tally)
        .await
        .map_err(|e| e.to_string())?;
    let response = match fetched {
        Fetched::NotModified => {
            report.not_modified = 1;
            return publish_from_store(shared, section, report, true);
        }
        Fetched::Page(response) => response,
    };
    let body_hash = format!("{:x}", Sha256::digest(&response.body));
    if cached
        .as_ref()
        .is_some_and(|c| c.body_hash.as_deref() == Some(body_hash.as_str()))
    {
        // Same bytes as last time, though the server did not say so: nothing to read.
        return publish_from_store(shared, section, report, true);
    }
    let gathered = gather(section, &response)?;
    report.found = gathered.found;
    report.warnings = gathered.warnings;
    let cache = PageCache {
        rules,
        etag: response.validators.etag.clone(),
        last_modified: response.validators.last_modified.clone(),
        body_hash: Some(body_hash),
    };
    let known = {
        let store = shared.store.lock().expect("store lock");
        if gathered.found == 0 {
            let stored = store.item_count(&key).map_err(store_error)?;
            return Err(no_items(&response, stored));
        }
        store.known_dates(&key).map_err(store_error)?
    };
    let mut drafts = gathered.drafts;
    let redate = enrich::enrich(shared, section, &mut drafts, &known, tally).await;
    let items: Vec<Item> = drafts
        .into_iter()
        .map(|draft| {
            let mut item = draft.into_item(section.timezone, shared.now, shared.now);
            if let Some(&published) = known.get(&item.id).filter(|_| !redate.contains(&item.id)) {
                item.published = published;
            }
            item
        })
        .collect();
    let update = PageUpdate {
        section: &key,
        url,
        items: &items,
        redate: &redate,
        cache: &cache,
    };
    report.new = shared
        .store
        .lock()
        .expect("store lock")
        .update_section(&update, retention(shared.config, section), shared.now)
        .map_err(store_error)?;
    publish_from_store(shared, section, report, false)
}

/// Renders the section's feeds from its stored history and writes those whose bytes changed.
///
/// When the page did not change (`page_unchanged`) and every output file is as feedwright left
/// it (size, mtime and render settings recorded in the store), nothing is rendered at all; a
/// missing, edited or damaged file is rebuilt.
fn publish_from_store(
    shared: &Shared<'_>,
    section: &Section,
    report: &mut SectionReport,
    page_unchanged: bool,
) -> Result<(), String> {
    let store_error = |e: crate::store::StoreError| format!("{}: {e}", section.url);
    let meta = meta(shared.config, section);
    let retention = retention(shared.config, section);
    let fingerprint = output_fingerprint(&meta, retention);
    let paths: Vec<(Format, PathBuf)> = shared
        .config
        .output
        .formats
        .iter()
        .map(|&f| (f, shared.config.output.dir.join(meta.file(f))))
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
            let (kept, _) = store
                .feed_summary(&section.key(), retention, shared.now)
                .map_err(store_error)?;
            report.kept = kept;
            return Ok(());
        }
    }
    let items = store
        .feed_items(&section.key(), retention, shared.now)
        .map_err(store_error)?;
    report.kept = items.len();
    for (format, path) in paths {
        let bytes = render::render(format, &meta, &items);
        match publish::write_if_changed(&path, &bytes) {
            Ok(Written::Changed) => report.written += 1,
            Ok(Written::Unchanged) => {}
            Err(e) => return Err(format!("{}: cannot write: {e}", path.display())),
        }
        if let Some((size, mtime_ns)) = stamp(&path) {
            let recorded = OutputStamp {
                size,
                mtime_ns,
                fingerprint: fingerprint.clone(),
            };
            store
                .save_output(&path.to_string_lossy(), &recorded)
                .map_err(store_error)?;
        }
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
