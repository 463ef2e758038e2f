//! Checking one value of the config: URLs, ids, time zones, durations, languages, date
//! formats, selectors and regexes, each refused in plain words at its line and column, with
//! the fix where there is one.

use std::time::Duration;

use chrono_tz::Tz;
use regex::Regex;
use toml::Spanned;
use url::Url;

use super::checker::Checker;
use super::env::Text;
use super::words::nearest;
use super::{ConfigError, Every, Target};
use crate::extract::{Field, FieldSelector, Rules};
use crate::locale::Language;

impl Checker<'_> {
    pub(super) fn language(&self, raw: &Spanned<Text>) -> Result<Language, ConfigError> {
        Language::from_tag(raw.get_ref()).ok_or_else(|| {
            let hint = match Language::nearest_tag(raw.get_ref()) {
                Some(near) => format!("did you mean \"{near}\"?"),
                None => "use a BCP 47 tag such as \"de\", \"pt-BR\" or \"sr-Latn\"".to_string(),
            };
            self.error(raw, format!("unknown language {:?}: {hint}", raw.get_ref()))
        })
    }

    pub(super) fn wait_for(&self, raw: &Spanned<Text>) -> Result<String, ConfigError> {
        scraper::Selector::parse(raw.get_ref())
            .map(|_| raw.get_ref().to_string())
            .map_err(|e| {
                let mistake = crate::extract::css_mistake(raw.get_ref(), &e);
                self.error(
                    raw,
                    format!(
                        "invalid CSS selector {:?} in wait_for: {mistake}",
                        raw.get_ref()
                    ),
                )
            })
    }

    pub(super) fn id(&self, id: &Spanned<Text>, what: &str) -> Result<String, ConfigError> {
        let value = id.get_ref();
        let valid = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if valid {
            Ok(value.to_string())
        } else {
            let slug: String = value
                .to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            let hint = if slug.is_empty() {
                String::new()
            } else {
                format!(", such as \"{slug}\"")
            };
            Err(self.error(
                id,
                format!(
                    "{what} id {value:?} may hold only lowercase letters a-z, digits and \"-\" \
                     (it names files){hint}"
                ),
            ))
        }
    }

    pub(super) fn url(&self, raw: &Spanned<Text>, what: &str) -> Result<Url, ConfigError> {
        web_url(raw.get_ref()).ok_or_else(|| self.error(raw, not_a_web_url(what, raw.get_ref())))
    }

    /// `[output] dir` or `[state] path`: a path, a `file://` URL, or an object-store URL.
    pub(super) fn target(&self, raw: &Spanned<Text>) -> Result<Target, ConfigError> {
        Target::parse(raw.get_ref(), |path| self.relative(path)).map_err(|e| self.error(raw, e))
    }

    pub(super) fn timezone(&self, raw: &Spanned<Text>) -> Result<Tz, ConfigError> {
        raw.get_ref().trim().parse::<Tz>().map_err(|_| {
            let near = nearest(
                raw.get_ref(),
                chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()),
            );
            let hint = match near {
                Some(zone) => format!("did you mean \"{zone}\"?"),
                None => "use an IANA name such as \"Europe/Paris\" or \"UTC\"".to_string(),
            };
            self.error(raw, format!("unknown timezone {:?}: {hint}", raw.get_ref()))
        })
    }

    /// A `strftime` format: every `%` directive must be one chrono knows.
    pub(super) fn date_format(&self, raw: &Spanned<Text>) -> Result<String, ConfigError> {
        use chrono::format::{Item, StrftimeItems};
        if StrftimeItems::new(raw.get_ref()).any(|item| item == Item::Error) {
            return Err(self.error(
                raw,
                format!(
                    "date_format {:?} holds a `%` directive that does not exist \
                     (use e.g. \"%d.%m.%Y %H:%M\"; `%%` is a literal %)",
                    raw.get_ref()
                ),
            ));
        }
        Ok(raw.get_ref().to_string())
    }

    pub(super) fn every(&self, raw: &Spanned<Text>) -> Result<Every, ConfigError> {
        if raw.get_ref().trim() == "auto" {
            return Ok(Every::Auto);
        }
        self.duration(raw).map(Every::Fixed)
    }

    pub(super) fn duration(&self, raw: &Spanned<Text>) -> Result<Duration, ConfigError> {
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

    pub(super) fn selector(
        &self,
        raw: &Option<Spanned<Text>>,
    ) -> Result<Option<FieldSelector>, ConfigError> {
        let Some(spec) = raw else { return Ok(None) };
        if let Some(known) = self.compiled.borrow().get(spec.get_ref().as_str()) {
            return Ok(Some(known.clone()));
        }
        let parsed = FieldSelector::parse(spec.get_ref()).map_err(|e| self.error(spec, e))?;
        self.compiled
            .borrow_mut()
            .insert(spec.get_ref().to_string(), parsed.clone());
        Ok(Some(parsed))
    }

    pub(super) fn regexes(&self, raw: &[Spanned<Text>]) -> Result<Vec<Regex>, ConfigError> {
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

    /// Compiles the selectors written for each field.
    pub(super) fn compile(
        &self,
        specs: [(Field, &Option<Spanned<Text>>); 7],
    ) -> Result<Rules, ConfigError> {
        let mut rules = Rules::default();
        for (field, spec) in specs {
            rules.set(field, self.selector(spec)?);
        }
        Ok(rules)
    }
}

/// An `http(s)` URL, if `text` is one.
pub(super) fn web_url(text: &str) -> Option<Url> {
    Url::parse(text.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Why `text` is not a usable URL for `what`, with the fix when a scheme is all it lacks.
pub(super) fn not_a_web_url(what: &str, text: &str) -> String {
    let text = text.trim();
    if !text.contains("://")
        && let Some(url) = web_url(&format!("https://{text}"))
    {
        return format!("{what} {text:?} has no scheme: add \"https://\" (\"{url}\")");
    }
    format!("{what} {text:?} is not an http:// or https:// URL")
}

/// Reads a duration such as `45s`, `30m`, `2h`, `1d` or `1h 30m`; zero is refused.
pub(super) fn parse_duration(text: &str) -> Option<Duration> {
    humantime::parse_duration(text.trim())
        .ok()
        .filter(|d| !d.is_zero())
}
