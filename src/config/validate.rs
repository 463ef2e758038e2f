//! Turning the raw schema into a [`Config`]: defaults and overrides merged, values checked,
//! selectors and patterns compiled, and every problem reported at its line and column.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;
use toml::Spanned;
use url::Url;

use super::checker::Checker;
use super::full_text::MAX_ARTICLE_PAGES;
use super::raw::{
    RawArticle, RawBrowser, RawConfig, RawFetch, RawOutput, RawRules, RawSectionArticle, RawSite,
    RawWatch, merge_rules,
};
use super::requests::RawRequests;
use super::values::{not_a_web_url, web_url};
use super::{
    Config, ConfigError, Every, Fetch, FullText, Output, Section, Site, Source, Target, Watch,
};
use crate::extract::{Field, Rules};
use crate::fetch;

impl Checker<'_> {
    pub(super) fn build(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        let output = self.output(raw.output)?;
        let fetch = self.fetch(raw.fetch)?;
        let browser = self.browser(raw.browser)?;
        let watch = self.watch(&raw.watch)?;
        let mut site_ids = HashSet::new();
        let mut sites = Vec::new();
        for site in raw.site {
            if !site_ids.insert(site.id.get_ref().clone()) {
                return Err(self.error(
                    &site.id,
                    format!("duplicate site id {:?}", site.id.get_ref()),
                ));
            }
            sites.push(self.site(&site, &output)?);
        }
        let state = self.target(&raw.state.path)?;
        Ok(Config {
            path: self.path.to_path_buf(),
            output,
            state_path: match &state {
                Target::Folder(path) => path.clone(),
                Target::Bucket(_) => self.relative(".feedwright/remote-state.db"),
            },
            state_url: match state {
                Target::Bucket(url) => Some(url),
                Target::Folder(_) => None,
            },
            state_template: None,
            state_lease: self.duration(&raw.state.lease)?,
            fetch,
            browser,
            watch,
            secrets: self.secrets.clone(),
            shard: None,
            sites,
        })
    }

    fn output(&self, raw: RawOutput) -> Result<Output, ConfigError> {
        let base_url = match raw.base_url {
            None => None,
            Some(spanned) => {
                let mut text = spanned.get_ref().to_string();
                if !text.ends_with('/') {
                    text.push('/');
                }
                let url = web_url(&text)
                    .ok_or_else(|| self.error(&spanned, not_a_web_url("base_url", &text)))?;
                Some(url)
            }
        };
        if raw.formats.get_ref().is_empty() {
            return Err(self.error(&raw.formats, "formats must name at least one format"));
        }
        if *raw.max_items.get_ref() == 0 {
            return Err(self.error(&raw.max_items, "max_items must be at least 1"));
        }
        let mut formats = raw.formats.into_inner();
        formats.sort();
        formats.dedup();
        let websub_hub = raw
            .websub_hub
            .as_ref()
            .map(|hub| self.url(hub, "websub_hub"))
            .transpose()?;
        if websub_hub.is_some() && base_url.is_none() {
            let hub = raw.websub_hub.as_ref().expect("checked above");
            return Err(self.error(
                hub,
                "websub_hub needs base_url: the hub is told each feed's public URL",
            ));
        }
        Ok(Output {
            dir: self.target(&raw.dir)?,
            cache_control: raw.cache_control.trim().to_string(),
            base_url,
            formats,
            max_items: raw.max_items.into_inner(),
            max_age_days: raw.max_age_days,
            websub_hub,
            stylesheet: raw.stylesheet,
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
            return Err(self.error(&raw.concurrency, "concurrency must be at least 1"));
        }
        Ok(Fetch {
            client: fetch::Settings {
                user_agent: raw.user_agent.into_string(),
                timeout: Duration::from_secs(raw.timeout_secs.into_inner()),
                concurrency: raw.concurrency.into_inner(),
                max_body_bytes: raw.max_body_kb.into_inner().saturating_mul(1024),
                host_delay: Duration::from_millis(raw.host_delay_ms),
                retries: raw.retries,
            },
            robots_txt: raw.robots_txt,
        })
    }

    fn browser(&self, raw: RawBrowser) -> Result<fetch::browser::Settings, ConfigError> {
        if *raw.tabs.get_ref() == 0 {
            return Err(self.error(&raw.tabs, "tabs must be at least 1"));
        }
        Ok(fetch::browser::Settings {
            // A bare name is looked up on the PATH; a path is relative to the config file.
            path: raw.path.map(|p| {
                if p.contains('/') {
                    self.relative(&p)
                } else {
                    PathBuf::from(p.into_string())
                }
            }),
            tabs: raw.tabs.into_inner(),
        })
    }

    fn watch(&self, raw: &RawWatch) -> Result<Watch, ConfigError> {
        let min_every = self.duration(&raw.min_every)?;
        let max_every = self.duration(&raw.max_every)?;
        if max_every < min_every {
            return Err(self.error(
                &raw.max_every,
                "max_every must not be shorter than min_every",
            ));
        }
        if *raw.unhealthy_after.get_ref() == 0 {
            return Err(self.error(&raw.unhealthy_after, "unhealthy_after must be at least 1"));
        }
        Ok(Watch {
            unhealthy_after: *raw.unhealthy_after.get_ref(),
            min_every,
            max_every,
        })
    }

    fn rules(&self, raw: &RawRules) -> Result<Rules, ConfigError> {
        self.compile([
            (Field::Item, &raw.item),
            (Field::Title, &raw.title),
            (Field::Link, &raw.link),
            (Field::Date, &raw.date),
            (Field::Summary, &raw.summary),
            (Field::Author, &raw.author),
            (Field::Image, &raw.image),
        ])
    }

    fn article(&self, raw: &RawArticle) -> Result<Rules, ConfigError> {
        // `content = "auto"` is no selector: the main text is found without one.
        let content = raw.content.clone().filter(|c| !is_auto(c.get_ref()));
        self.compile([
            (Field::Title, &raw.title),
            (Field::Link, &raw.link),
            (Field::Date, &raw.date),
            (Field::Summary, &raw.summary),
            (Field::Author, &raw.author),
            (Field::Image, &raw.image),
            (Field::Content, &content),
        ])
    }

    fn full_text(&self, raw: Option<&RawArticle>) -> Result<FullText, ConfigError> {
        let mut full = FullText::default();
        let Some(raw) = raw else { return Ok(full) };
        full.auto = raw.content.as_ref().is_some_and(|c| is_auto(c.get_ref()));
        if let Some(n) = &raw.max_articles {
            if *n.get_ref() == 0 {
                return Err(self.error(n, "max_articles must be at least 1"));
            }
            full.max_articles = *n.get_ref();
        }
        if let Some(n) = raw.content_min_chars {
            full.min_chars = n;
        }
        if let Some(kb) = &raw.content_max_kb {
            if *kb.get_ref() == 0 {
                return Err(self.error(kb, "content_max_kb must be at least 1"));
            }
            full.max_bytes = kb.get_ref().saturating_mul(1024);
        }
        if let Some(pages) = &raw.pages {
            full.pages = self.article_pages(pages)?;
        }
        Ok(full)
    }

    /// `pages` of an article: from 1 to [`MAX_ARTICLE_PAGES`].
    fn article_pages(&self, pages: &Spanned<usize>) -> Result<usize, ConfigError> {
        let n = *pages.get_ref();
        if (1..=MAX_ARTICLE_PAGES).contains(&n) {
            Ok(n)
        } else {
            Err(self.error(
                pages,
                format!("an article's pages must be from 1 to {MAX_ARTICLE_PAGES}"),
            ))
        }
    }

    /// A section's article rules and full-text settings: its site's, with the section's own
    /// `[site.section.article] content` (a selector, or `"auto"`) and `pages` in place of the
    /// site's.
    fn section_article(
        &self,
        own: Option<&RawSectionArticle>,
        site: Option<&Rules>,
        full_text: FullText,
    ) -> Result<(Option<Rules>, FullText), ConfigError> {
        let mut full = full_text;
        if let Some(pages) = own.and_then(|a| a.pages.as_ref()) {
            full.pages = self.article_pages(pages)?;
        }
        let Some(content) = own.and_then(|a| a.content.as_ref()) else {
            return Ok((site.cloned(), full));
        };
        let mut rules = site.cloned().unwrap_or_default();
        full.auto = is_auto(content.get_ref());
        let selector = if full.auto {
            None
        } else {
            self.selector(&Some(content.clone()))?
        };
        rules.set(Field::Content, selector);
        Ok((Some(rules), full))
    }

    fn site(&self, raw: &RawSite, output: &Output) -> Result<Site, ConfigError> {
        let id = self.noted(self.id(&raw.id, "site"), || raw.id.get_ref().to_string());
        let title = raw.title.as_deref().cloned().unwrap_or_else(|| id.clone());
        let home = raw.home.as_ref().map(|h| self.url(h, "home")).transpose()?;
        let timezone = match &raw.timezone {
            Some(tz) => self.timezone(tz)?,
            None => Tz::UTC,
        };
        let every = match &raw.every {
            Some(every) => self.every(every)?,
            None => Every::Fixed(DEFAULT_EVERY),
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
        let hosts: Vec<String> = raw
            .hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let full_text = self.full_text(raw.article.as_ref())?;
        let mut section_ids = HashSet::new();
        let mut sections = Vec::new();
        for section in &raw.section {
            let (section_article, section_full_text) =
                self.section_article(section.article.as_ref(), article.as_ref(), full_text)?;
            let section_id = self.noted(self.id(&section.id, "section"), || {
                section.id.get_ref().to_string()
            });
            if !section_ids.insert(section_id.clone()) {
                return Err(self.error(
                    &section.id,
                    format!("duplicate section id {section_id:?} in site {id:?}"),
                ));
            }
            let merged = merge_rules(&raw.items, section.items.as_ref());
            let url = self.noted(self.url(&section.url, "section url"), || {
                Url::parse("http://example.invalid/").expect("a valid URL")
            });
            let profile = self.profile(
                &RawRequests {
                    user_agent: raw.user_agent.as_ref(),
                    headers: raw.headers.as_ref(),
                    cookies: raw.cookies.as_ref(),
                },
                &RawRequests {
                    user_agent: section.user_agent.as_ref(),
                    headers: section.headers.as_ref(),
                    cookies: section.cookies.as_ref(),
                },
                &url,
                home.as_ref(),
                &hosts,
            )?;
            sections.push(Section {
                site_id: id.clone(),
                site_title: title.clone(),
                id: section_id.clone(),
                title: section.title.as_deref().cloned().unwrap_or(section_id),
                url,
                profile,
                source: section.source.unwrap_or(Source::Html),
                rules: self.rules(&merged)?,
                include: self.regexes(&section.include)?,
                exclude: self.regexes(&section.exclude)?,
                max_items: match &section.max_items {
                    Some(n) if *n.get_ref() == 0 => {
                        return Err(self.error(n, "max_items must be at least 1"));
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
                date_format: merged
                    .date_format
                    .as_ref()
                    .map(|f| self.date_format(f))
                    .transpose()?,
                language: section
                    .language
                    .as_ref()
                    .or(raw.language.as_ref())
                    .map(|tag| self.language(tag))
                    .transpose()?,
                pages: match section.pages.as_ref().or(raw.pages.as_ref()) {
                    Some(n) if !(1..=MAX_PAGES).contains(n.get_ref()) => {
                        return Err(self.error(n, format!("pages must be from 1 to {MAX_PAGES}")));
                    }
                    Some(n) => *n.get_ref(),
                    None => 1,
                },
                next: self.selector(&section.next.clone().or(raw.next.clone()))?,
                article: section_article,
                full_text: section_full_text,
                render: section.render.or(raw.render).unwrap_or_default(),
                heal: section.heal.or(raw.heal).unwrap_or_default(),
                wait_for: section
                    .wait_for
                    .as_ref()
                    .or(raw.wait_for.as_ref())
                    .map(|w| self.wait_for(w))
                    .transpose()?,
            });
        }
        Ok(Site {
            id,
            title,
            home,
            hosts,
            full_text,
            article_date_format: raw
                .article
                .as_ref()
                .and_then(|a| a.date_format.as_ref())
                .map(|f| self.date_format(f))
                .transpose()?,
            article,
            sections,
        })
    }
}

/// Whether `content` says `auto`.
fn is_auto(content: &str) -> bool {
    content.trim().eq_ignore_ascii_case("auto")
}

/// Most pages one section may read per run.
const MAX_PAGES: usize = 100;

/// `watch` interval when neither the site nor the section sets `every`.
const DEFAULT_EVERY: Duration = Duration::from_secs(3600);
