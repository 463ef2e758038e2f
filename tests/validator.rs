//! Every feed passes the W3C feed validator (`tools/w3c-validate`, a copy of
//! github.com/w3c/feedvalidator) with zero errors: feeds from every fixture layout, from a
//! source feed, with article enrichment, and from a page full of hostile content.
//!
//! `.ci/run` installs the validator's one dependency (`pip install html5lib`), and under CI
//! this test fails without it. Elsewhere, without it, the test says so and passes.

mod support;

use std::path::Path;
use std::process::Command;

use support::{Project, Route, Server};

/// A page written to break feeds: control characters, scripts and handlers, CDATA ends,
/// entities, relative and hostile links, dates that are not dates, an empty title.
const HOSTILE: &str = "<html><head><meta charset=\"utf-8\"><base href=\"/deep/\"></head><body><ul>\
<li><a href=\"a?utm_source=x#frag\">Tom &amp; Jerry ]]&gt; \u{1}\u{b}bell</a>\
<time datetime=\"not a date\">yesterday</time>\
<p class=\"s\">Teaser <script>alert(1)</script><img src=\"x.png\" onerror=\"alert(2)\"> ]]> end \
<iframe src=\"//evil\"></iframe>&#0;&#xFFFE; <a href=\"javascript:alert(3)\">read more</a></p></li>\
<li><a href=\"/b\">Second &#x1F680; story with &lt;tags&gt; &nbsp; and\ttabs</a>\
<time datetime=\"2024-02-30T25:61:00Z\">bad</time><p class=\"s\"><b>unclosed <i>teaser</p></li>\
<li><a href=\"https://elsewhere.example/c\">   </a></li>\
<li><a href=\"/d\">Dated in the future</a><time datetime=\"2999-01-01T00:00:00Z\">soon</time>\
<p class=\"s\">\u{202e}right-to-left\u{feff} text</p></li>\
</ul></body></html>";

fn validator() -> Option<std::path::PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/w3c-validate");
    let ready = Command::new("python3")
        .args(["-c", "import html5lib"])
        .status()
        .is_ok_and(|s| s.success());
    if ready {
        return Some(script);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install html5lib for the W3C validator (see .ci/run)"
    );
    eprintln!("skipped: the W3C validator needs html5lib (pip install html5lib)");
    None
}

fn section(id: &str, url: &str, extra: &str) -> String {
    format!("  [[site.section]]\n  id = \"{id}\"\n  url = \"{url}\"\n{extra}")
}

#[test]
fn every_feed_passes_the_w3c_validator() {
    let Some(validator) = validator() else { return };
    let server = Server::start();
    let pages = [
        (
            "smn",
            "spacemedia/index-space-industry.html",
            "  items = { item = \"p:has(span.BH)\", date = \"span.BHS\", image = \"img\" }\n",
        ),
        ("blog", "generic/blog.html", ""),
        ("latin1", "generic/latin1-no-meta.html", ""),
        ("forum", "layouts/forum-table.html", ""),
        ("jsonld", "layouts/jsonld-itemlist.html", ""),
        ("nav", "layouts/nav-heavy.html", ""),
        ("grid", "layouts/news-grid.html", ""),
        ("sidebar", "layouts/ul-with-sidebar.html", ""),
        (
            "feed",
            "spacemedia/spacedaily-2013.xml",
            "  source = \"feed\"\n",
        ),
    ];
    let mut sections = String::new();
    for (id, fixture, extra) in pages {
        server.route(&format!("/{id}"), Route::fixture(fixture));
        sections.push_str(&section(id, &server.url(&format!("/{id}")), extra));
    }
    server.route("/hostile", Route::ok("text/html; charset=utf-8", HOSTILE));
    sections.push_str(&section(
        "hostile",
        &server.url("/hostile"),
        "  items = { item = \"li\", summary = \"p.s\" }\n",
    ));
    // Full text (`content = "auto"`) of three real article pages.
    let mut list = String::from("<html><body><ul>");
    for n in 0..3 {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(
                std::fs::File::open(format!(
                    "{}/tests/fixtures/fulltext/pages/{n:03}.html.gz",
                    env!("CARGO_MANIFEST_DIR")
                ))
                .unwrap(),
            ),
            &mut bytes,
        )
        .unwrap();
        server.route(&format!("/art/{n}"), Route::ok("text/html", bytes));
        list.push_str(&format!(
            "<li><a href=\"/art/{n}\">Article {n} of the corpus</a></li>"
        ));
    }
    server.route(
        "/articles",
        Route::ok("text/html", list + "</ul></body></html>"),
    );
    sections.push_str(&section(
        "articles",
        &server.url("/articles"),
        "  items = { item = \"li\" }\n",
    ));
    let project = Project::new(&format!(
        "[[site]]\nid = \"v\"\ntitle = \"Validity <&> \\u0001test\"\n  [site.article]\n  content = \"auto\"\n{sections}"
    ));
    let output = project.cmd(&["run", "--json"]).get_output().clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for section in report["sections"].as_array().unwrap() {
        assert_eq!(section["status"], "ok", "{section}");
    }

    let mut args = Vec::new();
    for entry in std::fs::read_dir(project.feed("v")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".xml") || name.ends_with(".atom") {
            args.push(format!(
                "{}=https://feeds.example.org/v/{name}",
                path.display()
            ));
        }
    }
    assert_eq!(args.len(), 2 * 11, "RSS and Atom for every section");
    assert!(
        std::fs::read_to_string(project.feed("v/articles.xml"))
            .unwrap()
            .contains("<content:encoded>"),
        "the full text is in the feed"
    );
    let result = Command::new("python3")
        .arg(&validator)
        .args(&args)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&result.stdout);
    println!("{said}");
    assert!(
        result.status.success(),
        "the W3C validator found errors:\n{said}"
    );
    assert_eq!(
        said.lines()
            .filter(|l| l.ends_with(" 0 errors, 0 warnings") || l.contains(": 0 errors,"))
            .count(),
        args.len(),
        "{said}"
    );
}
