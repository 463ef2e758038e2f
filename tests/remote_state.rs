//! The state in object storage (`state.path = "s3://…"`), against a real S3-protocol server:
//! downloaded at start and uploaded at the end with a conditional put, a lease object as the
//! lock (exit 3 while another worker holds it, taken over once expired), and a lost race that
//! fails loudly instead of overwriting another worker's history. `watch` uploads snapshots as
//! it goes and at the end; `status` reads a copy.

mod support;

use std::time::Duration;

use chrono::Utc;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use support::moto::{Moto, read, runtime};
use support::{LIST, Project, Route, Server};

fn project(server: &Server, delay_ms: u64) -> Project {
    project_with_lease(server, delay_ms, "10m")
}

fn project_with_lease(server: &Server, delay_ms: u64, lease: &str) -> Project {
    server.route("/list", Route::ok("text/html", LIST).delayed(delay_ms));
    Project::raw(&format!(
        "[output]\ndir = \"feeds\"\n[state]\npath = \"s3://state/workers/{{shard}}.db\"\nlease = \"{lease}\"\n\
         [fetch]\nhost_delay_ms = 0\nrobots_txt = false\nretries = 0\n\
         [[site]]\nid = \"news\"\n  [[site.section]]\n  id = \"front\"\n  url = \"{}\"\n",
        server.url("/list")
    ))
}

/// A moto server with the bucket `state`, a client of that bucket, and a test web; `None`
/// (the test skips) without `moto_server`.
fn state_bucket() -> Option<(Moto, impl ObjectStore, Server)> {
    let moto = Moto::start()?;
    moto.create_bucket("state");
    let store = moto.store("state");
    Some((moto, store, Server::start()))
}

fn exists(store: &impl ObjectStore, name: &str) -> bool {
    runtime()
        .block_on(store.head(&ObjectPath::from(name)))
        .is_ok()
}

fn put(store: &impl ObjectStore, name: &str, bytes: Vec<u8>) {
    runtime()
        .block_on(store.put(&ObjectPath::from(name), PutPayload::from(bytes)))
        .unwrap();
}

fn lease(expires: chrono::DateTime<Utc>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"holder": "other-host:42", "expires": expires})).unwrap()
}

#[test]
fn the_state_round_trips_through_the_bucket_under_a_lease() {
    let Some((moto, store, server)) = state_bucket() else {
        return;
    };
    let project = project(&server, 0);

    let first: serde_json::Value =
        serde_json::from_slice(&moto.run(&project).assert().success().get_output().stdout).unwrap();
    assert_eq!(first["sections"][0]["new"], 2);
    assert!(exists(&store, "workers/0.db"), "the state was uploaded");
    assert!(
        !exists(&store, "workers/0.db.lease"),
        "the lease was given back"
    );
    assert!(
        !project.dir.path().join(".feedwright").exists(),
        "no state is kept on this machine"
    );

    // The second worker starts from the first one's history: nothing is new.
    let second: serde_json::Value =
        serde_json::from_slice(&moto.run(&project).assert().success().get_output().stdout).unwrap();
    assert_eq!(second["sections"][0]["new"], 0, "{second}");
}

#[test]
fn a_live_lease_is_exit_3_and_an_expired_one_is_taken_over() {
    let Some((moto, store, server)) = state_bucket() else {
        return;
    };
    let project = project(&server, 0);

    put(
        &store,
        "workers/0.db.lease",
        lease(Utc::now() + chrono::Duration::minutes(5)),
    );
    let held = moto.run(&project).assert().code(3).get_output().clone();
    let stderr = String::from_utf8_lossy(&held.stderr);
    assert!(stderr.contains("s3://state/workers/0.db.lease"), "{stderr}");
    assert!(stderr.contains("other-host:42"), "{stderr}");
    assert_eq!(server.hits_of("/list"), 0, "nothing was fetched");

    put(
        &store,
        "workers/0.db.lease",
        lease(Utc::now() - chrono::Duration::minutes(1)),
    );
    moto.run(&project).assert().success();
    assert!(exists(&store, "workers/0.db"));
    assert!(!exists(&store, "workers/0.db.lease"));
}

#[test]
fn a_state_changed_under_a_run_is_a_lost_race_not_an_overwrite() {
    let Some((moto, store, server)) = state_bucket() else {
        return;
    };
    let project = project(&server, 0);
    moto.run(&project).assert().success();

    // Another worker uploads while this run is fetching (a slow page).
    server.route("/list", Route::ok("text/html", LIST).delayed(3000));
    let mut slow = moto.run(&project);
    let child = std::thread::spawn(move || slow.output().unwrap());
    std::thread::sleep(Duration::from_millis(1500));
    put(&store, "workers/0.db", b"another worker's state".to_vec());
    let output = child.join().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("another worker uploaded this state"),
        "{stderr}"
    );
    let kept = read(&store, "workers/0.db");
    assert_eq!(
        &kept[..],
        b"another worker's state",
        "the other upload stands"
    );
    assert!(!exists(&store, "workers/0.db.lease"));
}

#[test]
fn watch_uploads_its_state_as_it_goes_and_status_reads_it() {
    let Some((moto, store, server)) = state_bucket() else {
        return;
    };
    // A 3-second lease: a snapshot goes up (and the lease is renewed) every second.
    let project = project_with_lease(&server, 0, "3s");
    let watch = std::process::Command::new(assert_cmd::cargo::cargo_bin!("feedwright"))
        .args(["watch", "--config"])
        .arg(project.config())
        .envs(moto.env())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !exists(&store, "workers/0.db") {
        assert!(
            std::time::Instant::now() < deadline,
            "no state was uploaded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        exists(&store, "workers/0.db.lease"),
        "watch holds the lease"
    );
    // Past the first lease's end: still held, because it is renewed.
    std::thread::sleep(Duration::from_secs(4));
    moto.run(&project).assert().code(3);

    let status = assert_cmd::Command::cargo_bin("feedwright")
        .unwrap()
        .args(["status", "--json", "--config"])
        .arg(project.config())
        .envs(moto.env())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let status: serde_json::Value = serde_json::from_slice(&status).unwrap();
    let front = status
        .as_array()
        .or_else(|| status["sections"].as_array())
        .and_then(|sections| sections.iter().find(|s| s["section"] == "news/front"))
        .unwrap_or_else(|| panic!("{status}"));
    assert_eq!(front["items"], 2, "{front}");
    assert!(front["last_success"].is_string(), "{front}");

    std::process::Command::new("kill")
        .args(["-TERM", &watch.id().to_string()])
        .status()
        .unwrap();
    let stopped = watch.wait_with_output().unwrap();
    assert_eq!(
        stopped.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&stopped.stderr)
    );
    assert!(
        !exists(&store, "workers/0.db.lease"),
        "the lease was given back"
    );
    // The next worker starts from watch's history.
    let next: serde_json::Value =
        serde_json::from_slice(&moto.run(&project).assert().success().get_output().stdout).unwrap();
    assert_eq!(next["sections"][0]["new"], 0, "{next}");
}
