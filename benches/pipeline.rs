//! Extract, normalize and render on fixture and generated pages, beside html5ever's parse of
//! the same page: extract + normalize should cost at most 1.5 × the parse alone.

mod page;

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use feedwright::extract::{self, FieldSelector, Rules};
use feedwright::model::Item;
use feedwright::normalize::{self, Context, dates::DateOrder};
use feedwright::render::{self, FeedMeta, Format};
use url::Url;

fn field(css: &str) -> Option<FieldSelector> {
    Some(FieldSelector::parse(css).unwrap())
}

fn extract_normalize(html: &str, rules: &Rules, page: &Url) -> Vec<Item> {
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let ctx = Context {
        base: page,
        date_order: DateOrder::Auto,
        date_format: None,
    };
    extract::extract_items(html, rules, page)
        .items
        .iter()
        .filter_map(|raw| normalize::normalize(raw, &ctx).ok())
        .map(|d| d.into_item(chrono_tz::UTC, now, now))
        .collect()
}

fn benches(c: &mut Criterion) {
    let generated = page::page(7, 0);
    let generated_rules = Rules {
        item: field("div.item"),
        summary: if std::env::var("NOSUM").is_ok() {
            None
        } else {
            field("p.teaser")
        },
        image: field("img"),
        ..Rules::default()
    };
    let (smn, _) = feedwright::fetch::charset::decode(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/spacemedia/index-space-industry.html"
        ))
        .unwrap(),
        None,
    );
    let smn_rules = Rules {
        item: field("p:has(span.BH)"),
        date: field("span.BHS"),
        image: field("img"),
        ..Rules::default()
    };
    let url = Url::parse("https://www.example.com/section.html").unwrap();

    for (name, html, rules) in [
        ("generated", &generated, &generated_rules),
        ("smn", &smn, &smn_rules),
    ] {
        let mut group = c.benchmark_group(name);
        group.bench_function("html5ever parse", |b| {
            b.iter(|| scraper::Html::parse_document(black_box(html)))
        });
        group.bench_function("extract", |b| {
            b.iter(|| extract::extract_items(black_box(html), rules, &url))
        });
        group.bench_function("extract+normalize", |b| {
            b.iter(|| extract_normalize(black_box(html), rules, &url))
        });
        group.bench_function("auto-detect", |b| {
            b.iter(|| extract::extract_items(black_box(html), &Rules::default(), &url))
        });
        let items = extract_normalize(html, rules, &url);
        let meta = FeedMeta {
            site_title: "Bench".into(),
            section_title: name.into(),
            page_url: url.clone(),
            stem: "bench/section".into(),
            base_url: Some(Url::parse("https://feeds.example.org/").unwrap()),
        };
        group.bench_function("render rss+atom+json", |b| {
            b.iter(|| Format::ALL.map(|f| render::render(f, &meta, black_box(&items)).len()))
        });
        group.finish();
    }
}

criterion_group!(name = pipeline; config = Criterion::default().sample_size(30); targets = benches);
criterion_main!(pipeline);
