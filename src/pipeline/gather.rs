//! Reading a fetched page's items, without network or writes: refuse what is not a page or
//! feed, extract, normalise, drop duplicates and filtered items, and say what looked wrong.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::error::SectionError;
use crate::config::{Render, Section, Source};
use crate::cpu::{self, Stage};
use crate::extract::pager::{NextLink, next_link};
use crate::extract::{self, Extraction, Field};
use crate::fetch::Response;
use crate::locale::Language;
use crate::normalize::dates::DateRules;
use crate::normalize::{self, Context, Draft, dates, html};

/// Items read from one page, not yet dated.
pub(super) struct Gathered {
    /// Distinct usable items on the page (with a title and an http(s) link), before
    /// `include` / `exclude`.
    pub(super) found: usize,
    pub(super) drafts: Vec<Draft>,
    pub(super) warnings: Vec<String>,
    /// For each configured selector: how many items it gave a value.
    pub(super) matches: Vec<(Field, String, usize)>,
    /// The page's next-page link, looked for only when the section reads more than one page.
    pub(super) next: Option<NextLink>,
    /// With no `item` selector: what automatic detection used (`article.post`, `JSON-LD`).
    pub(super) detected: Option<String>,
    /// A page read over HTTP that yielded no items but runs scripts: its list may be built
    /// by them.
    pub(super) scripted: bool,
}

/// Media types that are never a page or a feed.
const NOT_A_PAGE: [&str; 6] = [
    "image/",
    "audio/",
    "video/",
    "font/",
    "application/pdf",
    "application/zip",
];

/// Reads a fetched page's items with the section's rules.
pub(super) fn gather(
    section: &Section,
    response: &Response,
    now: DateTime<Utc>,
) -> Result<Gathered, SectionError> {
    sniff(response)?;
    let mut warnings = Vec::new();
    let mut matches = Vec::new();
    let mut declared = None;
    let mut next = None;
    let mut scripted = false;
    let mut detected = None;
    let (raw, channel_date) = match section.source {
        Source::Feed => {
            let page = extract::feed::parse(&response.body).map_err(|e| SectionError::Parse {
                url: response.url.clone(),
                message: e.to_string(),
            })?;
            (page.items, page.channel_date)
        }
        Source::Html => {
            let text = cpu::measure(Stage::Decode, || response.text());
            let document = cpu::measure(Stage::Parse, || extract::parse_page(&text));
            drop(text);
            let extraction = cpu::measure(Stage::Extract, || {
                if section.pages > 1 {
                    next = next_link(&document, &response.url, section.next.as_ref());
                }
                extract::extract_items(&document, &section.rules, &response.url)
            });
            // Scripts are worth naming only where the page shows no list without them.
            scripted = extraction.items.is_empty()
                && section.render == Render::Http
                && extract::detect::is_scripted(&document)
                && extract::detect::detect(&document, &response.url)
                    .candidates
                    .is_empty();
            warnings.extend(selector_warnings(&extraction));
            matches = extraction.matches;
            detected = extraction.detected;
            declared = extraction.language;
            (extraction.items, None)
        }
    };
    let language = reading_language(section, declared.as_deref());
    let ctx = Context {
        base: &response.url,
        dates: DateRules {
            order: section.date_order,
            format: section.date_format.as_deref(),
            language: &language,
            now: Some((now, section.timezone)),
        },
    };
    let mut seen = HashSet::with_capacity(raw.len());
    let mut drafts = Vec::with_capacity(raw.len());
    // Which items' dates left out their year, for the listing's order to settle.
    let mut yearless = Vec::with_capacity(raw.len());
    cpu::measure(Stage::Normalize, || {
        for item in &raw {
            match normalize::normalize(item, &ctx) {
                Ok(draft) if !seen.insert(draft.id.clone()) => {
                    warnings.push(format!("duplicate link dropped: {}", draft.id));
                }
                Ok(draft) if keep(section, &draft) => {
                    yearless.push(item.date.as_deref().is_some_and(dates::leaves_out_the_year));
                    drafts.push(draft);
                }
                Ok(_) => {}
                Err(skip) => warnings.push(skip.to_string()),
            }
        }
        if yearless.iter().any(|y| *y) {
            let mut found: Vec<_> = drafts.iter().map(|d| d.date).collect();
            dates::order_years(&mut found, &yearless);
            for (draft, date) in drafts.iter_mut().zip(found) {
                draft.date = date;
            }
        }
    });
    if section.source == Source::Feed {
        let channel = channel_date.and_then(|d| dates::parse_date(&d, &ctx.dates));
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
    let ahead = drafts
        .iter()
        .filter_map(|d| d.date.or(d.dateline))
        .filter(|d| d.is_future(section.timezone, now))
        .count();
    if ahead > 0 {
        warnings.push(format!(
            "{ahead} of {} items are dated in the future (read in {}): clamped to now",
            drafts.len(),
            section.timezone
        ));
    }
    let undated = drafts
        .iter()
        .filter(|d| d.date.is_none() && d.dateline.is_none())
        .count();
    if undated > 0 {
        warnings.push(if drafts.len() == 1 {
            "the item has no date (first-seen time used)".to_string()
        } else {
            format!(
                "{undated} of {} items have no date (first-seen time used)",
                drafts.len()
            )
        });
    }
    Ok(Gathered {
        found: seen.len(),
        drafts,
        warnings,
        matches,
        next,
        detected,
        scripted,
    })
}

/// The language a section's dates are read in: its own `language`, else the one the page
/// declares (when known), else English.
pub(super) fn reading_language(section: &Section, declared: Option<&str>) -> Language {
    section
        .language
        .clone()
        .or_else(|| declared.and_then(Language::from_tag))
        .unwrap_or_else(Language::english)
}

/// Selectors that matched nothing, and what automatic detection used.
fn selector_warnings(extraction: &Extraction) -> Vec<String> {
    let item_count = extraction.items.len();
    let mut warnings = Vec::new();
    for (field, selector, count) in &extraction.matches {
        if *field == Field::Item && *count == 0 {
            warnings.push(format!("item selector {selector:?} matched nothing"));
        } else if *count == 0 && item_count > 0 {
            warnings.push(format!(
                "{} selector {selector:?} matched nothing in the {item_count} items",
                field.name()
            ));
        }
    }
    warnings
}

/// Refuses bodies that cannot be a page or feed: images, media, archives, binary data.
fn sniff(response: &Response) -> Result<(), SectionError> {
    let declared = response.content_type.as_deref().unwrap_or("");
    let mime = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let wrong_type = NOT_A_PAGE.iter().any(|prefix| mime.starts_with(prefix));
    // NUL bytes mean binary data, unless the text is UTF-16 (which is full of them).
    let utf16 = response.body.starts_with(&[0xFF, 0xFE])
        || response.body.starts_with(&[0xFE, 0xFF])
        || declared.to_ascii_lowercase().contains("utf-16");
    let binary = !utf16 && response.body.iter().take(4096).any(|&b| b == 0);
    if wrong_type || binary {
        return Err(SectionError::ContentType {
            url: response.url.clone(),
            what: if wrong_type {
                mime
            } else {
                "binary data".to_string()
            },
        });
    }
    Ok(())
}

/// Applies `include` / `exclude` to an item's title and summary.
fn keep(section: &Section, draft: &Draft) -> bool {
    if section.include.is_empty() && section.exclude.is_empty() {
        return true;
    }
    let text = format!(
        "{}\n{}",
        draft.title,
        draft.summary_html.as_deref().unwrap_or("")
    );
    let included = section.include.is_empty() || section.include.iter().any(|r| r.is_match(&text));
    included && !section.exclude.iter().any(|r| r.is_match(&text))
}
