//! Where things are in a config's text, read through `toml_edit`'s spans: the entry (key and
//! value) at a byte offset, to put a mistake aside and read on, and the table an offset is in,
//! named as a person finds it (`items of [[site.section]] "news"`).

use std::ops::Range;

use toml_edit::{Document, InlineTable, Item, Key, Table, Value};

/// The text of the entry at `offset` — the innermost `key = value` holding it, with its comma
/// inside an inline table — blanked out with spaces (line breaks and every other offset kept).
/// `false` when no entry holds `offset` or the file does not parse.
pub(super) fn blank_entry_at(text: &mut String, offset: usize) -> bool {
    let Ok(document) = Document::parse(text.as_str()) else {
        return false;
    };
    let Some(found) = entry_in_table(document.as_table(), offset) else {
        return false;
    };
    let mut range = found.range;
    if found.inline {
        range = with_comma(text, range);
    }
    let blanked: String = text[range.clone()]
        .chars()
        .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
        .collect();
    // Every character becomes one byte: keep the byte length by padding.
    let pad = range.len() - blanked.len();
    text.replace_range(range, &format!("{blanked}{}", " ".repeat(pad)));
    true
}

/// Where `offset` lies, for a message: ` in [output]`, ` in [[site.section]] "news"`,
/// ` in items of [[site.section]] "news"`; empty at the top of the file.
pub(super) fn place_of(text: &str, offset: usize) -> String {
    let Ok(document) = Document::parse(text) else {
        return String::new();
    };
    let mut place = Place::default();
    locate(document.as_table(), offset, "", &mut place);
    let Some(header) = place.header else {
        return String::new();
    };
    let table = match &place.id {
        Some(id) => format!("{header} {id:?}"),
        None => header,
    };
    match place.inline {
        Some(key) => format!(" in {key} of {table}"),
        None => format!(" in {table}"),
    }
}

/// An entry found at an offset.
struct Entry {
    /// From its key to the end of its value.
    range: Range<usize>,
    /// Whether it is inside an inline table.
    inline: bool,
}

fn entry_span(key: &Key, end: Option<Range<usize>>) -> Option<Range<usize>> {
    Some(key.span()?.start..end?.end)
}

fn entry_in_table(table: &Table, offset: usize) -> Option<Entry> {
    table.iter().find_map(|(name, item)| {
        let (key, _) = table.get_key_value(name)?;
        match item {
            Item::Table(inner) => entry_in_table(inner, offset),
            Item::ArrayOfTables(tables) => tables.iter().find_map(|t| entry_in_table(t, offset)),
            Item::Value(value) => {
                let range = entry_span(key, value.span())?;
                range.contains(&offset).then(|| {
                    entry_in_value(value, offset).unwrap_or(Entry {
                        range,
                        inline: false,
                    })
                })
            }
            Item::None => None,
        }
    })
}

fn entry_in_value(value: &Value, offset: usize) -> Option<Entry> {
    match value {
        Value::InlineTable(inline) => entry_in_inline(inline, offset),
        Value::Array(array) => array.iter().find_map(|v| entry_in_value(v, offset)),
        _ => None,
    }
}

fn entry_in_inline(table: &InlineTable, offset: usize) -> Option<Entry> {
    table.iter().find_map(|(name, value)| {
        let (key, _) = table.get_key_value(name)?;
        let range = entry_span(key, value.span())?;
        range.contains(&offset).then(|| {
            entry_in_value(value, offset).unwrap_or(Entry {
                range,
                inline: true,
            })
        })
    })
}

/// `range` widened to the comma after it (or, for the last entry, the one before it).
fn with_comma(text: &str, range: Range<usize>) -> Range<usize> {
    let after = &text[range.end..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    if after[gap..].starts_with(',') {
        return range.start..range.end + gap + 1;
    }
    let before = &text[..range.start];
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.ends_with(',') {
        return trimmed.len() - 1..range.end;
    }
    range
}

/// The table an offset lies in, as a message names it.
#[derive(Default)]
struct Place {
    /// `[output]`, `[[site.section]]`.
    header: Option<String>,
    /// The table's `id`.
    id: Option<String>,
    /// The key of the inline table the offset is in.
    inline: Option<String>,
}

/// Finds the innermost table of `table` (named by `path`) holding `offset`.
fn locate(table: &Table, offset: usize, path: &str, place: &mut Place) {
    let joined = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    for (name, item) in table {
        match item {
            Item::Table(inner) if !inner.is_implicit() || inner.span().is_some() => {
                let here = table_holds(inner, offset);
                if here {
                    place.header = Some(format!("[{}]", joined(name)));
                    place.id = id_of(inner);
                    place.inline = None;
                }
                locate(inner, offset, &joined(name), place);
            }
            Item::Table(inner) => locate(inner, offset, &joined(name), place),
            Item::ArrayOfTables(tables) => {
                for inner in tables {
                    if table_holds(inner, offset) {
                        place.header = Some(format!("[[{}]]", joined(name)));
                        place.id = id_of(inner);
                        place.inline = None;
                    }
                    locate(inner, offset, &joined(name), place);
                }
            }
            Item::Value(Value::InlineTable(inline))
                if inline.span().is_some_and(|s| s.contains(&offset)) =>
            {
                place.inline = Some(name.to_string());
            }
            _ => {}
        }
    }
}

/// Whether `offset` lies between the table's header and the end of its last entry.
fn table_holds(table: &Table, offset: usize) -> bool {
    let Some(header) = table.span() else {
        return false;
    };
    let end = table
        .iter()
        .filter_map(|(name, item)| {
            let (key, _) = table.get_key_value(name)?;
            let value = match item {
                Item::Value(value) => value.span(),
                _ => None,
            };
            entry_span(key, value).map(|r| r.end)
        })
        .max()
        .unwrap_or(header.end);
    (header.start..end.max(header.end)).contains(&offset)
}

/// A table's `id`, when it has one.
fn id_of(table: &Table) -> Option<String> {
    table.get("id")?.as_str().map(str::to_string)
}

/// The byte offset of 1-based `line` and `column` (in characters) of `text`.
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = text.get(start..)?;
    let within = rest
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map_or(rest.len(), |(at, _)| at);
    Some(start + within)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[output]\ndir = \"out\"\n\n[[site]]\nid = \"n\"\n  [[site.section]]\n  id = \"news\"\n  items = { item = \"li\", titel = \"h2\" }\n";

    #[test]
    fn places_name_the_table_its_id_and_an_inline_table() {
        let at = |needle: &str| place_of(TEXT, TEXT.find(needle).unwrap());
        assert_eq!(at("dir"), " in [output]");
        assert_eq!(at("id = \"n\""), " in [[site]] \"n\"");
        assert_eq!(at("id = \"news\""), " in [[site.section]] \"news\"");
        assert_eq!(at("titel"), " in items of [[site.section]] \"news\"");
        assert_eq!(place_of("a = 1\n", 0), "");
    }

    #[test]
    fn blanking_keeps_offsets_and_inline_commas_right() {
        let mut text = TEXT.to_string();
        assert!(blank_entry_at(&mut text, TEXT.find("titel").unwrap()));
        assert_eq!(text.len(), TEXT.len());
        assert!(
            text.contains(&format!("items = {{ item = \"li\"{}}}", " ".repeat(15))),
            "{text}"
        );
        assert!(text.parse::<toml_edit::DocumentMut>().is_ok());
        assert!(blank_entry_at(&mut text, TEXT.find("dir").unwrap()));
        assert!(text.starts_with("[output]\n           \n"), "{text}");
        let mut text = "a = { x = 1, y = 2 }".to_string();
        assert!(blank_entry_at(&mut text, 6));
        assert_eq!(text, "a = {        y = 2 }");
        assert!(!blank_entry_at(&mut text, 0) || text.trim().is_empty());
    }
}
