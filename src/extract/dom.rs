//! Reading text out of parsed HTML the way a reader sees it.

use scraper::ElementRef;
use scraper::node::Node;

/// Elements whose text is never shown.
const HIDDEN: &[&str] = &["script", "style", "noscript", "template", "head"];

/// Elements that break a line when rendered.
const BREAKING: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "dd",
    "dt",
];

/// The visible text of an element: hidden elements skipped, a space where a block or `<br>`
/// breaks the line, whitespace collapsed.
pub fn element_text(element: ElementRef) -> String {
    let mut out = String::new();
    collect(element, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collect(element: ElementRef, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => out.push_str(text),
            Node::Element(el) => {
                let name = el.name();
                if HIDDEN.contains(&name) {
                    continue;
                }
                let breaks = BREAKING.contains(&name);
                if breaks {
                    out.push(' ');
                }
                if let Some(child) = ElementRef::wrap(child) {
                    collect(child, out);
                }
                if breaks {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}
