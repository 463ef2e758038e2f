//! Reading one article: its page and the pages it is split over, its text from the site's
//! learned template where there is one, else from automatic extraction (which teaches the
//! template) — from the page's AMP or print version where that scores better than a weak
//! text —, cut to size.

use std::collections::HashSet;

use super::load::Loader;
use crate::config::{FullText, Section};
use crate::extract::Rules;
use crate::extract::article::extract_article;
use crate::extract::article_pages::next_page;
use crate::extract::fulltext::{main_text, with_real_images};
use crate::extract::template;
use crate::fetch::{Response, Tally};
use crate::model::RawArticle;
use crate::normalize::html::visible_text;

/// What reading an article's first page taught about its site's template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Learned {
    /// Nothing: the text came from a selector, or none was found.
    Nothing,
    /// Automatic extraction's text was held by this element (a vote for it).
    Held(String),
    /// The template gave the text.
    Used,
    /// The template found too little: the page's layout changed.
    Missed,
}

/// What an article says, read from its first page and, when it is split over pages, from
/// the pages after it (up to `pages` in all, each once, as politely as the first: robots.txt,
/// the site's own hosts, host spacing), their texts joined in order; with what its first page
/// taught about the site's `template`. Reading is CPU work: on the blocking pool.
pub(super) async fn read_pages(
    loader: &Loader,
    section: &Section,
    first: Response,
    rules: &Rules,
    template: Option<String>,
    tally: &Tally,
) -> Option<(RawArticle, Learned)> {
    let full = section.full_text;
    let start = first.url.clone();
    let mut seen = HashSet::from([start.to_string()]);
    let mut page = first;
    let mut article: Option<(RawArticle, Learned)> = None;
    for read in 0..full.pages {
        let (page_rules, more, template) = (rules.clone(), full.pages > read + 1, template.clone());
        let (start_url, this) = (start.clone(), page);
        let (mut found, next, lighter) = tokio::task::spawn_blocking(move || {
            let found = read_article(&this, &page_rules, full, template.as_deref());
            // The page's AMP or print version, for a first page whose text is weak.
            let weak = read == 0 && full.auto && is_weak(found.0.content_html.as_deref());
            let document = (more || weak).then(|| scraper::Html::parse_document(&this.text()));
            let next = document
                .as_ref()
                .filter(|_| more)
                .and_then(|d| next_page(d, &start_url, &this.url));
            let lighter = document
                .as_ref()
                .filter(|_| weak)
                .and_then(|d| lighter_version(d, &this.url));
            (found, next, lighter)
        })
        .await
        .ok()?;
        if let Some(lighter) =
            lighter.filter(|u| section.profile.owns(u) && seen.insert(u.to_string()))
        {
            read_lighter(loader, section, &lighter, rules, &mut found.0, tally).await;
        }
        article = Some(match article {
            None => found,
            Some((mut joined, learned)) => {
                if let Some(more) = found.0.content_html {
                    joined.content_html = Some(match joined.content_html {
                        Some(text) => format!("{text}\n{more}"),
                        None => more,
                    });
                }
                (joined, learned)
            }
        });
        let Some(next) = next.filter(|n| section.profile.owns(n) && seen.insert(n.to_string()))
        else {
            break;
        };
        let Ok(response) = loader.own_page(&next, &section.profile, tally).await else {
            break;
        };
        page = response;
    }
    article.map(|(mut a, learned)| {
        a.content_html = a.content_html.map(|h| cut(h, full.max_bytes));
        (a, learned)
    })
}

/// A text worth comparing with another version of its page: none, short, or much of it links.
fn is_weak(html: Option<&str>) -> bool {
    html.is_none_or(|html| {
        let (chars, linked) = measure(html);
        chars < WEAK_CHARS || linked as f64 > chars as f64 * WEAK_LINKS
    })
}

/// One article in this many read with a template is read by the engine too, to compare.
const CHECK_EVERY: usize = 10;
/// A template whose text is this many times shorter than the engine's no longer fits.
const MUCH_LESS: f64 = 2.0;

/// A text shorter than this (characters) is weak.
const WEAK_CHARS: usize = 1000;
/// A text with more than this share of its characters in links is weak.
const WEAK_LINKS: f64 = 0.25;
/// Another version is taken when it scores this much better.
const BETTER: f64 = 1.1;

/// Characters of text in `html`, and of those, characters inside links.
fn measure(html: &str) -> (usize, usize) {
    let fragment = scraper::Html::parse_fragment(html);
    let count = |el: scraper::ElementRef| {
        el.text()
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
            .count()
    };
    let chars = count(fragment.root_element());
    let linked = fragment.root_element().select(css!("a")).map(count).sum();
    (chars, linked)
}

/// How good a text is: its characters outside links.
fn score(html: Option<&str>) -> usize {
    html.map_or(0, |html| {
        let (chars, linked) = measure(html);
        chars - linked.min(chars)
    })
}

/// The page's AMP version (`rel=amphtml`) or print version (`rel=alternate media=print`).
fn lighter_version(document: &scraper::Html, page: &url::Url) -> Option<url::Url> {
    document
        .root_element()
        .select(css!(
            r#"link[rel~=amphtml][href], link[rel~=alternate][media=print][href]"#
        ))
        .find_map(|link| page.join(link.value().attr("href")?.trim()).ok())
}

/// Reads the lighter version at `url` (one more request, as politely as the page) and takes
/// its text when it scores better.
async fn read_lighter(
    loader: &Loader,
    section: &Section,
    url: &url::Url,
    rules: &Rules,
    article: &mut RawArticle,
    tally: &Tally,
) {
    let Ok(response) = loader.own_page(url, &section.profile, tally).await else {
        return;
    };
    let (rules, full) = (rules.clone(), section.full_text);
    let Ok((other, _)) =
        tokio::task::spawn_blocking(move || read_article(&response, &rules, full, None)).await
    else {
        return;
    };
    let (was, now) = (
        score(article.content_html.as_deref()),
        score(other.content_html.as_deref()),
    );
    if now as f64 > was as f64 * BETTER {
        article.content_html = other.content_html;
    }
}

/// What an article page says; with `content = "auto"` and no content selector, its main text:
/// from the site's `template` when it gives enough, else found without one (and the element
/// that held it noted), when long enough.
pub(super) fn read_article(
    response: &Response,
    rules: &Rules,
    full: FullText,
    template: Option<&str>,
) -> (RawArticle, Learned) {
    let text = response.text();
    let mut article = extract_article(&text, rules);
    if !full.auto || article.content_html.is_some() {
        return (article, Learned::Nothing);
    }
    // The template's text and its length, when it gives enough.
    let held = template.and_then(|selector| {
        let html = template::read(&with_real_images(&text), selector)?;
        let chars = visible_text(&html)
            .chars()
            .filter(|c| !c.is_whitespace())
            .count();
        (chars >= full.min_chars).then_some((html, chars))
    });
    if let Some((html, held)) = held {
        // One article in [`CHECK_EVERY`] (by its address) is read by the engine too: a
        // template that holds much less than the engine finds has stopped fitting the site.
        let checked = response
            .url
            .as_str()
            .bytes()
            .map(usize::from)
            .sum::<usize>()
            % CHECK_EVERY
            == 0;
        let fits = !checked
            || main_text(&text, &response.url)
                .is_none_or(|engine| held as f64 * MUCH_LESS >= engine.chars as f64);
        if fits {
            article.content_html = Some(html);
            return (article, Learned::Used);
        }
    }
    let found = main_text(&text, &response.url).filter(|found| found.chars >= full.min_chars);
    let learned = match (&found, template) {
        (_, Some(_)) => Learned::Missed,
        (Some(found), None) => {
            let document = scraper::Html::parse_document(&text);
            template::block_of(&document, &found.html).map_or(Learned::Nothing, Learned::Held)
        }
        (None, None) => Learned::Nothing,
    };
    article.content_html = found.map(|found| found.html);
    (article, learned)
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
