//! Article-page enrichment (`[site.article]`): each new item's page is fetched once, ever,
//! from the site's own hosts only, and fills or corrects the item.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use url::Url;

use super::Shared;
use super::error::SectionError;
use super::gather::reading_language;
use super::load::Loader;
use crate::config::{FullText, Section};
use crate::extract::Rules;
use crate::extract::article::extract_article;
use crate::extract::fulltext::main_text;
use crate::fetch::{Response, Tally};
use crate::model::RawArticle;
use crate::normalize::dates::DateRules;
use crate::normalize::html::visible_text;
use crate::normalize::{self, Context, Draft};
use crate::store::{ArticleRecord, MAX_ARTICLE_ATTEMPTS};

/// What enrichment did besides filling drafts.
#[derive(Debug, Default)]
pub(super) struct Enriched {
    /// Stored items enriched for the first time: their date may change once.
    pub(super) redate: HashSet<String>,
    /// What the section's warnings should say (paywalls, pages left for later runs).
    pub(super) warnings: Vec<String>,
}

/// Enriches the drafts that are new to the section (or whose page failed before and may be
/// tried again; with `content = "auto"`, also stored items whose page was left for a later
/// run), at most `max_articles` pages a run, in page order (newest first). A failure never
/// holds an item back.
pub(super) async fn enrich(
    shared: &Shared,
    section: &Section,
    drafts: &mut [Draft],
    known: &HashMap<String, DateTime<Utc>>,
    tally: &Tally,
) -> Enriched {
    let site = shared.config.site_of(section);
    let Some(rules) = &section.article else {
        return Enriched::default();
    };
    let full = section.full_text;

    // What the store already knows decides which pages to fetch: never one read before, nor
    // one that failed too often, nor (for stored items) one never tried.
    let mut articles: Vec<(usize, Option<RawArticle>)> = Vec::new();
    let mut to_fetch: Vec<usize> = Vec::new();
    {
        let store = shared.store.lock().expect("store lock");
        for (index, draft) in drafts.iter().enumerate() {
            let record = store.article(&draft.id).unwrap_or_else(|e| {
                tracing::warn!("{}: {e}", draft.id);
                Some(ArticleRecord::Failed(MAX_ARTICLE_ATTEMPTS))
            });
            match record {
                // Applied on every run, so the page's own fields never undo the article's.
                Some(ArticleRecord::Read(article)) => articles.push((index, Some(article))),
                Some(ArticleRecord::Failed(n)) if n < MAX_ARTICLE_ATTEMPTS => to_fetch.push(index),
                None if full.auto || !known.contains_key(&draft.id) => to_fetch.push(index),
                _ => {}
            }
        }
    }
    // Only from the site's own hosts (the section's, `home`, `hosts`).
    to_fetch.retain(|&i| Url::parse(&drafts[i].id).is_ok_and(|u| section.profile.owns(&u)));
    let mut warnings = Vec::new();
    if to_fetch.len() > full.max_articles {
        warnings.push(format!(
            "{} article pages left for later runs (max_articles = {})",
            to_fetch.len() - full.max_articles,
            full.max_articles
        ));
        to_fetch.truncate(full.max_articles);
    }

    let fetches = to_fetch.iter().map(|&index| {
        let url = Url::parse(&drafts[index].id).expect("draft ids are URLs");
        async move {
            let loader = &shared.loader;
            let profile = &section.profile;
            let result = match loader
                .robots
                .check(&url, &loader.fetcher, profile, tally)
                .await
            {
                Ok(()) => loader
                    .fetcher
                    .get_own(&url, profile, tally)
                    .await
                    .map_err(SectionError::from),
                Err(refused) => Err(refused),
            };
            let article = match result {
                // Reading a page is CPU work: on the blocking pool.
                Ok(response) => {
                    let rules = rules.clone();
                    tokio::task::spawn_blocking(move || read_article(&response, &rules, full))
                        .await
                        .ok()
                }
                Err(e) => {
                    tracing::info!("{}: article page not read: {e}", section.key());
                    None
                }
            };
            (index, article)
        }
    });
    let fetched = join_all(fetches).await;
    let walled = fetched
        .iter()
        .filter(|(_, a)| {
            a.as_ref()
                .is_some_and(|a| full.auto && a.content_html.is_none())
        })
        .count();
    if walled > 0 {
        warnings.push(format!(
            "{walled} article {} under {} characters of text (a paywall or consent wall?): \
             the teaser is kept",
            if walled == 1 {
                "page gave"
            } else {
                "pages gave"
            },
            full.min_chars
        ));
    }
    let mut redate = HashSet::new();
    {
        let store = shared.store.lock().expect("store lock");
        for (index, article) in &fetched {
            if let Err(e) = store.save_article(&drafts[*index].id, article.as_ref(), shared.now) {
                tracing::warn!("{}: {e}", drafts[*index].id);
            }
            if article.is_some() && known.contains_key(&drafts[*index].id) {
                redate.insert(drafts[*index].id.clone());
            }
        }
    }
    articles.extend(fetched);
    for (index, article) in articles {
        let Some(article) = article else { continue };
        let draft = &mut drafts[index];
        let base = Url::parse(&draft.id).expect("draft ids are URLs");
        let language = reading_language(section, article.language.as_deref());
        let ctx = Context {
            base: &base,
            dates: DateRules {
                order: section.date_order,
                format: site.article_date_format.as_deref(),
                language: &language,
                now: Some((shared.now, section.timezone)),
            },
        };
        normalize::apply_article(draft, &article, &ctx);
    }
    Enriched { redate, warnings }
}

/// What an article page says; with `content = "auto"` and no content selector, its main text
/// found without one, when long enough, cut to `max_bytes`.
pub(super) fn read_article(response: &Response, rules: &Rules, full: FullText) -> RawArticle {
    let text = response.text();
    let mut article = extract_article(&text, rules);
    if full.auto && article.content_html.is_none() {
        article.content_html = main_text(&text, &response.url)
            .filter(|found| found.chars >= full.min_chars)
            .map(|found| cut(found.html, full.max_bytes));
    }
    article
}

/// `html` cut to at most `max` bytes at the end of a paragraph (or of any tag).
fn cut(html: String, max: usize) -> String {
    if html.len() <= max {
        return html;
    }
    let mut end = max;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    let at = head
        .rfind("</p>")
        .map(|i| i + 4)
        .or_else(|| head.rfind('>').map(|i| i + 1))
        .unwrap_or(end);
    html[..at].to_string()
}

/// For `check`: the words of the article text each of the first `max_articles` items' pages
/// gives (`None`: none found, the teaser stays), without the store.
pub(super) async fn article_words(
    loader: &Loader,
    section: &Section,
    ids: &[String],
    tally: &Tally,
) -> Vec<(String, Option<usize>)> {
    let Some(rules) = &section.article else {
        return Vec::new();
    };
    if !section.full_text.auto && rules.content.is_none() {
        return Vec::new();
    }
    let full = section.full_text;
    let reads = ids
        .iter()
        .filter_map(|id| Url::parse(id).ok().filter(|u| section.profile.owns(u)))
        .take(full.max_articles)
        .map(|url| async move {
            let page = loader
                .page(
                    &url,
                    crate::config::Render::Http,
                    None,
                    &section.profile,
                    tally,
                )
                .await
                .ok()?;
            let rules = rules.clone();
            let article = tokio::task::spawn_blocking(move || read_article(&page, &rules, full))
                .await
                .ok()?;
            Some((
                url.to_string(),
                article
                    .content_html
                    .map(|h| visible_text(&h).split_whitespace().count()),
            ))
        });
    join_all(reads).await.into_iter().flatten().collect()
}
