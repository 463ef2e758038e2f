//! `--shard K/N`: sections split by host group (every section in exactly one shard, every host
//! in one shard), `{shard}` in `state.path`, and an index that lists every shard's feeds
//! whatever order the shards ran in.

mod support;

use std::collections::{HashMap, HashSet};

use support::{LIST, Project, Route, Server};

/// Seven test servers on seven loopback hosts, two sections on each; two sites share a host
/// through `hosts`.
fn project(servers: &[Server]) -> Project {
    let mut config = String::from("[state]\npath = \".feedwright/state-{shard}.db\"\n");
    for (i, server) in servers.iter().enumerate() {
        config.push_str(&format!("[[site]]\nid = \"site{i}\"\n"));
        if i == 1 {
            config.push_str("hosts = [\"127.0.0.3\"]\n");
        }
        for s in 0..2 {
            let path = format!("/list/{i}/{s}");
            server.route(&path, Route::ok("text/html", LIST));
            config.push_str(&format!(
                "  [[site.section]]\n  id = \"s{s}\"\n  url = \"{}\"\n",
                server.url(&path)
            ));
        }
    }
    Project::new(&config)
}

fn servers() -> Vec<Server> {
    (1..=7)
        .map(|i| Server::start_at(&format!("127.0.0.{i}")))
        .collect()
}

#[test]
fn three_shards_cover_every_section_once_and_the_index_lists_them_all() {
    let servers = servers();
    let project = project(&servers);
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut host_shard: HashMap<String, u32> = HashMap::new();
    // Shards in reverse order: the index still ends up complete.
    for k in [2, 1, 0] {
        let output = assert_cmd::Command::cargo_bin("feedwright")
            .unwrap()
            .args(["run", "--json", "--config"])
            .arg(project.config())
            .env("FEEDWRIGHT_SHARD", format!("{k}/3"))
            .assert()
            .success()
            .get_output()
            .clone();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        for section in report["sections"].as_array().unwrap() {
            let key = section["section"].as_str().unwrap().to_string();
            assert!(
                seen.insert(key.clone(), k).is_none(),
                "{key} ran in two shards"
            );
        }
        assert!(project.feed(&format!("_shards/{k}-of-3.json")).exists());
        assert!(
            project
                .dir
                .path()
                .join(format!(".feedwright/state-{k}.db"))
                .exists()
        );
    }
    assert_eq!(seen.len(), 14, "every section ran: {seen:?}");
    // One host, one shard; site1 and site2 share 127.0.0.3, so they share a shard.
    for (key, k) in &seen {
        let site: usize = key[4..5].parse().unwrap();
        let host = format!("127.0.0.{}", site + 1);
        assert_eq!(
            *host_shard.entry(host.clone()).or_insert(*k),
            *k,
            "{host} split"
        );
    }
    assert_eq!(seen["site1/s0"], seen["site2/s0"]);
    let index = project.text("index.html");
    let opml = project.text("feeds.opml");
    for key in seen.keys() {
        assert!(
            index.contains(&format!("{key}.xml")),
            "{key} not in the index"
        );
        assert!(
            opml.contains(&format!("{key}.xml")),
            "{key} not in the OPML"
        );
    }
    // check --shard lists a shard's sections.
    let output = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["check", "--shard", "0/3", "--config"])
        .arg(project.config())
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    let listed: HashSet<&str> = table
        .lines()
        .filter_map(|l| l.strip_prefix("== ")?.split_whitespace().next())
        .collect();
    let zero: HashSet<&str> = seen
        .iter()
        .filter(|(_, k)| **k == 0)
        .map(|(s, _)| s.as_str())
        .collect();
    assert_eq!(listed, zero);
    // A stale manifest of another count is ignored.
    std::fs::write(
        project.feed("_shards/0-of-5.json"),
        r#"[{"stem":"ghost/feed","site_title":"Ghost","section_title":"Feed","page_url":"http://x/","items":1,"updated":null}]"#,
    )
    .unwrap();
    assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["run", "--shard", "1/3", "--config"])
        .arg(project.config())
        .assert()
        .success();
    let index = project.text("index.html");
    assert!(!index.contains("ghost/feed"));
    assert_eq!(index.matches("<li>").count(), 14, "{index}");
}

#[test]
fn a_bad_shard_is_a_usage_error() {
    let servers = servers();
    let project = project(&servers);
    project.cmd(&["run", "--shard", "3/3"]).code(2);
}

/// Runs `run --json` for shard `shard` (none: unsharded); returns the report and stderr.
fn run_shard(project: &Project, shard: Option<&str>) -> (serde_json::Value, String) {
    let mut command = assert_cmd::Command::cargo_bin("feedwright").unwrap();
    command
        .args(["run", "--json", "--config"])
        .arg(project.config())
        .env_remove("FEEDWRIGHT_SHARD");
    if let Some(shard) = shard {
        command.env("FEEDWRIGHT_SHARD", shard);
    }
    let output = command.assert().success().get_output().clone();
    (
        serde_json::from_slice(&output.stdout).unwrap(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Each section's feed dates, from the RSS file.
fn feed_dates(project: &Project, key: &str) -> Vec<String> {
    let feed = project.parse(&format!("{key}.xml"));
    feed.entries
        .iter()
        .map(|e| format!("{} {:?}", e.id, e.published))
        .collect()
}

#[test]
fn moving_to_more_and_fewer_shards_keeps_every_sections_history() {
    let servers = servers();
    let project = project(&servers);
    let (first, _) = run_shard(&project, None);
    let keys: Vec<String> = first["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["section"].as_str().unwrap().to_string())
        .collect();
    let dates: HashMap<&String, Vec<String>> =
        keys.iter().map(|k| (k, feed_dates(&project, k))).collect();
    // Later runs see a changed page (one more story) so that every section is read again.
    for (i, server) in servers.iter().enumerate() {
        for s in 0..2 {
            let page = LIST.replace(
                "</ul>",
                "<li><a href=\"/a/3\">A third story of the day</a></li></ul>",
            );
            server.route(&format!("/list/{i}/{s}"), Route::ok("text/html", page));
        }
    }
    for layout in [["0/3", "1/3", "2/3"].as_slice(), ["0/2", "1/2"].as_slice()] {
        let mut seen = 0;
        for shard in layout {
            let (report, stderr) = run_shard(&project, Some(shard));
            for section in report["sections"].as_array().unwrap() {
                seen += 1;
                let key = section["section"].as_str().unwrap().to_string();
                assert!(
                    section["new"].as_u64().unwrap() <= 1,
                    "{shard} {key}: its two stories came back as new: {section}"
                );
                let now = feed_dates(&project, &key);
                for kept in &dates[&key] {
                    assert!(now.contains(kept), "{shard} {key}: {kept} moved: {now:?}");
                }
            }
            // A state that did not exist yet takes its sections' history from the others.
            if ["1/3", "2/3"].contains(shard) && !report["sections"].as_array().unwrap().is_empty()
            {
                assert!(
                    stderr.contains("state: shard count is now"),
                    "{shard}: {stderr}"
                );
                assert!(
                    report["reseeded"]["sections"].as_u64().unwrap() > 0,
                    "{report}"
                );
            }
        }
        assert_eq!(seen, keys.len());
    }
}
