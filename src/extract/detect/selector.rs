//! Describing elements by selectors a person can read and paste: `article.post`,
//! `div.list > article.post:has(a[href])`.

use std::collections::HashSet;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

use super::headlines::headline_links;

/// A tag with its first stable class: `article.post`. The first class is the element's kind;
/// later ones are often modifiers (`card card--lead`). Generated, hashed and utility classes
/// are passed over (see [`is_stable_class`]).
pub(super) fn simple(element: ElementRef) -> String {
    let el = element.value();
    let class = el
        .attr("class")
        .unwrap_or("")
        .split_whitespace()
        .find(|c| is_stable_class(c));
    match class {
        Some(class) => format!("{}.{class}", el.name()),
        None => el.name().to_string(),
    }
}

/// Whether a class names what an element is, and so survives the site's next build: not
/// generated (digits, `sc-`/`css-`/`jsx-` prefixes, CSS-module and styled-components hashes
/// such as `bdVaJa`), not a utility of a CSS framework (`mt-4`, `flex`, `text-sm`, `md:px-2`,
/// `col-md-6`), not a state (`is-active`, `js-x`).
pub fn is_stable_class(class: &str) -> bool {
    const UTILITIES: [&str; 46] = [
        "flex",
        "grid",
        "block",
        "inline",
        "hidden",
        "relative",
        "absolute",
        "fixed",
        "sticky",
        "clearfix",
        "container",
        "row",
        "col",
        "text-",
        "bg-",
        "font-",
        "p-",
        "px-",
        "py-",
        "pt-",
        "pb-",
        "pl-",
        "pr-",
        "m-",
        "mx-",
        "my-",
        "mt-",
        "mb-",
        "ml-",
        "mr-",
        "w-",
        "h-",
        "gap-",
        "items-",
        "justify-",
        "rounded",
        "shadow",
        "border",
        "overflow-",
        "leading-",
        "tracking-",
        "space-",
        "d-",
        "float-",
        "pull-",
        "order-",
    ];
    const STATES: [&str; 6] = ["is-", "has-", "js-", "sc-", "css-", "jsx-"];
    let plain = class
        .chars()
        .all(|ch| ch.is_ascii_alphabetic() || ch == '-' || ch == '_')
        && !class.starts_with(['-', '_'])
        && class.len() > 1;
    let lower = class.to_ascii_lowercase();
    let utility = UTILITIES
        .iter()
        .any(|u| lower == u.trim_end_matches('-') || (u.ends_with('-') && lower.starts_with(u)));
    let state = STATES.iter().any(|s| lower.starts_with(s));
    // Hashes mix cases irregularly: an upper-case letter, one lower-case, an upper-case again.
    let hashed = class.as_bytes().windows(3).any(|w| {
        w[0].is_ascii_uppercase() && w[1].is_ascii_lowercase() && w[2].is_ascii_uppercase()
    });
    plain && !utility && !state && !hashed
}

/// The path from `<body>` down to `element`, as simple selectors.
pub(super) fn signature(element: ElementRef) -> Vec<String> {
    let mut path: Vec<String> = element
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take_while(|a| !matches!(a.value().name(), "body" | "html"))
        .map(simple)
        .collect();
    path.reverse();
    path.push(simple(element));
    path
}

/// The shortest selector (tag.class, then with parents) that matches exactly `containers`;
/// where more elements match, those without a link are left out with `:has(a[href])`.
pub(super) fn item_selector(document: &Html, containers: &[ElementRef]) -> Option<String> {
    let wanted: HashSet<NodeId> = containers.iter().map(|c| c.id()).collect();
    let path = signature(containers[0]);
    let root = document.root_element();
    let check = |css: &str| -> Option<bool> {
        let sel = Selector::parse(css).ok()?;
        let matched: Vec<ElementRef> = root.select(&sel).collect();
        let all_found = wanted
            .iter()
            .all(|id| matched.iter().any(|m| m.id() == *id));
        let extras: Vec<&ElementRef> = matched
            .iter()
            .filter(|m| !wanted.contains(&m.id()))
            .collect();
        // Extra matches are tolerable only when they hold no headline (they yield no item).
        let harmless = extras.iter().all(|m| headline_links(**m).next().is_none());
        (all_found && harmless).then_some(extras.is_empty())
    };
    let mut fallback = None;
    for take in 1..=path.len() {
        let css = path[path.len() - take..].join(" > ");
        match check(&css) {
            Some(true) => return Some(css),
            Some(false) => {
                let linked = format!("{css}:has(a[href])");
                if check(&linked) == Some(true) {
                    return Some(linked);
                }
                fallback.get_or_insert(css);
            }
            None => {}
        }
    }
    fallback
}

/// Elements that may hold an item's date or teaser.
const TEXT_BLOCKS: &str = "p, div, span, td, small, time, em";

/// A selector, relative to `container`, for its first text block that `test` accepts.
pub(super) fn relative_selector(
    container: ElementRef,
    test: impl Fn(ElementRef) -> bool,
) -> Option<String> {
    let found = container.select(css!(TEXT_BLOCKS)).find(|el| test(*el))?;
    let css = simple(found);
    // It must find that same element first within the container.
    let sel = Selector::parse(&css).ok()?;
    (container.select(&sel).next()?.id() == found.id()).then_some(css)
}
