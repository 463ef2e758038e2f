//! The state lock: one `run` or `watch` per state file, released when dropped or when the
//! process dies (an advisory lock on `<state>.lock`, which holds the holder's pid).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::{StoreError, create_parent};

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
    create_parent(&path)?;
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
            let pid = match pid.trim() {
                "" => "unknown".to_string(),
                pid => pid.to_string(),
            };
            Err(StoreError::Locked { path, pid })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
