//! Reading text out of parsed HTML the way a reader sees it.

use html5ever::{LocalName, local_name, ns};
use scraper::ElementRef;
use scraper::node::{Element, Node};

/// Bytes of HTML a node of the parsed tree takes at least, on pages dense with small elements
/// (pages run from about 30 to 90).
const BYTES_PER_NODE: usize = 28;

/// Parses a whole page, its tree's room taken at once for as many nodes as such a page can
/// hold: grown by doubling instead, a page's tree is moved two or three times while it is
/// built, each move beyond a few hundred KB a system call of its own.
pub fn parse_page(text: &str) -> scraper::Html {
    use html5ever::tendril::TendrilSink;
    let mut document = scraper::Html::new_document();
    document.tree = ego_tree::Tree::with_capacity(Node::Document, text.len() / BYTES_PER_NODE + 16);
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(document), Default::default())
        .one(text)
}

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
    // Most texts read this way are headlines, names and dates: room for one saves regrowing.
    let mut words = Words {
        text: String::with_capacity(128),
        space: false,
    };
    collect(element, &mut words);
    words.text
}

/// The HTML inside an element, as html5ever serialises it.
pub(crate) fn inner_html(element: ElementRef) -> String {
    use html5ever::serialize::{SerializeOpts, TraversalScope, serialize};
    // Most fragments read this way are teasers: room for one saves regrowing.
    let mut html = Vec::with_capacity(512);
    let opts = SerializeOpts {
        scripting_enabled: false,
        traversal_scope: TraversalScope::ChildrenOnly(None),
        create_missing_parent: false,
    };
    serialize(&mut html, &element, opts).expect("writing to memory does not fail");
    String::from_utf8(html).expect("serialised from text")
}

/// The value of an element's attribute `name` in no namespace, found by comparing interned
/// names (`Element::attr` interns the name it is given and compares text, on every call).
pub(crate) fn attr<'a>(element: &'a Element, name: &LocalName) -> Option<&'a str> {
    element
        .attrs
        .iter()
        .find(|(key, _)| key.local == *name && key.ns == ns!())
        .map(|(_, value)| &**value)
}

/// Whether an element's `class` attribute lists `class` (case-sensitive, as scraper's
/// matcher compares classes; without building the element's interned class list).
pub(crate) fn has_class(element: &Element, class: &str) -> bool {
    attr(element, &local_name!("class"))
        .is_some_and(|list| list.split_ascii_whitespace().any(|own| own == class))
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
        self.space |= text.starts_with(char::is_whitespace);
        // Byte-wise splitting is much faster; vertical tab is the one ASCII space it ignores.
        if text.is_ascii() && !text.contains('\x0b') {
            self.push_words(text.split_ascii_whitespace());
        } else {
            self.push_words(text.split_whitespace());
        }
        self.space |= text.ends_with(char::is_whitespace);
    }

    fn push_words<'a>(&mut self, words: impl Iterator<Item = &'a str>) {
        for (i, word) in words.enumerate() {
            if (self.space || i > 0) && !self.text.is_empty() {
                self.text.push(' ');
            }
            self.space = false;
            self.text.push_str(word);
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

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn text_of(html: &str) -> String {
        let doc = Html::parse_fragment(html);
        let div = doc.select(&Selector::parse("div").unwrap()).next().unwrap();
        element_text(div)
    }

    #[test]
    fn reads_text_as_shown() {
        assert_eq!(text_of("<div>  a <b>bo</b>ld\n\t c  </div>"), "a bold c");
        assert_eq!(
            text_of("<div><p>one</p><p>two</p>x<br>y</div>"),
            "one two x y"
        );
        assert_eq!(
            text_of("<div>a<script>var s;</script><style>p{}</style> b</div>"),
            "a b"
        );
        assert_eq!(
            text_of("<div>caf\u{e9}\u{a0}\u{a0}au\u{2003}lait </div>"),
            "caf\u{e9} au lait"
        );
        assert_eq!(text_of("<div>a\u{b}b</div>"), "a b");
        assert_eq!(text_of("<div> <p> </p> </div>"), "");
    }
}
