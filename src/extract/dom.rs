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
    let mut words = Words::default();
    collect(element, &mut words);
    words.text
}

/// Text built word by word: runs of whitespace and line breaks become one space, none at
/// either end.
#[derive(Default)]
struct Words {
    text: String,
    space: bool,
}

impl Words {
    fn push(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            self.space |= i > 0;
            if !word.is_empty() {
                if self.space && !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push_str(word);
            }
        }
    }
}

fn collect(element: ElementRef, out: &mut Words) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => out.push(text),
            Node::Element(el) => {
                let name = el.name();
                if HIDDEN.contains(&name) {
                    continue;
                }
                let breaks = BREAKING.contains(&name);
                out.space |= breaks;
                if let Some(child) = ElementRef::wrap(child) {
                    collect(child, out);
                }
                out.space |= breaks;
            }
            _ => {}
        }
    }
}
