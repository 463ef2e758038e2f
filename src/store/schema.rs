//! Opening the SQLite file: refusing what is not ours, and migrating older schemas forward.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::config::DbConfig;

use super::{StoreError, create_parent};

/// Marks a SQLite file as ours (`PRAGMA application_id`, "FDWR").
const APPLICATION_ID: i64 = 0x4644_5752;

/// The page size of a new state file, in bytes (SQLite's default is 4,096: a section's 60
/// items took ten pages, each written again at every commit).
const PAGE_SIZE: i64 = 16_384;

/// The page cache's size in KiB, as `PRAGMA cache_size` takes it (negative: KiB, not pages).
const CACHE_KIB: i64 = -1024;

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
    r"
CREATE INDEX run_sections_by_section ON run_sections (section, run_id);
ALTER TABLE run_sections ADD COLUMN error_kind TEXT;
",
    r"
ALTER TABLE run_sections ADD COLUMN dated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_sections ADD COLUMN summaries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_sections ADD COLUMN images INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_sections ADD COLUMN authors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_sections ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_sections ADD COLUMN millis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE run_sections ADD COLUMN ended INTEGER NOT NULL DEFAULT 0;
CREATE TABLE schedule (
    section  TEXT PRIMARY KEY,
    every_ms INTEGER NOT NULL
) WITHOUT ROWID;
",
    r"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
",
    r"
CREATE TABLE heals (
    section    TEXT PRIMARY KEY,
    configured TEXT NOT NULL,
    selectors  TEXT NOT NULL,
    applied    INTEGER NOT NULL,
    rule       TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    at         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE renders (
    section    TEXT PRIMARY KEY,
    browser    INTEGER NOT NULL,
    http_tried INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE run_sections ADD COLUMN contents INTEGER NOT NULL DEFAULT 0;
",
    r"
ALTER TABLE outputs ADD COLUMN items INTEGER;
",
    // The index page's failing feeds are read after every run: only failed runs are scanned.
    r"
CREATE INDEX run_sections_failed ON run_sections (section, run_id) WHERE status = 'failed';
",
    // The warnings of a page's last full read stand while it answers 304.
    r"
ALTER TABLE pages ADD COLUMN warnings TEXT;
",
    // Each site's article template: the elements that held its articles' text, and the one
    // learned.
    r"
CREATE TABLE template_votes (
    site     TEXT NOT NULL,
    selector TEXT NOT NULL,
    votes    INTEGER NOT NULL,
    PRIMARY KEY (site, selector)
) WITHOUT ROWID;
CREATE TABLE learned_templates (
    site     TEXT PRIMARY KEY,
    selector TEXT NOT NULL
) WITHOUT ROWID;
",
    // A section's few hundred items are sorted faster than an index of them is kept: every
    // update wrote the index's pages as well as the table's.
    r"
DROP INDEX items_order;
",
];

/// How a process uses the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The holder of the state lock, alone (`run`): SQLite need not lock the file again for
    /// every statement, and commits through a rollback journal.
    Exclusive,
    /// The holder of the state lock, while others may read (`watch`, for `status` and
    /// `/metrics`).
    Shared,
    /// Reading only, beside a holder (`status`, `serve`): nothing is created or migrated.
    ReadOnly,
}

/// Opens the state at `path` (creating it unless read-only) and brings its schema up to date.
pub(super) fn open(path: &Path, access: Access) -> Result<Connection, StoreError> {
    let corrupt = |e: rusqlite::Error| StoreError::Corrupt {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let conn = if access == Access::ReadOnly {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(corrupt)?
    } else {
        create_parent(path)?;
        Connection::open(path).map_err(corrupt)?
    };
    let wait = if access == Access::ReadOnly { 3 } else { 10 };
    conn.busy_timeout(std::time::Duration::from_secs(wait))
        .map_err(corrupt)?;
    if access == Access::Exclusive {
        // Set before the first read.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(corrupt)?;
    }
    let busy = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy {
                path: path.to_path_buf(),
            }
        }
        _ => corrupt(e),
    };
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(busy)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(busy)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(busy)?;
    if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
        });
    }
    let known = MIGRATIONS.len();
    let from = usize::try_from(version)
        .ok()
        .filter(|v| *v <= known)
        .ok_or_else(|| StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
            known,
        })?;
    if access == Access::ReadOnly {
        if from < known {
            return Err(StoreError::Older {
                path: path.to_path_buf(),
            });
        }
        return Ok(conn);
    }
    if tables == 0 {
        // A new state: a section's items fit in one or two pages, so that a section's update
        // writes few of them (set before the file's first page is written).
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(corrupt)?;
    }
    // How a commit stays whole through a crash. `run` holds the state alone: a rollback
    // journal, synced at each commit, writes each page to the file once, where the
    // write-ahead log wrote it twice (to the log, then into the file when the log was folded
    // back at close) and read it back in between: four system calls fewer a page, a tenth
    // of a cold pass's. `watch`, beside which `status` and the app read, keeps the log, so
    // that readers never wait for a commit.
    let (journal, sync) = match access {
        Access::Exclusive => ("DELETE", "FULL"),
        Access::Shared | Access::ReadOnly => ("WAL", "NORMAL"),
    };
    conn.pragma_update(None, "journal_mode", journal)
        .map_err(corrupt)?;
    conn.pragma_update(None, "synchronous", sync)?;
    // An update undone inside a batch of them (a savepoint) is undone from memory: a batch
    // holds a few sections' pages, where a temporary file would take a write for each.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // SQLite's page cache, 1 MiB instead of its 2 MiB default: what a pass reads again (the
    // tables' upper levels) fits; beyond that the cache only held a batch's written pages,
    // which the system keeps anyway (a 200-section pass peaks 1 to 4 MiB lower, same CPU).
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    // Every statement of a section's update is prepared once per run, not once per section;
    // a stable query plan keeps SQLite from preparing one again for each new cutoff value.
    conn.set_prepared_statement_cache_capacity(32);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    let mut conn = conn;
    migrate(&mut conn, from)?;
    Ok(conn)
}

/// Brings the schema from version `from` to the newest in one transaction: all of it or, if
/// anything fails, none (a new state is made in one commit).
fn migrate(conn: &mut Connection, from: usize) -> Result<(), StoreError> {
    if from == MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for sql in &MIGRATIONS[from..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(
        None,
        "user_version",
        i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

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
}
