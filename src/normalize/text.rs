//! Plain-text cleanup: entities, whitespace, and characters XML cannot carry.

pub use crate::model::is_xml_char;

/// A numeric character reference.
fn bad_reference() -> &'static regex::Regex {
    regex!(r"&#(?:[xX][0-9a-fA-F]+|[0-9]+);")
}

/// Decodes leftover HTML entities, drops characters invalid in XML 1.0 (and C1 controls),
/// and collapses runs of whitespace into single spaces.
pub fn clean_text(text: &str) -> String {
    if is_tidy(text) {
        return text.to_string();
    }
    let decoded = html_escape::decode_html_entities(text);
    // The decoder leaves references to code points XML cannot carry (`&#0;`, `&#xD800;`) as
    // they are: drop them.
    let decoded = bad_reference().replace_all(&decoded, "");
    let valid = xml_chars_only(&decoded);
    valid.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` is printable ASCII without references, with single spaces between words:
/// already clean, as most titles and teasers are.
fn is_tidy(text: &str) -> bool {
    let bytes = text.as_bytes();
    // A fold without early exit: the compiler checks many bytes at a time.
    let printable = bytes
        .iter()
        .fold(true, |ok, &b| ok & (b' '..=b'~').contains(&b));
    printable
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !text.contains('&')
        && !text.contains("  ")
}

/// `text` without the characters XML 1.0 cannot carry (borrowed when there are none).
pub fn xml_chars_only(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// Like [`clean_text`], but `None` when nothing is left.
pub fn clean_opt(text: Option<&str>) -> Option<String> {
    text.map(clean_text).filter(|t| !t.is_empty())
}

/// Removes a leading "by" / "By" / "BY" from an author line.
pub fn strip_byline(author: &str) -> String {
    let trimmed = author.trim();
    let lower = trimmed.to_ascii_lowercase();
    match lower.strip_prefix("by") {
        Some(rest) if rest.starts_with(|c: char| c.is_whitespace() || c == ':') => trimmed[2..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == ':')
            .to_string(),
        _ => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_entities_and_collapses_whitespace() {
        assert_eq!(
            clean_text("  AT&amp;T\r\n  buys &quot;X&quot;&nbsp;now "),
            "AT&T buys \"X\" now"
        );
        assert_eq!(clean_text("Einstein&rsquo;s"), "Einstein\u{2019}s");
    }

    #[test]
    fn drops_characters_invalid_in_xml() {
        assert_eq!(clean_text("a\u{0}b\u{1b}c\u{FFFE}d\u{85}e"), "abcde");
        assert_eq!(clean_text("x&#0;y&#xFFFF;z"), "xyz");
        assert_eq!(clean_opt(Some(" \u{1} ")), None);
    }

    #[test]
    fn strips_bylines() {
        assert_eq!(strip_byline("by Ana Ruiz"), "Ana Ruiz");
        assert_eq!(strip_byline("By JOHN SMITH"), "JOHN SMITH");
        assert_eq!(strip_byline("BY: Lee"), "Lee");
        assert_eq!(strip_byline("Byron Bay"), "Byron Bay");
    }
}
