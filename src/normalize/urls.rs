//! Absolute and canonical URLs.

use url::{Position, Url};

/// Query parameters that only track the reader and never change the page.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "_hsenc",
    "_hsmi",
];

/// Resolves `href` against `base` to the text of an http(s) URL; `None` for anything else.
pub fn absolute(base: &Url, href: &str) -> Option<String> {
    let href = href.trim();
    plain_join(base, href).or_else(|| parsed(base, href).map(String::from))
}

/// An article link's canonical URL resolved against `base` — no fragment, no tracking
/// parameters (the others re-encoded in the `application/x-www-form-urlencoded` form) — the
/// item's id. `None` unless it is an http(s) URL.
pub fn canonical_link(base: &Url, href: &str) -> Option<String> {
    let href = href.trim();
    match plain_join(base, href) {
        Some(link) => match untracked_plain(&link) {
            Some(end) => {
                let mut link = link;
                link.truncate(end);
                Some(link)
            }
            None => Url::parse(&link).ok().map(|url| canonical(url).into()),
        },
        None => parsed(base, href).map(|url| canonical(url).into()),
    }
}

/// `href` resolved by the URL parser, if it is an http(s) URL.
fn parsed(base: &Url, href: &str) -> Option<Url> {
    if href.is_empty() {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// Bytes that stand for themselves in an http(s) URL's path and query, where the parser
/// copies them unchanged (no `%`, whose `%2e` the parser reads as a dot; no `'`, which it
/// encodes in a query).
const PLAIN: [bool; 256] = {
    let mut plain = [false; 256];
    let mut b = 0;
    while b < 256 {
        plain[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let punctuation = b"-._~!$&()*+,;=:@/?";
    let mut i = 0;
    while i < punctuation.len() {
        plain[punctuation[i] as usize] = true;
        i += 1;
    }
    plain
};

/// `href` resolved against `base` without the parser, when the result is plain to see: an
/// http(s) URL with a plain host name, a path from the root (`/a/b.html?x=1`) or from the
/// page's folder (`b.html`), in bytes the parser copies unchanged and without `.` or `..`
/// segments — most links on an index page. The parser gives the same text (a property test
/// holds the two together); links that are anything else go to it. Parsing was a third of an
/// item's normalisation.
fn plain_join(base: &Url, href: &str) -> Option<String> {
    let (start, rest) = plain_parts(base, href)?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    let plain = rest.bytes().all(|b| PLAIN[usize::from(b)])
        && !path
            .split('/')
            .any(|segment| segment == "." || segment == "..");
    plain.then(|| [start, rest].concat())
}

/// What a plainly resolved `href` starts with (its scheme and host, the base's, or the base's
/// folder) and the path and query that follow; `None` when it is not that simple.
fn plain_parts<'a>(base: &'a Url, href: &'a str) -> Option<(&'a str, &'a str)> {
    if let Some(after) = href
        .strip_prefix("http://")
        .or_else(|| href.strip_prefix("https://"))
    {
        let host_end = after.find('/')?;
        let split = href.len() - after.len() + host_end;
        return plain_host(&after[..host_end]).then(|| href.split_at(split));
    }
    if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
        return None;
    }
    let bytes = href.as_bytes();
    match bytes.first()? {
        // `//host/...` names another host.
        b'/' if matches!(bytes.get(1), Some(b'/' | b'\\')) => None,
        b'/' => Some((&base[..Position::BeforePath], href)),
        // A relative path's first segment would be a scheme (`mailto:`) with a colon.
        c if c.is_ascii_alphanumeric() => {
            let first = href.split(['/', '?']).next().unwrap_or(href);
            if first.contains(':') {
                return None;
            }
            // The base's path up to its last slash: its folder.
            let upto_path = &base[..Position::AfterPath];
            Some((&upto_path[..=upto_path.rfind('/')?], href))
        }
        _ => None,
    }
}

/// Whether the parser leaves a host name as it is: lower-case letters, digits and hyphens in
/// dot-separated labels, none of them punycode (`xn--`), the last starting with a letter (a
/// number there makes it an IPv4 address).
fn plain_host(host: &str) -> bool {
    host.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with("xn--")
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }) && host
        .rsplit('.')
        .next()
        .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_lowercase()))
}

/// Where a plainly joined link's canonical form ends, when it needs no parsing: its length
/// without a query, or where its query starts when every parameter tracks (keys of letters,
/// digits and `_` only, which decode to themselves). `None` when the query must be read.
fn untracked_plain(link: &str) -> Option<usize> {
    let Some((before, query)) = link.split_once('?') else {
        return Some(link.len());
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .all(|pair| {
            let key = pair.split_once('=').map_or(pair, |(key, _)| key);
            key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && is_tracking(key)
        })
        .then_some(before.len())
}

/// The canonical form of an article URL: no fragment, no tracking parameters (the others
/// re-encoded in the `application/x-www-form-urlencoded` form).
fn canonical(mut url: Url) -> Url {
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| !is_tracking(key))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url
}

fn is_tracking(key: &str) -> bool {
    key.get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("utm_"))
        || TRACKING.iter().any(|name| name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// The plain join and its canonical form give exactly what the parser gives.
        #[test]
        fn plain_joins_read_as_the_parser_reads(
            base in prop::sample::select(vec![
                "http://h.org/",
                "https://u:p@h.org:8080/a/b.html?q=1#f",
                "http://127.0.0.1:18181/s/7.html",
                "https://x.org/dir/sub/",
                "https://x.org",
                "HTTP://X.ORG/a/",
                "ftp://x.org/a/",
            ]),
            pieces in prop::collection::vec(prop::sample::select(vec![
                "http://", "https://", "HTTP://", "http:", "x.org", "X.org", "xn--a", "-", "0x1",
                "1", "127.0.0.1", "_", ":80", "ab--c", "a.", ".b",
                "a", "B", "7", "/", ".", "..", "?", "=", "&", "%2e", "%", "#", ":", "@", "'",
                "+", "~", "*", "utm_source", "fbclid", "UTM_X", "id", " ", "\\", "\u{e9}",
                "mailto:", "//", "\t", ";", "!", "$", "(", "^", "|", "`", "[",
            ]), 0..10),
        ) {
            let base = Url::parse(base).unwrap();
            let href = pieces.concat();
            let by_parser = parsed(&base, href.trim());
            prop_assert_eq!(absolute(&base, &href), by_parser.clone().map(String::from));
            prop_assert_eq!(
                canonical_link(&base, &href),
                by_parser.map(|url| canonical(url).into())
            );
        }
    }

    #[test]
    fn common_links_are_joined_without_the_parser() {
        let base = Url::parse("https://e.org/news/index.html").unwrap();
        for (href, joined) in [
            (
                "/a/b-1.html?utm_source=x",
                "https://e.org/a/b-1.html?utm_source=x",
            ),
            ("story_2.html", "https://e.org/news/story_2.html"),
            (
                "http://www.space-daily.com/reports/A_999.html",
                "http://www.space-daily.com/reports/A_999.html",
            ),
        ] {
            assert_eq!(plain_join(&base, href).as_deref(), Some(joined), "{href}");
        }
        assert_eq!(
            canonical_link(&base, "/a?utm_source=x&fbclid=1").as_deref(),
            Some("https://e.org/a")
        );
        for parsed_instead in [
            "../a",
            "/a/./b",
            "/a%20b",
            "//cdn.e.org/x",
            "mailto:x",
            "?p=2",
        ] {
            assert_eq!(plain_join(&base, parsed_instead), None, "{parsed_instead}");
        }
    }

    fn base() -> Url {
        Url::parse("https://www.example.com/news/index.html").unwrap()
    }

    #[test]
    fn resolves_relative_links_and_rejects_other_schemes() {
        let abs = |h: &str| absolute(&base(), h).map(|u| u.to_string());
        assert_eq!(
            abs("/reports/A_999.html").unwrap(),
            "https://www.example.com/reports/A_999.html"
        );
        assert_eq!(
            abs("b.html").unwrap(),
            "https://www.example.com/news/b.html"
        );
        assert_eq!(
            abs("//cdn.example.net/x").unwrap(),
            "https://cdn.example.net/x"
        );
        for bad in [
            "javascript:alert(1)",
            "mailto:a@b.c",
            "data:text/html,x",
            "ftp://x/y",
            "  ",
        ] {
            assert_eq!(abs(bad), None, "{bad}");
        }
    }

    #[test]
    fn canonical_drops_fragment_and_tracking_only() {
        let canon = |s: &str| canonical(Url::parse(s).unwrap()).to_string();
        assert_eq!(
            canon("https://e.org/a/?utm_source=home&utm_medium=x#top"),
            "https://e.org/a/"
        );
        assert_eq!(
            canon("https://e.org/a?id=7&fbclid=z&GCLID=q&mc_cid=1&mc_eid=2&page=2"),
            "https://e.org/a?id=7&page=2"
        );
        assert_eq!(canon("HTTPS://E.ORG:443/a"), "https://e.org/a");
        // Item ids stay what earlier releases made of the same links.
        assert_eq!(
            canon("https://e.org/a?q=a%20b&x&UTM_Term=1&s=%C3%A9"),
            "https://e.org/a?q=a+b&x=&s=%C3%A9"
        );
        assert_eq!(canon("https://e.org/a?"), "https://e.org/a");
    }
}
