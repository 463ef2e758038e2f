//! The builder's side of the API: loading a page (`POST /api/detect`), showing it
//! (`GET /api/snapshot/ID`), what a click proposes (`POST /api/pick`, `POST /api/field`) and
//! the live preview (`POST /api/preview`), which runs `check`'s own path on the kept page.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{SubsecRound, Utc};
use scraper::Html;
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use super::sections::edit_of;
use super::snapshot::{Numbered, Snapshot, disarmed};
use super::{App, error};
use crate::config::{Config, NewSection, Render, Section, upsert};
use crate::extract::detect::{Candidate, field_at, list_at, outline, reasons};
use crate::extract::{Field, Rules};
use crate::model::Item;
use crate::pipeline::{self, CheckReport, Status};
use crate::render::{self as feeds, Format};

/// What `POST /api/detect` takes.
#[derive(Debug, Deserialize)]
pub(super) struct Detect {
    url: String,
    #[serde(default)]
    render: Option<String>,
}

/// A URL as typed: `https://` added when it names no scheme, as a browser's address bar does.
fn typed_url(text: &str) -> Result<Url, String> {
    let text = text.trim();
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("https://{text}")
    };
    match Url::parse(&with_scheme) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(url),
        _ => Err(format!(
            "{text:?} is not a web address (http:// or https://)"
        )),
    }
}

fn render_of(text: Option<&str>) -> Result<Render, String> {
    match text.unwrap_or("http") {
        "http" | "" => Ok(Render::Http),
        "browser" => Ok(Render::Browser),
        "auto" => Ok(Render::Auto),
        other => Err(format!("render {other:?}: use http, browser or auto")),
    }
}

/// `POST /api/detect`: loads the page once, keeps it, and proposes its lists.
pub(super) async fn detect(State(app): State<Arc<App>>, Json(body): Json<Detect>) -> Response {
    let (url, render) = match (typed_url(&body.url), render_of(body.render.as_deref())) {
        (Ok(url), Ok(render)) => (url, render),
        (Err(e), _) | (_, Err(e)) => return error(StatusCode::BAD_REQUEST, e),
    };
    let config = match app.config_now() {
        Ok((_, config)) => Arc::new(config),
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let first = if render == Render::Browser {
        Render::Browser
    } else {
        Render::Http
    };
    let mut loaded = app
        .bench
        .load(&config, &url, first)
        .await
        .map(|p| (p, first));
    let mut analysed = match &loaded {
        Ok((page, _)) => Some(analyse(page.text(), page.url.clone()).await),
        Err(_) => None,
    };
    let empty = analysed.as_ref().is_none_or(|a| a.candidates.is_empty());
    if render == Render::Auto
        && empty
        && let Ok(page) = app.bench.load(&config, &url, Render::Browser).await
    {
        analysed = Some(analyse(page.text(), page.url.clone()).await);
        loaded = Ok((page, Render::Browser));
    }
    let (page, used) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            let message = config.secrets.redact(&e.to_string()).into_owned();
            return error(StatusCode::BAD_GATEWAY, message);
        }
    };
    let found = analysed.expect("a loaded page is analysed");
    let snapshot = app.keep_snapshot(Snapshot {
        id: format!(
            "{:x}{:04x}",
            Utc::now().timestamp_micros(),
            fastrand::u16(..)
        ),
        url: url.clone(),
        final_url: page.url.clone(),
        render: used,
        html: Arc::from(page.text()),
        next: found.next.clone(),
        fetched: Utc::now(),
    });
    // The second page is loaded now, beside the person's first clicks, for the robustness
    // check of the preview (politely: the host's spacing applies).
    if let Some(next) = found.next.clone() {
        let (app, config) = (app.clone(), config.clone());
        tokio::spawn(async move {
            let _ = app.bench.load(&config, &next, used).await;
        });
    }
    let mut proposed = NewSection::from_page(&url, found.title.as_deref(), used == Render::Browser);
    if let Some(site) = config.sites.iter().find(|site| {
        site.sections
            .iter()
            .any(|s| s.url.host_str() == url.host_str())
    }) {
        proposed.site_id = site.id.clone();
        proposed.site_title = site.title.clone();
        let taken = |id: &str| site.sections.iter().any(|s| s.id == id && s.url != url);
        if taken(&proposed.section_id) {
            proposed.section_id = (2..)
                .map(|n| format!("{}-{n}", proposed.section_id))
                .find(|id| !taken(id))
                .expect("some suffix is free");
        }
    }
    Json(json!({
        "snapshot": snapshot.id,
        "url": page.url.as_str(),
        "title": found.title,
        "language": found.language,
        "timezone": found.zone.as_ref().map(|z| z.0),
        "timezone_how": found.zone.as_ref().map(|z| z.1.clone()),
        "next": found.next.as_ref().map(Url::as_str),
        "render": render_name(used),
        "fetched": snapshot.fetched.to_rfc3339(),
        "candidates": found.candidates,
        "proposed": {
            "site": {"id": proposed.site_id, "title": proposed.site_title, "home": proposed.home.as_str()},
            "section": {"id": proposed.section_id, "title": proposed.section_title},
        },
    }))
    .into_response()
}

fn render_name(render: Render) -> &'static str {
    match render {
        Render::Http => "http",
        Render::Browser => "browser",
        Render::Auto => "auto",
    }
}

/// What the builder learns of a page at once.
struct Analysed {
    title: Option<String>,
    language: Option<String>,
    zone: Option<(&'static str, String)>,
    next: Option<Url>,
    candidates: Vec<Value>,
}

/// Detection, the next page and the zone of a page, on the blocking pool.
async fn analyse(html: String, url: Url) -> Analysed {
    tokio::task::spawn_blocking(move || {
        let document = Html::parse_document(&html);
        let numbered = Numbered::new(&document);
        let detection = crate::extract::detect::detect(&document, &url);
        let candidates = detection
            .candidates
            .iter()
            .map(|c| candidate_json(&document, &url, &numbered, c))
            .collect();
        Analysed {
            title: detection.title,
            language: detection.language,
            zone: crate::extract::zone::zone_hint(&document).map(|h| (h.zone, h.how)),
            next: crate::extract::pager::next_link(&document, &url, None).map(|n| n.url),
            candidates,
        }
    })
    .await
    .expect("page analysis does not panic")
}

/// A candidate as the builder lists it: its selectors, size, three titles, why it ranks there,
/// and the numbers of its item elements.
fn candidate_json(
    document: &Html,
    page: &Url,
    numbered: &Numbered,
    candidate: &Candidate,
) -> Value {
    let items: serde_json::Map<String, Value> = candidate
        .selectors
        .iter()
        .map(|(field, css)| (field.name().to_string(), Value::from(css.as_str())))
        .collect();
    let samples: Vec<String> = candidate
        .items
        .iter()
        .filter_map(|i| i.title.as_deref())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .take(3)
        .collect();
    let rules = rules_of(&items).unwrap_or_default();
    let nodes = if rules.item.is_some() {
        numbered.numbers(&outline(document, page, &rules).items)
    } else {
        Vec::new()
    };
    json!({
        "items": items,
        "count": candidate.items.len(),
        "samples": samples,
        "why": reasons(document, candidate),
        "nodes": nodes,
    })
}

/// Selectors by field name compiled; `Err` names the one that does not parse.
fn rules_of(items: &serde_json::Map<String, Value>) -> Result<Rules, String> {
    let mut rules = Rules::default();
    for (name, css) in items {
        let Some(css) = css.as_str().filter(|c| !c.trim().is_empty()) else {
            continue;
        };
        let field = Field::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| format!("no field named {name:?}"))?;
        let selector =
            crate::extract::FieldSelector::parse(css).map_err(|e| format!("{name}: {e}"))?;
        rules.set(field, Some(selector));
    }
    Ok(rules)
}

/// The frame's own style and script: outlines, and clicks and keys sent to the builder.
const FRAME_STYLE: &str = include_str!("assets/frame.css");
const FRAME_SCRIPT: &str = include_str!("assets/frame.js");

/// `GET /api/snapshot/ID`: the kept page, numbered and disarmed, under a policy that lets it
/// request nothing.
pub(super) async fn snapshot(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let snapshot = match app.snapshot(&id) {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let nonce = format!("{:016x}", fastrand::u64(..));
    let extra =
        format!("<style>{FRAME_STYLE}</style><script nonce=\"{nonce}\">{FRAME_SCRIPT}</script>");
    let html = snapshot.html.clone();
    let page = tokio::task::spawn_blocking(move || {
        let document = Html::parse_document(&html);
        disarmed(&document, &Numbered::new(&document), &extra)
    })
    .await
    .expect("writing a page does not panic");
    let policy = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; \
         img-src data:; font-src data:; form-action 'none'; base-uri 'none'; \
         frame-ancestors 'self'; connect-src 'none'"
    );
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_SECURITY_POLICY, policy)
        .header("X-Content-Type-Options", "nosniff")
        .body(Body::from(page))
        .expect("valid response")
}

/// What `POST /api/pick` and `POST /api/field` take.
#[derive(Debug, Deserialize)]
pub(super) struct Click {
    snapshot: String,
    node: usize,
    #[serde(default)]
    item: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

/// `POST /api/pick`: the list the clicked element belongs to.
pub(super) async fn pick(State(app): State<Arc<App>>, Json(click): Json<Click>) -> Response {
    let snapshot = match app.snapshot(&click.snapshot) {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let answer = tokio::task::spawn_blocking(move || {
        let document = Html::parse_document(&snapshot.html);
        let numbered = Numbered::new(&document);
        let clicked = numbered.element(&document, click.node)?;
        let list = list_at(&document, &snapshot.final_url, clicked)?;
        Some(candidate_json(
            &document,
            &snapshot.final_url,
            &numbered,
            &list,
        ))
    })
    .await
    .expect("picking does not panic");
    match answer {
        Some(candidate) => Json(json!({ "candidate": candidate })).into_response(),
        None => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no repeated list of links around this element: click a headline inside the list you want",
        ),
    }
}

/// `POST /api/field`: a field's selector from a click inside an item.
pub(super) async fn field(State(app): State<Arc<App>>, Json(click): Json<Click>) -> Response {
    let snapshot = match app.snapshot(&click.snapshot) {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let (Some(item), Some(name)) = (click.item.clone(), click.field.clone()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "give the item selector and the field",
        );
    };
    let Some(field) = Field::ALL
        .into_iter()
        .find(|f| f.name() == name && *f != Field::Item)
    else {
        return error(StatusCode::BAD_REQUEST, format!("no field named {name:?}"));
    };
    let answer = tokio::task::spawn_blocking(move || {
        let document = Html::parse_document(&snapshot.html);
        let numbered = Numbered::new(&document);
        let clicked = numbered.element(&document, click.node)?;
        field_at(&item, field, clicked)
    })
    .await
    .expect("picking does not panic");
    match answer {
        Some(selector) => Json(json!({ "field": name, "selector": selector })).into_response(),
        None => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("click inside one of the outlined items to set its {name}"),
        ),
    }
}

/// What `POST /api/preview` takes.
#[derive(Debug, Deserialize)]
pub(super) struct Preview {
    #[serde(default)]
    snapshot: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    items: serde_json::Map<String, Value>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    render: Option<String>,
    #[serde(default)]
    pages: Option<u32>,
    /// `site/section` when editing an existing section.
    #[serde(default)]
    section: Option<String>,
}

/// `POST /api/preview`: the items `check` gives for the kept page and the section as it
/// would be saved, with coverage, warnings, the feed texts, what the outlines show, the
/// second page's hit rates, and (editing) which items would arrive and leave.
pub(super) async fn preview(State(app): State<Arc<App>>, Json(body): Json<Preview>) -> Response {
    let started = std::time::Instant::now();
    let snapshot = match body.snapshot.as_deref().map(|id| app.snapshot(id)) {
        Some(Ok(s)) => Some(s),
        Some(Err(answer)) => return answer,
        None => None,
    };
    let url = match (&snapshot, &body.url) {
        (Some(s), _) => s.url.clone(),
        (None, Some(text)) => match typed_url(text) {
            Ok(url) => url,
            Err(e) => return error(StatusCode::BAD_REQUEST, e),
        },
        (None, None) => return error(StatusCode::BAD_REQUEST, "give a snapshot or a url"),
    };
    if let Err(e) = rules_of(&body.items) {
        return error(StatusCode::BAD_REQUEST, e);
    }
    let (text, config) = match app.config_now() {
        Ok(loaded) => loaded,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let (site_id, section_id) = match body.section.as_deref().and_then(|k| k.split_once('/')) {
        Some((site, section)) => (site.to_string(), section.to_string()),
        None => ("preview".to_string(), "preview".to_string()),
    };
    let editing = config
        .sections()
        .any(|s| s.site_id == site_id && s.id == section_id);
    let render = snapshot.as_ref().map_or(Render::Http, |s| s.render);
    let mut keys = serde_json::Map::new();
    keys.insert("id".into(), section_id.clone().into());
    keys.insert("url".into(), url.as_str().into());
    keys.insert("items".into(), Value::Object(body.items.clone()));
    keys.insert("language".into(), body.language.clone().into());
    keys.insert("timezone".into(), body.timezone.clone().into());
    let chosen = body.render.as_deref().map_or(render_name(render), |r| r);
    keys.insert("render".into(), (chosen != "http").then_some(chosen).into());
    keys.insert("pages".into(), body.pages.filter(|p| *p > 1).into());
    let edit = match edit_of(&site_id, None, None, keys) {
        Ok(edit) => edit,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let edited = upsert(&text, &app.config_path, &edit)
        .and_then(|text| Config::parse(&text, &app.config_path));
    let config = match edited {
        Ok(config) => Arc::new(config),
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let key = format!("{site_id}/{section_id}");
    let section = config
        .sections()
        .find(|s| s.key() == key)
        .expect("the section just written is in the config")
        .clone();
    let now = Utc::now().trunc_subsecs(0);
    let report = app.bench.check(&config, &section, now).await;
    let second = match snapshot.as_ref().and_then(|s| s.next.clone()) {
        Some(next) if app.bench.has(&next, section.render) => {
            let mut other = section.clone();
            other.url = next.clone();
            other.pages = 1;
            let report = app.bench.check(&config, &other, now).await;
            Some(second_page(&next, &report, &section))
        }
        Some(next) => Some(json!({"url": next.as_str(), "pending": true})),
        None => None,
    };
    let diff = if editing {
        let stored = pipeline::feed_now(&config, &section, now).unwrap_or_default();
        Some(arrivals(&stored, &report.items, section.max_items))
    } else {
        None
    };
    let nodes = match &snapshot {
        Some(s) => Some(outlines(s, &section.rules).await),
        None => None,
    };
    let meta = pipeline::meta(&config, &section);
    let text_of =
        |format| String::from_utf8_lossy(&feeds::render(format, &meta, &report.items)).into_owned();
    let mut warnings = report.warnings.clone();
    if let Status::Failed(e) = &report.status {
        warnings.insert(0, config.secrets.redact(&e.to_string()).into_owned());
    }
    Json(json!({
        "items": report.items.iter().map(|i| item_json(i, &section)).collect::<Vec<_>>(),
        "coverage": {
            "found": report.found,
            "dated": report.coverage.dated,
            "image": report.coverage.image,
            "summary": report.coverage.summary,
            "author": report.coverage.author,
        },
        "matches": report.matches.iter().map(|(f, css, n)| json!({"field": f.name(), "selector": css, "items": n})).collect::<Vec<_>>(),
        "detected": report.detected,
        "warnings": warnings,
        "rss": text_of(Format::Rss),
        "atom": text_of(Format::Atom),
        "json": text_of(Format::Json),
        "diff": diff,
        "second": second,
        "nodes": nodes,
        "timezone": section.timezone.name(),
        "millis": u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
    .into_response()
}

/// One item as a reader shows it; its date in the site's zone.
fn item_json(item: &Item, section: &Section) -> Value {
    json!({
        "title": item.title,
        "url": item.id,
        "date": item.published.with_timezone(&section.timezone).to_rfc3339(),
        "summary": item.summary_html,
        "image": item.image,
        "author": item.author,
    })
}

/// Each field's hit rate on the second page, and the fields that work on the first only.
fn second_page(url: &Url, report: &CheckReport, section: &Section) -> Value {
    let found = report.found;
    let fields: Vec<Value> = report
        .matches
        .iter()
        .map(|(field, css, hits)| json!({"field": field.name(), "selector": css, "items": hits, "of": found}))
        .collect();
    let failing: Vec<&str> = report
        .matches
        .iter()
        .filter(|(_, _, hits)| *hits == 0)
        .map(|(field, _, _)| field.name())
        .collect();
    json!({
        "url": url.as_str(),
        "found": found,
        "fields": fields,
        "failing": failing,
        "ok": found > 0 && failing.is_empty(),
        "section": section.key(),
    })
}

/// Which items would arrive in the feed and which would leave it, were `found` merged into the
/// feed `stored` now.
fn arrivals(stored: &[Item], found: &[Item], max_items: usize) -> Value {
    let mut merged: Vec<&Item> = stored.iter().collect();
    for item in found {
        if !merged.iter().any(|m| m.id == item.id) {
            merged.push(item);
        }
    }
    merged.sort_by_key(|i| std::cmp::Reverse(i.published));
    merged.truncate(max_items);
    let added: Vec<&str> = merged
        .iter()
        .filter(|m| !stored.iter().any(|s| s.id == m.id))
        .map(|m| m.id.as_str())
        .collect();
    let removed: Vec<&str> = stored
        .iter()
        .filter(|s| !merged.iter().any(|m| m.id == s.id))
        .map(|s| s.id.as_str())
        .collect();
    json!({"added": added, "removed": removed})
}

/// The numbers of the elements the section's selectors pick on the snapshot.
async fn outlines(snapshot: &Snapshot, rules: &Rules) -> Value {
    let (html, url, rules) = (
        snapshot.html.clone(),
        snapshot.final_url.clone(),
        rules.clone(),
    );
    tokio::task::spawn_blocking(move || {
        let document = Html::parse_document(&html);
        let numbered = Numbered::new(&document);
        let picked = outline(&document, &url, &rules);
        let fields: serde_json::Map<String, Value> = picked
            .fields
            .iter()
            .map(|(field, ids)| (field.name().to_string(), json!(numbered.numbers(ids))))
            .collect();
        json!({"items": numbered.numbers(&picked.items), "fields": fields})
    })
    .await
    .expect("outlining does not panic")
}
