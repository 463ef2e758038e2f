//! Space Media Network use: the site feed with build-time dates, and index pages enriched
//! from article pages, against servers on 127.0.0.1.

mod support;

use chrono::{TimeZone, Utc};
use support::{Project, Route, Server, feed_files};

fn title(entry: &feed_rs::model::Entry) -> String {
    entry.title.as_ref().unwrap().content.clone()
}

#[test]
fn the_2013_site_feed_is_dated_from_its_datelines() {
    let server = Server::start();
    server.route(
        "/spacedaily.xml",
        Route::ok(
            "application/rss+xml",
            support::fixture("spacemedia/spacedaily-2013.xml"),
        ),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"spacedaily\"\ntitle = \"SpaceDaily\"\n[[site.section]]\nid = \"news\"\nsource = \"feed\"\nurl = \"{}\"\n",
        server.url("/spacedaily.xml")
    ));
    let out = project.cmd(&["run", "--json"]).success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let warnings = json["sections"][0]["warnings"].to_string();
    assert!(
        warnings.contains("15 feed dates look like build times"),
        "{warnings}"
    );

    let day = |d| Utc.with_ymd_and_hms(2013, 4, d, 0, 0, 0).unwrap();
    for name in feed_files("spacedaily/news") {
        let feed = project.parse(&name);
        assert_eq!(feed.entries.len(), 15);
        let date_of = |t: &str| {
            feed.entries
                .iter()
                .find(|e| title(e) == t)
                .unwrap()
                .published
                .unwrap()
        };
        assert_eq!(
            date_of("Collision Course? A Comet Heads for Mars"),
            day(4),
            "Apr 04, 2013"
        );
        assert_eq!(
            date_of("Europe readies for solar storm risks"),
            day(3),
            "April 03, 2013"
        );
        assert_eq!(
            date_of("LHC upgrade could yield dark matter"),
            day(2),
            "Apr 2, 2013"
        );
        assert_eq!(date_of("Shenzhou's Shadow Crew"), day(3));
        for entry in &feed.entries {
            assert!(
                entry.id.starts_with("http://www."),
                "{name}: GUID from the link: {}",
                entry.id
            );
            let summary = entry
                .summary
                .as_ref()
                .map(|s| s.content.clone())
                .unwrap_or_default();
            assert!(
                !summary.contains("(SPX)") && !summary.contains("(AFP)"),
                "dateline kept out: {summary}"
            );
        }
    }
    let rss = project.text("spacedaily/news.xml");
    assert!(rss.contains("<guid isPermaLink=\"true\">http://www.spacedaily.com/reports/Collision_Course_A_Comet_Heads_for_Mars_999.html</guid>"));
    assert!(rss.contains("There is a smal…"), "cut-off teaser marked");
    assert!(
        !rss.contains("hspace") && rss.contains("width=\"160\""),
        "unquoted attributes parsed, layout ones dropped"
    );
    assert!(rss.contains(
        "<enclosure url=\"http://www.spxdaily.com/images-bg/comet-2013-a1-mars-bg.jpg\""
    ));
}

#[test]
fn trustworthy_feed_dates_are_kept() {
    let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://x/</link>
        <lastBuildDate>Mon, 06 May 2024 12:00:00 GMT</lastBuildDate>
        <item><title>A</title><link>http://x/a</link><pubDate>Sun, 05 May 2024 10:00:00 +0200</pubDate></item>
        <item><title>B</title><link>http://x/b</link><pubDate>Sat, 04 May 2024 09:00:00 GMT</pubDate></item>
        </channel></rss>"#;
    let server = Server::start();
    server.route("/f", Route::ok("application/rss+xml", rss));
    let project = Project::new(&format!(
        "[[site]]\nid = \"x\"\n[[site.section]]\nid = \"f\"\nsource = \"feed\"\nurl = \"{}\"\n",
        server.url("/f")
    ));
    project.cmd(&["run"]).success();
    let feed = project.parse("x/f.atom");
    assert_eq!(
        feed.entries[0].published.unwrap(),
        Utc.with_ymd_and_hms(2024, 5, 5, 8, 0, 0).unwrap()
    );
    assert_eq!(
        feed.entries[1].published.unwrap(),
        Utc.with_ymd_and_hms(2024, 5, 4, 9, 0, 0).unwrap()
    );
}

const ARTICLE_WITH_JSON_LD: &str = r#"<html><head>
<meta property="og:image" content="/images-hg/turbulence-hg.jpg">
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2013-04-04T09:30:00-05:00","author":{"name":"Ana Ruiz"}}</script>
</head><body><h1>What Is Behind Einstein's Turbulences?</h1><p>The American Nobel Prize Laureate for Physics Richard Feynman once described turbulence.</p></body></html>"#;

/// An SMN-like section: index page on the section host, article pages beside it, one story
/// on a foreign host and one that redirects there.
fn enrichment_setup() -> (Server, Server, Project, String) {
    let site = Server::start();
    let foreign = Server::start();
    let foreign_base = format!("http://localhost:{}", foreign.addr.port());
    let bytes = support::fixture("spacemedia/index-space-industry.html");
    let (index, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    let index = index
        .replace(
            "http://www.spacedaily.com",
            &format!("http://127.0.0.1:{}", site.addr.port()),
        )
        .replace("http://www.terradaily.com", &foreign_base)
        .replace(
            "/reports/Astronomers_Anticipate",
            "/moved/Astronomers_Anticipate",
        );
    site.route(
        "/Space_Industry.html",
        Route::ok("text/html; charset=utf-8", index.clone()),
    );
    site.route(
        "/reports/Collision_Course_A_Comet_Heads_for_Mars_999.html",
        Route::fixture("spacemedia/article-collision-course.html"),
    );
    site.route(
        "/reports/What_Is_Behind_Einsteins_Turbulences_999.html",
        Route::ok("text/html", ARTICLE_WITH_JSON_LD),
    );
    site.route(
        "/moved/Astronomers_Anticipate_100_Billion_Earth_Like_Planets_999.html",
        Route::status(301).header("location", &format!("{foreign_base}/evil")),
    );
    foreign.route("/evil", Route::ok("text/html", "<p>by Mallory</p>"));
    let project = Project::new(&format!(
        r#"
[[site]]
id = "spacedaily"
title = "SpaceDaily"
hosts = ["spxdaily.com"]
  [site.items]
  item = "p:has(span.BH)"
  date = "span.BHS"
  image = "img"
  [site.article]
  enabled = true
  [[site.section]]
  id = "industry"
  url = "{}"
"#,
        site.url("/Space_Industry.html")
    ));
    (site, foreign, project, index)
}

#[test]
fn new_items_are_enriched_from_their_article_pages_once() {
    let (site, foreign, project, index) = enrichment_setup();
    let first = project.cmd(&["run", "--json"]).success();
    let first: serde_json::Value = serde_json::from_slice(&first.get_output().stdout).unwrap();
    assert_eq!(first["sections"][0]["status"], "ok");
    assert_eq!(
        first["sections"][0]["kept"], 15,
        "failed enrichment never holds an item back"
    );

    let base = format!("http://127.0.0.1:{}", site.addr.port());
    for name in feed_files("spacedaily/industry") {
        let feed = project.parse(&name);
        let entry = |t: &str| {
            feed.entries
                .iter()
                .find(|e| title(e) == t)
                .unwrap_or_else(|| panic!("{t} in {name}"))
                .clone()
        };
        let comet = entry("Collision Course? A Comet Heads for Mars");
        assert_eq!(
            comet.authors[0].name.as_deref(),
            Some("Dauna Coulter"),
            "{name}: byline"
        );
        assert_eq!(
            comet.published.unwrap(),
            Utc.with_ymd_and_hms(2013, 4, 4, 0, 0, 0).unwrap()
        );
        let einstein = entry("What Is Behind Einstein\u{2019}s Turbulences?");
        assert_eq!(
            einstein.published.unwrap(),
            Utc.with_ymd_and_hms(2013, 4, 4, 14, 30, 0).unwrap(),
            "JSON-LD time wins"
        );
        assert_eq!(einstein.authors[0].name.as_deref(), Some("Ana Ruiz"));
        let text = project.text(&name);
        assert!(
            text.contains("http://www.spxdaily.com/images-hg/comet-2013-a1-mars-hg.jpg"),
            "{name}: og:image"
        );
        assert!(
            text.contains(&format!("{base}/images-hg/turbulence-hg.jpg")),
            "{name}: relative og:image made absolute"
        );
        assert!(
            text.contains("Over the years, the spacefaring nations"),
            "{name}: teaser from the first paragraph"
        );
        assert!(!text.contains("Mallory"));
    }
    assert_eq!(
        site.hits_of("/reports/Collision_Course_A_Comet_Heads_for_Mars_999.html"),
        1
    );
    assert!(
        foreign.hits().is_empty(),
        "no request ever leaves the allowed hosts, redirects included"
    );

    // Next runs: read pages are never fetched again; failed ones are tried three times in all.
    let missing = "/reports/Astrophysicists_to_probe_dark_matter_in_sunny_California_999.html";
    assert_eq!(site.hits_of(missing), 1);
    for round in 0..3 {
        let changed = format!("{index}<!-- {round} -->");
        site.route(
            "/Space_Industry.html",
            Route::ok("text/html; charset=utf-8", changed),
        );
        project.cmd(&["run"]).success();
    }
    assert_eq!(
        site.hits_of("/reports/Collision_Course_A_Comet_Heads_for_Mars_999.html"),
        1
    );
    assert_eq!(
        site.hits_of("/reports/What_Is_Behind_Einsteins_Turbulences_999.html"),
        1
    );
    assert_eq!(site.hits_of(missing), 3);
    assert!(foreign.hits().is_empty());
    // The enriched fields survive later runs of the index page.
    assert!(
        project
            .text("spacedaily/industry.xml")
            .contains("images-hg/comet-2013-a1-mars-hg.jpg")
    );
}

#[test]
fn article_pages_count_as_requests_and_a_warm_run_fetches_none() {
    let (site, _foreign, project, _) = enrichment_setup();
    let first = project.cmd(&["run", "--json"]).success();
    let first: serde_json::Value = serde_json::from_slice(&first.get_output().stdout).unwrap();
    let article_requests = site
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/reports/") || h.path.starts_with("/moved/"))
        .count();
    assert_eq!(
        first["sections"][0]["requests"].as_u64().unwrap() as usize,
        1 + article_requests
    );
    site.clear_hits();
    let second = project.cmd(&["run", "--json"]).success();
    let second: serde_json::Value = serde_json::from_slice(&second.get_output().stdout).unwrap();
    assert_eq!(
        second["sections"][0]["requests"], 1,
        "unchanged index: no article page fetched again"
    );
    assert_eq!(site.hits().len(), 1);
    println!(
        "cold run: {} requests ({article_requests} article pages); warm run: 1",
        first["sections"][0]["requests"]
    );
}

#[test]
fn article_pages_that_robots_txt_disallows_are_not_fetched() {
    let (site, _foreign, project, _) = enrichment_setup();
    site.route(
        "/robots.txt",
        Route::ok("text/plain", "User-agent: *\nDisallow: /reports/\n"),
    );
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace("robots_txt = false", "robots_txt = true");
    std::fs::write(project.config(), config).unwrap();
    project.cmd(&["run"]).success();
    assert!(
        site.hits().iter().all(|h| !h.path.starts_with("/reports/")),
        "{:?}",
        site.hits()
    );
    assert_eq!(project.parse("spacedaily/industry.xml").entries.len(), 15);
}
