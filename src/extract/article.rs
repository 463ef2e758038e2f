//! What an article page says about its article: author, date, image, teaser and body, from
//! configured selectors first, else JSON-LD, meta tags, `<time>`, bylines and datelines.

use scraper::ElementRef;

use super::dom::{element_text, inner_html};
use super::fields::{html_field, image_field, page_language, text_field};
use super::{FieldSelector, Rules, jsonld};
use crate::locale;
use crate::model::{DateSource, RawArticle};

/// A wire dateline inside visible text: `(SPX) Apr 04, 2013`.
fn dateline_hint() -> &'static regex::Regex {
    regex!(&format!("(?i){}", locale::agency_date()))
}

/// A byline: "by Name", up to "for …", a comma or a bar; in other languages ("Von Name",
/// "Par Name", "Автор: Name") only a capitalised name of two to four words, since those
/// words also open ordinary sentences.
fn byline() -> &'static regex::Regex {
    regex!(&format!(
        r"^\s*(?:(?i:by)[:\s]+(?P<name>[^,|\n]+?)(?:\s+(?i:for)\s+.*|\s*[,|].*)?|(?i:{})(?:\s*:\s*|\s+)(?P<local>\p{{Lu}}[\p{{L}}.'’-]+(?:\s+[\p{{L}}.'’-]+){{1,3}}))\s*$",
        locale::BYLINE_WORD
    ))
}

/// Longest text taken for a byline or dateline element.
const SHORT: usize = 120;
/// Shortest first paragraph taken as a teaser.
const TEASER_MIN_CHARS: usize = 40;

/// Longest `<time>` text read as a date.
const MAX_TIME_TEXT: usize = 80;

/// Reads an article page with `rules` (configured selectors override the defaults).
pub fn extract_article(html: &str, rules: &Rules) -> RawArticle {
    let document = super::parse_page(html);
    let root = document.root_element();
    let ld = json_ld(root);
    let meta = |keys: &[&str]| {
        root.select(css!("meta[content]")).find_map(|m| {
            let key = m.attr("property").or_else(|| m.attr("name"))?;
            keys.iter()
                .any(|k| k.eq_ignore_ascii_case(key))
                .then(|| m.attr("content").unwrap_or_default().trim().to_string())
                .filter(|v| !v.is_empty())
        })
    };
    let configured =
        |field: &Option<FieldSelector>| field.as_ref().and_then(|f| text_field(root, f));

    let mut dates = Vec::new();
    if let Some(date) = configured(&rules.date) {
        // A configured selector is what the user trusts most.
        dates.push((date, DateSource::JsonLd));
    }
    dates.extend(ld.date.map(|d| (d, DateSource::JsonLd)));
    dates.extend(meta(&["article:published_time", "datePublished"]).map(|d| (d, DateSource::Meta)));
    // A `<time datetime>`, else the text of a `<time>` that has none.
    dates.extend(
        root.select(css!("time[datetime]"))
            .next()
            .and_then(|t| t.attr("datetime"))
            .map(str::to_string)
            .or_else(|| {
                root.select(css!("time"))
                    .map(element_text)
                    .find(|t| !t.is_empty() && t.chars().count() <= MAX_TIME_TEXT)
            })
            .map(|d| (d, DateSource::Time)),
    );
    dates.extend(
        short_texts(root)
            .find(|t| dateline_hint().is_match(t))
            .map(|d| (d, DateSource::Text)),
    );

    let byline = || {
        short_texts(root).find_map(|text| {
            byline()
                .captures(&text)
                .and_then(|c| c.name("name").or_else(|| c.name("local")))
                .map(|name| name.as_str().trim().to_string())
        })
    };
    RawArticle {
        author: configured(&rules.author)
            .or(ld.author)
            .or_else(|| meta(&["author", "article:author"]).filter(|a| !a.starts_with("http")))
            .or_else(byline),
        dates,
        image: match &rules.image {
            Some(field) => image_field(root, field),
            None => meta(&["og:image", "og:image:url", "twitter:image"]).or(ld.image),
        },
        summary_html: match &rules.summary {
            Some(field) => html_field(root, field),
            None => meta(&["og:description", "description", "twitter:description"])
                .map(|d| html_escape::encode_text(&d).into_owned())
                .or(ld
                    .description
                    .map(|d| html_escape::encode_text(&d).into_owned()))
                .or_else(|| first_paragraph(root)),
        },
        content_html: rules
            .content
            .as_ref()
            .and_then(|field| html_field(root, field)),
        language: page_language(root),
    }
}

/// Texts of short elements, in document order.
fn short_texts(root: ElementRef<'_>) -> impl Iterator<Item = String> + '_ {
    root.select(css!(
        "span, p, div, td, li, em, small, address, font, b, i, strong"
    ))
    .map(element_text)
    .filter(|t| !t.is_empty() && t.chars().count() <= SHORT)
}

fn first_paragraph(root: ElementRef) -> Option<String> {
    root.select(css!("p"))
        .find(|p| element_text(*p).chars().count() >= TEASER_MIN_CHARS)
        .map(inner_html)
}

/// The fields JSON-LD gives for the page's article.
#[derive(Default)]
struct LinkedData {
    date: Option<String>,
    author: Option<String>,
    image: Option<String>,
    description: Option<String>,
}

fn json_ld(root: ElementRef) -> LinkedData {
    let mut found = LinkedData::default();
    for object in jsonld::objects(root)
        .iter()
        .filter(|o| jsonld::is_article(o))
    {
        found.date = found.date.or_else(|| jsonld::text(object, "datePublished"));
        found.description = found
            .description
            .or_else(|| jsonld::text(object, "description"));
        found.author = found
            .author
            .or_else(|| object.get("author").and_then(jsonld::name_of));
        found.image = found
            .image
            .or_else(|| object.get("image").and_then(jsonld::url_of));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMN: &str = r#"<html><head><meta property="og:image" content="http://i/hg.jpg" /></head><body>
        <h1>Collision Course?<br></h1><span class="BA">by Dauna Coulter for NASA Science News</span><br>
        <span class="BHS">Huntsville AL (SPX) Apr 04, 2013</span><br><!--body-->
        <p>Over the years, the spacefaring nations of Earth have sent dozens of probes.
        <p>More text<center><iframe src="/ads/in.html"></iframe></center></body></html>"#;

    #[test]
    fn smn_article_page_defaults() {
        let article = extract_article(SMN, &Rules::default());
        assert_eq!(article.author.as_deref(), Some("Dauna Coulter"));
        assert_eq!(
            article.dates,
            vec![(
                "Huntsville AL (SPX) Apr 04, 2013".to_string(),
                DateSource::Text
            )]
        );
        assert_eq!(article.image.as_deref(), Some("http://i/hg.jpg"));
        assert!(article.summary_html.unwrap().starts_with("Over the years"));
        assert_eq!(article.content_html, None);
    }

    #[test]
    fn json_ld_and_meta_tags() {
        let html = r#"<html><head>
            <meta property="article:published_time" content="2024-05-01T10:00:00Z">
            <meta name="author" content="Meta Name"><meta property="og:description" content="Teaser &amp; more">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},
              {"@type":"NewsArticle","datePublished":"2024-05-01T12:00:00+02:00","author":[{"@type":"Person","name":"Ld Name"}],
               "image":{"@type":"ImageObject","url":"https://i/ld.jpg"}}]}</script></head>
            <body><time datetime="2024-05-01">May 1</time><p>By Someone Else</p></body></html>"#;
        let article = extract_article(html, &Rules::default());
        assert_eq!(article.author.as_deref(), Some("Ld Name"));
        assert_eq!(
            article.dates,
            vec![
                ("2024-05-01T12:00:00+02:00".to_string(), DateSource::JsonLd),
                ("2024-05-01T10:00:00Z".to_string(), DateSource::Meta),
                ("2024-05-01".to_string(), DateSource::Time),
            ]
        );
        assert_eq!(article.image.as_deref(), Some("https://i/ld.jpg"));
        assert_eq!(article.summary_html.as_deref(), Some("Teaser &amp; more"));
    }

    #[test]
    fn configured_selectors_win() {
        let rules = Rules {
            author: Some(FieldSelector::parse("span.BA").unwrap()),
            content: Some(FieldSelector::parse("body").unwrap()),
            image: Some(FieldSelector::parse("meta[property='og:image']@content").unwrap()),
            ..Rules::default()
        };
        let article = extract_article(SMN, &rules);
        assert_eq!(
            article.author.as_deref(),
            Some("by Dauna Coulter for NASA Science News")
        );
        assert!(article.content_html.unwrap().contains("spacefaring"));
        assert_eq!(article.image.as_deref(), Some("http://i/hg.jpg"));
    }
}
