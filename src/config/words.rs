//! Config mistakes in plain words: the TOML reader's and serde's messages rewritten for people
//! (no type names, one line), the table a mistake is in, and the nearest known name for a
//! misspelt one.

/// The one of `known` closest to `given`, when it is close enough to be a slip of the keyboard.
pub(super) fn nearest<'a>(
    given: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given = given.trim().to_lowercase();
    if given.is_empty() {
        return None;
    }
    known
        .into_iter()
        .map(|name| {
            let lower = name.to_lowercase();
            // A zone is often written without its area: "Berlin" for "Europe/Berlin".
            let last = lower.rsplit('/').next().unwrap_or(&lower);
            let distance = strsim::damerau_levenshtein(&given, &lower)
                .min(strsim::damerau_levenshtein(&given, last));
            (distance, name)
        })
        .filter(|(distance, name)| {
            let length = given.chars().count().min(name.chars().count());
            // A name cut short (`timeout` for `timeout_secs`) is as likely as a typo.
            let shortened = length >= 4 && name.to_lowercase().starts_with(&given);
            *distance <= (length / 3).max(1) || shortened
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// The header of the table the byte `offset` of `text` lies in: `[[site.section]]`, or
/// `None` at the top of the file.
pub(super) fn table_at(text: &str, offset: usize) -> Option<&str> {
    let before = &text[..offset.min(text.len())];
    // The line the offset is on may itself be the header.
    let line_end = text[before.len()..]
        .find('\n')
        .map_or(text.len(), |n| before.len() + n);
    text[..line_end]
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| line.starts_with('['))
        .map(|line| line.split('#').next().unwrap_or(line).trim())
}

/// The TOML reader's message `message` (about the byte `offset` of `text`) in plain words.
pub(super) fn plain(message: &str, text: &str, offset: usize) -> String {
    let message = message.trim();
    let table = table_at(text, offset);
    let within = super::spans::place_of(text, offset);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let found = backticked(rest);
        let (given, known) = found.split_first().map_or(("", &[][..]), |(g, k)| (*g, k));
        let hint = match nearest(given, known.iter().copied()) {
            Some(near) => format!("; did you mean `{near}`?"),
            None if known.is_empty() => String::new(),
            None => format!("; the keys here are {}", list(known)),
        };
        return format!("unknown key `{given}`{within}{hint}");
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let found = backticked(rest);
        let (given, known) = found.split_first().map_or(("", &[][..]), |(g, k)| (*g, k));
        let hint = match nearest(given, known.iter().copied()) {
            Some(near) => format!("; did you mean \"{near}\"?"),
            None => String::new(),
        };
        return format!(
            "unknown value \"{given}\"{within}: use one of {}{hint}",
            list(known)
        );
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let name = backticked(rest).first().copied().unwrap_or(rest);
        return format!("missing key `{name}`{within}");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return wrong_type(found, expected, table);
    }
    if let Some(rest) = message.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!("expected {}, found {}", kind(expected), found_value(found));
    }
    if message.starts_with("duplicate key") {
        let name = backticked(message)
            .first()
            .copied()
            .unwrap_or_default()
            .to_string();
        return format!("the key `{name}` is set twice{within}");
    }
    // The reader's own syntax messages are short; keep them, on one line.
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(": ")
}

/// A value of the wrong type: what was wanted, what was written, and how to write it.
fn wrong_type(found: &str, expected: &str, table: Option<&str>) -> String {
    let wanted = kind(expected);
    let written = found_value(found);
    let hint = if expected.contains("sequence") && found == "map" {
        // `[site]` where `[[site]]` is meant: a table where a list of tables belongs.
        match table {
            Some(t) if t.starts_with('[') && !t.starts_with("[[") => {
                format!("; write [{t}] with two brackets on each side, once per entry")
            }
            _ => String::new(),
        }
    } else if is_number(expected) && found.starts_with("string ") {
        let inner = found["string ".len()..].trim_matches('"');
        if inner.trim().parse::<u64>().is_ok() {
            format!("; write it without quotes: {}", inner.trim())
        } else {
            String::new()
        }
    } else if expected.contains("a string") && !found.starts_with("string") {
        "; put the value in quotes".to_string()
    } else {
        String::new()
    };
    format!("expected {wanted}, found {written}{hint}")
}

fn is_number(expected: &str) -> bool {
    ["usize", "u8", "u16", "u32", "u64", "i32", "i64", "integer"]
        .iter()
        .any(|t| expected.trim() == *t || expected.contains(&format!("an {t}")))
}

/// serde's name of an expected type, in words.
fn kind(expected: &str) -> String {
    let expected = expected.trim();
    if is_number(expected) {
        return if expected.starts_with('u') {
            "a whole number (0 or more)".into()
        } else {
            "a whole number".into()
        };
    }
    match expected {
        "a boolean" => "true or false".into(),
        "a string" => "a string in quotes".into(),
        "a sequence" => "a list, such as [\"a\", \"b\"]".into(),
        "a map" => "a table".into(),
        other if other.starts_with("struct ") => "a table".into(),
        other if other.contains("one of") || other.contains(" or ") => {
            format!("one of {}", list(&backticked(other)))
        }
        other => other.trim_start_matches("a ").to_string(),
    }
}

/// serde's description of a value that was written, in words.
fn found_value(found: &str) -> String {
    let found = found.trim();
    for (prefix, word) in [
        ("string ", "the string"),
        ("integer ", "the number"),
        ("floating point ", "the number"),
        ("boolean ", ""),
    ] {
        if let Some(value) = found.strip_prefix(prefix) {
            let value = value.trim_matches('`');
            return if word.is_empty() {
                value.to_string()
            } else {
                format!("{word} {value}")
            };
        }
    }
    match found {
        "map" => "a table".into(),
        "sequence" => "a list".into(),
        other => other.to_string(),
    }
}

/// Every name written between backticks in `text`, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// `"a", "b" or "c"`.
fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names_catch_slips_only() {
        let keys = ["timezone", "title", "home", "hosts"];
        assert_eq!(nearest("timzone", keys), Some("timezone"));
        assert_eq!(nearest("colour", keys), None);
        let zones = ["Europe/Berlin", "Europe/Bern", "America/New_York"];
        assert_eq!(nearest("Europe/Berlln", zones), Some("Europe/Berlin"));
        assert_eq!(nearest("new_york", zones), Some("America/New_York"));
    }

    #[test]
    fn tables_are_found_above_the_offset() {
        let text = "[output]\ndir = 1\n[[site]]\nid = 2\n  [site.items]\nx = 3\n";
        assert_eq!(table_at(text, text.find("dir").unwrap()), Some("[output]"));
        assert_eq!(
            table_at(text, text.find("x =").unwrap()),
            Some("[site.items]")
        );
        assert_eq!(table_at("a = 1\n", 0), None);
    }

    #[test]
    fn serde_messages_become_words() {
        let text = "[[site]]\npages = \"2\"\n";
        assert_eq!(
            plain("invalid type: string \"2\", expected usize", text, 12),
            "expected a whole number (0 or more), found the string \"2\"; write it without quotes: 2"
        );
        assert_eq!(
            plain(
                "unknown field `timzone`, expected one of `id`, `timezone`, `home`",
                text,
                12
            ),
            "unknown key `timzone` in [[site]]; did you mean `timezone`?"
        );
        assert_eq!(
            plain(
                "unknown variant `xml`, expected one of `rss`, `atom`, `json`",
                "",
                0
            ),
            "unknown value \"xml\": use one of \"rss\", \"atom\" or \"json\""
        );
        assert_eq!(
            plain(
                "invalid type: map, expected a sequence",
                "[site]\nid = \"a\"\n",
                0
            ),
            "expected a list, such as [\"a\", \"b\"], found a table; write [[site]] with two brackets on each side, once per entry"
        );
    }
}
