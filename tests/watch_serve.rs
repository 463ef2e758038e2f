//! `watch` (schedules, backoff, reload, clean stop) and `serve` (content types, 304s,
//! traversal), through the binary.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Project, Route, Server};

fn list_page(slug: &str) -> String {
    format!(
        "<html><body><ul><li><a href=\"/a/{slug}\">Story {slug}</a> <time>2024-03-01</time></li></ul></body></html>"
    )
}

fn section(id: &str, url: &str, every: &str) -> String {
    format!("  [[site.section]]\n  id = \"{id}\"\n  url = \"{url}\"\n  every = \"{every}\"\n")
}

fn site(sections: &str) -> String {
    format!("[[site]]\nid = \"w\"\n  [site.items]\n  item = \"li\"\n{sections}")
}

fn spawn(project: &Project, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
        .args(args)
        .arg("--config")
        .arg(project.config())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn terminate(child: &mut Child) -> (i32, String) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code().unwrap_or(-1), stderr);
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "watch did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A raw HTTP/1.0 GET, so that paths reach the server exactly as written.
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String, Vec<u8>) {
    let started = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(addr) {
            Ok(stream) => break stream,
            Err(_) if started.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => panic!("{addr}: {e}"),
        }
    };
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n{extra}\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, response[split + 4..].to_vec())
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    })
}

#[test]
fn sections_run_on_their_own_schedules_and_sigterm_stops_cleanly() {
    let server = Server::start();
    for (path, slug) in [("/fast", "f"), ("/medium", "m"), ("/slow", "s")] {
        server.route(path, Route::ok("text/html", list_page(slug)));
    }
    let sections = [
        section("fast", &server.url("/fast"), "1s"),
        section("medium", &server.url("/medium"), "2s"),
        section("slow", &server.url("/slow"), "4s"),
    ]
    .concat();
    let project = Project::new(&site(&sections));
    let mut child = spawn(&project, &["watch"]);
    std::thread::sleep(Duration::from_millis(6500));
    let (code, stderr) = terminate(&mut child);
    assert_eq!(code, 0, "{stderr}");
    let (fast, medium, slow) = (
        server.hits_of("/fast"),
        server.hits_of("/medium"),
        server.hits_of("/slow"),
    );
    println!("in 6.5 s: fast (1s) {fast}, medium (2s) {medium}, slow (4s) {slow}");
    assert!((5..=8).contains(&fast), "fast: {fast}");
    assert!((3..=4).contains(&medium), "medium: {medium}");
    assert!((2..=2).contains(&slow), "slow: {slow}");
    assert_eq!(project.parse("w/fast.xml").entries.len(), 1);
    assert!(project.feed("index.html").exists());
}

#[test]
fn sigterm_during_a_fetch_finishes_the_write_then_exits_0() {
    let server = Server::start();
    server.route(
        "/slow",
        Route::ok("text/html", list_page("x")).delayed(1500),
    );
    let project = Project::new(&site(&section("slow", &server.url("/slow"), "1h")));
    let mut child = spawn(&project, &["watch"]);
    let started = Instant::now();
    while server.hits_of("/slow") == 0 {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
    }
    let (code, stderr) = terminate(&mut child);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("w/slow: ok"),
        "the run in flight finished: {stderr}"
    );
    for name in ["w/slow.xml", "w/slow.atom", "w/slow.json"] {
        assert_eq!(project.parse(name).entries.len(), 1, "{name} whole");
    }
    let leftovers: Vec<_> = std::fs::read_dir(project.feed("w"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn failing_sections_back_off_and_config_changes_are_picked_up() {
    let server = Server::start();
    server.route("/broken", Route::status(500));
    server.route("/ok", Route::ok("text/html", list_page("o")));
    server.route("/added", Route::ok("text/html", list_page("a")));
    let project = Project::new(&site(
        &[
            section("broken", &server.url("/broken"), "1s"),
            section("ok", &server.url("/ok"), "1h"),
        ]
        .concat(),
    ));
    let mut child = spawn(&project, &["watch"]);
    std::thread::sleep(Duration::from_millis(2500));
    // A bad config is reported and the running one kept.
    std::fs::write(project.config(), "[[site]]\nid = \"BAD ID\"\n").unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let good = site(
        &[
            section("broken", &server.url("/broken"), "1s"),
            section("ok", &server.url("/ok"), "1h"),
            section("added", &server.url("/added"), "1h"),
        ]
        .concat(),
    );
    std::fs::write(project.config(), format!("[output]\nbase_url = \"https://feeds.example.org/\"\n[fetch]\nretries = 0\nhost_delay_ms = 0\nrobots_txt = false\n{good}")).unwrap();
    std::thread::sleep(Duration::from_millis(3000));
    let (code, stderr) = terminate(&mut child);
    assert_eq!(code, 0, "{stderr}");
    let broken = server.hits_of("/broken");
    assert!(
        (3..=5).contains(&broken),
        "1s interval doubling on failure: {broken} requests in 8 s\n{stderr}"
    );
    assert!(stderr.contains("keeping the previous config"), "{stderr}");
    assert!(stderr.contains("config reloaded: 3 sections"), "{stderr}");
    assert_eq!(server.hits_of("/added"), 1);
    assert_eq!(server.hits_of("/ok"), 1);
    assert!(project.feed("w/added.xml").exists());
}

#[test]
fn a_second_watch_on_the_same_state_exits_3() {
    let server = Server::start();
    server.route("/ok", Route::ok("text/html", list_page("o")));
    let project = Project::new(&site(&section("ok", &server.url("/ok"), "1h")));
    let mut first = spawn(&project, &["watch"]);
    std::thread::sleep(Duration::from_millis(500));
    let out = project.cmd(&["run"]).code(3);
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr).contains(&format!("pid {}", first.id()))
    );
    let second = Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
        .args(["watch", "--config"])
        .arg(project.config())
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(3));
    assert_eq!(terminate(&mut first).0, 0);
}

#[test]
fn serve_gives_feed_types_304s_and_refuses_traversal() {
    let server = Server::start();
    server.route("/ok", Route::ok("text/html", list_page("o")));
    let project = Project::new(&site(&section("ok", &server.url("/ok"), "1h")));
    project.cmd(&["run"]).success();
    std::fs::write(project.dir.path().join("secret.txt"), "do not serve").unwrap();
    let addr = free_addr();
    let mut child = spawn(&project, &["serve", "--addr", &addr.to_string()]);

    let (status, head, body) = get(addr, "/index.html", &[]);
    assert_eq!(status, 200);
    assert!(
        header(&head, "content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(String::from_utf8_lossy(&body).contains("w/ok.xml"));
    for (path, media) in [
        ("/w/ok.xml", "application/rss+xml"),
        ("/w/ok.atom", "application/atom+xml"),
        ("/w/ok.json", "application/feed+json"),
        ("/feeds.opml", "text/x-opml"),
    ] {
        let (status, head, _) = get(addr, path, &[]);
        assert_eq!(status, 200, "{path}");
        assert!(
            header(&head, "content-type").unwrap().starts_with(media),
            "{path}: {head}"
        );
        let etag = header(&head, "etag").unwrap();
        let modified = header(&head, "last-modified").unwrap();
        assert_eq!(
            get(addr, path, &[("If-None-Match", &etag)]).0,
            304,
            "{path}"
        );
        assert_eq!(
            get(addr, path, &[("If-Modified-Since", &modified)]).0,
            304,
            "{path}"
        );
    }
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/w/..%2F..%2Fsecret.txt",
        "/..%5csecret.txt",
    ] {
        let (status, _, body) = get(addr, path, &[]);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !String::from_utf8_lossy(&body).contains("do not serve"),
            "{path}"
        );
    }
    assert_eq!(get(addr, "/nope.xml", &[]).0, 404);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn watch_can_serve_the_folder_too() {
    let server = Server::start();
    server.route("/ok", Route::ok("text/html", list_page("o")));
    let project = Project::new(&site(&section("ok", &server.url("/ok"), "1h")));
    let addr = free_addr();
    let mut child = spawn(&project, &["watch", "--serve", &addr.to_string()]);
    let started = Instant::now();
    loop {
        let (status, _, _) = get(addr, "/w/ok.xml", &[]);
        if status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "feed never served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, stderr) = terminate(&mut child);
    assert_eq!(code, 0);
    // It says where it serves, and that it stopped.
    assert!(stderr.contains(&format!("on http://{addr}/")), "{stderr}");
    assert!(stderr.contains("watching 1 section of"), "{stderr}");
    assert!(stderr.trim_end().ends_with("watch stopped"), "{stderr}");
}

#[test]
fn serve_finishes_the_answer_under_way_on_sigterm_and_exits_0() {
    let server = Server::start();
    server.route("/ok", Route::ok("text/html", list_page("o")));
    let project = Project::new(&site(&section("ok", &server.url("/ok"), "1h")));
    project.cmd(&["run"]).success();
    let addr = free_addr();
    let mut child = spawn(&project, &["serve", "--addr", &addr.to_string()]);
    let started = Instant::now();
    while get(addr, "/", &[]).0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "serve never answered"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // A request whose headers are only half sent when the signal arrives.
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /w/ok.xml HTTP/1.1\r\nHost: feeds\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    stream.write_all(b"Connection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("<rss"), "the whole feed arrives");
    let (code, stderr) = terminate(&mut child);
    assert_eq!(code, 0, "serve exits 0 on SIGTERM: {stderr}");
}
