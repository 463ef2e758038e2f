//! The run log: how each section's runs ended, with what each read found (items, and how many
//! carried a date, summary, image, author), kept for the last [`KEPT_PER_SECTION`] runs of each
//! section. `watch` reads it at start so that a failing section keeps backing off across
//! restarts; drift warnings and `status` are read from it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, from_ms, ms};

/// Log entries kept per section; older ones are pruned as new ones arrive.
const KEPT_PER_SECTION: i64 = 100;

/// How many of a page's items carried each field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Items with a date of their own (not the first-seen time).
    pub dated: usize,
    /// Items with a summary.
    pub summary: usize,
    /// Items with an image.
    pub image: usize,
    /// Items with an author.
    pub author: usize,
    /// Items with their article's text (`[site.article] content`).
    pub content: usize,
}

/// What one run of a section did, in numbers: the pass reports it, the run log stores it and
/// reads it back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Items on the page (0 when it was not read again).
    pub found: usize,
    /// How many of them carried each field.
    pub coverage: Coverage,
    /// Items new to the history.
    pub new: usize,
    /// Items in the feed.
    pub kept: usize,
    /// Requests made, robots.txt and article pages included.
    pub requests: u32,
    /// 304 answers.
    pub not_modified: u32,
    /// Body bytes fetched.
    pub bytes: u64,
    /// Wall time in milliseconds.
    pub millis: u64,
}

/// One section's outcome, for the run log.
#[derive(Debug, Clone)]
pub struct RunEntry {
    /// `site/section`.
    pub section: String,
    /// `None` when it succeeded, else the stable error kind and the reason.
    pub failure: Option<(&'static str, String)>,
    /// What it did.
    pub counts: Counts,
}

/// A logged run of one section, as `status`, drift warnings and metrics read it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRun {
    /// When it ended.
    pub ended: DateTime<Utc>,
    /// The stable error kind and the reason, if it failed.
    pub failure: Option<(String, String)>,
    /// What it did.
    pub counts: Counts,
}

/// A count as SQLite stores it.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A count read back.
fn uncount(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Store {
    /// Records a finished run and its sections, pruning each section's oldest entries.
    pub fn log_run(
        &self,
        started: DateTime<Utc>,
        ended: DateTime<Utc>,
        entries: &[RunEntry],
    ) -> Result<(), StoreError> {
        let unit = self.unit()?;
        let conn = unit.conn();
        let requests: u32 = entries.iter().map(|e| e.counts.requests).sum();
        let failed = entries.iter().filter(|e| e.failure.is_some()).count();
        conn.prepare_cached(
            "INSERT INTO runs (started, ended, requests, failed) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![ms(started), ms(ended), requests, count(failed)])?;
        let run_id = conn.last_insert_rowid();
        {
            let mut insert = conn.prepare_cached(
                "INSERT INTO run_sections (run_id, section, status, error_kind, reason, found,
                                           new, kept, requests, not_modified, dated, summaries,
                                           images, authors, bytes, millis, ended, contents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18)",
            )?;
            let mut prune = conn.prepare_cached(
                "DELETE FROM run_sections WHERE section = ?1 AND run_id <
                   (SELECT run_id FROM run_sections WHERE section = ?1
                    ORDER BY run_id DESC LIMIT 1 OFFSET ?2)",
            )?;
            for entry in entries {
                let e = &entry.counts;
                let (status, kind, reason) = match &entry.failure {
                    None => ("ok", None, None),
                    Some((kind, reason)) => ("failed", Some(*kind), Some(reason.as_str())),
                };
                insert.execute(params![
                    run_id,
                    entry.section,
                    status,
                    kind,
                    reason,
                    count(e.found),
                    count(e.new),
                    count(e.kept),
                    e.requests,
                    e.not_modified,
                    count(e.coverage.dated),
                    count(e.coverage.summary),
                    count(e.coverage.image),
                    count(e.coverage.author),
                    i64::try_from(e.bytes).unwrap_or(i64::MAX),
                    i64::try_from(e.millis).unwrap_or(i64::MAX),
                    ms(ended),
                    count(e.coverage.content),
                ])?;
                prune.execute(params![entry.section, KEPT_PER_SECTION - 1])?;
            }
        }
        conn.prepare_cached("DELETE FROM runs WHERE id < (SELECT min(run_id) FROM run_sections)")?
            .execute([])?;
        unit.commit()?;
        Ok(())
    }

    /// For every section whose latest run failed: why.
    pub fn failing(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.section, s.reason FROM run_sections s
             WHERE s.status = 'failed' AND s.run_id =
                (SELECT max(o.run_id) FROM run_sections o WHERE o.section = s.section)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// For every section whose latest runs failed: how many failed in a row.
    pub fn failure_streaks(&self) -> Result<HashMap<String, u32>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.section, count(*) FROM run_sections s
             WHERE s.status = 'failed' AND s.run_id > coalesce(
                (SELECT max(o.run_id) FROM run_sections o
                 WHERE o.section = s.section AND o.status = 'ok'), 0)
             GROUP BY s.section",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The latest `limit` runs of `section`, newest first.
    pub fn recent_runs(&self, section: &str, limit: usize) -> Result<Vec<LoggedRun>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.ended, r.ended, s.error_kind, s.reason, s.found, s.new, s.kept, s.requests,
                    s.not_modified, s.dated, s.summaries, s.images, s.authors, s.bytes, s.millis,
                    s.contents
             FROM run_sections s JOIN runs r ON r.id = s.run_id
             WHERE s.section = ?1 ORDER BY s.run_id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![section, count(limit)], |r| {
            let ended: i64 = r.get(0)?;
            let run_ended: Option<i64> = r.get(1)?;
            let kind: Option<String> = r.get(2)?;
            let reason: Option<String> = r.get(3)?;
            Ok(LoggedRun {
                ended: from_ms(if ended > 0 {
                    ended
                } else {
                    run_ended.unwrap_or(0)
                }),
                failure: kind.map(|k| (k, reason.unwrap_or_default())),
                counts: Counts {
                    found: uncount(r.get(4)?),
                    new: uncount(r.get(5)?),
                    kept: uncount(r.get(6)?),
                    requests: r.get(7)?,
                    not_modified: r.get(8)?,
                    coverage: Coverage {
                        dated: uncount(r.get(9)?),
                        summary: uncount(r.get(10)?),
                        image: uncount(r.get(11)?),
                        author: uncount(r.get(12)?),
                        content: uncount(r.get(15)?),
                    },
                    bytes: u64::try_from(r.get::<_, i64>(13)?).unwrap_or(0),
                    millis: u64::try_from(r.get::<_, i64>(14)?).unwrap_or(0),
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The `watch` interval chosen for `section` by `every = "auto"`, if one was.
    pub fn schedule(&self, section: &str) -> Result<Option<std::time::Duration>, StoreError> {
        let every: Option<i64> = self
            .conn
            .prepare_cached("SELECT every_ms FROM schedule WHERE section = ?1")?
            .query_row([section], |r| r.get(0))
            .optional()?;
        Ok(every.map(|ms| std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0))))
    }

    /// Saves the `watch` interval chosen for `section`.
    pub fn save_schedule(
        &self,
        section: &str,
        every: std::time::Duration,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO schedule (section, every_ms) VALUES (?1, ?2)
                 ON CONFLICT (section) DO UPDATE SET every_ms = excluded.every_ms",
            )?
            .execute(params![
                section,
                i64::try_from(every.as_millis()).unwrap_or(i64::MAX)
            ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::now;

    fn entry(section: &str, failed: bool) -> RunEntry {
        RunEntry {
            section: section.into(),
            failure: failed.then(|| ("fetch", format!("{section}: timed out"))),
            counts: Counts {
                found: 4,
                coverage: Coverage {
                    dated: 3,
                    ..Coverage::default()
                },
                new: 1,
                kept: 1,
                requests: 2,
                not_modified: 0,
                bytes: 100,
                millis: 5,
            },
        }
    }

    #[test]
    fn streaks_count_failures_since_the_last_success_across_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let store = Store::open(&path).unwrap();
        store
            .log_run(now(1), now(1), &[entry("a", true), entry("b", true)])
            .unwrap();
        store
            .log_run(now(2), now(2), &[entry("a", false), entry("b", true)])
            .unwrap();
        store
            .log_run(now(3), now(3), &[entry("a", true), entry("c", false)])
            .unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        let streaks = store.failure_streaks().unwrap();
        assert_eq!(streaks.get("a"), Some(&1), "the success in run 2 resets a");
        assert_eq!(streaks.get("b"), Some(&2));
        assert_eq!(streaks.get("c"), None, "c never failed");
        let recent = store.recent_runs("a", 10).unwrap();
        assert_eq!(recent.len(), 3);
        assert_eq!(recent[0].ended, now(3), "newest first");
        assert_eq!(
            recent[0].failure,
            Some(("fetch".to_string(), "a: timed out".to_string()))
        );
        assert_eq!(recent[1].failure, None);
        assert_eq!(recent[1].counts.coverage.dated, 3);
        assert_eq!(recent[1].counts.bytes, 100);
    }

    #[test]
    fn each_section_keeps_only_its_latest_entries() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        for _ in 0..KEPT_PER_SECTION + 20 {
            store
                .log_run(now(1), now(1), &[entry("a", true), entry("b", false)])
                .unwrap();
        }
        let kept: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM run_sections WHERE section = 'a'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, KEPT_PER_SECTION);
        let runs: i64 = store
            .conn
            .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            runs, KEPT_PER_SECTION,
            "runs without entries are pruned too"
        );
        assert_eq!(
            store.failure_streaks().unwrap().get("a"),
            Some(&u32::try_from(KEPT_PER_SECTION).unwrap())
        );
    }

    #[test]
    fn schedules_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("state.db")).unwrap();
        assert_eq!(store.schedule("s").unwrap(), None);
        let every = std::time::Duration::from_secs(900);
        store.save_schedule("s", every).unwrap();
        assert_eq!(store.schedule("s").unwrap(), Some(every));
    }
}
