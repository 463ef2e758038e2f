//! Items from an existing RSS 0.9x/1.0/2.0, Atom or JSON feed (`source = "feed"`).

use crate::model::RawItem;

/// Reads every entry of a feed document as a raw item.
pub fn feed_items(body: &[u8]) -> Result<Vec<RawItem>, String> {
    let feed = feed_rs::parser::parse(body).map_err(|e| format!("not a readable feed: {e}"))?;
    Ok(feed
        .entries
        .into_iter()
        .map(|entry| {
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"));
            let image = entry
                .media
                .iter()
                .flat_map(|m| {
                    m.thumbnails.iter().map(|t| t.image.uri.clone()).chain(
                        m.content
                            .iter()
                            .filter_map(|c| c.url.as_ref().map(|u| u.to_string())),
                    )
                })
                .next();
            RawItem {
                title: entry.title.map(|t| t.content),
                link: link.map(|l| l.href.clone()),
                date: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
                summary_html: entry.summary.map(|s| s.content),
                content_html: entry.content.and_then(|c| c.body),
                author: entry.authors.first().and_then(|a| a.name.clone()),
                image,
            }
        })
        .collect())
}
