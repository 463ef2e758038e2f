//! What `check` prints: the items of each section as a table (stdout) and its warnings
//! (stderr), or all of it as JSON (`--json`).

use std::fmt::Write as _;

use feedwright::pipeline::{CheckReport, Status};

use super::report::{plural, truncate};

/// `check --json`: each section's status, items (dates in the site's zone), warnings and
/// what each selector matched.
pub(super) fn check_json(reports: &[CheckReport]) -> serde_json::Value {
    let sections: Vec<serde_json::Value> = reports
        .iter()
        .map(|report| {
            let items: Vec<serde_json::Value> = report
                .items
                .iter()
                .map(|item| {
                    serde_json::json!({
                        "title": item.title,
                        "url": item.id,
                        "date": item.published.with_timezone(&report.timezone).to_rfc3339(),
                        "date_source": source_of(report, &item.id),
                        "author": item.author,
                        "image": item.image,
                    })
                })
                .collect();
            let matches: Vec<serde_json::Value> = report
                .matches
                .iter()
                .map(|(field, css, n)| serde_json::json!({"field": field.name(), "selector": css, "items": n}))
                .collect();
            let mut section = serde_json::json!({
                "section": report.section,
                "found": report.found,
                "coverage": report.coverage,
                "items": items,
                "matches": matches,
                "warnings": report.warnings,
                "drift": report.drift,
                "template": report.template,
                "articles_read": report.articles_read,
            });
            let status = serde_json::to_value(&report.status).expect("status serialises");
            if let (Some(section), Some(status)) = (section.as_object_mut(), status.as_object()) {
                section.extend(status.clone());
            }
            section
        })
        .collect();
    serde_json::json!({ "sections": sections })
}

/// Where the date of the item `id` comes from.
fn source_of<'a>(report: &'a CheckReport, id: &str) -> &'a str {
    report
        .date_sources
        .iter()
        .find(|(item, _)| item == id)
        .map_or("listing", |(_, source)| source)
}

/// `check` output: the items table (stdout) and the warnings (stderr).
pub(super) fn check_output(reports: &[CheckReport]) -> (String, String) {
    let mut table = String::new();
    let mut warnings = String::new();
    for report in reports {
        match &report.status {
            Status::Ok => {
                let _ = writeln!(
                    table,
                    "== {} ({} {})",
                    report.section,
                    report.items.len(),
                    plural(report.items.len(), "item")
                );
                if !report.matches.is_empty() {
                    let counts: Vec<String> = report
                        .matches
                        .iter()
                        .map(|(field, selector, n)| format!("{} {selector:?} {n}", field.name()))
                        .collect();
                    let _ = writeln!(table, "   selector matches: {}", counts.join(", "));
                }
                if let Some(render) = report.render {
                    let _ = writeln!(table, "   render = \"auto\": read over {render}");
                }
                if let Some(how) = &report.detected {
                    let _ = writeln!(
                        table,
                        "   no item selector: items found automatically ({how})"
                    );
                }
                if let Some(template) = &report.template {
                    let _ = writeln!(
                        table,
                        "   article text from the site's learned template {template}"
                    );
                }
                for page in &report.pages {
                    let _ = writeln!(table, "   next page followed: {page}");
                }
                for item in &report.items {
                    // In the site's time zone, with its offset: as the page wrote it.
                    let _ = writeln!(
                        table,
                        "{}  {}  {}",
                        item.published
                            .with_timezone(&report.timezone)
                            .format("%Y-%m-%d %H:%M %:z"),
                        truncate(&item.title, 70),
                        item.id
                    );
                    // Where the date comes from, when not the listing itself.
                    match source_of(report, &item.id) {
                        "listing" => {}
                        "first seen" => {
                            let _ =
                                writeln!(table, "   date: none given, the time it was first seen");
                        }
                        source => {
                            let _ = writeln!(table, "   date from the {source}");
                        }
                    }
                    if let Some((_, words)) = report.content.iter().find(|(id, _)| *id == item.id) {
                        let _ = match words {
                            Some(words) => writeln!(table, "   article text: {words} words"),
                            None => writeln!(table, "   article text: none found (teaser kept)"),
                        };
                    }
                }
                if report.articles_read > 0 && report.articles_read < report.items.len() {
                    let _ = writeln!(
                        table,
                        "   article pages read for the first {} items, as a run reads them; the \
                         others show the listing's date until a run reads theirs",
                        report.articles_read
                    );
                }
            }
            Status::Failed(error) => {
                let _ = writeln!(table, "== {} FAILED", report.section);
                let _ = writeln!(warnings, "{}: failed: {error}", report.section);
            }
        }
        for warning in &report.warnings {
            let _ = writeln!(warnings, "{}: warning: {warning}", report.section);
        }
        for warning in &report.drift {
            let _ = writeln!(warnings, "{}: drift: {warning}", report.section);
        }
    }
    let broken: Vec<&str> = reports
        .iter()
        .filter(|r| !r.status.is_ok())
        .map(|r| r.section.as_str())
        .collect();
    let _ = match (broken.len(), reports.len()) {
        (0, 1) => writeln!(warnings, "the section works"),
        (0, all) => writeln!(warnings, "all {all} sections work"),
        (n, all) => writeln!(
            warnings,
            "{} of {all} {} {}; {n} {}: {}",
            all - n,
            plural(all, "section"),
            if all - n == 1 { "works" } else { "work" },
            if n == 1 { "does not" } else { "do not" },
            broken.join(", ")
        ),
    };
    (table, warnings)
}
