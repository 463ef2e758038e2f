//! Where output and state go: a folder, or a prefix in object storage.

use std::path::PathBuf;

use url::Url;

/// Where the output goes: `[output] dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A folder (a plain path or a `file://` URL), relative to the config file's folder.
    Folder(PathBuf),
    /// An object-store location: `s3://bucket/prefix`, `gs://…` or `az://…`.
    Bucket(Url),
}

impl Target {
    /// Reads a path, a `file://` URL or an object-store URL; `relative` makes a path absolute.
    pub(super) fn parse(text: &str, relative: impl Fn(&str) -> PathBuf) -> Result<Target, String> {
        let text = text.trim();
        let Some(url) = Url::parse(text).ok().filter(|u| u.scheme().len() > 1) else {
            return Ok(Target::Folder(relative(text)));
        };
        match url.scheme() {
            "file" => url
                .to_file_path()
                .map(Target::Folder)
                .map_err(|()| format!("{text:?} is not a local file URL")),
            "s3" | "s3a" | "gs" | "az" | "azure" | "abfs" | "abfss" | "adl"
                if url.host_str().is_some_and(|h| !h.is_empty()) =>
            {
                Ok(Target::Bucket(url))
            }
            scheme => Err(format!(
                "{text:?}: {scheme}:// is not supported (use a path, file://, s3://, gs:// or az://)"
            )),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Folder(path) => write!(f, "{}", path.display()),
            Target::Bucket(url) => write!(f, "{url}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Target, String> {
        Target::parse(text, |p| std::path::Path::new("/etc/fw").join(p))
    }

    #[test]
    fn paths_file_urls_and_buckets() {
        assert_eq!(parse("feeds"), Ok(Target::Folder("/etc/fw/feeds".into())));
        assert_eq!(
            parse("file:///srv/feeds"),
            Ok(Target::Folder("/srv/feeds".into()))
        );
        let bucket = parse("s3://bucket/public").unwrap();
        assert!(matches!(bucket, Target::Bucket(_)));
        assert_eq!(bucket.to_string(), "s3://bucket/public");
        assert!(parse("gs://bucket").is_ok() && parse("az://container/p").is_ok());
        assert!(
            parse("ftp://host/feeds")
                .unwrap_err()
                .contains("ftp:// is not supported")
        );
        assert!(parse("s3:///no-bucket").is_err());
    }
}
