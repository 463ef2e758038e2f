//! A section proposed for a page (`suggest`): its ids and titles taken from the page's address
//! and title, as a block that runs pasted alone into an empty `config.toml`
//! ([`NewSection::block`]) or as a table to add under an existing site.

use std::fmt::Write as _;

use toml_edit::{InlineTable, Item, Table, Value};
use url::Url;

/// A section to add to a config, with the site it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection {
    /// The site's id (`example-org`).
    pub site_id: String,
    /// The site's title.
    pub site_title: String,
    /// The site's home page.
    pub home: Url,
    /// The section's id, unique within its site.
    pub section_id: String,
    /// The section's title.
    pub section_title: String,
    /// The section's page.
    pub url: Url,
    /// Whether the page needs the browser (`render = "browser"`).
    pub browser: bool,
    /// The time zone its dates are written in, when the page says (`timezone = "…"`).
    pub timezone: Option<String>,
    /// `items` selectors by field name, `item` first; empty when the page's structured data
    /// lists its items.
    pub selectors: Vec<(String, String)>,
}

impl NewSection {
    /// The section's id and title taken from its page's URL and title; the site's from the
    /// host name.
    pub fn from_page(url: &Url, title: Option<&str>, browser: bool) -> NewSection {
        let host = url.host_str().unwrap_or("site");
        let bare = host.strip_prefix("www.").unwrap_or(host);
        let mut home = url.clone();
        home.set_path("/");
        home.set_query(None);
        home.set_fragment(None);
        let section_id = slug(
            url.path_segments()
                .and_then(|mut s| s.rfind(|p| !p.is_empty()))
                .map_or("", |last| {
                    last.rsplit_once('.').map_or(last, |(stem, _)| stem)
                }),
        );
        NewSection {
            site_id: non_empty(slug(bare), "site"),
            site_title: bare.to_string(),
            home,
            section_title: title
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map_or_else(|| section_id.clone(), str::to_string),
            section_id: non_empty(section_id, "news"),
            url: url.clone(),
            browser,
            timezone: None,
            selectors: Vec::new(),
        }
    }

    /// A `[[site]]` with this `[[site.section]]`: a whole config that runs as it is.
    pub fn block(&self) -> String {
        let mut out = site_header(
            &self.site_id,
            Some(&self.site_title),
            Some(self.home.as_str()),
        );
        out.push_str(&self.section_block());
        out
    }

    /// The `[[site.section]]` table alone, indented as under its site.
    fn section_block(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "  [[site.section]]");
        let _ = writeln!(out, "  id = {}", quoted(&self.section_id));
        let _ = writeln!(out, "  title = {}", quoted(&self.section_title));
        let _ = writeln!(out, "  url = {}", quoted(self.url.as_str()));
        if self.browser {
            let _ = writeln!(out, "  render = \"browser\"");
        }
        if let Some(zone) = &self.timezone {
            let _ = writeln!(out, "  timezone = {}", quoted(zone));
        }
        if self.selectors.is_empty() {
            let _ = writeln!(
                out,
                "  # no selectors needed: the page's structured data lists its items"
            );
        } else {
            let fields: Vec<String> = self
                .selectors
                .iter()
                .map(|(field, css)| format!("{field} = {}", quoted(css)))
                .collect();
            let _ = writeln!(out, "  items = {{ {} }}", fields.join(", "));
        }
        out
    }

    /// The section as a table, for a site that already exists.
    pub(super) fn section_table(&self) -> Table {
        let mut table = Table::new();
        table.insert("id", toml_edit::value(&self.section_id));
        table.insert("title", toml_edit::value(&self.section_title));
        table.insert("url", toml_edit::value(self.url.as_str()));
        if self.browser {
            table.insert("render", toml_edit::value("browser"));
        }
        if let Some(zone) = &self.timezone {
            table.insert("timezone", toml_edit::value(zone));
        }
        if !self.selectors.is_empty() {
            let mut items = InlineTable::new();
            for (field, css) in &self.selectors {
                items.insert(field, Value::from(css.as_str()));
            }
            table.insert("items", Item::Value(Value::InlineTable(items)));
        }
        table
    }
}

/// Lower-case letters and digits, other runs as one `-`: `Space_Industry` → `space-industry`.
fn slug(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn non_empty(id: String, fallback: &str) -> String {
    if id.is_empty() {
        fallback.to_string()
    } else {
        id
    }
}

/// A `[[site]]` header with its id, and its title and home when given, then a blank line.
pub(super) fn site_header(id: &str, title: Option<&str>, home: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "[[site]]");
    let _ = writeln!(out, "id = {}", quoted(id));
    if let Some(title) = title {
        let _ = writeln!(out, "title = {}", quoted(title));
    }
    if let Some(home) = home {
        let _ = writeln!(out, "home = {}", quoted(home));
    }
    let _ = writeln!(out);
    out
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    Value::from(text).to_string().trim().to_string()
}
