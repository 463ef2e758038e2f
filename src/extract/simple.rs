//! Selectors of the plainest shape — a tag name, classes, attributes present, or some of each
//! (`div.item`, `a.title`, `.teaser`, `img`, `a[href]`), possibly with one `:has()` of that
//! shape (`p:has(span.headline)`) — matched by comparing names. Most configured selectors have
//! this shape; the general matcher costs several times more per element visited (a matching
//! context and caches for every query), which on an index page of sixty items is most of the
//! extraction. Any other selector goes to the general matcher.

use html5ever::LocalName;
use scraper::ElementRef;
use scraper::node::Node;

use super::dom::{attr, has_class};

/// A tag name, classes and attributes, all of which an element must have.
#[derive(Debug)]
pub(crate) struct Simple {
    tag: Option<LocalName>,
    classes: Box<[String]>,
    attrs: Box<[LocalName]>,
    /// What one of the element's descendants must match: `:has(...)`.
    has: Option<Box<Simple>>,
}

/// A lower-case name: a letter, then letters, digits and hyphens.
fn is_lower_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Simple {
    /// Reads `css` if it has the plain shape: an optional lower-case tag name, any number of
    /// `.class` (plain names, no escapes), then any number of `[attribute]` (lower-case
    /// names); `None` for anything else.
    pub(crate) fn parse(css: &str) -> Option<Simple> {
        // One trailing `:has()` of a plain selector (a descendant's: `:has(> a)` is not plain).
        if let Some((outer, inner)) = css
            .strip_suffix(')')
            .and_then(|css| css.split_once(":has("))
        {
            let inner = Simple::parse(inner).filter(|inner| inner.has.is_none())?;
            return Some(Simple {
                has: Some(Box::new(inner)),
                ..Simple::parse(outer)?
            });
        }
        let mut rest = css;
        let mut attrs = Vec::new();
        while let Some(inner) = rest.strip_suffix(']') {
            let (before, name) = inner.rsplit_once('[')?;
            if !is_lower_name(name) {
                return None;
            }
            attrs.insert(0, LocalName::from(name));
            rest = before;
        }
        let mut parts = rest.split('.');
        let tag = parts.next()?;
        let tag_ok = tag.is_empty() || is_lower_name(tag);
        let classes: Box<[String]> = parts.map(str::to_string).collect();
        let classes_ok = classes.iter().all(|class| {
            class.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && class
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        let something = !tag.is_empty() || !classes.is_empty() || !attrs.is_empty();
        (tag_ok && classes_ok && something).then(|| Simple {
            tag: (!tag.is_empty()).then(|| LocalName::from(tag)),
            classes,
            attrs: attrs.into(),
            has: None,
        })
    }

    /// Whether `element` has the tag, every class and every attribute (one in no namespace,
    /// as CSS wants: an SVG link's `xlink:href` is not `[href]`).
    #[inline]
    pub(crate) fn matches(&self, element: ElementRef) -> bool {
        let value = element.value();
        self.tag.as_ref().is_none_or(|tag| value.name.local == *tag)
            && self.classes.iter().all(|class| has_class(value, class))
            && (self.attrs.is_empty() || self.has_attrs(value))
            && self
                .has
                .as_ref()
                .is_none_or(|inner| inner.select(element).next().is_some())
    }

    /// Whether `element` has every attribute (kept out of [`Simple::matches`], which runs for
    /// every element visited).
    #[inline(never)]
    fn has_attrs(&self, element: &scraper::node::Element) -> bool {
        self.attrs.iter().all(|name| attr(element, name).is_some())
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
            "a[href]",
            "[data-src]",
            "img.x[src][alt]",
            "p:has(span.headline)",
            "li.story[data-id]:has(a[href])",
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
            "a[href=x]",
            "a[HREF]",
            "a[]",
            "a[href",
            "[x]]",
            "#id",
            "p:has(> span)",
            "p:has(span a)",
            "p:has(span):has(a)",
            ":has(a)",
            "p:has()",
            "p:has(span))",
            "p:has(span:has(a))",
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
                prop::sample::select(vec![" ", "\t", "\n  ", "\u{a0}"]),
                prop::sample::select(vec!["", " href=x", " HREF", " xlink:href=y", " src"]),
                prop::collection::vec(inner, 0..4),
            )
                .prop_map(|(tag, classes, between, attr, children)| {
                    format!(
                        "<{tag} class=\"{}\"{attr}>{}</{tag}>",
                        classes.join(between),
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
            attrs in prop::collection::vec(prop::sample::select(vec!["href", "src"]), 0..2),
            has in prop::option::of(prop::sample::select(vec!["a", "span.b", ".item", "img[src]"])),
        ) {
            let mut css = std::iter::once(tag)
                .chain(classes.iter().copied())
                .collect::<Vec<_>>()
                .join(".");
            for attr in &attrs {
                css.push_str(&format!("[{attr}]"));
            }
            prop_assume!(!css.is_empty());
            if let Some(inner) = has {
                css.push_str(&format!(":has({inner})"));
            }
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
