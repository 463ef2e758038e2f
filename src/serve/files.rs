//! The output folder over HTTP: feed content types, ETag and Last-Modified with 304s, and no
//! path outside the folder.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::render::{Format, content_type};

/// Default address of `feedwright serve`.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The media type served for a file. A browser asking for a page (`Accept: text/html`) gets
/// RSS and Atom as `application/xml`, which it renders through the feed's stylesheet; with
/// their own types it would show raw text or offer a download.
pub fn content_type_for(path: &Path, accept: Option<&str>) -> &'static str {
    let browser = accept.is_some_and(|a| a.contains("text/html"));
    let xml_feed = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .is_some_and(|f| matches!(f, Format::Rss | Format::Atom));
    if browser && xml_feed {
        "application/xml; charset=utf-8"
    } else {
        content_type(path)
    }
}

/// Maps a request path to a file inside `root`; `None` for anything that could leave it
/// (`..`, encoded or not, absolute paths, backslashes, NUL).
pub fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(request_path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut path = root.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if decoded.ends_with('/') || path == root {
        path.push("index.html");
    }
    Some(path)
}

/// Decodes `%XX` escapes; `None` for a malformed one or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The router serving the files under `root`.
pub(super) fn router(root: PathBuf) -> Router {
    Router::new().fallback(answer).with_state(Arc::new(root))
}

fn status(code: StatusCode) -> Response {
    let text = code.canonical_reason().unwrap_or("error");
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(format!("{} {text}\n", code.as_u16())))
        .expect("valid response")
}

async fn answer(
    State(root): State<Arc<PathBuf>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }
    let Some(path) = resolve(&root, uri.path()) else {
        return status(StatusCode::BAD_REQUEST);
    };
    let Ok(meta) = tokio::fs::metadata(&path).await else {
        return status(StatusCode::NOT_FOUND);
    };
    if !meta.is_file() {
        return status(StatusCode::NOT_FOUND);
    }
    let modified = meta.modified().unwrap_or(UNIX_EPOCH);
    let nanos = modified
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let etag = format!("\"{:x}-{:x}\"", meta.len(), nanos);
    let last_modified = DateTime::<Utc>::from(modified)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let fresh = match (
        header_text(header::IF_NONE_MATCH),
        header_text(header::IF_MODIFIED_SINCE),
    ) {
        (Some(tags), _) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        (None, Some(since)) => DateTime::parse_from_rfc2822(since)
            .is_ok_and(|since| DateTime::<Utc>::from(modified).timestamp() <= since.timestamp()),
        (None, None) => false,
    };
    let builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::LAST_MODIFIED, &last_modified)
        .header(header::CACHE_CONTROL, "no-cache");
    if fresh {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .expect("valid response");
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        match tokio::fs::read(&path).await {
            Ok(bytes) => Body::from(bytes),
            Err(_) => return status(StatusCode::NOT_FOUND),
        }
    };
    builder
        .status(StatusCode::OK)
        .header(
            header::CONTENT_TYPE,
            content_type_for(&path, header_text(header::ACCEPT)),
        )
        .header(header::VARY, "Accept")
        .header(header::CONTENT_LENGTH, meta.len())
        .body(body)
        .expect("valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let root = Path::new("/srv/feeds");
        assert_eq!(resolve(root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(root, "/a/b.xml"), Some(root.join("a/b.xml")));
        assert_eq!(resolve(root, "/a/%62.xml"), Some(root.join("a/b.xml")));
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fetc",
            "/a/%2e%2e/%2e%2e/x",
            "/..%5cx",
            "/%00",
            "/%zz",
        ] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
        assert_eq!(resolve(root, "//etc/passwd"), Some(root.join("etc/passwd")));
    }
}
