//! History, conditional requests and politeness: the SQLite store across runs, robots.txt,
//! per-host spacing, retries and the state lock, all against a server on 127.0.0.1.

mod support;

use std::fs;
use std::time::Duration;

use support::{Project, Route, Server, feed_files};

fn list_page(items: &[(&str, &str)]) -> String {
    let body: String = items
        .iter()
        .map(|(slug, date)| {
            format!("<li><a href=\"/a/{slug}\">Story {slug}</a> <time>{date}</time></li>\n")
        })
        .collect();
    format!("<html><body><ul>\n{body}</ul></body></html>")
}

fn section(id: &str, url: &str) -> String {
    format!("  [[site.section]]\n  id = \"{id}\"\n  url = \"{url}\"\n")
}

fn site(sections: &str) -> String {
    format!("[[site]]\nid = \"s\"\n  [site.items]\n  item = \"li\"\n{sections}")
}

fn titles(project: &Project, name: &str) -> Vec<String> {
    project
        .parse(name)
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect()
}

fn run_json(project: &Project) -> serde_json::Value {
    let out = project.cmd(&["run", "--json"]).get_output().clone();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn items_stay_after_they_leave_the_page_and_dates_do_not_move() {
    let server = Server::start();
    server.route(
        "/l",
        Route::ok(
            "text/html",
            list_page(&[("b", "2024-03-02"), ("a", "2024-03-01")]),
        ),
    );
    let project = Project::new(&site(&section("l", &server.url("/l"))));
    let first = run_json(&project);
    assert_eq!(first["sections"][0]["new"], 2);
    server.route(
        "/l",
        Route::ok(
            "text/html",
            list_page(&[("c", "2024-03-03"), ("b", "2024-03-09")]),
        ),
    );
    let second = run_json(&project);
    assert_eq!(second["sections"][0]["new"], 1);
    assert_eq!(second["sections"][0]["kept"], 3);
    for name in feed_files("s/l") {
        assert_eq!(
            titles(&project, &name),
            ["Story c", "Story b", "Story a"],
            "{name}"
        );
    }
    let feed = project.parse("s/l.atom");
    let b = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "Story b")
        .unwrap();
    assert_eq!(
        b.published.unwrap().to_rfc3339(),
        "2024-03-02T00:00:00+00:00",
        "first date kept"
    );
}

#[test]
fn max_items_cuts_the_feed_and_history_keeps_what_is_on_the_page() {
    let server = Server::start();
    let many: Vec<(String, String)> = (1..=6)
        .map(|d| (format!("n{d}"), format!("2024-03-0{d}")))
        .collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    server.route("/l", Route::ok("text/html", list_page(&refs)));
    let project = Project::new(&site(&format!(
        "{}  max_items = 4\n",
        section("l", &server.url("/l"))
    )));
    let report = run_json(&project);
    assert_eq!(report["sections"][0]["kept"], 4);
    assert_eq!(
        titles(&project, "s/l.xml"),
        ["Story n6", "Story n5", "Story n4", "Story n3"]
    );
    // Items still on the page are remembered, so they are not "new" next time.
    server.route(
        "/l",
        Route::ok("text/html", format!("{}<!-- changed -->", list_page(&refs))),
    );
    assert_eq!(run_json(&project)["sections"][0]["new"], 0);
}

#[test]
fn warm_run_is_one_conditional_request_per_section_and_rewrites_nothing() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Route::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
    );
    for path in ["/one", "/two", "/three"] {
        server.route(
            path,
            Route::fixture("spacemedia/index-space-industry.html")
                .with_etag(&format!("\"{path}-v1\"")),
        );
    }
    let sections = ["one", "two", "three"]
        .map(|id| section(id, &server.url(&format!("/{id}"))))
        .concat();
    let config = format!(
        "[[site]]\nid = \"smn\"\n  [site.items]\n  item = \"p:has(span.BH)\"\n  date = \"span.BHS\"\n{sections}"
    );
    let project = Project::with_fetch("robots_txt = true", &config);
    let cold = run_json(&project);
    let cold_requests: u64 = cold["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(cold_requests, 4, "3 pages + robots.txt once");
    assert_eq!(server.hits_of("/robots.txt"), 1);

    let files: Vec<String> = ["one", "two", "three"]
        .iter()
        .flat_map(|id| feed_files(&format!("smn/{id}")))
        .collect();
    let mtimes = |p: &Project| {
        files
            .iter()
            .map(|f| fs::metadata(p.feed(f)).unwrap().modified().unwrap())
            .collect::<Vec<_>>()
    };
    let before = mtimes(&project);
    server.clear_hits();
    std::thread::sleep(Duration::from_millis(30));

    let warm = run_json(&project);
    for s in warm["sections"].as_array().unwrap() {
        assert_eq!(s["status"], "ok");
        assert_eq!(s["requests"], 1, "{s}");
        assert_eq!(s["not_modified"], 1, "{s}");
        assert_eq!(s["kept"], 15);
        assert_eq!(s["written"], 0);
    }
    assert_eq!(
        server.hits_of("/robots.txt"),
        0,
        "robots.txt is cached for a day"
    );
    assert_eq!(server.hits().len(), 3);
    for hit in server.hits() {
        let presented = hit.headers.get("if-none-match").unwrap().to_str().unwrap();
        assert_eq!(presented, format!("\"{}-v1\"", hit.path));
    }
    assert_eq!(before, mtimes(&project), "no file rewritten on a warm run");

    // A deleted or damaged output file is rebuilt from the store although the page says 304.
    fs::remove_file(project.feed("smn/two.xml")).unwrap();
    fs::write(project.feed("smn/three.json"), b"{ broken").unwrap();
    let repaired = run_json(&project);
    assert_eq!(repaired["sections"][1]["not_modified"], 1);
    assert_eq!(repaired["sections"][1]["written"], 1);
    assert_eq!(repaired["sections"][2]["written"], 1);
    assert_eq!(project.parse("smn/two.xml").entries.len(), 15);
    assert_eq!(project.parse("smn/three.json").entries.len(), 15);
}

#[test]
fn a_page_that_stops_yielding_items_fails_and_keeps_the_feed() {
    let server = Server::start();
    server.route(
        "/l",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    let project = Project::new(&site(&section("l", &server.url("/l"))));
    project.cmd(&["run"]).success();
    let before = fs::read(project.feed("s/l.xml")).unwrap();
    server.route(
        "/l",
        Route::ok(
            "text/html",
            "<html><body><div>Redesigned!</div></body></html>",
        ),
    );
    let out = project.cmd(&["run"]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("s/l: failed:") && stderr.contains("1 are stored"),
        "{stderr}"
    );
    assert!(stderr.contains("layout probably changed"), "{stderr}");
    assert_eq!(fs::read(project.feed("s/l.xml")).unwrap(), before);
    // Validators were not saved for the failed page: the next run reads it in full again.
    server.route(
        "/l",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    project.cmd(&["run"]).success();
}

#[test]
fn robots_txt_allow_deny_4xx_and_5xx() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Route::ok(
            "text/plain",
            "User-agent: *\nDisallow: /private/\n\nUser-agent: feedwright\nDisallow: /nofw\n",
        ),
    );
    server.route(
        "/ok",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    server.route(
        "/private/x",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    server.route(
        "/nofw",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    let config = site(
        &[
            section("ok", &server.url("/ok")),
            section("private", &server.url("/private/x")),
            section("nofw", &server.url("/nofw")),
        ]
        .concat(),
    );
    let project = Project::with_fetch("robots_txt = true", &config);
    let out = project.cmd(&["run"]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("s/ok: ok"), "{stderr}");
    assert!(
        !stderr.contains("s/private: failed"),
        "the feedwright group replaces the * group: {stderr}"
    );
    assert!(
        stderr.contains("s/nofw: failed:") && stderr.contains("(Disallow: /nofw)"),
        "{stderr}"
    );
    assert_eq!(
        server.hits_of("/nofw"),
        0,
        "a disallowed page is never fetched"
    );
    assert_eq!(server.hits_of("/robots.txt"), 1);

    // 4xx: everything allowed.
    let server = Server::start();
    server.route(
        "/ok",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    server.route("/robots.txt", Route::status(404));
    let project = Project::with_fetch(
        "robots_txt = true",
        &site(&section("ok", &server.url("/ok"))),
    );
    project.cmd(&["run"]).success();

    // 5xx: the host is skipped this run, and robots.txt is not cached.
    let server = Server::start();
    server.route(
        "/ok",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    server.route("/robots.txt", Route::status(503));
    let project = Project::with_fetch(
        "robots_txt = true",
        &site(&section("ok", &server.url("/ok"))),
    );
    let out = project.cmd(&["run"]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("robots.txt unavailable (HTTP 503)"),
        "{stderr}"
    );
    assert_eq!(server.hits_of("/ok"), 0);
    server.route(
        "/robots.txt",
        Route::ok("text/plain", "User-agent: *\nAllow: /\n"),
    );
    project.cmd(&["run"]).success();
}

#[test]
fn requests_to_one_host_are_spaced() {
    let server = Server::start();
    let mut sections = String::new();
    for i in 0..4 {
        let path = format!("/p{i}");
        server.route(
            &path,
            Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
        );
        sections.push_str(&section(&format!("p{i}"), &server.url(&path)));
    }
    let project = Project::with_fetch("host_delay_ms = 300", &site(&sections));
    project.cmd(&["run"]).success();
    let mut times: Vec<_> = server.hits().iter().map(|h| h.at).collect();
    times.sort();
    assert_eq!(times.len(), 4);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(280),
            "gap {gap:?} between request starts"
        );
    }
}

#[test]
fn retries_with_backoff_and_retry_after() {
    let server = Server::start();
    server.route("/busy", Route::status(503).header("retry-after", "1"));
    server.route("/gone", Route::status(404));
    server.route("/later", Route::status(429).header("retry-after", "3600"));
    let config = site(
        &[
            section("busy", &server.url("/busy")),
            section("gone", &server.url("/gone")),
            section("later", &server.url("/later")),
        ]
        .concat(),
    );
    let project = Project::with_fetch("retries = 2", &config);
    let started = std::time::Instant::now();
    let report = run_json(&project);
    let elapsed = started.elapsed();
    assert_eq!(server.hits_of("/busy"), 3, "503 is retried twice");
    assert_eq!(server.hits_of("/gone"), 1, "404 is not retried");
    assert_eq!(
        server.hits_of("/later"),
        1,
        "a Retry-After over 5 minutes is not waited for"
    );
    let busy: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.path == "/busy")
        .map(|h| h.at)
        .collect();
    assert!(
        busy[1] - busy[0] >= Duration::from_millis(950),
        "Retry-After: 1 honoured"
    );
    assert!(elapsed < Duration::from_secs(10));
    assert_eq!(report["sections"][0]["requests"], 3);
    assert!(
        report["sections"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 503")
    );
    assert!(
        report["sections"][2]["reason"]
            .as_str()
            .unwrap()
            .contains("Retry-After 3600s")
    );
}

#[test]
fn connection_errors_are_retried() {
    let server = Server::start();
    // Nothing listens on this port: connection refused every time.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let config = site(&section("down", &format!("http://{closed}/x")));
    let project = Project::with_fetch("retries = 1", &config);
    let report = run_json(&project);
    assert_eq!(report["sections"][0]["requests"], 2);
    assert!(
        report["sections"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("cannot connect"),
        "{report}"
    );
    drop(server);
}

#[test]
fn a_second_run_on_the_same_state_exits_3_naming_the_holder() {
    let server = Server::start();
    server.route(
        "/l",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    let project = Project::new(&site(&section("l", &server.url("/l"))));
    let state = project.dir.path().join(".feedwright/state.db");
    let held = feedwright::store::lock(&state).unwrap();
    let out = project.cmd(&["run"]).code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("pid {}", std::process::id())),
        "{stderr}"
    );
    assert!(server.hits().is_empty());
    drop(held);
    // A lock file left by a dead process holds no lock: it is taken over.
    fs::write(
        project.dir.path().join(".feedwright/state.db.lock"),
        "999999\n",
    )
    .unwrap();
    project.cmd(&["run"]).success();
}

#[test]
fn a_foreign_state_file_is_an_error_and_left_alone() {
    let server = Server::start();
    server.route(
        "/l",
        Route::ok("text/html", list_page(&[("a", "2024-03-01")])),
    );
    let project = Project::new(&site(&section("l", &server.url("/l"))));
    fs::create_dir_all(project.dir.path().join(".feedwright")).unwrap();
    let state = project.dir.path().join(".feedwright/state.db");
    fs::write(&state, vec![b'x'; 5000]).unwrap();
    let out = project.cmd(&["run"]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("state.db") && stderr.contains("not a usable feedwright state file"),
        "{stderr}"
    );
    assert_eq!(fs::read(&state).unwrap(), vec![b'x'; 5000]);
}

#[test]
fn killing_a_run_at_random_moments_never_corrupts_state_or_feeds() {
    let server = Server::start();
    let mut sections = String::new();
    for i in 0..8 {
        let path = format!("/k{i}");
        let dates: Vec<(String, String)> = (1..=9)
            .map(|d| (format!("k{i}-{d}"), format!("2024-05-0{d}")))
            .collect();
        let refs: Vec<(&str, &str)> = dates
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        server.route(
            &path,
            Route::ok("text/html", list_page(&refs)).delayed(5 + 7 * i),
        );
        sections.push_str(&section(&format!("k{i}"), &server.url(&path)));
    }
    let project = Project::new(&site(&sections));
    let mut killed_mid_run = 0;
    for round in 0..30u64 {
        // Change one page every round so that runs have real work to do.
        let page = list_page(&[(&format!("r{round}"), "2024-06-01"), ("k0-1", "2024-05-01")]);
        server.route("/k0", Route::ok("text/html", page));
        let mut child = spawn_run(&project);
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..120)));
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let feeds = project.dir.path().join("feeds");
        if feeds.exists() {
            for entry in walk(&feeds) {
                let name = entry.file_name().unwrap().to_string_lossy().to_string();
                assert!(!name.ends_with(".tmp") || name.starts_with('.'), "{name}");
                if name.ends_with(".xml") || name.ends_with(".atom") || name.ends_with(".json") {
                    let bytes = fs::read(&entry).unwrap();
                    feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| {
                        panic!("round {round}: {} unreadable: {e}", entry.display())
                    });
                }
            }
        }
        feedwright::store::Store::open(&project.dir.path().join(".feedwright/state.db"))
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
    }
    assert!(
        killed_mid_run >= 10,
        "only {killed_mid_run} kills landed mid-run"
    );
    let report = run_json(&project);
    for s in report["sections"].as_array().unwrap() {
        assert_eq!(s["status"], "ok", "{s}");
    }
    assert!(titles(&project, "s/k0.xml").contains(&"Story r29".to_string()));
}

/// A run killed after writing a section's feed but before the state that explains it was
/// committed (the sections' updates are committed in groups): the next run writes the feed
/// again from the state, so feed and state agree.
#[test]
fn a_feed_written_before_its_state_was_committed_is_written_again_from_the_state() {
    let server = Server::start();
    server.route(
        "/a",
        Route::ok(
            "text/html",
            list_page(&[("a1", "2024-05-01"), ("a2", "2024-05-02")]),
        ),
    );
    // The second section keeps the run going (and its batch open) until it is killed.
    server.route(
        "/b",
        Route::ok("text/html", list_page(&[("b1", "2024-05-01")])).delayed(20_000),
    );
    let project = Project::new(&site(&format!(
        "{}{}",
        section("a", &server.url("/a")),
        section("b", &server.url("/b"))
    )));
    let feed = project.dir.path().join("feeds/s/a.xml");
    let mut child = spawn_run(&project);
    let waited = std::time::Instant::now();
    while !feed.exists() && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(feed.exists(), "the first section's feed was written");
    child.kill().unwrap(); // SIGKILL: nothing more is committed
    child.wait().unwrap();
    assert_eq!(titles(&project, "s/a.xml"), ["Story a2", "Story a1"]);
    // The page changes: a1 leaves it, a3 comes.
    server.route(
        "/a",
        Route::ok(
            "text/html",
            list_page(&[("a3", "2024-05-03"), ("a2", "2024-05-02")]),
        ),
    );
    server.route(
        "/b",
        Route::ok("text/html", list_page(&[("b1", "2024-05-01")])),
    );
    project.cmd(&["run", "--quiet"]).success();
    let store =
        feedwright::store::Store::open(&project.dir.path().join(".feedwright/state.db")).unwrap();
    let retention = feedwright::store::Retention {
        max_items: 50,
        max_age_days: None,
    };
    let stored: Vec<String> = store
        .feed_items("s/a", retention, chrono::Utc::now())
        .unwrap()
        .into_iter()
        .map(|item| item.title)
        .collect();
    assert!(stored.contains(&"Story a3".to_string()), "{stored:?}");
    assert_eq!(titles(&project, "s/a.xml"), stored);
}

/// A quiet `feedwright run` of `project`, started and left running (to be killed).
fn spawn_run(project: &Project) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
        .args(["run", "--quiet", "--config"])
        .arg(project.config())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
