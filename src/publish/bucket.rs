//! Object storage through `object_store`: S3, GCS and Azure, with credentials and endpoint
//! from each cloud's standard environment variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_ENDPOINT_URL`, `GOOGLE_SERVICE_ACCOUNT`, `AZURE_STORAGE_ACCOUNT_NAME`, …).
//!
//! The pipeline writes from synchronous code; each request runs on this module's own small
//! runtime, driven from a scoped thread so it never blocks inside the caller's runtime.

use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt, ObjectStoreScheme, PutOptions,
};
use sha2::{Digest, Sha256};
use url::Url;

use super::{PublishError, Stamp, error};

/// A prefix in an object store.
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    /// The URL the prefix was given as, ending with `/`.
    root: String,
    prefix: ObjectPath,
    cache_control: String,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket").field("root", &self.root).finish()
    }
}

impl Bucket {
    /// Opens `url` (`s3://bucket/prefix`, `gs://…`, `az://…`); every object put carries
    /// `cache_control`.
    pub fn open(url: &Url, cache_control: &str) -> Result<Bucket, PublishError> {
        let fail = |e: &dyn std::fmt::Display| error(url.as_str(), "cannot open", e);
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
            .thread_name("feedwright-bucket")
            .enable_all()
            .build()
            .map_err(|e| fail(&e))?;
        Ok(Bucket {
            store,
            root: format!("{}/", url.as_str().trim_end_matches('/')),
            prefix: ObjectPath::parse(prefix.as_ref()).map_err(|e| fail(&e))?,
            cache_control: cache_control.to_string(),
            runtime: Some(runtime),
        })
    }

    /// The URL of `name`.
    pub(super) fn url(&self, name: &str) -> String {
        format!("{}{name}", self.root)
    }

    /// Puts `bytes` as `name` in one request: the object appears whole or not at all.
    pub(super) fn put(
        &self,
        name: &str,
        bytes: &[u8],
        content_type: &str,
    ) -> Result<(), PublishError> {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.to_string().into());
        if !self.cache_control.is_empty() {
            attributes.insert(Attribute::CacheControl, self.cache_control.clone().into());
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        let path = self.path(name);
        let payload = bytes.to_vec().into();
        self.block_on(self.store.put_opts(&path, payload, options))
            .map(drop)
            .map_err(|e| error(&self.url(name), "cannot write", e))
    }

    /// The names of the objects directly under `folder`.
    pub(super) fn list(&self, folder: &str) -> Result<Vec<String>, PublishError> {
        let path = self.path(folder);
        let listed = self
            .block_on(self.store.list_with_delimiter(Some(&path)))
            .map_err(|e| error(&self.url(folder), "cannot list", e))?;
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|o| o.location.filename().map(str::to_string))
            .collect())
    }

    /// The bytes of `name`, or `None` when there is no such object.
    pub(super) fn read(&self, name: &str) -> Result<Option<Vec<u8>>, PublishError> {
        let path = self.path(name);
        let store = &self.store;
        let got = self.block_on(async move {
            match store.get(&path).await {
                Ok(result) => result.bytes().await.map(Some),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        });
        got.map(|bytes| bytes.map(|b| b.to_vec()))
            .map_err(|e| error(&self.url(name), "cannot read", e))
    }

    fn path(&self, name: &str) -> ObjectPath {
        name.split('/')
            .filter(|part| !part.is_empty())
            .fold(self.prefix.clone(), ObjectPath::join)
    }

    /// Runs `future` to completion on the bucket's runtime, from a thread of its own.
    fn block_on<T: Send>(&self, future: impl Future<Output = T> + Send) -> T {
        let runtime = self.runtime.as_ref().expect("runtime lives until drop");
        std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(future))
                .join()
                .expect("object-store request thread")
        })
    }
}

impl Drop for Bucket {
    fn drop(&mut self) {
        // Dropping a runtime waits for its threads, which is not allowed inside another.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The stamp an object holding `bytes` is recorded with: its size and 64 bits of its SHA-256.
pub(super) fn stamp(bytes: &[u8]) -> Stamp {
    let digest = Sha256::digest(bytes);
    let head: [u8; 8] = digest[..8].try_into().expect("a SHA-256 has 32 bytes");
    (bytes.len() as u64, i64::from_le_bytes(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_differ_with_the_bytes() {
        assert_eq!(stamp(b"one"), stamp(b"one"));
        assert_ne!(stamp(b"one"), stamp(b"two"));
        assert_eq!(stamp(b"three").0, 5);
    }

    #[test]
    fn object_paths_sit_under_the_prefix() {
        let url = Url::parse("s3://feeds/public/v1").unwrap();
        let bucket = Bucket::open(&url, "max-age=60").unwrap();
        assert_eq!(bucket.path("site/a.xml").as_ref(), "public/v1/site/a.xml");
        assert_eq!(bucket.url("index.html"), "s3://feeds/public/v1/index.html");
    }
}
