//! Atom 1.0 with id, updated, rel=self, rel=alternate and an author everywhere.

use atom_syndication::{
    Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text, TextType,
};

use super::{FeedMeta, Format, image_type, updated};
use crate::model::Item;

/// Renders an Atom 1.0 document.
pub(crate) fn render(meta: &FeedMeta, items: &[Item]) -> Vec<u8> {
    let self_url = meta.url(Format::Atom);
    let mut links = vec![link(meta.page_url.as_str(), "alternate", Some("text/html"))];
    if let Some(url) = &self_url {
        links.push(link(url.as_str(), "self", Some(Format::Atom.media_type())));
    }
    if let Some(hub) = &meta.hub {
        links.push(link(hub.as_str(), "hub", None));
    }
    let feed = Feed {
        id: self_url.as_ref().unwrap_or(&meta.page_url).to_string(),
        title: Text::plain(meta.title()),
        updated: updated(items).fixed_offset(),
        authors: vec![person(&meta.site_title)],
        links,
        generator: Some(Generator {
            value: "feedwright".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Generator::default()
        }),
        entries: items.iter().map(entry).collect(),
        ..Feed::default()
    };
    let mut out = Vec::new();
    feed.write_with_config(
        &mut out,
        atom_syndication::WriteConfig {
            write_document_declaration: true,
            indent_size: Some(2),
        },
    )
    .expect("writing to memory cannot fail");
    out
}

fn link(href: &str, rel: &str, mime: Option<&str>) -> Link {
    Link {
        href: href.into(),
        rel: rel.into(),
        mime_type: mime.map(str::to_string),
        ..Link::default()
    }
}

fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        ..Person::default()
    }
}

fn entry(item: &Item) -> Entry {
    let date: FixedDateTime = item.published.fixed_offset();
    let mut links = vec![link(&item.id, "alternate", Some("text/html"))];
    if let Some(image) = &item.image {
        // Atom's length is optional: an unknown size is left out rather than written as 0.
        links.push(link(image, "enclosure", image_type(image)));
    }
    Entry {
        id: item.id.clone(),
        title: Text::plain(item.title.clone()),
        updated: date,
        published: Some(date),
        authors: item.author.iter().map(|a| person(a)).collect(),
        links,
        summary: item.summary_html.as_ref().map(|s| Text {
            value: s.clone(),
            r#type: TextType::Html,
            ..Text::default()
        }),
        content: item.content_html.as_ref().map(|c| Content {
            value: Some(c.clone()),
            content_type: Some("html".into()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}
