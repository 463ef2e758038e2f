//! Writing config files: a proposed section added to an existing config with its comments,
//! order and layout kept ([`append`], through `toml_edit`), healed selectors written
//! ([`write_selectors`]), and what the app's save shares with them.

use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};
use url::Url;

use super::layout::{Layout, indent_like_siblings};
use super::new_section::NewSection;
use super::{Config, ConfigError};

/// What [`append`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// `site/section` of the section added.
    pub key: String,
    /// The id of the site it went under.
    pub site: String,
    /// Where it went.
    pub placed: Placement,
}

/// Where [`append`] put a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In a new file, under a new site.
    Created,
    /// Under a new `[[site]]` at the end of the file.
    NewSite,
    /// Under the existing site with the same id.
    SameId,
    /// Under the existing site of the same host.
    SameHost,
}

/// Adds `new` to the config at `path` (creating the file if there is none): under the
/// `[[site]]` with the same id or home host, else as a new site. Comments, key order and
/// layout of the file are kept; the result is checked as a config before it replaces the
/// file, atomically.
pub fn append(path: &Path, new: &NewSection) -> Result<Appended, ConfigError> {
    let read_error = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    let (text, created) = match std::fs::read_to_string(path) {
        Ok(text) => (text, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), true),
        Err(e) => return Err(read_error(e)),
    };
    // The file must be a valid config before it is touched: this names its mistakes.
    if !created {
        Config::parse(&text, path)?;
    }
    let mut document = editable(&text, path)?;
    let layout = Layout::of(&document);
    let mut new = new.clone();
    let host = new.url.host_str().map(bare);
    let same_id =
        |site: &Table| site.get("id").and_then(Item::as_str) == Some(new.site_id.as_str());
    let sites = document
        .get_mut("site")
        .and_then(Item::as_array_of_tables_mut);
    let site = sites.and_then(|sites| {
        let at = sites
            .iter()
            .position(same_id)
            .map(|at| (at, Placement::SameId))
            .or_else(|| {
                sites
                    .iter()
                    .position(|site| site_hosts(site).iter().any(|h| Some(h.as_str()) == host))
                    .map(|at| (at, Placement::SameHost))
            })?;
        Some((sites.get_mut(at.0)?, at.1))
    });
    let (updated, placed) = match site {
        Some((site, placed)) => {
            new.site_id = site
                .get("id")
                .and_then(Item::as_str)
                .unwrap_or(&new.site_id)
                .to_string();
            let sections = site
                .entry("section")
                .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
                .as_array_of_tables_mut()
                .ok_or_else(|| ConfigError::Invalid {
                    path: path.to_path_buf(),
                    line: 1,
                    column: 1,
                    message: format!("site {:?}: `section` is not a list of tables", new.site_id),
                })?;
            let taken: Vec<String> = sections
                .iter()
                .filter_map(|s| s.get("id").and_then(Item::as_str).map(str::to_string))
                .collect();
            new.section_id = unique(&new.section_id, &taken);
            let mut table = new.section_table();
            layout.section(&mut table);
            sections.push(table);
            (document.to_string(), placed)
        }
        None => {
            let mut text = text;
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&new.block());
            let placed = if created {
                Placement::Created
            } else {
                Placement::NewSite
            };
            (text, placed)
        }
    };
    replace(path, &updated)?;
    Ok(Appended {
        key: format!("{}/{}", new.site_id, new.section_id),
        site: new.site_id,
        placed,
    })
}

/// The hosts a `[[site]]` table names: its `home`, its `hosts` and its sections' pages,
/// without `www.`.
fn site_hosts(site: &Table) -> Vec<String> {
    let host_of = |text: &str| {
        Url::parse(text)
            .ok()
            .and_then(|u| u.host_str().map(|h| bare(h).to_string()))
    };
    let mut hosts: Vec<String> = site
        .get("home")
        .and_then(Item::as_str)
        .and_then(host_of)
        .into_iter()
        .collect();
    if let Some(listed) = site.get("hosts").and_then(Item::as_array) {
        hosts.extend(
            listed
                .iter()
                .filter_map(|h| h.as_str())
                .map(|h| bare(h).to_string()),
        );
    }
    if let Some(sections) = site.get("section").and_then(Item::as_array_of_tables) {
        hosts.extend(
            sections
                .iter()
                .filter_map(|s| s.get("url").and_then(Item::as_str))
                .filter_map(host_of),
        );
    }
    hosts
}

/// The selectors to write for one section: its site's id, its own id, and the selectors by
/// field name.
pub type SelectorChange = (String, String, Vec<(String, String)>);

/// Sets the `items` selectors of sections of the config at `path`, keeping the file's comments, order and layout; the result is
/// checked as a config before it replaces the file, atomically. Returns `site/section` of each
/// section written.
pub fn write_selectors(
    path: &Path,
    changes: &[SelectorChange],
) -> Result<Vec<String>, ConfigError> {
    let read_error = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    let mut document = editable(&text, path)?;
    let mut written = Vec::new();
    for (site_id, section_id, selectors) in changes {
        let section = site_mut(&mut document, site_id)
            .and_then(|site| site.get_mut("section"))
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|sections| with_id(sections, section_id));
        let Some(section) = section else {
            continue;
        };
        let mut items = InlineTable::new();
        for (field, css) in selectors {
            items.insert(field, Value::from(css.as_str()));
        }
        section.insert("items", Item::Value(Value::InlineTable(items)));
        indent_like_siblings(section, "items");
        written.push(format!("{site_id}/{section_id}"));
    }
    let updated = document.to_string();
    replace(path, &updated)?;
    Ok(written)
}

/// Sets `[site.article] content` of sites of the config at `path` to their learned templates
/// (site id, selector), keeping the file's comments, order and layout; checked as a config
/// before it replaces the file, atomically. Returns the ids of the sites written.
pub fn write_article_content(
    path: &Path,
    templates: &[(String, String)],
) -> Result<Vec<String>, ConfigError> {
    let text = text_of(path)?;
    let mut document = editable(&text, path)?;
    let mut written = Vec::new();
    for (site_id, selector) in templates {
        let article = site_mut(&mut document, site_id)
            .and_then(|site| site.get_mut("article"))
            .and_then(Item::as_table_like_mut);
        if let Some(article) = article {
            match article.get_mut("content") {
                Some(content) => *content = toml_edit::value(selector.as_str()),
                None => {
                    article.insert("content", toml_edit::value(selector.as_str()));
                }
            }
            written.push(site_id.clone());
        }
    }
    replace(path, &document.to_string())?;
    Ok(written)
}

/// The text of the config file at `path`, empty when there is none yet (the app and
/// `serve` start without one; saving a first section creates it).
pub fn text_of(path: &Path) -> Result<String, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(source) => Err(ConfigError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The `[[site]]` of `document` with id `id`.
pub(super) fn site_mut<'a>(document: &'a mut DocumentMut, id: &str) -> Option<&'a mut Table> {
    document
        .get_mut("site")
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|sites| with_id(sites, id))
}

/// The table of `tables` with id `id`.
pub(super) fn with_id<'a>(tables: &'a mut ArrayOfTables, id: &str) -> Option<&'a mut Table> {
    tables
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
}

/// The config text `text` of `path` as a document to edit.
pub(super) fn editable(text: &str, path: &Path) -> Result<DocumentMut, ConfigError> {
    text.parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: e.message().to_string(),
        })
}

/// Replaces the config at `path` by `updated`, atomically, once it is checked as a config.
fn replace(path: &Path, updated: &str) -> Result<(), ConfigError> {
    Config::parse(updated, path)?;
    write(path, updated)
}

/// Writes `text` to the config at `path` atomically (a temporary file beside it, renamed).
pub(super) fn write(path: &Path, text: &str) -> Result<(), ConfigError> {
    let read_error = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(folder).map_err(read_error)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(read_error)?;
    file.persist(path).map_err(|e| read_error(e.error))?;
    Ok(())
}

/// `id`, or `id-2`, `id-3`… whichever is not taken.
fn unique(id: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                id.to_string()
            } else {
                format!("{id}-{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .expect("some suffix is free")
}

/// A host name without its leading `www.`.
fn bare(host: &str) -> &str {
    host.strip_prefix("www.").unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggested(url: &str) -> NewSection {
        let mut new = NewSection::from_page(&Url::parse(url).unwrap(), Some("Politik"), false);
        new.selectors = vec![
            ("item".into(), "li.story".into()),
            ("date".into(), "span.date".into()),
        ];
        new
    }

    #[test]
    fn the_block_is_a_whole_config() {
        let new = suggested("https://www.example.org/de/Politik_News.html");
        assert_eq!(new.site_id, "example-org");
        assert_eq!(new.section_id, "politik-news");
        let config = Config::parse(&new.block(), Path::new("config.toml")).unwrap();
        let section = config.sections().next().unwrap();
        assert_eq!(section.key(), "example-org/politik-news");
        assert_eq!(section.rules.item.as_ref().unwrap().source(), "li.story");
    }

    #[test]
    fn appending_keeps_comments_and_joins_the_right_site() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let first = "# my feeds\n[output]\ndir = \"out\" # here\n\n[[site]]\nid = \"example-org\"\nhome = \"https://example.org/\"\n  [[site.section]]\n  id = \"politik-news\" # the first\n  url = \"https://example.org/a\"\n\n[[site]]\nid = \"other\"\n  [[site.section]]\n  id = \"x\"\n  url = \"https://other.org/\"\n";
        std::fs::write(&path, first).unwrap();
        let appended = append(
            &path,
            &suggested("https://www.example.org/de/Politik_News.html"),
        )
        .unwrap();
        assert_eq!(appended.key, "example-org/politik-news-2");
        assert_eq!(appended.placed, Placement::SameId);
        let text = std::fs::read_to_string(&path).unwrap();
        for kept in ["# my feeds", "dir = \"out\" # here", "# the first"] {
            assert!(text.contains(kept), "{text}");
        }
        let config = Config::parse(&text, &path).unwrap();
        let keys: Vec<String> = config.sections().map(crate::config::Section::key).collect();
        assert_eq!(
            keys,
            [
                "example-org/politik-news",
                "example-org/politik-news-2",
                "other/x"
            ]
        );

        let elsewhere = append(&path, &suggested("https://news.example.net/world/")).unwrap();
        assert_eq!(elsewhere.key, "news-example-net/world");
        assert_eq!(elsewhere.placed, Placement::NewSite);
        let config = Config::load(&path).unwrap();
        assert_eq!(config.sections().count(), 4);
    }

    #[test]
    fn appending_creates_a_missing_file_and_refuses_a_broken_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.toml");
        let appended = append(&path, &suggested("https://example.org/news/")).unwrap();
        assert_eq!(appended.placed, Placement::Created);
        assert_eq!(Config::load(&path).unwrap().sections().count(), 1);
        let broken = dir.path().join("broken.toml");
        std::fs::write(&broken, "[output]\ncolour = 1\n").unwrap();
        let err = append(&broken, &suggested("https://example.org/news/")).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&broken).unwrap(),
            "[output]\ncolour = 1\n"
        );
    }
}
