//! Property tests over extract → normalize → render with arbitrary HTML and field strings: no
//! panic, and every output is well-formed XML / JSON and a readable feed without active content.
//! `scripts/fuzz.sh` runs the same pipeline under cargo-fuzz for longer.

use chrono::{TimeZone, Utc};
use feedwright::extract::{self, FieldSelector, Rules};
use feedwright::normalize::{self, Context, dates::DateRules};
use feedwright::render::{self, FeedMeta, Format};
use proptest::prelude::*;
use url::Url;

/// Pieces that have broken feed writers before.
const NASTY: &[&str] = &[
    "]]>",
    "<![CDATA[",
    "\u{0}",
    "&#0;",
    "&#xD800;",
    "&#xFFFE;",
    "&#x1F600;",
    "\u{202E}",
    "\u{2066}",
    "\u{FEFF}",
    "\u{1b}",
    "\u{85}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "<iframe src=//x>",
    "<style>*{}</style>",
    "&amp;amp;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "<!--",
    "-->",
    "<?xml",
    "?>",
    "<a href=\"/x\">",
    "</a>",
    "<p>",
    "</div>",
    "Oct 23, 2024",
    "2024-13-45T99:99:99Z",
    "Thu, 04 APR 2013 20:37:27 AEST",
    "read more",
    "\r\n",
    "\t",
    "é",
    "日本語",
    "\u{10FFFF}",
];

fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(NASTY), 0..12).prop_map(|v| v.concat()),
        any::<String>(),
        "[ -~]{0,40}",
    ]
}

fn rules() -> Rules {
    let field = |css: &str| Some(FieldSelector::parse(css).unwrap());
    Rules {
        item: field("div.i"),
        date: field("time"),
        summary: field("p"),
        author: field(".a"),
        image: field("img"),
        ..Rules::default()
    }
}

/// Runs a page through every stage and checks every output; returns how many HTML
/// fragments (summaries, contents) were checked for active content.
fn check_page(html: &str, rules: &Rules) -> usize {
    let mut checked = 0;
    let page = Url::parse("https://example.org/news/").unwrap();
    let extraction = extract::extract_items(&scraper::Html::parse_document(html), rules, &page);
    let ctx = Context {
        base: &page,
        dates: DateRules::english(),
    };
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let items: Vec<_> = extraction
        .items
        .iter()
        .filter_map(|raw| normalize::normalize(raw, &ctx).ok())
        .map(|draft| draft.into_item(chrono_tz::UTC, now, now))
        .collect();
    let meta = FeedMeta {
        site_title: "Site <&> ]]>".into(),
        section_title: "Section \u{0}\"'".into(),
        page_url: page.clone(),
        stem: "s/x".into(),
        base_url: Some(Url::parse("https://feeds.example.org/").unwrap()),
        timezone: chrono_tz::UTC,
        hub: None,
        stylesheet: true,
    };
    for format in Format::ALL {
        let bytes = render::render(format, &meta, &items);
        let text = String::from_utf8(bytes.clone()).expect("UTF-8 output");
        if format == Format::Json {
            serde_json::from_slice::<serde_json::Value>(&bytes).expect("valid JSON");
        } else {
            let mut reader = quick_xml::Reader::from_str(&text);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{format:?} not well-formed: {e}\n{text}"),
                }
            }
        }
        let feed = feed_rs::parser::parse(bytes.as_slice())
            .unwrap_or_else(|e| panic!("{format:?}: {e}\n{text}"));
        assert_eq!(feed.entries.len(), items.len(), "{format:?}");
        for entry in &feed.entries {
            // Plain text (a JSON Feed's content_text) may hold anything; HTML must be inert.
            let summary = entry
                .summary
                .as_ref()
                .filter(|t| t.content_type.to_string().starts_with("text/html"));
            let summary = summary.map(|t| t.content.clone());
            let content = entry
                .content
                .as_ref()
                .filter(|c| c.content_type.to_string().starts_with("text/html"));
            let content = content.and_then(|c| c.body.clone());
            for html in summary.iter().chain(content.iter()) {
                assert_inert(html);
                checked += 1;
            }
        }
        assert!(
            !text
                .chars()
                .any(|c| matches!(c, '\u{0}' | '\u{1b}' | '\u{FFFE}'))
        );
    }
    checked
}

/// No element or attribute in an HTML fragment can run anything.
fn assert_inert(html: &str) {
    let fragment = scraper::Html::parse_fragment(html);
    for node in fragment.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        assert!(
            !["script", "style", "iframe", "object", "embed", "form"].contains(&name),
            "<{name}> in {html}"
        );
        for (attr, value) in el.attrs() {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{attr} in {html}"
            );
            let value = value.trim().to_ascii_lowercase();
            assert!(
                !value.starts_with("javascript:") && !value.starts_with("data:"),
                "{attr}={value} in {html}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_fields_give_valid_feeds(
        title in nasty_text(), summary in nasty_text(), date in nasty_text(),
        author in nasty_text(), href in nasty_text(), img in nasty_text(),
    ) {
        let attr = |v: &str| v.replace('"', "&quot;");
        let html = format!(
            "<div class=i><a href=\"{}\">{title}</a><time>{date}</time><p>{summary}</p><span class=a>{author}</span><img src=\"{}\"></div>\
             <div class=i><a href=\"/fixed\">Fixed {title}</a></div>",
            attr(&href), attr(&img)
        );
        check_page(&html, &rules());
    }

    #[test]
    fn arbitrary_html_gives_valid_feeds(body in prop::collection::vec(prop::sample::select(NASTY), 0..40)) {
        let html = format!("<html><body><div class=i><a href=\"/a\">x</a>{}</div></body></html>", body.concat());
        check_page(&html, &rules());
        check_page(&html, &Rules::default());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let (text, _) = feedwright::fetch::charset::decode(&bytes, None);
        check_page(&text, &rules());
        let _ = extract::feed::parse(&bytes);
    }
}

#[test]
fn summaries_are_checked_in_every_format() {
    let html = r#"<div class=i><a href="/a">A</a><p>Hi <b onclick="x()">there</b><script>s()</script></p></div>"#;
    assert_eq!(check_page(html, &rules()), 3, "one HTML summary per format");
}

#[test]
fn a_one_megabyte_title_renders() {
    let title = "Big ".repeat(256 * 1024);
    check_page(
        &format!("<div class=i><a href=\"/big\">{title}</a></div>"),
        &rules(),
    );
}
