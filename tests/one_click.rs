//! One click on a headline, on the real listing pages of `tests/fixtures/real/`: the builder's
//! `list_at` must propose the list a person means (labelled below by reading each page), with
//! selectors a person would write (no positional indexes, no generated or utility classes),
//! and those selectors must still find the same items when the page gains a wrapper `<div>`
//! and its classes change order.

use std::collections::HashSet;

use feedwright::extract::detect::{is_stable_class, list_at};
use feedwright::fetch::charset;
use scraper::{ElementRef, Html, Selector};
use url::Url;

mod support;

/// Each page with the item selector of its story list as a person reads the page, or `None`
/// where the page has no list of stories (a menu page, a last page with one post).
const LABELS: [(&str, Option<&str>); 30] = [
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
    ("autopager-192.html", Some("div.bt-row")),
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

/// The first link with text in `element` (or the element itself, when it is that link).
fn headline(element: ElementRef) -> Option<ElementRef> {
    let links = Selector::parse("a[href]").unwrap();
    std::iter::once(element)
        .filter(|e| links.matches(e))
        .chain(element.select(&links))
        .find(|a| a.text().collect::<String>().trim().chars().count() >= 4)
}

/// The links (as written) of the items `css` selects.
fn links_of(document: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).unwrap();
    document
        .select(&selector)
        .filter_map(headline)
        .filter_map(|a| a.attr("href").map(str::to_string))
        .collect()
}

fn overlap(a: &[String], b: &[String]) -> f64 {
    let a: HashSet<&String> = a.iter().collect();
    let b: HashSet<&String> = b.iter().collect();
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// The page with one more wrapper `<div>` around everything in `<body>` and every class
/// list in reverse order.
fn rearranged(html: &str) -> String {
    let body = regex::Regex::new(r"(?is)(<body[^>]*>)(.*)(</body>)").unwrap();
    let wrapped = body.replace(html, "$1<div class=\"page-wrapper\">$2</div>$3");
    let classes = regex::Regex::new(r#"class\s*=\s*"([^"]*)""#).unwrap();
    classes
        .replace_all(&wrapped, |caps: &regex::Captures| {
            let mut names: Vec<&str> = caps[1].split_whitespace().collect();
            names.reverse();
            format!("class=\"{}\"", names.join(" "))
        })
        .into_owned()
}

/// Whether a generated selector is one a person would write.
fn readable(css: &str) -> Result<(), String> {
    if css.contains("nth-") || css.contains(":first") || css.contains(":last") {
        return Err(format!("positional: {css}"));
    }
    let classes = regex::Regex::new(r"\.([A-Za-z0-9_-]+)").unwrap();
    for caps in classes.captures_iter(css) {
        if !is_stable_class(&caps[1]) {
            return Err(format!("generated or utility class .{} in {css}", &caps[1]));
        }
    }
    Ok(())
}

#[test]
fn one_click_on_a_headline_proposes_the_labelled_list() {
    let (mut matched, mut labelled, mut survived) = (0, 0, 0);
    let mut report = Vec::new();
    for (file, label) in LABELS {
        let Some(label) = label else {
            report.push(format!("{file}: no story list (not counted)"));
            continue;
        };
        labelled += 1;
        let (html, _) = charset::decode(&support::fixture(&format!("real/{file}")), None);
        let document = Html::parse_document(&html);
        let page = Url::parse("https://example.org/listing/").unwrap();
        let wanted = links_of(&document, label);
        let containers: Vec<ElementRef> =
            document.select(&Selector::parse(label).unwrap()).collect();
        assert!(
            wanted.len() >= 2,
            "{file}: the label {label:?} finds {wanted:?}"
        );
        // A headline from the middle of the list, as a person would click.
        let clicked = headline(containers[containers.len() / 2]).unwrap();
        let Some(list) = list_at(&document, &page, clicked) else {
            report.push(format!("{file}: nothing proposed"));
            continue;
        };
        for (_, css) in &list.selectors {
            readable(css).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
        let item = &list.selectors[0].1;
        let got: Vec<String> = links_of(&document, item);
        let score = overlap(&wanted, &got);
        let ok = score >= 0.8;
        matched += usize::from(ok);
        let moved = Html::parse_document(&rearranged(&html));
        let after = links_of(&moved, item);
        let kept = overlap(&got, &after) >= 0.99;
        survived += usize::from(kept);
        report.push(format!(
            "{file}: {} — {} of {} labelled items, {} proposed ({item}); after a wrapper and reordered classes: {}",
            if ok { "match" } else { "MISS" },
            wanted.iter().filter(|w| got.contains(w)).count(),
            wanted.len(),
            got.len(),
            if kept { "same items" } else { "CHANGED" }
        ));
    }
    eprintln!("{}", report.join("\n"));
    eprintln!(
        "one click: {matched} of {labelled} labelled lists; selectors surviving a wrapper and reordered classes: {survived} of {labelled}"
    );
    // Floors: raise them as the builder gets better, never lower them.
    assert_eq!(matched, labelled, "one click missed lists");
    assert_eq!(survived, labelled);
}
