//! What an extraction engine lets through around an article: sharing bars, "related" and
//! "most read" lists, newsletter and cookie boxes, comment counts, copyright lines. Blocks of
//! the extracted text that are short and mostly links, or whose class names such furniture,
//! are taken out.

use ego_tree::NodeId;
use scraper::{ElementRef, Html};

use super::dom::element_text;

/// Blocks of at most this many characters of text are judged; longer ones are the article.
const SHORT: usize = 300;
/// Share of a short block's text in links from which it is a list of links.
const LINKY: f64 = 0.6;

/// `html` (an extracted article text) without its furniture blocks.
pub(super) fn without_furniture(html: &str) -> String {
    let mut fragment = Html::parse_fragment(html);
    let furniture: Vec<NodeId> = fragment
        .root_element()
        .select(css!(
            "div, section, aside, nav, footer, ul, ol, p, li, form, figure"
        ))
        .filter(|el| is_furniture(*el))
        .map(|el| el.id())
        .collect();
    if furniture.is_empty() {
        return html.to_string();
    }
    for id in furniture {
        if let Some(mut node) = fragment.tree.get_mut(id) {
            node.detach();
        }
    }
    fragment.root_element().inner_html()
}

/// Whether a block of the text is furniture rather than article.
fn is_furniture(el: ElementRef) -> bool {
    let named = regex!(
        r"(?i)\b(share|sharing|social|related|newsletter|subscribe|signup|cookie|consent|comments?|promo|advert|ad-|sponsor|recommend|most-read|popular|trending|footer|copyright|author-bio|tags)"
    );
    let value = el.value();
    if matches!(value.name(), "nav" | "aside" | "form" | "footer") {
        return true;
    }
    let text = element_text(el);
    let chars = text.chars().count();
    if chars > SHORT {
        return false;
    }
    let said = value.attr("class").is_some_and(|c| named.is_match(c))
        || value.attr("id").is_some_and(|i| named.is_match(i));
    let linked: usize = el
        .select(css!("a"))
        .map(|a| element_text(a).chars().count())
        .sum();
    said || (chars > 0 && linked as f64 >= chars as f64 * LINKY && value.name() != "p")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_related_and_link_lists_go_the_article_stays() {
        let html = r#"<div><p>The harbour reopened on <a href="/monday">Monday</a> after the storm.</p>
            <div class="share-bar"><a href="/fb">Facebook</a> <a href="/x">X</a></div>
            <ul><li><a href="/a">Another story</a></li><li><a href="/b">A third story</a></li></ul>
            <p>Repairs will take the month.</p><aside>Most read</aside></div>"#;
        let clean = without_furniture(html);
        assert!(
            clean.contains("The harbour reopened") && clean.contains("Repairs"),
            "{clean}"
        );
        assert!(
            !clean.contains("Facebook") && !clean.contains("Another story"),
            "{clean}"
        );
        assert!(!clean.contains("Most read"), "{clean}");
    }
}
