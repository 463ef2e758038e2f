//! The local app's API as a client meets it: who may call it (loopback only, its own `Host`,
//! the page's token for writes), what it refuses in words (a block that would not load, a
//! config changed on disk), and a preview that is exactly what `check` and `run` give.

mod support;

use serde_json::{Value, json};
use support::app::Served;
use support::{Project, Route, Server};

/// A listing of `n` dated stories with bylines and teasers.
fn listing(n: usize) -> String {
    let items: String = (1..=n)
        .map(|i| {
            format!(
                r#"<article class="card"><h2 class="card-title"><a href="/story/{i}">Story number {i} of the week</a></h2>
                <time datetime="2026-11-{:02}T10:00:00Z">Nov {}, 2026</time><span class="byline">By Ann Writer {i}</span>
                <p class="teaser">What happened on day {i}, told in a sentence or two.</p></article>"#,
                30 - i,
                30 - i
            )
        })
        .collect();
    format!(
        r#"<!doctype html><html lang="en"><head><title>World news</title></head><body>
        <nav><ul><li><a href="/">Home of the site</a></li><li><a href="/world">World news section</a></li><li><a href="/sport">Sport news section</a></li></ul></nav>
        <main><h1>World</h1>{items}</main><footer><a href="/about">About this website</a></footer></body></html>"#
    )
}

fn site() -> Server {
    let server = Server::start();
    server.route("/world", Route::ok("text/html; charset=utf-8", listing(12)));
    server
}

struct Client {
    http: reqwest::Client,
    served: Served,
}

impl Client {
    fn new(served: Served) -> Client {
        Client {
            http: reqwest::Client::new(),
            served,
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let answer = self.http.get(self.served.url(path)).send().await.unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    }

    async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> (u16, Value) {
        let mut request = self
            .http
            .post(self.served.url(path))
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(token) = token {
            request = request.header("X-Feedwright-Token", token);
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        let text = answer.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn token(&self) -> String {
        let (_, page) = self.get("/build").await;
        let start = page.find(r#"name="feedwright-token" content=""#).unwrap() + 33;
        page[start..start + 32].to_string()
    }
}

fn config_with_output(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        "# my feeds\n[output]\nbase_url = \"https://feeds.example.org/\"\n\n[fetch]\nhost_delay_ms = 0\nrobots_txt = false\n",
    )
    .unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_refuses_what_it_must_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_output(dir.path());
    let site = site();
    let client = Client::new(Served::start(&config, "127.0.0.1:0"));
    let token = client.token().await;

    // A wrong Host (DNS rebinding) is refused.
    let rebound = client
        .http
        .get(client.served.url("/api/sections"))
        .header("Host", "attacker.example:80")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status().as_u16(), 403);

    let (status, detected) = client
        .post("/api/detect", &json!({"url": site.url("/world")}), None)
        .await;
    assert_eq!(status, 200, "{detected}");
    assert_eq!(detected["candidates"][0]["count"], 12, "{detected}");
    let section = json!({"id": "world", "title": "World", "url": site.url("/world"), "items": {"item": "article.card"}});
    let body = json!({"site": {"id": "news", "title": "News"}, "section": section});

    // Writes need the page's token.
    let (status, answer) = client.post("/api/sections", &body, None).await;
    assert_eq!(status, 403);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("X-Feedwright-Token"),
        "{answer}"
    );
    let (status, _) = client.post("/api/sections", &body, Some("0123")).await;
    assert_eq!(status, 403);

    // A block that would not load: the words `check` uses, and nothing written.
    let before = std::fs::read(&config).unwrap();
    let broken = json!({"site": {"id": "news"}, "section": {"id": "world", "url": site.url("/world"), "items": {"item": "div[.x"}}});
    let (status, answer) = client.post("/api/sections", &broken, Some(&token)).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("CSS selector"),
        "{answer}"
    );
    assert_eq!(std::fs::read(&config).unwrap(), before);

    // A good one is written, comments kept; the same save again writes nothing.
    let (status, answer) = client.post("/api/sections", &body, Some(&token)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["changed"], true);
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.starts_with("# my feeds\n"), "{written}");
    assert!(written.contains("item = \"article.card\""), "{written}");
    let (status, answer) = client.post("/api/sections", &body, Some(&token)).await;
    assert_eq!(
        (status, &answer["changed"]),
        (200, &json!(false)),
        "{answer}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);

    // Changed on disk since the app read it: 409, and the file as the other writer left it.
    let edited = format!("{written}# edited elsewhere\n");
    std::fs::write(&config, &edited).unwrap();
    let (status, answer) = client.post("/api/sections", &body, Some(&token)).await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("changed on disk"),
        "{answer}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), edited);

    // The dashboard's list reads the file again, and then a save goes through.
    let (status, listed) = client.get("/api/sections").await;
    assert_eq!(status, 200);
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["sections"][0]["id"], "news/world");
    assert_eq!(listed["sections"][0]["status"], "never");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_is_off_on_other_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_output(dir.path());
    let served = Served::start(&config, "0.0.0.0:0");
    let port = served.base.rsplit(':').next().unwrap().to_string();
    let http = reqwest::Client::new();
    for path in ["/", "/build", "/api/sections"] {
        let answer = http
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 403, "{path}");
        let text = answer.text().await.unwrap();
        assert!(text.contains("loopback addresses only"), "{path}: {text}");
    }
    let answer = http
        .post(format!("http://127.0.0.1:{port}/api/detect"))
        .header("Content-Type", "application/json")
        .body(json!({"url": "http://127.0.0.1:9/"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    let health = http
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_preview_is_what_check_and_run_give() {
    let site = site();
    let project = Project::new("");
    let client = Client::new(Served::start(&project.config(), "127.0.0.1:0"));
    let token = client.token().await;
    let (_, detected) = client
        .post("/api/detect", &json!({"url": site.url("/world")}), None)
        .await;
    let snapshot = detected["snapshot"].as_str().unwrap();
    let items = json!({"item": "article.card", "date": "time", "author": "span.byline", "summary": "p.teaser"});
    let hits = site.hits_of("/world");
    let (status, preview) = client
        .post(
            "/api/preview",
            &json!({"snapshot": snapshot, "items": items, "timezone": "Europe/Berlin"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(
        site.hits_of("/world"),
        hits,
        "the preview reads the kept page"
    );
    assert_eq!(preview["coverage"]["found"], 12);
    assert_eq!(preview["coverage"]["author"], 12);
    assert!(preview["rss"].as_str().unwrap().starts_with("<?xml"));
    assert_eq!(preview["items"][0]["date"], "2026-11-29T11:00:00+01:00");
    assert_eq!(preview["nodes"]["items"].as_array().unwrap().len(), 12);
    assert_eq!(
        preview["nodes"]["fields"]["author"]
            .as_array()
            .unwrap()
            .len(),
        12
    );

    // A selector that does not parse is a 400 in words.
    let (status, answer) = client
        .post(
            "/api/preview",
            &json!({"snapshot": snapshot, "items": {"item": "div[.x"}}),
            None,
        )
        .await;
    assert_eq!(status, 400, "{answer}");

    let section = json!({"id": "world", "title": "World", "url": site.url("/world"), "items": items, "timezone": "Europe/Berlin"});
    let (status, answer) = client
        .post(
            "/api/sections",
            &json!({"site": {"id": "news", "title": "News"}, "section": section}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, ran) = client
        .post("/api/run", &json!({"section": "news/world"}), Some(&token))
        .await;
    assert_eq!(status, 200, "{ran}");
    assert_eq!(ran["status"], "ok", "{ran}");
    let feed = project.parse("news/world.json");
    let ran_titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    let previewed: Vec<String> = preview["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ran_titles, previewed);

    // Editing that section: the preview says which items would arrive and leave.
    let (_, again) = client
        .post(
            "/api/preview",
            &json!({"snapshot": snapshot, "items": items, "section": "news/world"}),
            None,
        )
        .await;
    assert_eq!(again["diff"]["added"], json!([]), "{}", again["diff"]);
    assert_eq!(again["diff"]["removed"], json!([]), "{}", again["diff"]);
    let (_, fewer) = client
        .post(
            "/api/preview",
            &json!({"snapshot": snapshot, "items": {"item": "nav li"}, "section": "news/world"}),
            None,
        )
        .await;
    let (_, listed) = client.get("/api/sections").await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    let world = &listed["sections"][0];
    assert_eq!(world["status"], "ok", "{world}");
    assert_eq!(world["items"], 12);
    assert_eq!(world["runs"].as_array().unwrap().len(), 1);
    // The navigation's three links would arrive; nothing leaves a feed of 50.
    assert_eq!(
        fewer["diff"]["added"].as_array().unwrap().len(),
        3,
        "{fewer}"
    );
    assert_eq!(fewer["diff"]["removed"], json!([]));
}
