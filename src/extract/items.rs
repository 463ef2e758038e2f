//! Reading an index page's items with a section's selectors.

use scraper::Html;

use super::detect;
use super::fields::{extract_one, page_language};
use super::rules::Rules;
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
    let items: Vec<RawItem> = item_selector
        .select(root)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::FieldSelector;

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
    fn a_title_and_link_of_one_selector_read_as_before() {
        let html = r#"<div class="c"><a class="t" href="/img"><img src="/i.jpg"></a>
            <a class="t" href="/story">Story</a></div><div class="c"><a class="t" href="/s2">Two</a></div>"#;
        let mut r = rules("div.c");
        r.title = Some(FieldSelector::parse("a.t").unwrap());
        r.link = Some(FieldSelector::parse("a.t@href").unwrap());
        let items = extract_items(&Html::parse_document(html), &r, &page()).items;
        // The title is the first match with text; the link is the first match's.
        assert_eq!(items[0].title.as_deref(), Some("Story"));
        assert_eq!(items[0].link.as_deref(), Some("/img"));
        assert_eq!(items[1].title.as_deref(), Some("Two"));
        assert_eq!(items[1].link.as_deref(), Some("/s2"));
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
        let html = r#"<ul><li><a href="/news/first-headline-here">First headline here</a></li><li><a href="/news/second-headline-here">Second headline here</a></li></ul>"#;
        let out = extract_items(&Html::parse_document(html), &Rules::default(), &page());
        assert_eq!(out.items.len(), 2);
        assert_eq!(out.detected.as_deref(), Some("li"));
    }
}
