//! `render = "browser"`: pages whose list is built by JavaScript, rendered in headless
//! Chromium, become feeds; the browser's requests are filtered and counted; a page that never
//! settles fails alone; no Chromium process outlives a run, a killed run, or `watch`.
//!
//! `.ci/run` installs Debian's chromium, and under CI these tests fail without it. Elsewhere,
//! without a chromium on the PATH, they say so and pass.

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Project, Route, Server, fixture};

/// Chromium tests run one at a time: on two cores, several browsers at once make a page's
/// timers late enough to miss `timeout_secs`.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn chromium_installed() -> bool {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .any(|name| {
            std::env::var("PATH")
                .unwrap_or_default()
                .split(':')
                .any(|dir| Path::new(dir).join(name).is_file())
        });
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must install chromium (see .ci/run)"
    );
    if !found {
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
    }
    found
}

/// Processes whose command line names `marker` (each run's browser profile lives under the
/// test's own temporary folder, so this finds that test's browser and nothing else).
fn processes_naming(marker: &Path) -> Vec<String> {
    let marker = marker.to_string_lossy().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .chars()
            .all(|c| c.is_ascii_digit())
        {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(&marker) {
            found.push(cmdline.chars().take(120).collect());
        }
    }
    found
}

/// Waits up to `limit` for every process naming `marker` to be gone.
fn gone_within(marker: &Path, limit: Duration) -> Result<(), Vec<String>> {
    let started = Instant::now();
    loop {
        let left = processes_naming(marker);
        if left.is_empty() {
            return Ok(());
        }
        if started.elapsed() > limit {
            return Err(left);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn feedwright(project: &Project, tmp: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(args)
        .arg("--config")
        .arg(project.config())
        .env("TMPDIR", tmp)
        .env_remove("FEEDWRIGHT_CONFIG")
        .assert()
}

fn spawn(project: &Project, tmp: &Path, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
        .args(args)
        .arg("--config")
        .arg(project.config())
        .env("TMPDIR", tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn server() -> Server {
    let server = Server::start();
    for page in ["inline-json", "api", "late", "hang"] {
        server.route(
            &format!("/{page}.html"),
            Route::fixture(&format!("browser/{page}.html")),
        );
    }
    server.route(
        "/api/items.json",
        Route::ok("application/json", fixture("browser/api-items.json")).delayed(700),
    );
    server.route("/style.css", Route::ok("text/css", "body { color: black }"));
    server
}

fn section(id: &str, url: &str, extra: &str) -> String {
    format!("  [[site.section]]\n  id = \"{id}\"\n  url = \"{url}\"\n{extra}")
}

fn titles(project: &Project, stem: &str) -> Vec<String> {
    project
        .parse(&format!("{stem}.xml"))
        .entries
        .into_iter()
        .map(|e| e.title.unwrap().content)
        .collect()
}

#[test]
fn lists_built_by_scripts_become_feeds_and_a_page_that_never_settles_fails_alone() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let sections = [
        section(
            "inline",
            &server.url("/inline-json.html"),
            "  items = { item = \"li.note\", summary = \"p.teaser\" }\n",
        ),
        section("api", &server.url("/api.html"), ""),
        section(
            "late",
            &server.url("/late.html"),
            "  wait_for = \"div.story\"\n",
        ),
        section("early", &server.url("/late.html"), ""),
        section("hang", &server.url("/hang.html"), ""),
        section(
            "plain",
            &server.url("/inline-json.html"),
            "  render = \"http\"\n",
        ),
    ]
    .concat();
    let project = Project::with_fetch(
        "timeout_secs = 12",
        &format!("[[site]]\nid = \"js\"\nrender = \"browser\"\n{sections}"),
    );
    let output = feedwright(&project, tmp.path(), &["run", "--json"])
        .code(1)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let section = |id: &str| {
        report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == format!("js/{id}"))
            .unwrap()
            .clone()
    };

    // The list built from inline JSON: titles, links, dates and teasers.
    assert_eq!(section("inline")["status"], "ok", "{report}");
    let feed = project.parse("js/inline.xml");
    let first = &feed.entries[0];
    assert_eq!(
        first.title.as_ref().unwrap().content,
        "Second stage ignites over the Atlantic"
    );
    assert_eq!(
        first.links[0].href,
        server.url("/notes/second-stage"),
        "links are absolute"
    );
    assert_eq!(
        first.published.unwrap().to_rfc3339(),
        "2024-10-23T14:05:00+00:00"
    );
    assert!(
        first
            .summary
            .as_ref()
            .unwrap()
            .content
            .contains("upper stage burned")
    );

    // The list fetched from /api/items.json after the load event, answered late.
    assert_eq!(section("api")["status"], "ok", "{report}");
    assert_eq!(
        titles(&project, "js/api"),
        [
            "Docking completed on the second attempt",
            "Crew reports a quiet night aboard",
            "Solar array deployment confirmed",
            "Orbit raised ahead of the rendezvous"
        ]
    );
    let api = project.parse("js/api.xml");
    assert_eq!(
        api.entries[0].published.unwrap().date_naive().to_string(),
        "2024-10-23"
    );
    assert_eq!(server.hits_of("/api/items.json"), 1);
    assert_eq!(
        section("api")["requests"],
        3,
        "page, stylesheet and data are counted; the image and icon are never requested"
    );
    assert_eq!(server.hits_of("/banner.png"), 0, "images are not loaded");
    assert_eq!(server.hits_of("/favicon.ico"), 0);

    // wait_for waits for a list that appears two seconds after load; without it, it is missed.
    assert_eq!(section("late")["status"], "ok", "{report}");
    assert_eq!(
        titles(&project, "js/late"),
        ["Late story number one", "Late story number two"]
    );
    assert_eq!(section("early")["error_kind"], "no_items", "{report}");

    // A page whose script never ends fails by timeout, in one line; the others are written.
    let hang = section("hang");
    assert_eq!(hang["error_kind"], "browser", "{report}");
    let reason = hang["reason"].as_str().unwrap();
    assert!(
        reason.contains("did not finish loading within 12s"),
        "{reason}"
    );
    assert!(!reason.contains('\n'));

    // Over plain HTTP the script never runs, but the data it builds the list from is on the
    // page: the same stories, read without a browser.
    assert_eq!(section("plain")["status"], "ok", "{report}");
    assert_eq!(
        titles(&project, "js/plain")[0],
        "Second stage ignites over the Atlantic"
    );

    gone_within(tmp.path(), Duration::from_secs(10))
        .unwrap_or_else(|left| panic!("Chromium outlived the run: {left:#?}"));
    let profiles: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(profiles.is_empty(), "the browser profile is removed");
}

#[test]
fn a_killed_run_leaves_no_browser_behind() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = Server::start();
    // The page answers after a minute: the run is killed while the browser waits for it.
    server.route(
        "/slow",
        Route::fixture("browser/inline-json.html").delayed(60_000),
    );
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::with_fetch(
        "timeout_secs = 90",
        &format!(
            "[[site]]\nid = \"k\"\nrender = \"browser\"\n{}",
            section("slow", &server.url("/slow"), "")
        ),
    );
    let mut child = spawn(&project, tmp.path(), &["run"]);
    let started = Instant::now();
    while processes_naming(tmp.path()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no browser started"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    gone_within(tmp.path(), Duration::from_secs(10))
        .unwrap_or_else(|left| panic!("Chromium outlived a killed run: {left:#?}"));
    // The next run removes the profile the killed one left.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    server.route("/slow", Route::fixture("browser/inline-json.html"));
    std::fs::write(
        project.config(),
        std::fs::read_to_string(project.config())
            .unwrap()
            .replace("timeout_secs = 90", "timeout_secs = 10"),
    )
    .unwrap();
    feedwright(&project, tmp.path(), &["run"]).success();
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "leftover profile reaped"
    );
}

#[test]
fn watch_closes_its_browser_on_sigterm() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::with_fetch(
        "timeout_secs = 10",
        &format!(
            "[[site]]\nid = \"w\"\nrender = \"browser\"\nevery = \"1h\"\n{}",
            section(
                "inline",
                &server.url("/inline-json.html"),
                "  items = { item = \"li.note\" }\n"
            )
        ),
    );
    let mut child = spawn(&project, tmp.path(), &["watch"]);
    let started = Instant::now();
    while !project.feed("w/inline.xml").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no feed written"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !processes_naming(tmp.path()).is_empty(),
        "watch keeps its browser between runs"
    );
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    gone_within(tmp.path(), Duration::from_secs(10))
        .unwrap_or_else(|left| panic!("Chromium outlived watch: {left:#?}"));
}

#[test]
fn without_chromium_browser_sections_say_so_and_http_sections_work() {
    let _one_browser_at_a_time = serial();
    let server = server();
    server.route("/blog.html", Route::fixture("generic/blog.html"));
    let empty = tempfile::tempdir().unwrap();
    let project = Project::new(&format!(
        "[[site]]\nid = \"n\"\n{}{}",
        section(
            "js",
            &server.url("/inline-json.html"),
            "  render = \"browser\"\n"
        ),
        section("plain", &server.url("/blog.html"), ""),
    ));
    let run = |command: &str| {
        assert_cmd::Command::cargo_bin("feedwright")
            .unwrap()
            .args([command, "--config"])
            .arg(project.config())
            .env("PATH", empty.path())
            .assert()
            .code(1)
            .get_output()
            .clone()
    };
    let output = run("check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let needs =
        "render = \"browser\" needs Chromium: apt-get install chromium, or set [browser] path";
    let warning = stderr.lines().position(|l| l.contains(needs));
    let first_failure = stderr.lines().position(|l| l.contains("failed"));
    assert!(
        warning.is_some() && warning < first_failure,
        "check says so up front: {stderr}"
    );
    let output = run("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("n/js: failed: {needs}")),
        "{stderr}"
    );
    assert!(!stderr.contains("n/plain: failed"), "{stderr}");
}

#[test]
fn page_loads_wait_their_host_turn_and_carry_the_site_s_agent_headers_and_cookies() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let note = "  items = { item = \"li.note\" }\n";
    let sections: String = (0..3)
        .map(|i| {
            let path = format!("/page-{i}.html");
            server.route(&path, Route::fixture("browser/inline-json.html"));
            section(&format!("p{i}"), &server.url(&path), note)
        })
        .collect();
    let project = Project::with_fetch(
        "host_delay_ms = 700\nuser_agent = \"feedwright-test/1.0 (+https://feeds.example.org/)\"",
        &format!(
            "[browser]\ntabs = 3\n\n[[site]]\nid = \"p\"\nrender = \"browser\"\ncookies = \"consent=yes\"\nheaders = {{ \"Accept-Language\" = \"de-DE\" }}\n{sections}"
        ),
    );
    feedwright(&project, tmp.path(), &["run"]).success();
    let pages: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.path.starts_with("/page-"))
        .collect();
    assert_eq!(pages.len(), 3);
    // Turns are 700 ms apart when the browser is let go; on a busy machine its own latency
    // before the request reaches the server varies, so allow for some of it.
    for pair in pages.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= Duration::from_millis(450),
            "page loads {gap:?} apart"
        );
    }
    for hit in &pages {
        assert_eq!(
            hit.headers["user-agent"],
            "feedwright-test/1.0 (+https://feeds.example.org/)"
        );
        assert_eq!(hit.headers["cookie"], "consent=yes");
        assert_eq!(hit.headers["accept-language"], "de-DE");
    }
}

#[test]
fn suggest_and_check_show_the_rendered_list() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = server();
    let tmp = tempfile::tempdir().unwrap();
    let suggest_on = |page: &str, extra: &[&str]| {
        let output = assert_cmd::Command::cargo_bin("feedwright")
            .unwrap()
            .arg("suggest")
            .arg(server.url(page))
            .args(extra)
            .env("TMPDIR", tmp.path())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).to_string(),
        )
    };
    let suggest = |extra: &[&str]| suggest_on("/inline-json.html", extra);
    // A list fetched by the script: over HTTP the page shows nothing.
    let (code, plain) = suggest_on("/api.html", &[]);
    assert_eq!(code, Some(1), "over HTTP the list is empty: {plain}");
    assert!(plain.contains("may be built by JavaScript"), "{plain}");
    assert!(plain.contains("--browser"), "{plain}");
    // A list built from data on the page: read from that data, no browser needed.
    let (code, data) = suggest(&[]);
    assert_eq!(code, Some(0), "{data}");
    assert!(
        data.contains("Candidate 1: list in the page's script data"),
        "{data}"
    );
    let (code, rendered) = suggest(&["--browser"]);
    assert_eq!(code, Some(0), "{rendered}");
    assert!(
        !rendered.contains("may be built by JavaScript"),
        "{rendered}"
    );
    // The block runs pasted alone into an empty config, in the browser.
    let block = rendered
        .split("yours with --append config.toml.")
        .nth(1)
        .unwrap_or_else(|| panic!("{rendered}"));
    assert!(block.contains("render = \"browser\""), "{block}");
    let alone = Project::raw(block);
    feedwright(&alone, tmp.path(), &["check"]).success();
    assert!(rendered.contains("li.note"), "{rendered}");
    assert!(
        rendered.contains("Second stage ignites over the Atlantic"),
        "{rendered}"
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"c\"\nrender = \"browser\"\n{}",
        section(
            "inline",
            &server.url("/inline-json.html"),
            "  items = { item = \"li.note\" }\n"
        )
    ));
    let output = feedwright(&project, tmp.path(), &["check"])
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("== c/inline (3 items)"), "{table}");
    assert!(table.contains("Fairing halves recovered at sea"), "{table}");
    assert!(
        !project.feed("c/inline.xml").exists(),
        "check writes nothing"
    );
    gone_within(tmp.path(), Duration::from_secs(10)).unwrap();
}

#[test]
fn a_browser_that_dies_is_started_again_and_the_run_goes_on() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = server();
    server.route(
        "/slow.html",
        Route::fixture("browser/inline-json.html").delayed(5_000),
    );
    let tmp = tempfile::tempdir().unwrap();
    let note = "  items = { item = \"li.note\" }\n";
    let project = Project::with_fetch(
        "timeout_secs = 20",
        &format!(
            "[browser]\ntabs = 1\n\n[[site]]\nid = \"c\"\nrender = \"browser\"\n{}{}{}",
            section("slow", &server.url("/slow.html"), note),
            section("after", &server.url("/inline-json.html"), note),
            section("api", &server.url("/api.html"), ""),
        ),
    );
    let child = Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
        .args(["run", "--json", "--config"])
        .arg(project.config())
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.hits_of("/slow.html") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the slow page was never asked for"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The browser's main process (the one without a --type) dies while the page loads.
    let marker = tmp.path().to_string_lossy().to_string();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.contains(&marker) && !cmdline.contains("--type=") {
            let pid = entry.file_name().to_string_lossy().to_string();
            Command::new("kill").args(["-KILL", &pid]).status().unwrap();
        }
    }
    let output = child.wait_with_output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let status = |id: &str| {
        report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == format!("c/{id}"))
            .map(|s| (s["status"].clone(), s["error_kind"].clone()))
            .unwrap()
    };
    assert_eq!(status("slow").1, "browser", "{report}");
    assert_eq!(status("after").0, "ok", "{report}");
    assert_eq!(status("api").0, "ok", "{report}");
    gone_within(tmp.path(), Duration::from_secs(10)).unwrap();
}

#[test]
fn render_auto_goes_to_the_browser_only_when_http_yields_nothing_and_remembers() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = server();
    server.route("/plain.html", Route::ok("text/html", support::LIST));
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::new(&format!(
        "[[site]]\nid = \"a\"\nrender = \"auto\"\n{}{}{}",
        section(
            "inline",
            &server.url("/inline-json.html"),
            "  items = { item = \"li.note\" }\n"
        ),
        section(
            "plain",
            &server.url("/plain.html"),
            "  items = { item = \"li\" }\n"
        ),
        section("api", &server.url("/api.html"), ""),
    ));
    let run = || {
        let output = feedwright(&project, tmp.path(), &["run", "--json"])
            .success()
            .get_output()
            .clone();
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let first = run();
    let inline = &first["sections"][0];
    let plain = &first["sections"][1];
    assert_eq!(inline["render"], "browser", "{inline}");
    assert_eq!(inline["found"], 3, "{inline}");
    assert_eq!(plain["render"], "http", "{plain}");
    assert_eq!(
        plain["requests"], 1,
        "a server-rendered page never starts the browser"
    );
    assert_eq!(
        server.hits_of("/inline-json.html"),
        2,
        "HTTP first, then the browser"
    );
    // A list fetched from a JSON address after the load.
    let api = &first["sections"][2];
    assert_eq!(
        (api["render"].as_str(), api["found"].as_u64()),
        (Some("browser"), Some(4)),
        "{api}"
    );
    assert_eq!(server.hits_of("/api/items.json"), 1);
    assert!(titles(&project, "a/inline").contains(&"Fairing halves recovered at sea".to_string()));
    // The next run goes straight to the browser.
    server.clear_hits();
    let second = run();
    assert_eq!(second["sections"][0]["render"], "browser");
    assert_eq!(server.hits_of("/inline-json.html"), 1, "no HTTP try first");
    let check = feedwright(&project, tmp.path(), &["check"])
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8_lossy(&check.stdout);
    assert!(
        table.contains("render = \"auto\": read over browser"),
        "{table}"
    );
    let status = feedwright(&project, tmp.path(), &["status"])
        .success()
        .get_output()
        .clone();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("a/inline: render = \"auto\": read over browser"),
        "{status}"
    );
}

#[test]
fn render_auto_without_chromium_reads_over_http_and_warns() {
    let _one_browser_at_a_time = serial();
    let server = Server::start();
    server.route("/plain.html", Route::ok("text/html", support::LIST));
    server.route(
        "/empty.html",
        Route::ok("text/html", "<html><body><div id=app></div></body></html>"),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"a\"\nrender = \"auto\"\n{}{}",
        section(
            "plain",
            &server.url("/plain.html"),
            "  items = { item = \"li\" }\n"
        ),
        section(
            "empty",
            &server.url("/empty.html"),
            "  items = { item = \"li\" }\n"
        ),
    ));
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["run", "--json", "--config"])
        .arg(project.config())
        .env("PATH", "/nonexistent")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["sections"][0]["status"], "ok", "{report}");
    let empty = &report["sections"][1];
    assert_eq!(
        empty["error_kind"], "no_items",
        "not a failure of its own: {empty}"
    );
    assert!(
        empty["warnings"]
            .to_string()
            .contains("the browser could not help"),
        "{empty}"
    );
}

#[test]
fn the_browser_stays_out_of_the_machines_own_network() {
    let _one_browser_at_a_time = serial();
    if !chromium_installed() {
        return;
    }
    let server = Server::start();
    server.route(
        "/probe.html",
        Route::ok(
            "text/html",
            r#"<html><body><ul id="list"></ul><script>
fetch('http://169.254.169.254/latest/meta-data/').catch(() => {});
const list = document.getElementById('list');
for (const n of [1, 2, 3]) {
  list.insertAdjacentHTML('beforeend', `<li class="note"><a href="/n/${n}">Note number ${n} of the day</a></li>`);
}
</script></body></html>"#,
        ),
    );
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::new(&format!(
        "[[site]]\nid = \"p\"\nrender = \"browser\"\n{}",
        section(
            "probe",
            &server.url("/probe.html"),
            "  items = { item = \"li.note\" }\n"
        )
    ));
    let output = feedwright(&project, tmp.path(), &["run"])
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refused http://169.254.169.254/latest/meta-data/"),
        "{stderr}"
    );
    assert!(stderr.contains("link-local"), "{stderr}");
    assert_eq!(titles(&project, "p/probe").len(), 3);
}
