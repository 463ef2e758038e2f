//! Group commit: during a pass, the sections' updates are committed together, a batch at a
//! time, instead of one transaction each. Every commit rewrites each page it touched (the
//! tables' upper levels, the page and output records many sections share), so fewer commits
//! write far fewer pages.
//!
//! Each update is still a unit of its own (a savepoint: all of it or nothing, whatever the
//! others do). A crash loses at most the open batch: the state stays as of the last commit,
//! and a feed written meanwhile, newer than that state, is found changed by the next run (its
//! recorded stamp no longer matches the file) and written again from the state.

use std::cell::Cell;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{Store, StoreError};

/// A batch is committed once it holds this many units…
const UNITS: usize = 32;
/// …or has been open this long.
const OPEN_AT_MOST: Duration = Duration::from_secs(1);

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
    /// From now on, groups the sections' updates into batches, until [`Store::end_batch`].
    /// What the pass reads before its first update is read in the same transaction (one
    /// look at the file instead of one per read).
    pub fn batch_writes(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN")?;
        self.batch.set(Some(Batch::new()));
        Ok(())
    }

    /// Commits the open batch, if any, and writes each update on its own again.
    pub fn end_batch(&mut self) -> Result<(), StoreError> {
        if self.batch.take().is_some() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    /// Starts a unit of writes: inside the open batch when batching, else a transaction of
    /// its own.
    pub(super) fn unit(&self) -> Result<Unit<'_>, StoreError> {
        self.conn.execute_batch("SAVEPOINT unit")?;
        Ok(Unit {
            conn: &self.conn,
            batch: &self.batch,
            done: false,
        })
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // What the batch holds is whole units: keep it.
        if self.batch.get().is_some() {
            let _ = self.conn.execute_batch("COMMIT");
        }
    }
}

/// One update's writes: kept whole by [`Unit::commit`], undone when dropped before.
pub(super) struct Unit<'a> {
    conn: &'a Connection,
    batch: &'a Cell<Option<Batch>>,
    done: bool,
}

impl Unit<'_> {
    /// The connection to write with.
    pub(super) fn conn(&self) -> &Connection {
        self.conn
    }

    /// Keeps the unit's writes: committed now, or with its batch when that is full or old.
    pub(super) fn commit(mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("RELEASE unit")?;
        self.done = true;
        if let Some(mut batch) = self.batch.get() {
            batch.units += 1;
            if batch.units >= UNITS || batch.opened.elapsed() >= OPEN_AT_MOST {
                // The next batch begins at once, so that reads until its first update share
                // a transaction too.
                self.conn.execute_batch("COMMIT; BEGIN")?;
                batch = Batch::new();
            }
            self.batch.set(Some(batch));
        }
        Ok(())
    }
}

impl Drop for Unit<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.execute_batch("ROLLBACK TO unit; RELEASE unit");
        }
    }
}
