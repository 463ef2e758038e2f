//! Changing the number of workers without losing history: the shard count a state was last
//! used with, and seeding a state with its sections' items (and their article pages) from a
//! state of another layout, dates and first-seen times as they were.

use std::path::Path;

use super::{Store, StoreError};

/// The `settings` key of the shard count.
const SHARD_COUNT: &str = "shard_count";

impl Store {
    /// The number of shards this state was last used with (`None`: not recorded yet).
    pub fn shard_count(&self) -> Result<Option<u32>, StoreError> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [SHARD_COUNT],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        Ok(value.and_then(|v| v.parse().ok()))
    }

    /// Records the number of shards this state is used with.
    pub fn set_shard_count(&self, count: u32) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            rusqlite::params![SHARD_COUNT, count.to_string()],
        )?;
        Ok(())
    }

    /// Copies, from the state at `other`, the items of those `sections` that have none here,
    /// with the article-page records of those items, in one transaction. Returns the sections
    /// it gave items to.
    pub fn seed_from(
        &mut self,
        other: &Path,
        sections: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let path = other.to_string_lossy();
        self.conn
            .execute("ATTACH DATABASE ?1 AS seed", [path.as_ref()])?;
        let seeded = self.copy_sections(sections);
        let detached = self.conn.execute("DETACH DATABASE seed", []);
        let seeded = seeded?;
        detached?;
        Ok(seeded)
    }

    fn copy_sections(&mut self, sections: &[String]) -> Result<Vec<String>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut seeded = Vec::new();
        for section in sections {
            let empty: bool = tx.query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM main.items WHERE section = ?1)",
                [section],
                |r| r.get(0),
            )?;
            if !empty {
                continue;
            }
            let copied = tx.execute(
                "INSERT OR IGNORE INTO main.items (section, id, title, summary_html, content_html,
                     author, image, published, first_seen, last_seen, position)
                 SELECT section, id, title, summary_html, content_html, author, image, published,
                     first_seen, last_seen, position
                 FROM seed.items WHERE section = ?1",
                [section],
            )?;
            if copied == 0 {
                continue;
            }
            tx.execute(
                "INSERT OR IGNORE INTO main.articles (url, attempts, data, fetched_at)
                 SELECT url, attempts, data, fetched_at FROM seed.articles
                 WHERE url IN (SELECT id FROM seed.items WHERE section = ?1)",
                [section],
            )?;
            seeded.push(section.clone());
        }
        tx.commit()?;
        Ok(seeded)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{item, now};
    use super::*;
    use crate::store::{PageCache, PageUpdate, Retention};

    fn fill(store: &mut Store, section: &str, ids: &[&str]) {
        let items: Vec<_> = ids.iter().map(|id| item(id, 3)).collect();
        let update = PageUpdate {
            section,
            url: "https://e.org/",
            items: &items,
            redate: &Default::default(),
            known: &store.known_dates(section).unwrap(),
            cache: &PageCache::default(),
        };
        let retention = Retention {
            max_items: 50,
            max_age_days: None,
        };
        store.update_section(&update, retention, now(1)).unwrap();
    }

    #[test]
    fn seeds_only_sections_without_items_and_keeps_their_dates() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("state-0.db");
        let mut source = Store::open(&old).unwrap();
        fill(&mut source, "a/one", &["x", "y"]);
        fill(&mut source, "b/two", &["z"]);
        drop(source);

        let mut fresh = Store::open(&dir.path().join("state-1.db")).unwrap();
        assert_eq!(fresh.shard_count().unwrap(), None);
        fill(&mut fresh, "b/two", &["w"]);
        let seeded = fresh
            .seed_from(&old, &["a/one".to_string(), "b/two".to_string()])
            .unwrap();
        assert_eq!(seeded, ["a/one"]);
        assert_eq!(fresh.item_count("a/one").unwrap(), 2);
        assert_eq!(
            fresh.item_count("b/two").unwrap(),
            1,
            "its own history stays"
        );
        let dates = fresh.known_dates("a/one").unwrap();
        assert_eq!(dates["https://e.org/x"], item("x", 3).published);
        fresh.set_shard_count(4).unwrap();
        assert_eq!(fresh.shard_count().unwrap(), Some(4));
    }
}
