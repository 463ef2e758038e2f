//! The choices a site or section makes by name: how often `watch` runs it (`every`), where its
//! items come from (`source`), how its page is loaded (`render`), what it does when its
//! selectors stop matching (`heal`).

use std::time::Duration;

use serde::Deserialize;

/// How often `watch` runs a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Always this interval.
    Fixed(Duration),
    /// Between `[watch] min_every` and `max_every`, from what its runs bring.
    Auto,
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

/// How a section's page is loaded: `render = "http"` (default), `"browser"` or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Render {
    /// A plain HTTP request.
    #[default]
    Http,
    /// Headless Chromium runs the page's scripts first.
    Browser,
    /// HTTP, and the browser when HTTP yields no items (remembered per section).
    Auto,
}

impl Render {
    /// The word `config.toml` writes for it: `http`, `browser`, `auto`.
    pub fn name(self) -> &'static str {
        match self {
            Render::Http => "http",
            Render::Browser => "browser",
            Render::Auto => "auto",
        }
    }

    /// The choice `name` writes, if it is one.
    pub fn from_name(name: &str) -> Option<Render> {
        [Render::Http, Render::Browser, Render::Auto]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// What a section does when its selectors stop matching: `heal = "off" | "suggest" | "auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Heal {
    /// Fail (or warn) as the selectors say, nothing more.
    Off,
    /// Fail (or warn) and propose selectors found anew on the same page.
    #[default]
    Suggest,
    /// Use the selectors found anew, remember them, and say so.
    Auto,
}
