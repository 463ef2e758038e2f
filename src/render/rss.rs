//! RSS 2.0 with atom:link rel=self, dc:creator for names and images as enclosures.

use std::collections::BTreeMap;

use rss::extension::Extension;
use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::{Channel, Enclosure, Guid, Item as RssItem};

use super::{FeedMeta, Format, image_type, updated};
use crate::model::Item;

const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// Renders an RSS 2.0 document.
pub(crate) fn render(meta: &FeedMeta, items: &[Item]) -> Vec<u8> {
    let date = updated(items).to_rfc2822();
    let mut channel = Channel {
        title: meta.title(),
        link: meta.page_url.to_string(),
        description: format!("{} from {}", meta.section_title, meta.site_title),
        generator: Some(concat!("feedwright ", env!("CARGO_PKG_VERSION")).into()),
        docs: Some("https://www.rssboard.org/rss-specification".into()),
        last_build_date: Some(date.clone()),
        pub_date: Some(date),
        items: items.iter().map(item).collect(),
        ..Channel::default()
    };
    if let Some(url) = meta.url(Format::Rss) {
        let mut links = vec![Link {
            href: url.to_string(),
            rel: "self".into(),
            mime_type: Some(Format::Rss.media_type().into()),
            ..Link::default()
        }];
        links.extend(meta.hub.as_ref().map(|hub| Link {
            href: hub.to_string(),
            rel: "hub".into(),
            ..Link::default()
        }));
        channel.atom_ext = Some(AtomExtension { links });
    }
    if channel.items.iter().any(|i| !i.extensions.is_empty()) {
        channel.namespaces.insert("media".into(), MEDIA_NS.into());
    }
    // About what an item takes, so that the buffer is seldom grown.
    let room = 1024 + 512 * channel.items.len();
    let xml = channel
        .pretty_write_to(Vec::with_capacity(room), b' ', 2)
        .expect("writing to memory cannot fail");
    permalinks_said(xml)
}

/// The writer leaves isPermaLink at its default (true) implicit: say it, as readers and
/// validators then need no default. Text and CDATA content never hold a raw `<guid>`.
fn permalinks_said(xml: Vec<u8>) -> Vec<u8> {
    const BARE: &[u8] = b"<guid>";
    const SAID: &[u8] = br#"<guid isPermaLink="true">"#;
    let found: Vec<usize> = memchr::memmem::find_iter(&xml, BARE).collect();
    if found.is_empty() {
        return xml;
    }
    let mut out = Vec::with_capacity(xml.len() + found.len() * (SAID.len() - BARE.len()));
    let mut from = 0;
    for at in found {
        out.extend_from_slice(&xml[from..at]);
        out.extend_from_slice(SAID);
        from = at + BARE.len();
    }
    out.extend_from_slice(&xml[from..]);
    out
}

fn item(item: &Item) -> RssItem {
    let mut out = RssItem {
        title: Some(item.title.clone()),
        link: Some(item.id.clone()),
        description: item.summary_html.clone(),
        content: item.content_html.clone(),
        guid: Some(Guid {
            value: item.id.clone(),
            permalink: true,
        }),
        pub_date: Some(item.published.to_rfc2822()),
        ..RssItem::default()
    };
    if let Some(author) = &item.author {
        out.dublin_core_ext = Some(DublinCoreExtension {
            creators: vec![author.clone()],
            ..Default::default()
        });
    }
    if let Some(image) = &item.image {
        match image_type(image) {
            Some(mime) => {
                out.enclosure = Some(Enclosure {
                    url: image.clone(),
                    length: "0".into(),
                    mime_type: mime.into(),
                });
            }
            None => {
                let media = Extension {
                    name: "media:content".into(),
                    attrs: BTreeMap::from([
                        ("url".to_string(), image.clone()),
                        ("medium".to_string(), "image".to_string()),
                    ]),
                    ..Extension::default()
                };
                out.extensions = BTreeMap::from([(
                    "media".to_string(),
                    BTreeMap::from([("content".to_string(), vec![media])]),
                )]);
            }
        }
    }
    out
}
