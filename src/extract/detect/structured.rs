//! Candidates from structured data: a JSON-LD `ItemList` or list of articles, and microdata
//! `itemscope` articles. They need no guessing, so they outrank every repeated block.

use scraper::{ElementRef, Html};
use serde_json::Value;

use super::score::is_furniture;
use super::{Candidate, Field, Kind, MIN_ITEMS, read_with_containers, rules_of};
use crate::extract::jsonld;
use crate::model::RawItem;

/// Base score of a JSON-LD list: above any other candidate.
const JSON_LD_SCORE: f64 = 1e6;
/// Base score of microdata articles: above any repeated block.
const MICRODATA_SCORE: f64 = 5e5;

/// The items JSON-LD lists, as one candidate.
pub(super) fn json_ld(root: ElementRef) -> Option<Candidate> {
    let mut items = Vec::new();
    for object in jsonld::objects(root) {
        if jsonld::types(&object).contains(&"ItemList") {
            let elements = object.get("itemListElement").and_then(Value::as_array);
            items.extend(elements.into_iter().flatten().filter_map(list_element));
        } else if jsonld::is_article(&object) {
            items.extend(ld_item(&object));
        }
    }
    (items.len() >= MIN_ITEMS).then(|| Candidate {
        kind: Kind::JsonLd,
        selectors: Vec::new(),
        score: JSON_LD_SCORE + items.len() as f64,
        items,
    })
}

fn list_element(element: &Value) -> Option<RawItem> {
    let map = element.as_object()?;
    match map.get("item") {
        Some(Value::Object(item)) => ld_item(item).or_else(|| ld_item(map)),
        Some(Value::String(url)) => Some(RawItem {
            title: Some(jsonld::text(map, "name")?),
            link: Some(url.clone()),
            ..RawItem::default()
        }),
        _ => ld_item(map),
    }
}

fn ld_item(map: &serde_json::Map<String, Value>) -> Option<RawItem> {
    let text = |key: &str| jsonld::text(map, key);
    Some(RawItem {
        title: Some(text("headline").or_else(|| text("name"))?),
        link: Some(text("url").or_else(|| text("@id"))?),
        date: text("datePublished"),
        summary_html: text("description").map(|d| html_escape::encode_text(&d).into_owned()),
        content_html: None,
        author: map.get("author").and_then(jsonld::name_of),
        image: map.get("image").and_then(jsonld::url_of),
    })
}

/// Microdata articles, as one candidate when at least [`MIN_ITEMS`] of them have a headline
/// and a link.
pub(super) fn microdata(document: &Html) -> Option<Candidate> {
    const ARTICLES: &str =
        r#"[itemscope][itemtype$="Article"], [itemscope][itemtype$="BlogPosting"]"#;
    let root = document.root_element();
    // Too few article elements to be a list: spare the reading.
    root.select(css!(ARTICLES)).nth(MIN_ITEMS - 1)?;
    let specs = vec![
        (Field::Item, ARTICLES.to_string()),
        (
            Field::Title,
            "[itemprop=headline], [itemprop=name]".to_string(),
        ),
        (Field::Date, "[itemprop=datePublished], time".to_string()),
    ];
    let rules = rules_of(&specs)?;
    // Articles in a sidebar or a menu (popular posts, related) are not the page's list.
    let items: Vec<RawItem> = read_with_containers(root, &rules)
        .into_iter()
        .filter(|(container, _)| !is_furniture(*container))
        .map(|(_, item)| item)
        .collect();
    (items.len() >= MIN_ITEMS).then_some(Candidate {
        kind: Kind::Microdata,
        selectors: specs,
        score: MICRODATA_SCORE + items.len() as f64,
        items,
    })
}
