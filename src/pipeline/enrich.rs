//! Article-page enrichment (`[site.article]`): each new item's page is fetched once, ever,
//! from the site's own hosts only, and fills or corrects the item.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use url::Url;

use super::Shared;
use super::error::SectionError;
use super::gather::reading_language;
use crate::config::Section;
use crate::extract::article::extract_article;
use crate::fetch::Tally;
use crate::model::RawArticle;
use crate::normalize::dates::DateRules;
use crate::normalize::{self, Context, Draft};
use crate::store::{ArticleRecord, MAX_ARTICLE_ATTEMPTS};

/// Enriches the drafts that are new to the section (or whose page failed before and may be
/// tried again). Returns the ids of stored items enriched for the first time: their date may
/// change once. A failure never holds an item back.
pub(super) async fn enrich(
    shared: &Shared,
    section: &Section,
    drafts: &mut [Draft],
    known: &HashMap<String, DateTime<Utc>>,
    tally: &Tally,
) -> HashSet<String> {
    let site = shared.config.site_of(section);
    let Some(rules) = &site.article else {
        return HashSet::new();
    };

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
                None if !known.contains_key(&draft.id) => to_fetch.push(index),
                _ => {}
            }
        }
    }
    // Only from the site's own hosts (the section's, `home`, `hosts`).
    to_fetch.retain(|&i| Url::parse(&drafts[i].id).is_ok_and(|u| section.profile.owns(&u)));

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
                Ok(response) => Some(extract_article(&response.text(), rules)),
                Err(e) => {
                    tracing::info!("{}: article page not read: {e}", section.key());
                    None
                }
            };
            (index, article)
        }
    });
    let fetched = join_all(fetches).await;
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
    redate
}
