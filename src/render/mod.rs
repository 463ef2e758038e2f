//! Feeds and pages from items: RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML and index.html.
//!
//! Every renderer is a pure function of its input: the same items give the same bytes.

mod atom;
mod index;
mod json;
mod opml;
mod page;
mod rss;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use url::Url;

use crate::model::Item;
pub use index::index_html;
pub use opml::opml;
pub use page::feed_page;

/// A feed format written for each section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RSS 2.0, `<section>.xml`.
    Rss,
    /// Atom 1.0, `<section>.atom`.
    Atom,
    /// JSON Feed 1.1, `<section>.json`.
    Json,
}

impl Format {
    /// Every format, in output order.
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// File extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Rss => "xml",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// Media type of the file (without parameters).
    pub fn media_type(self) -> &'static str {
        let full = content_type_of(self.extension());
        full.split(';').next().unwrap_or(full)
    }

    /// The format whose files end in `extension`.
    pub fn from_extension(extension: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == extension)
    }

    /// Short human name.
    pub fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Json => "JSON Feed",
        }
    }
}

/// What a feed says about itself.
#[derive(Debug, Clone)]
pub struct FeedMeta {
    /// Site title: the feed's author where items have none.
    pub site_title: String,
    /// Section title.
    pub section_title: String,
    /// The index page (or source feed) the items come from.
    pub page_url: Url,
    /// Path of the feed files without extension, relative to the output folder: `site/section`.
    pub stem: String,
    /// Where the output folder is published, if known.
    pub base_url: Option<Url>,
    /// The site's timezone, for dates shown to people.
    pub timezone: chrono_tz::Tz,
    /// The WebSub hub readers may subscribe to for pushes.
    pub hub: Option<Url>,
    /// Whether RSS and Atom point at the browser stylesheet ([`STYLE_FILE`]).
    pub stylesheet: bool,
}

impl FeedMeta {
    /// The same description with titles cut down to characters XML can carry.
    fn xml_safe(&self) -> FeedMeta {
        let clean = |text: &str| {
            text.chars()
                .filter(|&c| crate::model::is_xml_char(c))
                .collect()
        };
        FeedMeta {
            site_title: clean(&self.site_title),
            section_title: clean(&self.section_title),
            ..self.clone()
        }
    }

    /// The feed's title: `Site – Section`.
    pub fn title(&self) -> String {
        format!("{} – {}", self.site_title, self.section_title)
    }

    /// File name of one format, relative to the output folder.
    pub fn file(&self, format: Format) -> String {
        format!("{}.{}", self.stem, format.extension())
    }

    /// File name of the readable page, relative to the output folder.
    pub fn page_file(&self) -> String {
        format!("{}.html", self.stem)
    }

    /// Published URL of one format, when `base_url` is set.
    pub fn url(&self, format: Format) -> Option<Url> {
        self.base_url.as_ref()?.join(&self.file(format)).ok()
    }
}

/// `Content-Type` of the files the output folder holds, by extension: the one table for
/// feed links, `serve`, and whatever publishes the folder.
const CONTENT_TYPES: [(&str, &str); 11] = [
    ("xml", "application/rss+xml; charset=utf-8"),
    ("atom", "application/atom+xml; charset=utf-8"),
    ("json", "application/feed+json; charset=utf-8"),
    ("opml", "text/x-opml; charset=utf-8"),
    ("xsl", "text/xsl; charset=utf-8"),
    ("html", "text/html; charset=utf-8"),
    ("htm", "text/html; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("txt", "text/plain; charset=utf-8"),
    ("png", "image/png"),
    ("svg", "image/svg+xml"),
];

/// The `Content-Type` of an output file, by its extension (`application/octet-stream` for an
/// unknown one); text types carry `; charset=utf-8`.
pub fn content_type(path: &Path) -> &'static str {
    content_type_of(path.extension().and_then(|e| e.to_str()).unwrap_or(""))
}

fn content_type_of(extension: &str) -> &'static str {
    by_extension(&CONTENT_TYPES, extension).unwrap_or("application/octet-stream")
}

/// The type `table` gives `extension`, in any case.
fn by_extension(table: &[(&str, &'static str)], extension: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(extension))
        .map(|(_, media_type)| *media_type)
}

/// The browser view of RSS and Atom feeds, written as `style.xsl` beside `index.html`.
pub const STYLE_XSL: &str = include_str!("style.xsl");

/// File name of the stylesheet in the output folder.
pub const STYLE_FILE: &str = "style.xsl";

/// Renders `items` (newest first) in `format`.
pub fn render(format: Format, meta: &FeedMeta, items: &[Item]) -> Vec<u8> {
    let meta = &meta.xml_safe();
    match format {
        Format::Rss if meta.stylesheet => with_stylesheet(&rss::render(meta, items), meta),
        Format::Atom if meta.stylesheet => with_stylesheet(&atom::render(meta, items), meta),
        Format::Rss => rss::render(meta, items),
        Format::Atom => atom::render(meta, items),
        Format::Json => json::render(meta, items),
    }
}

/// Puts `<?xml-stylesheet?>` pointing at [`STYLE_FILE`] right after the XML declaration.
fn with_stylesheet(xml: &[u8], meta: &FeedMeta) -> Vec<u8> {
    let depth = meta.stem.matches('/').count();
    let href = format!("{}{STYLE_FILE}", "../".repeat(depth));
    let instruction = format!("\n<?xml-stylesheet type=\"text/xsl\" href=\"{href}\"?>");
    let end = xml.windows(2).position(|w| w == b"?>").map_or(0, |i| i + 2);
    let mut out = Vec::with_capacity(xml.len() + instruction.len());
    out.extend_from_slice(&xml[..end]);
    out.extend_from_slice(instruction.as_bytes());
    out.extend_from_slice(&xml[end..]);
    out
}

/// The feed's own date: its newest item's, so output never depends on the clock.
fn updated(items: &[Item]) -> DateTime<Utc> {
    items
        .iter()
        .map(|i| i.published)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// Image media types by file extension.
const IMAGE_TYPES: [(&str, &str); 8] = [
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("jpe", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("avif", "image/avif"),
    ("svg", "image/svg+xml"),
];

/// The media type of an image URL, from its extension (any case).
fn image_type(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    by_extension(&IMAGE_TYPES, path.rsplit('.').next()?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Two items, one rich and one bare, for renderer tests.
    pub(crate) fn sample() -> (FeedMeta, Vec<Item>) {
        let meta = FeedMeta {
            site_title: "Space & <Daily>".into(),
            section_title: "Industry".into(),
            page_url: Url::parse("https://www.spacedaily.com/Industry.html").unwrap(),
            stem: "spacedaily/industry".into(),
            base_url: Some(Url::parse("https://feeds.example.org/").unwrap()),
            timezone: chrono_tz::UTC,
            hub: None,
            stylesheet: true,
        };
        let items = vec![
            Item {
                id: "https://www.spacedaily.com/reports/A_999.html".into(),
                title: "Comet & Mars <now> ]]>".into(),
                summary_html: Some("<p>Teaser with <b>bold</b> ]]&gt; end</p>".into()),
                content_html: None,
                author: Some("Ana Ruiz".into()),
                image: Some("https://www.spxdaily.com/images-bg/a-bg.jpg".into()),
                published: Utc.with_ymd_and_hms(2013, 4, 4, 10, 37, 27).unwrap(),
            },
            Item {
                id: "https://www.spacedaily.com/reports/B_999.html?id=1&x=2".into(),
                title: "Bare".into(),
                summary_html: None,
                content_html: None,
                author: None,
                image: Some("https://img.example.org/pic".into()),
                published: Utc.with_ymd_and_hms(2013, 4, 3, 0, 0, 0).unwrap(),
            },
        ];
        (meta, items)
    }

    #[test]
    fn feed_content_types() {
        assert_eq!(
            content_type(Path::new("a.xml")),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.atom")),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.json")),
            "application/feed+json; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("feeds.opml")),
            "text/x-opml; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.bin")), "application/octet-stream");
        assert_eq!(Format::Rss.media_type(), "application/rss+xml");
        assert_eq!(Format::Json.media_type(), "application/feed+json");
        assert_eq!(Format::from_extension("atom"), Some(Format::Atom));
    }

    #[test]
    fn image_types_from_extensions() {
        assert_eq!(image_type("https://a/b.JPG?x=1"), Some("image/jpeg"));
        assert_eq!(image_type("https://a/b.webp"), Some("image/webp"));
        assert_eq!(image_type("https://a/b"), None);
    }

    #[test]
    fn feeds_point_at_the_stylesheet_only_when_asked() {
        let (mut meta, items) = sample();
        meta.stylesheet = false;
        for format in [Format::Rss, Format::Atom] {
            let text = String::from_utf8(render(format, &meta, &items)).unwrap();
            assert!(!text.contains("xml-stylesheet"), "{text}");
        }
    }

    #[test]
    fn xml_feeds_point_at_the_stylesheet() {
        let (meta, items) = sample();
        for format in [Format::Rss, Format::Atom] {
            let xml = String::from_utf8(render(format, &meta, &items)).unwrap();
            let second_line = xml.lines().nth(1).unwrap();
            assert_eq!(
                second_line,
                r#"<?xml-stylesheet type="text/xsl" href="../style.xsl"?>"#
            );
        }
    }

    #[test]
    fn rendering_is_deterministic() {
        let (meta, items) = sample();
        for format in Format::ALL {
            assert_eq!(render(format, &meta, &items), render(format, &meta, &items));
        }
    }
}

/// One section as the index page and OPML list it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The section's feed description.
    pub meta: FeedMeta,
    /// Items in its feed.
    pub items: usize,
    /// Its newest item's date.
    pub updated: Option<DateTime<Utc>>,
    /// When its feed last gained an item.
    pub refreshed: Option<DateTime<Utc>>,
    /// Why its last run failed, when it did (its feed stays as it was).
    pub failing: Option<String>,
}

/// The listing with titles cut down to characters XML can carry.
fn xml_safe(feeds: &[Listed]) -> Vec<Listed> {
    feeds
        .iter()
        .map(|f| Listed {
            meta: f.meta.xml_safe(),
            ..f.clone()
        })
        .collect()
}

impl Listed {
    /// Link to one format: absolute when `base_url` is set, else relative to the output folder.
    fn href(&self, format: Format) -> String {
        self.meta
            .url(format)
            .map_or_else(|| self.meta.file(format), String::from)
    }

    /// Link to the readable page, the same way.
    fn page_href(&self) -> String {
        let file = self.meta.page_file();
        self.meta
            .base_url
            .as_ref()
            .and_then(|base| base.join(&file).ok())
            .map_or(file, String::from)
    }
}
