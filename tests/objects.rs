//! Object-storage output against a real S3-protocol server (`moto_server`, started here on
//! 127.0.0.1): every object put whole with its Content-Type and Cache-Control, nothing put
//! again when its bytes did not change, and the index across shards read back from the bucket.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use object_store::path::Path as ObjectPath;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};
use support::moto::{Moto, read, runtime};
use support::{LIST, Project, Route, Server};

/// Every object under the bucket: path → (last modified, e-tag).
fn objects(store: &impl ObjectStore) -> BTreeMap<String, (String, Option<String>)> {
    use futures_util::StreamExt;
    runtime().block_on(async {
        store
            .list(None)
            .map(|meta| {
                let meta = meta.unwrap();
                (
                    meta.location.to_string(),
                    (meta.last_modified.to_rfc3339(), meta.e_tag),
                )
            })
            .collect()
            .await
    })
}

fn run(project: &Project, moto: &Moto, shard: Option<&str>) -> serde_json::Value {
    let mut cmd = assert_cmd::Command::cargo_bin("feedwright").unwrap();
    cmd.args(["run", "--json", "--config"])
        .arg(project.config());
    for (name, value) in moto.env() {
        cmd.env(name, value);
    }
    if let Some(shard) = shard {
        cmd.env("FEEDWRIGHT_SHARD", shard);
    }
    let output = cmd.assert().success().get_output().clone();
    serde_json::from_slice(&output.stdout).unwrap()
}

fn project(server: &Server, dir: &str, sections: usize) -> Project {
    let mut config = format!(
        "[output]\ndir = \"{dir}\"\ncache_control = \"max-age=60, public\"\n\
         [fetch]\nhost_delay_ms = 0\nrobots_txt = false\nretries = 0\n\
         [[site]]\nid = \"news\"\n"
    );
    for s in 0..sections {
        let path = format!("/list/{s}");
        server.route(&path, Route::ok("text/html", LIST));
        config.push_str(&format!(
            "  [[site.section]]\n  id = \"s{s}\"\n  url = \"{}\"\n",
            server.url(&path)
        ));
    }
    Project::raw(&config)
}

#[test]
fn feeds_go_to_the_bucket_whole_typed_and_only_when_changed() {
    let Some(moto) = Moto::start() else {
        return;
    };
    moto.create_bucket("feeds");
    let server = Server::start();
    let project = project(&server, "s3://feeds/public", 2);

    let report = run(&project, &moto, None);
    assert_eq!(report["sections"].as_array().unwrap().len(), 2);
    let store = moto.store("feeds");
    let first = objects(&store);
    for name in [
        "public/news/s0.xml",
        "public/news/s0.atom",
        "public/news/s0.json",
        "public/news/s0.html",
        "public/news/s1.xml",
        "public/index.html",
        "public/feeds.opml",
    ] {
        assert!(first.contains_key(name), "{name} in {:?}", first.keys());
    }
    // The XSL stylesheet only when [output] stylesheet = true.
    assert!(!first.contains_key("public/style.xsl"));
    assert!(
        !project.dir.path().join("feeds").exists(),
        "nothing is written locally"
    );

    let runtime = runtime();
    for (name, content_type) in [
        ("public/news/s0.xml", "application/rss+xml; charset=utf-8"),
        (
            "public/news/s0.json",
            "application/feed+json; charset=utf-8",
        ),
        ("public/index.html", "text/html; charset=utf-8"),
    ] {
        let got = runtime
            .block_on(store.get(&ObjectPath::from(name)))
            .unwrap();
        assert_eq!(
            got.attributes
                .get(&Attribute::ContentType)
                .map(|v| v.as_ref()),
            Some(content_type),
            "{name}"
        );
        assert_eq!(
            got.attributes
                .get(&Attribute::CacheControl)
                .map(|v| v.as_ref()),
            Some("max-age=60, public"),
            "{name}"
        );
        let bytes = runtime.block_on(got.bytes()).unwrap();
        if name.ends_with(".xml") {
            let feed = feed_rs::parser::parse(&bytes[..]).unwrap();
            assert_eq!(feed.entries.len(), 2);
        }
    }

    // A second run with nothing new puts nothing: every object keeps its time and e-tag.
    std::thread::sleep(Duration::from_millis(1100));
    run(&project, &moto, None);
    assert_eq!(objects(&store), first, "an unchanged run put objects again");

    // A new story changes that section's objects only.
    std::thread::sleep(Duration::from_millis(1100));
    server.route(
        "/list/1",
        Route::ok(
            "text/html",
            LIST.replace(
                "</ul>",
                r#"<li><a href="/a/3">A third story today</a></li></ul>"#,
            ),
        ),
    );
    run(&project, &moto, None);
    let third = objects(&store);
    for (name, seen) in &first {
        let changed = third[name] != *seen;
        let expected = name.starts_with("public/news/s1.") || name == "public/index.html";
        assert_eq!(changed, expected, "{name} changed: {changed}");
    }
}

#[test]
fn shards_build_the_index_from_each_others_manifests_in_the_bucket() {
    let Some(moto) = Moto::start() else {
        return;
    };
    moto.create_bucket("sharded");
    let servers: Vec<Server> = (1..=3)
        .map(|i| Server::start_at(&format!("127.0.0.{i}")))
        .collect();
    let mut config = String::from(
        "[output]\ndir = \"s3://sharded\"\n[state]\npath = \"state-{shard}.db\"\n\
         [fetch]\nhost_delay_ms = 0\nrobots_txt = false\nretries = 0\n",
    );
    for (i, server) in servers.iter().enumerate() {
        server.route("/list", Route::ok("text/html", LIST));
        config.push_str(&format!(
            "[[site]]\nid = \"site{i}\"\n  [[site.section]]\n  id = \"front\"\n  url = \"{}\"\n",
            server.url("/list")
        ));
    }
    let project = Project::raw(&config);
    for k in [1, 0] {
        run(&project, &moto, Some(&format!("{k}/2")));
    }
    let store = moto.store("sharded");
    let listed = objects(&store);
    assert!(listed.contains_key("_shards/0-of-2.json"));
    assert!(listed.contains_key("_shards/1-of-2.json"));
    let index = read(&store, "index.html");
    let index = String::from_utf8_lossy(&index);
    for i in 0..3 {
        assert!(index.contains(&format!("site{i}/front.xml")), "{index}");
    }
}

#[test]
fn a_bucket_that_does_not_exist_is_a_clear_error() {
    let Some(moto) = Moto::start() else {
        return;
    };
    let server = Server::start();
    let project = project(&server, "s3://missing/feeds", 1);
    let output = moto.run(&project).assert().failure().get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("s3://missing/feeds/"),
        "the error names the object: {stderr}"
    );
    assert!(!stderr.contains("testing\""), "no secret in {stderr}");
    // In words, on one line each, and the sections' report still comes.
    assert!(
        stderr.contains("the bucket \"missing\" does not exist"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("<?xml") && !stderr.contains("<Error>"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["sections"].as_array().unwrap().len(), 1, "{report}");
    assert!(report["listing_error"].is_string(), "{report}");
}

#[test]
fn missing_credentials_and_a_plain_http_endpoint_say_what_to_set() {
    let Some(moto) = Moto::start() else {
        return;
    };
    moto.create_bucket("feeds");
    let server = Server::start();
    let project = project(&server, "s3://feeds", 1);
    let run = |drop: &str| {
        let mut cmd = assert_cmd::Command::cargo_bin("feedwright").unwrap();
        cmd.args(["run", "--config"]).arg(project.config());
        for (name, value) in moto.env() {
            if name != drop {
                cmd.env(name, value);
            } else {
                cmd.env_remove(name);
            }
        }
        let output = cmd.assert().failure().get_output().clone();
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let no_key = run("AWS_ACCESS_KEY_ID");
    assert!(
        no_key.contains("no credentials") && no_key.contains("AWS_ACCESS_KEY_ID"),
        "{no_key}"
    );
    assert!(!no_key.contains("169.254.169.254"), "{no_key}");
    let plain = run("AWS_ALLOW_HTTP");
    assert!(
        plain.contains("is plain HTTP: set AWS_ALLOW_HTTP=true"),
        "{plain}"
    );
    assert!(!plain.contains("builder error"), "{plain}");
    for stderr in [no_key, plain] {
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(!stderr.lines().any(|l| l.starts_with('<')), "{stderr}");
    }
}

#[test]
fn a_killed_run_leaves_every_object_whole() {
    let Some(moto) = Moto::start() else {
        return;
    };
    moto.create_bucket("feeds");
    let server = Server::start();
    let project = project(&server, "s3://feeds", 12);
    // Half the pages answer at once, half after a long wait: the run is killed in between.
    for s in (1..12).step_by(2) {
        server.route(
            &format!("/list/{s}"),
            Route::ok("text/html", LIST).delayed(10_000),
        );
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("feedwright"))
        .args(["run", "--config"])
        .arg(project.config())
        .envs(moto.env())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let store = moto.store("feeds");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !objects(&store).contains_key("news/s0.xml") {
        assert!(std::time::Instant::now() < deadline, "no object appeared");
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let listed = objects(&store);
    assert!(listed.len() >= 4, "{listed:?}");
    for name in listed
        .keys()
        .filter(|n| n.ends_with(".xml") || n.ends_with(".json"))
    {
        let bytes = read(&store, name);
        feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{name} is whole: {e}"));
    }
}
