//! Lists in a page's script data: the JSON a framework ships a page's content in — Next.js
//! `__NEXT_DATA__`, Nuxt's `__NUXT_DATA__` (references resolved), other `application/json`
//! blocks, and `window.__STATE__ = {…}` assignments — read as items, for pages whose list
//! the scripts build and the HTML does not show.

use std::collections::HashSet;

use scraper::ElementRef;
use serde_json::{Map, Value};
use url::Url;

use super::{Candidate, Kind, MIN_ITEMS};
use crate::extract::jsonld::{name_of, url_of};
use crate::model::RawItem;

/// Fewest objects an array must hold to be read as a list.
const MIN_LIST: usize = 3;
/// Share of an array's objects that must read as items.
const READABLE_SHARE: f64 = 0.6;
/// Deepest nesting searched.
const MAX_DEPTH: usize = 16;
/// Most values visited in one page's data.
const MAX_VISITS: usize = 200_000;
/// Longest script read, in bytes.
const MAX_SCRIPT: usize = 8 << 20;
/// A script-data list scores as a repeated block of the same items would, a little less:
/// where the HTML shows the list too, its selectors are the clearer choice.
const SCRIPT_DISCOUNT: f64 = 0.9;

/// Keys, most telling first, for each field of an item object.
const TITLE_KEYS: [&str; 4] = ["headline", "title", "heading", "name"];
const LINK_KEYS: [&str; 11] = [
    "url",
    "href",
    "link",
    "permalink",
    "canonicalUrl",
    "canonical_url",
    "webUrl",
    "shareUrl",
    "fullUrl",
    "uri",
    "path",
];
const DATE_KEYS: [&str; 12] = [
    "datePublished",
    "publishedAt",
    "published_at",
    "publishDate",
    "publish_date",
    "publishedDate",
    "pubDate",
    "firstPublished",
    "displayDate",
    "date",
    "createdAt",
    "created_at",
];
const SUMMARY_KEYS: [&str; 8] = [
    "description",
    "summary",
    "excerpt",
    "teaser",
    "dek",
    "standfirst",
    "subtitle",
    "abstract",
];
const IMAGE_KEYS: [&str; 7] = [
    "image",
    "thumbnail",
    "thumbnailUrl",
    "imageUrl",
    "image_url",
    "featuredImage",
    "cover",
];

/// The best list in the page's script data, as one candidate.
pub(super) fn script_data(root: ElementRef, page: &Url) -> Option<Candidate> {
    let mut best: Option<Candidate> = None;
    for value in data_of(root) {
        let mut visits = 0;
        let mut lists = Vec::new();
        arrays(&value, 0, &mut visits, &mut lists);
        for list in lists {
            let Some(candidate) = read_list(list, page) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| candidate.score > b.score) {
                best = Some(candidate);
            }
        }
    }
    best
}

/// The JSON values the page's scripts hold.
fn data_of(root: ElementRef) -> Vec<Value> {
    let mut found = Vec::new();
    for script in root.select(css!("script")) {
        let kind = script
            .attr("type")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if kind == "application/ld+json" || script.attr("src").is_some() {
            continue;
        }
        let text: String = script.text().collect();
        if text.len() > MAX_SCRIPT {
            continue;
        }
        if kind.ends_with("json") {
            if let Ok(value) = serde_json::from_str::<Value>(text.trim()) {
                let nuxt = script.attr("id") == Some("__NUXT_DATA__");
                found.push(if nuxt { revived(&value) } else { value });
            }
        } else if kind.is_empty() || kind.contains("javascript") {
            found.extend(assigned(&text));
        }
    }
    found
}

/// The JSON literals a script assigns (`window.__STATE__ = {…};`, `var data = […]`).
fn assigned(code: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find('=') {
        let after = rest[at + 1..].trim_start();
        rest = &rest[at + 1..];
        if !after.starts_with(['{', '[']) {
            continue;
        }
        let mut values = serde_json::Deserializer::from_str(after).into_iter::<Value>();
        if let Some(Ok(value)) = values.next() {
            let used = values.byte_offset();
            found.push(value);
            rest = &after[used..];
        }
    }
    found
}

/// Nuxt's flattened payload (`devalue`): every object and array holds indexes into the one
/// top-level array; wrappers such as `["Reactive", 3]` stand for what they wrap.
fn revived(value: &Value) -> Value {
    let Value::Array(table) = value else {
        return value.clone();
    };
    let mut visits = 0;
    revive(table, 0, 0, &mut visits)
}

fn revive(table: &[Value], index: usize, depth: usize, visits: &mut usize) -> Value {
    *visits += 1;
    if depth > MAX_DEPTH || *visits > MAX_VISITS {
        return Value::Null;
    }
    let at = |v: &Value| v.as_u64().and_then(|i| usize::try_from(i).ok());
    let inner = |v: &Value, visits: &mut usize| match at(v) {
        Some(i) if i < table.len() => revive(table, i, depth + 1, visits),
        _ => Value::Null,
    };
    match table.get(index) {
        Some(Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(key, v)| (key.clone(), inner(v, visits)))
                .collect(),
        ),
        Some(Value::Array(items)) => match items.first().and_then(Value::as_str) {
            Some("Reactive" | "ShallowReactive" | "Ref" | "ShallowRef") => {
                items.get(1).map_or(Value::Null, |v| inner(v, visits))
            }
            Some("Date") => items.get(1).cloned().unwrap_or(Value::Null),
            Some(_) => Value::Null,
            None => Value::Array(items.iter().map(|v| inner(v, visits)).collect()),
        },
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

/// Every array of at least [`MIN_LIST`] objects in `value`.
fn arrays<'a>(value: &'a Value, depth: usize, visits: &mut usize, out: &mut Vec<&'a [Value]>) {
    *visits += 1;
    if depth > MAX_DEPTH || *visits > MAX_VISITS {
        return;
    }
    match value {
        Value::Array(items) => {
            if items.len() >= MIN_LIST && items.iter().all(Value::is_object) {
                out.push(items);
            }
            for item in items {
                arrays(item, depth + 1, visits, out);
            }
        }
        Value::Object(map) => {
            for item in map.values() {
                arrays(item, depth + 1, visits, out);
            }
        }
        _ => {}
    }
}

/// An array of objects as a candidate, when most of them read as items with distinct links.
fn read_list(list: &[Value], page: &Url) -> Option<Candidate> {
    let mut seen = HashSet::new();
    let items: Vec<RawItem> = list
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|object| item_of(object, page))
        .filter(|item| seen.insert(item.link.clone()))
        .collect();
    let share = items.len() as f64 / list.len() as f64;
    if items.len() < MIN_ITEMS.max(MIN_LIST) || share < READABLE_SHARE {
        return None;
    }
    if !super::stories::are_stories(&items, page) {
        return None;
    }
    let n = items.len() as f64;
    let fraction =
        |test: &dyn Fn(&RawItem) -> bool| items.iter().filter(|i| test(i)).count() as f64 / n;
    let dated = fraction(&|i| i.date.is_some());
    let pictured = fraction(&|i| i.image.is_some());
    let wordy = fraction(&|i| i.summary_html.is_some());
    let headline = items
        .iter()
        .map(|i| i.title.as_deref().map_or(0, |t| t.chars().count()).min(80) as f64)
        .sum::<f64>()
        / n;
    let score = n.powf(super::score::COUNT_EXPONENT)
        * (headline / super::score::HEADLINE_UNIT)
        * (1.0 + 0.8 * dated + 0.4 * pictured + 0.4 * wordy)
        * SCRIPT_DISCOUNT;
    Some(Candidate {
        kind: Kind::ScriptData,
        selectors: Vec::new(),
        items,
        score,
    })
}

/// One object as an item: a title and a link that leads somewhere (a URL or a path).
fn item_of(object: &Map<String, Value>, page: &Url) -> Option<RawItem> {
    let title = first(object, &TITLE_KEYS, text_of)?;
    let link = first(object, &LINK_KEYS, |v| {
        let href = v.as_str()?.trim();
        let usable = href.starts_with("http://")
            || href.starts_with("https://")
            || (href.starts_with('/') && !href.starts_with("//") && href.len() > 1);
        usable
            .then(|| page.join(href).ok().map(String::from))
            .flatten()
    })?;
    Some(RawItem {
        title: Some(title),
        link: Some(link),
        date: first(object, &DATE_KEYS, |v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            // Seconds or milliseconds since the epoch.
            Value::Number(n) => n.as_i64().and_then(epoch_text),
            _ => None,
        }),
        summary_html: first(object, &SUMMARY_KEYS, text_of)
            .map(|text| html_escape::encode_text(&text).into_owned()),
        content_html: None,
        author: object.get("author").and_then(name_of).or_else(|| {
            object
                .get("authors")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(name_of)
        }),
        image: first(object, &IMAGE_KEYS, |v| match v {
            Value::Object(map) => map
                .get("src")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| url_of(v)),
            _ => url_of(v),
        }),
    })
}

/// The first of `keys` that `object` holds and `read` accepts.
fn first(
    object: &Map<String, Value>,
    keys: &[&str],
    read: impl Fn(&Value) -> Option<String>,
) -> Option<String> {
    keys.iter().find_map(|key| object.get(*key).and_then(&read))
}

/// A text value: a string, or an object's `rendered` text (as WordPress's API writes titles).
fn text_of(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Object(map) => map.get("rendered")?.as_str()?,
        _ => return None,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// An epoch count (seconds, or milliseconds from 10^11 up) as an RFC 3339 text, when it falls
/// in the years stories are dated in: a number such as `20240505` (a date written as digits)
/// or an id is no instant, and read as one it would date the story wrongly.
fn epoch_text(count: i64) -> Option<String> {
    /// 2000-01-01 and 2100-01-01, in milliseconds.
    const YEARS: std::ops::Range<i64> = 946_684_800_000..4_102_444_800_000;
    let millis = if count >= 100_000_000_000 {
        count
    } else {
        count.checked_mul(1000)?
    };
    YEARS
        .contains(&millis)
        .then(|| chrono::DateTime::from_timestamp_millis(millis))
        .flatten()
        .map(|t| t.to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn page() -> Url {
        Url::parse("https://news.example.org/world/").unwrap()
    }

    fn found(html: &str) -> Option<Candidate> {
        script_data(Html::parse_document(html).root_element(), &page())
    }

    #[test]
    fn next_data_nuxt_data_and_assigned_state_are_read() {
        let next = r#"<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"stories":[
            {"headline":"Rain floods the valley towns","url":"/world/rain-floods-123","publishedAt":"2024-05-05T09:46:00Z","image":{"src":"/i/1.jpg"}},
            {"headline":"Talks resume on the border treaty","url":"/world/talks-124","publishedAt":"2024-05-05T08:00:00Z"},
            {"headline":"A new bridge opens to traffic","url":"/world/bridge-125","publishedAt":1714896000}
        ]}}}</script>"#;
        let c = found(next).unwrap();
        assert_eq!(c.items.len(), 3);
        assert_eq!(
            c.items[0].link.as_deref(),
            Some("https://news.example.org/world/rain-floods-123")
        );
        assert_eq!(c.items[0].image.as_deref(), Some("/i/1.jpg"));
        assert_eq!(
            c.items[2].date.as_deref(),
            Some("2024-05-05T08:00:00+00:00")
        );

        // Nuxt 3: indexes into one array, wrappers around reactive state.
        let nuxt = r#"<script type="application/json" id="__NUXT_DATA__">[["ShallowReactive",1],{"data":2},{"list":3},[4,7,10],
            {"title":5,"path":6},"Harbour reopens after the storm","/world/harbour-1",
            {"title":8,"path":9},"Ferries run again to the islands","/world/ferries-2",
            {"title":11,"path":12},"Schools close early for the holiday","/world/schools-3"]</script>"#;
        let c = found(nuxt).unwrap();
        assert_eq!(
            c.items[1].title.as_deref(),
            Some("Ferries run again to the islands")
        );

        let state = r#"<script>window.__INITIAL_STATE__ = {"feed":{"items":[
            {"title":"First of the long headlines","link":"https://news.example.org/a/1"},
            {"title":"Second of the long headlines","link":"https://news.example.org/a/2"},
            {"title":"Third of the long headlines","link":"https://news.example.org/a/3"}]}};render();</script>"#;
        assert_eq!(found(state).unwrap().items.len(), 3);
    }

    #[test]
    fn numbers_outside_the_years_of_stories_are_no_dates() {
        assert_eq!(
            epoch_text(1_714_896_000).as_deref(),
            Some("2024-05-05T08:00:00+00:00")
        );
        assert_eq!(
            epoch_text(1_714_896_000_000).as_deref(),
            Some("2024-05-05T08:00:00+00:00")
        );
        assert_eq!(epoch_text(20_240_505), None, "a date written as digits");
        assert_eq!(epoch_text(42), None);
        assert_eq!(epoch_text(-5), None);
    }

    #[test]
    fn menus_slugs_and_short_lists_are_not_lists() {
        let menu = r#"<script type="application/json">{"nav":[{"name":"World","url":"/world/"},
            {"name":"Sport","url":"/sport/"},{"name":"Culture","url":"/culture/"},{"name":"Home","url":"/"}]}</script>"#;
        assert!(found(menu).is_none());
        let slugs = r#"<script type="application/json">[{"title":"A long enough headline","slug":"a"},
            {"title":"Another long enough headline","slug":"b"},{"title":"A third long headline","slug":"c"}]</script>"#;
        assert!(found(slugs).is_none());
        let two = r#"<script type="application/json">[{"title":"A long enough headline","url":"/x/1-a"},
            {"title":"Another long enough headline","url":"/x/2-b"}]</script>"#;
        assert!(found(two).is_none());
    }
}
