//! The run log: how each section's runs ended, kept for the last [`KEPT_PER_SECTION`] runs of
//! each section. `watch` reads it at start so that a failing section keeps backing off across
//! restarts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, ms};

/// Log entries kept per section; older ones are pruned as new ones arrive.
const KEPT_PER_SECTION: i64 = 100;

/// One section's outcome, for the run log.
#[derive(Debug, Clone)]
pub struct RunEntry {
    /// `site/section`.
    pub section: String,
    /// `None` when it succeeded, else the stable error kind and the reason.
    pub failure: Option<(&'static str, String)>,
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

/// A count as SQLite stores it.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Records a finished run and its sections, pruning each section's oldest entries.
    pub fn log_run(
        &mut self,
        started: DateTime<Utc>,
        ended: DateTime<Utc>,
        entries: &[RunEntry],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let requests: u32 = entries.iter().map(|e| e.requests).sum();
        let failed = entries.iter().filter(|e| e.failure.is_some()).count();
        tx.prepare_cached(
            "INSERT INTO runs (started, ended, requests, failed) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![ms(started), ms(ended), requests, count(failed)])?;
        let run_id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO run_sections (run_id, section, status, error_kind, reason, found,
                                           new, kept, requests, not_modified)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut prune = tx.prepare_cached(
                "DELETE FROM run_sections WHERE section = ?1 AND run_id <
                   (SELECT run_id FROM run_sections WHERE section = ?1
                    ORDER BY run_id DESC LIMIT 1 OFFSET ?2)",
            )?;
            for e in entries {
                let (status, kind, reason) = match &e.failure {
                    None => ("ok", None, None),
                    Some((kind, reason)) => ("failed", Some(*kind), Some(reason.as_str())),
                };
                insert.execute(params![
                    run_id,
                    e.section,
                    status,
                    kind,
                    reason,
                    count(e.found),
                    count(e.new),
                    count(e.kept),
                    e.requests,
                    e.not_modified
                ])?;
                prune.execute(params![e.section, KEPT_PER_SECTION - 1])?;
            }
        }
        tx.prepare_cached("DELETE FROM runs WHERE id < (SELECT min(run_id) FROM run_sections)")?
            .execute([])?;
        tx.commit()?;
        Ok(())
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::now;

    fn entry(section: &str, failed: bool) -> RunEntry {
        RunEntry {
            section: section.into(),
            failure: failed.then(|| ("fetch", format!("{section}: timed out"))),
            found: 1,
            new: 1,
            kept: 1,
            requests: 2,
            not_modified: 0,
        }
    }

    #[test]
    fn streaks_count_failures_since_the_last_success_across_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut store = Store::open(&path).unwrap();
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
        let streaks = Store::open(&path).unwrap().failure_streaks().unwrap();
        assert_eq!(streaks.get("a"), Some(&1), "the success in run 2 resets a");
        assert_eq!(streaks.get("b"), Some(&2));
        assert_eq!(streaks.get("c"), None, "c never failed");
    }

    #[test]
    fn each_section_keeps_only_its_latest_entries() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("state.db")).unwrap();
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
}
