//! Extract, normalize and render on fixture and generated pages, beside html5ever's parse of
//! the same page: parse + extract + normalize should cost at most 1.3 × the parse alone.

mod page;

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use feedwright::extract::{self, FieldSelector, Rules};
use feedwright::model::Item;
use feedwright::normalize::{self, Context, dates::DateRules};
use feedwright::render::{self, FeedMeta, Format};
use url::Url;

fn field(css: &str) -> Option<FieldSelector> {
    Some(FieldSelector::parse(css).unwrap())
}

fn extract_normalize(html: &str, rules: &Rules, page: &Url) -> Vec<Item> {
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let ctx = Context {
        base: page,
        dates: DateRules::english(),
    };
    extract::extract_items(&scraper::Html::parse_document(html), rules, page)
        .items
        .iter()
        .filter_map(|raw| normalize::normalize(raw, &ctx).ok())
        .map(|d| d.into_item(chrono_tz::UTC, now, now))
        .collect()
}

/// The pages measured: generated news indexes (one of 60 items in 77 KB, as scripts/bench.sh
/// serves by default), a Space Media Network category page and a generated one of its shape
/// (`SHAPE=smn` in scripts/bench.sh), with the rules that read them.
fn pages() -> [(&'static str, String, Rules); 4] {
    let generated = page::page(7, 0, None);
    let dense = page::page(7, 0, Some((60, 77)));
    let generated_rules = Rules {
        item: field("div.item"),
        summary: field("p.teaser"),
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
    let (smn_shaped, _) = feedwright::fetch::charset::decode(&page::smn_page(7, 0, 60, 77), None);
    [
        ("generated", generated, generated_rules.clone()),
        ("generated-60x77", dense, generated_rules),
        ("smn", smn, smn_rules.clone()),
        ("smn-60x77", smn_shaped, smn_rules),
    ]
}

fn benches(c: &mut Criterion) {
    let url = Url::parse("https://www.example.com/section.html").unwrap();
    for (name, html, rules) in pages() {
        let (html, rules) = (&html, &rules);
        let mut group = c.benchmark_group(name);
        group.bench_function("html5ever parse", |b| {
            b.iter(|| scraper::Html::parse_document(black_box(html)))
        });
        group.bench_function("extract", |b| {
            b.iter(|| {
                extract::extract_items(&scraper::Html::parse_document(black_box(html)), rules, &url)
            })
        });
        group.bench_function("extract+normalize", |b| {
            b.iter(|| extract_normalize(black_box(html), rules, &url))
        });
        group.bench_function("auto-detect", |b| {
            b.iter(|| {
                extract::extract_items(
                    &scraper::Html::parse_document(black_box(html)),
                    &Rules::default(),
                    &url,
                )
            })
        });
        let items = extract_normalize(html, rules, &url);
        let meta = FeedMeta {
            site_title: "Bench".into(),
            section_title: name.into(),
            page_url: url.clone(),
            stem: "bench/section".into(),
            base_url: Some(Url::parse("https://feeds.example.org/").unwrap()),
            timezone: chrono_tz::UTC,
            hub: None,
            stylesheet: false,
        };
        group.bench_function("render rss+atom+json", |b| {
            b.iter(|| Format::ALL.map(|f| render::render(f, &meta, black_box(&items)).len()))
        });
        group.finish();
    }
}

/// Prints extract + normalize time over parse time per page, measured in alternating rounds so
/// that a busy machine slows both sides alike (the median round is reported).
fn ratios(_: &mut Criterion) {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let rounds = if benchmarking { 400 } else { 3 };
    for (name, html, rules) in pages() {
        let url = Url::parse("https://www.example.com/section.html").unwrap();
        let time = |f: &dyn Fn()| {
            let start = std::time::Instant::now();
            f();
            start.elapsed().as_secs_f64()
        };
        let mut ratios: Vec<f64> = (0..rounds)
            .map(|_| {
                let parse = time(&|| drop(black_box(scraper::Html::parse_document(&html))));
                let full = time(&|| drop(black_box(extract_normalize(&html, &rules, &url))));
                full / parse
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        println!(
            "{name}: extract+normalize / html5ever parse = {:.2} (median of {rounds} rounds)",
            ratios[rounds / 2]
        );
    }
}

/// Prints automatic full-text extraction time over parse time on the labelled article pages:
/// the median page's ratio and the ratio of the sums (`content = "auto"` should cost at most
/// 8 × the page's parse on the median page).
fn full_text(_: &mut Criterion) {
    use std::io::Read;
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fulltext/pages");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let take = if benchmarking { files.len() } else { 8 };
    let pages: Vec<String> = files
        .iter()
        .take(take)
        .map(|path| {
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
                .read_to_end(&mut bytes)
                .unwrap();
            String::from_utf8_lossy(&bytes).into_owned()
        })
        .collect();
    let url = Url::parse("https://www.example.com/article.html").unwrap();
    let time = |f: &dyn Fn()| {
        let start = std::time::Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    let rounds = if benchmarking { 5 } else { 1 };
    // Per page, the best of `rounds` timings of each (the least disturbed by the machine).
    let best = |f: &dyn Fn()| (0..rounds).map(|_| time(f)).fold(f64::INFINITY, f64::min);
    let timed: Vec<(f64, f64)> = pages
        .iter()
        .map(|page| {
            let parse = best(&|| drop(black_box(scraper::Html::parse_document(page))));
            let full = best(&|| drop(black_box(extract::fulltext::main_text(page, &url))));
            (parse, full)
        })
        .collect();
    let mut ratios: Vec<f64> = timed.iter().map(|(parse, full)| full / parse).collect();
    ratios.sort_by(f64::total_cmp);
    let (parse, full): (f64, f64) = timed
        .iter()
        .fold((0.0, 0.0), |(p, f), (parse, full)| (p + parse, f + full));
    println!(
        "full text: main_text / html5ever parse: median page {:.2}, all pages {:.2} ({:.2} ms a page), over {} article pages",
        ratios[ratios.len() / 2],
        full / parse,
        full * 1000.0 / pages.len() as f64,
        pages.len()
    );
}

criterion_group!(name = pipeline; config = Criterion::default().sample_size(30); targets = benches, ratios, full_text);
criterion_main!(pipeline);
