//! Atomic, change-only writes into the output folder.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::Written;
use crate::cpu::{self, Stage};

/// Writes `bytes` to `path` unless it already holds them.
///
/// The bytes go to a temporary file in the same folder, are synced, then renamed over `path`,
/// so readers see the old file or the new one, never a mix.
pub(super) fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<Written> {
    if fs::read(path).is_ok_and(|current| current == bytes) {
        return Ok(Written::Unchanged);
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
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
        cpu::measure(Stage::Fsync, || file.sync_all())?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map(|()| Written::Changed)
}

/// A file's size and modification time in nanoseconds.
pub(super) fn stamp(path: &Path) -> Option<(u64, i64)> {
    let metadata = fs::metadata(path).ok()?;
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
        let path = dir.path().join("site/section.xml");
        assert_eq!(write_if_changed(&path, b"one").unwrap(), Written::Changed);
        let mtime = fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(write_if_changed(&path, b"one").unwrap(), Written::Unchanged);
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), mtime);
        assert_eq!(write_if_changed(&path, b"two").unwrap(), Written::Changed);
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        // A folder removed while `watch` runs is made again.
        fs::remove_dir_all(dir.path().join("site")).unwrap();
        assert_eq!(write_if_changed(&path, b"three").unwrap(), Written::Changed);
        assert_eq!(fs::read(&path).unwrap(), b"three");
    }
}
