//! Plain-text cleanup: entities, whitespace, and characters XML cannot carry.

use std::sync::LazyLock;

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
    let decoded = match decoded.contains("&#") {
        true => bad_reference().replace_all(&decoded, ""),
        false => std::borrow::Cow::Borrowed(&*decoded),
    };
    // One pass: the characters XML can carry, each run of whitespace between words one space.
    let mut clean = String::with_capacity(decoded.len());
    let mut gap = false;
    for c in decoded.chars().filter(|&c| is_xml_char(c)) {
        if c.is_whitespace() {
            gap = !clean.is_empty();
        } else {
            if gap {
                clean.push(' ');
                gap = false;
            }
            clean.push(c);
        }
    }
    clean
}

/// Whether `text` is printable ASCII without references, with single spaces between words:
/// already clean, as most titles and teasers are.
fn is_tidy(text: &str) -> bool {
    static DOUBLE_SPACE: LazyLock<memchr::memmem::Finder> =
        LazyLock::new(|| memchr::memmem::Finder::new("  "));
    let bytes = text.as_bytes();
    // A fold without early exit: the compiler checks many bytes at a time.
    let printable = bytes
        .iter()
        .fold(true, |ok, &b| ok & (b' '..=b'~').contains(&b) & (b != b'&'));
    printable
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && DOUBLE_SPACE.find(bytes).is_none()
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

/// Removes a leading byline word from an author line: "by", or its like in other languages
/// ("Von", "Par", "Por", "Di", "Door", "Av", "Af", "Przez", "Автор:"). A word other than "by"
/// is taken only before a colon or a name of two words or more that starts with a capital,
/// so that "Di Maio" and "von der Leyen" stay whole.
pub fn strip_byline(author: &str) -> String {
    let pattern = regex!(&format!(
        r"(?i)^\s*(?P<word>{})(?P<colon>\s*:)?\s+(?P<rest>.+)$",
        crate::locale::BYLINE_WORD
    ));
    let trimmed = author.trim();
    let Some(found) = pattern.captures(trimmed) else {
        return trimmed.to_string();
    };
    let rest = found["rest"].trim();
    let english = found["word"].eq_ignore_ascii_case("by");
    let named = rest.starts_with(char::is_uppercase) && rest.split_whitespace().count() >= 2;
    if english || found.name("colon").is_some() || named {
        rest.trim_start_matches(':').trim().to_string()
    } else {
        trimmed.to_string()
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

    proptest::proptest! {
        /// The one pass gives what filtering, then splitting at whitespace and joining, gives.
        #[test]
        fn collapses_as_split_and_join_would(text in "[a &#;x0-9\\s\u{1}\u{85}\u{a0}é]{0,40}") {
            let decoded = html_escape::decode_html_entities(&text);
            let decoded = bad_reference().replace_all(&decoded, "");
            let expected = xml_chars_only(&decoded)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            proptest::prop_assert_eq!(clean_text(&text), expected);
        }
    }

    #[test]
    fn strips_bylines() {
        assert_eq!(strip_byline("by Ana Ruiz"), "Ana Ruiz");
        assert_eq!(strip_byline("By JOHN SMITH"), "JOHN SMITH");
        assert_eq!(strip_byline("BY: Lee"), "Lee");
        assert_eq!(strip_byline("Byron Bay"), "Byron Bay");
        for (line, name) in [
            ("Von Anna Schmidt", "Anna Schmidt"),
            ("Par Jean Dupont", "Jean Dupont"),
            ("Por María López", "María López"),
            ("di Marco Rossi", "Marco Rossi"),
            ("Door Jan de Vries", "Jan de Vries"),
            ("Av Ola Nordmann", "Ola Nordmann"),
            ("Af Lars Hansen", "Lars Hansen"),
            ("Przez Jan Kowalski", "Jan Kowalski"),
            ("Автор: Иван Петров", "Иван Петров"),
            ("Di Maio", "Di Maio"),
            ("von der Leyen", "von der Leyen"),
            ("Avery Brooks", "Avery Brooks"),
        ] {
            assert_eq!(strip_byline(line), name, "{line}");
        }
    }
}
