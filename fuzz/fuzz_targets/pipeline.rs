//! Arbitrary bytes as a page: decode → extract (configured and automatic) → normalize →
//! render; every output must parse as its feed format.
#![no_main]

use chrono::{TimeZone, Utc};
use feedwright::extract::{self, FieldSelector, Rules};
use feedwright::normalize::{self, Context, dates::DateRules};
use feedwright::render::{self, FeedMeta, Format};
use libfuzzer_sys::fuzz_target;
use url::Url;

fuzz_target!(|data: &[u8]| {
    let (html, _) = feedwright::fetch::charset::decode(data, None);
    let page = Url::parse("https://example.org/news/").unwrap();
    let field = |css: &str| Some(FieldSelector::parse(css).unwrap());
    let configured = Rules { item: field("div, li, article"), summary: field("p"), date: field("time"), ..Rules::default() };
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    for rules in [configured, Rules::default()] {
        let extraction = extract::extract_items(&html, &rules, &page);
        let ctx = Context { base: &page, dates: DateRules::english() };
        let items: Vec<_> = extraction
            .items
            .iter()
            .filter_map(|raw| normalize::normalize(raw, &ctx).ok())
            .map(|draft| draft.into_item(chrono_tz::UTC, now, now))
            .collect();
        let meta = FeedMeta {
            site_title: "Site".into(),
            section_title: "Section".into(),
            page_url: page.clone(),
            stem: "s/x".into(),
            base_url: None,
            timezone: chrono_tz::UTC,
            hub: None,
        };
        for format in Format::ALL {
            let bytes = render::render(format, &meta, &items);
            let feed = feed_rs::parser::parse(bytes.as_slice()).expect("output parses as a feed");
            assert_eq!(feed.entries.len(), items.len());
            if format == Format::Json {
                serde_json::from_slice::<serde_json::Value>(&bytes).expect("valid JSON");
            }
        }
    }
    let _ = extract::feed::parse(data);
});
