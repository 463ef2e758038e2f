//! `config.toml`: schema, defaults, and validation with file, line and column (DESIGN §3).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::extract::{FieldSelector, Rules};
use crate::fetch;
use crate::normalize::dates::DateOrder;
use crate::render::Format;

/// Environment variable that names the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "FEEDWRIGHT_CONFIG";

/// A config that could not be loaded; the message names the file and, where known, line and column.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read config: {source}")]
    Read {
        /// Config file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// Config file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// A loaded, validated configuration with every path made absolute.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// `[output]`.
    pub output: Output,
    /// `[state] path`, absolute.
    pub state_path: PathBuf,
    /// `[fetch]`.
    pub fetch: Fetch,
    /// Every `[[site]]`, in file order.
    pub sites: Vec<Site>,
}

/// `[output]`.
#[derive(Debug, Clone)]
pub struct Output {
    /// Output folder, absolute.
    pub dir: PathBuf,
    /// Where `dir` is published (ends with `/`).
    pub base_url: Option<Url>,
    /// Formats written for every section.
    pub formats: Vec<Format>,
    /// Items per feed.
    pub max_items: usize,
    /// Items older than this many days are left out of feeds.
    pub max_age_days: Option<u32>,
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
    /// The site's sections.
    pub sections: Vec<Section>,
}

/// Where a section's items come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// An HTML index page.
    Html,
    /// An RSS, Atom or JSON feed.
    Feed,
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
    pub every: Duration,
    /// How date-only and zone-less dates are read.
    pub timezone: Tz,
    /// How ambiguous numeric dates are read.
    pub date_order: DateOrder,
    /// Explicit date format.
    pub date_format: Option<String>,
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
        let r = &self.rules;
        let selectors = [
            &r.item, &r.title, &r.link, &r.date, &r.summary, &r.author, &r.image, &r.content,
        ]
        .map(|f| f.as_ref().map_or("", |f| f.source()).to_string());
        let regexes = |list: &[Regex]| {
            list.iter()
                .map(|r| r.as_str().to_string())
                .collect::<Vec<_>>()
        };
        let text = format!(
            "{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}",
            self.source,
            selectors,
            regexes(&self.include),
            regexes(&self.exclude),
            self.timezone,
            self.date_order,
            self.date_format
        );
        format!("{:x}", Sha256::digest(text.as_bytes()))
    }
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Validates config text read from `path` (used for messages and relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let checker = Checker {
            text,
            path,
            compiled: Default::default(),
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            checker.error_at(offset, e.message().trim().to_string())
        })?;
        checker.build(raw)
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
    pub fn select(&self, only: &[String]) -> Result<Vec<&Section>, String> {
        for name in only {
            let known = self
                .sections()
                .any(|s| s.site_id == *name || s.key() == *name);
            if !known {
                return Err(format!(
                    "no site or section named {name:?} in {}",
                    self.path.display()
                ));
            }
        }
        Ok(self
            .sections()
            .filter(|s| only.is_empty() || only.iter().any(|n| s.site_id == *n || s.key() == *n))
            .collect())
    }
}

/// Where the config file is: `--config`, else `$FEEDWRIGHT_CONFIG`, else `./config.toml`.
pub fn default_path(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| std::env::var_os(CONFIG_ENV).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("config.toml"))
}

// ---- raw schema, as written in the file ------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    output: RawOutput,
    #[serde(default)]
    state: RawState,
    #[serde(default)]
    fetch: RawFetch,
    #[serde(default)]
    site: Vec<RawSite>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawOutput {
    dir: String,
    base_url: Option<Spanned<String>>,
    formats: Spanned<Vec<Format>>,
    max_items: Spanned<usize>,
    max_age_days: Option<u32>,
}

impl Default for RawOutput {
    fn default() -> Self {
        RawOutput {
            dir: "feeds".into(),
            base_url: None,
            formats: Spanned::new(0..0, vec![Format::Rss, Format::Atom, Format::Json]),
            max_items: Spanned::new(0..0, 50),
            max_age_days: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawState {
    path: String,
}

impl Default for RawState {
    fn default() -> Self {
        RawState {
            path: ".feedwright/state.db".into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawFetch {
    user_agent: String,
    timeout_secs: Spanned<u64>,
    concurrency: Spanned<usize>,
    host_delay_ms: u64,
    retries: u32,
    max_body_kb: Spanned<u64>,
    robots_txt: bool,
}

impl Default for RawFetch {
    fn default() -> Self {
        RawFetch {
            user_agent: concat!("feedwright/", env!("CARGO_PKG_VERSION")).into(),
            timeout_secs: Spanned::new(0..0, 20),
            concurrency: Spanned::new(0..0, 16),
            host_delay_ms: 1000,
            retries: 2,
            max_body_kb: Spanned::new(0..0, 8192),
            robots_txt: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    id: Spanned<String>,
    title: Option<String>,
    home: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    date_order: Option<DateOrder>,
    #[serde(default)]
    hosts: Vec<String>,
    every: Option<Spanned<String>>,
    #[serde(default)]
    items: RawRules,
    article: Option<RawArticle>,
    #[serde(default)]
    section: Vec<RawSection>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawRules {
    item: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    link: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    date_format: Option<String>,
    summary: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    image: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticle {
    #[serde(default = "yes")]
    enabled: bool,
    title: Option<Spanned<String>>,
    link: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    date_format: Option<String>,
    summary: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    image: Option<Spanned<String>>,
    content: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: Option<String>,
    url: Spanned<String>,
    source: Option<Source>,
    items: Option<RawRules>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    max_items: Option<Spanned<usize>>,
    every: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    date_order: Option<DateOrder>,
}

// ---- validation -------------------------------------------------------------------------------

/// Turns the raw schema into a [`Config`], reporting problems at their place in the file.
struct Checker<'a> {
    text: &'a str,
    path: &'a Path,
    /// Selectors already compiled: sections of one site share most of theirs.
    compiled: std::cell::RefCell<std::collections::HashMap<String, FieldSelector>>,
}

impl Checker<'_> {
    fn error_at(&self, offset: usize, message: String) -> ConfigError {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    fn error<T>(&self, at: &Spanned<T>, message: String) -> ConfigError {
        self.error_at(at.span().start, message)
    }

    fn relative(&self, path: &str) -> PathBuf {
        let folder = self.path.parent().unwrap_or(Path::new("."));
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        folder.join(path)
    }

    fn build(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        let output = self.output(raw.output)?;
        let fetch = self.fetch(raw.fetch)?;
        let mut site_ids = HashSet::new();
        let mut sites = Vec::new();
        for site in raw.site {
            if !site_ids.insert(site.id.get_ref().clone()) {
                return Err(self.error(
                    &site.id,
                    format!("duplicate site id {:?}", site.id.get_ref()),
                ));
            }
            sites.push(self.site(site, &output)?);
        }
        Ok(Config {
            path: self.path.to_path_buf(),
            output,
            state_path: self.relative(&raw.state.path),
            fetch,
            sites,
        })
    }

    fn output(&self, raw: RawOutput) -> Result<Output, ConfigError> {
        let base_url = match raw.base_url {
            None => None,
            Some(spanned) => {
                let mut text = spanned.get_ref().clone();
                if !text.ends_with('/') {
                    text.push('/');
                }
                let url = Url::parse(&text)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| {
                        self.error(&spanned, format!("base_url {text:?} is not an http(s) URL"))
                    })?;
                Some(url)
            }
        };
        if raw.formats.get_ref().is_empty() {
            return Err(self.error(&raw.formats, "formats must name at least one format".into()));
        }
        if *raw.max_items.get_ref() == 0 {
            return Err(self.error(&raw.max_items, "max_items must be at least 1".into()));
        }
        let mut formats = raw.formats.into_inner();
        formats.sort();
        formats.dedup();
        Ok(Output {
            dir: self.relative(&raw.dir),
            base_url,
            formats,
            max_items: raw.max_items.into_inner(),
            max_age_days: raw.max_age_days,
        })
    }

    fn fetch(&self, raw: RawFetch) -> Result<Fetch, ConfigError> {
        for (value, name) in [
            (&raw.timeout_secs, "timeout_secs"),
            (&raw.max_body_kb, "max_body_kb"),
        ] {
            if *value.get_ref() == 0 {
                return Err(self.error(value, format!("{name} must be at least 1")));
            }
        }
        if *raw.concurrency.get_ref() == 0 {
            return Err(self.error(&raw.concurrency, "concurrency must be at least 1".into()));
        }
        Ok(Fetch {
            client: fetch::Settings {
                user_agent: raw.user_agent,
                timeout: Duration::from_secs(raw.timeout_secs.into_inner()),
                concurrency: raw.concurrency.into_inner(),
                max_body_bytes: raw.max_body_kb.into_inner().saturating_mul(1024),
                host_delay: Duration::from_millis(raw.host_delay_ms),
                retries: raw.retries,
            },
            robots_txt: raw.robots_txt,
        })
    }

    fn id(&self, id: &Spanned<String>, what: &str) -> Result<String, ConfigError> {
        let value = id.get_ref();
        let valid = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if valid {
            Ok(value.clone())
        } else {
            Err(self.error(id, format!("{what} id {value:?} must match [a-z0-9-]+")))
        }
    }

    fn url(&self, raw: &Spanned<String>, what: &str) -> Result<Url, ConfigError> {
        Url::parse(raw.get_ref().trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                self.error(
                    raw,
                    format!("{what} {:?} is not an http(s) URL", raw.get_ref()),
                )
            })
    }

    fn timezone(&self, raw: &Spanned<String>) -> Result<Tz, ConfigError> {
        raw.get_ref().parse::<Tz>().map_err(|_| {
            self.error(
                raw,
                format!(
                    "unknown timezone {:?} (use an IANA name such as \"Europe/Paris\")",
                    raw.get_ref()
                ),
            )
        })
    }

    fn every(&self, raw: &Spanned<String>) -> Result<Duration, ConfigError> {
        parse_duration(raw.get_ref()).ok_or_else(|| {
            self.error(
                raw,
                format!(
                    "invalid duration {:?} (use e.g. \"45s\", \"30m\", \"2h\")",
                    raw.get_ref()
                ),
            )
        })
    }

    fn selector(
        &self,
        raw: &Option<Spanned<String>>,
    ) -> Result<Option<FieldSelector>, ConfigError> {
        let Some(spec) = raw else { return Ok(None) };
        if let Some(known) = self.compiled.borrow().get(spec.get_ref()) {
            return Ok(Some(known.clone()));
        }
        let parsed = FieldSelector::parse(spec.get_ref()).map_err(|e| self.error(spec, e))?;
        self.compiled
            .borrow_mut()
            .insert(spec.get_ref().clone(), parsed.clone());
        Ok(Some(parsed))
    }

    fn regexes(&self, raw: &[Spanned<String>]) -> Result<Vec<Regex>, ConfigError> {
        raw.iter()
            .map(|r| {
                Regex::new(r.get_ref()).map_err(|e| {
                    // The regex error draws a caret over several lines; keep its last line.
                    let detail = e.to_string();
                    let detail = detail
                        .lines()
                        .last()
                        .unwrap_or_default()
                        .trim_start_matches("error: ");
                    self.error(r, format!("invalid regex {:?}: {detail}", r.get_ref()))
                })
            })
            .collect()
    }

    fn rules(&self, raw: &RawRules) -> Result<Rules, ConfigError> {
        Ok(Rules {
            item: self.selector(&raw.item)?,
            title: self.selector(&raw.title)?,
            link: self.selector(&raw.link)?,
            date: self.selector(&raw.date)?,
            summary: self.selector(&raw.summary)?,
            author: self.selector(&raw.author)?,
            image: self.selector(&raw.image)?,
            content: None,
        })
    }

    fn article(&self, raw: &RawArticle) -> Result<Rules, ConfigError> {
        Ok(Rules {
            item: None,
            title: self.selector(&raw.title)?,
            link: self.selector(&raw.link)?,
            date: self.selector(&raw.date)?,
            summary: self.selector(&raw.summary)?,
            author: self.selector(&raw.author)?,
            image: self.selector(&raw.image)?,
            content: self.selector(&raw.content)?,
        })
    }

    fn site(&self, raw: RawSite, output: &Output) -> Result<Site, ConfigError> {
        let id = self.id(&raw.id, "site")?;
        let title = raw.title.clone().unwrap_or_else(|| id.clone());
        let home = raw.home.as_ref().map(|h| self.url(h, "home")).transpose()?;
        let timezone = match &raw.timezone {
            Some(tz) => self.timezone(tz)?,
            None => Tz::UTC,
        };
        let every = match &raw.every {
            Some(every) => self.every(every)?,
            None => DEFAULT_EVERY,
        };
        // Validate the site's own rules even when every section overrides them.
        self.rules(&raw.items)?;
        let article = match &raw.article {
            Some(article) if article.enabled => Some(self.article(article)?),
            Some(article) => {
                self.article(article)?;
                None
            }
            None => None,
        };
        let mut section_ids = HashSet::new();
        let mut sections = Vec::new();
        for section in &raw.section {
            let section_id = self.id(&section.id, "section")?;
            if !section_ids.insert(section_id.clone()) {
                return Err(self.error(
                    &section.id,
                    format!("duplicate section id {section_id:?} in site {id:?}"),
                ));
            }
            let merged = merge_rules(&raw.items, section.items.as_ref());
            sections.push(Section {
                site_id: id.clone(),
                site_title: title.clone(),
                id: section_id.clone(),
                title: section.title.clone().unwrap_or(section_id),
                url: self.url(&section.url, "section url")?,
                source: section.source.unwrap_or(Source::Html),
                rules: self.rules(&merged)?,
                include: self.regexes(&section.include)?,
                exclude: self.regexes(&section.exclude)?,
                max_items: match &section.max_items {
                    Some(n) if *n.get_ref() == 0 => {
                        return Err(self.error(n, "max_items must be at least 1".into()));
                    }
                    Some(n) => *n.get_ref(),
                    None => output.max_items,
                },
                every: section
                    .every
                    .as_ref()
                    .map_or(Ok(every), |e| self.every(e))?,
                timezone: section
                    .timezone
                    .as_ref()
                    .map_or(Ok(timezone), |t| self.timezone(t))?,
                date_order: section.date_order.or(raw.date_order).unwrap_or_default(),
                date_format: merged.date_format.clone(),
            });
        }
        Ok(Site {
            id,
            title,
            home,
            hosts: raw
                .hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
            article_date_format: raw.article.and_then(|a| a.date_format),
            article,
            sections,
        })
    }
}

/// `watch` interval when neither the site nor the section sets `every`.
const DEFAULT_EVERY: Duration = Duration::from_secs(3600);

/// Section rules override the site's field by field.
fn merge_rules(site: &RawRules, section: Option<&RawRules>) -> RawRules {
    let Some(section) = section else {
        return site.clone();
    };
    let pick = |s: &Option<Spanned<String>>, d: &Option<Spanned<String>>| s.clone().or(d.clone());
    RawRules {
        item: pick(&section.item, &site.item),
        title: pick(&section.title, &site.title),
        link: pick(&section.link, &site.link),
        date: pick(&section.date, &site.date),
        date_format: section.date_format.clone().or(site.date_format.clone()),
        summary: pick(&section.summary, &site.summary),
        author: pick(&section.author, &site.author),
        image: pick(&section.image, &site.image),
    }
}

/// Parses `45s`, `30m`, `2h`, `1d`, or combinations such as `1h30m`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = 0u64;
    let mut digits = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        let value: u64 = std::mem::take(&mut digits).parse().ok()?;
        total = total.checked_add(value.checked_mul(unit)?)?;
    }
    (digits.is_empty() && total > 0).then(|| Duration::from_secs(total))
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
        assert_eq!(config.output.dir, PathBuf::from("/etc/fw/feeds"));
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
        assert_eq!(section.every, Duration::from_secs(7200));
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
        assert!(error_of(&GOOD.replace("\"spacewar\"", "\"Space War\"")).contains("[a-z0-9-]+"));
    }

    #[test]
    fn unknown_keys_in_nested_tables_are_errors() {
        let err = error_of(&GOOD.replace("summary = \"p\"", "sumary = \"p\""));
        assert!(err.contains("sumary"), "{err}");
        assert!(error_of("[fetch]\ntimeout = 3\n").contains("timeout"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("45s"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("0m"), None);
        assert_eq!(parse_duration("5w"), None);
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
