//! `config.toml`: what it says once loaded ([`Config`] and its parts), where it is found, and
//! how sections are selected. The schema as written is in `raw`, its validation in
//! `validate`.

mod checker;
mod choices;
mod edit;
mod env;
mod error;
mod full_text;
mod layout;
mod new_section;
mod raw;
mod reading;
mod requests;
mod shard;
mod spans;
mod target;
mod upsert;
mod validate;
mod values;
mod words;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use regex::Regex;
use url::Url;

pub use choices::{Every, Heal, Render, Source};
pub use edit::{
    Appended, Placement, SelectorChange, append, text_of, write_article_content, write_selectors,
};
pub use env::Secrets;
pub use error::ConfigError;
pub use full_text::FullText;
pub use new_section::NewSection;
pub use shard::{Shard, shard_of};
pub use target::Target;
pub use upsert::{SectionEdit, save_section, upsert};

use crate::extract::{Field, FieldSelector, Rules};
use crate::fetch;
use crate::locale::Language;
use crate::normalize::dates::DateOrder;
use crate::render::Format;

/// Environment variable that names the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "FEEDWRIGHT_CONFIG";

/// A loaded, validated configuration with every path made absolute.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// `[output]`.
    pub output: Output,
    /// `[state] path`, absolute; with the state in object storage, where its working copy
    /// would sit (status and check read none).
    pub state_path: PathBuf,
    /// `[state] path` when it is an object-store URL.
    pub state_url: Option<Url>,
    /// `[state] path` as written (made absolute) when it holds `{shard}`: the pattern of the
    /// states of every shard, kept when `{shard}` is filled in.
    pub state_template: Option<String>,
    /// `[state] lease`: how long a worker's claim on a state in object storage lasts.
    pub state_lease: Duration,
    /// `[fetch]`.
    pub fetch: Fetch,
    /// `[browser]`.
    pub browser: fetch::browser::Settings,
    /// `[watch]`.
    pub watch: Watch,
    /// Values read from the environment (`${NAME}`): never shown or stored.
    pub secrets: Secrets,
    /// The shard this process works on (`--shard K/N`), if any.
    pub shard: Option<Shard>,
    /// Every `[[site]]`, in file order.
    pub sites: Vec<Site>,
}

/// `[output]`.
#[derive(Debug, Clone)]
pub struct Output {
    /// Where the feeds go.
    pub dir: Target,
    /// `Cache-Control` of every object put in object storage.
    pub cache_control: String,
    /// Where `dir` is published (ends with `/`).
    pub base_url: Option<Url>,
    /// Formats written for every section.
    pub formats: Vec<Format>,
    /// Items per feed.
    pub max_items: usize,
    /// Items older than this many days are left out of feeds.
    pub max_age_days: Option<u32>,
    /// The WebSub hub told of every changed feed.
    pub websub_hub: Option<Url>,
    /// Whether RSS and Atom feeds point at `style.xsl` (off by default: browsers are dropping
    /// XSLT, and each feed's readable page is the view for people).
    pub stylesheet: bool,
}

/// `[watch]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// `/healthz` fails once a section failed more than this many times in a row.
    pub unhealthy_after: u32,
    /// Shortest interval `every = "auto"` goes to.
    pub min_every: Duration,
    /// Longest interval `every = "auto"` goes to.
    pub max_every: Duration,
}

/// `[fetch]`.
#[derive(Debug, Clone)]
pub struct Fetch {
    /// Client settings.
    pub client: fetch::Settings,
    /// Whether robots.txt is honoured.
    pub robots_txt: bool,
}

/// One `[[site]]`.
#[derive(Debug, Clone)]
pub struct Site {
    /// `[a-z0-9-]+`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Home page.
    pub home: Option<Url>,
    /// Other hosts whose article pages belong to the site.
    pub hosts: Vec<String>,
    /// `[site.article]` rules when enrichment is enabled.
    pub article: Option<Rules>,
    /// `[site.article] date_format`.
    pub article_date_format: Option<String>,
    /// How article pages are read for their full text.
    pub full_text: FullText,
    /// The site's sections.
    pub sections: Vec<Section>,
}

/// One `[[site.section]]`, with the site's settings merged in.
#[derive(Debug, Clone)]
pub struct Section {
    /// Owning site's id.
    pub site_id: String,
    /// Owning site's title.
    pub site_title: String,
    /// Section id, unique within the site.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Index page or feed URL.
    pub url: Url,
    /// User agent, headers and cookies, and the site's own hosts that receive them.
    pub profile: fetch::Profile,
    /// HTML page or feed.
    pub source: Source,
    /// Item selectors (site rules with section overrides).
    pub rules: Rules,
    /// Keep only items whose title or summary matches one of these.
    pub include: Vec<Regex>,
    /// Drop items whose title or summary matches one of these.
    pub exclude: Vec<Regex>,
    /// Items per feed.
    pub max_items: usize,
    /// `watch` interval.
    pub every: Every,
    /// How date-only and zone-less dates are read.
    pub timezone: Tz,
    /// How ambiguous numeric dates are read.
    pub date_order: DateOrder,
    /// Explicit date format.
    pub date_format: Option<String>,
    /// The language its dates are written in; `None`: the page's `<html lang>`, else English.
    pub language: Option<Language>,
    /// Pages read per run, following the next-page link (1: only `url`).
    pub pages: usize,
    /// The next-page link; `None`: `rel=next`, else found automatically.
    pub next: Option<FieldSelector>,
    /// HTTP or browser.
    pub render: Render,
    /// With the browser: wait until this CSS selector matches.
    pub wait_for: Option<String>,
    /// What to do when the selectors stop matching.
    pub heal: Heal,
    /// Article rules for enriching new items (its site's `[site.article]`, with the section's
    /// own `content`), when enrichment is on.
    pub article: Option<Rules>,
    /// How article pages are read for their full text.
    pub full_text: FullText,
}

impl Section {
    /// `site/section`, as used by `--only` and in messages.
    pub fn key(&self) -> String {
        format!("{}/{}", self.site_id, self.id)
    }

    /// A digest of everything that decides what this section's page yields: when it changes,
    /// an unchanged page must still be read again.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let selectors =
            Field::ALL.map(|f| self.rules.get(f).map_or("", |s| s.source()).to_string());
        let regexes = |list: &[Regex]| {
            list.iter()
                .map(|r| r.as_str().to_string())
                .collect::<Vec<_>>()
        };
        let mut text = format!(
            "{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}",
            self.source,
            selectors,
            regexes(&self.include),
            regexes(&self.exclude),
            self.timezone,
            self.date_order,
            self.date_format
        );
        if self.pages > 1 {
            let next = self.next.as_ref().map_or("", FieldSelector::source);
            text.push_str(&format!("|pages {}|{next}", self.pages));
        }
        if let Some(language) = &self.language {
            text.push_str(&format!("|{}", language.code()));
        }
        if self.render != Render::Http {
            text.push_str(&format!("|{:?}|{:?}", self.render, self.wait_for));
        }
        format!("{:x}", Sha256::digest(text.as_bytes()))
    }
}

impl Config {
    /// Reads and validates a config file; one without any section is refused (there would
    /// be nothing to do).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ConfigError::Missing {
                    path: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
                }
            } else {
                ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        let config = Self::parse(&text, path)?;
        if config.sections().next().is_none() {
            return Err(ConfigError::NoSections {
                path: path.to_path_buf(),
            });
        }
        Ok(config)
    }

    /// What works but is probably not meant: shown at start, never an error.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.output.base_url.is_none() {
            warnings.push(format!(
                "{}: [output] has no base_url: feeds carry no self link and feeds.opml and \
                 index.html no feed addresses; set it to the address the output folder is \
                 published at",
                self.path.display()
            ));
        }
        warnings
    }

    /// Validates config text read from `path` (used for messages and relative paths).
    ///
    /// Every mistake is reported at once, in file order: each one found is put aside (its
    /// entry blanked out, every other offset kept) and the file read again.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        reading::every_mistake(text, path)
    }

    /// The same config for shard `shard`: `{shard}` in `state.path` becomes K (0 without
    /// sharding), and selection keeps to the shard's sections.
    pub fn with_shard(mut self, shard: Option<Shard>) -> Config {
        let index = shard.map_or(0, |s| s.index).to_string();
        self.state_template = match &self.state_url {
            Some(url) => Some(url.as_str().replace("%7Bshard%7D", "{shard}")),
            None => Some(self.state_path.to_string_lossy().into_owned()),
        }
        .filter(|template| template.contains("{shard}"));
        let path = self.state_path.to_string_lossy().replace("{shard}", &index);
        self.state_path = PathBuf::from(path);
        self.state_url = self.state_url.take().map(|url| {
            let text = url.as_str().replace("%7Bshard%7D", &index);
            Url::parse(&text).unwrap_or(url)
        });
        self.shard = shard;
        self
    }

    /// Every section, in file order.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.sites.iter().flat_map(|s| s.sections.iter())
    }

    /// The site a section belongs to.
    pub fn site_of(&self, section: &Section) -> &Site {
        self.sites
            .iter()
            .find(|s| s.id == section.site_id)
            .expect("every section belongs to a configured site")
    }

    /// The sections named by `SITE` or `SITE/SECTION` filters (all when `only` is empty).
    /// An unknown name is an error.
    pub fn select(&self, only: &[String]) -> Result<Vec<&Section>, ConfigError> {
        for name in only {
            let known = self
                .sections()
                .any(|s| s.site_id == *name || s.key() == *name);
            if !known {
                return Err(ConfigError::NoSuchSection {
                    path: self.path.clone(),
                    name: name.clone(),
                });
            }
        }
        let groups = self.host_groups();
        Ok(self
            .sections()
            .filter(|s| only.is_empty() || only.iter().any(|n| s.site_id == *n || s.key() == *n))
            .filter(|s| self.in_shard(&groups, s, self.shard))
            .collect())
    }
}

/// The IANA zone name nearest to a misspelt one (`Europe/Berln` → `Europe/Berlin`).
pub fn nearest_timezone(name: &str) -> Option<&'static str> {
    words::nearest(name, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()))
}

/// Where the config file is: `--config`, else `$FEEDWRIGHT_CONFIG`, else `./config.toml`.
pub fn default_path(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| std::env::var_os(CONFIG_ENV).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[output]
base_url = "https://feeds.example.org"
formats = ["rss", "json"]

[[site]]
id = "spacewar"
title = "SpaceWar"
timezone = "Australia/Sydney"
every = "30m"
  [site.items]
  item = "p:has(span.BH)"
  date = "span.BHS"
  [[site.section]]
  id = "military-space"
  url = "https://www.spacewar.com/Military_Space.html"
  items = { item = "div.x", summary = "p" }
  include = ["(?i)missile"]
  every = "2h"
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/fw/config.toml"))
    }

    fn error_of(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_and_merges() {
        let config = parse(GOOD).unwrap();
        assert_eq!(
            config.output.dir,
            Target::Folder(PathBuf::from("/etc/fw/feeds"))
        );
        assert_eq!(
            config.state_path,
            PathBuf::from("/etc/fw/.feedwright/state.db")
        );
        assert_eq!(
            config.output.base_url.unwrap().as_str(),
            "https://feeds.example.org/"
        );
        assert_eq!(config.output.formats, vec![Format::Rss, Format::Json]);
        let section = &config.sites[0].sections[0];
        assert_eq!(section.key(), "spacewar/military-space");
        assert_eq!(section.title, "military-space");
        assert_eq!(section.rules.item.as_ref().unwrap().source(), "div.x");
        assert_eq!(section.rules.date.as_ref().unwrap().source(), "span.BHS");
        assert_eq!(section.every, Every::Fixed(Duration::from_secs(7200)));
        assert_eq!(section.timezone, chrono_tz::Australia::Sydney);
        assert_eq!(section.max_items, 50);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let unknown = error_of("[output]\nbase_url = \"https://x/\"\ncolour = 1\n");
        assert!(unknown.starts_with("/etc/fw/config.toml:3:1:"), "{unknown}");
        assert!(unknown.contains("colour"), "{unknown}");

        let selector = GOOD.replace("p:has(span.BH)", "p[[");
        let err = error_of(&selector);
        assert!(err.starts_with("/etc/fw/config.toml:12:"), "{err}");
        assert!(err.contains("invalid CSS selector"), "{err}");

        let regex = error_of(&GOOD.replace("(?i)missile", "(unclosed"));
        assert!(regex.starts_with("/etc/fw/config.toml:18:"), "{regex}");

        let tz = error_of(&GOOD.replace("Australia/Sydney", "Mars/Olympus"));
        assert!(tz.starts_with("/etc/fw/config.toml:9:12:"), "{tz}");
    }

    #[test]
    fn duplicate_and_malformed_ids_are_errors() {
        let twice = format!("{GOOD}\n[[site]]\nid = \"spacewar\"\n");
        assert!(error_of(&twice).contains("duplicate site id"));
        let section = GOOD.replace(
            "  every = \"2h\"\n",
            "  every = \"2h\"\n  [[site.section]]\n  id = \"military-space\"\n  url = \"https://a/\"\n",
        );
        assert!(error_of(&section).contains("duplicate section id"));
        assert!(
            error_of(&GOOD.replace("\"spacewar\"", "\"Space War\""))
                .contains("such as \"space-war\"")
        );
    }

    #[test]
    fn unknown_keys_in_nested_tables_are_errors() {
        let err = error_of(&GOOD.replace("summary = \"p\"", "sumary = \"p\""));
        assert!(err.contains("sumary"), "{err}");
        assert!(error_of("[fetch]\ntimeout = 3\n").contains("timeout"));
    }

    #[test]
    fn durations() {
        let every = |value: &str| {
            parse(&GOOD.replace("every = \"2h\"", &format!("every = {value:?}"))).map(|c| {
                match c.sites[0].sections[0].every {
                    Every::Fixed(every) => every,
                    Every::Auto => Duration::ZERO,
                }
            })
        };
        assert_eq!(every("45s").unwrap(), Duration::from_secs(45));
        assert_eq!(every("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(every("1h 30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(every("1d").unwrap(), Duration::from_secs(86_400));
        for bad in ["30", "0m", "soon", ""] {
            let err = every(bad).unwrap_err().to_string();
            assert!(err.contains("invalid duration"), "{bad}: {err}");
        }
    }

    #[test]
    fn select_filters_by_site_or_section() {
        let config = parse(GOOD).unwrap();
        assert_eq!(config.select(&[]).unwrap().len(), 1);
        assert_eq!(config.select(&["spacewar".into()]).unwrap().len(), 1);
        assert_eq!(
            config
                .select(&["spacewar/military-space".into()])
                .unwrap()
                .len(),
            1
        );
        assert!(config.select(&["nope".into()]).is_err());
    }
}
