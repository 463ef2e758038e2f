//! Selectors that heal after a redesign: when a section's selectors stop matching, the lists
//! automatic detection finds on the same page are weighed against the section's history, and
//! one is chosen only when it clearly continues the section. A pure function of the page and
//! the history; the store and the network stay outside.
//!
//! The rules, in order: the list holding most links already in the history (refused when a
//! second list holds nearly as many); else the list whose items look most like the stored ones
//! (title length, dated or not, with pictures or not); else, for a section with no history,
//! the page's most prominent list. A close second is always a refusal.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use scraper::Html;
use url::Url;

use crate::extract::detect::{Candidate, detect};
use crate::model::Field;
use crate::normalize::urls::canonical_link;
use crate::store::StoredShape;

/// Fewest known links that let the first rule decide.
const MIN_KNOWN: usize = 2;
/// How much more a list must hold than the next to be chosen: known links, or prominence.
const MARGIN: f64 = 2.0;
/// Least likeness to the stored items for the second rule.
const MIN_LIKENESS: f64 = 0.8;
/// How far ahead of the next list the likeness must be.
const LIKENESS_LEAD: f64 = 0.1;

/// What the section's history says, for weighing lists.
#[derive(Debug)]
pub(super) struct History<'a> {
    /// Its stored items' links, with their dates.
    pub(super) known: &'a HashMap<String, DateTime<Utc>>,
    /// What its stored items look like.
    pub(super) shape: StoredShape,
    /// Share of its recent reads' items that carried a date.
    pub(super) dated: f64,
}

/// Selectors found anew, and why.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Proposal {
    /// The selectors, `item` first.
    pub(super) selectors: Vec<(Field, String)>,
    /// The rule that chose them.
    pub(super) rule: &'static str,
    /// Items they find.
    pub(super) found: usize,
    /// Of those, items already in the history.
    pub(super) known: usize,
    /// A few of their titles.
    pub(super) sample: Vec<String>,
}

impl Proposal {
    /// `item = "…", title = "…"`, as written in a config.
    pub(super) fn describe(&self) -> String {
        self.selectors
            .iter()
            .map(|(field, css)| format!("{} = {css:?}", field.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A list weighed against the history.
struct Weighed<'a> {
    candidate: &'a Candidate,
    /// Its links the history knows.
    links: HashSet<String>,
    known: usize,
    likeness: f64,
}

/// The selectors that continue the section on `page`, or why none is chosen.
pub(super) fn propose(document: &Html, page: &Url, history: &History) -> Result<Proposal, String> {
    let detection = detect(document, page);
    let weighed: Vec<Weighed> = detection
        .candidates
        .iter()
        .filter(|c| !c.selectors.is_empty() && c.items.len() >= 2)
        .map(|candidate| weigh(candidate, page, history))
        .collect();
    if weighed.is_empty() {
        return Err("no list of stories on the page (a login or error page?)".into());
    }
    let proposal = |w: &Weighed, rule| Proposal {
        selectors: w.candidate.selectors.clone(),
        rule,
        found: w.candidate.items.len(),
        known: w.known,
        sample: w
            .candidate
            .items
            .iter()
            .filter_map(|i| i.title.as_deref())
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .take(3)
            .collect(),
    };
    let by = |key: &dyn Fn(&Weighed) -> f64| {
        let mut order: Vec<&Weighed> = weighed.iter().collect();
        order.sort_by(|a, b| key(b).total_cmp(&key(a)));
        order
    };
    let known = by(&|w| w.known as f64);
    if known[0].known >= MIN_KNOWN {
        let best = known[0];
        // Another grouping of the same items is the same list, not a rival.
        let next = known[1..]
            .iter()
            .filter(|w| w.links.intersection(&best.links).count() * 2 <= w.links.len())
            .map(|w| w.known)
            .max()
            .unwrap_or(0);
        if (next as f64) * MARGIN > best.known as f64 {
            return Err(format!(
                "two lists hold the section's stored links ({} and {next}): not sure which \
                 continues it",
                best.known
            ));
        }
        return Ok(proposal(best, "known links"));
    }
    if history.shape.items > 0 {
        let alike = by(&|w| w.likeness);
        let (best, next) = (alike[0], alike.get(1).map_or(0.0, |w| w.likeness));
        if best.likeness < MIN_LIKENESS {
            return Err(format!(
                "no list on the page looks like the {} stored items (an error or login page?)",
                history.shape.items
            ));
        }
        if best.likeness - next < LIKENESS_LEAD {
            return Err("two lists look alike the stored items: not sure which".into());
        }
        return Ok(proposal(best, "looks like the stored items"));
    }
    let prominent = by(&|w| w.candidate.score);
    let (best, next) = (
        prominent[0],
        prominent.get(1).map_or(0.0, |w| w.candidate.score),
    );
    if next * MARGIN > best.candidate.score {
        return Err("two lists are about as prominent: not sure which".into());
    }
    Ok(proposal(best, "the page's most prominent list"))
}

/// How many of a list's items the history knows, and how much its items look like the stored
/// ones (1: alike).
fn weigh<'a>(candidate: &'a Candidate, page: &Url, history: &History) -> Weighed<'a> {
    let items = &candidate.items;
    let n = items.len().max(1) as f64;
    let links: HashSet<String> = items
        .iter()
        .filter_map(|i| canonical_link(page, i.link.as_deref()?))
        .filter(|link| history.known.contains_key(link))
        .collect();
    let known = links.len();
    let title_chars = items
        .iter()
        .map(|i| i.title.as_deref().map_or(0, |t| t.trim().chars().count()) as f64)
        .sum::<f64>()
        / n;
    let pictured = items.iter().filter(|i| i.image.is_some()).count() as f64 / n;
    let dated = items.iter().filter(|i| i.date.is_some()).count() as f64 / n;
    let stored = history.shape;
    let titles =
        1.0 - ((title_chars - stored.title_chars).abs() / stored.title_chars.max(1.0)).min(1.0);
    let likeness = (2.0 * titles
        + (1.0 - (pictured - stored.pictured).abs())
        + (1.0 - (dated - history.dated).abs()))
        / 4.0;
    Weighed {
        candidate,
        links,
        known,
        likeness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://news.example.org/world/").unwrap()
    }

    /// A page with one list of stories (`stories`, in `wrapper`) and a menu.
    fn html(lists: &[(&str, &[&str])]) -> Html {
        let mut body = String::from(
            "<nav><a href=\"/a\">Home</a> <a href=\"/b\">World</a> <a href=\"/c\">Sport</a></nav>",
        );
        for (class, stories) in lists {
            body.push_str(&format!("<div class=\"{class}\">"));
            for story in *stories {
                body.push_str(&format!(
                    "<article class=\"{class}-item\"><h3><a href=\"/story/{story}\">The story \
                     about {story} told at length</a></h3><p>Some teaser text for {story}.</p></article>"
                ));
            }
            body.push_str("</div>");
        }
        Html::parse_document(&format!("<html><body>{body}</body></html>"))
    }

    fn known(stories: &[&str]) -> HashMap<String, DateTime<Utc>> {
        stories
            .iter()
            .map(|s| (format!("https://news.example.org/story/{s}"), Utc::now()))
            .collect()
    }

    fn history(known: &HashMap<String, DateTime<Utc>>) -> History<'_> {
        History {
            known,
            shape: StoredShape {
                items: known.len(),
                title_chars: 40.0,
                pictured: 0.0,
            },
            dated: 0.0,
        }
    }

    #[test]
    fn the_list_with_the_known_links_continues_the_section() {
        let stored = known(&["a", "b", "c", "d"]);
        let page_html = html(&[("fresh", &["a", "b", "c", "e", "f"])]);
        let proposal = propose(&page_html, &page(), &history(&stored)).unwrap();
        assert_eq!(proposal.rule, "known links");
        assert_eq!((proposal.found, proposal.known), (5, 3));
        assert!(
            proposal
                .describe()
                .starts_with("item = \"article.fresh-item\""),
            "{proposal:?}"
        );
    }

    #[test]
    fn two_lists_with_known_links_are_a_refusal() {
        let stored = known(&["a", "b", "c", "d", "e", "f"]);
        let page_html = html(&[
            ("one", &["a", "b", "c", "x"]),
            ("two", &["d", "e", "f", "y"]),
        ]);
        let why = propose(&page_html, &page(), &history(&stored)).unwrap_err();
        assert!(why.contains("two lists"), "{why}");
    }

    #[test]
    fn a_page_without_the_stories_is_a_refusal() {
        let stored = known(&["a", "b", "c"]);
        let login = Html::parse_document(
            "<html><body><form><a href=\"/login\">Log in</a> <a href=\"/reset\">Reset</a> \
             <a href=\"/help\">Help</a></form><ul><li><a href=\"/x\">Terms</a></li>\
             <li><a href=\"/y\">Privacy</a></li><li><a href=\"/z\">Cookies</a></li></ul></body></html>",
        );
        let why = propose(&login, &page(), &history(&stored)).unwrap_err();
        assert!(why.contains("no list"), "{why}");
    }
}
