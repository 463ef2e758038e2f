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
            ObjectStoreScheme::AmazonS3 => {
                let builder = AmazonS3Builder::from_env().with_url(url.as_str());
                s3_settings_problem(&builder).map_or(Ok(()), |problem| {
                    Err(ObjectError {
                        location: url.to_string(),
                        message: problem,
                    })
                })?;
                Arc::new(builder.build().map_err(|e| fail(&e))?)
            }
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

    /// The names of the objects directly under `folder` (`""`: the prefix itself).
    pub fn list(&self, folder: &str) -> Result<Vec<String>, object_store::Error> {
        let path = self.path(folder);
        let store = self.store();
        let listed = self.block_on(store.list_with_delimiter(Some(&path)))?;
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|o| o.location.filename().map(str::to_string))
            .collect())
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

    /// An [`ObjectError`] about `name`: what failed (`doing`) and why, in one line.
    pub fn error(&self, name: &str, doing: &str, e: impl std::fmt::Display) -> ObjectError {
        ObjectError {
            location: self.url(name),
            message: format!("{doing}: {}", explain(&e.to_string())),
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

/// What keeps an S3 client from working before it sends anything: a plain-HTTP endpoint
/// without `AWS_ALLOW_HTTP`, or an endpoint of its own (not AWS, so no instance role) with no
/// credentials.
fn s3_settings_problem(builder: &AmazonS3Builder) -> Option<String> {
    use object_store::ClientConfigKey;
    use object_store::aws::AmazonS3ConfigKey as Key;
    let endpoint = builder.get_config_value(&Key::Endpoint)?;
    let allow_http = builder
        .get_config_value(&Key::Client(ClientConfigKey::AllowHttp))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if endpoint.starts_with("http://") && !allow_http {
        return Some(format!(
            "the endpoint {endpoint} is plain HTTP: set AWS_ALLOW_HTTP=true to use it"
        ));
    }
    let credentials = [
        Key::AccessKeyId,
        Key::WebIdentityTokenFile,
        Key::ContainerCredentialsRelativeUri,
        Key::ContainerCredentialsFullUri,
    ];
    let none = credentials
        .iter()
        .all(|key| builder.get_config_value(key).is_none());
    none.then(|| {
        format!(
            "no credentials for the endpoint {endpoint}: set AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY"
        )
    })
}

/// A store's error in one line, in words where it is a common mistake: no credentials (the
/// client fell back to the cloud's metadata service and was refused), a plain-HTTP endpoint,
/// a missing bucket; else the service's own code and message, without its XML.
fn explain(error: &str) -> String {
    if error.contains("169.254.169.254") || error.contains("/latest/api/token") {
        return "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or run where \
                an instance or pod role provides them)"
            .to_string();
    }
    if error.contains("builder error") && error.contains("http://") {
        return "the endpoint is plain HTTP: set AWS_ALLOW_HTTP=true to use it".to_string();
    }
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = error.find(&open)? + open.len();
        let end = error[start..].find("</")? + start;
        Some(error[start..end].trim().to_string())
    };
    match (tag("Code"), tag("Message")) {
        (Some(code), _) if code == "NoSuchBucket" => {
            let bucket = tag("BucketName").unwrap_or_default();
            format!("the bucket {bucket:?} does not exist: create it, or fix the URL")
        }
        (Some(code), Some(message)) => format!("{code}: {message}"),
        _ => error
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or(error)
            .to_string(),
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

    #[test]
    fn store_errors_become_one_line() {
        let missing = "Object at location feeds/index.html not found: Error performing PUT \
            http://127.0.0.1:5123/nobucket/feeds/index.html - Server returned non-2xx status \
            code: 404 Not Found: <?xml version=\"1.0\"?>\n<Error><Code>NoSuchBucket</Code>\
            <Message>The specified bucket does not exist</Message><BucketName>nobucket\
            </BucketName></Error>";
        assert_eq!(
            explain(missing),
            "the bucket \"nobucket\" does not exist: create it, or fix the URL"
        );
        let imds = "Generic S3 error: Error performing PUT http://169.254.169.254/latest/api/token";
        assert!(explain(imds).starts_with("no credentials"));
        assert_eq!(explain("first\nsecond"), "first");
    }
}
