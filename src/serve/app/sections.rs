//! The dashboard's side of the API: every section's state from the store
//! (`GET /api/sections`), saving a section into the config (`POST /api/sections`) and
//! running one now (`POST /api/run`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SubsecRound, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{App, Runner, error};
use crate::config::{Config, ConfigError, SectionEdit, save_section};
use crate::pipeline::{self, Observer, PassError, SectionStatus, Status};
use crate::store::StoreError;

/// `GET /api/sections`: every section with its state, its last runs, its feeds and the keys
/// the builder needs to open it.
pub(super) async fn list(State(app): State<Arc<App>>) -> Response {
    let (_, config) = app.read_config();
    let config = match config {
        Ok(config) => config,
        Err(e) => {
            return Json(json!({
                "sections": [],
                "config": app.config_path.display().to_string(),
                "config_error": e.to_string(),
            }))
            .into_response();
        }
    };
    let exists = app.config_path.exists();
    let answer = tokio::task::spawn_blocking(move || {
        let states = match pipeline::status(&config, Utc::now()) {
            Ok(states) => states,
            Err(PassError::Store(StoreError::Missing { .. })) => Vec::new(),
            Err(e) => return Err(e.to_string()),
        };
        let sections: Vec<Value> = config
            .select(&[])
            .unwrap_or_default()
            .into_iter()
            .map(|section| {
                let state = states.iter().find(|s| s.section == section.key());
                describe(&config, section, state)
            })
            .collect();
        Ok(sections)
    })
    .await;
    match answer {
        Ok(Ok(sections)) => Json(json!({
            "sections": sections,
            "config": app.config_path.display().to_string(),
            "config_exists": exists,
        }))
        .into_response(),
        Ok(Err(e)) => error(StatusCode::SERVICE_UNAVAILABLE, e),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "reading the state failed",
        ),
    }
}

/// One section as the dashboard shows it.
fn describe(
    config: &Config,
    section: &crate::config::Section,
    state: Option<&SectionStatus>,
) -> Value {
    let never = state.is_none_or(|s| s.last_success.is_none() && s.last_failure.is_none());
    let status = match state {
        _ if never => "never",
        Some(s) if s.consecutive_failures > 0 => "failing",
        Some(s) if s.healed || s.heal.is_some() => "healed",
        _ => "ok",
    };
    let error = state
        .filter(|s| s.consecutive_failures > 0)
        .map(|s| json!({"kind": s.last_error_kind, "message": s.last_reason}));
    let mut warnings: Vec<String> = state.map(|s| s.drift.clone()).unwrap_or_default();
    if let Some(heal) = state.and_then(|s| s.heal.as_ref()) {
        warnings.push(format!("selectors found anew after a redesign: {heal}"));
    }
    let runs: Vec<Value> = state
        .map(|s| {
            s.runs
                .iter()
                .rev()
                .map(|r| {
                    json!({
                        "at": r.ended.to_rfc3339(),
                        "found": r.counts.found,
                        "new": r.counts.new,
                        // A run that succeeded without reading items found its page unchanged
                        // (a 304, or the same bytes as last time): no items is a failure.
                        "unchanged": r.failure.is_none() && r.counts.found == 0,
                        "status": if r.failure.is_some() { "failed" } else { "ok" },
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let next_run = state.and_then(|s| {
        let last = s.runs.first()?.ended;
        let wait = s.backoff_secs.unwrap_or(s.interval_secs);
        Some((last + chrono::Duration::seconds(i64::try_from(wait).ok()?)).to_rfc3339())
    });
    let meta = pipeline::meta(config, section);
    let feeds: Vec<Value> = config
        .output
        .formats
        .iter()
        .map(|f| json!({"format": f.label(), "path": format!("/{}", meta.file(*f))}))
        .collect();
    let items: serde_json::Map<String, Value> = crate::extract::Field::ALL
        .into_iter()
        .filter_map(|f| {
            let css = section.rules.get(f)?;
            Some((f.name().to_string(), Value::from(css.source())))
        })
        .collect();
    json!({
        "id": section.key(),
        "title": section.title,
        "site_title": section.site_title,
        "url": section.url.as_str(),
        "status": status,
        "items": state.map_or(0, |s| s.items),
        "last_success": state.and_then(|s| s.last_success).map(|t| t.to_rfc3339()),
        "next_run": next_run,
        "error": error,
        "warnings": warnings,
        "runs": runs,
        "feeds": feeds,
        "page": format!("/{}", meta.page_file()),
        "timezone": section.timezone.name(),
        "config": {
            "items": items,
            "render": section.render.name(),
            "language": section.language.as_ref().map(|l| l.code().to_string()),
            "timezone": section.timezone.name(),
            "pages": section.pages,
            "full_text": section.full_text.auto,
        },
    })
}

/// What `POST /api/sections` takes.
#[derive(Debug, Deserialize)]
pub(super) struct Save {
    site: SiteKeys,
    section: serde_json::Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct SiteKeys {
    id: String,
    title: Option<String>,
    home: Option<String>,
}

/// The config section edit a JSON body asks for, or why it cannot be one.
pub(super) fn edit_of(
    site_id: &str,
    site_title: Option<String>,
    site_home: Option<String>,
    section: serde_json::Map<String, Value>,
) -> Result<SectionEdit, String> {
    let mut table = toml::Table::new();
    for (key, value) in section {
        if value.is_null() || value.as_str() == Some("") {
            continue;
        }
        let value = match value {
            Value::Object(fields) => Value::Object(
                fields
                    .into_iter()
                    .filter(|(_, v)| {
                        !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty())
                    })
                    .collect(),
            ),
            other => other,
        };
        if value.as_object().is_some_and(serde_json::Map::is_empty) {
            continue;
        }
        let written: toml::Value =
            serde_json::from_value(value).map_err(|e| format!("section key {key:?}: {e}"))?;
        table.insert(key, written);
    }
    Ok(SectionEdit {
        site_id: site_id.to_string(),
        site_title,
        site_home,
        section: table,
    })
}

/// `POST /api/sections`: adds the section or replaces its keys, unless the file changed
/// since the app read it.
pub(super) async fn save(State(app): State<Arc<App>>, Json(body): Json<Save>) -> Response {
    let before = match app.config_text() {
        Ok(text) => text,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    if before != *app.seen.lock().expect("never poisoned") {
        return error(
            StatusCode::CONFLICT,
            format!(
                "{} changed on disk since this page read it: reload the page to see the change, then save again",
                app.config_path.display()
            ),
        );
    }
    let edit = match edit_of(&body.site.id, body.site.title, body.site.home, body.section) {
        Ok(edit) => edit,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    match save_section(&app.config_path, &before, &edit) {
        Ok(after) => {
            let changed = after != before;
            *app.seen.lock().expect("never poisoned") = after.clone();
            if changed && let Runner::Watch(requests) = &app.runner {
                let _ = requests.send(crate::pipeline::Request::Reload);
            }
            Json(json!({
                "config": app.config_path.display().to_string(),
                "section": edit.key(),
                "changed": changed,
                "diff": line_diff(&before, &after),
            }))
            .into_response()
        }
        Err(e @ ConfigError::Read { .. }) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
        Err(e) => error(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

/// The lines `after` adds to `before` and removes from it, `+`/`-` first, in file order.
fn line_diff(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let (mut start, mut end) = (0, 0);
    while start < old.len().min(new.len()) && old[start] == new[start] {
        start += 1;
    }
    while end < (old.len() - start).min(new.len() - start)
        && old[old.len() - 1 - end] == new[new.len() - 1 - end]
    {
        end += 1;
    }
    let removed = old[start..old.len() - end]
        .iter()
        .map(|l| format!("-{l}\n"));
    let added = new[start..new.len() - end]
        .iter()
        .map(|l| format!("+{l}\n"));
    removed.chain(added).collect()
}

/// What `POST /api/run` takes.
#[derive(Debug, Deserialize)]
pub(super) struct RunNow {
    section: String,
}

/// A pass that reports nothing as it goes.
struct Quiet;
impl Observer for Quiet {}

/// `POST /api/run`: runs one section now (or asks `watch` to), and says how it ended.
pub(super) async fn run(State(app): State<Arc<App>>, Json(body): Json<RunNow>) -> Response {
    let config = match app.config_now() {
        Ok((_, config)) => Arc::new(config),
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    if config.select(std::slice::from_ref(&body.section)).is_err() {
        return error(
            StatusCode::NOT_FOUND,
            format!("no section {:?} in the config", body.section),
        );
    }
    if let Runner::Watch(requests) = &app.runner {
        let _ = requests.send(crate::pipeline::Request::Reload);
        let _ = requests.send(crate::pipeline::Request::RunNow(body.section.clone()));
        return Json(json!({"section": body.section, "queued": true})).into_response();
    }
    let now: DateTime<Utc> = Utc::now().trunc_subsecs(0);
    let config_secrets = config.secrets.clone();
    // A pass's futures borrow its config across awaits: it runs on a runtime of its own.
    let task = tokio::task::spawn_blocking(move || {
        let selected = config
            .select(std::slice::from_ref(&body.section))
            .unwrap_or_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a pass: {e}"))?;
        runtime
            .block_on(pipeline::run(&config, &selected, now, &Quiet))
            .map_err(|e| e.to_string())
    });
    match task.await {
        Ok(Ok(report)) => {
            let Some(section) = report.sections.first() else {
                return error(StatusCode::NOT_FOUND, "that section is not in this shard");
            };
            let reason = match &section.status {
                Status::Ok => None,
                Status::Failed(e) => Some(config_secrets.redact(&e.to_string()).into_owned()),
            };
            Json(json!({
                "section": section.section,
                "queued": false,
                "status": if reason.is_none() { "ok" } else { "failed" },
                "reason": reason,
                "found": section.counts.found,
                "new": section.counts.new,
                "kept": section.counts.kept,
            }))
            .into_response()
        }
        Ok(Err(e)) => error(StatusCode::CONFLICT, e),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the run stopped unexpectedly",
        ),
    }
}
