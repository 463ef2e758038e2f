//! A site's article template: the element that holds the article text on its pages. Found on
//! one page from the text automatic extraction gave (the innermost element holding most of it,
//! so that a share bar or a "related" box the engine let through falls outside), described by
//! a selector that finds that one element, and read on later pages of the same site.

use scraper::{ElementRef, Html, Selector};

use super::detect::is_stable_class;
use super::dom::{element_text, inner_html};

/// Share of the found text the template's element must hold.
const HOLDS: f64 = 0.7;
/// Shortest paragraph, in characters, that counts when measuring what an element holds.
const MIN_PARAGRAPH: usize = 20;

/// The selector of the element of `document` that holds the text `found` (HTML), when one
/// describes it on its own: `div.story-body`, `article.post-content`, `div#article-text`.
pub fn block_of(document: &Html, found: &str) -> Option<String> {
    let fragment = Html::parse_fragment(found);
    let paragraphs: Vec<String> = fragment
        .root_element()
        .select(css!("p, li, h2, h3, blockquote, pre"))
        .map(element_text)
        .filter(|t| t.chars().count() >= MIN_PARAGRAPH)
        .collect();
    let total: usize = paragraphs.iter().map(String::len).sum();
    let longest = paragraphs.iter().max_by_key(|p| p.len())?;
    let holds = |el: ElementRef| {
        let text = element_text(el);
        let held: usize = paragraphs
            .iter()
            .filter(|p| text.contains(p.as_str()))
            .map(String::len)
            .sum();
        // Its text as long as most of the found text, too: a paragraph that repeats another
        // holds its words, not the article.
        held as f64 >= total as f64 * HOLDS && text.len() as f64 >= total as f64 * HOLDS
    };
    // From the element of the longest paragraph outwards: the first that holds enough.
    let start = document
        .root_element()
        .select(css!("body p, body div, body li, body blockquote, body pre"))
        .filter(|el| element_text(*el).contains(longest.as_str()))
        .last()?;
    let block = std::iter::once(start)
        .chain(start.ancestors().filter_map(ElementRef::wrap))
        .take_while(|el| !matches!(el.value().name(), "body" | "html"))
        .find(|el| holds(*el))?;
    describe(document, block)
}

/// A selector that finds `block` and nothing else on the page: its tag with a stable class or
/// id, the parent's prepended if needed.
fn describe(document: &Html, block: ElementRef) -> Option<String> {
    let own = |el: ElementRef| {
        let value = el.value();
        let class = value.classes().find(|c| is_stable_class(c));
        let id = value.id().filter(|id| is_stable_class(id));
        match (class, id) {
            (Some(class), _) => Some(format!("{}.{class}", value.name())),
            (None, Some(id)) => Some(format!("{}#{id}", value.name())),
            (None, None) => None,
        }
    };
    let alone = |css: &str| {
        let selector = Selector::parse(css).ok()?;
        let mut found = document.root_element().select(&selector);
        (found.next()?.id() == block.id() && found.next().is_none()).then(|| css.to_string())
    };
    let mine = own(block);
    if let Some(css) = mine.as_deref().and_then(alone) {
        return Some(css);
    }
    let parent = block.parent().and_then(ElementRef::wrap).and_then(own)?;
    let child = mine.unwrap_or_else(|| block.value().name().to_string());
    alone(&format!("{parent} > {child}"))
}

/// The inner HTML of the element `selector` finds on the page `html`.
pub fn read(html: &str, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    let document = Html::parse_document(html);
    let found = document.root_element().select(&selector).next()?;
    Some(inner_html(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body><header><a href="/">Home</a></header><main><article id="post-4711" class="post">
        <h1>The harbour reopens</h1>
        <div class="story-body"><p>The harbour reopened on Monday after the storm had closed it for a week.</p>
        <p>Fishing boats left at dawn, and the ferries ran again by noon, said the harbour master.</p>
        <p>Repairs to the sea wall will take the rest of the month, the council said.</p></div>
        <div class="share"><p>Share this story with your friends on every network you use.</p></div>
        </article></main></body></html>"#;

    #[test]
    fn the_innermost_element_holding_the_text_and_not_what_was_let_through() {
        let document = Html::parse_document(PAGE);
        let found = "<p>The harbour reopened on Monday after the storm had closed it for a week.</p>\
            <p>Fishing boats left at dawn, and the ferries ran again by noon, said the harbour master.</p>\
            <p>Repairs to the sea wall will take the rest of the month, the council said.</p>\
            <p>Share this story with your friends on every network you use.</p>";
        assert_eq!(
            block_of(&document, found).as_deref(),
            Some("div.story-body")
        );
        let text = read(PAGE, "div.story-body").unwrap();
        assert!(
            text.contains("sea wall") && !text.contains("Share this"),
            "{text}"
        );
    }
}
