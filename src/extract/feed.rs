//! Items from an existing RSS 0.9x/1.0/2.0, Atom or JSON feed (`source = "feed"`).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use scraper::Html;

use crate::model::RawItem;

/// A feed's items and the date the feed claims for itself (`lastBuildDate`, `updated`).
#[derive(Debug, Clone, Default)]
pub struct FeedPage {
    /// Entries in document order.
    pub items: Vec<RawItem>,
    /// The channel's own date text, as written.
    pub channel_date: Option<String>,
}

/// Seconds offset at which the tokens for recorded timestamps start (see [`parse`]).
const TOKEN_BASE: i64 = 1_000_000_000;

/// Reads every entry of a feed document as a raw item, dates kept as the text the feed has.
pub fn parse(body: &[u8]) -> Result<FeedPage, String> {
    // The parser turns date text into instants, and would drop what it cannot read
    // (`04 APR 2013 20:37:27 AEST`). Record each text instead and hand back a token instant
    // that points at it, so normalisation sees the original text.
    let texts: Arc<Mutex<Vec<String>>> = Arc::default();
    let recorder = texts.clone();
    let parser = feed_rs::parser::Builder::new()
        .timestamp_parser(move |text| {
            let mut seen = recorder.lock().expect("date recorder");
            seen.push(text.to_string());
            DateTime::from_timestamp(TOKEN_BASE + seen.len() as i64 - 1, 0)
        })
        .build();
    let feed = parser
        .parse(body)
        .map_err(|e| format!("not a readable feed: {e}"))?;
    let texts = texts.lock().expect("date recorder").clone();
    let text_of = |token: Option<DateTime<Utc>>| {
        let index = usize::try_from(token?.timestamp() - TOKEN_BASE).ok()?;
        texts.get(index).cloned()
    };
    let items = feed
        .entries
        .into_iter()
        .map(|entry| {
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"));
            let summary = entry.summary.map(|s| s.content);
            let content = entry.content.and_then(|c| c.body);
            let media = entry.media.iter().flat_map(|m| {
                let thumbnails = m.thumbnails.iter().map(|t| t.image.uri.clone());
                thumbnails.chain(
                    m.content
                        .iter()
                        .filter_map(|c| c.url.as_ref().map(ToString::to_string)),
                )
            });
            let image = media
                .chain(
                    summary
                        .iter()
                        .chain(content.iter())
                        .filter_map(|html| first_image(html)),
                )
                .next();
            RawItem {
                title: entry.title.map(|t| t.content),
                link: link.map(|l| l.href.clone()),
                date: text_of(entry.published).or_else(|| text_of(entry.updated)),
                summary_html: summary,
                content_html: content,
                author: entry.authors.first().and_then(|a| a.name.clone()),
                image,
            }
        })
        .collect();
    Ok(FeedPage {
        items,
        channel_date: text_of(feed.updated).or_else(|| text_of(feed.published)),
    })
}

/// The `src` of the first image in an HTML fragment.
fn first_image(html: &str) -> Option<String> {
    let fragment = Html::parse_fragment(html);
    fragment
        .select(css!("img[src]"))
        .next()?
        .attr("src")
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_date_text_the_parser_cannot_read() {
        let rss = br#"<rss version="2.0"><channel><title>T</title><link>http://x/</link>
            <lastBuildDate>Thu, 04 APR 2013 20:37:27 AEST</lastBuildDate>
            <item><title>A</title><link>http://x/a</link><pubDate>Thu, 04 APR 2013 20:37:27 AEST</pubDate>
            <description><![CDATA[Text <img src=http://x/i.jpg hspace=5>]]></description></item>
            <item><title>B</title><link>http://x/b</link><pubDate>Wed, 03 Apr 2013 10:00:00 GMT</pubDate></item>
            </channel></rss>"#;
        let page = parse(rss).unwrap();
        assert_eq!(
            page.channel_date.as_deref(),
            Some("Thu, 04 APR 2013 20:37:27 AEST")
        );
        assert_eq!(
            page.items[0].date.as_deref(),
            Some("Thu, 04 APR 2013 20:37:27 AEST")
        );
        assert_eq!(
            page.items[1].date.as_deref(),
            Some("Wed, 03 Apr 2013 10:00:00 GMT")
        );
        assert_eq!(page.items[0].image.as_deref(), Some("http://x/i.jpg"));
        assert_eq!(page.items[1].image, None);
    }

    #[test]
    fn reads_atom_and_json_feed() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>u</id><updated>2024-01-02T00:00:00Z</updated>
            <entry><title>E</title><id>i</id><link href="http://x/e"/><updated>2024-01-01T10:00:00+02:00</updated></entry></feed>"#;
        let page = parse(atom).unwrap();
        assert_eq!(
            page.items[0].date.as_deref(),
            Some("2024-01-01T10:00:00+02:00")
        );
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","url":"http://x/j","title":"J","content_html":"<p>x</p>","date_published":"2024-02-03T04:05:06Z"}]}"#;
        let page = parse(json).unwrap();
        assert_eq!(page.items[0].link.as_deref(), Some("http://x/j"));
        assert_eq!(page.items[0].date.as_deref(), Some("2024-02-03T04:05:06Z"));
        assert!(parse(b"<html>no feed</html>").is_err());
    }
}
