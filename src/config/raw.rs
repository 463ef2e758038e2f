//! The schema as written in `config.toml`: every table and key, with defaults, and with
//! spans so that validation can point at the line and column of a bad value.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::env::Text;
use super::{Heal, Render, Source};
use crate::normalize::dates::DateOrder;
use crate::render::Format;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default)]
    pub(super) output: RawOutput,
    #[serde(default)]
    pub(super) state: RawState,
    #[serde(default)]
    pub(super) fetch: RawFetch,
    #[serde(default)]
    pub(super) browser: RawBrowser,
    #[serde(default)]
    pub(super) watch: RawWatch,
    #[serde(default)]
    pub(super) site: Vec<RawSite>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawWatch {
    pub(super) unhealthy_after: Spanned<u32>,
    pub(super) min_every: Spanned<Text>,
    pub(super) max_every: Spanned<Text>,
}

impl Default for RawWatch {
    fn default() -> Self {
        RawWatch {
            unhealthy_after: Spanned::new(0..0, 3),
            min_every: Spanned::new(0..0, "5m".into()),
            max_every: Spanned::new(0..0, "6h".into()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawBrowser {
    pub(super) path: Option<Text>,
    pub(super) tabs: Spanned<usize>,
}

impl Default for RawBrowser {
    fn default() -> Self {
        RawBrowser {
            path: None,
            tabs: Spanned::new(0..0, 2),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawOutput {
    pub(super) dir: Spanned<Text>,
    pub(super) cache_control: Text,
    pub(super) base_url: Option<Spanned<Text>>,
    pub(super) formats: Spanned<Vec<Format>>,
    pub(super) max_items: Spanned<usize>,
    pub(super) max_age_days: Option<u32>,
    pub(super) websub_hub: Option<Spanned<Text>>,
    pub(super) stylesheet: bool,
}

impl Default for RawOutput {
    fn default() -> Self {
        RawOutput {
            dir: Spanned::new(0..0, "feeds".into()),
            cache_control: "max-age=300".into(),
            base_url: None,
            formats: Spanned::new(0..0, vec![Format::Rss, Format::Atom, Format::Json]),
            max_items: Spanned::new(0..0, 50),
            max_age_days: None,
            websub_hub: None,
            stylesheet: false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawState {
    pub(super) path: Spanned<Text>,
    pub(super) lease: Spanned<Text>,
}

impl Default for RawState {
    fn default() -> Self {
        RawState {
            path: Spanned::new(0..0, ".feedwright/state.db".into()),
            lease: Spanned::new(0..0, "1h".into()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawFetch {
    pub(super) user_agent: Text,
    pub(super) timeout_secs: Spanned<u64>,
    pub(super) concurrency: Spanned<usize>,
    pub(super) host_delay_ms: u64,
    pub(super) retries: u32,
    pub(super) max_body_kb: Spanned<u64>,
    pub(super) robots_txt: bool,
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
pub(super) struct RawSite {
    pub(super) id: Spanned<Text>,
    pub(super) title: Option<Text>,
    pub(super) home: Option<Spanned<Text>>,
    pub(super) timezone: Option<Spanned<Text>>,
    pub(super) date_order: Option<DateOrder>,
    #[serde(default)]
    pub(super) hosts: Vec<Text>,
    pub(super) every: Option<Spanned<Text>>,
    pub(super) render: Option<Render>,
    pub(super) heal: Option<Heal>,
    pub(super) wait_for: Option<Spanned<Text>>,
    pub(super) language: Option<Spanned<Text>>,
    pub(super) pages: Option<Spanned<usize>>,
    pub(super) next: Option<Spanned<Text>>,
    pub(super) user_agent: Option<Spanned<Text>>,
    pub(super) headers: Option<BTreeMap<String, Spanned<Text>>>,
    pub(super) cookies: Option<Spanned<Text>>,
    #[serde(default)]
    pub(super) items: RawRules,
    pub(super) article: Option<RawArticle>,
    #[serde(default)]
    pub(super) section: Vec<RawSection>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRules {
    pub(super) item: Option<Spanned<Text>>,
    pub(super) title: Option<Spanned<Text>>,
    pub(super) link: Option<Spanned<Text>>,
    pub(super) date: Option<Spanned<Text>>,
    pub(super) date_format: Option<Spanned<Text>>,
    pub(super) summary: Option<Spanned<Text>>,
    pub(super) author: Option<Spanned<Text>>,
    pub(super) image: Option<Spanned<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawArticle {
    #[serde(default = "yes")]
    pub(super) enabled: bool,
    pub(super) title: Option<Spanned<Text>>,
    pub(super) link: Option<Spanned<Text>>,
    pub(super) date: Option<Spanned<Text>>,
    pub(super) date_format: Option<Spanned<Text>>,
    pub(super) summary: Option<Spanned<Text>>,
    pub(super) author: Option<Spanned<Text>>,
    pub(super) image: Option<Spanned<Text>>,
    pub(super) content: Option<Spanned<Text>>,
    pub(super) max_articles: Option<Spanned<usize>>,
    pub(super) content_min_chars: Option<usize>,
    pub(super) content_max_kb: Option<Spanned<usize>>,
    pub(super) pages: Option<Spanned<usize>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSection {
    pub(super) id: Spanned<Text>,
    pub(super) title: Option<Text>,
    pub(super) url: Spanned<Text>,
    pub(super) source: Option<Source>,
    pub(super) items: Option<RawRules>,
    #[serde(default)]
    pub(super) include: Vec<Spanned<Text>>,
    #[serde(default)]
    pub(super) exclude: Vec<Spanned<Text>>,
    pub(super) max_items: Option<Spanned<usize>>,
    pub(super) every: Option<Spanned<Text>>,
    pub(super) timezone: Option<Spanned<Text>>,
    pub(super) date_order: Option<DateOrder>,
    pub(super) render: Option<Render>,
    pub(super) heal: Option<Heal>,
    pub(super) wait_for: Option<Spanned<Text>>,
    pub(super) language: Option<Spanned<Text>>,
    pub(super) pages: Option<Spanned<usize>>,
    pub(super) next: Option<Spanned<Text>>,
    pub(super) user_agent: Option<Spanned<Text>>,
    pub(super) headers: Option<BTreeMap<String, Spanned<Text>>>,
    pub(super) cookies: Option<Spanned<Text>>,
    pub(super) article: Option<RawSectionArticle>,
}

/// `[site.section.article]`: what a section changes of its site's article reading.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSectionArticle {
    pub(super) content: Option<Spanned<Text>>,
    pub(super) pages: Option<Spanned<usize>>,
}

/// Section rules override the site's field by field.
pub(super) fn merge_rules(site: &RawRules, section: Option<&RawRules>) -> RawRules {
    let Some(section) = section else {
        return site.clone();
    };
    let pick = |s: &Option<Spanned<Text>>, d: &Option<Spanned<Text>>| s.clone().or(d.clone());
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
