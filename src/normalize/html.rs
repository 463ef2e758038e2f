//! HTML fragments made safe for feeds: sanitised, links absolute, "read more" tails removed.

use std::sync::LazyLock;

use ammonia::UrlRelative;
use regex::Regex;
use url::Url;

use super::text::is_xml_char;

/// A trailing "read more" link, with an optional ellipsis before it.
static READ_MORE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)\s*(?P<dots>\.{3}|…)?\s*<a\b[^>]*>\s*\[?\s*(?:read\s+more|continue\s+reading|read\s+the\s+rest|more)\b[^<]{0,16}</a>\s*(?P<close>(?:</[a-z0-9]+>\s*)*)$",
    )
    .expect("valid pattern")
});

/// A trailing plain-text "read more".
static READ_MORE_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)\s*(?P<dots>\.{3}|…)?\s*\[?\s*(?:read\s+more|continue\s+reading)\s*(?:»|→|›|\.{3}|…|&gt;|\])*\s*(?P<close>(?:</[a-z0-9]+>\s*)*)$",
    )
    .expect("valid pattern")
});

static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid pattern"));

/// Sanitises an HTML fragment for a feed.
///
/// Removes scripts, styles, frames, event handlers and unsafe URLs; makes relative URLs
/// absolute against `base`; strips a trailing "read more" link or text (keeping an ellipsis
/// that marks a cut teaser). `None` when nothing readable is left.
pub fn sanitize(html: &str, base: &Url) -> Option<String> {
    let valid: String = html.chars().filter(|&c| is_xml_char(c)).collect();
    let clean = ammonia::Builder::default()
        .url_relative(UrlRelative::RewriteWithBase(base.clone()))
        .clean(&valid)
        .to_string();
    let trimmed = strip_read_more(clean.trim());
    let has_text = !TAG.replace_all(&trimmed, "").trim().is_empty();
    (has_text || trimmed.contains("<img")).then_some(trimmed)
}

/// Escapes plain text so it can stand where HTML is expected.
pub fn text_to_html(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

fn strip_read_more(html: &str) -> String {
    let mut html = html.to_string();
    for pattern in [&*READ_MORE_LINK, &*READ_MORE_TEXT] {
        html = pattern
            .replace(&html, |caps: &regex::Captures| {
                let dots = if caps.name("dots").is_some() {
                    " …"
                } else {
                    ""
                };
                format!("{dots}{}", caps["close"].trim())
            })
            .into_owned();
    }
    html.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.org/blog/").unwrap()
    }

    #[test]
    fn removes_scripts_handlers_and_frames() {
        let out = sanitize(
            r#"<p onclick="x()">Hi <script>alert(1)</script><iframe src="/ad"></iframe><a href="javascript:evil()">j</a><style>p{}</style></p>"#,
            &base(),
        )
        .unwrap();
        for bad in [
            "script",
            "onclick",
            "iframe",
            "javascript",
            "style",
            "alert",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(out.contains("Hi"));
    }

    #[test]
    fn makes_urls_absolute() {
        let out = sanitize(r#"<img src="/img/a.jpg"> <a href="post/">x</a>"#, &base()).unwrap();
        assert!(
            out.contains(r#"src="https://example.org/img/a.jpg""#),
            "{out}"
        );
        assert!(
            out.contains(r#"href="https://example.org/blog/post/""#),
            "{out}"
        );
    }

    #[test]
    fn strips_trailing_read_more() {
        let cases = [
            (
                r#"Rovers wheel a ... <a href="/r">read more</a>"#,
                "Rovers wheel a …",
            ),
            (
                r#"<p>Text. <a href="/r">Read more »</a></p>"#,
                "<p>Text.</p>",
            ),
            ("Text … read more", "Text …"),
            ("Text [Read more]", "Text"),
            ("Teaser and more", "Teaser and more"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input, &base()).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn empty_fragments_give_none() {
        assert_eq!(sanitize("<p> </p><script>x</script>", &base()), None);
        assert_eq!(sanitize("<a href='/r'>read more</a>", &base()), None);
    }
}
