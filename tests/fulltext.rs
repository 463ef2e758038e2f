//! Full text without selectors (`[site.article] content = "auto"`): the 240 labelled article
//! pages of `tests/fixtures/fulltext/` served as a listing's articles and read through `run`,
//! scored as the fixtures' README says (a floor that a regression would break); lazy images,
//! a paywall, a JSON-LD `articleBody`, a selector that wins over `auto`, a teaser-only feed
//! made full-text, and `max_articles`.

mod support;

use std::io::Read;

use support::{Project, Route, Server};

/// F1 of the final engine over the corpus, through the whole pipeline, may not fall below.
const F1_FLOOR: f64 = 0.915;

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of an HTML fragment as a reader shows it, read as feedwright reads visible text:
/// block elements set apart, inline ones (links, emphasis) running on with the words around
/// them, references decoded.
fn text_of(html: &str) -> String {
    feedwright::extract::element_text(scraper::Html::parse_fragment(html).root_element())
}

#[test]
fn the_labelled_corpus_through_run() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fulltext");
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(format!("{folder}/expected.json")).unwrap())
            .unwrap();
    let server = Server::start();
    let mut list = String::from("<html><body><ul>");
    for file in expected.keys() {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(
            std::fs::File::open(format!("{folder}/pages/{file}")).unwrap(),
        )
        .read_to_end(&mut bytes)
        .unwrap();
        let name = file.trim_end_matches(".gz");
        server.route(&format!("/articles/{name}"), Route::ok("text/html", bytes));
        list.push_str(&format!(
            "<li><a href=\"/articles/{name}\">The article of page {name}</a></li>"
        ));
    }
    list.push_str("</ul></body></html>");
    server.route("/list", Route::ok("text/html", list));
    let project = Project::new(&format!(
        "[[site]]\nid = \"c\"\n  [site.items]\n  item = \"li\"\n  [site.article]\n  content = \"auto\"\n  max_articles = 300\n  [[site.section]]\n  id = \"all\"\n  url = \"{}\"\n  max_items = 300\n",
        server.url("/list")
    ));
    project.cmd(&["run"]).success();
    let feed = project.parse("c/all.xml");
    let (mut tp, mut fn_, mut fp, mut tn) = (0, 0, 0, 0);
    for (file, labels) in &expected {
        let name = file.trim_end_matches(".gz");
        let text = feed
            .entries
            .iter()
            .find(|e| e.id.ends_with(&format!("/articles/{name}")))
            .and_then(|e| e.content.as_ref()?.body.as_deref().map(text_of))
            .unwrap_or_default();
        for snippet in labels["with"].as_array().into_iter().flatten() {
            if text.contains(&collapse(snippet.as_str().unwrap())) {
                tp += 1;
            } else {
                fn_ += 1;
            }
        }
        for snippet in labels["without"].as_array().into_iter().flatten() {
            if text.contains(&collapse(snippet.as_str().unwrap())) {
                fp += 1;
            } else {
                tn += 1;
            }
        }
    }
    let precision = f64::from(tp) / f64::from(tp + fp);
    let recall = f64::from(tp) / f64::from(tp + fn_);
    let f1 = 2.0 * precision * recall / (precision + recall);
    println!(
        "full text through run: precision {precision:.3} recall {recall:.3} F1 {f1:.3} (tp {tp} fn {fn_} fp {fp} tn {tn})"
    );
    assert!(f1 >= F1_FLOOR, "F1 {f1:.3} below {F1_FLOOR}");
}

/// A long article with its images written lazily, in four ways.
const LAZY: &str = r#"<html><head><title>Lazy</title></head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>The harbour reopens after the storm</h1>
<p>The harbour reopened on Monday after a week of repairs to the breakwater, the port authority said in a statement that also thanked the crews who worked through the nights.</p>
<figure><img data-src="/img/harbour.jpg" src="data:image/gif;base64,R0lGODlh"><figcaption>The breakwater on Monday.</figcaption></figure>
<p>Fishing boats were the first to leave, followed by the ferry to the islands, which had been cancelled since the storm reached the coast last Sunday evening.</p>
<img data-lazy-src="/img/ferry.jpg">
<p>Repairs cost more than expected, and the council will discuss how to pay for them at its next meeting, where the harbour master will also present plans for a higher wall.</p>
<img src="/img/blank.gif" data-original="/img/crane.jpg">
<noscript><img src="/img/crew.jpg"></noscript>
<img src="/pixel.gif" width="1" height="1">
<p>Until then, ships are asked to keep to the northern channel, which the storm left deeper than before, the authority said.</p>
</article><footer>Share this story · Newsletter · Cookies</footer></body></html>"#;

const PAYWALL: &str = r#"<html><body><article><h1>Inside the budget talks</h1><p>Subscribe to read the full story.</p></article></body></html>"#;

const JSONLD: &str = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"The vote","articleBody":"The council voted on Tuesday to keep the library open on Sundays, after a petition signed by more than four thousand residents asked it to reverse the cuts announced in spring.\nThe decision costs the city about eighty thousand a year, which the council will take from the events budget, its treasurer said after the meeting.\nLibrarians welcomed the vote and said the Sunday opening hours would start again next month, with a reading hour for children every week."}</script></head><body><div class="teaser"><p>The council voted on Tuesday.</p><a href="/subscribe">Subscribe</a></div></body></html>"#;

const CHOSEN: &str = r#"<html><body><div class="body"><p>Only this paragraph, chosen by the site's own selector, is the content of this item and nothing else on the page.</p></div><article><p>A long article text that automatic extraction would rather pick, written at length so that it is the most prominent block of text on this page by far, with many words in it, sentence after sentence, to be sure that it would win if the selector did not.</p></article></body></html>"#;

fn articles(server: &Server) {
    server.route("/a/lazy", Route::ok("text/html", LAZY));
    server.route("/a/paywall", Route::ok("text/html", PAYWALL));
    server.route("/a/jsonld", Route::ok("text/html", JSONLD));
    server.route("/a/chosen", Route::ok("text/html", CHOSEN));
    server.route(
        "/list",
        Route::ok(
            "text/html",
            "<html><body><ul><li><a href=\"/a/lazy\">The harbour reopens after the storm</a></li><li><a href=\"/a/paywall\">Inside the budget talks today</a></li><li><a href=\"/a/jsonld\">The council votes on the library</a></li></ul></body></html>",
        ),
    );
}

fn content(project: &Project, stem: &str, id_end: &str) -> Option<String> {
    let feed = project.parse(&format!("{stem}.xml"));
    feed.entries
        .iter()
        .find(|e| e.id.ends_with(id_end))
        .and_then(|e| e.content.as_ref()?.body.clone())
}

#[test]
fn lazy_images_paywalls_json_ld_and_a_selector_that_wins() {
    let server = Server::start();
    articles(&server);
    server.route(
        "/chosen-list",
        Route::ok(
            "text/html",
            "<html><body><ul><li><a href=\"/a/chosen\">The chosen one of the day</a></li><li><a href=\"/a/lazy\">The harbour reopens after the storm</a></li></ul></body></html>",
        ),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"auto\"\n  [site.items]\n  item = \"li\"\n  [site.article]\n  content = \"auto\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n[[site]]\nid = \"sel\"\n  [site.items]\n  item = \"li\"\n  [site.article]\n  content = \"div.body\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n",
        server.url("/list"),
        server.url("/chosen-list")
    ));
    let report = project.run_json(0);
    let lazy = content(&project, "auto/news", "/a/lazy").expect("the article's text");
    for src in ["harbour.jpg", "ferry.jpg", "crane.jpg", "crew.jpg"] {
        let absolute = format!("src=\"{}", server.url(&format!("/img/{src}")));
        assert!(lazy.contains(&absolute), "{src} lost: {lazy}");
    }
    assert!(
        !lazy.contains("pixel.gif") && !lazy.contains("data:image"),
        "{lazy}"
    );
    assert!(
        lazy.contains("<figcaption>") && lazy.contains("northern channel"),
        "{lazy}"
    );
    assert!(!lazy.contains("Newsletter"), "{lazy}");
    // A paywall keeps its teaser and says so.
    assert_eq!(content(&project, "auto/news", "/a/paywall"), None);
    let warnings = report["sections"][0]["warnings"].to_string();
    assert!(
        warnings.contains("1 article page gave under 250 characters"),
        "{warnings}"
    );
    // The JSON-LD article body beats the page's short teaser.
    let jsonld = content(&project, "auto/news", "/a/jsonld").unwrap();
    assert!(jsonld.contains("Librarians welcomed the vote"), "{jsonld}");
    // A content selector wins over automatic extraction.
    let chosen = content(&project, "sel/news", "/a/chosen").unwrap();
    assert!(chosen.contains("Only this paragraph"), "{chosen}");
    assert!(!chosen.contains("sentence after sentence"), "{chosen}");
    // Text coverage joins the run log and `status`.
    assert_eq!(report["sections"][0]["coverage"]["content"], 2, "{report}");
    let status = project.status_json();
    assert_eq!(status[0]["coverage"]["content"], 2, "{status}");
    // `check` shows per item whether text was found, and its words.
    let output = project
        .cmd(&["check", "auto"])
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("   article text: none found (teaser kept)"),
        "{table}"
    );
    let words: Vec<usize> = table
        .lines()
        .filter_map(|l| {
            l.strip_prefix("   article text: ")?
                .strip_suffix(" words")?
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(words.len(), 2, "{table}");
    assert!(words.iter().all(|w| *w > 60), "{table}");
    // Each article page is read once: a second run reads none.
    server.clear_hits();
    project.cmd(&["run"]).success();
    assert_eq!(server.hits_of("/a/lazy"), 0);
}

#[test]
fn a_teaser_only_feed_becomes_a_full_text_feed() {
    let server = Server::start();
    articles(&server);
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Port</title><link>{}</link><description>d</description><item><title>The harbour reopens after the storm</title><link>{}</link><description>The harbour reopened on Monday.</description><pubDate>Mon, 21 Oct 2024 08:00:00 GMT</pubDate></item></channel></rss>",
        server.url("/"),
        server.url("/a/lazy")
    );
    server.route("/feed.xml", Route::ok("application/rss+xml", rss));
    let project = Project::new(&format!(
        "[[site]]\nid = \"f\"\n  [site.article]\n  content = \"auto\"\n  [[site.section]]\n  id = \"port\"\n  url = \"{}\"\n  source = \"feed\"\n",
        server.url("/feed.xml")
    ));
    project.cmd(&["run"]).success();
    let body = content(&project, "f/port", "/a/lazy").unwrap();
    assert!(body.contains("northern channel"), "{body}");
    let feed = project.parse("f/port.xml");
    let summary = feed.entries[0].summary.as_ref().unwrap().content.clone();
    assert!(
        summary.contains("reopened on Monday"),
        "the teaser stays the summary: {summary}"
    );
}

#[test]
fn max_articles_reads_the_newest_first_and_the_rest_later() {
    let server = Server::start();
    let mut list = String::from("<html><body><ul>");
    for n in 0..5 {
        server.route(&format!("/a/{n}"), Route::ok("text/html", LAZY));
        list.push_str(&format!(
            "<li><a href=\"/a/{n}\">Story number {n} of the harbour</a></li>"
        ));
    }
    list.push_str("</ul></body></html>");
    server.route("/list", Route::ok("text/html", list));
    let project = Project::new(&format!(
        "[[site]]\nid = \"m\"\n  [site.items]\n  item = \"li\"\n  [site.article]\n  content = \"auto\"\n  max_articles = 2\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n",
        server.url("/list")
    ));
    let report = project.run_json(0);
    let read: Vec<usize> = (0..5)
        .filter(|n| server.hits_of(&format!("/a/{n}")) == 1)
        .collect();
    assert_eq!(read, [0, 1], "the first two of the page");
    let warnings = report["sections"][0]["warnings"].to_string();
    assert!(
        warnings.contains("3 article pages left for later runs"),
        "{warnings}"
    );
    server.route(
        "/list",
        Route::ok("text/html", {
            let mut changed = String::from("<html><body><ul>");
            for n in 0..5 {
                changed.push_str(&format!(
                    "<li><a href=\"/a/{n}\">Story number {n} of the harbour!</a></li>"
                ));
            }
            changed + "</ul></body></html>"
        }),
    );
    project.cmd(&["run"]).success();
    let read: Vec<usize> = (0..5)
        .filter(|n| server.hits_of(&format!("/a/{n}")) == 1)
        .collect();
    assert_eq!(read, [0, 1, 2, 3], "two more on the next run");
}

#[test]
fn suggest_article_shows_what_automatic_extraction_finds() {
    let server = Server::start();
    articles(&server);
    server.route("/robots.txt", Route::status(404));
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["suggest", "--article", &server.url("/a/lazy")])
        .assert()
        .success()
        .get_output()
        .clone();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("title:   Lazy"), "{out}");
    assert!(out.contains("from readability, in article"), "{out}");
    assert!(
        out.contains("begins:  The harbour reopened on Monday"),
        "{out}"
    );
    let words: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("text:    ")?.split(' ').next()?.parse().ok())
        .unwrap();
    assert!(words > 80, "{out}");
    // A paywalled page: nothing found, exit 1.
    assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["suggest", "--article", &server.url("/a/missing")])
        .assert()
        .code(1);
}

/// `suggest --article` prints the text as a reader sees it (entities decoded) and reads the
/// page's date as listings' dates are read, here a Spanish date with a day period, on a page
/// that names no language.
#[test]
fn suggest_article_decodes_text_and_reads_the_date_as_listings_do() {
    let server = Server::start();
    server.route("/robots.txt", Route::status(404));
    let paragraph = "El puerto volvió&nbsp;a abrir el lunes, y los barcos salieron al amanecer con \
                     la marea alta, mientras la ciudad miraba desde el muelle.";
    let body: String = (0..6).map(|_| format!("<p>{paragraph}</p>")).collect();
    server.route(
        "/a/es",
        Route::ok(
            "text/html; charset=utf-8",
            format!(
                "<html><head><title>El puerto</title></head><body><article><h1>El puerto</h1><time>26, Abril, 2022 7:43 p.m.</time>{body}</article></body></html>"
            ),
        ),
    );
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["suggest", "--article", &server.url("/a/es")])
        .assert()
        .success()
        .get_output()
        .clone();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("El puerto volvió a abrir el lunes"), "{out}");
    assert!(!out.contains("&nbsp;"), "{out}");
    assert!(
        out.contains(
            "date:    2022-04-26T19:43:00Z (from a <time> element: \"26, Abril, 2022 7:43 p.m.\")"
        ),
        "{out}"
    );
}

/// An article split over three pages is read page after page and joined in order, each page
/// once, though the last page points back at the second; a blog's "next post" (which also
/// says `rel=next`) is another article and never fetched; `pages = 2` stops at two.
#[test]
fn an_article_over_three_pages_is_joined_in_order() {
    let server = Server::start();
    let page = |n: u32, links: &str| {
        format!(
            "<html><body><link rel=\"next\" href=\"/a/other-story\"><div class=\"body\"><p>Part {n} of the long story.</p></div><nav>{links}</nav></body></html>"
        )
    };
    server.route(
        "/a/long",
        Route::ok("text/html", page(1, "<a href=\"/a/long?page=2\">2</a> <a href=\"/a/long?page=3\">3</a> <a rel=\"next\" href=\"/a/other-story\">Next post</a>")),
    );
    server.route(
        "/a/long?page=2",
        Route::ok(
            "text/html",
            page(
                2,
                "<a href=\"/a/long\">1</a> <a href=\"/a/long?page=3\">3</a>",
            ),
        ),
    );
    server.route(
        "/a/long?page=3",
        Route::ok(
            "text/html",
            page(
                3,
                "<a href=\"/a/long?page=2\">2</a> <a href=\"/a/long\">1</a>",
            ),
        ),
    );
    server.route("/a/other-story", Route::ok("text/html", page(9, "")));
    server.route(
        "/list",
        Route::ok(
            "text/html",
            "<html><body><ul><li><a href=\"/a/long\">The long story of the harbour</a></li></ul></body></html>",
        ),
    );
    let config = |pages: &str| {
        format!(
            "[[site]]\nid = \"n\"\n  [site.article]\n  content = \"div.body\"\n{pages}  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  items = {{ item = \"li\" }}\n",
            server.url("/list")
        )
    };
    let project = Project::new(&config(""));
    project.cmd(&["run"]).success();
    let body = content(&project, "n/list", "/a/long").unwrap();
    let parts: Vec<usize> = ["Part 1", "Part 2", "Part 3"]
        .iter()
        .map(|p| {
            body.find(p)
                .unwrap_or_else(|| panic!("{p} missing: {body}"))
        })
        .collect();
    assert!(parts.windows(2).all(|w| w[0] < w[1]), "{body}");
    assert!(!body.contains("Part 9"), "{body}");
    for path in ["/a/long", "/a/long?page=2", "/a/long?page=3"] {
        assert_eq!(server.hits_of(path), 1, "{path}");
    }
    assert_eq!(server.hits_of("/a/other-story"), 0);

    let two = Project::new(&config("  pages = 2\n"));
    two.cmd(&["run"]).success();
    let body = content(&two, "n/list", "/a/long").unwrap();
    assert!(
        body.contains("Part 2") && !body.contains("Part 3"),
        "{body}"
    );
}

/// An article page of a site's template: the story in `div.<body>`, a box the engine lets
/// through beside it.
fn templated(n: u32, body: &str) -> String {
    let paragraph = format!(
        "Story {n} tells how the harbour works through the season, with the boats, the nets \
         and the people who mend them, and what the town makes of it all."
    );
    let paragraphs: String = (0..5).map(|_| format!("<p>{paragraph}</p>")).collect();
    format!(
        "<html><body><header><a href=\"/\">Home</a></header><article><h1>Story {n}</h1>\
         <div class=\"{body}\">{paragraphs}</div>\
         <div class=\"extra\"><p>Listen to our weekly harbour podcast, in which two of our \
         reporters talk at length about the boats, the tides and the town every Friday.</p></div>\
         </article></body></html>"
    )
}

/// A site's article template is learned from its first three articles, read in place of the
/// engine from then on (the box beside the story is gone), forgotten when the site's layout
/// changes, and learned again.
#[test]
fn a_sites_article_template_is_learned_used_and_relearned() {
    let server = Server::start();
    let listing = |last: u32| {
        let items: String = (1..=last)
            .rev()
            .map(|n| format!("<li><a href=\"/a/{n}\">Story number {n} of the harbour</a></li>"))
            .collect();
        format!("<html><body><ul>{items}</ul></body></html>")
    };
    for n in 1..=12 {
        let body = if n <= 6 { "story-body" } else { "article-text" };
        server.route(
            &format!("/a/{n}"),
            Route::ok("text/html", templated(n, body)),
        );
    }
    let project = Project::new(&format!(
        "[[site]]\nid = \"n\"\n  [site.article]\n  content = \"auto\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  items = {{ item = \"li\" }}\n",
        server.url("/list")
    ));
    let run = |last: u32| {
        server.route("/list", Route::ok("text/html", listing(last)));
        project.run_json(0)["sections"][0]["warnings"].to_string()
    };
    let first = run(3);
    assert!(
        first.contains("learned the site's article template: div.story-body"),
        "{first}"
    );
    let status = project.status_json();
    assert_eq!(status[0]["template"], "div.story-body", "{status}");
    assert_eq!(
        project.check_json()["sections"][0]["template"],
        "div.story-body"
    );
    let healed = project.cmd(&["heal"]).success().get_output().clone();
    let said = String::from_utf8_lossy(&healed.stdout).into_owned();
    assert!(
        said.contains("n: learned article template: [site.article] content = \"div.story-body\""),
        "{said}"
    );
    // Articles 4 to 6, read with the template: the story and nothing beside it.
    run(6);
    for n in 4..=6 {
        let text = content(&project, "n/list", &format!("/a/{n}")).unwrap();
        assert!(text.contains(&format!("Story {n} tells how")), "{text}");
        assert!(!text.contains("podcast"), "article {n}: {text}");
    }
    // A new layout from article 7: the template finds nothing, the engine reads the page, the
    // template is forgotten and learned again from the new layout.
    let changed = run(9);
    assert!(
        changed.contains("forgotten, to be learned again"),
        "{changed}"
    );
    let text = content(&project, "n/list", "/a/7").unwrap();
    assert!(text.contains("Story 7 tells how"), "{text}");
    let relearned = run(12);
    assert!(
        relearned.contains("learned the site's article template: div.article-text"),
        "{relearned}"
    );
    // heal --write pins it in the config.
    project.cmd(&["heal", "--write"]).success();
    let written = std::fs::read_to_string(project.config()).unwrap();
    assert!(
        written.contains("content = \"div.article-text\""),
        "{written}"
    );
    assert!(!written.contains("\"auto\""), "{written}");
}

/// A page whose text is weak (a few lines among links) and that links its AMP version: the AMP
/// page, which holds the whole text, is read and used. A page whose own text is strong is
/// read alone: its AMP version is never requested.
#[test]
fn an_amp_version_is_read_only_for_a_weak_page_and_used_when_better() {
    let server = Server::start();
    let story = "The harbour reopened on Monday after the storm had closed it for a week, and \
                 the boats went out again at dawn while the town watched from the quay.";
    let long: String = (0..12).map(|n| format!("<p>{n}. {story}</p>")).collect();
    let links: String = (0..15)
        .map(|n| {
            format!("<li><a href=\"/more/{n}\">Another story of the harbour number {n}</a></li>")
        })
        .collect();
    server.route(
        "/a/weak",
        Route::ok(
            "text/html",
            format!(
                "<html><head><link rel=\"amphtml\" href=\"/amp/weak\"></head><body><article><h1>Weak</h1><p>{story}</p><p>{story}</p><ul>{links}</ul></article></body></html>"
            ),
        ),
    );
    server.route(
        "/amp/weak",
        Route::ok(
            "text/html",
            format!("<html><body><article><h1>Weak</h1>{long}</article></body></html>"),
        ),
    );
    server.route(
        "/a/strong",
        Route::ok(
            "text/html",
            format!(
                "<html><head><link rel=\"amphtml\" href=\"/amp/strong\"></head><body><article><h1>Strong</h1>{long}</article></body></html>"
            ),
        ),
    );
    server.route(
        "/amp/strong",
        Route::ok("text/html", "<html><body>never read</body></html>"),
    );
    server.route(
        "/list",
        Route::ok(
            "text/html",
            "<html><body><ul><li><a href=\"/a/weak\">The weak page of the harbour</a></li><li><a href=\"/a/strong\">The strong page of the harbour</a></li></ul></body></html>",
        ),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"n\"\n  [site.article]\n  content = \"auto\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  items = {{ item = \"li\" }}\n",
        server.url("/list")
    ));
    project.cmd(&["run"]).success();
    let weak = content(&project, "n/list", "/a/weak").unwrap();
    assert!(weak.contains("11. The harbour reopened"), "{weak}");
    assert_eq!(server.hits_of("/amp/weak"), 1);
    assert_eq!(server.hits_of("/amp/strong"), 0);
}

/// One article in ten read with a site's template is read by the engine too: where the
/// template holds much less than the engine finds (the story moved out of it), the engine's
/// text is used and the template forgotten.
#[test]
fn a_template_that_holds_much_less_than_the_engine_is_forgotten() {
    let server = Server::start();
    let sum = |path: &str| server.url(path).bytes().map(usize::from).sum::<usize>();
    // An article address the check samples (its bytes sum to a multiple of ten).
    let sampled = (100..200)
        .map(|n| format!("/a/{n}"))
        .find(|path| sum(path) % 10 == 0)
        .unwrap();
    for n in 1..=3 {
        server.route(
            &format!("/a/{n}"),
            Route::ok("text/html", templated(n, "story-body")),
        );
    }
    let moved: String = (0..10)
        .map(|n| format!("<p>Paragraph {n} of the moved story, which now stands outside the old body element and tells the whole tale at length.</p>"))
        .collect();
    server.route(
        &sampled,
        Route::ok(
            "text/html",
            format!(
                "<html><body><article><h1>Moved</h1><div class=\"story-body\"><p>Only a standfirst is left in the old body element of the page, \
                 with a sentence or two about the story, long enough to count but not the story itself.</p>\
                 <p>It says where the story happened and who was there, and that the rest of it follows below \
                 in the new part of the page, which the old template does not know.</p>\
                 <p>A third short paragraph closes the standfirst with a line about the photographs and the map.</p></div>\
                 <div class=\"new-body\">{moved}</div></article></body></html>"
            ),
        ),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"n\"\n  [site.article]\n  content = \"auto\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  items = {{ item = \"li\" }}\n",
        server.url("/list")
    ));
    let listing = |paths: &[&str]| {
        let items: String = paths
            .iter()
            .map(|p| format!("<li><a href=\"{p}\">The story at {p} of the harbour</a></li>"))
            .collect();
        format!("<html><body><ul>{items}</ul></body></html>")
    };
    server.route(
        "/list",
        Route::ok("text/html", listing(&["/a/1", "/a/2", "/a/3"])),
    );
    let first = project.run_json(0)["sections"][0]["warnings"].to_string();
    assert!(
        first.contains("learned the site's article template"),
        "{first}"
    );
    server.route(
        "/list",
        Route::ok(
            "text/html",
            listing(&[sampled.as_str(), "/a/1", "/a/2", "/a/3"]),
        ),
    );
    let second = project.run_json(0)["sections"][0]["warnings"].to_string();
    assert!(
        second.contains("forgotten, to be learned again"),
        "{second}"
    );
    let text = content(&project, "n/list", &sampled).unwrap();
    assert!(text.contains("Paragraph 9 of the moved story"), "{text}");
}
