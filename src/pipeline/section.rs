//! One section end to end: robots → conditional fetch → gather → enrich → history → feeds.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use super::enrich;
use super::error::SectionError;
use super::gather::{Gathered, gather};
use super::load::Loader;
use super::mend::mend;
use super::outputs::publish_section;
use super::{CheckReport, SectionReport, Shared, Status, joined, retention};
use super::{drift, pages};
use crate::config::{Render, Section};
use crate::cpu::{self, Stage};
use crate::fetch::{Fetched, Response, Tally, Validators};
use crate::model::Item;
use crate::normalize::Draft;
use crate::store::{Coverage, PageCache, PageUpdate};

/// `check`: fetch and extract one section, writing nothing.
pub(super) async fn check(section: &Section, loader: &Loader, now: DateTime<Utc>) -> CheckReport {
    let tally = Tally::default();
    let outcome = async {
        let wait_for = section.wait_for.as_deref();
        let response = loader
            .page(
                &section.url,
                section.render,
                wait_for,
                &section.profile,
                &tally,
            )
            .await?;
        let mut response = response;
        let mut gathered = gather(section, &response, now)?;
        let mut render = (section.render == Render::Auto).then_some("http");
        if gathered.found == 0 && section.render == Render::Auto {
            // As a run would: the browser when HTTP yields nothing (without one, HTTP's).
            let rendered = loader
                .page(
                    &section.url,
                    Render::Browser,
                    wait_for,
                    &section.profile,
                    &tally,
                )
                .await;
            if let Ok(rendered) = rendered {
                gathered = gather(section, &rendered, now)?;
                response = rendered;
                render = Some("browser");
            }
        }
        if gathered.found == 0 {
            return Err(SectionError::NoItems {
                heal: super::mend::proposal_note(section, &response),
                url: response.url,
                stored: 0,
                configured: section.rules.item.is_some(),
                scripted: gathered.scripted,
            });
        }
        let followed = pages::follow(
            loader,
            section,
            &response,
            &mut gathered,
            &|_| false,
            now,
            &tally,
        )
        .await;
        Ok((gathered, followed, render))
    }
    .await;
    let mut report = CheckReport {
        section: section.key(),
        items: Vec::new(),
        warnings: Vec::new(),
        matches: Vec::new(),
        detected: None,
        render: None,
        content: Vec::new(),
        date_sources: Vec::new(),
        template: None,
        articles_read: 0,
        pages: Vec::new(),
        found: 0,
        coverage: Coverage::default(),
        drift: Vec::new(),
        timezone: section.timezone,
        status: Status::Ok,
    };
    match outcome {
        Ok((
            Gathered {
                drafts,
                warnings,
                matches,
                detected,
                ..
            },
            followed,
            render,
        )) => {
            report.detected = detected;
            report.render = render;
            report.pages = followed
                .into_iter()
                .map(|link| format!("{} ({})", link.url, link.how))
                .collect();
            report.found = drafts.len();
            let mut drafts = drafts;
            (report.articles_read, report.content) =
                enrich::check_articles(loader, section, &mut drafts, &tally, now).await;
            report.date_sources = drafts
                .iter()
                .map(|d| (d.id.clone(), d.date_source()))
                .collect();
            report.coverage = coverage(&drafts);
            let mut items: Vec<Item> = drafts
                .into_iter()
                .map(|d| d.into_item(section.timezone, now, now))
                .collect();
            items.sort_by_key(|i| std::cmp::Reverse(i.published));
            items.truncate(section.max_items);
            report.items = items;
            report.warnings = warnings;
            report.matches = matches;
        }
        Err(error) => report.status = Status::Failed(Box::new(error)),
    }
    report
}

/// `run`: one section end to end.
pub(super) async fn run(shared: &Arc<Shared>, section: &Section) -> SectionReport {
    let started = Instant::now();
    let tally = Arc::new(Tally::default());
    let mut report = SectionReport {
        section: section.key(),
        ..SectionReport::default()
    };
    let updated = update(shared, section, &tally, &mut report).await;
    if let Err(error) = updated {
        // The feed as it was stays published: say how many items it holds.
        let kept = shared.store.lock().expect("store lock").feed_summary(
            &report.section,
            retention(&shared.config, section),
            shared.now,
        );
        report.counts.kept = kept.map_or(0, |(kept, _)| kept);
        report.status = Status::Failed(Box::new(error));
    }
    if report.counts.found > 0 && report.status.is_ok() {
        let history = cpu::measure(Stage::Store, || {
            shared
                .store
                .lock()
                .expect("store lock")
                .recent_runs(&report.section, drift::LOOK_BACK * 2)
        });
        match history {
            Ok(history) => {
                let counts = &report.counts;
                report.drift = drift::warnings(counts.found, counts.coverage, &history);
            }
            Err(e) => tracing::warn!("{}: run log: {e}", report.section),
        }
    }
    if let Some(hub) = &shared.config.output.websub_hub {
        for feed in &report.published {
            if let Err(e) = shared.loader.fetcher.ping_hub(hub, feed).await {
                report
                    .warnings
                    .push(format!("WebSub hub not told that {feed} changed: {e}"));
            }
        }
    }
    report.counts.requests = tally.get();
    report.counts.bytes = tally.bytes();
    report.counts.millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report
}

/// How many items carried each field, as the page gave them.
fn coverage(drafts: &[Draft]) -> Coverage {
    let count = |has: fn(&Draft) -> bool| drafts.iter().filter(|d| has(d)).count();
    Coverage {
        dated: count(|d| d.date.is_some() || d.dateline.is_some()),
        summary: count(|d| d.summary_html.is_some()),
        image: count(|d| d.image.is_some()),
        author: count(|d| d.author.is_some()),
        content: count(|d| d.content_html.is_some()),
    }
}

/// Fetches the section's page if it changed: an unchanged page only has its feeds checked, a
/// changed one is read on a task of its own.
async fn update(
    shared: &Arc<Shared>,
    section: &Section,
    tally: &Arc<Tally>,
    report: &mut SectionReport,
) -> Result<(), SectionError> {
    let key = section.key();
    // The state keeps the address as it may be shown: no value from the environment.
    let shown = super::public_url(&shared.config, &section.url);
    let url = shown.as_str();
    let rules = section.fingerprint();
    let cached = cpu::measure(Stage::Store, || {
        shared
            .store
            .lock()
            .expect("store lock")
            .page_cache(&key, url)
    })?
    .filter(|c| c.rules == rules);
    let validators = cached.as_ref().map(|c| Validators {
        etag: c.etag.clone(),
        last_modified: c.last_modified.clone(),
    });
    let render = super::mend::render_for(shared, section)?;
    let fetched = shared
        .loader
        .section_page(section, render, validators.as_ref(), tally)
        .await?;
    let response = match fetched {
        Fetched::NotModified => {
            report.counts.not_modified = 1;
            let saved = cached.as_ref().map(|c| c.saved);
            report.warnings.extend(standing(cached));
            return publish_section(shared, section, report, saved, None).await;
        }
        Fetched::Page(response) => response,
    };
    let body_hash = cpu::measure(Stage::Hash, || body_hash(&response.body));
    if cached
        .as_ref()
        .is_some_and(|c| c.body_hash.as_deref() == Some(body_hash.as_str()))
    {
        // Same bytes as last time, though the server did not say so: nothing to read.
        let saved = cached.as_ref().map(|c| c.saved);
        report.warnings.extend(standing(cached));
        return publish_section(shared, section, report, saved, None).await;
    }
    // A page to read: CPU work from here on (parsing, merging, rendering). It runs as a task
    // of its own, on whichever worker thread is free, while the pass goes on fetching; an
    // unchanged page, the common case, never needs one.
    let cache = PageCache {
        rules,
        etag: response.validators.etag.clone(),
        last_modified: response.validators.last_modified.clone(),
        body_hash: Some(body_hash),
        warnings: Vec::new(),
        saved: shared.now,
    };
    let reading = read(
        Arc::clone(shared),
        section.clone(),
        (render, response),
        cache,
        Arc::clone(tally),
        std::mem::take(report),
    );
    let (result, read_report) = joined(tokio::spawn(reading)).await;
    *report = read_report;
    result
}

/// What tells a page's bytes from last run's: their 128-bit XXH3 digest, in hex. (A digest
/// only compared with the one before: a state written by an older version, which kept
/// SHA-256 digests, reads each page once more and writes nothing new.)
fn body_hash(body: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(body))
}

/// The warnings of the page's last full read, for a run that did not read it again.
fn standing(cached: Option<PageCache>) -> Vec<String> {
    cached.map(|c| c.warnings).unwrap_or_default()
}

/// Reads a fetched page into the section's history and feeds; hands the report back.
async fn read(
    shared: Arc<Shared>,
    section: Section,
    loaded: (Render, Response),
    cache: PageCache,
    tally: Arc<Tally>,
    mut report: SectionReport,
) -> (Result<(), SectionError>, SectionReport) {
    let result = merge(&shared, &section, loaded, cache, &tally, &mut report).await;
    (result, report)
}

/// Parses the page (and the pages after it, with `pages`), fetches new items' article pages,
/// merges the items into the history and publishes the section's feeds.
async fn merge(
    shared: &Shared,
    section: &Section,
    (render, response): (Render, Response),
    cache: PageCache,
    tally: &Tally,
    report: &mut SectionReport,
) -> Result<(), SectionError> {
    let key = section.key();
    let shown = super::public_url(&shared.config, &section.url);
    // Parsing is the CPU-heavy step: on the blocking pool, sections parse on every core.
    let (owned, now) = (section.clone(), shared.now);
    let (response, gathered) = tokio::task::spawn_blocking(move || {
        let gathered = gather(&owned, &response, now);
        (response, gathered)
    })
    .await
    .expect("parsing does not panic");
    let (mut response, mut gathered) = (response, gathered?);
    let known = cpu::measure(Stage::Store, || {
        shared.store.lock().expect("store lock").known_dates(&key)
    })?;
    let mended = mend(
        shared,
        section,
        render,
        &known,
        &mut response,
        &mut gathered,
        tally,
        report,
    )
    .await?;
    let section = mended.healed.as_ref().unwrap_or(section);
    if gathered.found == 0 {
        return Err(SectionError::NoItems {
            url: response.url,
            stored: known.len(),
            configured: section.rules.item.is_some(),
            scripted: gathered.scripted,
            heal: mended.note,
        });
    }
    let is_known = |id: &str| known.contains_key(id);
    pages::follow(
        &shared.loader,
        section,
        &response,
        &mut gathered,
        &is_known,
        shared.now,
        tally,
    )
    .await;
    report.counts.found = gathered.found;
    report.counts.coverage = coverage(&gathered.drafts);
    report.warnings.extend(gathered.warnings);
    let mut drafts = gathered.drafts;
    let enriched = enrich::enrich(shared, section, &mut drafts, &known, tally).await;
    report.warnings.extend(enriched.warnings);
    report.counts.coverage.content = coverage(&drafts).content;
    let redate = enriched.redate;
    let items: Vec<Item> = cpu::measure(Stage::Normalize, || {
        drafts
            .into_iter()
            .map(|draft| {
                let mut item = draft.into_item(section.timezone, shared.now, shared.now);
                if let Some(&published) = known.get(&item.id).filter(|_| !redate.contains(&item.id))
                {
                    item.published = published;
                }
                item
            })
            .collect()
    });
    // What this read warned of stands while the page stays the same.
    let cache = PageCache {
        warnings: report.warnings.clone(),
        ..cache
    };
    let update = PageUpdate {
        section: &key,
        url: shown.as_str(),
        items: &items,
        redate: &redate,
        known: &known,
        cache: &cache,
    };
    let retention = retention(&shared.config, section);
    report.counts.new = cpu::measure(Stage::Store, || {
        shared
            .store
            .lock()
            .expect("store lock")
            .update_section(&update, retention, shared.now)
    })?;
    // A history that held nothing now holds just these items: its feed needs no reading back.
    let unique = || {
        let mut ids = HashSet::with_capacity(items.len());
        items.iter().all(|item| ids.insert(item.id.as_str()))
    };
    let first = (known.is_empty() && unique()).then(|| retention.first_feed(items, shared.now));
    publish_section(shared, section, report, None, first).await
}
