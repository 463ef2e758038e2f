//! Which date an item carries when its article page is read too: the article page's when it
//! is more precise than the listing's, the listing's when it is as precise; `check` shows the
//! same dates as `run` publishes, and where each came from.

mod support;

use support::{Project, Route, Server};

/// A listing of three stories, each dated as `date` writes it.
fn listing(date: impl Fn(u32) -> String) -> String {
    let items: String = (1..=3)
        .map(|n| {
            format!(
                "<li class=\"story\"><a href=\"/story/{n}\">Story number {n} of the day</a> <span class=\"when\">{}</span></li>",
                date(n)
            )
        })
        .collect();
    format!("<html><body><ul>{items}</ul></body></html>")
}

/// Serves the article pages `/story/1` … `/story/{count}`, page `n` saying in its
/// `<meta article:published_time>` that it was published at `published(n)`.
fn articles(server: &Server, count: u32, published: impl Fn(u32) -> String) {
    for n in 1..=count {
        let published = published(n);
        server.route(
            &format!("/story/{n}"),
            Route::ok(
                "text/html",
                format!(
                    "<html><head><meta property=\"article:published_time\" content=\"{published}\"></head><body><article><h1>Story number {n} of the day</h1><p>The text.</p></article></body></html>"
                ),
            ),
        );
    }
}

fn config(server: &Server) -> String {
    format!(
        "[[site]]\nid = \"n\"\n  [site.article]\n  enabled = true\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  items = {{ item = \"li.story\", date = \"span.when\" }}\n",
        server.url("/list")
    )
}

/// Each item's link, date and where the date came from, as `check --json` shows them.
type Shown = Vec<(String, String, String)>;

/// The dates of the items of `check --json` and of the feed `run` wrote, by link.
fn dates(project: &Project) -> (Shown, Vec<(String, String)>) {
    let checked = project.check_json();
    let mut shown: Shown = checked["sections"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["url"].as_str().unwrap().to_string(),
                i["date"].as_str().unwrap().to_string(),
                i["date_source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    shown.sort();
    project.cmd(&["run"]).success();
    let feed = project.parse("n/list.xml");
    let mut published: Vec<(String, String)> = feed
        .entries
        .iter()
        .map(|e| (e.links[0].href.clone(), e.published.unwrap().to_rfc3339()))
        .collect();
    published.sort();
    (shown, published)
}

/// Asserts that story `n` (1 to 3) carries `date(n)` from `source`, in `check` and in the feed.
fn carried(project: &Project, source: &str, date: impl Fn(usize) -> String) {
    let (shown, published) = dates(project);
    for (n, (url, shown_date, shown_source)) in shown.iter().enumerate() {
        assert_eq!(shown_source, source, "{url}");
        assert_eq!(shown_date, &date(n + 1));
        assert_eq!(
            published[n],
            (url.clone(), shown_date.clone()),
            "check and run agree"
        );
    }
}

#[test]
fn an_article_time_wins_over_a_listing_day() {
    let server = Server::start();
    server.route(
        "/list",
        Route::ok("text/html", listing(|n| format!("2024-05-0{n}"))),
    );
    articles(&server, 3, |n| format!("2024-05-0{n}T0{n}:30:00+00:00"));
    let project = Project::new(&config(&server));
    carried(&project, "article page", |n| {
        format!("2024-05-0{n}T0{n}:30:00+00:00")
    });
}

#[test]
fn a_listing_as_precise_as_the_article_keeps_its_date() {
    let server = Server::start();
    server.route(
        "/list",
        Route::ok(
            "text/html",
            listing(|n| format!("2024-05-0{n}T1{n}:00:00+00:00")),
        ),
    );
    // The article pages say another time (an update): the listing's order stands.
    articles(&server, 3, |n| format!("2024-05-0{}T09:00:00+00:00", 4 - n));
    let project = Project::new(&config(&server));
    carried(&project, "listing", |n| {
        format!("2024-05-0{n}T1{n}:00:00+00:00")
    });
}

/// `check` reads the article pages of the first five items only (a run reads up to
/// `max_articles`, which at a polite pace takes minutes) and says so.
#[test]
fn check_reads_the_first_five_article_pages_and_says_so() {
    let server = Server::start();
    let items: String = (1..=7)
        .map(|n| format!("<li class=\"story\"><a href=\"/story/{n}\">Story number {n} of the day</a> <span class=\"when\">2024-05-0{n}</span></li>"))
        .collect();
    server.route(
        "/list",
        Route::ok(
            "text/html",
            format!("<html><body><ul>{items}</ul></body></html>"),
        ),
    );
    articles(&server, 7, |n| format!("2024-05-0{n}T08:00:00+00:00"));
    let project = Project::new(&config(&server));
    let checked = project.check_json();
    assert_eq!(checked["sections"][0]["articles_read"], 5, "{checked}");
    let read = (1..=7)
        .filter(|n| server.hits_of(&format!("/story/{n}")) == 1)
        .count();
    assert_eq!(read, 5);
    let output = project.cmd(&["check"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("article pages read for the first 5 items"),
        "{table}"
    );
}
