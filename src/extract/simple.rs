//! Selectors of the plainest shape — a tag name, classes, or a tag with classes (`div.item`,
//! `a.title`, `.teaser`, `img`) — matched by comparing names. Most configured selectors have
//! this shape; the general matcher costs several times more per element visited (a matching
//! context and caches for every query), which on an index page of sixty items is most of the
//! extraction. Any other selector goes to the general matcher.

use scraper::ElementRef;
use scraper::node::Node;

/// A tag name and classes, all of which an element must have.
#[derive(Debug)]
pub(crate) struct Simple {
    tag: Option<html5ever::LocalName>,
    classes: Box<[String]>,
}

impl Simple {
    /// Reads `css` if it has the plain shape: an optional lower-case tag name, then any number
    /// of `.class` (plain names, no escapes); `None` for anything else.
    pub(crate) fn parse(css: &str) -> Option<Simple> {
        let mut parts = css.split('.');
        let tag = parts.next()?;
        let tag_ok = tag.is_empty()
            || (tag.starts_with(|c: char| c.is_ascii_lowercase())
                && tag
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        let classes: Box<[String]> = parts.map(str::to_string).collect();
        let classes_ok = classes.iter().all(|class| {
            class.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && class
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        (tag_ok && classes_ok && (!tag.is_empty() || !classes.is_empty())).then(|| Simple {
            tag: (!tag.is_empty()).then(|| html5ever::LocalName::from(tag)),
            classes,
        })
    }

    /// Whether `element` has the tag and every class.
    pub(crate) fn matches(&self, element: ElementRef) -> bool {
        let value = element.value();
        self.tag.as_ref().is_none_or(|tag| value.name.local == *tag)
            && self
                .classes
                .iter()
                .all(|class| value.classes().any(|own| own == class))
    }

    /// The elements inside `scope` (not `scope` itself) that match, in document order.
    pub(crate) fn select<'a>(&self, scope: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
        Below::new(scope).filter(|element| self.matches(*element))
    }
}

/// The elements inside one, in document order: a walk by first child, next sibling and
/// parent.
struct Below<'a> {
    scope: ego_tree::NodeId,
    next: Option<ego_tree::NodeRef<'a, Node>>,
}

impl<'a> Below<'a> {
    fn new(scope: ElementRef<'a>) -> Self {
        Below {
            scope: scope.id(),
            next: scope.first_child(),
        }
    }
}

impl<'a> Iterator for Below<'a> {
    type Item = ElementRef<'a>;

    fn next(&mut self) -> Option<ElementRef<'a>> {
        loop {
            let node = self.next?;
            self.next = node.first_child().or_else(|| {
                let mut up = node;
                loop {
                    if let Some(sibling) = up.next_sibling() {
                        return Some(sibling);
                    }
                    up = up.parent().filter(|parent| parent.id() != self.scope)?;
                }
            });
            if let Some(element) = ElementRef::wrap(node) {
                return Some(element);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use scraper::{Html, Selector};

    #[test]
    fn only_plain_shapes_are_taken() {
        for plain in [
            "div",
            "div.item",
            ".teaser",
            "a.title.big",
            "h2",
            "x-card.a-b_c",
        ] {
            assert!(Simple::parse(plain).is_some(), "{plain}");
        }
        for other in [
            "",
            "*",
            "div a",
            "div>a",
            "A",
            "div.",
            ".1x",
            ".-x",
            "a[href]",
            "#id",
            "p:has(span)",
            "div,p",
            ".a\\:b",
            "Div.item",
        ] {
            assert!(Simple::parse(other).is_none(), "{other}");
        }
    }

    /// A small page from a few tags and classes, nested.
    fn page() -> impl Strategy<Value = String> {
        let leaf = prop::sample::select(vec!["x", "y", "<br>", ""]).prop_map(str::to_string);
        leaf.prop_recursive(4, 40, 4, |inner| {
            (
                prop::sample::select(vec!["div", "p", "a", "span", "img", "svg", "li"]),
                prop::collection::vec(prop::sample::select(vec!["a", "b", "item", "B"]), 0..3),
                prop::collection::vec(inner, 0..4),
            )
                .prop_map(|(tag, classes, children)| {
                    format!(
                        "<{tag} class=\"{}\">{}</{tag}>",
                        classes.join(" "),
                        children.concat()
                    )
                })
        })
    }

    proptest! {
        #[test]
        fn matches_what_the_general_matcher_matches(
            html in page(),
            tag in prop::sample::select(vec!["", "div", "p", "a", "span", "img", "svg", "li"]),
            classes in prop::collection::vec(prop::sample::select(vec!["a", "b", "item"]), 0..3),
        ) {
            let css = std::iter::once(tag)
                .chain(classes.iter().copied())
                .collect::<Vec<_>>()
                .join(".");
            prop_assume!(!css.is_empty());
            let simple = Simple::parse(&css).expect("a plain selector");
            let document = Html::parse_document(&html);
            let general = Selector::parse(&css).unwrap();
            for scope in document.root_element().descendants().filter_map(ElementRef::wrap) {
                let expected: Vec<_> = scope.select(&general).map(|e| e.id()).collect();
                let found: Vec<_> = simple.select(scope).map(|e| e.id()).collect();
                prop_assert_eq!(found, expected, "{} in {}", css, html);
            }
        }
    }
}
