//! JSON-LD in a page: every object of every `<script type="application/ld+json">`, arrays and
//! `@graph` flattened, with helpers for the schema.org values articles carry.

use scraper::ElementRef;
use serde_json::{Map, Value};

/// Every JSON object in the page's JSON-LD, in document order. Unreadable scripts are skipped.
pub(crate) fn objects(root: ElementRef) -> Vec<Map<String, Value>> {
    let mut found = Vec::new();
    for script in root.select(css!(r#"script[type="application/ld+json"]"#)) {
        let Ok(value) = serde_json::from_str::<Value>(&script.text().collect::<String>()) else {
            continue;
        };
        let mut queue = vec![value];
        while let Some(node) = queue.pop() {
            match node {
                Value::Array(items) => queue.extend(items.into_iter().rev()),
                Value::Object(mut map) => {
                    let graph = map.remove("@graph");
                    found.push(map);
                    queue.extend(graph);
                }
                _ => {}
            }
        }
    }
    found
}

/// The object's `@type` names.
pub(crate) fn types(object: &Map<String, Value>) -> Vec<&str> {
    match object.get("@type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether the object is an article of some kind (`NewsArticle`, `BlogPosting`, …).
pub(crate) fn is_article(object: &Map<String, Value>) -> bool {
    types(object)
        .iter()
        .any(|t| t.ends_with("Article") || *t == "BlogPosting" || *t == "Report")
}

/// A string field.
pub(crate) fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A person's name: a string, `{"name": …}`, or the first of a list.
pub(crate) fn name_of(value: &Value) -> Option<String> {
    match value {
        Value::String(name) => Some(name.clone()),
        Value::Object(map) => text(map, "name"),
        Value::Array(list) => list.iter().find_map(name_of),
        _ => None,
    }
}

/// An image URL: a string, `{"url": …}`, or the first of a list.
pub(crate) fn url_of(value: &Value) -> Option<String> {
    match value {
        Value::String(url) => Some(url.clone()),
        Value::Object(map) => text(map, "url"),
        Value::Array(list) => list.iter().find_map(url_of),
        _ => None,
    }
}
