//! Reading one item's fields out of its element (a selector per field, or the defaults: the
//! first headline link, the first `<time>`), and the language a page declares. Shared by
//! configured extraction, automatic detection and article pages.

use std::sync::LazyLock;

use html5ever::{LocalName, local_name};
use scraper::ElementRef;

use super::dom::{attr, element_text, inner_html};
use super::rules::{FieldSelector, Rules};
use crate::model::RawItem;

/// The first link of an item, its default title and link.
fn links() -> &'static FieldSelector {
    static LINKS: LazyLock<FieldSelector> = LazyLock::new(|| built_in("a[href]"));
    &LINKS
}

/// An item's default date.
fn times() -> &'static FieldSelector {
    static TIMES: LazyLock<FieldSelector> = LazyLock::new(|| built_in("time"));
    &TIMES
}

/// Where an image field looks inside the element it selected.
fn images() -> &'static FieldSelector {
    static IMAGES: LazyLock<FieldSelector> = LazyLock::new(|| built_in("img"));
    &IMAGES
}

/// A built-in field selector (these have the plain shape that is matched by name).
fn built_in(css: &str) -> FieldSelector {
    FieldSelector::parse(css).expect("built-in selector is valid")
}

/// The language a page declares: `<html lang>`.
pub(crate) fn page_language(root: ElementRef) -> Option<String> {
    root.attr("lang")
        .map(str::trim)
        .filter(|lang| !lang.is_empty())
        .map(str::to_string)
}

/// The page's `<title>`, if it has one with text.
pub fn page_title(root: ElementRef) -> Option<String> {
    root.select(css!("head > title, title"))
        .next()
        .map(element_text)
        .filter(|t| !t.is_empty())
}

/// Reads every field of one item element.
pub(crate) fn extract_one(element: ElementRef, rules: &Rules) -> RawItem {
    // The headline link serves both the default title and the default link: find it once.
    let defaults_needed = rules.title.is_none() || rules.link.is_none();
    let titled = defaults_needed
        .then(|| first_titled_link(element))
        .flatten();
    let title = rules
        .title
        .as_ref()
        .and_then(|field| text_match(element, field));
    RawItem {
        link: match &rules.link {
            Some(field) => {
                // A configured title and link often name one element (`a.title`,
                // `a.title@href`): the title's, when it was the first match, is the link's.
                let same = title.as_ref().filter(|found| {
                    found.first && rules.title.as_ref().is_some_and(|t| t.same_elements(field))
                });
                same.map(|found| found.element)
                    .or_else(|| field.first(element))
                    .and_then(|el| match field.attr_name() {
                        Some(name) => attr(el.value(), name).map(str::to_string),
                        None => attr(el.value(), &local_name!("href"))
                            .map(str::to_string)
                            .or_else(|| Some(element_text(el))),
                    })
            }
            // The title's own link (its element, a link inside it or around it) before the
            // item's first: a comment count or a category often comes first in a card.
            None => title
                .as_ref()
                .and_then(|found| link_of(found.element, element))
                .or_else(|| titled.as_ref().map(|(a, _)| *a))
                .or_else(|| self_or_first(element, links()))
                .and_then(|a| attr(a.value(), &local_name!("href")))
                .map(str::to_string),
        },
        title: match &rules.title {
            Some(_) => title.map(|found| found.text),
            None => titled.map(|(_, text)| text),
        },
        date: match &rules.date {
            Some(field) => field
                .first(element)
                .and_then(|el| date_of(el, field.attr_name())),
            None => self_or_first(element, times()).and_then(|el| date_of(el, None)),
        },
        summary_html: rules
            .summary
            .as_ref()
            .and_then(|field| html_field(element, field)),
        content_html: rules
            .content
            .as_ref()
            .and_then(|field| html_field(element, field)),
        author: rules
            .author
            .as_ref()
            .and_then(|field| text_field(element, field)),
        image: rules
            .image
            .as_ref()
            .and_then(|field| image_field(element, field)),
    }
}

/// The first link with visible text, and that text (an image link before the headline has
/// none).
pub(crate) fn first_titled_link(element: ElementRef) -> Option<(ElementRef, String)> {
    let own = links().matches(element).then_some(element);
    own.into_iter()
        .chain(links().select(element))
        .map(|a| (a, element_text(a)))
        .find(|(_, text)| !text.is_empty())
}

/// The link `element` is or holds, or else the one around it inside `item`.
fn link_of<'a>(element: ElementRef<'a>, item: ElementRef<'a>) -> Option<ElementRef<'a>> {
    self_or_first(element, links()).or_else(|| {
        element
            .ancestors()
            .take_while(|node| node.id() != item.id())
            .filter_map(ElementRef::wrap)
            .find(|el| links().matches(*el))
    })
}

fn self_or_first<'a>(element: ElementRef<'a>, selector: &FieldSelector) -> Option<ElementRef<'a>> {
    if selector.matches(element) {
        Some(element)
    } else {
        selector.first(element)
    }
}

/// A field's first non-empty text (or attribute) and the element it came from.
struct TextMatch<'a> {
    element: ElementRef<'a>,
    text: String,
    /// Whether the element is the field's first match.
    first: bool,
}

fn text_match<'a>(scope: ElementRef<'a>, field: &FieldSelector) -> Option<TextMatch<'a>> {
    field
        .select(scope)
        .enumerate()
        .filter_map(|(n, element)| {
            let text = match field.attr_name() {
                Some(name) => attr(element.value(), name).map(str::to_string),
                None => Some(element_text(element)),
            }?;
            Some(TextMatch {
                element,
                text,
                first: n == 0,
            })
        })
        .find(|found| !found.text.trim().is_empty())
}

/// The first non-empty text (or attribute) among the field's matches.
pub(crate) fn text_field(scope: ElementRef, field: &FieldSelector) -> Option<String> {
    text_match(scope, field).map(|found| found.text)
}

/// The inner HTML of the field's first match (an attribute's value, escaped, if one is named).
pub(crate) fn html_field(scope: ElementRef, field: &FieldSelector) -> Option<String> {
    let el = field.first(scope)?;
    match field.attr_name() {
        Some(name) => attr(el.value(), name).map(|v| html_escape::encode_text(v).into_owned()),
        None => Some(inner_html(el)),
    }
}

/// The image URL of the field's first match: the named attribute, else its `src`.
pub(crate) fn image_field(scope: ElementRef, field: &FieldSelector) -> Option<String> {
    let el = field.first(scope)?;
    match field.attr_name() {
        Some(name) => attr(el.value(), name).map(str::to_string),
        None => image_src(el),
    }
}

/// The date text of an element: an explicit attribute, a `datetime` attribute, else its text.
fn date_of(el: ElementRef, name: Option<&LocalName>) -> Option<String> {
    match name {
        Some(name) => attr(el.value(), name).map(str::to_string),
        None => attr(el.value(), &local_name!("datetime"))
            .or_else(|| attr(el.value(), &local_name!("content")))
            .map(str::to_string)
            .or_else(|| Some(element_text(el))),
    }
}

/// The image URL of an element: its own `src`/`data-src`, else that of its first `<img>`.
fn image_src(el: ElementRef) -> Option<String> {
    static NAMES: LazyLock<[LocalName; 3]> = LazyLock::new(|| {
        [
            local_name!("src"),
            LocalName::from("data-src"),
            LocalName::from("data-lazy-src"),
        ]
    });
    let own = |e: ElementRef| {
        NAMES
            .iter()
            .find_map(|name| attr(e.value(), name).filter(|v| !v.trim().is_empty()))
            .map(str::to_string)
    };
    own(el).or_else(|| images().select(el).find_map(own))
}
