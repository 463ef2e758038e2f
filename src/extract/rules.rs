//! What a section's `items` (and a site's `article`) table says: one CSS selector per field,
//! each optionally naming an attribute (`selector@attr`).

use std::sync::Arc;

use html5ever::LocalName;
use scraper::{ElementRef, Selector};

use super::simple::Simple;
use crate::model::Field;

/// A CSS selector with an optional attribute: `selector` or `selector@attr`. Clones share
/// the compiled selector (thousands of sections of one site share theirs).
#[derive(Debug, Clone)]
pub struct FieldSelector(Arc<Compiled>);

#[derive(Debug)]
struct Compiled {
    selector: Selector,
    /// The same selector when it has the plain shape that is matched by name.
    simple: Option<Simple>,
    attr: Option<LocalName>,
    source: String,
}

impl FieldSelector {
    /// Parses `css` or `css@attr`; the error says what is wrong with the selector.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (css, attr) = split_attr(spec);
        let selector = Selector::parse(css)
            .map_err(|e| format!("invalid CSS selector \"{css}\": {}", css_mistake(css, &e)))?;
        Ok(FieldSelector(Arc::new(Compiled {
            selector,
            simple: Simple::parse(css),
            attr: attr.map(LocalName::from),
            source: spec.to_string(),
        })))
    }

    /// The selector as written in the configuration.
    pub fn source(&self) -> &str {
        &self.0.source
    }

    /// The compiled CSS part.
    pub fn selector(&self) -> &Selector {
        &self.0.selector
    }

    /// The attribute to read instead of the element's text, if one was named.
    pub fn attr(&self) -> Option<&str> {
        self.0.attr.as_deref()
    }

    /// [`FieldSelector::attr`] as an interned name, for [`super::dom::attr`].
    pub(crate) fn attr_name(&self) -> Option<&LocalName> {
        self.0.attr.as_ref()
    }

    /// Whether `other` selects the same elements (it may read another attribute).
    pub(crate) fn same_elements(&self, other: &FieldSelector) -> bool {
        self.0.selector == other.0.selector
    }

    /// The elements the selector matches inside `scope` (not `scope` itself), in document
    /// order.
    pub(crate) fn select<'a>(&self, scope: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
        let (plain, general) = match &self.0.simple {
            Some(simple) => (Some(simple.select(scope)), None),
            None => (None, Some(scope.select(&self.0.selector))),
        };
        plain
            .into_iter()
            .flatten()
            .chain(general.into_iter().flatten())
    }

    /// Whether `element` itself matches.
    pub(crate) fn matches(&self, element: ElementRef) -> bool {
        match &self.0.simple {
            Some(simple) => simple.matches(element),
            None => self.0.selector.matches(&element),
        }
    }

    /// The first element the selector matches inside `scope`.
    pub(crate) fn first<'a>(&self, scope: ElementRef<'a>) -> Option<ElementRef<'a>> {
        self.select(scope).next()
    }
}

/// What is wrong with a selector that does not parse, in words.
pub fn css_mistake(css: &str, error: &scraper::error::SelectorErrorKind) -> &'static str {
    use scraper::error::SelectorErrorKind as Kind;
    use selectors::parser::SelectorParseErrorKind as Detail;
    let css = css.trim();
    if css.is_empty() {
        return "the selector is empty";
    }
    // The parser only sees the end of the text; these are the usual slips before it.
    if css.ends_with('.') || css.contains(". ") || css.contains(".,") {
        return "a class name is missing after `.`";
    }
    if css.ends_with('#') || css.contains("# ") {
        return "an id is missing after `#`";
    }
    if css.ends_with(['>', '+', '~', ',']) {
        return "nothing follows a combinator (`>`, `+` or `~`) or a comma";
    }
    match error {
        Kind::UnexpectedToken => {
            "a character that cannot stand there (check brackets, quotes and commas)"
        }
        Kind::EndOfLine => "it ends too early (an unclosed bracket, quote or parenthesis?)",
        Kind::InvalidAtRule | Kind::InvalidAtRuleBody => {
            "`@` cannot stand in a selector (write `selector@attribute` to read an attribute)"
        }
        Kind::QualRuleInvalid | Kind::TooManyNestedBlocks => {
            "brackets or parentheses that do not pair up"
        }
        Kind::ExpectedColonOnPseudoElement | Kind::ExpectedIdentityOnPseudoElement => {
            "a name is missing after `::`"
        }
        Kind::UnexpectedSelectorParseError(detail) => match detail {
            Detail::ClassNeedsIdent => "a class name is missing after `.`",
            Detail::DanglingCombinator => {
                "nothing follows a combinator (`>`, `+` or `~`) or a comma"
            }
            Detail::EmptySelector => "a comma with no selector before or after it",
            Detail::NoIdentForPseudo | Detail::PseudoElementExpectedIdent => {
                "a name is missing after `:`"
            }
            Detail::UnsupportedPseudoClassOrElement => "an unknown pseudo-class (after `:`)",
            Detail::PseudoElementExpectedColon => "a pseudo-element needs `::`",
            Detail::NoQualifiedNameInAttributeSelector
            | Detail::InvalidQualNameInAttr
            | Detail::ExpectedBarInAttr
            | Detail::ExplicitNamespaceUnexpectedToken
            | Detail::ExpectedNamespace => {
                "an attribute name is missing or malformed inside `[...]`"
            }
            Detail::UnexpectedTokenInAttributeSelector | Detail::BadValueInAttr => {
                "an attribute test inside `[...]` is malformed (write `[name]` or `[name=\"value\"]`)"
            }
            Detail::UnexpectedIdent => "a name where none can stand (a missing space or comma?)",
            Detail::NonCompoundSelector
            | Detail::NonPseudoElementAfterSlotted
            | Detail::InvalidPseudoElementAfterSlotted
            | Detail::InvalidPseudoElementInsideWhere
            | Detail::InvalidState => "a pseudo-class or pseudo-element used where it cannot stand",
        },
    }
}

/// Splits `css@attr` where `attr` is a plain attribute name outside any `[...]`.
fn split_attr(spec: &str) -> (&str, Option<&str>) {
    if let Some((css, attr)) = spec.rsplit_once('@') {
        let is_name = !attr.is_empty()
            && attr
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c));
        let outside_brackets = css.matches('[').count() == css.matches(']').count();
        if is_name && outside_brackets && !css.trim().is_empty() {
            return (css.trim(), Some(attr));
        }
    }
    (spec.trim(), None)
}

/// The selectors that find a page's items and their fields.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// One match per item.
    pub item: Option<FieldSelector>,
    /// Title; default: text of the first link that has text.
    pub title: Option<FieldSelector>,
    /// Link; default: href of the link that gave the default title, else the first `a[href]`.
    pub link: Option<FieldSelector>,
    /// Text or attribute holding the date; default: the first `<time>`.
    pub date: Option<FieldSelector>,
    /// Teaser HTML.
    pub summary: Option<FieldSelector>,
    /// Author name.
    pub author: Option<FieldSelector>,
    /// Image URL (attribute `src` unless another is named).
    pub image: Option<FieldSelector>,
    /// Full article HTML.
    pub content: Option<FieldSelector>,
}

impl Rules {
    /// The selector configured for `field`.
    pub fn get(&self, field: Field) -> Option<&FieldSelector> {
        self.slot(field).as_ref()
    }

    /// Sets (or clears) the selector of `field`.
    pub fn set(&mut self, field: Field, selector: Option<FieldSelector>) {
        *self.slot_mut(field) = selector;
    }

    fn slot(&self, field: Field) -> &Option<FieldSelector> {
        match field {
            Field::Item => &self.item,
            Field::Title => &self.title,
            Field::Link => &self.link,
            Field::Date => &self.date,
            Field::Summary => &self.summary,
            Field::Author => &self.author,
            Field::Image => &self.image,
            Field::Content => &self.content,
        }
    }

    fn slot_mut(&mut self, field: Field) -> &mut Option<FieldSelector> {
        match field {
            Field::Item => &mut self.item,
            Field::Title => &mut self.title,
            Field::Link => &mut self.link,
            Field::Date => &mut self.date,
            Field::Summary => &mut self.summary,
            Field::Author => &mut self.author,
            Field::Image => &mut self.image,
            Field::Content => &mut self.content,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_attribute_suffix_only_outside_brackets() {
        assert_eq!(split_attr("a.more@href"), ("a.more", Some("href")));
        assert_eq!(split_attr(r#"a[href*="@"]"#), (r#"a[href*="@"]"#, None));
        assert_eq!(split_attr("img@data-src"), ("img", Some("data-src")));
        assert!(FieldSelector::parse("div[").is_err());
    }

    #[test]
    fn the_same_css_selects_the_same_elements_whatever_the_attribute() {
        let field = |spec: &str| FieldSelector::parse(spec).unwrap();
        assert!(field("a.title").same_elements(&field("a.title@href")));
        assert!(field("h2 > a").same_elements(&field(" h2 > a @href")));
        assert!(!field("a.title").same_elements(&field("a.more@href")));
    }

    #[test]
    fn fields_are_read_and_written_by_name() {
        let mut rules = Rules::default();
        for field in Field::ALL {
            rules.set(field, Some(FieldSelector::parse(field.name()).unwrap()));
        }
        for field in Field::ALL {
            assert_eq!(rules.get(field).unwrap().source(), field.name());
        }
        assert_eq!(rules.date.as_ref().unwrap().source(), "date");
        rules.set(Field::Date, None);
        assert!(rules.get(Field::Date).is_none());
    }
}
