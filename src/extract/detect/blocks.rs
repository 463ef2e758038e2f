//! Candidates from repeated blocks: containers that share one path from `<body>` and each
//! hold a headline link, grouped, scored and described by selectors.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::headlines::{Headline, headline_links};
use super::score::{DateHint, is_aside, score};
use super::selector::{item_selector, relative_selector, signature, simple};
use super::stories::are_stories;
use super::{Candidate, Field, Kind, MIN_ITEMS, element_text, read_with_containers, rules_of};
use crate::extract::fields::first_titled_link;
use crate::model::RawItem;

/// How far above a link its item container may be.
const MAX_DEPTH: usize = 4;
/// Most repeated-block candidates described per page.
const MAX_CANDIDATES: usize = 5;
/// Longest text taken for an item's date.
const MAX_DATE_CHARS: usize = 80;
/// Shortest paragraph taken as a teaser when its class does not say so.
const MIN_TEASER_CHARS: usize = 40;
/// Class words that mark a teaser.
const TEASER_CLASSES: [&str; 8] = [
    "summary",
    "excerpt",
    "teaser",
    "desc",
    "dek",
    "standfirst",
    "intro",
    "lead",
];

/// Containers sharing one path from `<body>`: their level above the link, and each
/// container with its first headline link.
pub(super) type Group<'a> = (usize, Vec<(NodeId, Headline<'a>)>);

/// The page's best repeated blocks, best first, each as a candidate.
pub(super) fn repeated_blocks(document: &Html, page: &Url, hint: &DateHint) -> Vec<Candidate> {
    let element = |id: &NodeId| document.tree.get(*id).and_then(ElementRef::wrap);
    let mut scored: Vec<(f64, Vec<NodeId>, HashSet<NodeId>)> = Vec::new();
    for group in group(document, page).values() {
        let Some((value, _)) = scored_group(document, group, hint) else {
            continue;
        };
        let (_, members) = group;
        let links: HashSet<NodeId> = members.iter().map(|(_, h)| h.link.id()).collect();
        let ids = members.iter().map(|(id, _)| *id).collect();
        scored.push((value, ids, links));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Keep the best grouping of each set of headlines (usually the outermost item element).
    let mut seen: Vec<HashSet<NodeId>> = Vec::new();
    let mut out = Vec::new();
    for (score, ids, links) in scored {
        if seen
            .iter()
            .any(|s| s.intersection(&links).count() * 2 > links.len())
        {
            continue;
        }
        let containers: Vec<ElementRef> = ids.iter().filter_map(element).collect();
        // A block wholly in a menu, a sidebar or a footer is not the page's list, even when
        // the page has no other (its list may be built by scripts).
        if containers.iter().all(|c| is_aside(*c)) {
            continue;
        }
        // A menu or a link farm is passed over, leaving its headlines to a narrower grouping.
        let Some(candidate) =
            describe(document, &containers, score, hint).filter(|c| are_stories(&c.items, page))
        else {
            continue;
        };
        seen.push(links);
        out.push(candidate);
        if out.len() == MAX_CANDIDATES {
            break;
        }
    }
    out
}

/// A group's score and containers, when it can be a list: at least [`MIN_ITEMS`]
/// containers, each with a headline of its own.
pub(super) fn scored_group<'a>(
    document: &'a Html,
    (level, members): &Group<'a>,
    hint: &DateHint,
) -> Option<(f64, Vec<ElementRef<'a>>)> {
    let links: HashSet<NodeId> = members.iter().map(|(_, h)| h.link.id()).collect();
    // Fewer links than containers: several share one headline, the block is too small.
    if members.len() < MIN_ITEMS || links.len() < members.len() {
        return None;
    }
    let containers: Vec<ElementRef> = members
        .iter()
        .filter_map(|(id, _)| document.tree.get(*id).and_then(ElementRef::wrap))
        .collect();
    let headlines: Vec<Headline> = members.iter().map(|(_, h)| *h).collect();
    Some((score(&containers, &headlines, *level, hint), containers))
}

/// Every headline link's containers, up to [`MAX_DEPTH`] levels above it, grouped by their
/// path from `<body>`. The level is how far above its link a container sits (0: the link).
pub(super) fn group<'a>(document: &'a Html, page: &Url) -> HashMap<Vec<String>, Group<'a>> {
    let mut groups: HashMap<Vec<String>, Group> = HashMap::new();
    for (link, text) in headline_links(document.root_element()) {
        let headline = Headline::new(link, &text, page);
        let mut container = Some(link);
        for level in 0..=MAX_DEPTH {
            let Some(el) = container else { break };
            if matches!(el.value().name(), "body" | "html") {
                break;
            }
            let (_, members) = groups.entry(signature(el)).or_insert((level, Vec::new()));
            if !members.iter().any(|(id, _)| *id == el.id()) {
                members.push((el.id(), headline));
            }
            container = el.parent().and_then(ElementRef::wrap);
        }
    }
    groups
}

/// Selectors for a group of containers, and the items they give.
pub(super) fn describe(
    document: &Html,
    containers: &[ElementRef],
    score: f64,
    hint: &DateHint,
) -> Option<Candidate> {
    let item = item_selector(document, containers)?;
    let mut specs = vec![(Field::Item, item)];
    let first = containers[0];
    if let Some(title) = heading_selector(containers) {
        specs.push((Field::Title, title));
    }
    let date = relative_selector(first, |el| {
        let text = element_text(el);
        text.chars().count() <= MAX_DATE_CHARS && hint.is_match(&text)
    });
    if let Some(date) = date.filter(|_| first.select(css!("time")).next().is_none()) {
        specs.push((Field::Date, date));
    }
    let headline = first_titled_link(first)
        .map(|(_, text)| text)
        .unwrap_or_default();
    if let Some(summary) = relative_selector(first, |el| {
        let text = element_text(el);
        let classy = el
            .value()
            .attr("class")
            .is_some_and(|c| TEASER_CLASSES.iter().any(|k| c.contains(k)));
        let date_line = text.chars().count() <= MAX_DATE_CHARS && hint.is_match(&text);
        el.select(css!("a[href]")).next().is_none()
            && !date_line
            && !text.contains(&headline)
            && (classy || (el.value().name() == "p" && text.chars().count() >= MIN_TEASER_CHARS))
    }) {
        specs.push((Field::Summary, summary));
    }
    if first.select(css!("img")).next().is_some() {
        specs.push((Field::Image, "img".to_string()));
    }
    let rules = rules_of(&specs)?;
    let mut read = read_with_containers(document.root_element(), &rules);
    if rules.summary.is_none() {
        add_loose_teasers(&mut read);
    }
    let items: Vec<RawItem> = read.into_iter().map(|(_, item)| item).collect();
    (items.len() >= MIN_ITEMS).then_some(Candidate {
        kind: Kind::Repeated,
        selectors: specs,
        items,
        score,
    })
}

/// A selector for the items' headings, when most items have one that holds or sits in their
/// headline link: the heading is the title as a person reads it, where a link wraps a whole
/// card (picture credit, teaser, byline) or a comment count comes before it.
fn heading_selector(containers: &[ElementRef]) -> Option<String> {
    const HEADINGS: &str = "h1, h2, h3, h4, h5, h6";
    let linked = |heading: ElementRef, container: ElementRef| {
        heading.select(css!("a[href]")).next().is_some()
            || heading
                .ancestors()
                .take_while(|node| node.id() != container.id())
                .filter_map(ElementRef::wrap)
                .any(|el| el.value().name() == "a" && el.value().attr("href").is_some())
    };
    let first = containers[0];
    let heading = first
        .select(css!(HEADINGS))
        .find(|h| !element_text(*h).is_empty() && linked(*h, first))?;
    let css = simple(heading);
    let selector = Selector::parse(&css).ok()?;
    let with_heading = containers
        .iter()
        .filter(|c| {
            c.select(&selector)
                .next()
                .is_some_and(|h| !element_text(h).is_empty() && linked(h, **c))
        })
        .count();
    (with_heading * 5 >= containers.len() * 4).then_some(css)
}

/// Teasers written as loose text beside the headline and date, in no element of their own (the
/// Space Media Network's index pages): when at least [`MIN_ITEMS`] items carry such text, each
/// of those gets it, without the headline and the date, as its summary.
fn add_loose_teasers(read: &mut [(ElementRef, RawItem)]) {
    let teaser = |container: &ElementRef, item: &RawItem| {
        let mut text = element_text(*container);
        for known in [&item.title, &item.date].into_iter().flatten() {
            let known = known.split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(at) = text.find(&known) {
                text.replace_range(at..at + known.len(), " ");
            }
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (text.chars().count() >= MIN_TEASER_CHARS).then_some(text)
    };
    let teasers: Vec<Option<String>> = read.iter().map(|(c, item)| teaser(c, item)).collect();
    if teasers.iter().flatten().count() >= MIN_ITEMS {
        for ((_, item), teaser) in read.iter_mut().zip(teasers) {
            item.summary_html = teaser.map(|t| html_escape::encode_text(&t).into_owned());
        }
    }
}
