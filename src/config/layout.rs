//! How what feedwright writes into a config a person wrote is laid out: like the file's own
//! sections (their blank line and indentation), or like `suggest`'s blocks in a file that has
//! none, so that a file edited by `suggest --append`, `heal --write` and the app still reads
//! as one hand wrote it.

use toml_edit::{DocumentMut, Item, Table};

/// The layout of a config's `[[site.section]]` tables.
pub(super) struct Layout {
    /// What comes before a section's header (a blank line, its indentation).
    header: String,
    /// The indentation of a section's keys.
    indent: String,
}

impl Layout {
    /// The layout of the last section `document` holds, else `suggest`'s (a blank line, two
    /// spaces).
    pub(super) fn of(document: &DocumentMut) -> Layout {
        let last = document
            .get("site")
            .and_then(Item::as_array_of_tables)
            .into_iter()
            .flat_map(|sites| sites.iter())
            .filter_map(|site| site.get("section").and_then(Item::as_array_of_tables))
            .flat_map(|sections| sections.iter())
            .max_by_key(|section| section.position());
        let header = last
            .and_then(|section| section.decor().prefix())
            .and_then(|prefix| prefix.as_str())
            // A blank line, then the header's own indentation (a comment above it is not
            // layout).
            .map(|prefix| format!("\n{}", last_line(prefix)));
        let indent = last.and_then(key_indent);
        Layout {
            header: header.unwrap_or_else(|| "\n  ".to_string()),
            indent: indent.unwrap_or_else(|| "  ".to_string()),
        }
    }

    /// Lays out a new section table.
    pub(super) fn section(&self, table: &mut Table) {
        table.decor_mut().set_prefix(self.header.as_str());
        let keys: Vec<String> = table.iter().map(|(key, _)| key.to_string()).collect();
        for key in keys {
            if let Some(mut key) = table.key_mut(&key) {
                key.leaf_decor_mut().set_prefix(self.indent.as_str());
            }
        }
    }
}

/// Indents the key `key` of an existing table like the table's first other key.
pub(super) fn indent_like_siblings(table: &mut Table, key: &str) {
    let indent = table
        .iter()
        .filter(|(other, _)| *other != key)
        .find_map(|(other, _)| table.key(other).and_then(|k| k.leaf_decor().prefix()))
        .and_then(|prefix| prefix.as_str())
        .map(str::to_string);
    if let (Some(indent), Some(mut key)) = (indent, table.key_mut(key)) {
        key.leaf_decor_mut().set_prefix(indent);
    }
}

/// The indentation of a table's first key.
fn key_indent(table: &Table) -> Option<String> {
    let (first, _) = table.iter().next()?;
    let prefix = table.key(first)?.leaf_decor().prefix()?.as_str()?;
    Some(last_line(prefix).to_string())
}

/// The spaces of the line a header or key is on (a comment above it is not indentation).
fn last_line(prefix: &str) -> &str {
    prefix.rsplit('\n').next().unwrap_or(prefix)
}
