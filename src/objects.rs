//! The object-store client the output and the state share: opens `s3://`, `gs://` and `az://`
//! URLs through `object_store`, with credentials and endpoint from each cloud's standard
//! environment variables (`AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`,
//! `GOOGLE_SERVICE_ACCOUNT`, `AZURE_STORAGE_ACCOUNT_NAME`, …).
//!
//! Callers are synchronous; each request runs on this client's own small runtime, driven from
//! a scoped thread so it never blocks inside the caller's runtime.

use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::path::Path as ObjectPath;
use object_store::{
    ObjectStore, ObjectStoreExt, ObjectStoreScheme, PutOptions, PutPayload, UpdateVersion,
};
use url::Url;

/// A request to object storage failed.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct ObjectError {
    /// The object's URL.
    pub location: String,
    /// What failed and what the store said.
    pub message: String,
}

/// A prefix in an object store.
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    /// The URL the prefix was given as, ending with `/`.
    root: String,
    prefix: ObjectPath,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Objects").field("root", &self.root).finish()
    }
}

impl Objects {
    /// Opens the prefix `url` names (`s3://bucket/prefix`, `gs://…`, `az://…`).
    pub fn open(url: &Url) -> Result<Objects, ObjectError> {
        let fail = |e: &dyn std::fmt::Display| ObjectError {
            location: url.to_string(),
            message: format!("cannot open: {e}"),
        };
        let (scheme, prefix) = ObjectStoreScheme::parse(url).map_err(|e| fail(&e))?;
        let store: Arc<dyn ObjectStore> = match scheme {
            ObjectStoreScheme::AmazonS3 => Arc::new(
                AmazonS3Builder::from_env()
                    .with_url(url.as_str())
                    .build()
                    .map_err(|e| fail(&e))?,
            ),
            ObjectStoreScheme::GoogleCloudStorage => Arc::new(
                GoogleCloudStorageBuilder::from_env()
                    .with_url(url.as_str())
                    .build()
                    .map_err(|e| fail(&e))?,
            ),
            ObjectStoreScheme::MicrosoftAzure => Arc::new(
                MicrosoftAzureBuilder::from_env()
                    .with_url(url.as_str())
                    .build()
                    .map_err(|e| fail(&e))?,
            ),
            other => return Err(fail(&format!("{other:?} is not an object store"))),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("feedwright-objects")
            .enable_all()
            .build()
            .map_err(|e| fail(&e))?;
        Ok(Objects {
            store,
            root: format!("{}/", url.as_str().trim_end_matches('/')),
            prefix: ObjectPath::parse(prefix.as_ref()).map_err(|e| fail(&e))?,
            runtime: Some(runtime),
        })
    }

    /// The store itself.
    pub fn store(&self) -> &dyn ObjectStore {
        self.store.as_ref()
    }

    /// The URL of `name` (a `/`-separated path under the prefix).
    pub fn url(&self, name: &str) -> String {
        format!("{}{name}", self.root)
    }

    /// The object path of `name`.
    pub fn path(&self, name: &str) -> ObjectPath {
        name.split('/')
            .filter(|part| !part.is_empty())
            .fold(self.prefix.clone(), ObjectPath::join)
    }

    /// The bytes of `name` and the version they are (for a conditional put), or `None` when
    /// there is no such object.
    pub fn get(&self, name: &str) -> Result<Option<(Vec<u8>, UpdateVersion)>, object_store::Error> {
        let path = self.path(name);
        let store = self.store();
        self.block_on(async move {
            match store.get(&path).await {
                Ok(got) => {
                    let version = UpdateVersion {
                        e_tag: got.meta.e_tag.clone(),
                        version: got.meta.version.clone(),
                    };
                    Ok(Some((got.bytes().await?.to_vec(), version)))
                }
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    /// Puts `bytes` whole as `name` with `options` (its mode makes the put conditional), and
    /// returns the version now stored.
    pub fn put(
        &self,
        name: &str,
        bytes: Vec<u8>,
        options: PutOptions,
    ) -> Result<UpdateVersion, object_store::Error> {
        let path = self.path(name);
        let store = self.store();
        let done = self.block_on(store.put_opts(&path, PutPayload::from(bytes), options))?;
        Ok(UpdateVersion {
            e_tag: done.e_tag,
            version: done.version,
        })
    }

    /// An [`ObjectError`] about `name`: what failed (`doing`) and why.
    pub fn error(&self, name: &str, doing: &str, e: impl std::fmt::Display) -> ObjectError {
        ObjectError {
            location: self.url(name),
            message: format!("{doing}: {e}"),
        }
    }

    /// Runs `future` to completion on the client's runtime, from a thread of its own.
    pub fn block_on<T: Send>(&self, future: impl Future<Output = T> + Send) -> T {
        let runtime = self.runtime.as_ref().expect("runtime lives until drop");
        std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(future))
                .join()
                .expect("object-store request thread")
        })
    }
}

impl Drop for Objects {
    fn drop(&mut self) {
        // Dropping a runtime waits for its threads, which is not allowed inside another.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_sit_under_the_prefix() {
        let url = Url::parse("s3://feeds/public/v1").unwrap();
        let objects = Objects::open(&url).unwrap();
        assert_eq!(objects.path("site/a.xml").as_ref(), "public/v1/site/a.xml");
        assert_eq!(objects.url("index.html"), "s3://feeds/public/v1/index.html");
    }
}
