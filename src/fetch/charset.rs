//! Decoding page bytes to text: HTTP header, byte-order mark, `<meta>` declaration, detection.

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_8};

/// How far into a page the `<meta>` charset declaration is looked for.
const PRESCAN_BYTES: usize = 4096;

/// Decodes `body` to text; `content_type` is the HTTP header, if any.
///
/// A byte-order mark wins (as in browsers), then the header's charset, then a `<meta charset>`
/// or `<meta http-equiv>` declaration, then statistical detection. Returns the text and the
/// name of the encoding used.
pub fn decode(body: &[u8], content_type: Option<&str>) -> (String, &'static str) {
    let (encoding, bom_len) = match Encoding::for_bom(body) {
        Some((encoding, len)) => (encoding, len),
        None => (
            header_charset(content_type)
                .or_else(|| meta_charset(body))
                .unwrap_or_else(|| detect(body)),
            0,
        ),
    };
    (decoded(encoding, &body[bom_len..]), encoding.name())
}

/// `bytes` in `encoding` as text, in a buffer about as long as the text: the decoder's own
/// worst case (three bytes a byte for single-byte encodings) would make every page a large
/// allocation of its own, mapped and unmapped from the system each time.
fn decoded(encoding: &'static Encoding, bytes: &[u8]) -> String {
    if encoding == UTF_8
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        return text.to_owned();
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    // Pages are mostly ASCII: room for the bytes and a sixteenth more, grown by what is left.
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 16 + 64);
    let mut rest = bytes;
    loop {
        let (result, read, _) = decoder.decode_to_string(rest, &mut text, true);
        rest = &rest[read..];
        match result {
            encoding_rs::CoderResult::InputEmpty => return text,
            encoding_rs::CoderResult::OutputFull => text.reserve_exact(rest.len() / 2 + 64),
        }
    }
}

fn header_charset(content_type: Option<&str>) -> Option<&'static Encoding> {
    let value = content_type?.to_ascii_lowercase();
    let label = value
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset="))?;
    Encoding::for_label(label.trim_matches(['"', '\'', ' ']).as_bytes())
}

fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(PRESCAN_BYTES)];
    // Bytes, ASCII only (`-u`), as the HTML standard's prescan reads them: a byte of another
    // encoding inside the tag does not stop the match, and the pattern compiles without
    // Unicode's tables (a one-section run: 16 -> 15 ms of CPU).
    let declaration = regex!(bytes r#"(?i-u)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)"#);
    let label = declaration.captures(head)?.get(1)?.as_bytes();
    // A page that reached us as bytes cannot really be UTF-16: browsers read that as UTF-8.
    Encoding::for_label(label).map(Encoding::output_encoding)
}

fn detect(body: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(body).is_ok() {
        return UTF_8;
    }
    let mut detector = EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(body, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_as_the_encoding_does_in_a_buffer_near_the_texts_size() {
        // Mostly ASCII, as pages are, and all of one high byte.
        let mut latin = b"<p>Caf\xe9 ".repeat(1000);
        latin.extend(std::iter::repeat_n(0xE9, 3000));
        let japanese = encoding_rs::SHIFT_JIS
            .encode(&"日本語のページ".repeat(300))
            .0
            .into_owned();
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("Grüße".encode_utf16().flat_map(u16::to_le_bytes));
        for (bytes, content_type) in [
            (&latin[..9000], "text/html; charset=windows-1252"),
            (latin.as_slice(), "text/html; charset=windows-1252"),
            (japanese.as_slice(), "text/html; charset=shift_jis"),
            (utf16.as_slice(), "text/html"),
        ] {
            let (text, name) = decode(bytes, Some(content_type));
            let encoding = Encoding::for_label(name.as_bytes()).unwrap();
            let expected = encoding.decode(bytes).0;
            assert_eq!(text, expected, "{name}");
            assert!(
                text.capacity() < text.len() * 2 + 128,
                "{name}: {}",
                text.capacity()
            );
        }
    }

    #[test]
    fn header_wins_over_meta() {
        let body = b"<meta charset=utf-8>caf\xe9";
        assert_eq!(
            decode(body, Some("text/html; charset=ISO-8859-1")).0,
            "<meta charset=utf-8>café"
        );
    }

    #[test]
    fn meta_http_equiv_and_meta_charset() {
        let body = b"<META http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">Einstein\x92s";
        assert_eq!(
            decode(body, Some("text/html")).0.split('>').nth(1),
            Some("Einstein\u{2019}s")
        );
        let (text, name) = decode(b"<meta charset=\"koi8-r\">\xf0\xd2\xc9", None);
        assert_eq!((text.ends_with("При"), name), (true, "KOI8-R"));
        // A byte of the page's own encoding before the declaration, inside the same tag.
        let body = b"<meta content=\"\xf0\xd2\xc9\" charset=\"koi8-r\">\xf0\xd2\xc9";
        assert_eq!(decode(body, None).1, "KOI8-R");
    }

    #[test]
    fn bom_wins_and_is_removed() {
        let (text, name) = decode(b"\xef\xbb\xbfhi", Some("text/html; charset=iso-8859-1"));
        assert_eq!((text.as_str(), name), ("hi", "UTF-8"));
    }

    #[test]
    fn detection_without_any_declaration() {
        let body = "<p>München: Grüße aus dem All, schöne Öfen, Äpfel und Übermut</p>";
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(body);
        let (text, _) = decode(&latin1, Some("text/html"));
        assert_eq!(text, body);
        assert_eq!(decode(body.as_bytes(), None).0, body);
    }

    #[test]
    fn unknown_label_falls_back_to_detection() {
        assert_eq!(
            decode(b"plain", Some("text/html; charset=x-bogus")).0,
            "plain"
        );
    }
}
