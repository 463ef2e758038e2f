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
use crate::extract::article_pages::next_page;
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
                Ok(response) => read_pages(loader, section, response, rules, tally).await,
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
        if let Some(article) = article {
            apply(
                section,
                site.article_date_format.as_deref(),
                shared.now,
                &mut drafts[index],
                &article,
            );
        }
    }
    Enriched { redate, warnings }
}

/// Fills and corrects `draft` from its article page, its dates read as the section reads
/// them (`date_format` of `[site.article]`).
fn apply(
    section: &Section,
    date_format: Option<&str>,
    now: DateTime<Utc>,
    draft: &mut Draft,
    article: &RawArticle,
) {
    let base = Url::parse(&draft.id).expect("draft ids are URLs");
    let language = reading_language(section, article.language.as_deref());
    let ctx = Context {
        base: &base,
        dates: DateRules {
            order: section.date_order,
            format: date_format,
            language: &language,
            now: Some((now, section.timezone)),
        },
    };
    normalize::apply_article(draft, article, &ctx);
}

/// What an article says, read from its first page and, when it is split over pages, from
/// the pages after it (up to `pages` in all, each once, as politely as the first: robots.txt,
/// the site's own hosts, host spacing), their texts joined in order. Reading is CPU work: on
/// the blocking pool.
async fn read_pages(
    loader: &Loader,
    section: &Section,
    first: Response,
    rules: &Rules,
    tally: &Tally,
) -> Option<RawArticle> {
    let full = section.full_text;
    let start = first.url.clone();
    let mut seen = HashSet::from([start.to_string()]);
    let mut page = first;
    let mut article: Option<RawArticle> = None;
    for read in 0..full.pages {
        let (rules, more) = (rules.clone(), full.pages > read + 1);
        let (start_url, this) = (start.clone(), page);
        let (found, next) = tokio::task::spawn_blocking(move || {
            let found = read_article(&this, &rules, full);
            let next = more
                .then(|| {
                    let document = scraper::Html::parse_document(&this.text());
                    next_page(&document, &start_url, &this.url)
                })
                .flatten();
            (found, next)
        })
        .await
        .ok()?;
        article = Some(match article {
            None => found,
            Some(mut joined) => {
                if let Some(more) = found.content_html {
                    joined.content_html = Some(match joined.content_html {
                        Some(text) => format!("{text}\n{more}"),
                        None => more,
                    });
                }
                joined
            }
        });
        let Some(next) = next.filter(|n| section.profile.owns(n) && seen.insert(n.to_string()))
        else {
            break;
        };
        let fetched = match loader
            .robots
            .check(&next, &loader.fetcher, &section.profile, tally)
            .await
        {
            Ok(()) => loader
                .fetcher
                .get_own(&next, &section.profile, tally)
                .await
                .ok(),
            Err(_) => None,
        };
        let Some(response) = fetched else { break };
        page = response;
    }
    article.map(|mut a| {
        a.content_html = a.content_html.map(|h| cut(h, full.max_bytes));
        a
    })
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

/// For `check`: the first `max_articles` items' article pages read as a run reads them
/// (without the store) and applied to their drafts, so that `check` shows the dates, authors
/// and text the feed will carry; returns, with full text on, the words of each page's
/// article text (`None`: none found, the teaser stays).
pub(super) async fn check_articles(
    loader: &Loader,
    section: &Section,
    drafts: &mut [Draft],
    tally: &Tally,
    now: DateTime<Utc>,
) -> Vec<(String, Option<usize>)> {
    let Some(rules) = &section.article else {
        return Vec::new();
    };
    let full = section.full_text;
    let reads = drafts
        .iter()
        .enumerate()
        .filter_map(|(index, d)| Some((index, Url::parse(&d.id).ok()?)))
        .filter(|(_, url)| section.profile.owns(url))
        .take(full.max_articles)
        .map(|(index, url)| async move {
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
            Some((
                index,
                read_pages(loader, section, page, rules, tally).await?,
            ))
        });
    let read: Vec<(usize, RawArticle)> = join_all(reads).await.into_iter().flatten().collect();
    let date_format = loader.config.site_of(section).article_date_format.clone();
    let text = full.auto || rules.content.is_some();
    let mut words = Vec::new();
    for (index, article) in read {
        let draft = &mut drafts[index];
        if text {
            let count = article
                .content_html
                .as_deref()
                .map(|h| visible_text(h).split_whitespace().count());
            words.push((draft.id.clone(), count));
        }
        apply(section, date_format.as_deref(), now, draft, &article);
    }
    words
}
