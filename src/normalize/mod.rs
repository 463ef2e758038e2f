//! Turning raw extracted items into clean ones: URLs, text, HTML and dates.

pub mod dateline;
pub mod dates;
pub mod html;
pub mod text;
pub mod urls;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use crate::model::{Item, RawArticle, RawItem};
use dates::{DateRules, ParsedDate};

/// How to read one page's items.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// URL the page was fetched from: the base for relative links.
    pub base: &'a Url,
    /// How dates are read: order, format, language, and the instant relative dates count
    /// back from.
    pub dates: DateRules<'a>,
}

/// A normalised item whose date is not yet pinned to an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Canonical URL: link and GUID.
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// Sanitised teaser.
    pub summary_html: Option<String>,
    /// Sanitised article body.
    pub content_html: Option<String>,
    /// Author name.
    pub author: Option<String>,
    /// Absolute image URL.
    pub image: Option<String>,
    /// The item's own date, as precise as the page gave it.
    pub date: Option<ParsedDate>,
    /// The date of a dateline that opened the summary (used when `date` is missing).
    pub dateline: Option<ParsedDate>,
    /// Whether `date` came from the item's article page.
    pub article_date: bool,
}

/// Why an extracted item was left out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skip {
    /// The item has no title text.
    #[error("item without a title (link {0})")]
    NoTitle(String),
    /// The item has no http(s) link.
    #[error("item \"{0}\" has no usable link")]
    NoLink(String),
}

/// Cleans one raw item: absolute canonical link, plain-text title and author, sanitised HTML.
pub fn normalize(raw: &RawItem, ctx: &Context) -> Result<Draft, Skip> {
    let title = text::clean_opt(raw.title.as_deref());
    let link = raw
        .link
        .as_deref()
        .and_then(|href| urls::canonical_link(ctx.base, href));
    let (title, link) = match (title, link) {
        (Some(title), Some(link)) => (title, link),
        (None, link) => {
            let shown = link.unwrap_or_else(|| raw.link.clone().unwrap_or_default());
            return Err(Skip::NoTitle(shown));
        }
        (Some(title), None) => return Err(Skip::NoLink(title)),
    };
    let sanitize = |h: &Option<String>| h.as_deref().and_then(|h| html::sanitize(h, ctx.base));
    let mut summary_html = sanitize(&raw.summary_html);
    let mut dateline_date = None;
    if let Some((rest, date)) = summary_html.as_deref().and_then(dateline::split_leading) {
        dateline_date = Some(date);
        summary_html = html::sanitize(&rest, ctx.base);
    }
    Ok(Draft {
        id: link,
        title,
        summary_html,
        content_html: sanitize(&raw.content_html),
        author: text::clean_opt(raw.author.as_deref())
            .map(|a| text::strip_byline(&a))
            .filter(|a| !a.is_empty()),
        image: raw
            .image
            .as_deref()
            .and_then(|src| urls::absolute(ctx.base, src)),
        date: raw
            .date
            .as_deref()
            .and_then(|d| dates::parse_date(d, &ctx.dates)),
        dateline: dateline_date,
        article_date: false,
    })
}

/// Drops a source feed's item dates when they cannot be trusted: three or more items share
/// one timestamp, or a date equals the channel's own build date. Returns how many
/// dates were dropped; those items fall back to their dateline, enrichment or first-seen time.
pub fn drop_untrusted_feed_dates(drafts: &mut [Draft], channel: Option<ParsedDate>) -> usize {
    let shared = |date: &ParsedDate| {
        drafts
            .iter()
            .filter(|d| d.date.as_ref() == Some(date))
            .count()
            >= 3
    };
    let untrusted: Vec<bool> = drafts
        .iter()
        .map(|d| {
            d.date
                .as_ref()
                .is_some_and(|date| shared(date) || Some(*date) == channel)
        })
        .collect();
    for (draft, drop) in drafts.iter_mut().zip(&untrusted) {
        if *drop {
            draft.date = None;
        }
    }
    untrusted.iter().filter(|d| **d).count()
}

/// Fills and corrects a draft from its article page (`[site.article]`): the page's
/// author, image and body win; its date wins when it is more precise than the listing's (a
/// time where the listing has a day) or the listing has none — a listing as precise keeps
/// its own, so the feed's order is the listing's; its teaser fills a missing summary.
pub fn apply_article(draft: &mut Draft, article: &RawArticle, ctx: &Context) {
    let author = text::clean_opt(article.author.as_deref()).map(|a| text::strip_byline(&a));
    if let Some(author) = author.filter(|a| !a.is_empty()) {
        draft.author = Some(author);
    }
    if let Some(image) = article
        .image
        .as_deref()
        .and_then(|src| urls::absolute(ctx.base, src))
    {
        draft.image = Some(image);
    }
    if draft.summary_html.is_none() {
        draft.summary_html = article
            .summary_html
            .as_deref()
            .and_then(|h| html::sanitize(h, ctx.base))
            .map(|h| dateline::split_leading(&h).map_or(h, |(rest, _)| rest));
    }
    if let Some(body) = article
        .content_html
        .as_deref()
        .and_then(|h| html::sanitize_body(h, ctx.base))
    {
        draft.content_html = Some(body);
    }
    let best = article
        .dates
        .iter()
        .filter_map(|(text, source)| {
            dates::parse_date(text, &ctx.dates).map(|d| (d.precision(), *source, d))
        })
        .max_by_key(|(precision, source, _)| (*precision, *source));
    let current = draft
        .date
        .or(draft.dateline)
        .map_or(0, |d| d.precision() + 1);
    if let Some((_, _, date)) = best.filter(|(precision, _, _)| precision + 1 > current) {
        draft.date = Some(date);
        draft.article_date = true;
    }
}

impl Draft {
    /// Where the date the feed carries comes from: `listing`, `article page`, `dateline` or
    /// `first seen` (none was given).
    pub fn date_source(&self) -> &'static str {
        match (&self.date, &self.dateline) {
            (Some(_), _) if self.article_date => "article page",
            (Some(_), _) => "listing",
            (None, Some(_)) => "dateline",
            (None, None) => "first seen",
        }
    }

    /// Pins the date to an instant (see [`ParsedDate::resolve`]; no date at all: the
    /// first-seen instant) and yields the final item.
    pub fn into_item(self, tz: Tz, first_seen: DateTime<Utc>, now: DateTime<Utc>) -> Item {
        let published = self
            .date
            .or(self.dateline)
            .map_or(first_seen.min(now), |d| d.resolve(tz, first_seen, now));
        Item {
            id: self.id,
            title: self.title,
            summary_html: self.summary_html,
            content_html: self.content_html,
            author: self.author,
            image: self.image,
            published,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(base: &Url) -> Context<'_> {
        Context {
            base,
            dates: DateRules::english(),
        }
    }

    #[test]
    fn normalizes_a_full_item() {
        let base = Url::parse("https://example.org/blog/").unwrap();
        let raw = RawItem {
            title: Some("  Doppler correction &amp; tracking \n".into()),
            link: Some("/2024/x/?utm_source=a#c".into()),
            date: Some("2024-09-12T08:15:00Z".into()),
            summary_html: Some("<p>Hi <script>x()</script></p>".into()),
            content_html: None,
            author: Some("by J. Lee".into()),
            image: Some("img/a.jpg".into()),
        };
        let draft = normalize(&raw, &ctx(&base)).unwrap();
        assert_eq!(draft.id, "https://example.org/2024/x/");
        assert_eq!(draft.title, "Doppler correction & tracking");
        assert_eq!(draft.summary_html.as_deref(), Some("<p>Hi </p>"));
        assert_eq!(draft.author.as_deref(), Some("J. Lee"));
        assert_eq!(
            draft.image.as_deref(),
            Some("https://example.org/blog/img/a.jpg")
        );
        assert!(matches!(draft.date, Some(ParsedDate::Zoned(_))));
    }

    #[test]
    fn article_pages_fill_and_correct_drafts() {
        use crate::model::DateSource;
        let base = Url::parse("https://www.spacedaily.com/reports/A_999.html").unwrap();
        let raw = RawItem {
            title: Some("A".into()),
            link: Some("/reports/A_999.html".into()),
            date: Some("Apr 04, 2013".into()),
            image: Some("/images-bg/a-bg.jpg".into()),
            ..RawItem::default()
        };
        let mut draft = normalize(&raw, &ctx(&base)).unwrap();
        let article = RawArticle {
            author: Some("by Dauna Coulter".into()),
            dates: vec![
                ("Huntsville AL (SPX) Apr 04, 2013".into(), DateSource::Text),
                ("2013-04-04T09:30:00-05:00".into(), DateSource::Meta),
            ],
            image: Some("https://www.spxdaily.com/images-hg/a-hg.jpg".into()),
            summary_html: Some("<p>Teaser <script>x</script></p>".into()),
            content_html: Some("<p>Body</p><iframe src=ad></iframe>".into()),
            language: None,
        };
        apply_article(&mut draft, &article, &ctx(&base));
        assert_eq!(draft.author.as_deref(), Some("Dauna Coulter"));
        assert_eq!(
            draft.image.as_deref(),
            Some("https://www.spxdaily.com/images-hg/a-hg.jpg")
        );
        assert_eq!(draft.summary_html.as_deref(), Some("<p>Teaser </p>"));
        assert_eq!(draft.content_html.as_deref(), Some("<p>Body</p>"));
        assert!(
            matches!(draft.date, Some(ParsedDate::Zoned(_))),
            "the more precise date wins"
        );
        assert_eq!(draft.date_source(), "article page");

        // A listing as precise as the article page keeps its own date.
        let precise = RawItem {
            date: Some("2013-04-04T08:00:00Z".into()),
            ..raw.clone()
        };
        let mut draft = normalize(&precise, &ctx(&base)).unwrap();
        let before = draft.date;
        apply_article(&mut draft, &article, &ctx(&base));
        assert_eq!(draft.date, before);
        assert_eq!(draft.date_source(), "listing");
    }

    #[test]
    fn items_without_title_or_usable_link_are_skipped() {
        let base = Url::parse("https://example.org/").unwrap();
        let no_link = RawItem {
            title: Some("T".into()),
            link: Some("javascript:void(0)".into()),
            ..RawItem::default()
        };
        assert_eq!(
            normalize(&no_link, &ctx(&base)),
            Err(Skip::NoLink("T".into()))
        );
        let no_title = RawItem {
            title: Some(" ".into()),
            link: Some("/a".into()),
            ..RawItem::default()
        };
        assert!(matches!(
            normalize(&no_title, &ctx(&base)),
            Err(Skip::NoTitle(_))
        ));
    }
}
