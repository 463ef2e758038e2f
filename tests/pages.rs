//! `pages = N`: a chain of listing pages (one linked by rel=next, the next only by an
//! "Older posts" link) read in one run, merged in page order; a 304 on page 1 reads no other
//! page; paging stops at a page whose items are all known.

mod support;

use support::{Project, Route, Server};

fn page(first: u32, next: &str) -> String {
    let items: String = (first..first + 3)
        .map(|n| {
            format!(
                r#"<article class="post"><h2><a href="/story/{n}">Story number {n} of the archive</a></h2><time datetime="2024-03-{:02}T10:00:00Z">March</time></article>"#,
                30 - n
            )
        })
        .collect();
    format!(
        "<html><head>{}</head><body><main>{items}</main><nav class=\"pager\">{}</nav></body></html>",
        if next.contains("rel=") {
            next.replace("<a", "<link").replace(">Next</a>", ">")
        } else {
            String::new()
        },
        if next.contains("rel=") {
            String::new()
        } else {
            next.to_string()
        }
    )
}

fn chain(server: &Server, lead: &str, etag: &str) {
    server.route(
        "/list",
        Route::ok(
            "text/html",
            page(1, r#"<a rel="next" href="/list?page=2">Next</a>"#)
                .replace("Story number 1 ", lead)
                .replace("/story/1\"", &format!("/story/{}\"", lead.len())),
        )
        .with_etag(etag),
    );
    server.route(
        "/list?page=2",
        Route::ok(
            "text/html",
            page(
                4,
                r#"<a href="/archive/3">Older posts &raquo;</a> <a href="/list">Newer posts</a>"#,
            ),
        ),
    );
    server.route("/archive/3", Route::ok("text/html", page(7, "")));
}

fn titles(project: &Project) -> Vec<String> {
    project
        .parse("p/list.xml")
        .entries
        .into_iter()
        .map(|e| e.title.unwrap().content)
        .collect()
}

#[test]
fn three_pages_are_read_merged_and_a_304_reads_no_more() {
    let server = Server::start();
    chain(&server, "Story number 1 ", "\"v1\"");
    let project = Project::new(&format!(
        "[[site]]\nid = \"p\"\npages = 3\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n",
        server.url("/list")
    ));
    let report = project.run_json(0);
    let section = &report["sections"][0];
    assert_eq!(section["found"], 9, "{report}");
    assert_eq!(
        section["requests"], 3,
        "three pages, one request each: {report}"
    );
    let titles = titles(&project);
    assert_eq!(titles.len(), 9);
    assert_eq!(titles[0], "Story number 1 of the archive", "newest first");
    assert_eq!(titles[8], "Story number 9 of the archive");

    // Warm: page 1 answers 304, so no later page is asked for.
    server.clear_hits();
    let report = project.run_json(0);
    assert_eq!(report["sections"][0]["requests"], 1, "{report}");
    assert_eq!(report["sections"][0]["not_modified"], 1);
    assert_eq!(server.hits().len(), 1);

    // Page 1 changes; page 2 holds only known items: paging stops there, page 3 is not read.
    chain(&server, "A fresh lead story ", "\"v2\"");
    server.clear_hits();
    let report = project.run_json(0);
    assert_eq!(report["sections"][0]["new"], 1, "{report}");
    assert_eq!(server.hits_of("/list?page=2"), 1);
    assert_eq!(
        server.hits_of("/archive/3"),
        0,
        "stopped at a page of known items"
    );
}

#[test]
fn check_shows_the_next_links_it_followed_and_suggest_the_one_it_found() {
    let server = Server::start();
    chain(&server, "Story number 1 ", "\"v1\"");
    let project = Project::new(&format!(
        "[[site]]\nid = \"p\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  pages = 2\n",
        server.url("/list")
    ));
    let output = project.cmd(&["check"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("== p/list (6 items)"), "{table}");
    assert!(
        table.contains(&format!(
            "next page followed: {} (rel=next)",
            server.url("/list?page=2")
        )),
        "{table}"
    );
    assert!(!project.feed("p/list.xml").exists());
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["suggest", &server.url("/list?page=2")])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains(&format!(
            "Next page: {} (found by link text)",
            server.url("/archive/3")
        )),
        "{said}"
    );
}

#[test]
fn a_configured_next_selector_decides() {
    let server = Server::start();
    chain(&server, "Story number 1 ", "\"v1\"");
    // Page 2 marks its older-page link only by this class.
    server.route(
        "/list?page=2",
        Route::ok(
            "text/html",
            page(
                4,
                r#"<a class="go-further" href="/archive/3">&gt;&gt;&gt;</a>"#,
            ),
        ),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"p\"\npages = 5\nnext = \"link[rel=next], a.go-further\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n",
        server.url("/list")
    ));
    let report = project.run_json(0);
    assert_eq!(report["sections"][0]["found"], 9, "{report}");
}
