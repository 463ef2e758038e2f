//! A section's first update renders its feed from the items it just stored instead of reading
//! them back (`Retention::first_feed`): whatever the items, dates and retention, that feed is
//! the one the state gives back, in the real SQLite store.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use feedwright::model::Item;
use feedwright::store::{PageCache, PageUpdate, Retention, Store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap()
}

/// An item `minutes` before now, plus `nanos` (dates finer than the state keeps).
fn item(n: usize, minutes: i64, nanos: i64, summary: bool) -> Item {
    Item {
        id: format!("https://example.org/a/{n}"),
        title: format!("Story {n} – “quoted” & <b>"),
        summary_html: summary.then(|| format!("<p>Teaser {n}</p>")),
        content_html: None,
        author: n.is_multiple_of(3).then(|| "Ana".to_string()),
        image: None,
        published: now() - Duration::minutes(minutes) + Duration::nanoseconds(nanos),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn first_feed_is_the_feed_the_state_gives_back(
        dates in prop::collection::vec((0_i64..6 * 24 * 60, 0_i64..1_000_000, any::<bool>()), 0..40),
        repeat_dates in any::<bool>(),
        max_items in 1_usize..30,
        max_age_days in prop::option::of(1_u32..5),
    ) {
        // Many equal dates when `repeat_dates`: their order is the page's.
        let items: Vec<Item> = dates
            .iter()
            .enumerate()
            .map(|(n, &(minutes, nanos, summary))| {
                let minutes = if repeat_dates { minutes % 3 * 60 } else { minutes };
                item(n, minutes, nanos, summary)
            })
            .collect();
        let retention = Retention { max_items, max_age_days };
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("state.db")).unwrap();
        let known = store.known_dates("site/section").unwrap();
        prop_assert!(known.is_empty());
        store
            .update_section(
                &PageUpdate {
                    section: "site/section",
                    url: "https://example.org/",
                    items: &items,
                    redate: &HashSet::new(),
                    known: &HashMap::new(),
                    cache: &PageCache::default(),
                },
                retention,
                now(),
            )
            .unwrap();
        let stored = store.feed_items("site/section", retention, now()).unwrap();
        prop_assert_eq!(retention.first_feed(items, now()), stored);
    }
}
