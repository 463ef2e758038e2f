//! Group commit: during a pass, the sections' updates are committed together, a batch at a
//! time, instead of one transaction each. Every commit rewrites each page it touched (the
//! tables' upper levels, the page and output records many sections share), so fewer commits
//! write far fewer pages.
//!
//! Each update is still a unit of its own (a savepoint: all of it or nothing, whatever the
//! others do). A crash loses at most the open batch: the state stays as of the last commit,
//! and a feed written meanwhile, newer than that state, is found changed by the next run (its
//! recorded stamp no longer matches the file) and written again from the state. Before each
//! commit the batch's owner makes durable what the batch records ([`BeforeCommit`]: the
//! files whose stamps it holds), so that a committed stamp never names bytes a crash of the
//! machine could still take away.

use std::time::{Duration, Instant};

use super::{Store, StoreError};

/// A batch is committed once it holds this many units…
const UNITS: usize = 32;
/// …or has been open this long.
const OPEN_AT_MOST: Duration = Duration::from_secs(1);

/// Run before each commit of a batch; an error leaves the batch uncommitted.
pub type BeforeCommit = Box<dyn Fn() -> Result<(), StoreError> + Send>;

/// The open batch of a store that batches its writes: while it batches, a transaction is
/// always open.
#[derive(Debug, Clone, Copy)]
pub(super) struct Batch {
    /// When the open transaction began.
    opened: Instant,
    /// Units in the open transaction.
    units: usize,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            opened: Instant::now(),
            units: 0,
        }
    }
}

impl Store {
    /// From now on, groups the sections' updates into batches, until [`Store::end_batch`],
    /// calling `before_commit` before each commit. What the pass reads before its first
    /// update is read in the same transaction (one look at the file instead of one per read).
    pub fn batch_writes(&mut self, before_commit: BeforeCommit) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN")?;
        self.batch.set(Some(Batch::new()));
        self.before_commit = Some(before_commit);
        Ok(())
    }

    /// Commits the open batch, if any, and writes each update on its own again.
    pub fn end_batch(&mut self) -> Result<(), StoreError> {
        if self.batch.get().is_some() {
            self.commit_batch("COMMIT")?;
            self.batch.set(None);
            self.before_commit = None;
        }
        Ok(())
    }

    /// Runs `commit` (SQL that commits the open batch) once what it records is durable.
    fn commit_batch(&self, commit: &str) -> Result<(), StoreError> {
        if let Some(before_commit) = &self.before_commit {
            before_commit()?;
        }
        Ok(self.conn.execute_batch(commit)?)
    }

    /// Starts a unit of writes: inside the open batch when batching, else a transaction of
    /// its own.
    pub(super) fn unit(&self) -> Result<Unit<'_>, StoreError> {
        self.conn.prepare_cached("SAVEPOINT unit")?.execute([])?;
        Ok(Unit {
            store: self,
            done: false,
        })
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // What the batch holds is whole units: keep it, if it can be made durable.
        if self.batch.get().is_some() {
            let _ = self.commit_batch("COMMIT");
        }
    }
}

/// One update's writes: kept whole by [`Unit::commit`], undone when dropped before.
pub(super) struct Unit<'a> {
    store: &'a Store,
    done: bool,
}

impl Unit<'_> {
    /// The connection to write with.
    pub(super) fn conn(&self) -> &rusqlite::Connection {
        &self.store.conn
    }

    /// Keeps the unit's writes: committed now, or with its batch when that is full or old.
    pub(super) fn commit(mut self) -> Result<(), StoreError> {
        let store = self.store;
        store.conn.prepare_cached("RELEASE unit")?.execute([])?;
        self.done = true;
        if let Some(mut batch) = store.batch.get() {
            batch.units += 1;
            if batch.units >= UNITS || batch.opened.elapsed() >= OPEN_AT_MOST {
                // The next batch begins at once, so that reads until its first update share
                // a transaction too.
                store.commit_batch("COMMIT; BEGIN")?;
                batch = Batch::new();
            }
            store.batch.set(Some(batch));
        }
        Ok(())
    }
}

impl Drop for Unit<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self
                .store
                .conn
                .execute_batch("ROLLBACK TO unit; RELEASE unit");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use super::*;
    use crate::store::OutputStamp;

    fn stamp(n: usize) -> (String, OutputStamp) {
        let stamp = OutputStamp {
            size: 1,
            version: 1,
            fingerprint: String::new(),
            items: Some(n),
        };
        (format!("/feeds/{n}.xml"), stamp)
    }

    #[test]
    fn a_batch_commits_only_after_its_hook_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let (calls, fails) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let mut store = Store::open(&path).unwrap();
        let (counted, failing) = (calls.clone(), fails.clone());
        store
            .batch_writes(Box::new(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                match failing.load(Ordering::SeqCst) {
                    true => Err(StoreError::Unsettled {
                        location: "/feeds".into(),
                        message: "cannot sync".into(),
                    }),
                    false => Ok(()),
                }
            }))
            .unwrap();
        // A full batch commits once, after its hook.
        for n in 0..UNITS {
            store.save_outputs(&[stamp(n)]).unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // The next batch's hook fails: its commit fails, and so does every later try.
        fails.store(true, Ordering::SeqCst);
        for n in UNITS..2 * UNITS - 1 {
            store.save_outputs(&[stamp(n)]).unwrap();
        }
        assert!(matches!(
            store.save_outputs(&[stamp(2 * UNITS - 1)]),
            Err(StoreError::Unsettled { .. })
        ));
        assert!(store.end_batch().is_err());
        drop(store);
        assert!(calls.load(Ordering::SeqCst) >= 3, "the close tried too");
        // The state holds the first batch, nothing of the second.
        let store = Store::open(&path).unwrap();
        let paths: Vec<String> = (0..2 * UNITS).map(|n| stamp(n).0).collect();
        let found = store.outputs(&paths).unwrap();
        assert!(found[..UNITS].iter().all(Option::is_some));
        assert!(found[UNITS..].iter().all(Option::is_none));
    }
}
