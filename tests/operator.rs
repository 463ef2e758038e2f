//! Operator features: drift warnings from the run log, `status` from the state alone, and
//! (below) WebSub pings, `/metrics` and `/healthz`.

mod support;

use support::{Project, Route, Server};

fn page(run: usize, items: usize, dated: bool) -> String {
    let list: String = (0..items)
        .map(|n| {
            let date = if dated {
                format!(
                    r#"<time datetime="2024-03-{:02}T10:00:00Z">March</time>"#,
                    1 + n % 28
                )
            } else {
                String::new()
            };
            format!(r#"<li><a href="/s/{n}">Story number {n} of the list</a> {date}</li>"#)
        })
        .collect();
    format!("<html><body><!-- run {run} --><ul>{list}</ul></body></html>")
}

fn section_of(report: &serde_json::Value, id: &str) -> serde_json::Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == format!("o/{id}"))
        .unwrap()
        .clone()
}

#[test]
fn drift_is_warned_and_status_tells_each_section_s_state() {
    let server = Server::start();
    let project = Project::new(&format!(
        "[[site]]\nid = \"o\"\n  [site.items]\n  item = \"li\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  [[site.section]]\n  id = \"broken\"\n  url = \"{}\"\n",
        server.url("/list"),
        server.url("/broken")
    ));
    server.route("/broken", Route::status(500));
    for run in 0..10 {
        server.route("/list", Route::ok("text/html", page(run, 20, true)));
        let report = project.run_json(1);
        assert_eq!(
            section_of(&report, "list")["drift"],
            serde_json::json!([]),
            "{report}"
        );
    }
    // The dates vanish from the page: the section works, and says its layout drifted.
    server.route("/list", Route::ok("text/html", page(10, 20, false)));
    let report = project.run_json(1);
    let list = section_of(&report, "list");
    assert_eq!(list["status"], "ok");
    let drift = list["drift"].as_array().unwrap();
    assert!(
        drift
            .iter()
            .any(|d| d.as_str().unwrap().starts_with("date filled 0 %")),
        "{list}"
    );
    // Then the item count halves.
    server.route("/list", Route::ok("text/html", page(11, 8, true)));
    let report = project.run_json(1);
    let list = section_of(&report, "list");
    assert!(
        list["drift"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().contains("item count fell to 8")),
        "{list}"
    );

    let status = project.status_json();
    let of = |id: &str| {
        status
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == format!("o/{id}"))
            .unwrap()
            .clone()
    };
    let list = of("list");
    assert!(list["last_success"].is_string(), "{list}");
    assert_eq!(list["consecutive_failures"], 0);
    assert_eq!(list["items"], 20);
    assert_eq!(list["found"], 8);
    assert_eq!(list["coverage"]["dated"], 8);
    assert_eq!(list["interval_secs"], 3600);
    let broken = of("broken");
    assert_eq!(broken["consecutive_failures"], 12);
    assert!(broken["last_success"].is_null());
    assert_eq!(broken["last_error_kind"], "http_status");
    assert!(broken["last_reason"].as_str().unwrap().contains("HTTP 500"));
    let table = project
        .cmd(&["status"])
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8_lossy(&table);
    assert!(table.contains("o/broken: failing:"), "{table}");
    assert!(table.contains("o/list: drift: item count fell"), "{table}");
}

#[test]
fn status_without_a_state_says_so() {
    let project = Project::new(
        "[[site]]\nid = \"o\"\n  [[site.section]]\n  id = \"x\"\n  url = \"http://127.0.0.1:9/\"\n",
    );
    let output = project.cmd(&["status"]).code(1).get_output().clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("no state yet"));
}

#[test]
fn websub_hub_is_told_of_each_changed_feed_once_and_a_failing_hub_only_warns() {
    let server = Server::start();
    server.route("/hub", Route::status(204));
    server.route("/list", Route::ok("text/html", page(0, 3, true)));
    let config = |hub: &str| {
        format!(
            "[output]\nbase_url = \"https://feeds.example.org/\"\nwebsub_hub = \"{hub}\"\n[fetch]\nhost_delay_ms = 0\nrobots_txt = false\nretries = 0\n[[site]]\nid = \"o\"\n  [site.items]\n  item = \"li\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n",
            server.url("/list")
        )
    };
    let project = Project::raw(&config(&server.url("/hub")));
    project.cmd(&["run"]).success();
    let pings: Vec<String> = server
        .hits()
        .into_iter()
        .filter(|h| h.path == "/hub")
        .map(|h| {
            assert_eq!(h.method, "POST");
            assert_eq!(
                h.headers["content-type"],
                "application/x-www-form-urlencoded"
            );
            String::from_utf8(h.body).unwrap()
        })
        .collect();
    assert_eq!(pings.len(), 3, "one per changed feed file: {pings:?}");
    assert!(pings.contains(
        &"hub.mode=publish&hub.url=https%3A%2F%2Ffeeds.example.org%2Fo%2Flist.atom".to_string()
    ));
    let rss = project.text("o/list.xml");
    assert!(
        rss.contains(&format!("href=\"{}\" rel=\"hub\"", server.url("/hub")))
            || rss.contains("rel=\"hub\""),
        "{rss}"
    );
    assert!(project.text("o/list.json").contains("\"type\": \"WebSub\""));

    // Nothing changed: no ping.
    server.clear_hits();
    project.cmd(&["run"]).success();
    assert_eq!(server.hits_of("/hub"), 0);

    // A hub that fails: the run still exits 0, with a warning.
    server.route("/hub", Route::status(500));
    server.route("/list", Route::ok("text/html", page(1, 4, true)));
    let report = project.run_json(0);
    let warnings = report["sections"][0]["warnings"].to_string();
    assert!(warnings.contains("WebSub hub not told"), "{warnings}");
    // The run's own line says so too, with the count; -v lists each; the table counts them.
    server.route("/list", Route::ok("text/html", page(2, 5, true)));
    let output = project.cmd(&["-v", "run"]).success().get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("o/list: ok"))
        .unwrap();
    assert!(
        line.contains("— 3 warnings: WebSub hub not told that"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .matches("o/list: warning: WebSub hub not told")
            .count(),
        3,
        "{stderr}"
    );
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.lines().next().unwrap().ends_with("warnings"),
        "{table}"
    );
    assert!(
        table.lines().nth(1).unwrap().trim_end().ends_with(" 3"),
        "{table}"
    );
    assert!(
        table.contains("1 section, 0 failed, 1 with warnings"),
        "{table}"
    );
}

/// A raw HTTP/1.0 GET: status and body.
fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: feeds\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn healthz_turns_503_past_the_threshold_and_back_and_metrics_carry_each_section() {
    let server = Server::start();
    server.route("/list", Route::ok("text/html", page(0, 3, true)));
    server.route("/flaky", Route::status(503));
    let project = Project::new(&format!(
        "[watch]\nunhealthy_after = 2\n[[site]]\nid = \"o\"\n  [site.items]\n  item = \"li\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n  [[site.section]]\n  id = \"flaky\"\n  url = \"{}\"\n",
        server.url("/list"),
        server.url("/flaky")
    ));
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let serve = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
            .args(["serve", "--addr", &addr.to_string(), "--config"])
            .arg(project.config())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut serving = serve();
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(get(addr, "/healthz").0, 200, "healthy before anything ran");
    assert_eq!(get(addr, "/metrics").0, 200);
    for _ in 0..2 {
        project.run_json(1);
    }
    let (code, body) = get(addr, "/healthz");
    assert_eq!(code, 200, "two failures are not more than two: {body}");
    // While `serve` reads the state, a third run still works beside it.
    project.run_json(1);
    let (code, body) = get(addr, "/healthz");
    assert_eq!(code, 503);
    assert!(body.contains("o/flaky failed 3 times in a row"), "{body}");
    let (code, metrics) = get(addr, "/metrics");
    assert_eq!(code, 200);
    for line in metrics.lines() {
        let valid = line.starts_with("# HELP ")
            || line.starts_with("# TYPE ")
            || line.starts_with("# UNIT ")
            || line == "# EOF"
            || line.rsplit_once(' ').is_some_and(|(name, value)| {
                !name.contains(' ') || name.contains('{') && value.parse::<f64>().is_ok()
            });
        assert!(valid, "not Prometheus text: {line:?}");
    }
    assert!(
        metrics.contains("feedwright_section_consecutive_failures{site=\"o\",section=\"flaky\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("feedwright_section_items_kept{site=\"o\",section=\"list\"} 3"),
        "{metrics}"
    );
    // The flaky page recovers: healthy again after one success.
    server.route("/flaky", Route::ok("text/html", page(1, 2, true)));
    project.run_json(0);
    let (code, _) = get(addr, "/healthz");
    assert_eq!(code, 200);
    let _ = serving.kill();
    let _ = serving.wait();
}
