//! A newcomer's first hour, as seen from the terminal: what `run`, `check`, `status` and
//! `suggest` say, in plain words, about pages as they really are.

mod support;

use support::{Project, Route, Server};

/// A page of two dated stories; `extra` goes at the end of the list.
fn list(extra: &str) -> String {
    format!(
        r#"<html><body><ul>
<li><a href="/a/1">The first story of the day</a> <span class="d">23.10.2024</span> <span class="by">Von Anna Schmidt</span></li>
<li><a href="/a/2">The second story of the day</a> <span class="d">22.10.2024</span> <span class="by">Von Jan Weber</span></li>
{extra}</ul></body></html>"#
    )
}

fn site(server: &Server, extra: &str) -> String {
    format!(
        "[[site]]\nid = \"n\"\ntimezone = \"Australia/Sydney\"\n  [site.items]\n  item = \"li\"\n  date = \"span.d\"\n  author = \"span.by\"\n  [[site.section]]\n  id = \"list\"\n  url = \"{}\"\n{extra}",
        server.url("/list")
    )
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_shows_dates_in_the_sites_zone_with_their_offset() {
    let server = Server::start();
    server.route("/list", Route::ok("text/html", list("")));
    let project = Project::new(&site(&server, ""));
    let output = project.cmd(&["check"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    // A date-only item is that day in Sydney, not the day before in UTC.
    assert!(
        table.contains("2024-10-23 00:00 +11:00  The first story of the day"),
        "{table}"
    );
    assert!(stderr_of(&output).contains("the section works"));
}

#[test]
fn bylines_in_other_languages_lose_their_leading_word() {
    let server = Server::start();
    server.route("/list", Route::ok("text/html", list("")));
    let project = Project::new(&site(&server, ""));
    project.cmd(&["run"]).success();
    let rss = project.text("n/list.xml");
    assert!(
        rss.contains("<dc:creator>Anna Schmidt</dc:creator>"),
        "{rss}"
    );
    assert!(!rss.contains("Von "), "{rss}");
}

#[test]
fn unchanged_and_failed_rows_show_the_feed_they_kept() {
    let server = Server::start();
    server.route(
        "/list",
        Route::ok("text/html", list("")).with_etag("\"v1\""),
    );
    let project = Project::new(&site(&server, ""));
    project.cmd(&["run"]).success();
    // 304: nothing was read, so nothing was found; the feed's two items are kept.
    let output = project.cmd(&["run"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(&row[..5], ["n/list", "ok", "-", "-", "2"], "{table}");
    assert!(table.contains("1 section, 0 failed"), "{table}");
    // The page breaks: the row and the line say the feed of two items stays.
    server.route(
        "/list",
        Route::ok("text/html", "<html><body><p>Gone</p></body></html>"),
    );
    let output = project.cmd(&["run"]).code(1).get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(&row[..5], ["n/list", "failed", "-", "-", "2"], "{table}");
    assert!(
        stderr_of(&output).contains("(its feed of 2 items stays as it was)"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn a_list_that_moved_into_javascript_is_named_as_such() {
    let server = Server::start();
    server.route("/list", Route::ok("text/html", list("")));
    let project = Project::new(&site(&server, ""));
    project.cmd(&["run"]).success();
    let app = format!(
        "<html><body><div id=\"app\"></div><script>{}</script></body></html>",
        "window.items = []; render(window.items);".repeat(10)
    );
    server.route("/list", Route::ok("text/html", app));
    let output = project.cmd(&["run"]).code(1).get_output().clone();
    let stderr = stderr_of(&output);
    assert!(stderr.contains("but 2 are stored"), "{stderr}");
    assert!(stderr.contains("may be built by JavaScript"), "{stderr}");
    assert!(stderr.contains("render = \"browser\""), "{stderr}");
    assert_eq!(stderr.matches("as it was").count(), 1, "{stderr}");

    // A page that runs scripts but shows its list over HTTP: the selector is wrong, and the
    // message says so without sending anyone to the browser.
    let scripted_list = list("").replace(
        "</body>",
        &format!(
            "<script>{}</script></body>",
            "track(window.location);".repeat(20)
        ),
    );
    server.route("/list", Route::ok("text/html", scripted_list));
    let fresh = Project::new(&site(&server, "").replace("item = \"li\"", "item = \"li.gone\""));
    let output = fresh.cmd(&["run"]).code(1).get_output().clone();
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("no items matched (wrong selectors or a changed layout?)"),
        "{stderr}"
    );
    assert!(!stderr.contains("JavaScript"), "{stderr}");
    assert!(!stderr.contains("already stored"), "{stderr}");
    assert!(!stderr.contains("as it was"), "{stderr}");
}

#[test]
fn a_config_without_base_url_warns_at_load() {
    let server = Server::start();
    server.route("/list", Route::ok("text/html", list("")));
    let project = Project::raw(&format!(
        "[fetch]\nrobots_txt = false\nhost_delay_ms = 0\n{}",
        site(&server, "")
    ));
    let output = project.cmd(&["run"]).success().get_output().clone();
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("warning:") && stderr.contains("has no base_url"),
        "{stderr}"
    );
}

#[test]
fn a_host_that_refuses_connections_is_a_connection_failure_not_robots() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let project = Project::with_fetch(
        "robots_txt = true",
        &format!(
            "[[site]]\nid = \"d\"\n  [[site.section]]\n  id = \"down\"\n  url = \"http://127.0.0.1:{port}/news\"\n"
        ),
    );
    let report = project.run_json(1);
    let section = &report["sections"][0];
    assert_eq!(section["error_kind"], "fetch", "{section}");
    let reason = section["reason"].as_str().unwrap();
    assert!(reason.contains("cannot connect"), "{reason}");
    assert!(!reason.contains("robots.txt"), "{reason}");
}

#[test]
fn status_shows_a_failing_sections_backoff_as_such() {
    let server = Server::start();
    server.route("/list", Route::status(500));
    let project = Project::new(&site(&server, "  every = \"30m\"\n"));
    for _ in 0..2 {
        project.cmd(&["run"]).code(1);
    }
    let output = project.cmd(&["status"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("2h (backing off from 30m)"), "{table}");
    let status = project.status_json();
    assert_eq!(status[0]["backoff_secs"], 7200, "{status}");
    assert_eq!(status[0]["interval_secs"], 1800, "{status}");
}

/// A German page: detection offers a date selector for `23. Oktober 2024` and the feed is
/// dated from it.
const GERMAN: &str = r#"<html lang="de"><body><main>
<div class="teaser"><h2><a href="/p/1">Bundestag beschließt den neuen Haushalt</a></h2><span class="zeit">23. Oktober 2024</span></div>
<div class="teaser"><h2><a href="/p/2">Länder streiten über die Finanzierung</a></h2><span class="zeit">22. Oktober 2024</span></div>
<div class="teaser"><h2><a href="/p/3">Opposition kündigt Widerstand im Ausschuss an</a></h2><span class="zeit">21. Oktober 2024</span></div>
</main></body></html>"#;

#[test]
fn detection_finds_dates_in_the_pages_language() {
    let server = Server::start();
    server.route("/robots.txt", Route::status(404));
    server.route("/politik/", Route::ok("text/html", GERMAN));
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["suggest", &server.url("/politik/")])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("date = \"span.zeit\""), "{stdout}");
    // An automatic section on the same page dates its items.
    let project = Project::new(&format!(
        "[[site]]\nid = \"de\"\n  [[site.section]]\n  id = \"politik\"\n  url = \"{}\"\n",
        server.url("/politik/")
    ));
    let output = project.cmd(&["check"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("2024-10-23 00:00 +00:00  Bundestag beschließt"),
        "{table}"
    );
    assert!(
        !stderr_of(&output).contains("no date"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn suggest_append_adds_the_section_keeping_the_configs_comments() {
    let server = Server::start();
    server.route("/robots.txt", Route::status(404));
    server.route("/politik/", Route::ok("text/html", GERMAN));
    server.route("/list", Route::ok("text/html", list("")));
    let project = Project::raw(&format!(
        "# My feeds, kept by hand\n[output]\nbase_url = \"https://feeds.example.org/\" # public\n\n[fetch]\nhost_delay_ms = 0\n\n{}",
        site(&server, "  # the list of the day\n")
    ));
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["suggest", &server.url("/politik/"), "--append"])
        .arg(project.config())
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("added section n/politik to ")
            && stderr.contains(", under the existing site n (same host); try it with"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(project.config()).unwrap();
    for kept in [
        "# My feeds, kept by hand",
        "# public",
        "# the list of the day",
    ] {
        assert!(text.contains(kept), "{kept} lost:\n{text}");
    }
    let output = project.cmd(&["check"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("== n/list (2 items)"), "{table}");
    assert!(table.contains("== n/politik (3 items)"), "{table}");
}

/// A selector that matches nothing warns on the run that read the page, and the warning
/// stands on the next run, which got 304 and read nothing — in its line, in `--json`, in
/// `status` (its warnings column and lines) — until a read clears it.
#[test]
fn warnings_stand_over_a_304_until_a_read_clears_them() {
    let server = Server::start();
    server.route(
        "/list",
        Route::ok("text/html", list("")).with_etag("\"v1\""),
    );
    let broken = site(&server, "").replace("date = \"span.d\"", "date = \"span.data\"");
    let project = Project::new(&broken);
    let first = project.run_json(0);
    let warned = first["sections"][0]["warnings"].clone();
    assert!(warned.to_string().contains("span.data"), "{first}");
    let output = project.cmd(&["run"]).success().get_output().clone();
    let stderr = stderr_of(&output);
    assert!(stderr.contains("ok, not modified"), "{stderr}");
    assert!(stderr.contains("span.data"), "{stderr}");
    let again = project.run_json(0);
    assert_eq!(again["sections"][0]["not_modified"], 1, "{again}");
    assert_eq!(again["sections"][0]["warnings"], warned, "{again}");
    let output = project.cmd(&["status"]).success().get_output().clone();
    let table = String::from_utf8_lossy(&output.stdout).into_owned();
    let header: Vec<&str> = table
        .lines()
        .next()
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert!(header.contains(&"warnings"), "{table}");
    assert!(
        table.contains("n/list: warning: ") && table.contains("span.data"),
        "{table}"
    );
    let status = project.status_json();
    assert_eq!(status[0]["warnings"], warned, "{status}");

    // The selector fixed: the page is read again (the rules changed) and the warning is gone.
    std::fs::write(project.config(), format!(
        "[output]\nbase_url = \"https://feeds.example.org/\"\n\n[fetch]\ntimeout_secs = 5\nhost_delay_ms = 0\nretries = 0\nrobots_txt = false\n\n{}",
        site(&server, "")
    ))
    .unwrap();
    let fixed = project.run_json(0);
    assert_eq!(
        fixed["sections"][0]["warnings"],
        serde_json::json!([]),
        "{fixed}"
    );
    let status = project.status_json();
    assert_eq!(status[0]["warnings"], serde_json::json!([]), "{status}");
}
