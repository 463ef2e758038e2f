//! A state kept in object storage, for workers that keep nothing between runs: the worker
//! claims a lease object (created only if absent; an expired one is taken over), downloads
//! the state into a private working copy, and at the end uploads it with a conditional put on
//! the version it downloaded, so a worker that lost a race fails loudly instead of
//! overwriting another worker's history.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
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
    leased: bool,
}

impl Checkout {
    /// Claims the lease of the state at `url` for `ttl` and downloads the state.
    pub fn start(url: &Url, ttl: Duration, now: DateTime<Utc>) -> Result<Checkout, StoreError> {
        let (parent, name) = split(url);
        let objects = Objects::open(&parent).map_err(remote)?;
        let folder = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
        let mut checkout = Checkout {
            objects,
            name,
            url: url.clone(),
            version: None,
            folder,
            leased: false,
        };
        checkout.claim(ttl, now)?;
        checkout.download()?;
        Ok(checkout)
    }

    /// The working copy to open.
    pub fn path(&self) -> PathBuf {
        self.folder.path().join("state.db")
    }

    /// Uploads the working copy (the store must be closed) with a conditional put on the
    /// version downloaded, then gives the lease back.
    pub fn checkin(mut self) -> Result<(), StoreError> {
        let bytes = std::fs::read(self.path()).map_err(|source| StoreError::Io {
            path: self.path(),
            source,
        })?;
        let mode = match self.version.clone() {
            Some(version) => PutMode::Update(version),
            None => PutMode::Create,
        };
        let path = self.objects.path(&self.name);
        let store = self.objects.store();
        let options = PutOptions {
            mode,
            ..PutOptions::default()
        };
        let put = self
            .objects
            .block_on(store.put_opts(&path, PutPayload::from(bytes), options));
        match put {
            Ok(_) => {}
            Err(
                object_store::Error::Precondition { .. }
                | object_store::Error::AlreadyExists { .. },
            ) => {
                return Err(StoreError::Lost {
                    url: self.url.to_string(),
                });
            }
            Err(e) => return Err(remote(self.objects.error(&self.name, "cannot upload", e))),
        }
        self.release();
        Ok(())
    }

    fn lease_name(&self) -> String {
        format!("{}.lease", self.name)
    }

    /// Takes the lease: creates it, or takes over one that has expired.
    fn claim(&mut self, ttl: Duration, now: DateTime<Utc>) -> Result<(), StoreError> {
        let lease = Lease {
            holder: holder(),
            expires: now + chrono::Duration::from_std(ttl).unwrap_or(chrono::TimeDelta::MAX),
        };
        let body = serde_json::to_vec(&lease).expect("lease serialises");
        let lease_name = self.lease_name();
        let path = self.objects.path(&lease_name);
        let store = self.objects.store();
        let put = |mode| {
            let options = PutOptions {
                mode,
                ..PutOptions::default()
            };
            self.objects
                .block_on(store.put_opts(&path, PutPayload::from(body.clone()), options))
        };
        let locked = |pid: String| StoreError::Locked {
            path: PathBuf::from(self.objects.url(&lease_name)),
            pid,
        };
        let unreadable =
            |e: &dyn std::fmt::Display| remote(self.objects.error(&lease_name, "cannot read", e));
        match put(PutMode::Create) {
            Ok(_) => {}
            Err(object_store::Error::AlreadyExists { .. }) => {
                let (held, version) = self
                    .objects
                    .get(&lease_name)
                    .map_err(|e| unreadable(&e))?
                    .ok_or_else(|| unreadable(&"not found"))?;
                match serde_json::from_slice::<Lease>(&held) {
                    Ok(held) if held.expires > now => return Err(locked(held.holder)),
                    _ => {
                        put(PutMode::Update(version))
                            .map_err(|_| locked("another worker".into()))?;
                    }
                }
            }
            Err(e) => return Err(remote(self.objects.error(&lease_name, "cannot create", e))),
        }
        self.leased = true;
        Ok(())
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
        if std::mem::take(&mut self.leased) {
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
