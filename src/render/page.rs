//! `<site>/<section>.html`: a feed as a page people can read, with no script and no XSLT: the
//! section's title, its subscribe links and copyable address, and its items with image, title,
//! summary, full text (folded, when the feed carries it) and a human date (`27 Oct 2024`, with the time only when the item has one, in the
//! site's timezone).

use std::fmt::Write as _;

use chrono::{Datelike, Month, Timelike};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use super::index::STYLE;
use super::{FeedMeta, Format};
use crate::model::Item;

/// Extra rules for items with pictures.
const ITEM_STYLE: &str = "article{padding:1rem 0;border-bottom:1px solid #eee;overflow:hidden}\
article img{float:right;max-width:30%;max-height:9rem;margin:0 0 .5rem 1rem;border-radius:4px}\
h3{margin:0 0 .3rem;font-size:1.1rem}.s{margin:.3rem 0 0}\
.t{margin:.5rem 0 0;clear:both}.t summary{cursor:pointer;color:#555;font-size:.9rem}\
.t img{float:none;max-width:100%;max-height:none;margin:.5rem 0}\
@media (prefers-color-scheme:dark){article{border-color:#333}}";

/// Renders the readable page of a feed whose files are in `formats`.
pub fn feed_page(meta: &FeedMeta, formats: &[Format], items: &[Item]) -> Vec<u8> {
    let meta = meta.xml_safe();
    let title = meta.title();
    let depth = meta.stem.matches('/').count();
    let up = "../".repeat(depth);
    let href = |format: Format| {
        meta.url(format).map_or_else(
            || {
                meta.file(format)
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            },
            String::from,
        )
    };
    // The page's fixed part, then about what an item takes: seldom grown.
    let mut page = String::with_capacity(STYLE.len() + ITEM_STYLE.len() + 1024 + 320 * items.len());
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n",
        t = text(&title)
    );
    for format in formats {
        let _ = writeln!(
            page,
            "<link rel=\"alternate\" type=\"{}\" title=\"{}\" href=\"{}\">",
            format.media_type(),
            attr(&title),
            attr(&href(*format))
        );
    }
    let links: Vec<String> = formats
        .iter()
        .map(|f| format!("<a href=\"{}\">{}</a>", attr(&href(*f)), f.label()))
        .collect();
    let _ = write!(
        page,
        "<style>{STYLE}{ITEM_STYLE}</style>\n</head>\n<body>\n\
         <p class=\"m\"><a href=\"{up}index.html\">All feeds</a></p>\n<h1>{t}</h1>\n\
         <p>From <a href=\"{source}\">{source_text}</a>. Subscribe: {links}</p>\n\
         <input readonly value=\"{copy}\" aria-label=\"Feed address\">\n",
        t = text(&title),
        source = attr(meta.page_url.as_str()),
        source_text = text(meta.page_url.as_str()),
        links = links.join(" · "),
        copy = attr(&href(formats.first().copied().unwrap_or(Format::Rss))),
    );
    if items.is_empty() {
        page.push_str("<p>No items yet.</p>\n");
    }
    for item in items {
        let _ = write!(page, "<article>");
        if let Some(image) = &item.image {
            let _ = write!(
                page,
                "<img src=\"{}\" alt=\"\" loading=\"lazy\">",
                attr(image)
            );
        }
        let _ = write!(
            page,
            "<h3><a href=\"{}\">{}</a></h3><div class=\"m\">",
            attr(&item.id),
            text(&item.title),
        );
        human_date(&mut page, item, &meta);
        if let Some(author) = &item.author {
            let _ = write!(page, " · {}", text(author));
        }
        page.push_str("</div>");
        if let Some(summary) = &item.summary_html {
            let _ = write!(page, "<div class=\"s\">{summary}</div>");
        }
        // The article's full text, folded: the page stays a list to scan.
        if let Some(content) = &item.content_html {
            let _ = write!(
                page,
                "<details class=\"t\"><summary>Full text</summary>{content}</details>"
            );
        }
        page.push_str("</article>\n");
    }
    page.push_str("</body>\n</html>\n");
    page.into_bytes()
}

/// Writes `27 Oct 2024`, or `27 Oct 2024, 14:30` when the item has a time, in the site's
/// timezone.
fn human_date(page: &mut String, item: &Item, meta: &FeedMeta) {
    let local = item.published.with_timezone(&meta.timezone);
    let month = u8::try_from(local.month())
        .ok()
        .and_then(|month| Month::try_from(month).ok())
        .expect("a month is 1 to 12");
    let _ = write!(
        page,
        "{} {} {}",
        local.day(),
        &month.name()[..3],
        local.year()
    );
    if local.hour() != 0 || local.minute() != 0 || local.second() != 0 {
        let _ = write!(page, ", {:02}:{:02}", local.hour(), local.minute());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample;

    #[test]
    fn items_with_human_dates_and_subscribe_links() {
        let (meta, items) = sample();
        let page = String::from_utf8(feed_page(&meta, &Format::ALL, &items)).unwrap();
        assert!(
            page.contains("<h1>Space &amp; &lt;Daily&gt; – Industry</h1>"),
            "{page}"
        );
        assert!(page.contains("href=\"https://feeds.example.org/spacedaily/industry.atom\""));
        assert!(
            page.contains("4 Apr 2013, 10:37"),
            "a time when the item has one"
        );
        assert!(
            page.contains(">3 Apr 2013<"),
            "a day alone for a date-only item: {page}"
        );
        assert!(!page.contains("00:00:00"));
        assert!(!page.contains("<script"));
        assert!(page.contains("Comet &amp; Mars &lt;now&gt;"));
        assert!(page.contains("href=\"../index.html\""));
        assert!(!page.contains("<details"), "no full text, nothing folded");
    }

    #[test]
    fn full_text_is_folded_under_its_item() {
        let (meta, mut items) = sample();
        items[0].content_html =
            Some("<p>The comet&nbsp;passes Mars in October.</p><p>More.</p>".into());
        let page = String::from_utf8(feed_page(&meta, &Format::ALL, &items)).unwrap();
        assert!(
            page.contains("<details class=\"t\"><summary>Full text</summary><p>The comet&nbsp;passes Mars in October.</p><p>More.</p></details>"),
            "{page}"
        );
        assert_eq!(page.matches("<details").count(), 1);
    }
}
