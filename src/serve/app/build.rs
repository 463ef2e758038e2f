//! The builder's side of the API: loading a page (`POST /api/detect`), showing it
//! (`GET /api/snapshot/ID`) and what a click proposes (`POST /api/pick`, `POST /api/field`).
//! The preview is `preview.rs`.

use std::sync::Arc;

use axum::Json;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use scraper::Html;
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use super::snapshot::{Head, Numbered, Snapshot, disarmed, inline_css, on_page};
use super::{App, error, html_page};
use crate::config::{Config, NewSection, Render};
use crate::extract::detect::{Candidate, field_at, list_at, outline, reasons};
use crate::extract::{Field, Rules};

/// What `POST /api/detect` takes.
#[derive(Debug, Deserialize)]
pub(super) struct Detect {
    url: String,
    #[serde(default)]
    render: Option<String>,
}

/// A URL as typed: `https://` added when it names no scheme, as a browser's address bar does.
pub(super) fn typed_url(text: &str) -> Result<Url, String> {
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

/// The render mode asked for (`http` when none is).
fn render_of(text: Option<&str>) -> Result<Render, String> {
    let text = text.filter(|t| !t.is_empty()).unwrap_or("http");
    Render::from_name(text).ok_or_else(|| format!("render {text:?}: use http, browser or auto"))
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
    let mut loaded = load_and_analyse(&app, &config, &url, first).await;
    let empty = loaded
        .as_ref()
        .map_or(true, |l| l.found.candidates.is_empty());
    if render == Render::Auto
        && empty
        && let Ok(rendered) = load_and_analyse(&app, &config, &url, Render::Browser).await
    {
        loaded = Ok(rendered);
    }
    let Loaded {
        url: final_url,
        render: used,
        html,
        found,
    } = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            let message = config.secrets.redact(&e.to_string()).into_owned();
            return error(StatusCode::BAD_GATEWAY, message);
        }
    };
    let (styled, styles) = tokio::sync::watch::channel(None);
    {
        let (app, config, sheets) = (app.clone(), config.clone(), found.sheets.clone());
        tokio::spawn(async move {
            let css = page_styles(&app, &config, &sheets).await;
            let _ = styled.send(Some(Arc::from(css)));
        });
    }
    let snapshot = app.keep_snapshot(Snapshot {
        id: format!(
            "{:x}{:04x}",
            Utc::now().timestamp_micros(),
            fastrand::u16(..)
        ),
        url: url.clone(),
        final_url: final_url.clone(),
        render: used,
        html,
        next: found.next.clone(),
        fetched: Utc::now(),
        styles,
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
        "url": final_url.as_str(),
        "title": found.title,
        "language": found.language,
        "timezone": found.zone.as_ref().map(|z| z.0),
        "timezone_how": found.zone.as_ref().map(|z| z.1.clone()),
        "next": found.next.as_ref().map(Url::as_str),
        "render": used.name(),
        "fetched": snapshot.fetched.to_rfc3339(),
        "candidates": found.candidates,
        "proposed": {
            "site": {"id": proposed.site_id, "title": proposed.site_title, "home": proposed.home.as_str()},
            "section": {"id": proposed.section_id, "title": proposed.section_title},
        },
    }))
    .into_response()
}

/// What the builder learns of a page at once.
struct Analysed {
    title: Option<String>,
    language: Option<String>,
    zone: Option<(&'static str, String)>,
    next: Option<Url>,
    candidates: Vec<Value>,
    /// The page's style sheets.
    sheets: Vec<Url>,
}

/// A page loaded as `render` says, its text decoded once, and what the builder learns of it.
struct Loaded {
    /// The page's address after redirects.
    url: Url,
    render: Render,
    html: Arc<str>,
    found: Analysed,
}

async fn load_and_analyse(
    app: &App,
    config: &Arc<Config>,
    url: &Url,
    render: Render,
) -> Result<Loaded, crate::pipeline::SectionError> {
    let page = app.bench.load(config, url, render).await?;
    let html: Arc<str> = Arc::from(page.text());
    let found = analyse(html.clone(), page.url.clone()).await;
    Ok(Loaded {
        url: page.url,
        render,
        html,
        found,
    })
}

/// Detection, the next page and the zone of a page.
async fn analyse(html: Arc<str>, url: Url) -> Analysed {
    on_page(html, move |document, numbered| {
        let detection = crate::extract::detect::detect(document, &url);
        let candidates = detection
            .candidates
            .iter()
            .map(|c| candidate_json(document, &url, numbered, c))
            .collect();
        Analysed {
            title: detection.title,
            language: detection.language,
            zone: crate::extract::zone::zone_hint(document).map(|h| (h.zone, h.how)),
            next: crate::extract::pager::next_link(document, &url, None).map(|n| n.url),
            candidates,
            sheets: style_sheets(document, &url),
        }
    })
    .await
}

/// Most style sheets of a page inlined into its snapshot.
const MAX_SHEETS: usize = 6;
/// The most of one style sheet kept.
const MAX_SHEET_BYTES: usize = 512 * 1024;
/// How long the page frame waits for the page's style sheets before it shows without them.
const STYLE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The addresses of a page's style sheets (`<link rel=stylesheet>`, not print-only).
fn style_sheets(document: &Html, page: &Url) -> Vec<Url> {
    document
        .root_element()
        .select(css!(r#"link[rel~="stylesheet" i][href]"#))
        .filter(|l| {
            l.attr("media")
                .is_none_or(|m| !m.trim().eq_ignore_ascii_case("print"))
        })
        .filter_map(|l| page.join(l.attr("href")?).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .take(MAX_SHEETS)
        .collect()
}

/// The page's style sheets, each loaded once as pages are (robots.txt, spacing), disarmed and
/// joined; those that fail are left out.
async fn page_styles(app: &App, config: &Arc<Config>, sheets: &[Url]) -> String {
    let mut css = String::new();
    for sheet in sheets {
        let Ok(loaded) = app.bench.load(config, sheet, Render::Http).await else {
            continue;
        };
        let is_css = loaded
            .content_type
            .as_deref()
            .is_none_or(|t| t.contains("css") || t.contains("text/plain"));
        if !is_css {
            continue;
        }
        let text = loaded.text();
        let end = text.floor_char_boundary(MAX_SHEET_BYTES.min(text.len()));
        css.push_str(&inline_css(&text[..end]));
        css.push('\n');
    }
    css
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
    // Said when the list has nothing a redesign is likely to keep.
    let note = items
        .get("item")
        .and_then(Value::as_str)
        .filter(|css| !css.contains(['.', '#', '[']))
        .map(|_| {
            "these elements have no stable class, id or attribute: the selector relies on the \
             page's tags alone, which a redesign may change"
        });
    json!({
        "items": items,
        "count": candidate.items.len(),
        "samples": samples,
        "why": reasons(document, candidate),
        "note": note,
        "nodes": nodes,
    })
}

/// Selectors by field name compiled; `Err` names the one that does not parse.
pub(super) fn rules_of(items: &serde_json::Map<String, Value>) -> Result<Rules, String> {
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
    let mut styles = snapshot.styles.clone();
    let css = match tokio::time::timeout(STYLE_WAIT, styles.wait_for(Option::is_some)).await {
        Ok(Ok(css)) => css.clone().unwrap_or_else(|| Arc::from("")),
        _ => Arc::from(""),
    };
    let page = on_page(snapshot.html.clone(), move |document, numbered| {
        let head = Head {
            start: &css,
            end: &extra,
        };
        disarmed(document, numbered, &head)
    })
    .await;
    let policy = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; \
         img-src data:; font-src data:; form-action 'none'; base-uri 'none'; \
         frame-ancestors 'self'; connect-src 'none'"
    );
    html_page(page, &policy)
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
    let page = snapshot.final_url.clone();
    let answer = on_page(snapshot.html.clone(), move |document, numbered| {
        let clicked = numbered.element(document, click.node)?;
        let list = list_at(document, &page, clicked)?;
        Some(candidate_json(document, &page, numbered, &list))
    })
    .await;
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
    let answer = on_page(snapshot.html.clone(), move |document, numbered| {
        let clicked = numbered.element(document, click.node)?;
        field_at(&item, field, clicked)
    })
    .await;
    match answer {
        Some(selector) => Json(json!({ "field": name, "selector": selector })).into_response(),
        None => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("click inside one of the outlined items to set its {name}"),
        ),
    }
}

/// What `POST /api/article` takes.
#[derive(Debug, Deserialize)]
pub(super) struct Article {
    url: String,
}

/// `POST /api/article`: the text automatic full-text extraction finds on one article page
/// (what `content = "auto"` puts into the feed), as plain paragraphs.
pub(super) async fn article(State(app): State<Arc<App>>, Json(body): Json<Article>) -> Response {
    let url = match typed_url(&body.url) {
        Ok(url) => url,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let config = match app.config_now() {
        Ok((_, config)) => Arc::new(config),
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let read = match app.bench.article(&config, &url).await {
        Ok(read) => read,
        Err(e) => {
            let message = config.secrets.redact(&e.to_string()).into_owned();
            return error(StatusCode::BAD_GATEWAY, message);
        }
    };
    let paragraphs = read
        .text
        .as_ref()
        .map(|t| paragraphs(&t.html))
        .unwrap_or_default();
    Json(json!({
        "url": read.url.as_str(),
        "title": read.title,
        "words": read.text.as_ref().map(|t| t.words),
        "source": read.text.as_ref().map(|t| t.source),
        "block": read.block,
        "paragraphs": paragraphs,
    }))
    .into_response()
}

/// The visible text of an HTML fragment, one entry per paragraph, heading or list item.
fn paragraphs(html: &str) -> Vec<String> {
    let fragment = Html::parse_fragment(html);
    let blocks = css!("p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption");
    let texts: Vec<String> = fragment
        .select(blocks)
        .filter(|el| {
            // The innermost blocks only: a list item's paragraphs, not the item as well.
            el.select(blocks).next().is_none()
        })
        .map(|el| crate::extract::element_text(el))
        .filter(|t| !t.is_empty())
        .collect();
    if texts.is_empty() {
        vec![crate::extract::element_text(fragment.root_element())]
    } else {
        texts
    }
}
