//! One click on a headline, on the real listing pages of `tests/fixtures/real/`: the builder's
//! `list_at` must propose the list a person means (labelled below by reading each page), with
//! selectors a person would write (no positional indexes, no generated or utility classes),
//! and those selectors must still find the same items when the page gains a wrapper `<div>`
//! and its classes change order.

use feedwright::extract::detect::{is_stable_class, list_at};
use feedwright::fetch::charset;
use scraper::{ElementRef, Html, Selector};
use support::real::{LABELS, headline, links_of, overlap};
use url::Url;

mod support;

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
