//! What the app saves: one section of one site, added to the config or with its keys replaced
//! ([`upsert`]), through `toml_edit`, so that comments, order and every other key stay as
//! they were, and a save that changes nothing changes no byte.

use std::path::Path;

use toml_edit::{ArrayOfTables, InlineTable, Item, Table, Value};

use super::edit::{editable, site_mut, with_id, write};
use super::layout::{Layout, indent_like_siblings};
use super::new_section::site_header;
use super::{Config, ConfigError};

/// One section to save: the site it belongs to (found by id, else added with `site_title`
/// and `site_home`) and the section's keys as they would be written in `[[site.section]]`
/// (`id` required; nested tables such as `items` as inline tables).
#[derive(Debug, Clone, PartialEq)]
pub struct SectionEdit {
    /// The site's id.
    pub site_id: String,
    /// The title of a site to add.
    pub site_title: Option<String>,
    /// The home page of a site to add.
    pub site_home: Option<String>,
    /// The section's keys.
    pub section: toml::Table,
}

impl SectionEdit {
    /// The section's id.
    fn section_id(&self) -> Option<&str> {
        self.section.get("id").and_then(toml::Value::as_str)
    }

    /// `site/section`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.site_id, self.section_id().unwrap_or(""))
    }
}

/// The config text `text` (of `path`, for messages) with `edit` applied: a key whose value is
/// already the same is left as written; a new site goes at the end, laid out like `suggest`'s
/// blocks. The result is not checked here: [`save_section`] does that.
pub fn upsert(text: &str, path: &Path, edit: &SectionEdit) -> Result<String, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message,
    };
    let section_id = edit
        .section_id()
        .ok_or_else(|| invalid("the section has no id".into()))?
        .to_string();
    let mut document = editable(text, path)?;
    let layout = Layout::of(&document);
    let Some(site) = site_mut(&mut document, &edit.site_id) else {
        return Ok(with_new_site(text, edit));
    };
    let sections = site
        .entry("section")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            invalid(format!(
                "site {:?}: `section` is not a list of tables",
                edit.site_id
            ))
        })?;
    match with_id(sections, &section_id) {
        Some(table) => {
            let mut changed = false;
            for (key, value) in ordered(&edit.section) {
                if table.get(key).is_some_and(|old| same_value(old, value)) {
                    continue;
                }
                table.insert(key, Item::Value(editable_value(value)));
                indent_like_siblings(table, key);
                changed = true;
            }
            if !changed {
                return Ok(text.to_string());
            }
        }
        None => {
            let mut table = Table::new();
            for (key, value) in ordered(&edit.section) {
                table.insert(key, Item::Value(editable_value(value)));
            }
            layout.section(&mut table);
            sections.push(table);
        }
    }
    Ok(document.to_string())
}

/// Applies `edit` to `before`, the text of the config file at `path` (empty when there is none
/// yet), checks the result as a config and writes it atomically; returns the text the file now
/// holds. Nothing is written when nothing would change — not a byte, and not a section that
/// would read its page the same way (the same selectors and settings, title and page: a
/// builder may send values its site already sets).
pub fn save_section(path: &Path, before: &str, edit: &SectionEdit) -> Result<String, ConfigError> {
    let after = upsert(before, path, edit)?;
    let edited = Config::parse(&after, path)?;
    let key = edit.key();
    let reading = |config: &Config| {
        config
            .sections()
            .find(|s| s.key() == key)
            .map(|s| (s.fingerprint(), s.title.clone(), s.url.clone()))
    };
    let unchanged = after == before
        || Config::parse(before, path)
            .ok()
            .and_then(|config| reading(&config))
            .is_some_and(|was| Some(was) == reading(&edited));
    if unchanged {
        return Ok(before.to_string());
    }
    write(path, &after)?;
    Ok(after)
}

/// The section's keys in the order a person writes them: `id`, `title`, `url`, then the
/// rest as given, `items` last.
fn ordered(section: &toml::Table) -> Vec<(&str, &toml::Value)> {
    const FIRST: [&str; 3] = ["id", "title", "url"];
    let mut keys: Vec<(&str, &toml::Value)> = FIRST
        .iter()
        .filter_map(|k| section.get_key_value(*k).map(|(k, v)| (k.as_str(), v)))
        .collect();
    keys.extend(
        section
            .iter()
            .filter(|(k, _)| !FIRST.contains(&k.as_str()) && k.as_str() != "items")
            .map(|(k, v)| (k.as_str(), v)),
    );
    keys.extend(section.get_key_value("items").map(|(k, v)| (k.as_str(), v)));
    keys
}

/// Whether the written `old` value means `new`.
fn same_value(old: &Item, new: &toml::Value) -> bool {
    let Some(value) = old.as_value() else {
        return false;
    };
    let text = format!("v = {}", value.to_string().trim());
    toml::from_str::<toml::Table>(&text).is_ok_and(|t| t.get("v") == Some(new))
}

/// A value as `toml_edit` writes it; tables inline.
fn editable_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(list) => Value::Array(list.iter().map(editable_value).collect()),
        toml::Value::Table(table) => {
            let mut inline = InlineTable::new();
            for (key, value) in table {
                inline.insert(key, editable_value(value));
            }
            Value::InlineTable(inline)
        }
    }
}

/// `text` with a new `[[site]]` holding the section, after a blank line.
fn with_new_site(text: &str, edit: &SectionEdit) -> String {
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&site_header(
        &edit.site_id,
        edit.site_title.as_deref(),
        edit.site_home.as_deref(),
    ));
    out.push_str("  [[site.section]]\n");
    for (key, value) in ordered(&edit.section) {
        let written = editable_value(value).to_string();
        out.push_str(&format!("  {key} = {}\n", written.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(items: &str) -> SectionEdit {
        let section: toml::Table = toml::from_str(&format!(
            "id = \"news\"\ntitle = \"News\"\nurl = \"https://example.org/news\"\nitems = {items}\n"
        ))
        .unwrap();
        SectionEdit {
            site_id: "example-org".into(),
            site_title: Some("example.org".into()),
            site_home: Some("https://example.org/".into()),
            section,
        }
    }

    #[test]
    fn a_new_site_then_the_same_save_changes_nothing() {
        let path = Path::new("config.toml");
        let start = "# feeds\n[output]\ndir = \"out\"\n";
        let once = upsert(start, path, &edit("{ item = \"li.story\" }")).unwrap();
        assert!(once.starts_with(start), "{once}");
        let config = Config::parse(&once, path).unwrap();
        let section = config.sections().next().unwrap();
        assert_eq!(section.key(), "example-org/news");
        assert_eq!(section.rules.item.as_ref().unwrap().source(), "li.story");
        assert_eq!(
            upsert(&once, path, &edit("{ item = \"li.story\" }")).unwrap(),
            once
        );
    }

    #[test]
    fn a_section_may_read_full_text_where_its_site_does_not() {
        let text = "[[site]]\nid = \"s\"\n  [site.article]\n  author = \"span.by\"\n  [[site.section]]\n  id = \"a\"\n  url = \"https://example.org/a\"\n  article = { content = \"auto\" }\n  [[site.section]]\n  id = \"b\"\n  url = \"https://example.org/b\"\n  article = { content = \"div.body\" }\n  [[site.section]]\n  id = \"c\"\n  url = \"https://example.org/c\"\n";
        let config = Config::parse(text, Path::new("config.toml")).unwrap();
        let sections: Vec<_> = config.sections().collect();
        assert!(sections[0].full_text.auto);
        let rules = sections[0].article.as_ref().unwrap();
        assert_eq!(rules.author.as_ref().unwrap().source(), "span.by");
        assert!(!sections[1].full_text.auto);
        let body = sections[1].article.as_ref().unwrap().content.as_ref();
        assert_eq!(body.unwrap().source(), "div.body");
        assert!(!sections[2].full_text.auto);
        assert!(sections[2].article.as_ref().unwrap().content.is_none());
    }

    #[test]
    fn replacing_keys_keeps_comments_and_other_keys() {
        let path = Path::new("config.toml");
        let start = "[[site]]\nid = \"example-org\" # mine\n\n  [[site.section]]\n  id = \"news\" # first\n  url = \"https://example.org/news\"\n  every = \"1h\"\n  items = { item = \"li\" }\n";
        let after = upsert(
            start,
            path,
            &edit("{ item = \"li.story\", date = \"time\" }"),
        )
        .unwrap();
        for kept in ["# mine", "# first", "every = \"1h\""] {
            assert!(after.contains(kept), "{after}");
        }
        let config = Config::parse(&after, path).unwrap();
        let section = config.sections().next().unwrap();
        assert_eq!(section.title, "News");
        assert_eq!(section.rules.date.as_ref().unwrap().source(), "time");
        assert_eq!(config.sections().count(), 1);
    }
}
