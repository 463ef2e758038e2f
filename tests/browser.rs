//! index.html and a feed with its stylesheet, loaded from `feedwright serve` in headless
//! Chromium; screenshots land in target/browser/ for a person to look at.
//!
//! `.ci/run` installs Debian's chromium, and under CI this test fails without it. Elsewhere,
//! without a chromium on the PATH, it says so and passes, so that `cargo test` works on a
//! fresh machine.

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::app::{HEADLESS, chromium};
use support::{Project, Route, Server};

/// Runs headless Chromium with the flags this machine needs; returns stdout.
fn browse(binary: &Path, args: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(binary)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn index_page_and_feed_render_in_headless_chromium() {
    let Some(binary) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (see .ci/run)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let server = Server::start();
    server.route(
        "/blog/",
        Route::ok(
            "text/html; charset=utf-8",
            support::fixture("generic/blog.html"),
        ),
    );
    server.route(
        "/Space_Industry.html",
        Route::fixture("spacemedia/index-space-industry.html"),
    );
    let project = Project::new(&format!(
        r#"
[[site]]
id = "ground"
title = "Ground Segment Notes"
  [site.items]
  item = "article.post"
  summary = "div.entry-summary"
  author = "span.author"
  [[site.section]]
  id = "posts"
  title = "Posts"
  url = "{}"

[[site]]
id = "spacedaily"
title = "SpaceDaily"
  [site.items]
  item = "p:has(span.BH)"
  date = "span.BHS"
  [[site.section]]
  id = "industry"
  title = "Space Industry"
  url = "{}"
"#,
        server.url("/blog/"),
        server.url("/Space_Industry.html")
    ));
    // Feeds point at the XSL stylesheet only when asked to (browsers are dropping XSLT).
    let config = std::fs::read_to_string(project.config()).unwrap();
    let with_stylesheet = config.replacen("[output]\n", "[output]\nstylesheet = true\n", 1);
    std::fs::write(project.config(), with_stylesheet).unwrap();
    project.cmd(&["run"]).success();

    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let _serving = Serving(
        Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
            .args(["serve", "--addr", &addr.to_string(), "--config"])
            .arg(project.config())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(50));
    }

    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&shots).unwrap();
    let index_url = format!("http://{addr}/index.html");
    let index = browse(&binary, &["--dump-dom"], &index_url);
    for text in [
        "Ground Segment Notes",
        "Posts",
        "SpaceDaily",
        "Space Industry",
        "15 items",
        "feeds.opml",
    ] {
        assert!(
            index.contains(text),
            "{text} not on the index page:\n{index}"
        );
    }
    assert!(index.contains("/ground/posts.atom"), "subscribe links");

    let feed_url = format!("http://{addr}/spacedaily/industry.xml");
    let feed = browse(&binary, &["--dump-dom"], &feed_url);
    assert!(
        feed.contains("This is a web feed"),
        "the stylesheet was applied:\n{feed}"
    );
    assert!(
        feed.contains("<h1>SpaceDaily – Space Industry</h1>"),
        "{feed}"
    );
    assert!(
        feed.contains("Collision Course? A Comet Heads for Mars</a></h2>"),
        "item titles as text:\n{feed}"
    );

    let atom = browse(
        &binary,
        &["--dump-dom"],
        &format!("http://{addr}/ground/posts.atom"),
    );
    assert!(
        atom.contains("Antenna alignment, step by step</a></h2>"),
        "{atom}"
    );
    assert!(!atom.contains("track()"), "sanitised summaries");

    // The readable page of a feed: no script, no XSLT, human dates, linked from the index.
    assert!(
        index.contains("/spacedaily/industry.html"),
        "the index links the page"
    );
    let page_url = format!("http://{addr}/spacedaily/industry.html");
    let page = browse(&binary, &["--dump-dom"], &page_url);
    assert!(
        page.contains("<h1>SpaceDaily – Space Industry</h1>"),
        "{page}"
    );
    assert!(
        page.contains("Collision Course? A Comet Heads for Mars</a></h3>"),
        "{page}"
    );
    assert!(page.contains("4 Apr 2013"), "a human date:\n{page}");
    assert!(
        !page.contains("00:00:00") && !page.contains("+0000"),
        "{page}"
    );
    assert!(!page.contains("<script"), "no script");
    assert!(
        page.contains("/spacedaily/industry.atom"),
        "subscribe links"
    );

    for (name, url) in [
        ("index.png", &index_url),
        ("feed.png", &feed_url),
        ("page.png", &page_url),
    ] {
        let path = shots.join(name);
        browse(
            &binary,
            &[
                &format!("--screenshot={}", path.display()),
                "--window-size=1200,1000",
            ],
            url,
        );
        assert!(
            std::fs::metadata(&path)
                .map(|m| m.len() > 10_000)
                .unwrap_or(false),
            "{name} written"
        );
    }
}
