//! Each section's item history and the validators of its page: merging a page into the
//! history, pruning by retention, and reading a feed's items back.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, as_stored, from_ms, ms};
use crate::model::Item;

/// HTTP validators and the body hash of a section's page after its last good fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageCache {
    /// Fingerprint of the section's rules the page was read with.
    pub rules: String,
    /// `ETag` of the last good answer.
    pub etag: Option<String>,
    /// `Last-Modified` of the last good answer.
    pub last_modified: Option<String>,
    /// Digest of the last good body.
    pub body_hash: Option<String>,
    /// The warnings of that read (a selector that matched nothing, undated items): they
    /// stand while the page is unchanged.
    pub warnings: Vec<String>,
    /// When the section's history was last updated from it: its feeds must show that update.
    pub saved: DateTime<Utc>,
}

/// Warnings as one text (each is one line), `NULL` when there are none.
fn warnings_text(warnings: &[String]) -> Option<String> {
    (!warnings.is_empty()).then(|| warnings.join("\n"))
}

/// Warnings read back.
fn warnings_of(text: Option<String>) -> Vec<String> {
    text.map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// A successfully read page of one section, to be merged into its history.
#[derive(Debug, Clone, Copy)]
pub struct PageUpdate<'a> {
    /// `site/section`.
    pub section: &'a str,
    /// The page's URL.
    pub url: &'a str,
    /// Its items in page order, dated.
    pub items: &'a [Item],
    /// Ids of stored items whose date may be replaced (enriched for the first time).
    pub redate: &'a HashSet<String>,
    /// The ids stored before this update ([`Store::known_dates`]): the others are new.
    pub known: &'a HashMap<String, DateTime<Utc>>,
    /// Validators and body hash to send next time.
    pub cache: &'a PageCache,
}

/// How many items a section's history keeps and its feed shows.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// The newest this many are always kept (and shown).
    pub max_items: usize,
    /// Items newer than this are kept too.
    pub max_age_days: Option<u32>,
}

impl Retention {
    /// The oldest publication time (ms) a feed shows, when `max_age_days` is set.
    fn cutoff(self, now: DateTime<Utc>) -> Option<i64> {
        self.max_age_days
            .map(|days| ms(now - chrono::Duration::days(i64::from(days))))
    }

    /// The feed [`Store::feed_items`] reads after an update stored `items` (in page order,
    /// each id once) into a history that held nothing: the same items, dated to the
    /// millisecond as the state keeps them, newest first (page order among equal dates), at
    /// most `max_items`, none older than `max_age_days` — without reading them back.
    pub fn first_feed(self, mut items: Vec<Item>, now: DateTime<Utc>) -> Vec<Item> {
        let cutoff = self.cutoff(now).unwrap_or(i64::MIN);
        items.retain(|item| ms(item.published) >= cutoff);
        for item in &mut items {
            item.published = as_stored(item.published);
        }
        // A stable sort: equal dates keep their page order.
        items.sort_by_key(|item| std::cmp::Reverse(item.published));
        items.truncate(self.max_items);
        items
    }

    /// `max_items` as SQLite takes it.
    fn limit(self) -> i64 {
        i64::try_from(self.max_items).unwrap_or(i64::MAX)
    }
}

/// A `count(*)` as a length.
fn to_count(count: i64) -> usize {
    usize::try_from(count).unwrap_or(0)
}

impl Store {
    /// What was saved for `section`'s page at `url` after its last good fetch.
    pub fn page_cache(&self, section: &str, url: &str) -> Result<Option<PageCache>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT rules, etag, last_modified, body_hash, warnings, fetched_at FROM pages
                 WHERE section = ?1 AND url = ?2",
            )?
            .query_row([section, url], |r| {
                Ok(PageCache {
                    rules: r.get(0)?,
                    etag: r.get(1)?,
                    last_modified: r.get(2)?,
                    body_hash: r.get(3)?,
                    warnings: warnings_of(r.get(4)?),
                    saved: from_ms(r.get(5)?),
                })
            })
            .optional()?)
    }

    /// The warnings of the last full read of `section`'s pages, which stand until a read
    /// clears them.
    pub fn standing_warnings(&self, section: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT warnings FROM pages WHERE section = ?1 AND warnings IS NOT NULL ORDER BY url",
        )?;
        let rows = stmt.query_map([section], |r| r.get::<_, Option<String>>(0))?;
        let mut warnings = Vec::new();
        for text in rows {
            warnings.extend(warnings_of(text?));
        }
        Ok(warnings)
    }

    /// The stored publication date of every item of `section`, by id.
    pub fn known_dates(&self, section: &str) -> Result<HashMap<String, DateTime<Utc>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, published FROM items WHERE section = ?1")?;
        let rows = stmt.query_map([section], |r| {
            Ok((r.get::<_, String>(0)?, from_ms(r.get(1)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Merges a page's items (in page order, already dated) into `section`'s history, saves the
    /// page's validators and prunes what the retention no longer keeps, in one transaction.
    /// Returns how many items were new.
    /// Stored items keep their date unless their id is in `redate` (an item enriched for the
    /// first time).
    pub fn update_section(
        &mut self,
        update: &PageUpdate,
        retention: Retention,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let PageUpdate {
            section,
            url,
            items,
            redate,
            known,
            cache,
        } = *update;
        let unit = self.unit()?;
        let tx = unit.conn();
        let new = items.iter().filter(|i| !known.contains_key(&i.id)).count();
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO items (section, id, title, summary_html, content_html, author, image,
                                    published, first_seen, last_seen, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)
                 ON CONFLICT (section, id) DO UPDATE SET
                    title = excluded.title,
                    published = CASE WHEN ?11 THEN excluded.published ELSE items.published END,
                    summary_html = coalesce(excluded.summary_html, items.summary_html),
                    content_html = coalesce(excluded.content_html, items.content_html),
                    author = coalesce(excluded.author, items.author),
                    image = coalesce(excluded.image, items.image),
                    last_seen = excluded.last_seen",
            )?;
            for (position, item) in (0_i64..).zip(items) {
                upsert.execute(params![
                    section,
                    item.id,
                    item.title,
                    item.summary_html,
                    item.content_html,
                    item.author,
                    item.image,
                    ms(item.published),
                    ms(now),
                    position,
                    redate.contains(&item.id),
                ])?;
            }
        }
        // The prune takes only items this page no longer shows; a history that held nothing
        // before holds none of those.
        if !known.is_empty() {
            tx.prepare_cached(
                "DELETE FROM items WHERE section = ?1 AND last_seen < ?2
               AND (?4 IS NULL OR published < ?4)
               AND id NOT IN (SELECT id FROM items WHERE section = ?1
                              ORDER BY published DESC, first_seen DESC, position LIMIT ?3)",
            )?
            .execute(params![
                section,
                ms(now),
                retention.limit(),
                retention.cutoff(now)
            ])?;
        }
        tx.prepare_cached(
            "INSERT INTO pages (section, url, rules, etag, last_modified, body_hash, fetched_at,
                warnings)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (section, url) DO UPDATE SET rules = excluded.rules, etag = excluded.etag,
                last_modified = excluded.last_modified, body_hash = excluded.body_hash,
                fetched_at = excluded.fetched_at, warnings = excluded.warnings",
        )?
        .execute(params![
            section,
            url,
            cache.rules,
            cache.etag,
            cache.last_modified,
            cache.body_hash,
            ms(now),
            warnings_text(&cache.warnings)
        ])?;
        unit.commit()?;
        Ok(new)
    }

    /// The items of `section`'s feed: newest first (page order among equal dates), at most
    /// `max_items`, none older than `max_age_days`.
    pub fn feed_items(
        &self,
        section: &str,
        retention: Retention,
        now: DateTime<Utc>,
    ) -> Result<Vec<Item>, StoreError> {
        let cutoff = retention.cutoff(now).unwrap_or(i64::MIN);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, title, summary_html, content_html, author, image, published FROM items
             WHERE section = ?1 AND published >= ?2
             ORDER BY published DESC, first_seen DESC, position LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![section, cutoff, retention.limit()], |r| {
            Ok(Item {
                id: r.get(0)?,
                title: r.get(1)?,
                summary_html: r.get(2)?,
                content_html: r.get(3)?,
                author: r.get(4)?,
                image: r.get(5)?,
                published: from_ms(r.get(6)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// When each section's history last gained an item: when its feed was last refreshed
    /// with something new.
    pub fn last_additions(&self) -> Result<HashMap<String, DateTime<Utc>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT section, max(first_seen) FROM items GROUP BY section")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, from_ms(r.get(1)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many items `section`'s feed holds and the newest one's date, as [`Store::feed_items`]
    /// would give them, without reading the items.
    pub fn feed_summary(
        &self,
        section: &str,
        retention: Retention,
        now: DateTime<Utc>,
    ) -> Result<(usize, Option<DateTime<Utc>>), StoreError> {
        let cutoff = retention.cutoff(now).unwrap_or(i64::MIN);
        let (count, newest): (i64, Option<i64>) = self
            .conn
            .prepare_cached(
                "SELECT count(*), max(published) FROM (SELECT published FROM items
             WHERE section = ?1 AND published >= ?2 ORDER BY published DESC LIMIT ?3)",
            )?
            .query_row(params![section, cutoff, retention.limit()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok((to_count(count), newest.map(from_ms)))
    }

    /// How many items `section` has stored.
    pub fn item_count(&self, section: &str) -> Result<usize, StoreError> {
        let count: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM items WHERE section = ?1")?
            .query_row([section], |r| r.get(0))?;
        Ok(to_count(count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{item, now};

    const KEEP_3: Retention = Retention {
        max_items: 3,
        max_age_days: None,
    };

    fn none() -> HashSet<String> {
        HashSet::new()
    }

    #[test]
    fn history_keeps_items_that_left_the_page_and_orders_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s/state.db")).unwrap();
        let cache = PageCache::default();
        let new = store
            .update_section(
                &PageUpdate {
                    section: "a/b",
                    url: "u",
                    items: &[item("x", 2), item("y", 3)],
                    redate: &none(),
                    known: &store.known_dates("a/b").unwrap(),
                    cache: &cache,
                },
                KEEP_3,
                now(1),
            )
            .unwrap();
        assert_eq!(new, 2);
        let new = store
            .update_section(
                &PageUpdate {
                    section: "a/b",
                    url: "u",
                    items: &[item("z", 4), item("y", 3)],
                    redate: &none(),
                    known: &store.known_dates("a/b").unwrap(),
                    cache: &cache,
                },
                KEEP_3,
                now(2),
            )
            .unwrap();
        assert_eq!(new, 1);
        let titles: Vec<_> = store
            .feed_items("a/b", KEEP_3, now(2))
            .unwrap()
            .into_iter()
            .map(|i| i.title)
            .collect();
        assert_eq!(titles, ["Z", "Y", "X"]);
        // A fourth, newer item pushes the oldest one that is no longer on the page out.
        store
            .update_section(
                &PageUpdate {
                    section: "a/b",
                    url: "u",
                    items: &[item("w", 5)],
                    redate: &none(),
                    known: &store.known_dates("a/b").unwrap(),
                    cache: &cache,
                },
                KEEP_3,
                now(3),
            )
            .unwrap();
        assert_eq!(store.item_count("a/b").unwrap(), 3);
        assert!(
            !store
                .known_dates("a/b")
                .unwrap()
                .contains_key("https://e.org/x")
        );
    }

    #[test]
    fn equal_dates_keep_page_order_and_dates_never_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("state.db")).unwrap();
        let cache = PageCache::default();
        let page = [item("c", 2), item("a", 2), item("b", 2)];
        store
            .update_section(
                &PageUpdate {
                    section: "s",
                    url: "u",
                    items: &page,
                    redate: &none(),
                    known: &store.known_dates("s").unwrap(),
                    cache: &cache,
                },
                KEEP_3,
                now(1),
            )
            .unwrap();
        let mut moved = item("a", 9);
        moved.title = "A2".into();
        store
            .update_section(
                &PageUpdate {
                    section: "s",
                    url: "u",
                    items: &[moved],
                    redate: &none(),
                    known: &store.known_dates("s").unwrap(),
                    cache: &cache,
                },
                KEEP_3,
                now(2),
            )
            .unwrap();
        let items = store.feed_items("s", KEEP_3, now(2)).unwrap();
        let titles: Vec<_> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            ["C", "A2", "B"],
            "title updated, date and order kept"
        );
    }

    #[test]
    fn validators_round_trip_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut store = Store::open(&path).unwrap();
        let cache = PageCache {
            rules: "r1".into(),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            body_hash: Some("h".into()),
            warnings: vec![
                "date selector \"span.d\" matched nothing".into(),
                "2 undated".into(),
            ],
            saved: now(1),
        };
        store
            .update_section(
                &PageUpdate {
                    section: "s",
                    url: "http://x/",
                    items: &[item("a", 1)],
                    redate: &none(),
                    known: &store.known_dates("s").unwrap(),
                    cache: &cache,
                },
                KEEP_3,
                now(1),
            )
            .unwrap();
        assert_eq!(
            store.page_cache("s", "http://x/").unwrap(),
            Some(cache.clone())
        );
        assert_eq!(store.page_cache("other", "http://x/").unwrap(), None);
        drop(store);
        let reopened = Store::open(&path).unwrap();
        assert_eq!(reopened.item_count("s").unwrap(), 1);
        assert_eq!(
            reopened.page_cache("s", "http://x/").unwrap(),
            Some(cache.clone())
        );
        assert_eq!(reopened.standing_warnings("s").unwrap(), cache.warnings);
        assert!(reopened.standing_warnings("other").unwrap().is_empty());
    }
}
