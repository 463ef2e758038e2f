//! A state kept in object storage, for workers that keep nothing between runs: the worker
//! claims a lease object (created only if absent; an expired one is taken over), downloads
//! the state into a private working copy, and at the end uploads it with a conditional put on
//! the version it downloaded, so a worker that lost a race fails loudly instead of
//! overwriting another worker's history. A long-lived worker (`watch`) uploads snapshots as it
//! goes and renews its lease with each; `status` and `check` read a copy without a lease.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use object_store::{ObjectStoreExt, PutMode, PutOptions, UpdateVersion};
use url::Url;

use super::StoreError;
use crate::objects::{ObjectError, Objects};

/// What the lease object holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Lease {
    holder: String,
    expires: DateTime<Utc>,
}

/// A state downloaded under a lease; [`Checkout::checkin`] uploads it and gives the lease
/// back. Dropped without a check-in (a failed run), it gives the lease back and uploads
/// nothing.
#[derive(Debug)]
pub struct Checkout {
    objects: Objects,
    name: String,
    url: Url,
    /// The version downloaded; `None` when there was no state yet.
    version: Option<UpdateVersion>,
    /// Holds the working copy.
    folder: tempfile::TempDir,
    /// The version of the lease object this worker wrote; `None` without a lease.
    lease: Option<UpdateVersion>,
}

impl Checkout {
    /// Claims the lease of the state at `url` for `ttl` and downloads the state.
    pub fn start(url: &Url, ttl: Duration, now: DateTime<Utc>) -> Result<Checkout, StoreError> {
        let mut checkout = Checkout::open(url)?;
        checkout.claim(ttl, now)?;
        checkout.download()?;
        Ok(checkout)
    }

    /// Downloads a copy of the state at `url` to read, without a lease (nothing is uploaded).
    pub fn copy(url: &Url) -> Result<Checkout, StoreError> {
        let mut checkout = Checkout::open(url)?;
        checkout.download()?;
        Ok(checkout)
    }

    /// The URLs of the states beside the one at `url` (in its folder) whose names `matches`
    /// accepts.
    pub fn beside(url: &Url, matches: impl Fn(&str) -> bool) -> Result<Vec<Url>, StoreError> {
        let (parent, _) = split(url);
        let objects = Objects::open(&parent).map_err(remote)?;
        let names = objects
            .list("")
            .map_err(|e| remote(objects.error("", "cannot list", e)))?;
        Ok(names
            .iter()
            .filter(|name| matches(name))
            .filter_map(|name| parent.join(name).ok())
            .collect())
    }

    fn open(url: &Url) -> Result<Checkout, StoreError> {
        let (parent, name) = split(url);
        let objects = Objects::open(&parent).map_err(remote)?;
        let folder = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
        Ok(Checkout {
            objects,
            name,
            url: url.clone(),
            version: None,
            folder,
            lease: None,
        })
    }

    /// The working copy to open.
    pub fn path(&self) -> PathBuf {
        self.folder.path().join("state.db")
    }

    /// Uploads the working copy (the store must be closed) with a conditional put on the
    /// version downloaded, then gives the lease back.
    pub fn checkin(mut self) -> Result<(), StoreError> {
        self.upload(&self.path())?;
        self.release();
        Ok(())
    }

    /// Uploads a consistent snapshot of the open working copy, written by `snapshot` to the
    /// path it is given (see [`Store::snapshot`](super::Store::snapshot)), in place of the
    /// version last downloaded or uploaded, and renews the lease for `ttl` from `now`.
    pub fn sync(
        &mut self,
        snapshot: impl FnOnce(&Path) -> Result<(), StoreError>,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let file = self.folder.path().join("snapshot.db");
        // A snapshot left by an upload that failed: the new one needs the name.
        let _ = std::fs::remove_file(&file);
        snapshot(&file)?;
        let uploaded = self.upload(&file);
        let _ = std::fs::remove_file(&file);
        uploaded?;
        let mode = self.lease.clone().map_or(PutMode::Create, PutMode::Update);
        self.put_lease(ttl, now, mode)
            .map_err(|e| self.put_failed(&self.lease_name(), "cannot renew", e))
    }

    /// Puts the file at `path` as the state, on condition that it is still the version this
    /// worker last saw.
    fn upload(&mut self, path: &Path) -> Result<(), StoreError> {
        let bytes = std::fs::read(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mode = self
            .version
            .clone()
            .map_or(PutMode::Create, PutMode::Update);
        let options = PutOptions {
            mode,
            ..PutOptions::default()
        };
        let version = self
            .objects
            .put(&self.name, bytes, options)
            .map_err(|e| self.put_failed(&self.name, "cannot upload", e))?;
        self.version = Some(version);
        Ok(())
    }

    /// A conditional put of `name` that failed: refused because another worker changed the
    /// object since this one saw it (a lost race), or failed for another reason (`doing`),
    /// which a later try may get past.
    fn put_failed(&self, name: &str, doing: &str, e: object_store::Error) -> StoreError {
        match e {
            object_store::Error::Precondition { .. }
            | object_store::Error::AlreadyExists { .. } => StoreError::Lost {
                url: self.url.to_string(),
            },
            e => remote(self.objects.error(name, doing, e)),
        }
    }

    /// Writes this worker's lease, valid for `ttl` from `now`, and remembers its version.
    fn put_lease(
        &mut self,
        ttl: Duration,
        now: DateTime<Utc>,
        mode: PutMode,
    ) -> Result<(), object_store::Error> {
        let lease = Lease {
            holder: holder(),
            expires: now + chrono::Duration::from_std(ttl).unwrap_or(chrono::TimeDelta::MAX),
        };
        let body = serde_json::to_vec(&lease).expect("lease serialises");
        let options = PutOptions {
            mode,
            ..PutOptions::default()
        };
        self.lease = Some(self.objects.put(&self.lease_name(), body, options)?);
        Ok(())
    }

    fn lease_name(&self) -> String {
        format!("{}.lease", self.name)
    }

    /// Takes the lease: creates it, or takes over one that has expired.
    fn claim(&mut self, ttl: Duration, now: DateTime<Utc>) -> Result<(), StoreError> {
        let lease_name = self.lease_name();
        let lease_url = PathBuf::from(self.objects.url(&lease_name));
        let locked = |pid: String| StoreError::Locked {
            path: lease_url.clone(),
            pid,
        };
        match self.put_lease(ttl, now, PutMode::Create) {
            Ok(()) => Ok(()),
            Err(object_store::Error::AlreadyExists { .. }) => {
                let unreadable = |e: &dyn std::fmt::Display| {
                    remote(self.objects.error(&lease_name, "cannot read", e))
                };
                let (held, version) = self
                    .objects
                    .get(&lease_name)
                    .map_err(|e| unreadable(&e))?
                    .ok_or_else(|| unreadable(&"not found"))?;
                match serde_json::from_slice::<Lease>(&held) {
                    Ok(held) if held.expires > now => Err(locked(held.holder)),
                    _ => self
                        .put_lease(ttl, now, PutMode::Update(version))
                        .map_err(|_| locked("another worker".into())),
                }
            }
            Err(e) => Err(remote(self.objects.error(&lease_name, "cannot create", e))),
        }
    }

    /// Downloads the state, if there is one, into the working copy.
    fn download(&mut self) -> Result<(), StoreError> {
        let got = self.objects.get(&self.name);
        match got.map_err(|e| remote(self.objects.error(&self.name, "cannot download", e)))? {
            Some((bytes, version)) => {
                std::fs::write(self.path(), &bytes).map_err(|source| StoreError::Io {
                    path: self.path(),
                    source,
                })?;
                self.version = Some(version);
            }
            None => self.version = None,
        }
        Ok(())
    }

    /// Gives the lease back (deletes it); a failure leaves it to expire.
    fn release(&mut self) {
        if self.lease.take().is_some() {
            let path = self.objects.path(&self.lease_name());
            let store = self.objects.store();
            if let Err(e) = self.objects.block_on(store.delete(&path)) {
                tracing::warn!("{}.lease: cannot release: {e}", self.url);
            }
        }
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        self.release();
    }
}

/// `s3://bucket/state/0.db` → (`s3://bucket/state/`, `0.db`).
fn split(url: &Url) -> (Url, String) {
    let name = url
        .path_segments()
        .and_then(|mut s| s.next_back().map(str::to_string))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "state.db".into());
    let parent = url.join("./").unwrap_or_else(|_| url.clone());
    (parent, name)
}

/// Who holds a lease: host name and process id.
fn holder() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "unknown".into(), |h| h.trim().to_string());
    format!("{host}:{}", std::process::id())
}

fn remote(e: ObjectError) -> StoreError {
    StoreError::Remote {
        location: e.location,
        message: e.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_object_is_split_from_its_folder() {
        let (parent, name) = split(&Url::parse("s3://bucket/state/0.db").unwrap());
        assert_eq!(parent.as_str(), "s3://bucket/state/");
        assert_eq!(name, "0.db");
    }
}
