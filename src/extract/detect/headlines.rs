//! Headline links: the links of a page that could open an item (usable, with enough text,
//! not "read more"), with what scoring needs to know of each.

use scraper::ElementRef;
use url::Url;

use super::element_text;

/// Shortest link text taken as a headline.
pub(super) const MIN_HEADLINE_CHARS: usize = 8;

/// Links that could be headlines: usable, with enough text, not "read more".
pub(super) fn headline_links(root: ElementRef) -> impl Iterator<Item = (ElementRef, String)> {
    let not_headline = regex!(
        r"(?i)^\W*(read\s+more|more|continue\s+reading|next|previous|older\s+posts|newer\s+posts|comments?|share|reply)\W*$"
    );
    root.select(css!("a[href]")).filter_map(|a| {
        let href = a.attr("href").unwrap_or("").trim();
        let usable = !href.is_empty()
            && !href.starts_with('#')
            && !["javascript:", "mailto:", "tel:", "data:"]
                .iter()
                .any(|s| href.to_ascii_lowercase().starts_with(s));
        let text = element_text(a);
        (usable && text.chars().count() >= MIN_HEADLINE_CHARS && !not_headline.is_match(&text))
            .then_some((a, text))
    })
}

/// A headline link with what scoring needs of it, worked out once for all its containers.
#[derive(Clone, Copy)]
pub(super) struct Headline<'a> {
    /// The link.
    pub(super) link: ElementRef<'a>,
    /// Characters of its text, counted up to 100.
    pub(super) chars: usize,
    /// Whether it leads away from the page's site.
    pub(super) offsite: bool,
}

impl<'a> Headline<'a> {
    pub(super) fn new(link: ElementRef<'a>, text: &str, page: &Url) -> Self {
        let target = link.attr("href").and_then(|h| page.join(h).ok());
        Headline {
            link,
            chars: text.chars().count().min(100),
            offsite: target.as_ref().and_then(site) != site(page),
        }
    }
}

/// A URL's host without a leading `www.`.
fn site(url: &Url) -> Option<&str> {
    url.host_str().map(|h| h.trim_start_matches("www."))
}
