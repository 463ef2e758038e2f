//! What a person or a script reads after a pass: log lines, summary table, JSON, check table.

use std::fmt::Write as _;

use crate::pipeline::{CheckReport, RunReport, SectionReport, Status};

/// One line for one section, as logged while a run goes on.
pub fn section_line(r: &SectionReport) -> String {
    let requests = format!("{} {}", r.requests, plural(r.requests as usize, "request"));
    let seconds = r.millis as f64 / 1000.0;
    match &r.status {
        Status::Ok if r.not_modified > 0 => format!(
            "{}: ok, not modified, {} kept, {requests}, {} written, {seconds:.1}s",
            r.section, r.kept, r.written
        ),
        Status::Ok => format!(
            "{}: ok, {} found, {} new, {} kept, {requests}, {} written, {seconds:.1}s",
            r.section, r.found, r.new, r.kept, r.written
        ),
        Status::Failed(reason) => format!("{}: failed: {reason}", r.section),
    }
}

/// The end-of-run table: section, status, found, new, kept, requests, time.
pub fn summary_table(report: &RunReport) -> String {
    let width = report
        .sections
        .iter()
        .map(|s| s.section.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = format!(
        "{:<width$}  {:<6}  {:>5}  {:>5}  {:>5}  {:>8}  {:>4}  {:>6}\n",
        "section", "status", "found", "new", "kept", "requests", "304", "time"
    );
    for s in &report.sections {
        let status = if s.status == Status::Ok {
            "ok"
        } else {
            "failed"
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<6}  {:>5}  {:>5}  {:>5}  {:>8}  {:>4}  {:>5.1}s",
            s.section,
            status,
            s.found,
            s.new,
            s.kept,
            s.requests,
            s.not_modified,
            s.millis as f64 / 1000.0
        );
    }
    let failed = report
        .sections
        .iter()
        .filter(|s| s.status != Status::Ok)
        .count();
    let _ = writeln!(
        out,
        "{} {}, {failed} failed",
        report.sections.len(),
        plural(report.sections.len(), "section")
    );
    out
}

/// The run summary as JSON.
pub fn summary_json(report: &RunReport) -> String {
    serde_json::to_string_pretty(report).expect("report serialises")
}

/// `check` output: the items table (stdout) and the warnings (stderr).
pub fn check_output(reports: &[CheckReport]) -> (String, String) {
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
                for item in &report.items {
                    let _ = writeln!(
                        table,
                        "{}  {}  {}",
                        item.published.format("%Y-%m-%d %H:%M"),
                        truncate(&item.title, 70),
                        item.id
                    );
                }
            }
            Status::Failed(reason) => {
                let _ = writeln!(table, "== {} FAILED", report.section);
                let _ = writeln!(warnings, "{}: failed: {reason}", report.section);
            }
        }
        for warning in &report.warnings {
            let _ = writeln!(warnings, "{}: warning: {warning}", report.section);
        }
    }
    let broken: Vec<&str> = reports
        .iter()
        .filter(|r| r.status != Status::Ok)
        .map(|r| r.section.as_str())
        .collect();
    let _ = match broken.len() {
        0 => writeln!(warnings, "all {} sections work", reports.len()),
        n => writeln!(
            warnings,
            "{} of {} sections work; {n} do not: {}",
            reports.len() - n,
            reports.len(),
            broken.join(", ")
        ),
    };
    (table, warnings)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return format!("{text:<max$}");
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}
