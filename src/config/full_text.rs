//! `[site.article]`'s full-text settings, as a site and each of its sections read them.

/// `[site.article]`'s full-text settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullText {
    /// `content = "auto"`: the main text found without selectors.
    pub auto: bool,
    /// Article pages read per section per run (newest first; the rest on later runs).
    pub max_articles: usize,
    /// A body shorter than this (a paywall, a consent wall) keeps the teaser.
    pub min_chars: usize,
    /// The most of one item's content kept, in bytes.
    pub max_bytes: usize,
    /// Pages of one article read and joined (an article split over pages), the first included.
    pub pages: usize,
}

/// Most pages of one article `pages` may ask for.
pub(super) const MAX_ARTICLE_PAGES: usize = 20;

impl Default for FullText {
    fn default() -> Self {
        FullText {
            auto: false,
            max_articles: 30,
            min_chars: 250,
            max_bytes: 256 * 1024,
            pages: 5,
        }
    }
}
