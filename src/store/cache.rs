//! What the store remembers so that nothing is fetched or written twice: robots.txt per
//! origin, article pages per URL, and a stamp per output file.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, ms};
use crate::model::RawArticle;

/// Article-page fetches given up after this many failures.
pub const MAX_ARTICLE_ATTEMPTS: u32 = 3;

/// What the state knows of an article page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleRecord {
    /// Fetched and read: what it said.
    Read(RawArticle),
    /// Failed this many times so far.
    Failed(u32),
}

/// A cached robots.txt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredRobots {
    /// The file's text.
    Text(String),
    /// The host answered 4xx: everything is allowed.
    AllowAll,
}

/// What an output file looked like right after feedwright wrote (or confirmed) it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputStamp {
    /// Size in bytes.
    pub size: u64,
    /// A file's modification time in nanoseconds since the epoch; an object's content digest.
    pub version: i64,
    /// Digest of everything the file was rendered from besides the items.
    pub fingerprint: String,
    /// How many items the file shows, for a section's files.
    pub items: Option<usize>,
}

impl OutputStamp {
    /// Size and version, as the output compares them.
    pub fn stamp(&self) -> (u64, i64) {
        (self.size, self.version)
    }
}

impl Store {
    /// The robots.txt cached for `origin`, if it was saved no longer than `max_age` ago.
    pub fn robots(
        &self,
        origin: &str,
        max_age: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredRobots>, StoreError> {
        let body = self
            .conn
            .prepare_cached("SELECT body FROM robots WHERE host = ?1 AND fetched_at >= ?2")?
            .query_row(params![origin, ms(now - max_age)], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?;
        Ok(body.map(|body| body.map_or(StoredRobots::AllowAll, StoredRobots::Text)))
    }

    /// Saves an origin's robots.txt.
    pub fn save_robots(
        &self,
        origin: &str,
        robots: &StoredRobots,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let body = match robots {
            StoredRobots::Text(text) => Some(text.as_str()),
            StoredRobots::AllowAll => None,
        };
        self.conn
            .prepare_cached(
                "INSERT INTO robots (host, body, fetched_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (host) DO UPDATE SET body = excluded.body,
                    fetched_at = excluded.fetched_at",
            )?
            .execute(params![origin, body, ms(now)])?;
        Ok(())
    }

    /// What is known of the article page at `url`, if it was ever tried.
    pub fn article(&self, url: &str) -> Result<Option<ArticleRecord>, StoreError> {
        let row = self
            .conn
            .prepare_cached("SELECT attempts, data FROM articles WHERE url = ?1")?
            .query_row([url], |r| {
                Ok((r.get::<_, u32>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .optional()?;
        Ok(row.map(
            |(attempts, data)| match data.and_then(|d| serde_json::from_str(&d).ok()) {
                Some(article) => ArticleRecord::Read(article),
                None => ArticleRecord::Failed(attempts),
            },
        ))
    }

    /// Records an article fetch: what the page said, or (`None`) one more failure.
    pub fn save_article(
        &self,
        url: &str,
        article: Option<&RawArticle>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let data = article.map(|a| serde_json::to_string(a).expect("article serialises"));
        self.conn
            .prepare_cached(
                "INSERT INTO articles (url, attempts, data, fetched_at) VALUES (?1, 1, ?2, ?3)
             ON CONFLICT (url) DO UPDATE SET attempts = attempts + 1, data = excluded.data,
                fetched_at = excluded.fetched_at",
            )?
            .execute(params![url, data, ms(now)])?;
        Ok(())
    }

    /// The stamp recorded for an output file.
    pub fn output(&self, path: &str) -> Result<Option<OutputStamp>, StoreError> {
        Ok(self.outputs(&[path.to_string()])?.pop().flatten())
    }

    /// The stamps recorded for `paths`, in their order, in one lookup of the paths sharing
    /// their common beginning (a section's files: `{stem}.xml`, `{stem}.html`, …).
    pub fn outputs(&self, paths: &[String]) -> Result<Vec<Option<OutputStamp>>, StoreError> {
        let prefix = common_prefix(paths);
        // Text compares bytewise: no path with the prefix sorts after it followed by U+10FFFF.
        let end = format!("{prefix}\u{10FFFF}");
        let mut stmt = self.conn.prepare_cached(
            "SELECT path, size, mtime_ns, fingerprint, items FROM outputs
             WHERE path >= ?1 AND path < ?2",
        )?;
        let mut found: Vec<(String, OutputStamp)> = stmt
            .query_map([prefix, end.as_str()], |r| {
                Ok((
                    r.get(0)?,
                    OutputStamp {
                        size: r.get::<_, i64>(1)?.unsigned_abs(),
                        version: r.get(2)?,
                        fingerprint: r.get(3)?,
                        items: r
                            .get::<_, Option<i64>>(4)?
                            .and_then(|n| usize::try_from(n).ok()),
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        Ok(paths
            .iter()
            .map(|path| {
                let at = found.iter().position(|(p, _)| p == path)?;
                Some(found.swap_remove(at).1)
            })
            .collect())
    }

    /// Records output files' stamps (path and stamp), in one transaction.
    pub fn save_outputs(&self, stamps: &[(String, OutputStamp)]) -> Result<(), StoreError> {
        let unit = self.unit()?;
        {
            let mut save = unit.conn().prepare_cached(
                "INSERT INTO outputs (path, size, mtime_ns, fingerprint, items)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (path) DO UPDATE SET size = excluded.size,
                    mtime_ns = excluded.mtime_ns, fingerprint = excluded.fingerprint,
                    items = excluded.items",
            )?;
            for (path, stamp) in stamps {
                save.execute(params![
                    path,
                    i64::try_from(stamp.size).unwrap_or(i64::MAX),
                    stamp.version,
                    stamp.fingerprint,
                    stamp.items.and_then(|n| i64::try_from(n).ok()),
                ])?;
            }
        }
        unit.commit()?;
        Ok(())
    }
}

/// The longest beginning all `paths` share (whole characters).
fn common_prefix(paths: &[String]) -> &str {
    let Some((first, rest)) = paths.split_first() else {
        return "";
    };
    let mut len = first.len();
    for path in rest {
        len = first
            .bytes()
            .zip(path.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    &first[..first.floor_char_boundary(len)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::now;

    #[test]
    fn article_records_count_failures_and_keep_results() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        assert_eq!(store.article("u").unwrap(), None);
        store.save_article("u", None, now(1)).unwrap();
        store.save_article("u", None, now(2)).unwrap();
        assert_eq!(store.article("u").unwrap(), Some(ArticleRecord::Failed(2)));
        let article = RawArticle {
            author: Some("A".into()),
            ..RawArticle::default()
        };
        store.save_article("u", Some(&article), now(3)).unwrap();
        assert_eq!(
            store.article("u").unwrap(),
            Some(ArticleRecord::Read(article))
        );
    }

    #[test]
    fn robots_are_cached_for_their_lifetime_and_tell_allow_all_from_text() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        let text = StoredRobots::Text("User-agent: *".into());
        store.save_robots("http://x", &text, now(1)).unwrap();
        store
            .save_robots("http://y", &StoredRobots::AllowAll, now(1))
            .unwrap();
        let day = chrono::Duration::hours(24);
        assert_eq!(store.robots("http://x", day, now(2)).unwrap(), Some(text));
        assert_eq!(
            store.robots("http://y", day, now(2)).unwrap(),
            Some(StoredRobots::AllowAll)
        );
        assert_eq!(store.robots("http://z", day, now(2)).unwrap(), None);
        let later = now(1) + chrono::Duration::hours(25);
        assert_eq!(store.robots("http://x", day, later).unwrap(), None);
    }

    #[test]
    fn output_stamps_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        let stamp = OutputStamp {
            size: 12,
            version: 34,
            fingerprint: "f".into(),
            items: Some(5),
        };
        assert_eq!(store.output("a/b.xml").unwrap(), None);
        store
            .save_outputs(&[("a/b.xml".into(), stamp.clone())])
            .unwrap();
        assert_eq!(store.output("a/b.xml").unwrap(), Some(stamp.clone()));
        let other = OutputStamp {
            items: None,
            ..stamp.clone()
        };
        store
            .save_outputs(&[
                ("a/b.html".into(), other.clone()),
                ("a/bc.xml".into(), other.clone()),
            ])
            .unwrap();
        let paths = ["a/b.json".to_string(), "a/b.html".into(), "a/b.xml".into()];
        assert_eq!(
            store.outputs(&paths).unwrap(),
            [None, Some(other), Some(stamp)]
        );
    }
}
