//! HTML fragments made safe for feeds: sanitised, links absolute, "read more" tails removed.

use std::borrow::Cow;
use std::cell::RefCell;

use ammonia::UrlRelative;
use regex::Regex;
use url::Url;

use super::text::{clean_text, xml_chars_only};

/// A "read more" link that ends the fragment (but for closing tags), from its `<a`.
fn read_more_link() -> &'static Regex {
    regex!(
        r"(?is)^<a\b[^>]*>\s*\[?\s*(?:read\s+more|continue\s+reading|read\s+the\s+rest|more)\b[^<]{0,16}</a>\s*(?:</[a-z0-9]+>\s*)*$"
    )
}

/// A trailing plain-text "read more".
fn read_more_text() -> &'static Regex {
    regex!(
        r"(?is)\s*(?:\.{3}|…)?\s*\[?\s*(?:read\s+more|continue\s+reading)\s*(?:»|→|›|\.{3}|…|&gt;|\])*\s*(?:</[a-z0-9]+>\s*)*$"
    )
}

/// Whether serialised HTML has any visible character outside its tags.
fn has_text(html: &str) -> bool {
    let mut in_tag = false;
    html.chars().any(|c| match c {
        '<' => {
            in_tag = true;
            false
        }
        '>' if in_tag => {
            in_tag = false;
            false
        }
        c => !in_tag && !c.is_whitespace(),
    })
}

/// The words of an HTML fragment with its tags left out, single-spaced (references are left
/// as written).
pub fn visible_text(html: &str) -> String {
    let mut in_tag = false;
    let text: String = html
        .chars()
        .map(|c| {
            let shown = !in_tag && c != '<';
            in_tag = (in_tag || c == '<') && c != '>';
            if shown { c } else { ' ' }
        })
        .collect();
    // Entities decoded (`&nbsp;`, `&amp;`): the text as a reader sees it.
    html_escape::decode_html_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sanitises an HTML fragment for a feed.
///
/// Removes scripts, styles, frames, event handlers and unsafe URLs; makes relative URLs
/// absolute against `base`; strips a trailing "read more" link or text (keeping an ellipsis
/// that marks a cut teaser). `None` when nothing readable is left.
pub fn sanitize(html: &str, base: &Url) -> Option<String> {
    // Stripping first often leaves plain text, which needs no parser.
    let teaser = strip_read_more(html);
    let clean = if teaser.contains('<') {
        let valid = xml_chars_only(&teaser);
        let clean = with_sanitizer(base, |builder| builder.clean(&valid).to_string());
        // The parser decodes references, which can name what XML cannot carry (`&#xFFFE;`).
        let clean = xml_chars_only(&clean);
        // Cleaning can expose a "read more" that removed markup (a trailing script) hid.
        strip_read_more(&clean).into_owned()
    } else {
        escape_plain(&teaser)
    };
    (has_text(&clean) || clean.contains("<img")).then_some(clean)
}

/// A fragment without tags as HTML: cleaned as plain text (references decoded once, what XML
/// cannot carry dropped, whitespace collapsed), then `&`, `<` and `>` escaped.
fn escape_plain(text: &str) -> String {
    escaped(Cow::Owned(clean_text(text)))
}

thread_local! {
    /// The sanitiser of the page being read: building one costs more than cleaning a teaser,
    /// and every item of a page shares its base URL.
    static SANITIZER: RefCell<Option<(Url, ammonia::Builder<'static>)>> = const { RefCell::new(None) };
}

fn with_sanitizer<T>(base: &Url, clean: impl FnOnce(&ammonia::Builder<'static>) -> T) -> T {
    SANITIZER.with_borrow_mut(|cached| {
        if cached.as_ref().is_none_or(|(url, _)| url != base) {
            let mut builder = ammonia::Builder::default();
            builder.url_relative(UrlRelative::RewriteWithBase(base.clone()));
            *cached = Some((base.clone(), builder));
        }
        let (_, builder) = cached.as_ref().expect("just built");
        clean(builder)
    })
}

/// Sanitises a full article body: as [`sanitize`], and also without spacer or tracking images
/// (1×1, `spacer`, `pixel`, `blank.gif`) and without wrappers left empty by the cleaning.
pub fn sanitize_body(html: &str, base: &Url) -> Option<String> {
    let without_spacers = spacer_img().replace_all(html, "");
    let mut clean = sanitize(&without_spacers, base)?;
    loop {
        let next = empty_wrapper().replace_all(&clean, "").into_owned();
        if next == clean {
            break;
        }
        clean = next;
    }
    (has_text(&clean) || clean.contains("<img")).then_some(clean)
}

fn spacer_img() -> &'static Regex {
    regex!(
        r#"(?is)<img\b[^>]*?(?:\b(?:width|height)\s*=\s*["']?[01]\b|spacer|pixel\.gif|blank\.gif|1x1)[^>]*>"#
    )
}

fn empty_wrapper() -> &'static Regex {
    regex!(
        r"(?is)<(center|div|span|p|section|aside|figure|font|b|i|strong|em|table|tr|td|tbody|li|ul)\b[^>]*>(?:\s|&nbsp;|<br\s*/?>)*</(?:center|div|span|p|section|aside|figure|font|b|i|strong|em|table|tr|td|tbody|li|ul)>"
    )
}

/// Escapes plain text so it can stand where HTML is expected.
pub fn text_to_html(text: &str) -> String {
    escaped(Cow::Borrowed(text))
}

/// `text` with `&`, `<` and `>` escaped (text already owned is kept when there are none).
fn escaped(text: Cow<'_, str>) -> String {
    // Most text has nothing to escape; a scan without early exit finds that fastest.
    let special = text
        .bytes()
        .fold(false, |found, b| found | matches!(b, b'&' | b'<' | b'>'));
    if special {
        html_escape::encode_text(&text).into_owned()
    } else {
        text.into_owned()
    }
}

/// Marks a teaser cut off mid-word or mid-sentence with a trailing ellipsis.
pub fn mark_cut_off(html: &str) -> String {
    let body = html.trim_end();
    let closing_at = trailing_close()
        .find(body)
        .map_or(body.len(), |m| m.start());
    let (text, closing) = body.split_at(closing_at);
    if text
        .trim_end()
        .ends_with(|c: char| c.is_alphanumeric() || c == ',')
    {
        format!("{}…{closing}", text.trim_end())
    } else {
        body.to_string()
    }
}

fn trailing_close() -> &'static Regex {
    regex!(r"(?:\s*</[a-z0-9]+>)+$")
}

/// The ellipsis kept where a removed "read more" followed one.
fn ellipsis(removed: &str) -> &'static str {
    let start = removed.trim_start();
    if start.starts_with("...") || start.starts_with('…') {
        " …"
    } else {
        ""
    }
}

/// How far from the end a plain-text "read more" tail can start: the words, an arrow, closing
/// tags.
const TEXT_SPAN: usize = 200;

fn strip_read_more(html: &str) -> Cow<'_, str> {
    let html = html.trim();
    if !ends_near_read_more_word(html) {
        return Cow::Borrowed(html);
    }
    let mut html = Cow::Borrowed(html);
    if let Some(stripped) = strip_read_more_link(&html) {
        html = Cow::Owned(stripped);
        // The link usually took the only "read more" with it.
        if !ends_near_read_more_word(&html) {
            return html;
        }
    }
    // Anchored at the end: search only the last few hundred bytes, without capture groups
    // (the kept closing tags are found by hand).
    let from = html.floor_char_boundary(html.len().saturating_sub(TEXT_SPAN));
    let Some(found) = read_more_text().find_at(&html, from) else {
        return html;
    };
    let closing = trailing_close()
        .find(found.as_str())
        .map_or("", |m| m.as_str().trim());
    let kept = format!("{}{closing}", ellipsis(found.as_str()));
    let range = found.range();
    let mut html = html.into_owned();
    html.replace_range(range, &kept);
    let trimmed = html.trim();
    if trimmed.len() == html.len() {
        Cow::Owned(html)
    } else {
        Cow::Owned(trimmed.to_string())
    }
}

/// `html` without a "read more" link that ends it, and the spaces and ellipsis before the
/// link (an ellipsis stays, marking a cut teaser); closing tags after the link stay.
fn strip_read_more_link(html: &str) -> Option<String> {
    let link = last_link_start(html)?;
    let tail = &html[link..];
    if !read_more_link().is_match(tail) {
        return None;
    }
    // The link text holds no `<`: the first one after the start tag opens `</a>`.
    let text_start = memchr::memchr(b'>', tail.as_bytes())?;
    let after_link =
        text_start + memchr::memchr(b'<', &tail.as_bytes()[text_start..])? + "</a>".len();
    let before = html[..link].trim_end();
    let before = before
        .strip_suffix("...")
        .or_else(|| before.strip_suffix('…'))
        .map_or(before, str::trim_end);
    let lead = ellipsis(&html[before.len()..link]);
    let closing = tail[after_link..].trim();
    let mut kept = String::with_capacity(before.len() + lead.len() + closing.len());
    kept.push_str(before);
    // With nothing before the link, the ellipsis' space would lead.
    kept.push_str(if before.is_empty() {
        lead.trim_start()
    } else {
        lead
    });
    kept.push_str(closing);
    Some(kept)
}

/// Whether "more", "read" or "rest" (any case) occurs in the last 64 bytes: both patterns
/// end in one of them ("reading" starts with "read") and a few closing characters.
fn ends_near_read_more_word(html: &str) -> bool {
    const MORE: u32 = u32::from_le_bytes(*b"more");
    const READ: u32 = u32::from_le_bytes(*b"read");
    const REST: u32 = u32::from_le_bytes(*b"rest");
    let tail = &html.as_bytes()[html.len().saturating_sub(64)..];
    // Four letters from `start`, ASCII capitals lowered (setting bit 5 turns no other byte
    // into a letter).
    let word = |start: usize| {
        let w = tail.get(start..start + 4)?;
        Some(u32::from_le_bytes([w[0], w[1], w[2], w[3]]) | 0x2020_2020)
    };
    // Every word has an "r" (rarer in text than the "e" they also share): look only there.
    memchr::memchr2_iter(b'r', b'R', tail).any(|r| {
        r.checked_sub(2).and_then(word) == Some(MORE)
            || word(r).is_some_and(|w| w == READ || w == REST)
    })
}

/// Where the last `<a` tag starts.
fn last_link_start(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    memchr::memrchr_iter(b'<', bytes).find(|&at| {
        bytes
            .get(at + 1)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'a'))
            && bytes
                .get(at + 2)
                .is_some_and(|&b| b == b'>' || b.is_ascii_whitespace())
    })
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
            (
                r#"<p><b>Cut</b> off…<A HREF="/r">[Continue reading &gt;]</A></p> "#,
                "<p><b>Cut</b> off …</p>",
            ),
            (r#"Both ... <a href="/r">more</a> Read more"#, "Both …"),
            ("Text [Read more]", "Text"),
            ("Teaser and more", "Teaser and more"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input, &base()).unwrap(), expected, "{input}");
        }
        let not_last = r#"Not last <a href="/r">read more</a> <a href="/x">x</a>"#;
        assert_eq!(strip_read_more(not_last), not_last);
    }

    #[test]
    fn references_to_what_xml_cannot_carry_are_dropped() {
        // `<!-->` ends a comment at once: the references are text to the parser.
        let clean = sanitize("<p><!-->a&#xFFFE;&#x1;&#xFFFF;b</p>", &base()).unwrap();
        assert_eq!(clean, "<p>ab</p>");
    }

    #[test]
    fn plain_text_is_decoded_once_and_escaped() {
        assert_eq!(
            sanitize("AT&amp;T &lt;b&gt; x&#0;y &nbsp;", &base()).unwrap(),
            "AT&amp;T &lt;b&gt; xy"
        );
        assert_eq!(
            sanitize(r#"Teaser ... <a href="/r">Read more</a>"#, &base()).unwrap(),
            "Teaser …"
        );
    }

    #[test]
    fn read_more_behind_removed_markup_goes_too() {
        let out = sanitize(
            r#"<p>Text <b>bold</b> ... <a href="/r">read more</a><script>track()</script></p>"#,
            &base(),
        )
        .unwrap();
        assert_eq!(out, "<p>Text <b>bold</b> …</p>");
    }

    #[test]
    fn article_bodies_lose_ads_spacers_and_empty_wrappers() {
        let body = r#"<p>Over the years.<p>There is<center><iframe src="/ads"></iframe></center><script>ad()</script>
            <center></center><div><span> </span></div><img src="/spacer.gif"><img src="/t.gif" width="1" height="1"><img src="/real.jpg" width="600">"#;
        let out = sanitize_body(body, &base()).unwrap();
        assert!(
            !out.contains("center") && !out.contains("div") && !out.contains("span"),
            "{out}"
        );
        assert!(
            !out.contains("spacer") && !out.contains("t.gif") && !out.contains("ad()"),
            "{out}"
        );
        assert!(
            out.contains("https://example.org/real.jpg") && out.contains("There is"),
            "{out}"
        );
    }

    #[test]
    fn cut_off_teasers_get_an_ellipsis() {
        assert_eq!(
            mark_cut_off("<p>There is a smal</p>"),
            "<p>There is a smal…</p>"
        );
        assert_eq!(mark_cut_off("Done."), "Done.");
        assert_eq!(mark_cut_off("<b>x</b> more"), "<b>x</b> more…");
    }

    #[test]
    fn empty_fragments_give_none() {
        assert_eq!(sanitize("<p> </p><script>x</script>", &base()), None);
        assert_eq!(sanitize("<a href='/r'>read more</a>", &base()), None);
    }
}
