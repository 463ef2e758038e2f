//! Plain data shared by every stage: what extraction finds and what a feed carries.
//!
//! Each stage of the pipeline turns one of these types into the next; none of them
//! knows where the data came from or where it goes.

use chrono::{DateTime, Utc};

/// Whether `c` may appear in an XML 1.0 document (C1 controls, though allowed, are refused
/// too: they only ever come from mis-decoded text).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || matches!(c, '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// One item as found on an index page, before any cleaning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawItem {
    /// Headline text.
    pub title: Option<String>,
    /// Link as written in the page (may be relative).
    pub link: Option<String>,
    /// Text (or attribute value) that holds the item's date.
    pub date: Option<String>,
    /// Teaser as HTML, unsanitised.
    pub summary_html: Option<String>,
    /// Full article body as HTML, unsanitised.
    pub content_html: Option<String>,
    /// Author name, possibly with a leading "by".
    pub author: Option<String>,
    /// Image URL as written in the page (may be relative).
    pub image: Option<String>,
}

/// A field of an item that a selector can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// One match per item.
    Item,
    /// Headline.
    Title,
    /// Article link.
    Link,
    /// Text (or attribute) holding the date.
    Date,
    /// Teaser HTML.
    Summary,
    /// Author name.
    Author,
    /// Image URL.
    Image,
    /// Full article HTML.
    Content,
}

impl Field {
    /// Every field, in the order `config.toml` documents them.
    pub const ALL: [Field; 8] = [
        Field::Item,
        Field::Title,
        Field::Link,
        Field::Date,
        Field::Summary,
        Field::Author,
        Field::Image,
        Field::Content,
    ];

    /// The field's key in `config.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Item => "item",
            Field::Title => "title",
            Field::Link => "link",
            Field::Date => "date",
            Field::Summary => "summary",
            Field::Author => "author",
            Field::Image => "image",
            Field::Content => "content",
        }
    }
}

impl RawItem {
    /// The raw value of one field (`None` for [`Field::Item`], which is the item itself).
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::Item => None,
            Field::Title => self.title.as_deref(),
            Field::Link => self.link.as_deref(),
            Field::Date => self.date.as_deref(),
            Field::Summary => self.summary_html.as_deref(),
            Field::Author => self.author.as_deref(),
            Field::Image => self.image.as_deref(),
            Field::Content => self.content_html.as_deref(),
        }
    }
}

/// A clean item, ready to be stored and rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Canonical article URL; also the item's GUID / id.
    pub id: String,
    /// Plain-text headline.
    pub title: String,
    /// Sanitised teaser HTML.
    pub summary_html: Option<String>,
    /// Sanitised full-article HTML.
    pub content_html: Option<String>,
    /// Plain-text author name.
    pub author: Option<String>,
    /// Absolute image URL.
    pub image: Option<String>,
    /// Publication instant.
    pub published: DateTime<Utc>,
}

/// Where a date on an article page came from; later variants rank higher.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum DateSource {
    /// Visible text, such as a dateline.
    Text,
    /// A `<time datetime>` element.
    Time,
    /// `<meta property="article:published_time">`.
    Meta,
    /// JSON-LD `datePublished`.
    JsonLd,
}

impl DateSource {
    /// Where on the page the date stood, in words.
    pub fn describe(self) -> &'static str {
        match self {
            DateSource::Text => "the page's text",
            DateSource::Time => "a <time> element",
            DateSource::Meta => "article:published_time",
            DateSource::JsonLd => "JSON-LD",
        }
    }
}

/// What an article page says about its article, before any cleaning.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RawArticle {
    /// Author name, possibly with a leading "by".
    pub author: Option<String>,
    /// Date texts with where each was found.
    pub dates: Vec<(String, DateSource)>,
    /// Image URL (may be relative).
    pub image: Option<String>,
    /// Teaser HTML.
    pub summary_html: Option<String>,
    /// Article body HTML (only when a `content` selector is configured).
    pub content_html: Option<String>,
    /// The page's `<html lang>`.
    #[serde(default)]
    pub language: Option<String>,
}
