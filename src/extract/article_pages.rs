//! The next page of an article split over pages: a `rel=next` link or a numbered link that
//! leads to the same article with a page number (`?page=2`, `/2/`, `/page/2`, `-2.html`).
//! Links to other articles (a blog's "next post", which also says `rel=next`) are not pages.

use scraper::Html;
use url::Url;

/// Query parameters that number an article's pages.
const PAGE_PARAMETERS: [&str; 7] = ["page", "p", "pg", "paged", "seite", "pagina", "pag"];
/// Highest page number taken as one.
const MAX_PAGE_NUMBER: u32 = 999;

/// The page after `current` of the article that begins at `first`, found on `document`.
pub fn next_page(document: &Html, first: &Url, current: &Url) -> Option<Url> {
    let now = page_number(first, current).unwrap_or(1);
    document
        .root_element()
        .select(css!("link[rel~=next][href], a[href]"))
        .filter_map(|el| current.join(el.value().attr("href")?.trim()).ok())
        .filter_map(|url| Some((page_number(first, &url)?, url)))
        .filter(|(n, _)| *n > now)
        .min_by_key(|(n, _)| *n)
        .map(|(_, url)| url)
}

/// The page number `url` gives the article that begins at `first`, when it is a page of it.
fn page_number(first: &Url, url: &Url) -> Option<u32> {
    if url.host_str() != first.host_str() || url.scheme() != first.scheme() {
        return None;
    }
    let number = |text: &str| {
        text.parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_NUMBER).contains(n))
    };
    if url.path() == first.path() {
        return url
            .query_pairs()
            .find(|(key, _)| PAGE_PARAMETERS.contains(&key.to_ascii_lowercase().as_str()))
            .and_then(|(_, value)| number(&value));
    }
    let path = first.path().trim_end_matches('/');
    let stem = path
        .rsplit_once('.')
        .filter(|(_, extension)| !extension.contains('/'))
        .map_or(path, |(stem, _)| stem);
    let rest = url.path().strip_prefix(stem)?;
    let rest = rest.trim_end_matches('/');
    let rest = rest
        .strip_suffix(".html")
        .or_else(|| rest.strip_suffix(".htm"))
        .unwrap_or(rest);
    let rest = rest.strip_prefix("/page").unwrap_or(rest);
    number(rest.strip_prefix(['/', '-', '_'])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn pages_of_the_same_article_and_nothing_else() {
        let first = url("https://e.org/news/harbour-reopens");
        for (link, page) in [
            ("https://e.org/news/harbour-reopens?page=2", Some(2)),
            ("https://e.org/news/harbour-reopens/2", Some(2)),
            ("https://e.org/news/harbour-reopens/page/3/", Some(3)),
            ("https://e.org/news/harbour-reopens-2", Some(2)),
            ("https://e.org/news/ferries-return", None),
            ("https://e.org/news/harbour-reopens?utm=2", None),
            ("https://other.org/news/harbour-reopens/2", None),
        ] {
            assert_eq!(page_number(&first, &url(link)), page, "{link}");
        }
        let html = url("https://e.org/a/story.html");
        assert_eq!(
            page_number(&html, &url("https://e.org/a/story-2.html")),
            Some(2)
        );
    }

    #[test]
    fn the_next_page_is_the_lowest_number_above_this_one() {
        let first = url("https://e.org/news/harbour");
        let page = Html::parse_document(
            r#"<link rel="next" href="/news/ferries"><a rel="next" href="/news/ferries">Next post</a>
            <a href="/news/harbour?page=1">1</a><a href="/news/harbour?page=3">3</a>
            <a href="/news/harbour?page=2">2</a>"#,
        );
        assert_eq!(
            next_page(&page, &first, &first),
            Some(url("https://e.org/news/harbour?page=2"))
        );
        let second = url("https://e.org/news/harbour?page=2");
        assert_eq!(
            next_page(&page, &first, &second),
            Some(url("https://e.org/news/harbour?page=3"))
        );
        let third = url("https://e.org/news/harbour?page=3");
        assert_eq!(next_page(&page, &first, &third), None);
    }
}
