//! What a click on a page proposes, for the app's builder: the list a clicked element
//! belongs to ([`list_at`]: detection's own grouping and scoring, kept to the groups that
//! hold the click), a field's selector inside an item ([`field_at`]), why a candidate ranks
//! where it does ([`reasons`]), and the elements a section's selectors pick ([`outline`]).

use std::collections::HashMap;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::blocks::{describe, group, scored_group};
use super::score::{DateHint, is_furniture};
use super::selector::simple;
use super::{Candidate, Field, Kind, Rules, read_with_containers, rules_of};
use crate::extract::fields::page_language;

/// The list `clicked` belongs to, described as detection describes lists: of the groups of
/// repeated containers that hold the click, the one detection scores best.
pub fn list_at(document: &Html, page: &Url, clicked: ElementRef) -> Option<Candidate> {
    let groups = group(document, page);
    let mut holding: HashMap<NodeId, Vec<&Vec<String>>> = HashMap::new();
    for (path, (_, members)) in &groups {
        for (id, _) in members {
            holding.entry(*id).or_default().push(path);
        }
    }
    let hint = DateHint::for_page(page_language(document.root_element()).as_deref());
    let ancestry = std::iter::once(clicked).chain(clicked.ancestors().filter_map(ElementRef::wrap));
    let mut scored: Vec<(f64, Vec<ElementRef>)> = ancestry
        .flat_map(|container| holding.get(&container.id()).into_iter().flatten())
        .filter_map(|path| scored_group(document, &groups[*path], &hint))
        .collect();
    // The best-scored group that selectors can describe.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .find_map(|(value, containers)| describe(document, &containers, value, &hint))
}

/// A selector for `field`, relative to the item (of the items `item` selects) that holds
/// `clicked`: the shortest of the clicked element's own description and its descriptions
/// under its ancestors that finds that element first in its item. For `link`, the link at
/// or around the click; for `image`, the picture at or in it. `None` when the click is in no
/// item, or no such selector exists.
pub fn field_at(item: &str, field: Field, clicked: ElementRef) -> Option<String> {
    let item = crate::extract::FieldSelector::parse(item).ok()?;
    let container = std::iter::once(clicked)
        .chain(clicked.ancestors().filter_map(ElementRef::wrap))
        .find(|el| item.matches(*el))?;
    let inside = |el: &ElementRef| el.id() != container.id();
    let target = match field {
        Field::Image => std::iter::once(clicked)
            .filter(|el| el.value().name() == "img")
            .chain(clicked.select(css!("img")))
            .next()?,
        Field::Link => std::iter::once(clicked)
            .chain(clicked.ancestors().filter_map(ElementRef::wrap))
            .take_while(inside)
            .find(|el| el.value().name() == "a" && el.value().attr("href").is_some())
            .or_else(|| clicked.select(css!("a[href]")).next())?,
        _ => clicked,
    };
    if !inside(&target) {
        return None;
    }
    let mut parts = vec![simple(target)];
    let mut above = target
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take_while(inside);
    loop {
        let css = parts.join(" ");
        let found_first = Selector::parse(&css)
            .ok()
            .and_then(|sel| container.select(&sel).next())
            .is_some_and(|first| first.id() == target.id());
        if found_first {
            return Some(css);
        }
        parts.insert(0, simple(above.next()?));
    }
}

/// Why a candidate ranks where it does, in a few words each: how it was found, how many of its
/// items carry a date, a picture, a teaser, and where on the page it sits.
pub fn reasons(document: &Html, candidate: &Candidate) -> Vec<String> {
    let mut why = Vec::new();
    let total = candidate.items.len();
    match candidate.kind {
        Kind::JsonLd => why.push("listed in the page's structured data (JSON-LD)".into()),
        Kind::Microdata => why.push("marked up as articles (microdata)".into()),
        Kind::ScriptData => why.push("listed in the data the page's scripts build it from".into()),
        Kind::Repeated => why.push(format!("{total} repeated blocks with a headline link")),
    }
    let count =
        |has: fn(&crate::model::RawItem) -> bool| candidate.items.iter().filter(|i| has(i)).count();
    let dated = count(|i| i.date.is_some());
    if dated > 0 {
        why.push(format!("dated: {dated} of {total}"));
    } else {
        why.push("no dates".into());
    }
    let pictured = count(|i| i.image.is_some());
    if pictured > 0 {
        why.push(format!("pictures: {pictured} of {total}"));
    }
    let teased = count(|i| i.summary_html.is_some());
    if teased > 0 {
        why.push(format!("teasers: {teased} of {total}"));
    }
    let containers = containers(document, candidate);
    if !containers.is_empty() {
        let in_main = containers.iter().all(|c| {
            c.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().name() == "main" || a.value().attr("role") == Some("main"))
        });
        if in_main {
            why.push("in <main>".into());
        }
        let furniture = containers.iter().filter(|c| is_furniture(**c)).count();
        if furniture * 2 > containers.len() {
            why.push("inside navigation, header, footer or a sidebar".into());
        } else {
            why.push("not in navigation or footer".into());
        }
    }
    why
}

/// The item elements of a candidate (none for structured data).
fn containers<'a>(document: &'a Html, candidate: &Candidate) -> Vec<ElementRef<'a>> {
    rules_of(&candidate.selectors)
        .map(|rules| {
            read_with_containers(document.root_element(), &rules)
                .into_iter()
                .map(|(el, _)| el)
                .collect()
        })
        .unwrap_or_default()
}

/// The elements a section's selectors pick on a page: its items, and per field the element
/// each item's value comes from.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The item elements, in page order.
    pub items: Vec<NodeId>,
    /// Per configured field, the elements its values come from.
    pub fields: Vec<(Field, Vec<NodeId>)>,
}

/// What `rules` pick on `document`; without an `item` selector, what detection's best
/// candidate picks.
pub fn outline(document: &Html, page: &Url, rules: &Rules) -> Outline {
    let detected;
    let rules = if rules.item.is_some() {
        rules
    } else {
        let best = super::detect(document, page).candidates.into_iter().next();
        match best.and_then(|b| rules_of(&b.selectors)) {
            Some(found) => {
                detected = found;
                &detected
            }
            None => return Outline::default(),
        }
    };
    let containers: Vec<ElementRef> = read_with_containers(document.root_element(), rules)
        .into_iter()
        .map(|(el, _)| el)
        .collect();
    let fields = Field::ALL
        .into_iter()
        .filter(|f| *f != Field::Item)
        .filter_map(|field| {
            let selector = rules.get(field)?;
            let picked = containers
                .iter()
                .filter_map(|c| selector.first(*c))
                .map(|el| el.id())
                .collect();
            Some((field, picked))
        })
        .collect();
    Outline {
        items: containers.iter().map(|c| c.id()).collect(),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body>
        <nav><a href="/a">Home page of it all</a><a href="/b">About this website</a></nav>
        <main><ul class="news">
          <li class="story"><h3><a href="/1">First story of the day</a></h3><span class="when">May 5, 2024</span></li>
          <li class="story"><h3><a href="/2">Second story of the day</a></h3><span class="when">May 4, 2024</span></li>
          <li class="story"><h3><a href="/3">Third story of the day</a></h3><span class="when">May 3, 2024</span></li>
        </ul></main></body></html>"#;

    fn find<'a>(document: &'a Html, text: &str) -> ElementRef<'a> {
        document
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|el| crate::extract::element_text(*el) == text)
            .last()
            .unwrap()
    }

    #[test]
    fn a_click_on_a_headline_proposes_its_list_and_a_field_its_selector() {
        let document = Html::parse_document(PAGE);
        let page = Url::parse("https://example.org/").unwrap();
        let clicked = find(&document, "Second story of the day");
        let list = list_at(&document, &page, clicked).unwrap();
        assert_eq!(list.items.len(), 3);
        let item = &list.selectors[0].1;
        assert!(item.starts_with("li.story"), "{item}");
        let date = find(&document, "May 4, 2024");
        assert_eq!(
            field_at(item, Field::Date, date).as_deref(),
            Some("span.when")
        );
        assert_eq!(field_at(item, Field::Link, clicked).as_deref(), Some("a"));
        let why = reasons(&document, &list);
        assert!(why.contains(&"dated: 3 of 3".to_string()), "{why:?}");
        assert!(why.contains(&"in <main>".to_string()), "{why:?}");
    }

    #[test]
    fn a_click_outside_every_list_proposes_none() {
        let document = Html::parse_document(PAGE);
        let page = Url::parse("https://example.org/").unwrap();
        let main = document
            .root_element()
            .select(&Selector::parse("main").unwrap())
            .next()
            .unwrap();
        assert!(list_at(&document, &page, main).is_none());
    }
}
