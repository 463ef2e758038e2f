//! The live preview (`POST /api/preview`): `check`'s own path on the kept page, for the
//! section as it would be saved, with what the builder shows beside the items: coverage,
//! warnings, the feed texts, the outlines, the next page's hit rates and, when editing, the
//! items that would arrive and leave.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{SubsecRound, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use super::build::{rules_of, typed_url};
use super::sections::edit_of;
use super::snapshot::{Snapshot, on_page};
use super::{App, error};
use crate::config::{Config, Render, Section, upsert};
use crate::extract::Rules;
use crate::extract::detect::outline;
use crate::model::Item;
use crate::pipeline::{self, CheckReport, Status};
use crate::render::{self as feeds, Format};

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
    /// Another page of the same site to try the selectors on (else the page's next page).
    #[serde(default)]
    second: Option<String>,
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
    let chosen = body.render.as_deref().map_or(render.name(), |r| r);
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
    let mut warnings_before = Vec::new();
    let given = match body.second.as_deref().map(typed_url).transpose() {
        Ok(given) => given,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    if let Some(url) = &given
        && let Err(e) = app.bench.load(&config, url, section.render).await
    {
        warnings_before.push(config.secrets.redact(&e.to_string()).into_owned());
    }
    let next = given.or_else(|| snapshot.as_ref().and_then(|s| s.next.clone()));
    let second = match next {
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
    warnings.extend(warnings_before);
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
        "content": item.content_html,
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
    let (url, rules) = (snapshot.final_url.clone(), rules.clone());
    on_page(snapshot.html.clone(), move |document, numbered| {
        let picked = outline(document, &url, &rules);
        let fields: serde_json::Map<String, Value> = picked
            .fields
            .iter()
            .map(|(field, ids)| (field.name().to_string(), json!(numbered.numbers(ids))))
            .collect();
        json!({"items": numbered.numbers(&picked.items), "fields": fields})
    })
    .await
}
