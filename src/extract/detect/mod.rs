//! Finding a page's items without selectors: structured data first (`structured`: JSON-LD,
//! microdata), else the most prominent repeated block of links (`blocks`), ranked by how
//! much it looks like content (`score`) and described by selectors a person can paste into
//! `config.toml` (`selector`), and lists in the data a page's scripts build it from
//! (`script_data`). Menus, tag clouds and link farms are never proposed, and a dated list of
//! stories goes before a close undated one (`stories`).

mod blocks;
mod headlines;
mod pick;
mod score;
mod script_data;
mod selector;
mod stories;
mod structured;

use scraper::{ElementRef, Html};
use url::Url;

use super::fields::{extract_one, page_language, page_title};
use super::{Field, FieldSelector, Rules, element_text};
use crate::model::RawItem;
pub use pick::{Outline, field_at, list_at, outline, reasons};
use score::DateHint;
pub use selector::is_stable_class;

/// How a candidate list was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON-LD `ItemList` or list of articles.
    JsonLd,
    /// Microdata `itemscope` articles.
    Microdata,
    /// A repeated block of links.
    Repeated,
    /// A list in the page's script data (`__NEXT_DATA__`, `__NUXT_DATA__`, a JSON block).
    ScriptData,
}

/// One way to read the page's items.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where it came from.
    pub kind: Kind,
    /// Field selectors as they would be written in `config.toml` (`item` first); empty for
    /// JSON-LD, which needs none.
    pub selectors: Vec<(Field, String)>,
    /// The items it yields, in page order.
    pub items: Vec<RawItem>,
    /// Higher is more likely the page's main list.
    pub score: f64,
}

/// Everything detection found on a page.
#[derive(Debug, Clone, Default)]
pub struct Detection {
    /// Candidates, best first.
    pub candidates: Vec<Candidate>,
    /// The page's own feeds (`<link rel=alternate>`), absolute.
    pub feeds: Vec<String>,
    /// The page's `<title>`.
    pub title: Option<String>,
    /// The page's `<html lang>`.
    pub language: Option<String>,
    /// Whether the page runs scripts of its own (its list may be built by them).
    pub scripted: bool,
}

/// Finds the page's item lists, best first.
pub fn detect(document: &Html, page: &Url) -> Detection {
    let root = document.root_element();
    let feeds = root
        .select(css!(
            r#"link[rel~="alternate"][type="application/rss+xml"][href], link[rel~="alternate"][type="application/atom+xml"][href], link[rel~="alternate"][type="application/feed+json"][href]"#
        ))
        .filter_map(|l| page.join(l.attr("href")?).ok())
        .map(String::from)
        .collect();
    let language = page_language(root);
    let hint = DateHint::for_page(language.as_deref());
    let mut candidates = Vec::new();
    candidates.extend(structured::json_ld(root));
    candidates.extend(structured::microdata(document));
    candidates.extend(blocks::repeated_blocks(document, page, &hint));
    candidates.extend(script_data::script_data(root, page));
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    stories::dated_first(&mut candidates);
    let title = page_title(root);
    Detection {
        candidates,
        feeds,
        title,
        language,
        scripted: is_scripted(document),
    }
}

/// Whether a page runs scripts of its own: a script file, or inline code of some length
/// (structured data and templates do not count).
pub fn is_scripted(document: &Html) -> bool {
    /// Inline code shorter than this is a tracker or a one-liner, not a list being built.
    const INLINE_CHARS: usize = 200;
    document
        .root_element()
        .select(css!("script"))
        .any(|script| {
            let kind = script
                .attr("type")
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            let code = kind.is_empty() || kind.contains("javascript") || kind == "module";
            code && (script.attr("src").is_some()
                || script.text().map(str::len).sum::<usize>() >= INLINE_CHARS)
        })
}

/// The items of the best candidate, or none, with what found them (`article.post`, `JSON-LD`).
pub(crate) fn best_items(document: &Html, page: &Url) -> Option<(String, Vec<RawItem>)> {
    let detection = detect(document, page);
    let best = detection.candidates.into_iter().next()?;
    let how = match best.kind {
        Kind::JsonLd => "JSON-LD".to_string(),
        Kind::Microdata => "microdata".to_string(),
        Kind::ScriptData => "script data".to_string(),
        Kind::Repeated => best.selectors[0].1.clone(),
    };
    Some((how, best.items))
}

/// Compiles a candidate's selectors; `None` if one does not parse.
fn rules_of(specs: &[(Field, String)]) -> Option<Rules> {
    let mut rules = Rules::default();
    for (field, css) in specs {
        rules.set(*field, Some(FieldSelector::parse(css).ok()?));
    }
    Some(rules)
}

/// Items of `root` read with `rules` (what a candidate yields): those with a title and a link,
/// each with its container element.
fn read_with_containers<'a>(root: ElementRef<'a>, rules: &Rules) -> Vec<(ElementRef<'a>, RawItem)> {
    let Some(item) = &rules.item else {
        return Vec::new();
    };
    item.select(root)
        .map(|el| (el, extract_one(el, rules)))
        .filter(|(_, i)| {
            i.title.as_deref().is_some_and(|t| !t.trim().is_empty()) && i.link.is_some()
        })
        .collect()
}

/// The fewest items a candidate list must yield.
const MIN_ITEMS: usize = 2;
