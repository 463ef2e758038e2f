//! Whether a candidate list holds stories: menus, tag clouds and link farms (short texts, no
//! dates, links to sections of the site, or 50 and more one-word links) are never proposed, and where the best list is
//! undated, a close one that is dated goes first (a feed of dated stories is the one a reader
//! wants).

use url::Url;

use super::Candidate;
use crate::model::RawItem;

/// Below this share of dated items a list counts as undated.
const UNDATED: f64 = 0.2;
/// From this share of dated items a list counts as dated.
const DATED: f64 = 0.8;
/// Share of short, section-bound links from which a list is a menu.
const MENU_SHARE: f64 = 0.7;
/// Items from which a list of short links is a link farm, wherever they lead.
const FARM_ITEMS: usize = 50;
/// Share of one-word links from which such a long list is a link farm.
const FARM_SHARE: f64 = 0.8;
/// A dated list goes first when its score is at least this share of the undated best's.
const CLOSE: f64 = 1.0 / 3.0;
/// A title of at most this many words and characters is a label, not a headline.
const SHORT_WORDS: usize = 3;
const SHORT_CHARS: usize = 20;
/// Path segments that name a section of a site rather than a story.
const SECTION_WORDS: [&str; 14] = [
    "category",
    "categories",
    "tag",
    "tags",
    "topic",
    "topics",
    "section",
    "sections",
    "author",
    "authors",
    "page",
    "archive",
    "archives",
    "label",
];

/// Whether `items` (read from `page`) look like stories rather than page furniture.
pub(super) fn are_stories(items: &[RawItem], page: &Url) -> bool {
    let n = items.len().max(1) as f64;
    let share =
        |test: &dyn Fn(&RawItem) -> bool| items.iter().filter(|i| test(i)).count() as f64 / n;
    if share(&|i| i.date.is_some()) >= UNDATED {
        return true;
    }
    let short = |item: &RawItem| item.title.as_deref().is_some_and(is_short);
    let menu = share(&|i| {
        short(i)
            && i.link
                .as_deref()
                .and_then(|l| page.join(l).ok())
                .is_some_and(|url| is_section(&url))
    });
    let one_word = |item: &RawItem| {
        item.title
            .as_deref()
            .is_some_and(|t| t.split_whitespace().count() <= 1)
    };
    let farm = items.len() >= FARM_ITEMS && share(&one_word) >= FARM_SHARE;
    menu < MENU_SHARE && !farm
}

/// Moves a dated list before the best one when that is undated and the dated one is close.
pub(super) fn dated_first(candidates: &mut [Candidate]) {
    let dated = |c: &Candidate| {
        c.items.iter().filter(|i| i.date.is_some()).count() as f64 / c.items.len().max(1) as f64
    };
    let Some(best) = candidates.first() else {
        return;
    };
    if dated(best) >= UNDATED {
        return;
    }
    let floor = best.score * CLOSE;
    if let Some(at) = candidates
        .iter()
        .position(|c| c.score >= floor && dated(c) >= DATED)
    {
        candidates[..=at].rotate_right(1);
    }
}

/// Whether a title is a label (a menu entry, a tag) rather than a headline.
fn is_short(title: &str) -> bool {
    title.split_whitespace().count() <= SHORT_WORDS && title.chars().count() <= SHORT_CHARS
}

/// Whether a link leads to a section of a site (its home, a category, a tag, a page of one
/// word) rather than to a story.
fn is_section(url: &Url) -> bool {
    if url
        .query()
        .is_some_and(|q| q.bytes().any(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let Some(last) = segments.last() else {
        return true;
    };
    if segments
        .iter()
        .any(|s| SECTION_WORDS.contains(&s.to_ascii_lowercase().as_str()))
    {
        return true;
    }
    let stem = last.split('.').next().unwrap_or(last);
    segments.len() == 1
        && !stem.bytes().any(|b| b.is_ascii_digit())
        && stem.matches(['-', '_']).count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_stories() {
        let page = Url::parse("https://example.org/news/").unwrap();
        for (link, section) in [
            ("/", true),
            ("/about/", true),
            ("/cm.html", true),
            ("/category/world/", true),
            ("/tag/space", true),
            ("/2016/03/a-story/", false),
            ("/?p=1486", false),
            ("/a-long-story-slug", false),
            ("/world/story-123", false),
        ] {
            assert_eq!(is_section(&page.join(link).unwrap()), section, "{link}");
        }
    }
}
