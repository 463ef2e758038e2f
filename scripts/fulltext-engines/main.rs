//! Scores full-text extraction engines on the labelled article pages of
//! `tests/fixtures/fulltext/` (snippets that must and must not be in the text; trafilatura's
//! scoring): precision, recall, F1 and milliseconds per page, for one engine per run (so that
//! each run's peak memory is its own). Built and run by `scripts/fulltext-engines.sh`.

use std::io::Read;
use std::time::Instant;

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The main text of `html` (from `url`) as `engine` finds it.
fn extract(engine: &str, html: &str, url: &str) -> String {
    match engine {
        "dom_smoothie" => dom_smoothie::Readability::new(html, Some(url), None)
            .ok()
            .and_then(|mut r| r.parse().ok())
            .map(|a| a.text_content.to_string())
            .unwrap_or_default(),
        "readabilityrs" => readabilityrs::Readability::new(html, Some(url), None)
            .ok()
            .and_then(|r| r.parse())
            .and_then(|a| a.text_content)
            .unwrap_or_default(),
        "rs-trafilatura" => rs_trafilatura::extract(html)
            .map(|r| r.content_text)
            .unwrap_or_default(),
        "readability" => {
            let parsed = url::Url::parse(url).unwrap_or_else(|_| url::Url::parse("http://x/").unwrap());
            readability::extractor::extract(&mut html.as_bytes(), &parsed)
                .map(|p| p.text)
                .unwrap_or_default()
        }
        // rs-trafilatura's HTML, as a feed would carry it, read back as text.
        "rs-trafilatura-html" => rs_trafilatura::extract(html)
            .map(|r| html_text(&r.content_html.unwrap_or_default()))
            .unwrap_or_default(),
        // One engine, the other where its text looks wrong (too short to be an article).
        "trafilatura-then-smoothie" => {
            let traf = extract("rs-trafilatura", html, url);
            if looks_wrong(&traf) { extract("dom_smoothie", html, url) } else { traf }
        }
        "smoothie-then-trafilatura" => {
            let smoothie = extract("dom_smoothie", html, url);
            if looks_wrong(&smoothie) { extract("rs-trafilatura", html, url) } else { smoothie }
        }
        // Trafilatura's lines that dom_smoothie's text also holds (where they agree enough).
        "agreement" => {
            let traf = extract("rs-trafilatura", html, url);
            let smoothie = collapse(&extract("dom_smoothie", html, url));
            let kept: Vec<&str> = traf
                .lines()
                .filter(|line| smoothie.contains(&collapse(line)))
                .collect();
            let kept = kept.join("\n");
            if kept.len() * 2 < traf.len() { traf } else { kept }
        }
        name if name.ends_with("+clean") => without_boilerplate(&extract(&name[..name.len() - 6], html, url)),
        // The floor: html5ever's parse of the page alone (no text is returned).
        "html5ever" => {
            let document = scraper::Html::parse_document(html);
            std::hint::black_box(&document);
            String::new()
        }
        other => panic!("unknown engine {other}"),
    }
}

/// The text of an HTML fragment, a line per block.
fn html_text(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let blocks = scraper::Selector::parse("p, li, h1, h2, h3, h4, h5, h6, blockquote, pre, td, figcaption").unwrap();
    let lines: Vec<String> = fragment.select(&blocks).map(|b| collapse(&b.text().collect::<String>())).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() { collapse(&fragment.root_element().text().collect::<String>()) } else { lines.join("\n") }
}

/// Whether an engine's text is too short to be the article.
fn looks_wrong(text: &str) -> bool {
    text.chars().filter(|c| !c.is_whitespace()).count() < 250
}

/// `text` without the lines page furniture leaves in it: sharing, newsletters, cookies,
/// copyright, related links, comment counts.
fn without_boilerplate(text: &str) -> String {
    const WORDS: [&str; 22] = [
        "share", "tweet", "follow us", "sign up", "subscribe", "newsletter", "cookie",
        "all rights reserved", "©", "copyright", "related", "read more", "advertisement",
        "comments", "comment", "recommended", "you may also like", "most read", "click here",
        "privacy policy", "terms of use", "skip to",
    ];
    text.lines()
        .filter(|line| {
            let lower = line.to_lowercase();
            let short = line.split_whitespace().count() <= 12;
            !(short && WORDS.iter().any(|w| lower.contains(w)))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let engine = args.next().expect("engine name");
    let folder = args.next().expect("fixtures folder");
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{folder}/expected.json")).unwrap(),
    )
    .unwrap();
    let (mut tp, mut fn_, mut fp, mut tn) = (0usize, 0usize, 0usize, 0usize);
    let mut millis = 0.0;
    let mut pages = 0;
    for (file, labels) in expected.as_object().unwrap() {
        let mut gz = flate2::read::GzDecoder::new(
            std::fs::File::open(format!("{folder}/pages/{file}")).unwrap(),
        );
        let mut bytes = Vec::new();
        gz.read_to_end(&mut bytes).unwrap();
        let html = String::from_utf8_lossy(&bytes);
        let url = labels["url"].as_str().unwrap_or("http://example.org/");
        let started = Instant::now();
        let text = collapse(&extract(&engine, &html, url));
        millis += started.elapsed().as_secs_f64() * 1000.0;
        pages += 1;
        for snippet in labels["with"].as_array().into_iter().flatten() {
            if text.contains(&collapse(snippet.as_str().unwrap())) { tp += 1 } else { fn_ += 1 }
        }
        for snippet in labels["without"].as_array().into_iter().flatten() {
            if text.contains(&collapse(snippet.as_str().unwrap())) { fp += 1 } else { tn += 1 }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::EPSILON);
    println!(
        "{engine:<15} pages {pages}  precision {precision:.3}  recall {recall:.3}  F1 {f1:.3}  {:.1} ms/page  (tp {tp} fn {fn_} fp {fp} tn {tn})",
        millis / pages as f64
    );
}
