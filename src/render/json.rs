//! JSON Feed 1.1.

use serde::Serialize;

use super::{FeedMeta, Format};
use crate::model::Item;

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: String,
    home_page_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<String>,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hubs: Vec<Hub<'a>>,
    authors: [Author<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
}

/// Renders a JSON Feed 1.1 document.
pub(crate) fn render(meta: &FeedMeta, items: &[Item]) -> Vec<u8> {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: meta.title(),
        home_page_url: meta.page_url.as_str(),
        feed_url: meta.url(Format::Json).map(String::from),
        description: format!("{} from {}", meta.section_title, meta.site_title),
        hubs: meta
            .hub
            .iter()
            .map(|hub| Hub {
                kind: "WebSub",
                url: hub.as_str(),
            })
            .collect(),
        authors: [Author {
            name: &meta.site_title,
        }],
        items: items.iter().map(item).collect(),
    };
    let mut out = serde_json::to_vec_pretty(&feed).expect("feed serialises");
    out.push(b'\n');
    out
}

fn item(item: &Item) -> JsonItem<'_> {
    let html = item
        .content_html
        .as_deref()
        .or(item.summary_html.as_deref());
    JsonItem {
        id: &item.id,
        url: &item.id,
        title: &item.title,
        content_html: html,
        content_text: html.is_none().then_some(item.title.as_str()),
        image: item.image.as_deref(),
        date_published: item.published.to_rfc3339(),
        authors: item.author.iter().map(|name| Author { name }).collect(),
    }
}
