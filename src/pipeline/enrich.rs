//! Article-page enrichment (`[site.article]`): each new item's page is fetched once, ever,
//! from the site's own hosts only, and fills or corrects the item.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use url::Url;

use super::Shared;
use super::article::{Learned, read_pages};
use super::gather::reading_language;
use super::load::Loader;
use crate::config::Section;
use crate::fetch::Tally;
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

    // The site's learned article template, read on its pages in place of the engine.
    let template = shared
        .store
        .lock()
        .expect("store lock")
        .template(&section.site_id)
        .unwrap_or_default();
    let fetches = to_fetch.iter().map(|&index| {
        let url = Url::parse(&drafts[index].id).expect("draft ids are URLs");
        let template = template.clone();
        async move {
            let loader = &shared.loader;
            let article = match loader.own_page(&url, &section.profile, tally).await {
                Ok(response) => read_pages(loader, section, response, rules, template, tally).await,
                Err(e) => {
                    tracing::info!("{}: article page not read: {e}", section.key());
                    None
                }
            };
            (index, article)
        }
    });
    let read = join_all(fetches).await;
    learn(shared, section, &read, &mut warnings);
    let fetched: Vec<(usize, Option<RawArticle>)> = read
        .into_iter()
        .map(|(index, read)| (index, read.map(|(article, _)| article)))
        .collect();
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

/// What the articles read taught about the site's template: each element that held an
/// engine's text gets a vote (enough votes make it the template); a template that found too
/// little is forgotten, to be learned again from the pages as they are now.
fn learn(
    shared: &Shared,
    section: &Section,
    read: &[(usize, Option<(RawArticle, Learned)>)],
    warnings: &mut Vec<String>,
) {
    let store = shared.store.lock().expect("store lock");
    let site = &section.site_id;
    let mut result = Ok(());
    for (_, learned) in read.iter().filter_map(|(_, r)| r.as_ref()) {
        result = result.and_then(|()| match learned {
            Learned::Held(selector) => store.vote_template(site, selector).map(|now| {
                if now {
                    warnings.push(format!(
                        "learned the site's article template: {selector} (`feedwright heal` \
                         shows it, `--write` puts it in the config)"
                    ));
                }
            }),
            Learned::Missed => store.forget_template(site).map(|()| {
                warnings.push(
                    "the site's article template found too little text: forgotten, to be \
                     learned again"
                        .to_string(),
                );
            }),
            Learned::Used | Learned::Nothing => Ok(()),
        });
    }
    if let Err(e) = result {
        tracing::warn!("{site}: article template not saved: {e}");
    }
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

/// Article pages `check` reads per section at most: enough to show what they do to dates,
/// authors and text, without the minutes a run's `max_articles` would take at a polite pace.
const CHECK_ARTICLES: usize = 5;

/// For `check`: the first items' article pages (up to [`CHECK_ARTICLES`] and `max_articles`)
/// read as a run reads them (without the store) and applied to their drafts, so that `check`
/// shows the dates, authors and text the feed will carry; returns how many were read and,
/// with full text on, the words of each page's article text (`None`: none found, the teaser
/// stays).
pub(super) async fn check_articles(
    loader: &Loader,
    section: &Section,
    drafts: &mut [Draft],
    tally: &Tally,
    now: DateTime<Utc>,
) -> (usize, Vec<(String, Option<usize>)>) {
    let Some(rules) = &section.article else {
        return (0, Vec::new());
    };
    let full = section.full_text;
    let reads = drafts
        .iter()
        .enumerate()
        .filter_map(|(index, d)| Some((index, Url::parse(&d.id).ok()?)))
        .filter(|(_, url)| section.profile.owns(url))
        .take(full.max_articles.min(CHECK_ARTICLES))
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
            let (article, _) = read_pages(loader, section, page, rules, None, tally).await?;
            Some((index, article))
        });
    let read: Vec<(usize, RawArticle)> = join_all(reads).await.into_iter().flatten().collect();
    let date_format = loader.config.site_of(section).article_date_format.clone();
    let text = full.auto || rules.content.is_some();
    let mut words = Vec::new();
    let count = read.len();
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
    (count, words)
}
