//! The main text of an article page without selectors (`content = "auto"`). The engine is
//! `dom_smoothie` (Mozilla Readability's algorithm), with `rs-trafilatura` where its text is
//! short and the second engine's clearly longer (chosen by measurement, see `scripts/fulltext-engines.sh`);
//! this module is the one place that knows them. Around it:
//! lazy images are given a real `src` before the page is read (`data-src`, `data-lazy-src`,
//! `data-original`, `srcset`, `<noscript>` copies), a page's JSON-LD `articleBody` is taken
//! when it holds clearly more text, and embedded videos become links. Sanitising is
//! `normalize`'s job.

use regex::Captures;
use url::Url;

/// What automatic extraction found on an article page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullText {
    /// The main text as HTML (not yet sanitised).
    pub html: String,
    /// Its length in characters of text.
    pub chars: usize,
    /// Its words.
    pub words: usize,
    /// Where it came from: `readability` or `JSON-LD articleBody`.
    pub source: &'static str,
}

/// Readability's text shorter than this (characters) may be part of the article only: the
/// second engine reads the page.
const FALLBACK_CHARS: usize = 1000;
/// The second engine's text is taken when it is this much longer.
const CLEARLY_MORE: f64 = 1.5;

/// JSON-LD text is taken over the engine's when it is this much longer.
const ARTICLE_BODY_LEAD: f64 = 1.3;

/// The main text of the article page `html` fetched from `page`.
pub fn main_text(html: &str, page: &Url) -> Option<FullText> {
    let prepared = with_real_images(html);
    let found = dom_smoothie::Readability::new(prepared.as_str(), Some(page.as_str()), None)
        .ok()
        .and_then(|mut reader| reader.parse().ok())
        .map(|article| FullText {
            chars: article
                .text_content
                .chars()
                .filter(|c| !c.is_whitespace())
                .count(),
            words: article.text_content.split_whitespace().count(),
            html: videos_as_links(&super::boilerplate::without_furniture(&article.content)),
            source: "readability",
        });
    // Where Readability's text is short, trafilatura reads the page too and its text is taken
    // when it holds clearly more (Readability kept one part of a longer article).
    let found = match found {
        Some(found) if found.chars >= FALLBACK_CHARS => Some(found),
        short => trafilatura(html)
            .filter(|other| {
                other.chars as f64 > short.as_ref().map_or(0, |s| s.chars) as f64 * CLEARLY_MORE
            })
            .or(short),
    };
    let body = article_body(html);
    match (found, body) {
        (Some(found), Some(body)) if body.chars as f64 > found.chars as f64 * ARTICLE_BODY_LEAD => {
            Some(body)
        }
        (found, body) => found.or(body),
    }
}

/// `rs-trafilatura`'s main text of the page, for pages where Readability's is short.
fn trafilatura(html: &str) -> Option<FullText> {
    let result = rs_trafilatura::extract(html).ok()?;
    let text = &result.content_text;
    // Its text as paragraphs where it gives no HTML.
    let html = result.content_html.clone().unwrap_or_else(|| {
        text.split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| format!("<p>{}</p>", html_escape::encode_text(p)))
            .collect()
    });
    Some(FullText {
        chars: text.chars().filter(|c| !c.is_whitespace()).count(),
        words: text.split_whitespace().count(),
        html: videos_as_links(&super::boilerplate::without_furniture(&html)),
        source: "trafilatura",
    })
}

/// The innermost element of the page `document` that holds both the first and the last words
/// of the text `found` (HTML), described as a selector (`article.post-body`).
pub fn holding_block(document: &scraper::Html, found: &str) -> Option<String> {
    let text_of = |fragment: &str| {
        let document = scraper::Html::parse_fragment(fragment);
        super::element_text(document.root_element())
    };
    let words: Vec<String> = text_of(found)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if words.len() < 8 {
        return None;
    }
    let head = words[..4].join(" ");
    let tail = words[words.len() - 4..].join(" ");
    document
        .root_element()
        .select(css!("body *"))
        .filter(|el| {
            let text = super::element_text(*el);
            text.contains(&head) && text.contains(&tail)
        })
        .last()
        .map(|el| {
            let value = el.value();
            let mut selector = value.name().to_string();
            if let Some(id) = value.id() {
                selector.push('#');
                selector.push_str(id);
            }
            for class in value.classes().take(2) {
                selector.push('.');
                selector.push_str(class);
            }
            selector
        })
}

/// The page's JSON-LD `articleBody`, as paragraphs. The scripts are read as they stand (no
/// second parse of the page).
fn article_body(html: &str) -> Option<FullText> {
    if !html.contains("articleBody") {
        return None;
    }
    let scripts =
        regex!(r#"(?is)<script[^>]*type\s*=\s*["']application/ld\+json["'][^>]*>(.*?)</script>"#);
    let text = scripts.captures_iter(html).find_map(|caps| {
        let value: serde_json::Value = serde_json::from_str(caps[1].trim()).ok()?;
        body_in(&value)
    })?;
    let paragraphs: Vec<String> = text
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            format!(
                "<p>{}</p>",
                p.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            )
        })
        .collect();
    (!paragraphs.is_empty()).then(|| FullText {
        chars: text.chars().filter(|c| !c.is_whitespace()).count(),
        words: text.split_whitespace().count(),
        html: paragraphs.join("\n"),
        source: "JSON-LD articleBody",
    })
}

/// The first `articleBody` in a JSON-LD value (an object, a list, a `@graph`).
fn body_in(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Object(object) => object
            .get("articleBody")
            .and_then(|b| b.as_str())
            .map(str::to_string)
            .or_else(|| object.values().find_map(body_in)),
        serde_json::Value::Array(items) => items.iter().find_map(body_in),
        _ => None,
    }
}

/// `html` with lazy images made plain: a `<noscript>` that holds an image is unwrapped, and an
/// image without a usable `src` (none, a `data:` placeholder, a spacer) takes the first of
/// `data-src`, `data-lazy-src`, `data-original`, `data-srcset`, `srcset`.
pub fn with_real_images(html: &str) -> String {
    let unwrapped = if html.contains("<noscript") {
        regex!(r"(?is)<noscript>\s*(<img\b[^>]*>)\s*</noscript>").replace_all(html, "$1")
    } else {
        std::borrow::Cow::Borrowed(html)
    };
    regex!(r"(?is)<img\b[^>]*>")
        .replace_all(&unwrapped, |caps: &Captures| real_src(&caps[0]))
        .into_owned()
}

/// One `<img>` tag with the best `src` it names.
fn real_src(tag: &str) -> String {
    let attributes: Vec<(String, String)> = regex!(r#"(?is)\s([a-z-]+)\s*=\s*["']([^"']*)["']"#)
        .captures_iter(tag)
        .map(|c| (c[1].to_ascii_lowercase(), c[2].trim().to_string()))
        .collect();
    let attr = |name: &str| -> Option<String> {
        attributes
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let usable = |src: &str| {
        !(src.starts_with("data:")
            || ["blank", "spacer", "placeholder", "lazy", "1x1", "pixel"]
                .iter()
                .any(|w| src.to_ascii_lowercase().contains(w)))
    };
    if attr("src").is_some_and(|src| usable(&src)) {
        return tag.to_string();
    }
    let first_of_set = |set: String| {
        set.split(',')
            .next()
            .and_then(|c| c.split_whitespace().next())
            .map(str::to_string)
    };
    let lazy = ["data-src", "data-lazy-src", "data-original"]
        .iter()
        .find_map(|name| attr(name))
        .or_else(|| attr("data-srcset").and_then(first_of_set))
        .or_else(|| attr("srcset").and_then(first_of_set));
    let Some(lazy) = lazy else {
        return tag.to_string();
    };
    let without_src = regex!(r#"(?is)\ssrc\s*=\s*["'][^"']*["']"#).replace(tag, "");
    without_src.replacen("<img", &format!("<img src=\"{lazy}\""), 1)
}

/// Embedded players (`<iframe>`, `<video>`) as a link to what they play.
fn videos_as_links(html: &str) -> String {
    regex!(r#"(?is)<(?:iframe|video)\b[^>]*?\ssrc\s*=\s*["']([^"']+)["'][^>]*>(?:.*?</(?:iframe|video)>)?"#)
        .replace_all(html, r#"<p><a href="$1">Video: $1</a></p>"#)
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_images_get_a_real_src_in_four_forms() {
        let html = r#"<img data-src="/a.jpg" src="data:image/gif;base64,R0l"><img data-lazy-src="/b.jpg"><img src="/blank.gif" data-original="/c.jpg"><img srcset="/d-320.jpg 320w, /d-640.jpg 640w"><noscript><img src="/e.jpg"></noscript>"#;
        let fixed = with_real_images(html);
        for src in ["/a.jpg", "/b.jpg", "/c.jpg", "/d-320.jpg", "/e.jpg"] {
            assert!(fixed.contains(&format!("src=\"{src}\"")), "{src}: {fixed}");
        }
        assert!(!fixed.contains("noscript"), "{fixed}");
        assert!(!fixed.contains("src=\"data:"), "{fixed}");
    }

    #[test]
    fn videos_become_links() {
        let html =
            r#"<p>Watch:</p><iframe src="https://www.youtube.com/embed/xyz" width="560"></iframe>"#;
        assert!(videos_as_links(html).contains(r#"<a href="https://www.youtube.com/embed/xyz">"#));
    }
}
