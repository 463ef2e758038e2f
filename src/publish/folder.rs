//! Atomic, change-only writes into the output folder.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use super::{Stamp, Written};
use crate::cpu::{self, Stage};

/// The output folder, and the folders written into since they were last synced.
#[derive(Debug)]
pub struct Folder {
    root: PathBuf,
    unsynced: Mutex<BTreeSet<PathBuf>>,
    /// Whether a new file (nothing was at its path) waits for [`Folder::settle`] instead of
    /// being synced before it is renamed into place.
    settles_new: bool,
    /// Whether new files were written since the last [`Folder::settle`].
    unsettled: AtomicBool,
}

impl Folder {
    /// The output folder at `root`.
    pub fn new(root: PathBuf) -> Folder {
        Folder {
            root,
            unsynced: Mutex::new(BTreeSet::new()),
            settles_new: false,
            unsettled: AtomicBool::new(false),
        }
    }

    /// From now on, a new file is not synced on its own: [`Folder::settle`] makes all of them
    /// durable at once (one sync of the file system, which writes them out together; each
    /// file's own sync is most of a cold run's writing on a disk). A file that replaces
    /// another is still synced before the rename, so that a crash of the machine leaves the
    /// old bytes or the new ones. Only where the file system can be synced as a whole (Linux).
    pub(super) fn settle_new_files(&mut self) {
        self.settles_new = cfg!(target_os = "linux");
    }

    /// Makes the new files written since the last call durable, their folders' entries with
    /// them, so [`Folder::sync`] need not sync those again (see [`Folder::settle_new_files`]).
    pub(super) fn settle(&self) -> io::Result<()> {
        if !self.unsettled.swap(false, Ordering::AcqRel) {
            return Ok(());
        }
        // Taken before the sync: a folder written into while it runs stays listed.
        let folders = std::mem::take(&mut *self.unsynced.lock().expect("folder list"));
        let result = sync_file_system(&self.root);
        if result.is_err() {
            self.unsettled.store(true, Ordering::Release);
            self.unsynced.lock().expect("folder list").extend(folders);
        }
        result
    }

    /// The path of `name` (a `/`-separated path under the folder).
    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Writes `bytes` to `name` unless it already holds them; returns what happened and the
    /// file's stamp. `known` says the state recorded the file: when it did not (a first run),
    /// the file is most likely new and is not read before it is written.
    ///
    /// The bytes go to a temporary file in the same folder, are synced (a new file's perhaps
    /// later, by [`Folder::settle`]), then renamed over the file, so readers see the old file
    /// or the new one, never a mix. The folder's own entry is synced once for all its files,
    /// by [`Folder::sync`].
    pub(super) fn write(
        &self,
        name: &str,
        bytes: &[u8],
        known: bool,
    ) -> io::Result<(Written, Option<Stamp>)> {
        let path = self.path(name);
        if known && holds(&path, bytes) {
            return Ok((Written::Unchanged, stamp(&path)));
        }
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let temp = folder.join(format!(".{file_name}.{}.tmp", process_id()));
        let result = (|| {
            // The folder is made only when it is missing: no `mkdir` per file.
            let mut file = match fs::File::create(&temp) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir_all(folder)?;
                    fs::File::create(&temp)?
                }
                other => other?,
            };
            file.write_all(bytes)?;
            let sync = || cpu::measure(Stage::Fsync, || file.sync_all());
            if known || !self.settles_new {
                sync()?;
            }
            // Renaming keeps the modification time: the open file tells it.
            let written = stamp_of(&file.metadata()?);
            let placed = if known {
                fs::rename(&temp, &path).map(|()| Written::Changed)
            } else {
                place_new(&temp, &path, bytes, sync)
            };
            Ok::<_, io::Error>((placed?, written))
        })();
        match result {
            Ok((Written::Changed, written)) => {
                if !known && self.settles_new {
                    self.unsettled.store(true, Ordering::Release);
                }
                self.unsynced
                    .lock()
                    .expect("folder list")
                    .insert(folder.to_path_buf());
                Ok((Written::Changed, written))
            }
            Ok((Written::Unchanged, _)) => Ok((Written::Unchanged, stamp(&path))),
            Err(e) => {
                let _ = fs::remove_file(&temp);
                Err(e)
            }
        }
    }

    /// Syncs the entries of every folder written into since the last call (the renames), once
    /// each.
    pub(super) fn sync(&self) -> io::Result<()> {
        let folders = std::mem::take(&mut *self.unsynced.lock().expect("folder list"));
        for folder in folders {
            match cpu::measure(Stage::Fsync, || fs::File::open(&folder)?.sync_all()) {
                // Some file systems (network and FUSE mounts) cannot sync a folder: their
                // renames are as durable as they make them.
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::EINVAL | libc::ENOTSUP | libc::EBADF)
                    ) => {}
                other => other?,
            }
        }
        Ok(())
    }
}

/// Puts the temporary file `temp` at `path` when nothing is there; when a file is, and holds
/// `bytes` already, leaves it (and removes `temp`), else replaces it, once `sync` has made
/// `temp` durable (syncing it again costs next to nothing).
fn place_new(
    temp: &Path,
    path: &Path,
    bytes: &[u8],
    sync: impl FnOnce() -> io::Result<()>,
) -> io::Result<Written> {
    if rename_unless_taken(temp, path)? {
        return Ok(Written::Changed);
    }
    if holds(path, bytes) {
        fs::remove_file(temp)?;
        return Ok(Written::Unchanged);
    }
    sync()?;
    fs::rename(temp, path).map(|()| Written::Changed)
}

/// Writes out everything of the file system that holds `root` (`syncfs`).
#[cfg(target_os = "linux")]
fn sync_file_system(root: &Path) -> io::Result<()> {
    let folder = fs::File::open(root)?;
    cpu::measure(Stage::Fsync, || rustix::fs::syncfs(&folder))?;
    Ok(())
}

/// Elsewhere no file waits for it.
#[cfg(not(target_os = "linux"))]
fn sync_file_system(_: &Path) -> io::Result<()> {
    Ok(())
}

/// Whether the file at `path` holds exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    fs::read(path).is_ok_and(|current| current == bytes)
}

/// Renames `temp` to `path` if nothing is at `path` (in one step, `RENAME_NOREPLACE`);
/// `false` when something is, or the file system cannot tell.
#[cfg(target_os = "linux")]
fn rename_unless_taken(temp: &Path, path: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, temp, CWD, path, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(true),
        Err(Errno::EXIST | Errno::INVAL | Errno::NOSYS) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Elsewhere the file is always compared first.
#[cfg(not(target_os = "linux"))]
fn rename_unless_taken(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// This process's id, asked of the system once.
fn process_id() -> u32 {
    static ID: OnceLock<u32> = OnceLock::new();
    *ID.get_or_init(std::process::id)
}

/// A file's size and modification time in nanoseconds.
pub(super) fn stamp(path: &Path) -> Option<Stamp> {
    stamp_of(&fs::metadata(path).ok()?)
}

fn stamp_of(metadata: &fs::Metadata) -> Option<Stamp> {
    let mtime = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((metadata.len(), i64::try_from(mtime.as_nanos()).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_creates_folders_and_skips_identical_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::new(dir.path().to_path_buf());
        let path = dir.path().join("site/section.xml");
        for known in [false, true] {
            let name = "site/section.xml";
            let (written, stamped) = folder.write(name, b"one", known).unwrap();
            assert_eq!(
                written,
                if known {
                    Written::Unchanged
                } else {
                    Written::Changed
                }
            );
            assert_eq!(stamped, stamp(&path), "the stamp is the file's");
            let mtime = fs::metadata(&path).unwrap().modified().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
            // Unknown to the state or known, identical bytes leave the file alone.
            assert_eq!(
                folder.write(name, b"one", known).unwrap().0,
                Written::Unchanged
            );
            assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), mtime);
            assert_eq!(
                folder.write(name, b"two", known).unwrap().0,
                Written::Changed
            );
            assert_eq!(fs::read(&path).unwrap(), b"two");
            folder.write(name, b"one", known).unwrap();
        }
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        assert!(!folder.unsynced.lock().unwrap().is_empty());
        folder.sync().unwrap();
        assert!(folder.unsynced.lock().unwrap().is_empty());
        // A folder removed while `watch` runs is made again.
        fs::remove_dir_all(dir.path().join("site")).unwrap();
        assert_eq!(
            folder.write("site/section.xml", b"three", true).unwrap().0,
            Written::Changed
        );
        assert_eq!(fs::read(&path).unwrap(), b"three");
    }

    #[test]
    fn new_files_wait_for_settle() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = Folder::new(dir.path().to_path_buf());
        folder.settle_new_files();
        let pending = || folder.unsettled.load(Ordering::Acquire);
        // Nothing written, nothing to settle.
        folder.settle().unwrap();
        assert!(!pending());
        folder.write("a.xml", b"one", false).unwrap();
        assert_eq!(pending(), cfg!(target_os = "linux"));
        folder.settle().unwrap();
        assert!(!pending());
        // The sync of the file system covered the folder's entry too; elsewhere it waits.
        assert_eq!(
            folder.unsynced.lock().unwrap().is_empty(),
            cfg!(target_os = "linux")
        );
        // A file the state does not know, over one already there: replaced whole.
        fs::write(dir.path().join("b.xml"), b"old").unwrap();
        assert_eq!(
            folder.write("b.xml", b"new", false).unwrap().0,
            Written::Changed
        );
        assert_eq!(fs::read(dir.path().join("b.xml")).unwrap(), b"new");
        // A settle that fails keeps its files, and their folders, pending.
        fs::remove_dir_all(dir.path()).unwrap();
        assert!(folder.settle().is_err() || !cfg!(target_os = "linux"));
        assert_eq!(pending(), cfg!(target_os = "linux"));
        assert!(!folder.unsynced.lock().unwrap().is_empty());
    }
}
