//! Dates of real listing pages (tests/fixtures/real, captured by other projects; see its
//! README), read end to end by `feedwright run` from a local server: Italian day-first and
//! month-first dates with times, Czech numeric dates, Russian and Japanese pages' machine
//! dates, English datelines, day-first slashed dates. The expected values were read off the
//! pages by hand.

mod support;

use support::{Project, Route, Server, fixture};

/// (fixture, path it is served at, items table, language or "", first items' dates as the
/// feed gives them in UTC).
const PAGES: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "autopager-86.html",
        "/category/notizia-del-giorno/",
        "item = \"div.post:has(h3)\", date = \"span.time\"",
        "",
        &[
            "2016-03-10T23:37:00+00:00",
            "2016-03-06T12:30:00+00:00",
            "2016-02-28T23:28:00+00:00",
        ],
    ),
    (
        "autopager-202.html",
        "/horror-news/",
        "item = \"article.item-list\", date = \"p.post-meta span\"",
        "",
        &[
            "2016-04-25T17:47:00+00:00",
            "2016-04-25T16:25:00+00:00",
            "2016-04-25T15:22:00+00:00",
        ],
    ),
    (
        "autopager-100.html",
        "/page/3",
        "item = \"section.post\", date = \"span.date\"",
        "cs",
        &["2016-03-04T00:00:00+00:00", "2016-03-03T00:00:00+00:00"],
    ),
    (
        "autopager-14.html",
        "/category/strategy",
        "",
        "",
        &["2016-02-17T00:00:00+00:00", "2015-12-14T00:00:00+00:00"],
    ),
    (
        "autopager-101.html",
        "/",
        "",
        "",
        &["2014-09-24T07:05:00+00:00"],
    ),
    (
        "autopager-132.html",
        "/live/news.php",
        "",
        "",
        &["2016-03-18T00:00:00+00:00"],
    ),
    (
        "autopager-22.html",
        "/blog",
        "",
        "",
        &["2016-03-09T16:00:08+00:00", "2016-03-09T08:48:00+00:00"],
    ),
    (
        "autopager-98.html",
        "/",
        "",
        "",
        &["2016-02-24T12:00:12+00:00", "2016-02-23T12:00:02+00:00"],
    ),
];

#[test]
fn dates_of_real_pages_in_several_languages() {
    let server = Server::start();
    let mut sections = String::new();
    for (index, (file, path, items, language, _)) in PAGES.iter().enumerate() {
        let route = format!("/p{index}{path}");
        server.route(
            &route,
            Route::ok("text/html", fixture(&format!("real/{file}"))),
        );
        sections.push_str(&format!(
            "  [[site.section]]\n  id = \"p{index}\"\n  url = \"{}\"\n",
            server.url(&route)
        ));
        if !items.is_empty() {
            sections.push_str(&format!("  items = {{ {items} }}\n"));
        }
        if !language.is_empty() {
            sections.push_str(&format!("  language = \"{language}\"\n"));
        }
    }
    let project = Project::new(&format!("[[site]]\nid = \"real\"\n{sections}"));
    let output = project.cmd(&["run", "--json"]).get_output().clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for (index, (file, _, _, _, expected)) in PAGES.iter().enumerate() {
        let section = &report["sections"][index];
        assert_eq!(section["status"], "ok", "{file}: {section}");
        let feed: serde_json::Value =
            serde_json::from_str(&project.text(&format!("real/p{index}.json"))).unwrap();
        let mut dates: Vec<String> = feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                chrono::DateTime::parse_from_rfc3339(i["date_published"].as_str().unwrap())
                    .unwrap()
                    .with_timezone(&chrono::Utc)
                    .to_rfc3339()
            })
            .collect();
        dates.sort();
        dates.reverse();
        for date in *expected {
            assert!(
                dates.iter().any(|d| d == date),
                "{file}: {date} not among {dates:?}"
            );
        }
    }
}
