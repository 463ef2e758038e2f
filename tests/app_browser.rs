//! The app driven in headless Chromium as a person uses it, through the page hooks the
//! acceptance suite relies on: paste a URL, pick candidate 0, set a field by clicking the page,
//! save, run; open that section again, see the diff, save nothing. Every request the browser
//! makes is counted: none may leave this server, also on a hostile page. Screenshots of the
//! dashboard and the builder at two sizes go to `target/app-screens/` for a person to look at.
//!
//! Under CI this test fails without Chromium; elsewhere it says so and passes.

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::network::{EnableParams, EventRequestWillBeSent};
use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::layout::Point;
use chromiumoxide::page::ScreenshotParams;
use futures_util::StreamExt;
use support::app::{Chrome, Served, eventually};
use support::{Project, Route, Server};

const WAIT: Duration = Duration::from_secs(20);

fn listing() -> String {
    let items: String = (1..=10)
        .map(|i| {
            format!(
                r#"<article class="story"><h3 class="headline"><a href="/news/{i}.html">Headline number {i} of the day</a></h3>
                <p class="meta"><span class="when">Nov {d}, 2026</span> · <span class="writer">Kim Reporter</span></p>
                <p class="lede">The short story of headline {i}, as the site tells it.</p></article>"#,
                d = 30 - i
            )
        })
        .collect();
    format!(
        r#"<!doctype html><html lang="en-GB"><head><title>Daily news</title><link rel="stylesheet" href="/site.css"><style>.story{{border-bottom:1px solid #ccc;padding:8px}}</style></head>
        <body><header><nav><a href="/">Front page link</a> <a href="/sport">Sport pages link</a> <a href="/weather">Weather pages link</a></nav></header>
        <main><h1>Latest news</h1>{items}</main><footer><a href="/about">About the newspaper</a></footer></body></html>"#
    )
}

/// A page that tries every way to reach elsewhere, all of them pointing at `elsewhere`.
fn hostile(elsewhere: &str) -> String {
    format!(
        r#"<!doctype html><html><head><base href="{e}/base/"><link rel="stylesheet" href="{e}/sheet.css">
        <link rel="preload" href="{e}/preload.js" as="script"><link rel="dns-prefetch" href="{e}/">
        <meta http-equiv="refresh" content="5;url={e}/refresh"><style>@import url("{e}/import.css"); body {{ background: url({e}/bg.png) }}</style>
        <script src="{e}/script.js"></script><script>fetch("{e}/fetch"); new Image().src = "{e}/beacon";</script></head>
        <body onload="fetch('{e}/onload')"><iframe src="{e}/frame"></iframe><object data="{e}/object"></object><embed src="{e}/embed">
        <video poster="{e}/poster.png" src="{e}/video.mp4"></video><svg><image href="{e}/svg.png"/></svg>
        <form action="{e}/form"><input type="image" src="{e}/input.png"></form>
        <ul class="list">{items}</ul><div style="background-image:url('{e}/style.png')">styled</div></body></html>"#,
        e = elsewhere,
        items = (1..=6)
            .map(|i| format!(r#"<li class="entry"><a href="/e/{i}" onmouseover="fetch('{elsewhere}/hover')">Entry number {i} of the list</a><img src="{elsewhere}/img{i}.png" srcset="{elsewhere}/img{i}-2x.png 2x"></li>"#))
            .collect::<String>()
    )
}

/// Every URL the page and its frames request.
fn count_requests(page: &Page, seen: Arc<Mutex<Vec<String>>>) -> impl Future<Output = ()> {
    let page = page.clone();
    async move {
        page.execute(EnableParams::default()).await.unwrap();
        let mut events = page
            .event_listener::<EventRequestWillBeSent>()
            .await
            .unwrap();
        tokio::spawn(async move {
            while let Some(event) = events.next().await {
                seen.lock().unwrap().push(event.request.url.clone());
            }
        });
    }
}

/// The requests of `seen` that went anywhere but the app at `base` (`data:` and
/// `about:` URLs are no requests).
fn off_server<'a>(seen: &'a [String], base: &str) -> Vec<&'a String> {
    seen.iter()
        .filter(|u| !u.starts_with(base) && !u.starts_with("data:") && !u.starts_with("about:"))
        .collect()
}

async fn js(page: &Page, expression: &str) -> serde_json::Value {
    page.evaluate(expression)
        .await
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .into_value()
        .unwrap_or(serde_json::Value::Null)
}

/// Clicks, with the mouse, the first element inside the builder's page frame that `css`
/// selects.
async fn click_in_frame(page: &Page, css: &str) {
    let main = page.mainframe().await.unwrap();
    let expression = format!(
        "(() => {{ const el = document.querySelector({css:?}); el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
    );
    // The frame and its scripts are looked up again on each try: the builder reloads the
    // page frame while a preview settles, and a context of the frame before is gone.
    let inner: Vec<f64> = eventually(WAIT, "the element in the frame", || async {
        let frame = page
            .frames()
            .await
            .ok()?
            .into_iter()
            .find(|f| Some(f) != main.as_ref())?;
        let context = page.frame_execution_context(frame).await.ok().flatten()?;
        let params = EvaluateParams::builder()
            .expression(expression.clone())
            .context_id(context)
            .return_by_value(true)
            .build()
            .unwrap();
        let answer = page.execute(params).await.ok()?;
        serde_json::from_value(answer.result.result.value.clone()?).ok()
    })
    .await;
    let outer: Vec<f64> = serde_json::from_value(
        js(page, "(() => { const r = document.getElementById('page').getBoundingClientRect(); return [r.x, r.y]; })()").await,
    )
    .unwrap();
    page.click(Point::new(outer[0] + inner[0], outer[1] + inner[1]))
        .await
        .unwrap();
}

async fn screenshot(page: &Page, name: &str, width: i64, height: i64) {
    page.execute(SetDeviceMetricsOverrideParams::new(
        width,
        height,
        1.0,
        width < 500,
    ))
    .await
    .unwrap();
    page.evaluate("window.scrollTo(0, 0)").await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/app-screens");
    std::fs::create_dir_all(&folder).unwrap();
    page.save_screenshot(
        ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .build(),
        folder.join(format!("{name}-{width}x{height}.png")),
    )
    .await
    .unwrap();
}

/// Clicks the builder's element that `css` selects.
async fn click(page: &Page, css: &str) {
    page.find_element(css)
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits until the text of the element with id `id` starts with `start`; returns it.
async fn text_starting(page: &Page, id: &str, start: &str) -> String {
    let expression = format!("document.getElementById({id:?}).textContent");
    eventually(WAIT, start, || async {
        js(page, &expression)
            .await
            .as_str()
            .filter(|s| s.starts_with(start))
            .map(str::to_string)
    })
    .await
}

async fn preview_titles(page: &Page) -> Vec<String> {
    serde_json::from_value(
        js(page, "Array.from(document.querySelectorAll('[data-preview] li .title')).map(a => a.textContent)").await,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn build_a_feed_by_pointing_then_edit_it() {
    let Some(chrome) = Chrome::start().await else {
        return;
    };
    let site = Server::start();
    site.route("/latest", Route::ok("text/html; charset=utf-8", listing()));
    site.route(
        "/site.css",
        Route::ok(
            "text/css",
            "body { font-family: Georgia, serif; background: #fbf7ee url(/paper.png) } h1 { color: #7a1f1f }",
        ),
    );
    let project = Project::new("");
    let served = Served::start(&project.config(), "127.0.0.1:0");
    let page = chrome.browser.new_page("about:blank").await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    count_requests(&page, seen.clone()).await;
    page.execute(SetDeviceMetricsOverrideParams::new(1280, 900, 1.0, false))
        .await
        .unwrap();

    // An empty dashboard points to the builder.
    page.goto(served.url("/")).await.unwrap();
    eventually(WAIT, "the empty dashboard", || async {
        js(
            &page,
            "document.body.innerText.includes('Build your first feed')",
        )
        .await
        .as_bool()
        .filter(|b| *b)
    })
    .await;

    // Paste a URL, Enter.
    page.goto(served.url("/build")).await.unwrap();
    let input = page.find_element("input[name=url]").await.unwrap();
    input.click().await.unwrap();
    input.type_str(site.url("/latest")).await.unwrap();
    input.press_key("Enter").await.unwrap();
    let candidate = eventually(WAIT, "candidate 0", || async {
        page.find_element("[data-candidate='0']").await.ok()
    })
    .await;
    candidate.click().await.unwrap();
    let titles = eventually(WAIT, "the preview", || async {
        Some(preview_titles(&page).await).filter(|t| t.len() == 10)
    })
    .await;
    assert_eq!(titles[0], "Headline number 1 of the day");
    screenshot(&page, "builder", 1280, 900).await;

    // The author: pick the field, click a writer's name on the page.
    click(&page, "[data-field=author]").await;
    click_in_frame(&page, "span.writer").await;
    eventually(WAIT, "the author selector", || async {
        js(
            &page,
            "document.querySelector('[data-selector=author]').value",
        )
        .await
        .as_str()
        .filter(|s| s.contains("writer"))
        .map(str::to_string)
    })
    .await;
    eventually(WAIT, "authors in the preview", || async {
        js(
            &page,
            "document.querySelectorAll('[data-preview] li .author').length",
        )
        .await
        .as_u64()
        .filter(|n| *n == 10)
    })
    .await;
    let previewed = preview_titles(&page).await;

    // Save with the proposed ids, then run: the feed holds the preview's items.
    click(&page, "[data-action=save]").await;
    text_starting(&page, "save-status", "Saved").await;
    let config = std::fs::read_to_string(project.config()).unwrap();
    assert!(config.contains("author = \"span.writer\""), "{config}");
    let key = config_key(&config);
    let report = project.run_json(0);
    assert_eq!(report["sections"][0]["section"], key);
    let stem = key.clone();
    let feed = project.parse(&format!("{stem}.json"));
    let ran: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(ran, previewed);
    assert_eq!(
        feed.entries[0].authors[0].name.as_deref(),
        Some("Kim Reporter")
    );

    // A second section whose site fails, and a few more runs, for the dashboard to show.
    site.route("/gone", Route::status(503));
    let mut with_failing = std::fs::read_to_string(project.config()).unwrap();
    with_failing.push_str(&format!(
        "\n[[site]]\nid = \"wire\"\ntitle = \"Wire service\"\n\n  [[site.section]]\n  id = \"world\"\n  title = \"World wire\"\n  url = \"{}\"\n",
        site.url("/gone")
    ));
    std::fs::write(project.config(), &with_failing).unwrap();
    for _ in 0..2 {
        project.cmd(&["run"]).code(1);
    }

    // The dashboard shows both; the editor opens the first with its diff, and saving changes
    // nothing.
    page.goto(served.url("/")).await.unwrap();
    let failing = eventually(WAIT, "the failing section", || async {
        js(
            &page,
            "(document.querySelector('[data-section=\"wire/world\"]') || {}).dataset?.status",
        )
        .await
        .as_str()
        .map(str::to_string)
    })
    .await;
    assert_eq!(failing, "failing");
    let status = eventually(WAIT, "the section on the dashboard", || async {
        js(
            &page,
            &format!(
                "(document.querySelector('[data-section=\"{key}\"]') || {{}}).dataset?.status"
            ),
        )
        .await
        .as_str()
        .map(str::to_string)
    })
    .await;
    assert_eq!(status, "ok");
    screenshot(&page, "dashboard", 1280, 900).await;
    screenshot(&page, "dashboard", 390, 844).await;
    page.execute(SetDeviceMetricsOverrideParams::new(1280, 900, 1.0, false))
        .await
        .unwrap();
    page.goto(served.url(&format!("/build?section={key}")))
        .await
        .unwrap();
    let diff = eventually(WAIT, "the diff", || async {
        js(&page, "document.getElementById('diff').textContent")
            .await
            .as_str()
            .filter(|s| s.contains("arrive"))
            .map(str::to_string)
    })
    .await;
    assert!(diff.contains("0 items arrive, 0 leave"), "{diff}");
    let before = std::fs::read(project.config()).unwrap();
    click(&page, "[data-action=save]").await;
    text_starting(&page, "save-status", "Nothing to save").await;
    assert_eq!(std::fs::read(project.config()).unwrap(), before);
    screenshot(&page, "builder", 390, 844).await;

    let seen = seen.lock().unwrap().clone();
    let elsewhere = off_server(&seen, &served.base);
    assert!(
        elsewhere.is_empty(),
        "requests off the app's server: {elsewhere:?}"
    );
    eprintln!(
        "the browser made {} requests, all to {}",
        seen.len(),
        served.base
    );
}

/// `site/section` of the one section in `config`.
fn config_key(config: &str) -> String {
    let parsed: toml::Table = toml::from_str(config).unwrap();
    let site = &parsed["site"].as_array().unwrap()[0];
    let section = &site["section"].as_array().unwrap()[0];
    format!(
        "{}/{}",
        site["id"].as_str().unwrap(),
        section["id"].as_str().unwrap()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_page_makes_no_request_off_this_machine() {
    let Some(chrome) = Chrome::start().await else {
        return;
    };
    let elsewhere = Server::start_at("127.0.0.2");
    let site = Server::start();
    site.route(
        "/hostile",
        Route::ok("text/html; charset=utf-8", hostile(&elsewhere.url(""))),
    );
    let project = Project::new("");
    let served = Served::start(&project.config(), "127.0.0.1:0");
    let page = chrome.browser.new_page("about:blank").await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    count_requests(&page, seen.clone()).await;
    page.goto(served.url(&format!("/build?url={}", site.url("/hostile"))))
        .await
        .unwrap();
    eventually(WAIT, "the hostile page's list", || async {
        Some(preview_titles(&page).await).filter(|t| t.len() == 6)
    })
    .await;
    // Hover and click inside the page as a person would: its handlers are gone.
    click_in_frame(&page, "li.entry a").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = seen.lock().unwrap().clone();
    let off = off_server(&seen, &served.base);
    assert!(off.is_empty(), "requests off the app's server: {off:?}");
    // The page's style sheet is fetched by feedwright itself (as a run fetches, politely) to
    // show the page as it looks; nothing else of that server is asked for, and the browser
    // asks it for nothing.
    let hits = elsewhere.hits();
    let by = |hit: &support::Hit| {
        hit.headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert!(
        hits.iter().all(|h| by(h).starts_with("feedwright")),
        "the browser reached {}: {hits:?}",
        elsewhere.url("")
    );
    let fetched: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    assert!(
        fetched
            .iter()
            .all(|p| *p == "/sheet.css" || *p == "/robots.txt"),
        "{fetched:?}"
    );
    eprintln!(
        "hostile page: the browser made {} requests, all to {}; the browser reached {} 0 times",
        seen.len(),
        served.base,
        elsewhere.url("")
    );
}
