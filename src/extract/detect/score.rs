//! How much a group of repeated containers looks like a page's main list of items.
//!
//! The score grows with the number of containers and the length of their headlines, and is
//! weighed up or down by what the containers hold: dates, pictures and teasers count for it;
//! page furniture (navigation, footers, sharing), crowded link lists and links to other sites
//! count against it.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use regex::Regex;
use scraper::ElementRef;

use super::element_text;
use super::headlines::Headline;
use crate::locale::{Language, MONTH_NAME};

/// How the container count grows the score (less than linearly: long lists of short links
/// must not win by size alone).
pub(super) const COUNT_EXPONENT: f64 = 0.8;
/// Headline length, in characters, that counts as one unit; longer than [`HEADLINE_CAP`] counts
/// no more.
pub(super) const HEADLINE_UNIT: f64 = 20.0;
/// Longest headline length that still adds to the score.
const HEADLINE_CAP: f64 = 80.0;
/// Bonus for containers that show a date.
const DATED_BONUS: f64 = 0.8;
/// Bonus for containers with a picture.
const PICTURED_BONUS: f64 = 0.4;
/// Bonus for containers with more text than a headline (a teaser).
const WORDY_BONUS: f64 = 0.4;
/// Container text, in characters, above which it counts as wordy.
const WORDY_CHARS: usize = 80;
/// Penalty for containers inside page furniture.
const FURNITURE_PENALTY: f64 = 0.85;
/// Penalty for containers with more than [`CROWDED_LINKS`] links.
const CROWDED_PENALTY: f64 = 0.6;
/// Links in a container above which it is a link list rather than an item.
const CROWDED_LINKS: usize = 6;
/// Penalty for headlines that lead to another site.
const OFFSITE_PENALTY: f64 = 0.6;
/// Bonus per unit of container text relative to its headline (up to [`OWN_TEXT_CAP`] units).
const OWN_TEXT_BONUS: f64 = 0.05;
/// Most units of container text that add to the score.
const OWN_TEXT_CAP: f64 = 6.0;
/// Longest container text, in characters, that is counted.
const OWN_TEXT_CHARS: usize = 600;
/// Bonus per level the container sits above its link (outer containers describe the item).
const LEVEL_BONUS: f64 = 0.05;

/// What a date looks like on a page: English month names and numeric dates always, and the
/// month names of the page's own language.
pub(super) struct DateHint {
    local: Option<Arc<Regex>>,
}

/// Month-name date patterns of the languages met so far.
static LOCAL_HINTS: LazyLock<Mutex<HashMap<Language, Option<Arc<Regex>>>>> =
    LazyLock::new(Mutex::default);

impl DateHint {
    /// The hint for a page that declares `lang` (its `<html lang>`).
    pub(super) fn for_page(lang: Option<&str>) -> DateHint {
        let language = lang
            .and_then(Language::from_tag)
            .filter(|l| !l.is_english());
        let local = language.and_then(|language| {
            let mut hints = LOCAL_HINTS.lock().expect("never poisoned");
            hints
                .entry(language.clone())
                .or_insert_with(|| {
                    let names = language.month_alternation()?;
                    Regex::new(&format!(
                        r"(?i)\b\d{{1,2}}(?:er|º|\.)?\s*(?:de\s+)?(?:{names})\.?,?\s+(?:de\s+)?\d{{4}}\b|\b(?:{names})\.?\s+\d{{1,2}},?\s+\d{{4}}\b"
                    ))
                    .ok()
                    .map(Arc::new)
                })
                .clone()
        });
        DateHint { local }
    }

    /// Whether `text` holds something that looks like a date.
    pub(super) fn is_match(&self, text: &str) -> bool {
        let english = regex!(&format!(
            r"(?i)\b{MONTH_NAME}\.?\s+\d{{1,2}},?\s+\d{{4}}\b|\b\d{{1,2}}\s+{MONTH_NAME}\.?\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b"
        ));
        english.is_match(text) || self.local.as_ref().is_some_and(|l| l.is_match(text))
    }
}

/// Whether an element is, or sits inside, navigation or other page furniture.
pub(super) fn is_furniture(element: ElementRef) -> bool {
    let furniture = regex!(
        r"(?i)nav|menu|footer|header|sidebar|breadcrumb|pagination|pager|tags?\b|tag-?cloud|cloud|share|social|related|widget|comment|toolbar|masthead|banner|promo|trending|popular|slides?\b|slider|carousel|swiper|ticker"
    );
    // `<body>` classes describe the whole page (`mobile-sidebar-hide`), not where a block sits.
    std::iter::once(element)
        .chain(element.ancestors().filter_map(ElementRef::wrap))
        .take_while(|el| !matches!(el.value().name(), "body" | "html"))
        .any(|el| {
            let v = el.value();
            matches!(v.name(), "nav" | "header" | "footer" | "aside" | "form")
                || v.attr("role").is_some_and(|r| {
                    matches!(r, "navigation" | "banner" | "contentinfo" | "complementary")
                })
                || v.attr("class").is_some_and(|c| {
                    c.split_whitespace()
                        .any(|class| !is_term_class(class) && furniture.is_match(class))
                })
                || v.attr("id").is_some_and(|i| furniture.is_match(i))
        })
}

/// Whether an element sits in a menu, a sidebar or a footer, by its markup (`nav`, `aside`,
/// `footer`, their roles) or a class or id word that says so (`sidebar`, `widget-area`,
/// `footer-links`): the strict form of [`is_furniture`], for blocks never proposed.
pub(super) fn is_aside(element: ElementRef) -> bool {
    const WORDS: [&str; 8] = [
        "sidebar",
        "widget",
        "footer",
        "menu",
        "nav",
        "navbar",
        "navigation",
        "aside",
    ];
    // A layout wrapper names what it holds (`content-sidebar-wrap`): not a sidebar.
    const LAYOUT: [&str; 4] = ["content", "main", "wrap", "container"];
    let said = |value: &str| {
        let words = || value.split(|c: char| c.is_whitespace() || c == '-' || c == '_');
        words().any(|word| WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)))
            && !words().any(|word| LAYOUT.iter().any(|w| w.eq_ignore_ascii_case(word)))
    };
    // Inside the page's main content, what holds it says nothing more.
    let main =
        |el: &ElementRef| el.value().name() == "main" || el.value().attr("role") == Some("main");
    std::iter::once(element)
        .chain(element.ancestors().filter_map(ElementRef::wrap))
        .take_while(|el| !matches!(el.value().name(), "body" | "html") && !main(el))
        .any(|el| {
            let v = el.value();
            matches!(v.name(), "nav" | "footer" | "aside")
                || v.attr("role")
                    .is_some_and(|r| matches!(r, "navigation" | "contentinfo" | "complementary"))
                || v.attr("class").is_some_and(|c| {
                    c.split_whitespace()
                        .any(|class| !is_term_class(class) && said(class))
                })
                || v.attr("id").is_some_and(said)
        })
}

/// Whether a class names one of a post's terms or states, as blog engines write them on every
/// post (`tag-social-media`, `category-news`, `format-standard`): it says what the post is
/// about, not where it sits.
fn is_term_class(class: &str) -> bool {
    const TERMS: [&str; 6] = [
        "tag-",
        "category-",
        "post_tag-",
        "format-",
        "status-",
        "type-",
    ];
    TERMS.iter().any(|prefix| class.starts_with(prefix))
}

/// The score of `containers` (all at `level` above their headline link), whose headlines are
/// `headlines`, in the same order.
pub(super) fn score(
    containers: &[ElementRef],
    headlines: &[Headline],
    level: usize,
    hint: &DateHint,
) -> f64 {
    let n = containers.len() as f64;
    let headline_chars: f64 = headlines.iter().map(|h| h.chars as f64).sum::<f64>() / n;
    // Each container's text is needed several times below: read it once.
    let texts: Vec<(ElementRef, String)> =
        containers.iter().map(|c| (*c, element_text(*c))).collect();
    let fraction = |test: &dyn Fn(&ElementRef, &str) -> bool| {
        texts.iter().filter(|(c, text)| test(c, text)).count() as f64 / n
    };
    let dated = fraction(&|c, text| c.select(css!("time")).next().is_some() || hint.is_match(text));
    let pictured = fraction(&|c, _| c.select(css!("img")).next().is_some());
    let wordy = fraction(&|_, text| text.chars().count() > WORDY_CHARS);
    let furniture = fraction(&|c, _| is_furniture(*c));
    let crowded = fraction(&|c, _| c.select(css!("a[href]")).count() > CROWDED_LINKS);
    let offsite = headlines.iter().filter(|h| h.offsite).count() as f64 / n;
    let own_text = texts
        .iter()
        .map(|(_, text)| text.chars().count().min(OWN_TEXT_CHARS) as f64)
        .sum::<f64>()
        / n;
    n.powf(COUNT_EXPONENT)
        * (headline_chars.min(HEADLINE_CAP) / HEADLINE_UNIT)
        * (1.0 + DATED_BONUS * dated + PICTURED_BONUS * pictured + WORDY_BONUS * wordy)
        * (1.0 - FURNITURE_PENALTY * furniture)
        * (1.0 - CROWDED_PENALTY * crowded)
        * (1.0 - OFFSITE_PENALTY * offsite)
        * (1.0 + (own_text / headline_chars.max(1.0)).min(OWN_TEXT_CAP) * OWN_TEXT_BONUS)
        * (1.0 + LEVEL_BONUS * level as f64)
}
