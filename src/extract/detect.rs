//! Finding a page's items without selectors: structured data first (JSON-LD, microdata), else
//! the most prominent repeated block of links, scored by how much it looks like content.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use url::Url;

use super::dom::element_text;
use super::{FieldSelector, Rules, extract_one, jsonld};
use crate::model::RawItem;

/// How a candidate list was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON-LD `ItemList` or list of articles.
    JsonLd,
    /// Microdata `itemscope` articles.
    Microdata,
    /// A repeated block of links.
    Repeated,
}

/// One way to read the page's items.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where it came from.
    pub kind: Kind,
    /// Field selectors as they would be written in `config.toml` (`item` first); empty for
    /// JSON-LD, which needs none.
    pub selectors: Vec<(&'static str, String)>,
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
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("built-in selector is valid")
}

static LINKS: LazyLock<Selector> = LazyLock::new(|| selector("a[href]"));
static ALTERNATE: LazyLock<Selector> = LazyLock::new(|| {
    selector(
        r#"link[rel~="alternate"][type="application/rss+xml"][href], link[rel~="alternate"][type="application/atom+xml"][href], link[rel~="alternate"][type="application/feed+json"][href]"#,
    )
});
static MICRODATA: LazyLock<Selector> = LazyLock::new(|| {
    selector(
        r#"[itemscope][itemtype$="Article"], [itemscope][itemtype$="BlogPosting"], [itemscope][itemtype$="NewsArticle"]"#,
    )
});
static TIME: LazyLock<Selector> = LazyLock::new(|| selector("time"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("head > title, title"));
static IMG: LazyLock<Selector> = LazyLock::new(|| selector("img"));
static TEXT_BLOCKS: LazyLock<Selector> =
    LazyLock::new(|| selector("p, div, span, td, small, time, em"));

/// A date-looking bit of text: month names with a day and year, or numeric dates.
static DATE_HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
        .expect("valid pattern")
});

/// Class and id words that mark navigation and page furniture.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)nav|menu|footer|header|sidebar|breadcrumb|pagination|pager|tags?\b|tag-?cloud|cloud|share|social|related|widget|comment|toolbar|masthead|banner|promo|trending|popular")
        .expect("valid pattern")
});

/// Shortest link text taken as a headline.
const MIN_HEADLINE_CHARS: usize = 8;
/// How far above a link its item container may be.
const MAX_DEPTH: usize = 4;

/// Finds the page's item lists, best first.
pub fn detect(document: &Html, page: &Url) -> Detection {
    let root = document.root_element();
    let feeds = root
        .select(&ALTERNATE)
        .filter_map(|l| page.join(l.attr("href")?).ok())
        .map(String::from)
        .collect();
    let mut candidates = Vec::new();
    candidates.extend(json_ld(root));
    candidates.extend(microdata(document));
    candidates.extend(repeated_blocks(document, page));
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let title = root
        .select(&TITLE)
        .next()
        .map(element_text)
        .filter(|t| !t.is_empty());
    Detection {
        candidates,
        feeds,
        title,
    }
}

// ---- structured data ----------------------------------------------------------------------

fn json_ld(root: ElementRef) -> Option<Candidate> {
    let mut items = Vec::new();
    for object in jsonld::objects(root) {
        if jsonld::types(&object).contains(&"ItemList") {
            let elements = object.get("itemListElement").and_then(Value::as_array);
            items.extend(elements.into_iter().flatten().filter_map(list_element));
        } else if jsonld::is_article(&object) {
            items.extend(ld_item(&object));
        }
    }
    (items.len() >= 2).then(|| Candidate {
        kind: Kind::JsonLd,
        selectors: Vec::new(),
        score: 1e6 + items.len() as f64,
        items,
    })
}

fn list_element(element: &Value) -> Option<RawItem> {
    let map = element.as_object()?;
    match map.get("item") {
        Some(Value::Object(item)) => ld_item(item).or_else(|| ld_item(map)),
        Some(Value::String(url)) => Some(RawItem {
            title: Some(jsonld::text(map, "name")?),
            link: Some(url.clone()),
            ..RawItem::default()
        }),
        _ => ld_item(map),
    }
}

fn ld_item(map: &serde_json::Map<String, Value>) -> Option<RawItem> {
    let text = |key: &str| jsonld::text(map, key);
    Some(RawItem {
        title: Some(text("headline").or_else(|| text("name"))?),
        link: Some(text("url").or_else(|| text("@id"))?),
        date: text("datePublished"),
        summary_html: text("description").map(|d| html_escape::encode_text(&d).into_owned()),
        content_html: None,
        author: map.get("author").and_then(jsonld::name_of),
        image: map.get("image").and_then(jsonld::url_of),
    })
}

fn microdata(document: &Html) -> Option<Candidate> {
    let found = document.root_element().select(&MICRODATA).count();
    if found < 2 {
        return None;
    }
    let specs = vec![
        (
            "item",
            r#"[itemscope][itemtype$="Article"], [itemscope][itemtype$="BlogPosting"]"#.to_string(),
        ),
        ("title", "[itemprop=headline], [itemprop=name]".to_string()),
        ("date", "[itemprop=datePublished]".to_string()),
    ];
    let rules = rules_of(&specs)?;
    let items = read(document.root_element(), &rules);
    Some(Candidate {
        kind: Kind::Microdata,
        selectors: specs,
        score: 5e5 + items.len() as f64,
        items,
    })
}

// ---- repeated blocks ----------------------------------------------------------------------

/// A tag with its first stable class: `article.post`. The first class is the element's kind;
/// later ones are often modifiers (`card card--lead`). Classes with digits or odd characters
/// (generated, or unique per item) are passed over.
fn simple(element: ElementRef) -> String {
    let el = element.value();
    let class = el.attr("class").unwrap_or("").split_whitespace().find(|c| {
        c.chars()
            .all(|ch| ch.is_ascii_alphabetic() || ch == '-' || ch == '_')
            && !c.starts_with('-')
    });
    match class {
        Some(class) => format!("{}.{class}", el.name()),
        None => el.name().to_string(),
    }
}

/// The path from `<body>` down to `element`, as simple selectors.
fn signature(element: ElementRef) -> Vec<String> {
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

fn is_furniture(element: ElementRef) -> bool {
    std::iter::once(element)
        .chain(element.ancestors().filter_map(ElementRef::wrap))
        .any(|el| {
            let v = el.value();
            matches!(v.name(), "nav" | "header" | "footer" | "aside" | "form")
                || v.attr("role")
                    .is_some_and(|r| r == "navigation" || r == "banner" || r == "contentinfo")
                || v.attr("class").is_some_and(|c| FURNITURE.is_match(c))
                || v.attr("id").is_some_and(|i| FURNITURE.is_match(i))
        })
}

/// Link texts that are never headlines.
static NOT_HEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(read\s+more|more|continue\s+reading|next|previous|older\s+posts|newer\s+posts|comments?|share|reply)\W*$")
        .expect("valid pattern")
});

/// Links that could be headlines: usable, with enough text, not "read more".
fn headline_links(root: ElementRef) -> impl Iterator<Item = (ElementRef, String)> {
    root.select(&LINKS).filter_map(|a| {
        let href = a.attr("href").unwrap_or("").trim();
        let usable = !href.is_empty()
            && !href.starts_with('#')
            && !["javascript:", "mailto:", "tel:", "data:"]
                .iter()
                .any(|s| href.to_ascii_lowercase().starts_with(s));
        let text = element_text(a);
        (usable && text.chars().count() >= MIN_HEADLINE_CHARS && !NOT_HEADLINE.is_match(&text))
            .then_some((a, text))
    })
}

/// A headline link with what scoring needs of it, worked out once for all its containers.
#[derive(Clone, Copy)]
struct Headline<'a> {
    link: ElementRef<'a>,
    /// Characters of its text, counted up to 100.
    chars: usize,
    /// Whether it leads away from the page's site.
    offsite: bool,
}

impl<'a> Headline<'a> {
    fn new(link: ElementRef<'a>, text: &str, page: &Url) -> Self {
        let target = link.attr("href").and_then(|h| page.join(h).ok());
        Headline {
            link,
            chars: text.chars().count().min(100),
            offsite: target.as_ref().and_then(site) != site(page),
        }
    }
}

/// A URL's host without a leading `www.`.
fn site(url: &Url) -> Option<&str> {
    url.host_str().map(|h| h.trim_start_matches("www."))
}

/// Containers sharing one path from `<body>`: their level above the link, and each
/// container with its first headline link.
type Group<'a> = (usize, Vec<(NodeId, Headline<'a>)>);

fn repeated_blocks(document: &Html, page: &Url) -> Vec<Candidate> {
    let root = document.root_element();
    // Containers grouped by their path from <body>, with each container's first headline link.
    // The level is how far above its link a container sits (0: the link itself).
    let mut groups: HashMap<Vec<String>, Group> = HashMap::new();
    for (link, text) in headline_links(root) {
        let headline = Headline::new(link, &text, page);
        let mut container = Some(link);
        for level in 0..=MAX_DEPTH {
            let Some(el) = container else { break };
            if matches!(el.value().name(), "body" | "html") {
                break;
            }
            let (_, members) = groups.entry(signature(el)).or_insert((level, Vec::new()));
            if !members.iter().any(|(id, _)| *id == el.id()) {
                members.push((el.id(), headline));
            }
            container = el.parent().and_then(ElementRef::wrap);
        }
    }
    let mut scored: Vec<(f64, Vec<NodeId>, HashSet<NodeId>)> = Vec::new();
    for (level, members) in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let containers: Vec<ElementRef> = members
            .iter()
            .filter_map(|(id, _)| document.tree.get(*id).and_then(ElementRef::wrap))
            .collect();
        let links: HashSet<NodeId> = members.iter().map(|(_, h)| h.link.id()).collect();
        if links.len() < members.len() {
            continue; // several containers share one headline: the block is too small
        }
        let ids = members.iter().map(|(id, _)| *id).collect();
        scored.push((score(&containers, members, *level), ids, links));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Keep the best grouping of each set of headlines (usually the outermost item element).
    let mut seen: Vec<HashSet<NodeId>> = Vec::new();
    let mut out = Vec::new();
    for (score, ids, links) in scored {
        if seen
            .iter()
            .any(|s| s.intersection(&links).count() * 2 > links.len())
        {
            continue;
        }
        seen.push(links);
        let containers: Vec<ElementRef> = ids
            .iter()
            .filter_map(|id| document.tree.get(*id).and_then(ElementRef::wrap))
            .collect();
        if let Some(candidate) = describe(document, &containers, score) {
            out.push(candidate);
        }
        if out.len() == 5 {
            break;
        }
    }
    out
}

fn score(containers: &[ElementRef], members: &[(NodeId, Headline)], level: usize) -> f64 {
    let n = containers.len() as f64;
    let headline_chars: f64 = members.iter().map(|(_, h)| h.chars as f64).sum::<f64>() / n;
    // Each container's text is needed several times below: read it once.
    let texts: Vec<(ElementRef, String)> =
        containers.iter().map(|c| (*c, element_text(*c))).collect();
    let fraction = |test: &dyn Fn(&ElementRef, &str) -> bool| {
        texts.iter().filter(|(c, text)| test(c, text)).count() as f64 / n
    };
    let dated = fraction(&|c, text| c.select(&TIME).next().is_some() || DATE_HINT.is_match(text));
    let pictured = fraction(&|c, _| c.select(&IMG).next().is_some());
    let wordy = fraction(&|_, text| text.chars().count() > 2 * MIN_HEADLINE_CHARS.max(40));
    let furniture = fraction(&|c, _| is_furniture(*c));
    let crowded = fraction(&|c, _| c.select(&LINKS).count() > 6);
    let offsite = members.iter().filter(|(_, h)| h.offsite).count() as f64 / n;
    let own_text = texts
        .iter()
        .map(|(_, text)| text.chars().count().min(600) as f64)
        .sum::<f64>()
        / n;
    n.powf(0.8)
        * (headline_chars.min(80.0) / 20.0)
        * (1.0 + 0.8 * dated + 0.4 * pictured + 0.4 * wordy)
        * (1.0 - 0.85 * furniture)
        * (1.0 - 0.6 * crowded)
        * (1.0 - 0.6 * offsite)
        * (1.0 + (own_text / headline_chars.max(1.0)).min(6.0) * 0.05)
        * (1.0 + 0.05 * level as f64)
}

/// Selectors for a group of containers, and the items they give.
fn describe(document: &Html, containers: &[ElementRef], score: f64) -> Option<Candidate> {
    let item = item_selector(document, containers)?;
    let mut specs = vec![("item", item)];
    let first = containers[0];
    let date = relative_selector(first, |el| {
        let text = element_text(el);
        text.chars().count() <= 80 && DATE_HINT.is_match(&text)
    });
    if let Some(date) = date.filter(|_| first.select(&TIME).next().is_none()) {
        specs.push(("date", date));
    }
    let headline = super::first_titled_link(first)
        .map(|(_, text)| text)
        .unwrap_or_default();
    if let Some(summary) = relative_selector(first, |el| {
        let text = element_text(el);
        let classy = el.value().attr("class").is_some_and(|c| {
            [
                "summary",
                "excerpt",
                "teaser",
                "desc",
                "dek",
                "standfirst",
                "intro",
                "lead",
            ]
            .iter()
            .any(|k| c.contains(k))
        });
        el.select(&LINKS).next().is_none()
            && !text.contains(&headline)
            && (classy || (el.value().name() == "p" && text.chars().count() >= 40))
    }) {
        specs.push(("summary", summary));
    }
    if first.select(&IMG).next().is_some() {
        specs.push(("image", "img".to_string()));
    }
    let rules = rules_of(&specs)?;
    let items = read(document.root_element(), &rules);
    (items.len() >= 2).then_some(Candidate {
        kind: Kind::Repeated,
        selectors: specs,
        items,
        score,
    })
}

/// The shortest selector (tag.class, then with parents) that matches exactly `containers`;
/// where more elements match, those without a link are left out with `:has(a[href])`.
fn item_selector(document: &Html, containers: &[ElementRef]) -> Option<String> {
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

/// A selector, relative to `container`, for its first descendant that `test` accepts.
fn relative_selector(container: ElementRef, test: impl Fn(ElementRef) -> bool) -> Option<String> {
    let found = container.select(&TEXT_BLOCKS).find(|el| test(*el))?;
    let css = simple(found);
    // It must find that same element first within the container.
    let sel = Selector::parse(&css).ok()?;
    (container.select(&sel).next()?.id() == found.id()).then_some(css)
}

fn rules_of(specs: &[(&'static str, String)]) -> Option<Rules> {
    let mut rules = Rules::default();
    for (field, css) in specs {
        let parsed = Some(FieldSelector::parse(css).ok()?);
        match *field {
            "item" => rules.item = parsed,
            "title" => rules.title = parsed,
            "link" => rules.link = parsed,
            "date" => rules.date = parsed,
            "summary" => rules.summary = parsed,
            "image" => rules.image = parsed,
            _ => {}
        }
    }
    Some(rules)
}

/// The items of the best candidate, or none.
pub fn best_items(document: &Html, page: &Url) -> Option<(String, Vec<RawItem>)> {
    let detection = detect(document, page);
    let best = detection.candidates.into_iter().next()?;
    let how = match best.kind {
        Kind::JsonLd => "JSON-LD".to_string(),
        Kind::Microdata => "microdata".to_string(),
        Kind::Repeated => best.selectors[0].1.clone(),
    };
    Some((how, best.items))
}

/// Items of `root` read with `rules` (what a candidate yields).
fn read(root: ElementRef, rules: &Rules) -> Vec<RawItem> {
    let Some(item) = &rules.item else {
        return Vec::new();
    };
    root.select(item.selector())
        .map(|el| extract_one(el, rules))
        .filter(|i| i.title.as_deref().is_some_and(|t| !t.trim().is_empty()) && i.link.is_some())
        .collect()
}
