//! `feedwright run` end to end against fixture pages served on 127.0.0.1.

mod support;

use std::fs;
use std::io::Write;

use chrono::{TimeZone, Utc};
use support::{Project, Route, Server, feed_files};

fn smn_config(server: &Server) -> String {
    format!(
        r#"
[[site]]
id = "spacedaily"
title = "Space Daily"
timezone = "UTC"
  [site.items]
  item = "p:has(span.BH)"
  date = "span.BHS"
  image = "img"
  [[site.section]]
  id = "industry"
  title = "Space Industry"
  url = "{}"
"#,
        server.url("/Space_Industry.html")
    )
}

fn smn_server() -> Server {
    let server = Server::start();
    server.route(
        "/Space_Industry.html",
        Route::fixture("spacemedia/index-space-industry.html"),
    );
    server
}

/// The SMN section plus a second one, `other`, on the same page.
fn smn_with_other_section() -> (Server, Project) {
    let server = smn_server();
    server.route(
        "/other",
        Route::fixture("spacemedia/index-space-industry.html"),
    );
    let config = format!(
        "{}\n  [[site.section]]\n  id = \"other\"\n  url = \"{}\"\n",
        smn_config(&server),
        server.url("/other")
    );
    let project = Project::new(&config);
    (server, project)
}

#[test]
fn smn_index_page_becomes_three_valid_feeds() {
    let server = smn_server();
    let project = Project::new(&smn_config(&server));
    project.cmd(&["run"]).success();

    for name in feed_files("spacedaily/industry") {
        let feed = project.parse(&name);
        assert_eq!(feed.entries.len(), 15, "{name}");
        let first = &feed.entries[0];
        assert_eq!(
            first.title.as_ref().unwrap().content,
            "Collision Course? A Comet Heads for Mars"
        );
        assert_eq!(
            first.links[0].href,
            "http://www.spacedaily.com/reports/Collision_Course_A_Comet_Heads_for_Mars_999.html"
        );
        assert_eq!(
            first.published.unwrap(),
            Utc.with_ymd_and_hms(2013, 4, 4, 0, 0, 0).unwrap()
        );
        // windows-1252 bytes declared only in <meta http-equiv>: the curly apostrophe survives.
        let einstein = &feed.entries[1];
        assert_eq!(
            einstein.title.as_ref().unwrap().content,
            "What Is Behind Einstein\u{2019}s Turbulences?"
        );
        // A relative link is resolved against the page's URL.
        assert_eq!(
            einstein.links[0].href,
            server.url("/reports/What_Is_Behind_Einsteins_Turbulences_999.html")
        );
        // Datelines in three wire styles.
        let date_of = |title: &str| {
            feed.entries
                .iter()
                .find(|e| e.title.as_ref().unwrap().content == title)
                .unwrap_or_else(|| panic!("{title} missing from {name}"))
                .published
                .unwrap()
        };
        assert_eq!(
            date_of("Europe readies for solar storm risks"),
            Utc.with_ymd_and_hms(2013, 4, 3, 0, 0, 0).unwrap()
        );
        assert_eq!(
            date_of("LHC upgrade could yield dark matter"),
            Utc.with_ymd_and_hms(2013, 4, 2, 0, 0, 0).unwrap()
        );
        // Newest first.
        let dates: Vec<_> = feed.entries.iter().map(|e| e.published.unwrap()).collect();
        assert!(
            dates.windows(2).all(|w| w[0] >= w[1]),
            "{name} not newest first"
        );
    }
    let rss = project.text("spacedaily/industry.xml");
    assert!(rss.contains(r#"<atom:link href="https://feeds.example.org/spacedaily/industry.xml" rel="self" type="application/rss+xml"/>"#), "{rss}");
    assert!(rss.contains(r#"<guid isPermaLink="true">http://www.spacedaily.com/reports/Collision_Course_A_Comet_Heads_for_Mars_999.html</guid>"#));
    assert!(
        rss.contains("<pubDate>Thu, 4 Apr 2013 00:00:00 +0000</pubDate>"),
        "RFC 822 dates"
    );
    assert!(rss.contains(r#"<enclosure url="http://www.spxdaily.com/images-bg/comet-2013-a1-mars-bg.jpg" length="0" type="image/jpeg"/>"#));
    let atom = project.text("spacedaily/industry.atom");
    assert!(atom.contains(r#"<link href="https://feeds.example.org/spacedaily/industry.atom" rel="self" type="application/atom+xml"/>"#), "{atom}");
    assert!(atom.contains("<id>https://feeds.example.org/spacedaily/industry.atom</id>"));
    assert!(atom.contains("<updated>2013-04-04T00:00:00+00:00</updated>"));
    assert!(
        atom.contains("<author>\n    <name>Space Daily</name>"),
        "feed-level author"
    );
}

#[test]
fn blog_fields_are_extracted_sanitised_and_canonical() {
    let server = Server::start();
    server.route(
        "/blog/",
        Route::ok(
            "text/html; charset=utf-8",
            support::fixture("generic/blog.html"),
        ),
    );
    let project = Project::new(&format!(
        r#"
[[site]]
id = "ground"
title = "Ground Segment Notes"
timezone = "America/Los_Angeles"
  [site.items]
  item = "article.post"
  summary = "div.entry-summary"
  author = "span.author"
  [[site.section]]
  id = "posts"
  url = "{}"
"#,
        server.url("/blog/")
    ));
    project.cmd(&["run"]).success();
    let feed = project.parse("ground/posts.json");
    let titles: Vec<_> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(
        titles,
        [
            "Antenna alignment, step by step",
            "Doppler correction & tracking",
            "First light"
        ]
    );
    let first = &feed.entries[0];
    assert_eq!(first.id, server.url("/2024/09/antenna-alignment/"));
    assert_eq!(
        first.published.unwrap(),
        Utc.with_ymd_and_hms(2024, 9, 30, 21, 0, 0).unwrap()
    );
    assert_eq!(first.authors[0].name.as_deref(), Some("Ana Ruiz"));
    // utm_ parameters are not part of the id.
    assert_eq!(
        feed.entries[2].id,
        "https://example.org/2024/08/first-light/"
    );
    // A date-only value is the start of that day in the site's timezone (PDT, UTC-7).
    assert_eq!(
        feed.entries[2].published.unwrap(),
        Utc.with_ymd_and_hms(2024, 8, 1, 7, 0, 0).unwrap()
    );

    for name in feed_files("ground/posts") {
        let text = project.text(&name);
        for bad in ["<script", "track()", "onclick", "x()"] {
            assert!(!text.contains(bad), "{bad} in {name}");
        }
        assert!(
            text.contains(&server.url("/img/dish.jpg")),
            "absolute image URL in {name}"
        );
    }
    let rss = project.text("ground/posts.xml");
    assert!(rss.contains("<dc:creator>Ana Ruiz</dc:creator>"), "{rss}");
    assert!(rss.contains("xmlns:dc=\"http://purl.org/dc/elements/1.1/\""));
    assert!(
        !rss.contains("<author>"),
        "RSS <author> needs an e-mail address"
    );
    let json: serde_json::Value = serde_json::from_str(&project.text("ground/posts.json")).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(
        json["feed_url"],
        "https://feeds.example.org/ground/posts.json"
    );
    assert!(
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["content_html"].is_string())
    );
}

#[test]
fn undeclared_latin1_page_is_detected_and_day_first_dates_parse() {
    let server = Server::start();
    server.route("/news", Route::fixture("generic/latin1-no-meta.html"));
    let project = Project::new(&format!(
        r#"
[[site]]
id = "nachrichten"
timezone = "Europe/Berlin"
date_order = "dmy"
  [site.items]
  item = "li.n"
  date = "span.d"
  [[site.section]]
  id = "all"
  url = "{}"
"#,
        server.url("/news")
    ));
    project.cmd(&["run"]).success();
    let feed = project.parse("nachrichten/all.atom");
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        "München: Satellit gestartet"
    );
    assert_eq!(
        feed.entries[1].title.as_ref().unwrap().content,
        "Grüße aus dem All – Teil 2"
    );
    assert_eq!(
        feed.entries[0].published.unwrap(),
        Utc.with_ymd_and_hms(2024, 10, 22, 22, 0, 0).unwrap()
    );
}

#[test]
fn gzip_bodies_are_decoded() {
    let server = Server::start();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(&support::fixture("generic/blog.html"))
        .unwrap();
    let gz = encoder.finish().unwrap();
    server.route(
        "/blog",
        Route::ok("text/html; charset=utf-8", gz).header("content-encoding", "gzip"),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"g\"\n[site.items]\nitem = \"article.post\"\n[[site.section]]\nid = \"s\"\nurl = \"{}\"\n",
        server.url("/blog")
    ));
    project.cmd(&["run"]).success();
    assert_eq!(project.parse("g/s.xml").entries.len(), 3);
    assert!(
        server.hits()[0]
            .headers
            .get("accept-encoding")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("gzip")
    );
}

#[test]
fn failing_sections_keep_their_feeds_and_others_are_written() {
    let (server, project) = smn_with_other_section();
    project.cmd(&["run"]).success();
    let before = fs::read(project.feed("spacedaily/other.xml")).unwrap();
    let mtime = fs::metadata(project.feed("spacedaily/other.xml"))
        .unwrap()
        .modified()
        .unwrap();

    // Now the page is gone, then it yields nothing: both fail, files stay untouched.
    for route in [
        Route::status(404),
        Route::ok("text/html", "<html><body><p>Moved</p></body></html>"),
    ] {
        server.route("/other", route);
        let assert = project.cmd(&["run"]).code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains("spacedaily/other: failed:"), "{stderr}");
        assert!(
            stderr.contains(&server.url("/other")),
            "reason names the URL: {stderr}"
        );
        assert_eq!(
            fs::read(project.feed("spacedaily/other.xml")).unwrap(),
            before
        );
        assert_eq!(
            fs::metadata(project.feed("spacedaily/other.xml"))
                .unwrap()
                .modified()
                .unwrap(),
            mtime
        );
        assert!(project.feed("spacedaily/industry.json").exists());
    }
}

#[test]
fn unchanged_output_is_not_rewritten() {
    let server = smn_server();
    let project = Project::new(&smn_config(&server));
    project.cmd(&["run"]).success();
    let files = [
        "spacedaily/industry.xml",
        "spacedaily/industry.atom",
        "spacedaily/industry.json",
        "index.html",
        "feeds.opml",
    ];
    let mtimes: Vec<_> = files
        .iter()
        .map(|f| fs::metadata(project.feed(f)).unwrap().modified().unwrap())
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let out = project.cmd(&["run", "--json"]).success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["sections"][0]["written"], 0);
    let after: Vec<_> = files
        .iter()
        .map(|f| fs::metadata(project.feed(f)).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, after);
}

#[test]
fn json_summary_and_quiet_mode() {
    let server = smn_server();
    let project = Project::new(&smn_config(&server));
    let out = project.cmd(&["run", "--json"]).success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let section = &json["sections"][0];
    assert_eq!(section["section"], "spacedaily/industry");
    assert_eq!(section["status"], "ok");
    assert_eq!(section["found"], 15);
    assert_eq!(section["kept"], 15);
    assert_eq!(section["requests"], 1);

    let quiet = project.cmd(&["run", "--quiet"]).success();
    assert!(quiet.get_output().stdout.is_empty());
    assert!(quiet.get_output().stderr.is_empty());
}

#[test]
fn only_runs_the_named_sections() {
    let (server, project) = smn_with_other_section();
    project
        .cmd(&["run", "--only", "spacedaily/other"])
        .success();
    assert!(project.feed("spacedaily/other.xml").exists());
    assert!(!project.feed("spacedaily/industry.xml").exists());
    assert_eq!(server.hits_of("/Space_Industry.html"), 0);
    project.cmd(&["run", "--only", "nosuch"]).code(2);
}

#[test]
fn include_exclude_and_max_items() {
    let server = smn_server();
    let config = smn_config(&server).replace(
        "  title = \"Space Industry\"\n",
        "  title = \"Space Industry\"\n  include = [\"(?i)mars|nasa\"]\n  exclude = [\"Parachute\"]\n  max_items = 3\n",
    );
    let project = Project::new(&config);
    project.cmd(&["run"]).success();
    let feed = project.parse("spacedaily/industry.xml");
    let titles: Vec<_> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(
        titles,
        [
            "Collision Course? A Comet Heads for Mars",
            "NASA Mission Will Track Earth\u{2019}s Ozone",
            "NASA Team Investigates Complex Chemistry At Titan"
        ]
    );
}

#[test]
fn index_page_and_opml_list_every_feed() {
    let server = smn_server();
    server.route("/blog", Route::fixture("generic/blog.html"));
    let config = format!(
        "{}\n[[site]]\nid = \"ground\"\ntitle = \"Ground <Notes>\"\n[site.items]\nitem = \"article.post\"\n[[site.section]]\nid = \"posts\"\ntitle = \"Posts\"\nurl = \"{}\"\n",
        smn_config(&server),
        server.url("/blog")
    );
    let project = Project::new(&config);
    project.cmd(&["run"]).success();
    let opml = project.text("feeds.opml");
    assert!(
        opml.contains(r#"xmlUrl="https://feeds.example.org/spacedaily/industry.xml""#),
        "{opml}"
    );
    assert!(opml.contains(r#"xmlUrl="https://feeds.example.org/ground/posts.xml""#));
    assert!(opml.contains("Ground &lt;Notes&gt;"), "escaped: {opml}");
    let html = project.text("index.html");
    for needle in [
        "https://feeds.example.org/spacedaily/industry.atom",
        "https://feeds.example.org/ground/posts.json",
        "Space Industry",
        "15 items",
        "Ground &lt;Notes&gt;",
        "feeds.opml",
    ] {
        assert!(html.contains(needle), "{needle} missing from index.html");
    }
    assert!(!html.contains("<script"));
}

#[test]
fn the_index_says_when_each_feed_was_refreshed_and_marks_a_failing_one() {
    let server = smn_server();
    let project = Project::new(&smn_config(&server));
    project.cmd(&["run"]).success();
    let html = project.text("index.html");
    let today = Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        html.contains(&format!("refreshed <time datetime=\"{today}")),
        "{html}"
    );
    assert!(!html.contains("Last run failed"), "{html}");
    // The newest item is from 2013: the index does not pass that off as the feed's freshness.
    assert!(!html.contains("refreshed <time datetime=\"2013"), "{html}");

    server.route("/Space_Industry.html", Route::status(503));
    project.cmd(&["run"]).code(1);
    let failing = project.text("index.html");
    assert!(failing.contains("Last run failed:"), "{failing}");
    assert!(failing.contains("503"), "{failing}");
    assert!(failing.contains("15 items"), "the feed stays: {failing}");
    // No section gained an item this run: the state says when they last did.
    assert!(
        failing.contains(&format!("refreshed <time datetime=\"{today}")),
        "{failing}"
    );

    server.route(
        "/Space_Industry.html",
        Route::fixture("spacemedia/index-space-industry.html"),
    );
    project.cmd(&["run"]).success();
    assert!(!project.text("index.html").contains("Last run failed"));
}

#[test]
fn body_cap_and_foreign_redirects_fail_the_section() {
    let server = Server::start();
    server.route("/big", Route::ok("text/html", vec![b'a'; 4096]));
    server.route(
        "/ftp",
        Route::status(302).header("location", "ftp://example.org/x"),
    );
    server.route(
        "/image",
        Route::ok("image/png", vec![0x89, b'P', b'N', b'G', 0, 0]),
    );
    let project = Project::with_fetch(
        "max_body_kb = 1",
        &format!(
            "[[site]]\nid = \"s\"\n[site.items]\nitem = \"p\"\n[[site.section]]\nid = \"big\"\nurl = \"{}\"\n[[site.section]]\nid = \"ftp\"\nurl = \"{}\"\n[[site.section]]\nid = \"image\"\nurl = \"{}\"\n",
            server.url("/big"),
            server.url("/ftp"),
            server.url("/image")
        ),
    );
    let out = project.cmd(&["run"]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("s/big: failed:") && stderr.contains("larger than 1024 bytes"),
        "{stderr}"
    );
    assert!(
        stderr.contains("s/ftp: failed:") && stderr.contains("ftp://example.org/x"),
        "{stderr}"
    );
    assert!(
        stderr.contains("s/image: failed:") && stderr.contains("image/png"),
        "{stderr}"
    );
}

#[test]
fn hostile_content_still_gives_valid_sanitised_feeds() {
    let long_title = "Long ".repeat(40_000);
    let page = format!(
        r#"<html><body>
<div class="i"><a href="/a?x=1&amp;y=2&amp;utm_campaign=z#frag">Title ]]&gt; &#0;NUL &#xD800;sur &#x202E;bidi &#x1b;esc &#xFFFE;</a>
<p class="s">Sum ]]> <script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">j</a>
<iframe src="//evil.example/"></iframe><style>p{{}}</style><object data="x"></object> &#x0; end</p></div>
<div class="i"><a href="mailto:x@example.org">mail</a></div>
<div class="i"><a href="/b">   </a></div>
<div class="i"><a href="/a?y=2&amp;x=1#other">dup</a></div>
<div class="i"><a href="/a?x=1&amp;y=2">dup</a></div>
<div class="i"><a href="data:text/html,hi">data</a></div>
<div class="i"><a href="/long">{long_title}</a></div>
</body></html>"#
    );
    let server = Server::start();
    server.route("/h", Route::ok("text/html; charset=utf-8", page));
    let project = Project::new(&format!(
        "[[site]]\nid = \"h\"\n[site.items]\nitem = \"div.i\"\nsummary = \"p.s\"\n[[site.section]]\nid = \"s\"\nurl = \"{}\"\n",
        server.url("/h")
    ));
    let out = project.cmd(&["run", "--json"]).success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let warnings = json["sections"][0]["warnings"].as_array().unwrap();
    let text = |w: &serde_json::Value| w.as_str().unwrap().to_string();
    assert!(
        warnings
            .iter()
            .map(text)
            .any(|w| w.contains("\"mail\" has no usable link")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .map(text)
            .any(|w| w.contains("\"data\" has no usable link"))
    );
    assert!(
        warnings
            .iter()
            .map(text)
            .any(|w| w.contains("without a title"))
    );
    assert!(
        warnings
            .iter()
            .map(text)
            .any(|w| w.contains("duplicate link dropped"))
    );
    for name in feed_files("h/s") {
        let feed = project.parse(&name);
        assert_eq!(feed.entries.len(), 3, "{name}");
        let first = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().unwrap().content.starts_with("Title"))
            .unwrap();
        assert_eq!(
            first.title.as_ref().unwrap().content,
            "Title ]]> \u{FFFD}NUL \u{FFFD}sur \u{202E}bidi esc"
        );
        assert_eq!(first.id, server.url("/a?x=1&y=2"));
        let raw = project.text(&name);
        for bad in [
            "<script",
            "alert(",
            "onerror",
            "javascript:",
            "<iframe",
            "<object",
            "<style",
            "evil.example",
        ] {
            assert!(!raw.to_ascii_lowercase().contains(bad), "{bad} in {name}");
        }
        assert!(
            raw.chars()
                .all(|c| !matches!(c, '\u{0}' | '\u{1b}' | '\u{FFFE}'))
        );
    }
}

#[test]
fn a_page_whose_items_have_no_usable_links_fails() {
    let server = Server::start();
    server.route(
        "/l",
        Route::ok("text/html", "<ul><li><a href=\"javascript:go(1)\">One</a></li><li><a href=\"mailto:x@example.org\">Two</a></li></ul>"),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"s\"\n[site.items]\nitem = \"li\"\n[[site.section]]\nid = \"l\"\nurl = \"{}\"\n",
        server.url("/l")
    ));
    let out = project.cmd(&["run"]).code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("s/l: failed:"));
    assert!(!project.feed("s/l.xml").exists(), "never an empty feed");
}

#[test]
fn utf16_pages_with_a_bom_are_read() {
    let mut body = vec![0xFF, 0xFE];
    let html = "<html><body><ul><li><a href=\"/a\">Été chaud à Zürich</a></li></ul></body></html>";
    body.extend(html.encode_utf16().flat_map(u16::to_le_bytes));
    let server = Server::start();
    server.route("/u16", Route::ok("text/html", body));
    let project = Project::new(&format!(
        "[[site]]\nid = \"u\"\n[site.items]\nitem = \"li\"\n[[site.section]]\nid = \"p\"\nurl = \"{}\"\n",
        server.url("/u16")
    ));
    project.cmd(&["run"]).success();
    assert_eq!(
        project.parse("u/p.xml").entries[0]
            .title
            .as_ref()
            .unwrap()
            .content,
        "Été chaud à Zürich"
    );
}

#[test]
fn the_listing_follows_the_config_when_no_feed_changed() {
    let (_server, project) = smn_with_other_section();
    project.cmd(&["run"]).success();
    let index = || fs::read_to_string(project.feed("index.html")).unwrap();
    assert!(index().contains("other.xml"), "{}", index());
    // The section leaves the config; the other one's page is unchanged, so no feed is written,
    // yet the listing drops the section.
    let config = fs::read_to_string(project.config()).unwrap();
    let last = config.rfind("  [[site.section]]").unwrap();
    fs::write(project.config(), &config[..last]).unwrap();
    let out = project.cmd(&["run", "--json"]).success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["sections"][0]["written"], 0);
    assert_eq!(json["sections"][0]["kept"], 15);
    assert!(!index().contains("other.xml"), "{}", index());
    assert!(index().contains("industry.xml"));
    // A listing file removed by hand comes back on the next run, though no feed changed.
    fs::remove_file(project.feed("feeds.opml")).unwrap();
    project.cmd(&["run"]).success();
    assert!(project.feed("feeds.opml").exists());
}
