//! The embedded SQLite state: item history per section, HTTP validators per page, caches of
//! robots.txt, article pages and output files, a log of runs, and the lock that keeps to one
//! writer.
//!
//! `run` commits through a rollback journal, `watch` through the write-ahead log (readers
//! beside it never wait); a pass commits its sections' updates in batches, each update a
//! savepoint of its own (`batch.rs`); the schema is versioned with `PRAGMA user_version`.
//! The store knows items and bytes, never formats: what a feed looks like is `render`'s business.

mod batch;
mod cache;
mod heal;
mod history;
mod lock;
mod remote;
mod reshard;
mod runs;
mod schema;
mod templates;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use batch::BeforeCommit;
pub use cache::{ArticleRecord, MAX_ARTICLE_ATTEMPTS, OutputStamp, StoredRobots};
pub use heal::{StoredHeal, StoredShape};
pub use history::{PageCache, PageUpdate, Retention};
pub use lock::{Lock, lock};
pub use remote::Checkout;
pub use runs::{Counts, Coverage, LoggedRun, RunEntry};
pub use schema::Access;
pub use templates::LEARN_AFTER;

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
    /// The state in object storage could not be claimed, read or written.
    #[error("{location}: {message}")]
    Remote {
        /// The object's URL.
        location: String,
        /// What failed and what the store said.
        message: String,
    },
    /// The state in object storage changed since this worker downloaded it.
    #[error(
        "{url}: another worker uploaded this state since this run downloaded it; this run's changes are not uploaded"
    )]
    Lost {
        /// The state's URL.
        url: String,
    },
    /// There is no state yet (nothing has run).
    #[error("{path}: no state yet (nothing has run with this config)")]
    Missing {
        /// State file.
        path: PathBuf,
    },
    /// A `run` holds the state alone for now.
    #[error("{path}: in use by a running `feedwright run`; try again when it ends")]
    Busy {
        /// State file.
        path: PathBuf,
    },
    /// Written by an older feedwright; the next `run` or `watch` upgrades it.
    #[error("{path}: written by an older feedwright; the next run upgrades it")]
    Older {
        /// State file.
        path: PathBuf,
    },
    /// What a batch records could not be made durable before it commits (the output files
    /// whose stamps it holds).
    #[error("{location}: {message}")]
    Unsettled {
        /// The output's folder.
        location: String,
        /// What failed and what the system said.
        message: String,
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

/// The open state database.
pub struct Store {
    conn: Connection,
    /// Whether updates are grouped, and the open group ([`Store::batch_writes`]).
    batch: std::cell::Cell<Option<batch::Batch>>,
    /// What runs before a batch commits, while batching.
    before_commit: Option<BeforeCommit>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the state at `path` for the holder of its lock, alone, migrating its
    /// schema forward.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_as(path, Access::Exclusive)
    }

    /// Opens the state at `path` as `access` says.
    pub fn open_as(path: &Path, access: Access) -> Result<Store, StoreError> {
        Ok(Store {
            conn: schema::open(path, access)?,
            batch: std::cell::Cell::new(None),
            before_commit: None,
        })
    }

    /// Writes a consistent, compacted copy of the state to `path` (which must not exist)
    /// while it stays open.
    pub fn snapshot(&self, path: &Path) -> Result<(), StoreError> {
        self.conn
            .execute("VACUUM INTO ?1", [path.to_string_lossy()])?;
        Ok(())
    }
}

/// An instant as the store keeps it: milliseconds since the epoch.
fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// An instant read back from the store.
fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or(DateTime::UNIX_EPOCH)
}

/// `t` as it reads back once stored (to the millisecond).
pub fn as_stored(t: DateTime<Utc>) -> DateTime<Utc> {
    from_ms(ms(t))
}

/// Creates the folder that will hold `path`, if it has one.
fn create_parent(path: &Path) -> Result<(), StoreError> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) => std::fs::create_dir_all(folder).map_err(|source| StoreError::Io {
            path: folder.to_path_buf(),
            source,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod test_support {
    use chrono::{DateTime, TimeZone, Utc};

    use crate::model::Item;

    /// An item dated on day `day` of January 2024.
    pub(super) fn item(id: &str, day: u32) -> Item {
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

    /// 1 February 2024 at `hour`.
    pub(super) fn now(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 2, 1, hour, 0, 0).unwrap()
    }
}
