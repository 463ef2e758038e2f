//! Per-site request settings: `user_agent`, `headers` and `cookies` (site level, section
//! overrides), sent only to the site's own hosts, also after redirects; `${NAME}` values read
//! from the environment, and never shown or stored.

mod support;

use std::path::Path;

use support::{Project, Route, Server};

const LIST: &str = r#"<html><body><ul>
<li><a href="/a/1">The first story of the day</a> <time datetime="2024-03-01">1 March</time></li>
<li><a href="/a/2">The second story of the day</a> <time datetime="2024-03-02">2 March</time></li>
</ul></body></html>"#;

const WALL: &str = "<html><body><p>Please accept our cookies to continue.</p></body></html>";

fn everything_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(everything_under(&path));
        } else {
            found.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    found
}

#[test]
fn a_consent_wall_opens_with_the_site_s_cookie_and_headers_stay_on_its_hosts() {
    let server = Server::start();
    server.route(
        "/news",
        Route::ok("text/html", LIST).unless("cookie", "consent=yes", Route::ok("text/html", WALL)),
    );
    // The section's page redirects once to another host name of the same server.
    let elsewhere = server.url("/moved").replace("127.0.0.1", "localhost");
    server.route("/away", Route::status(302).header("location", &elsewhere));
    server.route("/moved", Route::ok("text/html", LIST));
    let config = format!(
        r#"[[site]]
id = "s"
user_agent = "site-bot/2.0"
headers = {{ "Accept-Language" = "de-DE", "X-Api-Key" = "${{FW_TEST_API_KEY}}" }}
cookies = "consent=yes; region=eu"
  [[site.section]]
  id = "walled"
  url = "{}"
  [[site.section]]
  id = "redirected"
  url = "{}"
  [[site.section]]
  id = "plain"
  url = "{}"
  cookies = "consent=no"
  headers = {{ "Accept-Language" = "fr-FR" }}
"#,
        server.url("/news"),
        server.url("/away"),
        server.url("/news")
    );
    let project = Project::new(&config);
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["run", "--json", "--config"])
        .arg(project.config())
        .env("FW_TEST_API_KEY", "key-from-the-environment")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let status = |id: &str| {
        report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == format!("s/{id}"))
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("walled"), "ok", "{report}");
    assert_eq!(status("redirected"), "ok", "{report}");
    assert_eq!(
        status("plain"),
        "failed",
        "the section's own cookie replaces the site's: the wall stays"
    );
    let hits = server.hits();
    let header = |path: &str, name: &str| -> Vec<Option<String>> {
        hits.iter()
            .filter(|h| h.path == path)
            .map(|h| h.headers.get(name).map(|v| v.to_str().unwrap().to_string()))
            .collect()
    };
    assert!(
        header("/news", "user-agent")
            .iter()
            .all(|ua| ua.as_deref() == Some("site-bot/2.0"))
    );
    let languages = header("/news", "accept-language");
    assert!(languages.contains(&Some("de-DE".into())) && languages.contains(&Some("fr-FR".into())));
    assert!(
        header("/news", "x-api-key")
            .iter()
            .all(|k| k.as_deref() == Some("key-from-the-environment"))
    );
    assert_eq!(
        header("/away", "cookie"),
        [Some("consent=yes; region=eu".into())]
    );
    // After the redirect to another host: our user agent, but no cookie and no header.
    assert_eq!(header("/moved", "cookie"), [None]);
    assert_eq!(header("/moved", "x-api-key"), [None]);
    assert_eq!(
        header("/moved", "user-agent"),
        [Some("site-bot/2.0".into())]
    );
}

#[test]
fn values_from_the_environment_never_reach_output_logs_state_or_feeds() {
    const SENTINEL: &str = "sentinel-5ecr3t-d0-not-leak";
    let server = Server::start();
    server.route(
        "/news",
        Route::ok("text/html", LIST).unless("cookie", SENTINEL, Route::ok("text/html", WALL)),
    );
    let config = format!(
        r#"[[site]]
id = "s"
cookies = "session=${{FW_SENTINEL}}"
headers = {{ "Authorization" = "Bearer ${{FW_SENTINEL}}" }}
  [[site.section]]
  id = "ok"
  url = "{}"
  [[site.section]]
  id = "broken"
  url = "{}?token=${{FW_SENTINEL}}"
"#,
        server.url("/news"),
        server.url("/missing")
    );
    let project = Project::new(&config);
    let mut said = String::new();
    for args in [&["-vv", "run"][..], &["run", "--json"], &["check"]] {
        let output = assert_cmd::Command::cargo_bin("feedwright")
            .unwrap()
            .args(args)
            .arg("--config")
            .arg(project.config())
            .env("FW_SENTINEL", SENTINEL)
            .output()
            .unwrap();
        said.push_str(&String::from_utf8_lossy(&output.stdout));
        said.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    assert!(said.contains("s/broken: failed"), "{said}");
    assert!(
        said.contains("${FW_SENTINEL}"),
        "the name stands in for the value: {said}"
    );
    assert!(!said.contains(SENTINEL), "a secret was shown:\n{said}");
    assert!(
        server
            .hits()
            .iter()
            .any(|h| h.path == format!("/missing?token={SENTINEL}")),
        "the real value was sent"
    );
    for (file, bytes) in everything_under(project.dir.path()) {
        if file.ends_with("config.toml") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(SENTINEL), "{file} holds the secret");
    }
    assert!(project.feed("s/ok.xml").exists());
}

#[test]
fn a_missing_variable_is_a_config_error_naming_it() {
    let project = Project::new(
        "[[site]]\nid = \"s\"\ncookies = \"a=${FW_TEST_SURELY_UNSET}\"\n  [[site.section]]\n  id = \"x\"\n  url = \"http://127.0.0.1:9/\"\n",
    );
    let output = project.cmd(&["check"]).code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("config.toml:")
            && stderr.contains("environment variable FW_TEST_SURELY_UNSET is not set"),
        "{stderr}"
    );
}

#[test]
fn sites_listed_one_after_the_other_take_turns() {
    // Two sites of three sections each, listed site after site, one request at a time: the
    // pass alternates between them instead of working through the first site's spacing.
    let servers: Vec<Server> = (2..4)
        .map(|i| Server::start_at(&format!("127.0.0.{i}")))
        .collect();
    let mut body = String::new();
    for (site, server) in ["a", "b"].iter().zip(&servers) {
        body.push_str(&format!("[[site]]\nid = \"{site}\"\n"));
        for n in 0..3 {
            server.route(&format!("/list/{n}"), Route::ok("text/html", LIST));
            body.push_str(&format!(
                "  [[site.section]]\n  id = \"s{n}\"\n  url = \"{}\"\n",
                server.url(&format!("/list/{n}"))
            ));
        }
    }
    let project = Project::with_fetch("concurrency = 1\nhost_delay_ms = 200", &body);
    let report = project.run_json(0);
    let listed: Vec<&str> = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["section"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["a/s0", "a/s1", "a/s2", "b/s0", "b/s1", "b/s2"]);
    let mut hits: Vec<(std::time::Instant, &str)> = servers
        .iter()
        .zip(["a", "b"])
        .flat_map(|(server, site)| server.hits().into_iter().map(move |h| (h.at, site)))
        .collect();
    hits.sort();
    let sites: Vec<&str> = hits.iter().map(|(_, site)| *site).collect();
    // Taken in turns: a, b, a, b, … The two sections started first race for the one request
    // slot, so they may swap, making at most one pair of neighbours on the same site (site
    // after site would make four).
    let same_site = sites.windows(2).filter(|w| w[0] == w[1]).count();
    assert!(same_site <= 1, "{sites:?}");
    assert_eq!(sites.len(), 6, "{sites:?}");
}
