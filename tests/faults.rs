//! Faulty servers: every fault fails only its own section, with a one-line reason, within the
//! time the timeouts and retries allow, leaving its previous feed as it was, in bounded memory.

mod support;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::{Project, RawServer, Route, Server};

const GOOD: &str = "<html><body><ul><li><a href=\"/a/1\">A good story</a> <time>2024-03-01</time></li></ul></body></html>";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A raw server that answers well while `good` is set, and with `fault` afterwards.
fn raw(good: Arc<AtomicBool>, fault: fn(&mut std::net::TcpStream)) -> RawServer {
    RawServer::start(move |stream| {
        if good.load(Ordering::SeqCst) {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{GOOD}",
                GOOD.len()
            );
        } else {
            fault(stream);
        }
    })
}

fn drip(stream: &mut std::net::TcpStream) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
    );
    for byte in GOOD.bytes().cycle().take(30) {
        if stream.write_all(&[byte]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// 400 KiB in chunks, with no Content-Length.
fn chunked(stream: &mut std::net::TcpStream) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let chunk = vec![b'x'; 16 * 1024];
    for _ in 0..25 {
        if write!(stream, "{:x}\r\n", chunk.len())
            .and_then(|()| stream.write_all(&chunk))
            .and_then(|()| stream.write_all(b"\r\n"))
            .is_err()
        {
            return;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
}

fn truncated(stream: &mut std::net::TcpStream) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{}",
        &GOOD[..40]
    );
}

/// Peak resident memory of a process, in KiB, sampled until it exits.
fn run_measuring(project: &Project) -> (std::process::Output, u64, Duration) {
    let started = Instant::now();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("feedwright"))
        .args(["run", "--json", "--config"])
        .arg(project.config())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        while let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok());
            match hwm {
                Some(kib) => peak = peak.max(kib),
                None => break, // a zombie has no memory lines: the run is over
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        peak
    });
    let output = child.wait_with_output().unwrap();
    (output, sampler.join().unwrap(), started.elapsed())
}

#[test]
fn every_fault_fails_only_its_section_quickly_and_keeps_the_old_feed() {
    let server = Server::start();
    let good = Arc::new(AtomicBool::new(true));
    let dripping = raw(good.clone(), drip);
    let cut = raw(good.clone(), truncated);
    let streamed = raw(good.clone(), chunked);
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();

    let faults: Vec<(&str, Route, &str)> = vec![
        (
            "busy",
            Route::status(503).header("retry-after", "1"),
            "HTTP 503",
        ),
        ("error", Route::status(500), "HTTP 500"),
        (
            "slow-headers",
            Route::ok("text/html", GOOD).delayed(6000),
            "timed out",
        ),
        (
            "big",
            Route::ok("text/html", vec![b'x'; 300 * 1024]),
            "larger than",
        ),
        (
            "bomb",
            Route::ok("text/html", gzip(&vec![0u8; 64 << 20])).header("content-encoding", "gzip"),
            "larger than",
        ),
        (
            "loop",
            Route::status(302).header("location", "/f/loop"),
            "more than 10 redirects",
        ),
        (
            "file",
            Route::status(301).header("location", "file:///etc/passwd"),
            "non-http(s) URL: file:///etc/passwd",
        ),
        (
            "ftp",
            Route::status(301).header("location", "ftp://example.org/x"),
            "non-http(s) URL: ftp://",
        ),
        (
            "image",
            Route::ok("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
            "not an HTML page or feed (image/png)",
        ),
        (
            "garbage",
            Route::ok(
                "text/html",
                (0..4096u32)
                    .map(|i| (i * 7919 % 251) as u8)
                    .collect::<Vec<u8>>(),
            ),
            "binary data",
        ),
    ];
    let mut sections = String::new();
    for (id, _, _) in &faults {
        server.route(&format!("/f/{id}"), Route::ok("text/html", GOOD));
        sections.push_str(&format!(
            "  [[site.section]]\n  id = \"{id}\"\n  url = \"{}\"\n",
            server.url(&format!("/f/{id}"))
        ));
    }
    server.route(
        "/f/odd-charset",
        Route::ok("text/html; charset=x-no-such-charset", GOOD),
    );
    server.route("/f/healthy", Route::ok("text/html", GOOD));
    for (id, url) in [
        ("drip", dripping.url("/")),
        ("truncated", cut.url("/")),
        ("big-chunked", streamed.url("/")),
        ("odd-charset", server.url("/f/odd-charset")),
        ("healthy", server.url("/f/healthy")),
    ] {
        sections.push_str(&format!(
            "  [[site.section]]\n  id = \"{id}\"\n  url = \"{url}\"\n"
        ));
    }
    sections.push_str(&format!(
        "  [[site.section]]\n  id = \"refused\"\n  url = \"http://{refused}/\"\n"
    ));
    drop(std::net::TcpListener::bind(refused)); // nothing listens there from now on
    let project = Project::with_fetch(
        "timeout_secs = 2\nretries = 1\nmax_body_kb = 256",
        &format!("[[site]]\nid = \"f\"\n  [site.items]\n  item = \"li\"\n{sections}"),
    );

    // First every page is fine; then the faults begin.
    let (first, _, _) = run_measuring(&project);
    assert_eq!(
        first.status.code(),
        Some(1),
        "only the refused section fails at first"
    );
    let before: Vec<(String, Vec<u8>)> = faults
        .iter()
        .map(|(id, _, _)| id.to_string())
        .chain(["drip", "truncated", "big-chunked"].map(String::from))
        .map(|id| {
            let bytes = std::fs::read(project.feed(&format!("f/{id}.xml"))).unwrap();
            (id, bytes)
        })
        .collect();
    for (id, route, _) in &faults {
        server.route(&format!("/f/{id}"), route.clone());
    }
    server.route(
        "/f/healthy",
        Route::ok("text/html", GOOD.replace("A good story", "A newer story")),
    );
    good.store(false, Ordering::SeqCst);

    let (output, peak_kib, elapsed) = run_measuring(&project);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reason_of = |id: &str| {
        let section = json["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == format!("f/{id}"))
            .unwrap();
        (
            section["status"].as_str().unwrap().to_string(),
            section["reason"].as_str().unwrap_or("").to_string(),
        )
    };
    for (id, _, expected) in &faults {
        let (status, reason) = reason_of(id);
        assert_eq!(status, "failed", "{id}");
        assert!(
            reason.contains(expected),
            "{id}: {reason:?} should say {expected:?}"
        );
        assert!(!reason.contains('\n'), "{id}: one line");
    }
    for (id, expected) in [
        ("drip", "timed out"),
        ("truncated", "truncated"),
        ("big-chunked", "larger than 262144 bytes"),
        ("refused", "cannot connect"),
    ] {
        let (status, reason) = reason_of(id);
        assert_eq!(status, "failed", "{id}");
        assert!(reason.contains(expected), "{id}: {reason:?}");
    }
    assert_eq!(
        reason_of("odd-charset").0,
        "ok",
        "an unknown charset label falls back to detection"
    );
    assert_eq!(reason_of("healthy").0, "ok");
    assert!(
        std::fs::read_to_string(project.feed("f/healthy.xml"))
            .unwrap()
            .contains("A newer story")
    );
    for (id, bytes) in before {
        assert_eq!(
            std::fs::read(project.feed(&format!("f/{id}.xml"))).unwrap(),
            bytes,
            "{id}: previous feed untouched"
        );
    }
    // timeout 2 s × (1 retry + 1) plus backoff and a margin.
    assert!(elapsed < Duration::from_secs(8), "run took {elapsed:?}");
    assert!(
        peak_kib < 96 * 1024,
        "peak RSS {peak_kib} KiB: bodies are not buffered past the cap"
    );
    println!("faulty run: {elapsed:?}, peak RSS {} MiB", peak_kib / 1024);
    for section in json["sections"].as_array().unwrap() {
        println!(
            "  {}: {} {}",
            section["section"], section["status"], section["reason"]
        );
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.lines().filter(|l| l.contains(": failed: ")).count() >= faults.len() + 3,
        "{stderr}"
    );
}

#[test]
fn run_json_names_the_kind_of_each_failure() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Route::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
    );
    server.route("/ok", Route::ok("text/html", GOOD));
    server.route("/gone", Route::status(404));
    server.route("/down", Route::status(503));
    server.route(
        "/picture",
        Route::ok("image/png", vec![0x89, b'P', b'N', b'G']),
    );
    server.route(
        "/empty",
        Route::ok("text/html", "<html><body><p>Nothing</p></body></html>"),
    );
    server.route("/private/list", Route::ok("text/html", GOOD));
    server.route(
        "/feed",
        Route::ok("application/rss+xml", "<rss><channel><item>"),
    );
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut sections = String::new();
    let expected = [
        ("ok", server.url("/ok"), "ok", None),
        ("gone", server.url("/gone"), "failed", Some("http_status")),
        ("down", server.url("/down"), "failed", Some("http_status")),
        (
            "picture",
            server.url("/picture"),
            "failed",
            Some("content_type"),
        ),
        ("empty", server.url("/empty"), "failed", Some("no_items")),
        (
            "private",
            server.url("/private/list"),
            "failed",
            Some("robots"),
        ),
        (
            "refused",
            format!("http://{refused}/"),
            "failed",
            Some("fetch"),
        ),
        ("feed", server.url("/feed"), "failed", Some("parse")),
    ];
    for (id, url, _, _) in &expected {
        let source = if *id == "feed" {
            "\n  source = \"feed\""
        } else {
            ""
        };
        sections.push_str(&format!(
            "  [[site.section]]\n  id = \"{id}\"\n  url = \"{url}\"{source}\n"
        ));
    }
    let project = Project::with_fetch(
        "retries = 0\nrobots_txt = true",
        &format!("[[site]]\nid = \"k\"\n  [site.items]\n  item = \"li\"\n{sections}"),
    );
    let output = project.cmd(&["run", "--json"]).code(1).get_output().clone();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for (id, _, status, kind) in expected {
        let section = json["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == format!("k/{id}"))
            .unwrap();
        assert_eq!(section["status"], status, "{id}: {section}");
        assert_eq!(section["error_kind"].as_str(), kind, "{id}: {section}");
        assert_eq!(
            section["reason"].is_string(),
            kind.is_some(),
            "{id}: a failure has a reason, a success none"
        );
    }
}

/// Network failures each come with their way forward — a missing page, the site's own
/// trouble, a slow site, nothing answering, and a host that cannot be looked up (said once,
/// however many sections fail that way) — and the failure lines follow the config's order
/// as the table does, whichever section finished first.
#[test]
fn failures_carry_one_hint_each_in_the_configs_order() {
    let server = Server::start();
    server.route(
        "/slow/",
        Route::ok("text/html", support::LIST).delayed(2_500),
    );
    server.route("/gone/", Route::status(404));
    server.route("/broken/", Route::status(503));
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/news/")
    };
    let sections = [
        ("slow", server.url("/slow/")),
        ("gone", server.url("/gone/")),
        ("broken", server.url("/broken/")),
        ("closed", closed),
        ("dns-one", "http://no-such-host.invalid/news/".to_string()),
        (
            "dns-two",
            "http://another-missing-host.invalid/news/".to_string(),
        ),
    ];
    let body: String = sections
        .iter()
        .map(|(id, url)| format!("  [[site.section]]\n  id = \"{id}\"\n  url = \"{url}\"\n"))
        .collect();
    let project = Project::with_fetch("timeout_secs = 1", &format!("[[site]]\nid = \"s\"\n{body}"));
    let output = project.cmd(&["run"]).code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": failed: "))
        .collect();
    let order: Vec<&str> = lines
        .iter()
        .map(|l| l.split(':').next().unwrap().trim_start_matches("s/"))
        .collect();
    assert_eq!(
        order,
        ["slow", "gone", "broken", "closed", "dns-one", "dns-two"],
        "{stderr}"
    );
    for (line, hint) in lines.iter().zip([
        "the site was too slow to answer; the next run tries again",
        "the page moved? open it in a browser",
        "the site's own trouble; the next run tries again",
        "nothing answers there",
        "no network, or a misspelled host?",
    ]) {
        assert!(line.contains(hint), "{line}");
    }
    assert_eq!(
        stderr.matches("no network, or a misspelled host?").count(),
        1,
        "{stderr}"
    );
}
