//! `feedwright check` and config errors, through the binary.

mod support;

use support::{Project, Route, Server};

fn config(server: &Server) -> String {
    format!(
        r#"
[[site]]
id = "smn"
  [site.items]
  item = "p:has(span.BH)"
  date = "span.BHS"
  [[site.section]]
  id = "industry"
  url = "{}"
  [[site.section]]
  id = "moved"
  url = "{}"
"#,
        server.url("/industry"),
        server.url("/moved")
    )
}

fn server() -> Server {
    let server = Server::start();
    server.route(
        "/industry",
        Route::fixture("spacemedia/index-space-industry.html"),
    );
    server.route(
        "/moved",
        Route::ok(
            "text/html",
            "<html><body><div>New layout</div></body></html>",
        ),
    );
    server
}

#[test]
fn check_prints_items_and_writes_nothing() {
    let server = server();
    let project = Project::new(&config(&server));
    let out = project.cmd(&["check", "smn/industry"]).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("== smn/industry (15 items)"), "{stdout}");
    assert!(
        stdout.contains(r#"selector matches: item "p:has(span.BH)" 15, date "span.BHS" 15"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("2013-04-04 00:00 +00:00  Collision Course? A Comet Heads for Mars"),
        "{stdout}"
    );
    assert!(stdout.contains(
        "http://www.spacedaily.com/reports/Collision_Course_A_Comet_Heads_for_Mars_999.html"
    ));
    assert!(
        !project.dir.path().join("feeds").exists(),
        "check must not write feeds"
    );
    assert!(
        !project.dir.path().join(".feedwright").exists(),
        "check must not write state"
    );
    assert_eq!(
        server.hits_of("/moved"),
        0,
        "only the named section is fetched"
    );
}

#[test]
fn check_fails_when_a_section_yields_nothing_and_says_so() {
    let server = server();
    let project = Project::new(&config(&server));
    let out = project.cmd(&["check"]).code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("smn/moved: failed:"), "{stderr}");
    assert!(stderr.contains("no items matched"), "{stderr}");
    assert!(
        stderr.contains("1 of 2 sections works; 1 does not: smn/moved"),
        "{stderr}"
    );
    assert!(
        stderr.contains("item selector \"p:has(span.BH)\" matched nothing")
            || stderr.contains("no items matched")
    );
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("== smn/industry (15 items)"), "{stdout}");
}

#[test]
fn check_warns_about_selectors_that_match_nothing() {
    let server = server();
    let project =
        Project::new(&config(&server).replace("date = \"span.BHS\"", "date = \"span.nodate\""));
    let out = project.cmd(&["check", "smn/industry"]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("smn/industry: warning: date selector \"span.nodate\" matched nothing"),
        "{stderr}"
    );
    assert!(stderr.contains("15 of 15 items have no date"), "{stderr}");
}

#[test]
fn bad_config_exits_2_naming_file_line_and_column_and_fetches_nothing() {
    let server = server();
    let cases = [
        (config(&server).replace("date = ", "dat = "), ":6:3:", "dat"),
        (
            config(&server).replace("p:has(span.BH)", "p:has("),
            ":5:10:",
            "invalid CSS selector",
        ),
        (
            format!("{}  exclude = [\"(\"]\n", config(&server)),
            ":13:14:",
            "invalid regex",
        ),
        (
            config(&server).replace("id = \"moved\"", "id = \"industry\""),
            ":11:8:",
            "duplicate section id",
        ),
        (
            config(&server).replace("id = \"smn\"", "id = \"smn\"\ntimezone = \"Mars/Base\""),
            ":4:12:",
            "unknown timezone",
        ),
    ];
    for (text, place, message) in cases {
        let project = Project::raw(&text);
        for command in ["run", "check"] {
            let out = project.cmd(&[command]).code(2);
            let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
            let expected = format!("{}{place}", project.config().display());
            assert!(
                stderr.contains(&expected),
                "{command}: {stderr} should name {expected}"
            );
            assert!(
                stderr.contains(message),
                "{command}: {stderr} should say {message}"
            );
        }
    }
    assert!(
        server.hits().is_empty(),
        "nothing is fetched on a bad config"
    );
}

#[test]
fn missing_config_and_bad_usage_exit_2() {
    let project = Project::raw("");
    std::fs::remove_file(project.config()).unwrap();
    let out = project.cmd(&["run"]).code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("config.toml"));
    assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .arg("frobnicate")
        .assert()
        .code(2);
}

#[test]
fn config_path_comes_from_the_environment() {
    let server = server();
    let project = Project::new(&config(&server));
    assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["run", "--only", "smn/industry"])
        .env("FEEDWRIGHT_CONFIG", project.config())
        .current_dir(std::env::temp_dir())
        .assert()
        .success();
    assert!(
        project.feed("smn/industry.xml").exists(),
        "paths resolve against the config's folder"
    );
}

#[test]
fn the_default_config_reads_an_smn_index_page() {
    let server = Server::start();
    server.route(
        "/Military_Space.html",
        Route::fixture("spacemedia/index-space-industry.html"),
    );
    let default =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.toml")).unwrap();
    let local = default
        .replace(
            "https://www.spacewar.com/Military_Space.html",
            &server.url("/Military_Space.html"),
        )
        .replace("robots_txt = true", "robots_txt = false")
        .replace("host_delay_ms = 2000", "host_delay_ms = 0");
    let project = Project::raw(&local);
    let out = project.cmd(&["check", "spacewar/military-space"]).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("== spacewar/military-space (15 items)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2013-04-03 00:00 +00:00  Europe readies for solar storm risks"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2013-04-02 00:00 +00:00  LHC upgrade could yield dark matter"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        !stderr.contains("no date"),
        "every item is dated from its dateline: {stderr}"
    );
}

#[test]
fn check_speaks_json_and_status_gives_its_zone() {
    let server = Server::start();
    server.route("/list", Route::ok("text/html", support::LIST.to_string()));
    let project = Project::new(&format!(
        "[[site]]\nid = \"s\"\ntimezone = \"Europe/Berlin\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n",
        server.url("/list")
    ));
    let json = project.check_json();
    let section = &json["sections"][0];
    assert_eq!(section["section"], "s/news");
    assert_eq!(section["status"], "ok");
    assert_eq!(section["items"].as_array().unwrap().len(), 2);
    assert!(
        section["items"][0]["date"]
            .as_str()
            .unwrap()
            .ends_with("+01:00"),
        "dates in the site's zone: {section}"
    );
    project.cmd(&["run"]).success();
    let status = project
        .cmd(&["status"])
        .success()
        .get_output()
        .stdout
        .clone();
    let status = String::from_utf8_lossy(&status);
    assert!(status.contains(" UTC "), "{status}");
}
