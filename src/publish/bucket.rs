//! Output into object storage: each object put whole in one request, with its `Content-Type`
//! and the configured `Cache-Control`.

use object_store::{Attribute, Attributes, PutOptions};
use sha2::{Digest, Sha256};
use url::Url;

use super::{PublishError, Stamp};
use crate::objects::{ObjectError, Objects};

/// A prefix in an object store that feeds are published to.
#[derive(Debug)]
pub struct Bucket {
    objects: Objects,
    cache_control: String,
}

impl From<ObjectError> for PublishError {
    fn from(e: ObjectError) -> PublishError {
        PublishError {
            location: e.location,
            message: e.message,
        }
    }
}

impl Bucket {
    /// Opens `url` (`s3://bucket/prefix`, `gs://…`, `az://…`); every object put carries
    /// `cache_control`.
    pub fn open(url: &Url, cache_control: &str) -> Result<Bucket, PublishError> {
        Ok(Bucket {
            objects: Objects::open(url)?,
            cache_control: cache_control.to_string(),
        })
    }

    /// The URL of `name`.
    pub(super) fn url(&self, name: &str) -> String {
        self.objects.url(name)
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
        self.objects
            .put(name, bytes.to_vec(), options)
            .map(drop)
            .map_err(|e| self.objects.error(name, "cannot write", e).into())
    }

    /// The names of the objects directly under `folder`.
    pub(super) fn list(&self, folder: &str) -> Result<Vec<String>, PublishError> {
        self.objects
            .list(folder)
            .map_err(|e| self.objects.error(folder, "cannot list", e).into())
    }

    /// The bytes of `name`, or `None` when there is no such object.
    pub(super) fn read(&self, name: &str) -> Result<Option<Vec<u8>>, PublishError> {
        let got = self.objects.get(name);
        got.map(|got| got.map(|(bytes, _)| bytes))
            .map_err(|e| self.objects.error(name, "cannot read", e).into())
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
}
