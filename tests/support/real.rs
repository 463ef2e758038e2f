//! The real listing pages of `tests/fixtures/real/`, labelled by reading each page: which
//! elements hold its story list, and how to compare a proposed list with that label.

use std::collections::HashSet;

use scraper::{ElementRef, Html, Selector};

/// The page `file` of `tests/fixtures/real/`, decoded as a run decodes it.
pub fn page(file: &str) -> Html {
    let (html, _) =
        feedwright::fetch::charset::decode(&super::fixture(&format!("real/{file}")), None);
    Html::parse_document(&html)
}

/// Each page with the item selector of its story list as a person reads the page, or `None`
/// where the page has no list of stories (a menu page, a last page with one post).
pub const LABELS: [(&str, Option<&str>); 30] = [
    ("autopager-10.html", Some("div.scroll-item")),
    ("autopager-11.html", Some("article.item-list")),
    ("autopager-12.html", Some("article.item-list")),
    ("autopager-14.html", Some("article.group")),
    ("autopager-15.html", None),
    ("autopager-22.html", Some("[itemtype$=BlogPosting]")),
    ("autopager-23.html", Some("[itemtype$=BlogPosting]")),
    ("autopager-26.html", Some("div.post")),
    ("autopager-34.html", Some("h3:has(a[href])")),
    ("autopager-39.html", None),
    ("autopager-73.html", Some("article.post")),
    ("autopager-81.html", Some("div.item")),
    ("autopager-86.html", Some("div.post")),
    ("autopager-95.html", Some("div.title-post")),
    ("autopager-98.html", Some("article.post")),
    ("autopager-100.html", Some("section.post")),
    ("autopager-101.html", Some("div.post")),
    ("autopager-106.html", Some("article.entry")),
    ("autopager-125.html", Some("article.post")),
    ("autopager-132.html", Some("div.sec_head li")),
    ("autopager-148.html", Some("main article.post")),
    ("autopager-154.html", Some("div.post")),
    ("autopager-162.html", Some("header.article-header")),
    ("autopager-165.html", Some("div.post")),
    ("autopager-181.html", Some("article.post-box")),
    ("autopager-192.html", Some("table.category tbody tr")),
    ("autopager-202.html", Some("article.item-list")),
    ("html2rss-time-page_1.html", Some("li.latest-stories__item")),
    (
        "newspaper4k-yahoo-uk.html",
        Some("div.wrapper:has(a[href])"),
    ),
    (
        "drudge-2019-05-07.html",
        Some("td > tt > b > a, td > tt > a"),
    ),
];

/// The headline link of `element` as a reader sees it: the link in (or around) its first
/// heading, else its first link with text (or the element itself, when it is that link).
pub fn headline(element: ElementRef) -> Option<ElementRef> {
    let links = Selector::parse("a[href]").unwrap();
    let headings = Selector::parse("h1, h2, h3, h4, h5, h6").unwrap();
    let with_text = |a: &ElementRef| !a.text().collect::<String>().trim().is_empty();
    let in_heading = element.select(&headings).find_map(|h| {
        h.select(&links).find(with_text).or_else(|| {
            h.ancestors()
                .filter_map(ElementRef::wrap)
                .take_while(|a| a.id() != element.id())
                .find(|a| links.matches(a))
        })
    });
    in_heading.or_else(|| {
        std::iter::once(element)
            .filter(|e| links.matches(e))
            .chain(element.select(&links))
            .find(|a| a.text().collect::<String>().trim().chars().count() >= 4)
    })
}

/// The links (as written) of the items `css` selects.
pub fn links_of(document: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).unwrap();
    document
        .select(&selector)
        .filter_map(headline)
        .filter_map(|a| a.attr("href").map(str::to_string))
        .collect()
}

pub fn overlap(a: &[String], b: &[String]) -> f64 {
    let a: HashSet<&String> = a.iter().collect();
    let b: HashSet<&String> = b.iter().collect();
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}
