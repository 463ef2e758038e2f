//! Reading an index page's items with a section's selectors.

use scraper::{ElementRef, Html, Selector};

use super::detect;
use super::dom::element_text;
use super::rules::{FieldSelector, Rules};
use crate::model::Field;
use crate::model::RawItem;

/// What one page gave.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// Items in page order.
    pub items: Vec<RawItem>,
    /// For each configured selector: how many items it gave a value (for [`Field::Item`]:
    /// how many items it matched).
    pub matches: Vec<(Field, String, usize)>,
    /// With no `item` selector: what automatic detection used (`article.post`, `JSON-LD`).
    pub detected: Option<String>,
    /// The page's `<html lang>`.
    pub language: Option<String>,
}

/// The first link of an item, its default title and link.
fn links() -> &'static Selector {
    css!("a[href]")
}

/// Extracts the items of a parsed HTML page fetched from `page` with `rules`; without an
/// `item` selector the page's items are found automatically.
pub fn extract_items(document: &Html, rules: &Rules, page: &url::Url) -> Extraction {
    let root = document.root_element();
    let language = page_language(root);
    let Some(item_selector) = &rules.item else {
        return match detect::best_items(document, page) {
            Some((how, items)) => Extraction {
                items,
                matches: Vec::new(),
                detected: Some(how),
                language,
            },
            None => Extraction {
                language,
                ..Extraction::default()
            },
        };
    };
    let items: Vec<RawItem> = root
        .select(item_selector.selector())
        .map(|element| extract_one(element, rules))
        .collect();
    let matches = Field::ALL
        .into_iter()
        .filter_map(|field| {
            let selector = rules.get(field)?;
            let count = match field {
                Field::Item => items.len(),
                _ => items.iter().filter(|i| i.get(field).is_some()).count(),
            };
            Some((field, selector.source().to_string(), count))
        })
        .collect();
    Extraction {
        items,
        matches,
        detected: None,
        language,
    }
}

/// The language a page declares: `<html lang>`.
pub(crate) fn page_language(root: ElementRef) -> Option<String> {
    root.attr("lang")
        .map(str::trim)
        .filter(|lang| !lang.is_empty())
        .map(str::to_string)
}

/// Reads every field of one item element.
pub(crate) fn extract_one(element: ElementRef, rules: &Rules) -> RawItem {
    // The headline link serves both the default title and the default link: find it once.
    let defaults_needed = rules.title.is_none() || rules.link.is_none();
    let titled = defaults_needed
        .then(|| first_titled_link(element))
        .flatten();
    RawItem {
        title: match &rules.title {
            Some(field) => text_field(element, field),
            None => titled.as_ref().map(|(_, text)| text.clone()),
        },
        link: match &rules.link {
            Some(field) => field.first(element).and_then(|el| match field.attr() {
                Some(attr) => el.attr(attr).map(str::to_string),
                None => el
                    .attr("href")
                    .map(str::to_string)
                    .or_else(|| Some(element_text(el))),
            }),
            None => titled
                .map(|(a, _)| a)
                .or_else(|| self_or_first(element, links()))
                .and_then(|a| a.attr("href"))
                .map(str::to_string),
        },
        date: match &rules.date {
            Some(field) => field
                .first(element)
                .and_then(|el| date_of(el, field.attr())),
            None => self_or_first(element, css!("time")).and_then(|el| date_of(el, None)),
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
    let own = links().matches(&element).then_some(element);
    own.into_iter()
        .chain(element.select(links()))
        .map(|a| (a, element_text(a)))
        .find(|(_, text)| !text.is_empty())
}

fn self_or_first<'a>(element: ElementRef<'a>, selector: &Selector) -> Option<ElementRef<'a>> {
    if selector.matches(&element) {
        Some(element)
    } else {
        element.select(selector).next()
    }
}

/// The first non-empty text (or attribute) among the field's matches.
pub(crate) fn text_field(scope: ElementRef, field: &FieldSelector) -> Option<String> {
    scope
        .select(field.selector())
        .filter_map(|el| match field.attr() {
            Some(attr) => el.attr(attr).map(str::to_string),
            None => Some(element_text(el)),
        })
        .find(|text| !text.trim().is_empty())
}

/// The inner HTML of the field's first match (an attribute's value, escaped, if one is named).
pub(crate) fn html_field(scope: ElementRef, field: &FieldSelector) -> Option<String> {
    let el = field.first(scope)?;
    match field.attr() {
        Some(attr) => el
            .attr(attr)
            .map(|v| html_escape::encode_text(v).into_owned()),
        None => Some(el.inner_html()),
    }
}

/// The image URL of the field's first match: the named attribute, else its `src`.
pub(crate) fn image_field(scope: ElementRef, field: &FieldSelector) -> Option<String> {
    let el = field.first(scope)?;
    match field.attr() {
        Some(attr) => el.attr(attr).map(str::to_string),
        None => image_src(el),
    }
}

/// The date text of an element: an explicit attribute, a `datetime` attribute, else its text.
fn date_of(el: ElementRef, attr: Option<&str>) -> Option<String> {
    match attr {
        Some(attr) => el.attr(attr).map(str::to_string),
        None => el
            .attr("datetime")
            .or_else(|| el.attr("content"))
            .map(str::to_string)
            .or_else(|| Some(element_text(el))),
    }
}

/// The image URL of an element: its own `src`/`data-src`, else that of its first `<img>`.
fn image_src(el: ElementRef) -> Option<String> {
    let own = |e: ElementRef| {
        ["src", "data-src", "data-lazy-src"]
            .iter()
            .find_map(|a| e.attr(a).filter(|v| !v.trim().is_empty()))
            .map(str::to_string)
    };
    own(el).or_else(|| el.select(css!("img")).find_map(own))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> url::Url {
        url::Url::parse("https://example.org/news/").unwrap()
    }

    fn rules(item: &str) -> Rules {
        Rules {
            item: Some(FieldSelector::parse(item).unwrap()),
            ..Rules::default()
        }
    }

    #[test]
    fn defaults_take_first_link_and_time() {
        let html = r#"<ul><li><a href="/a">First <b>one</b></a> <time datetime="2024-01-02">Jan 2</time></li>
            <li><a href="/b">Second</a><script>bad()</script></li></ul>"#;
        let out = extract_items(&Html::parse_document(html), &rules("li"), &page());
        assert_eq!(out.items.len(), 2);
        assert_eq!(out.items[0].title.as_deref(), Some("First one"));
        assert_eq!(out.items[0].link.as_deref(), Some("/a"));
        assert_eq!(out.items[0].date.as_deref(), Some("2024-01-02"));
        assert_eq!(out.items[1].date, None);
        assert_eq!(out.matches, vec![(Field::Item, "li".to_string(), 2)]);
    }

    #[test]
    fn configured_fields_and_attributes() {
        let html = r#"<div class="c" data-id="9"><h2>Head</h2><a class="m" href="/x">more</a>
            <span class="d">Sydney (SPX) Oct 23, 2024</span><p class="s">Teaser <i>it</i></p>
            <figure><img data-src="/i.jpg"></figure><span class="by">by Ana</span></div>"#;
        let mut r = rules("div.c");
        r.title = Some(FieldSelector::parse("h2").unwrap());
        r.link = Some(FieldSelector::parse("a.m@href").unwrap());
        r.date = Some(FieldSelector::parse("span.d").unwrap());
        r.summary = Some(FieldSelector::parse("p.s").unwrap());
        r.image = Some(FieldSelector::parse("figure").unwrap());
        r.author = Some(FieldSelector::parse("span.by").unwrap());
        let item = &extract_items(&Html::parse_document(html), &r, &page()).items[0];
        assert_eq!(item.title.as_deref(), Some("Head"));
        assert_eq!(item.link.as_deref(), Some("/x"));
        assert_eq!(item.date.as_deref(), Some("Sydney (SPX) Oct 23, 2024"));
        assert_eq!(item.summary_html.as_deref(), Some("Teaser <i>it</i>"));
        assert_eq!(item.image.as_deref(), Some("/i.jpg"));
        assert_eq!(item.author.as_deref(), Some("by Ana"));
    }

    #[test]
    fn an_item_that_is_a_link_is_its_own_title_and_link() {
        let out = extract_items(
            &Html::parse_document(r#"<a class="h" href="/z">Zed</a>"#),
            &rules("a.h"),
            &page(),
        );
        assert_eq!(out.items[0].title.as_deref(), Some("Zed"));
        assert_eq!(out.items[0].link.as_deref(), Some("/z"));
    }

    #[test]
    fn an_image_link_before_the_headline_is_passed_over() {
        let html =
            r#"<div><a href="/img-link"><img src="/t.jpg"></a> <a href="/story">Story</a></div>"#;
        let item = &extract_items(&Html::parse_document(html), &rules("div"), &page()).items[0];
        assert_eq!(item.title.as_deref(), Some("Story"));
        assert_eq!(item.link.as_deref(), Some("/story"));
    }

    #[test]
    fn without_an_item_selector_items_are_detected() {
        let html = r#"<ul><li><a href="/a">First headline here</a></li><li><a href="/b">Second headline here</a></li></ul>"#;
        let out = extract_items(&Html::parse_document(html), &Rules::default(), &page());
        assert_eq!(out.items.len(), 2);
        assert_eq!(out.detected.as_deref(), Some("li"));
    }
}
