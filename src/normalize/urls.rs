//! Absolute and canonical URLs.

use url::Url;

/// Query parameters that only track the reader and never change the page.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "_hsenc",
    "_hsmi",
];

/// Resolves `href` against `base`; `None` unless the result is an http(s) URL.
pub fn absolute(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The canonical form of an article URL: no fragment, no tracking parameters (the others
/// re-encoded in the `application/x-www-form-urlencoded` form).
pub fn canonical(mut url: Url) -> Url {
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
