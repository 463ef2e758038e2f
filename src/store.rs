//! The embedded SQLite state (DESIGN §7): item history per section, HTTP validators per URL,
//! robots.txt per host, a log of runs, and the lock that keeps to one writer.
//!
//! WAL mode, one transaction per section update, schema versioned with `PRAGMA user_version`.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, params};

use crate::model::{Item, RawArticle};

/// Marks a SQLite file as ours (`PRAGMA application_id`, "FDWR").
const APPLICATION_ID: i64 = 0x4644_5752;

/// Forward migrations; entry `n` takes the schema from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE items (
    section      TEXT NOT NULL,
    id           TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary_html TEXT,
    content_html TEXT,
    author       TEXT,
    image        TEXT,
    published    INTEGER NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (section, id)
) WITHOUT ROWID;
CREATE INDEX items_order ON items (section, published DESC, first_seen DESC, position);
CREATE TABLE pages (
    section       TEXT NOT NULL,
    url           TEXT NOT NULL,
    rules         TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    body_hash     TEXT,
    fetched_at    INTEGER NOT NULL,
    PRIMARY KEY (section, url)
) WITHOUT ROWID;
CREATE TABLE robots (
    host       TEXT PRIMARY KEY,
    body       TEXT,
    fetched_at INTEGER NOT NULL
);
CREATE TABLE runs (
    id       INTEGER PRIMARY KEY,
    started  INTEGER NOT NULL,
    ended    INTEGER,
    requests INTEGER NOT NULL DEFAULT 0,
    failed   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE run_sections (
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    section      TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT,
    found        INTEGER NOT NULL,
    new          INTEGER NOT NULL,
    kept         INTEGER NOT NULL,
    requests     INTEGER NOT NULL,
    not_modified INTEGER NOT NULL
);
",
    r"
CREATE TABLE articles (
    url        TEXT PRIMARY KEY,
    attempts   INTEGER NOT NULL,
    data       TEXT,
    fetched_at INTEGER NOT NULL
);
",
    r"
CREATE TABLE outputs (
    path        TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    fingerprint TEXT NOT NULL
);
",
];

/// What a feed file looked like right after feedwright wrote (or confirmed) it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputStamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// Digest of everything the file was rendered from besides the items.
    pub fingerprint: String,
}

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

/// Why the state could not be used; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not a SQLite database or is damaged.
    #[error(
        "{path}: not a usable feedwright state file ({message}); move it aside to start afresh"
    )]
    Corrupt {
        /// State file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// A SQLite database that belongs to something else.
    #[error("{path}: this SQLite file is not a feedwright state file; refusing to touch it")]
    Foreign {
        /// State file.
        path: PathBuf,
    },
    /// Written by a newer feedwright.
    #[error(
        "{path}: state schema version {found} is newer than this feedwright understands ({known})"
    )]
    Newer {
        /// State file.
        path: PathBuf,
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        known: usize,
    },
    /// Another process holds the state lock.
    #[error("{path}: another feedwright run or watch (pid {pid}) is using this state")]
    Locked {
        /// Lock file.
        path: PathBuf,
        /// Holder's process id, as it wrote it.
        pid: String,
    },
    /// A query failed.
    #[error("state database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The file or its folder could not be created.
    #[error("{path}: {source}")]
    Io {
        /// File involved.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// HTTP validators and the body hash of a section's page after its last good fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageCache {
    /// Fingerprint of the section's rules the page was read with.
    pub rules: String,
    /// `ETag` of the last good answer.
    pub etag: Option<String>,
    /// `Last-Modified` of the last good answer.
    pub last_modified: Option<String>,
    /// SHA-256 of the last good body.
    pub body_hash: Option<String>,
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
    pub redate: &'a std::collections::HashSet<String>,
    /// Validators and body hash to send next time.
    pub cache: &'a PageCache,
}

/// How many items a section's history keeps (DESIGN §7).
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// The newest this many are always kept (and shown).
    pub max_items: usize,
    /// Items newer than this are kept too.
    pub max_age_days: Option<u32>,
}

impl Retention {
    /// The oldest publication time (ms) a feed shows, when `max_age_days` is set.
    fn cutoff(&self, now: DateTime<Utc>) -> Option<i64> {
        self.max_age_days
            .map(|days| ms(now - chrono::Duration::days(i64::from(days))))
    }
}

/// One section's outcome, for the run log.
#[derive(Debug, Clone)]
pub struct RunEntry {
    /// `site/section`.
    pub section: String,
    /// `None` when it succeeded, else the reason.
    pub failure: Option<String>,
    /// Items on the page.
    pub found: usize,
    /// Items new to the history.
    pub new: usize,
    /// Items in the feed.
    pub kept: usize,
    /// Requests made.
    pub requests: u32,
    /// 304 answers.
    pub not_modified: u32,
}

/// The open state database.
pub struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or(DateTime::UNIX_EPOCH)
}

impl Store {
    /// Opens (or creates) the state at `path`, migrating its schema forward.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| StoreError::Io {
                path: folder.to_path_buf(),
                source,
            })?;
        }
        let corrupt = |e: rusqlite::Error| StoreError::Corrupt {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let conn = Connection::open(path).map_err(corrupt)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(corrupt)?;
        // Only the holder of the state lock opens the store, so SQLite need not lock the file
        // again for every statement. Set before the first read, it also keeps the WAL index in
        // memory instead of a shared `-shm` file.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(corrupt)?;
        let app_id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(corrupt)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(corrupt)?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(corrupt)?;
        if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(StoreError::Foreign {
                path: path.to_path_buf(),
            });
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::Newer {
                path: path.to_path_buf(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(corrupt)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Every statement of a section's update is prepared once per run, not once per section;
        // a stable query plan keeps SQLite from preparing one again for each new cutoff value.
        conn.set_prepared_statement_cache_capacity(32);
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let mut store = Store { conn };
        store.migrate(version as usize)?;
        Ok(store)
    }

    fn migrate(&mut self, from: usize) -> Result<(), StoreError> {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(from) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// What was saved for `section`'s page at `url` after its last good fetch.
    pub fn page_cache(&self, section: &str, url: &str) -> Result<Option<PageCache>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT rules, etag, last_modified, body_hash FROM pages
                 WHERE section = ?1 AND url = ?2",
            )?
            .query_row([section, url], |r| {
                Ok(PageCache {
                    rules: r.get(0)?,
                    etag: r.get(1)?,
                    last_modified: r.get(2)?,
                    body_hash: r.get(3)?,
                })
            })
            .optional()?)
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
            cache,
        } = *update;
        let tx = self.conn.transaction()?;
        let mut new = 0;
        {
            let mut exists =
                tx.prepare_cached("SELECT 1 FROM items WHERE section = ?1 AND id = ?2")?;
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
            for (position, item) in items.iter().enumerate() {
                if !exists.exists(params![section, item.id])? {
                    new += 1;
                }
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
                    position as i64,
                    redate.contains(&item.id),
                ])?;
            }
        }
        let cutoff = retention.cutoff(now);
        tx.prepare_cached(
            "DELETE FROM items WHERE section = ?1 AND last_seen < ?2
               AND (?4 IS NULL OR published < ?4)
               AND id NOT IN (SELECT id FROM items WHERE section = ?1
                              ORDER BY published DESC, first_seen DESC, position LIMIT ?3)",
        )?
        .execute(params![
            section,
            ms(now),
            retention.max_items as i64,
            cutoff
        ])?;
        tx.prepare_cached(
            "INSERT INTO pages (section, url, rules, etag, last_modified, body_hash, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (section, url) DO UPDATE SET rules = excluded.rules, etag = excluded.etag,
                last_modified = excluded.last_modified, body_hash = excluded.body_hash,
                fetched_at = excluded.fetched_at",
        )?
        .execute(params![
            section,
            url,
            cache.rules,
            cache.etag,
            cache.last_modified,
            cache.body_hash,
            ms(now)
        ])?;
        tx.commit()?;
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
        let rows = stmt.query_map(params![section, cutoff, retention.max_items as i64], |r| {
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
        Ok(self
            .conn
            .prepare_cached("SELECT size, mtime_ns, fingerprint FROM outputs WHERE path = ?1")?
            .query_row([path], |r| {
                Ok(OutputStamp {
                    size: r.get::<_, i64>(0)? as u64,
                    mtime_ns: r.get(1)?,
                    fingerprint: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Records an output file's stamp.
    pub fn save_output(&self, path: &str, stamp: &OutputStamp) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO outputs (path, size, mtime_ns, fingerprint) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
                fingerprint = excluded.fingerprint",
            )?
            .execute(params![
                path,
                stamp.size as i64,
                stamp.mtime_ns,
                stamp.fingerprint
            ])?;
        Ok(())
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
            .query_row(params![section, cutoff, retention.max_items as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok((count as usize, newest.map(from_ms)))
    }

    /// How many items `section` has stored.
    pub fn item_count(&self, section: &str) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM items WHERE section = ?1")?
            .query_row([section], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// A cached robots.txt for `host` no older than `max_age`: `Some(None)` means allow-all.
    pub fn robots(
        &self,
        host: &str,
        max_age: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<Option<String>>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT body FROM robots WHERE host = ?1 AND fetched_at >= ?2")?
            .query_row(params![host, ms(now - max_age)], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?)
    }

    /// Saves a host's robots.txt (`None`: it answered 4xx, so everything is allowed).
    pub fn save_robots(
        &self,
        host: &str,
        body: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO robots (host, body, fetched_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (host) DO UPDATE SET body = excluded.body,
                    fetched_at = excluded.fetched_at",
            )?
            .execute(params![host, body, ms(now)])?;
        Ok(())
    }

    /// Records a finished run and its sections.
    pub fn log_run(
        &mut self,
        started: DateTime<Utc>,
        ended: DateTime<Utc>,
        entries: &[RunEntry],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let requests: u32 = entries.iter().map(|e| e.requests).sum();
        let failed = entries.iter().filter(|e| e.failure.is_some()).count();
        tx.execute(
            "INSERT INTO runs (started, ended, requests, failed) VALUES (?1, ?2, ?3, ?4)",
            params![ms(started), ms(ended), requests, failed as i64],
        )?;
        let run_id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO run_sections (run_id, section, status, reason, found, new, kept,
                                           requests, not_modified)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for e in entries {
                let status = if e.failure.is_some() { "failed" } else { "ok" };
                insert.execute(params![
                    run_id,
                    e.section,
                    status,
                    e.failure,
                    e.found as i64,
                    e.new as i64,
                    e.kept as i64,
                    e.requests,
                    e.not_modified
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// Exclusive use of a state file by one process, released when dropped or when the process dies.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the lock beside `state_path` (`<state>.lock`), or says which pid holds it.
pub fn lock(state_path: &Path) -> Result<Lock, StoreError> {
    let mut path = state_path.as_os_str().to_owned();
    path.push(".lock");
    let path = PathBuf::from(path);
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(io)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            writeln!(file, "{}", std::process::id()).map_err(io)?;
            file.flush().map_err(io)?;
            Ok(Lock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            let pid = if pid.is_empty() {
                "unknown".to_string()
            } else {
                pid.to_string()
            };
            Err(StoreError::Locked { path, pid })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(id: &str, day: u32) -> Item {
        Item {
            id: format!("https://e.org/{id}"),
            title: id.to_uppercase(),
            summary_html: None,
            content_html: None,
            author: None,
            image: None,
            published: Utc.with_ymd_and_hms(2024, 1, day, 0, 0, 0).unwrap(),
        }
    }

    fn now(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 2, 1, hour, 0, 0).unwrap()
    }

    const KEEP_3: Retention = Retention {
        max_items: 3,
        max_age_days: None,
    };

    fn none() -> std::collections::HashSet<String> {
        std::collections::HashSet::new()
    }

    #[test]
    fn older_schemas_are_migrated_forward_keeping_their_items() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO items VALUES ('s', 'https://e.org/a', 'A', NULL, NULL, NULL, NULL, 0, 0, 0, 0)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.item_count("s").unwrap(), 1);
        assert_eq!(
            store.article("u").unwrap(),
            None,
            "the v2 articles table exists"
        );
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

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
    fn validators_robots_and_run_log_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut store = Store::open(&path).unwrap();
        let cache = PageCache {
            rules: "r1".into(),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            body_hash: Some("h".into()),
        };
        store
            .update_section(
                &PageUpdate {
                    section: "s",
                    url: "http://x/",
                    items: &[item("a", 1)],
                    redate: &none(),
                    cache: &cache,
                },
                KEEP_3,
                now(1),
            )
            .unwrap();
        assert_eq!(store.page_cache("s", "http://x/").unwrap(), Some(cache));
        assert_eq!(store.page_cache("other", "http://x/").unwrap(), None);
        store
            .save_robots("x", Some("User-agent: *"), now(1))
            .unwrap();
        store.save_robots("y", None, now(1)).unwrap();
        let day = chrono::Duration::hours(24);
        assert_eq!(
            store.robots("x", day, now(2)).unwrap(),
            Some(Some("User-agent: *".into()))
        );
        assert_eq!(store.robots("y", day, now(2)).unwrap(), Some(None));
        assert_eq!(
            store
                .robots("x", day, now(1) + chrono::Duration::hours(25))
                .unwrap(),
            None
        );
        let entry = RunEntry {
            section: "s".into(),
            failure: None,
            found: 1,
            new: 1,
            kept: 1,
            requests: 2,
            not_modified: 0,
        };
        store.log_run(now(1), now(2), &[entry]).unwrap();
        drop(store);
        let reopened = Store::open(&path).unwrap();
        assert_eq!(reopened.item_count("s").unwrap(), 1);
    }

    #[test]
    fn foreign_and_corrupt_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.db");
        std::fs::write(
            &garbage,
            b"this is not a database at all, just some text bytes",
        )
        .unwrap();
        let err = Store::open(&garbage).unwrap_err().to_string();
        assert!(
            err.contains("garbage.db") && err.contains("not a usable feedwright state file"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&garbage).unwrap(),
            b"this is not a database at all, just some text bytes"
        );

        let foreign = dir.path().join("other.db");
        Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE t (x);")
            .unwrap();
        assert!(matches!(
            Store::open(&foreign),
            Err(StoreError::Foreign { .. })
        ));

        let newer = dir.path().join("newer.db");
        drop(Store::open(&newer).unwrap());
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        assert!(matches!(
            Store::open(&newer),
            Err(StoreError::Newer { found: 99, .. })
        ));
    }

    #[test]
    fn lock_is_exclusive_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.db");
        let held = lock(&state).unwrap();
        match lock(&state) {
            Err(StoreError::Locked { pid, .. }) => assert_eq!(pid, std::process::id().to_string()),
            other => panic!("{other:?}"),
        }
        drop(held);
        lock(&state).unwrap();
    }
}
