//! Publishing output files, only when their bytes change: into a folder (temporary file, then
//! rename) or into object storage (each object put whole, with its `Content-Type` and
//! `Cache-Control`). Either way a reader sees the old file or the new one, never a mix.

mod bucket;
mod folder;

use std::path::Path;

pub use bucket::Bucket;
pub use folder::Folder;

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// New bytes were written.
    Changed,
    /// The file already held these bytes and was left alone.
    Unchanged,
}

/// What feedwright recorded of a published file: its size and a version, the modification
/// time in nanoseconds for a file, a 64-bit digest of the bytes for an object (reading an
/// object's own version would cost a request).
pub type Stamp = (u64, i64);

/// A file or object could not be published or read back.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct PublishError {
    /// The file's path or the object's URL.
    pub location: String,
    /// What the system or the object store said.
    pub message: String,
}

/// Where output files go.
#[derive(Debug)]
pub enum Output {
    /// A folder on this machine.
    Folder(Folder),
    /// A prefix in object storage.
    Bucket(Bucket),
}

impl Output {
    /// Where `name` (a `/`-separated path under the output) lives: a path or a URL.
    pub fn location(&self, name: &str) -> String {
        match self {
            Output::Folder(dir) => dir.path(name).to_string_lossy().into_owned(),
            Output::Bucket(bucket) => bucket.url(name),
        }
    }

    /// Whether `name` is still as feedwright left it (`recorded`). A file is checked on disk;
    /// an object is trusted to be as put, since nothing else writes the prefix.
    pub fn intact(&self, name: &str, recorded: Stamp) -> bool {
        match self {
            Output::Folder(dir) => folder::stamp(&dir.path(name)) == Some(recorded),
            Output::Bucket(_) => true,
        }
    }

    /// Whether `name` has been published (`recorded` is its stamp in the state, if any).
    pub fn exists(&self, name: &str, recorded: Option<Stamp>) -> bool {
        match self {
            Output::Folder(dir) => dir.path(name).exists(),
            Output::Bucket(_) => recorded.is_some(),
        }
    }

    /// Publishes `bytes` as `name` unless it already holds them, and returns what happened
    /// and the stamp to record. A file is compared with what is on disk; an object with
    /// `recorded`, so an unchanged object costs no request at all.
    pub fn put(
        &self,
        name: &str,
        bytes: &[u8],
        content_type: &str,
        recorded: Option<Stamp>,
    ) -> Result<(Written, Option<Stamp>), PublishError> {
        match self {
            Output::Folder(dir) => dir
                .write(name, bytes, recorded.is_some())
                .map_err(|e| error(&dir.path(name).to_string_lossy(), "cannot write", e)),
            Output::Bucket(bucket) => {
                let stamp = bucket::stamp(bytes);
                if recorded == Some(stamp) {
                    return Ok((Written::Unchanged, Some(stamp)));
                }
                bucket.put(name, bytes, content_type)?;
                Ok((Written::Changed, Some(stamp)))
            }
        }
    }

    /// From now on, new files are made durable together, by [`Output::settle`], instead of
    /// one by one (a file that replaces another is still synced before it does). For a pass
    /// that settles them before it records their stamps.
    pub fn settle_new_files(&mut self) {
        if let Output::Folder(dir) = self {
            dir.settle_new_files();
        }
    }

    /// Makes the new files published since the last call durable (see
    /// [`Output::settle_new_files`]). Objects are whole once put.
    pub fn settle(&self) -> Result<(), PublishError> {
        self.sync_folder(Folder::settle)
    }

    /// Makes what was published since the last call last through a crash of the machine: a
    /// folder's entries are synced once for all the files renamed into it (each file's bytes
    /// were synced as it was written, or settled). Objects are whole once put.
    pub fn sync(&self) -> Result<(), PublishError> {
        self.sync_folder(Folder::sync)
    }

    /// Runs `sync` on a folder, the error naming it; objects have nothing to sync.
    fn sync_folder(
        &self,
        sync: impl FnOnce(&Folder) -> std::io::Result<()>,
    ) -> Result<(), PublishError> {
        match self {
            Output::Folder(dir) => {
                sync(dir).map_err(|e| error(&dir.path("").to_string_lossy(), "cannot sync", e))
            }
            Output::Bucket(_) => Ok(()),
        }
    }

    /// The names of the files directly under `folder` (a `/`-separated path).
    pub fn list(&self, folder: &str) -> Result<Vec<String>, PublishError> {
        match self {
            Output::Folder(dir) => Ok(std::fs::read_dir(dir.path(folder))
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()),
            Output::Bucket(bucket) => bucket.list(folder),
        }
    }

    /// The bytes of `name`, or `None` when it does not exist.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, PublishError> {
        match self {
            Output::Folder(dir) => read_file(&dir.path(name)),
            Output::Bucket(bucket) => bucket.read(name),
        }
    }
}

fn read_file(path: &Path) -> Result<Option<Vec<u8>>, PublishError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(error(&path.to_string_lossy(), "cannot read", e)),
    }
}

/// A [`PublishError`] for `location`: what failed (`doing`, e.g. "cannot write") and why.
fn error(location: &str, doing: &str, e: impl std::fmt::Display) -> PublishError {
    PublishError {
        location: location.to_string(),
        message: format!("{doing}: {e}"),
    }
}
