//! What a person or a script reads after a pass: log lines, summary table, JSON, check table.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Mutex;

use feedwright::cpu::Stage;
use feedwright::extract::detect::Kind;
use feedwright::fetch::FetchErrorKind;
use feedwright::normalize::text::clean_text;
use feedwright::normalize::urls::canonical_link;
use feedwright::pipeline::{
    ArticlePreview, HealProposal, RunReport, SectionError, SectionReport, SectionStatus, Status,
    Suggestion, humane,
};

/// One line for one section, as logged while a run goes on: what it did, and how many
/// warnings it has with the first of them.
pub(super) fn section_line(r: &SectionReport) -> String {
    let requests = format!(
        "{} {}",
        r.counts.requests,
        plural(r.counts.requests as usize, "request")
    );
    let seconds = r.counts.millis as f64 / 1000.0;
    let line = match &r.status {
        Status::Ok if r.counts.not_modified > 0 => format!(
            "{}: ok, not modified, {} kept, {requests}, {} written, {seconds:.1}s",
            r.section, r.counts.kept, r.written
        ),
        Status::Ok => format!(
            "{}: ok, {} found, {} new, {} kept, {requests}, {} written, {seconds:.1}s",
            r.section, r.counts.found, r.counts.new, r.counts.kept, r.written
        ),
        Status::Failed(error) => {
            let hint = hint(error)
                .filter(|(_, once)| !once)
                .map_or_else(String::new, |(hint, _)| format!(" — {hint}"));
            let kept = if r.counts.kept > 0 {
                format!(
                    " (its feed of {} {} stays as it was)",
                    r.counts.kept,
                    plural(r.counts.kept, "item")
                )
            } else {
                String::new()
            };
            format!("{}: failed: {error}{kept}{hint}", r.section)
        }
    };
    let warnings = warnings_of(r);
    match warnings.first() {
        None => line,
        Some(first) => format!(
            "{line} — {} {}: {first}",
            warnings.len(),
            plural(warnings.len(), "warning")
        ),
    }
}

/// The way forward from a failure that has one, and whether it is said once a run (not
/// having a network fails every section alike).
fn hint(error: &SectionError) -> Option<(&'static str, bool)> {
    let SectionError::Fetch(fetch) = error else {
        return None;
    };
    if fetch.is_unknown_host() {
        return Some(("no network, or a misspelled host?", true));
    }
    match (fetch.status(), &fetch.kind) {
        (Some(404 | 410), _) => Some((
            "the page moved? open it in a browser and update its url",
            false,
        )),
        (Some(500..=599), _) => Some(("the site's own trouble; the next run tries again", false)),
        (_, FetchErrorKind::Timeout) => Some((
            "the site was too slow to answer; the next run tries again ([fetch] timeout_secs \
             sets the wait)",
            false,
        )),
        (_, FetchErrorKind::Connect(_)) => Some((
            "nothing answers there: the site is down, or the address is wrong",
            false,
        )),
        _ => None,
    }
}

/// The hint a failed section's line carries only the first time in a run.
pub(super) fn once_hint(r: &SectionReport) -> Option<&'static str> {
    match &r.status {
        Status::Failed(error) => hint(error).filter(|(_, once)| *once).map(|(hint, _)| hint),
        Status::Ok => None,
    }
}

/// The hints said once in a run so far.
#[derive(Default)]
pub(super) struct Said(Mutex<HashSet<&'static str>>);

impl Said {
    /// `line` with `hint` after it, the first time `hint` is said.
    pub(super) fn add(&self, line: &str, hint: Option<&'static str>) -> String {
        match hint {
            Some(hint) if self.0.lock().expect("said lock").insert(hint) => {
                format!("{line} — {hint}")
            }
            _ => line.to_string(),
        }
    }
}

/// A section's warnings, then its drift warnings.
pub(super) fn warnings_of(r: &SectionReport) -> Vec<&str> {
    r.warnings
        .iter()
        .chain(&r.drift)
        .map(String::as_str)
        .collect()
}

/// `status` as a table, then each section's last failure, standing and drift warnings.
pub(super) fn status_table(sections: &[SectionStatus]) -> String {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "never".to_string(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
    };
    let width = section_width(sections.iter().map(|s| s.section.as_str()));
    let mut out = format!(
        "{:<width$}  {:<20}  {:<20}  {:>5}  {:>5}  {:<20}  {:>5}  {:>5}  {:>5}  {:>6}  {:>5}  {:>8}  {}\n",
        "section",
        "last success",
        "last failure",
        "fails",
        "items",
        "newest item",
        "date",
        "summ",
        "image",
        "author",
        "text",
        "warnings",
        "every"
    );
    let share = |part: usize, of: usize| {
        (part * 100)
            .checked_div(of)
            .map_or_else(|| "-".to_string(), |percent| format!("{percent}%"))
    };
    for s in sections {
        let _ = writeln!(
            out,
            "{:<width$}  {:<20}  {:<20}  {:>5}  {:>5}  {:<20}  {:>5}  {:>5}  {:>5}  {:>6}  {:>5}  {:>8}  {}",
            s.section,
            when(s.last_success),
            when(s.last_failure),
            s.consecutive_failures,
            s.items,
            when(s.newest_item),
            share(s.coverage.dated, s.found),
            share(s.coverage.summary, s.found),
            share(s.coverage.image, s.found),
            share(s.coverage.author, s.found),
            share(s.coverage.content, s.found),
            s.warnings.len(),
            match s.backoff_secs {
                Some(backoff) => format!(
                    "{} (backing off from {})",
                    humane(backoff),
                    humane(s.interval_secs)
                ),
                None => humane(s.interval_secs),
            },
        );
    }
    for s in sections {
        if let (Some(reason), true) = (&s.last_reason, s.consecutive_failures > 0) {
            let _ = writeln!(out, "{}: failing: {reason}", s.section);
        }
        for warning in &s.warnings {
            let _ = writeln!(out, "{}: warning: {warning}", s.section);
        }
        if let Some(template) = &s.template {
            let _ = writeln!(
                out,
                "{}: article text from the site's learned template {template} (feedwright heal)",
                s.section
            );
        }
        for warning in &s.drift {
            let _ = writeln!(out, "{}: drift: {warning}", s.section);
        }
        if let Some(render) = s.render {
            let _ = writeln!(out, "{}: render = \"auto\": read over {render}", s.section);
        }
        if let Some(heal) = &s.heal {
            let how = if s.healed { "healed to" } else { "proposed" };
            let _ = writeln!(out, "{}: {how}: {heal} (feedwright heal)", s.section);
        }
    }
    out
}

/// The end-of-run table: section, status, found, new, kept, requests, time.
pub(super) fn summary_table(report: &RunReport) -> String {
    let width = section_width(report.sections.iter().map(|s| s.section.as_str()));
    let mut out = format!(
        "{:<width$}  {:<6}  {:>5}  {:>5}  {:>5}  {:>8}  {:>4}  {:>6}  {:>8}\n",
        "section", "status", "found", "new", "kept", "requests", "304", "time", "warnings"
    );
    for s in &report.sections {
        let status = if s.status.is_ok() { "ok" } else { "failed" };
        // A page that did not change was not read: nothing was found on it, nothing is new.
        let unread = s.counts.not_modified > 0 || !s.status.is_ok();
        let count = |n: usize| {
            if unread {
                "-".to_string()
            } else {
                n.to_string()
            }
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<6}  {:>5}  {:>5}  {:>5}  {:>8}  {:>4}  {:>5.1}s  {:>8}",
            s.section,
            status,
            count(s.counts.found),
            count(s.counts.new),
            s.counts.kept,
            s.counts.requests,
            s.counts.not_modified,
            s.counts.millis as f64 / 1000.0,
            warnings_of(s).len()
        );
    }
    let failed = report.sections.iter().filter(|s| !s.status.is_ok()).count();
    let warned = report
        .sections
        .iter()
        .filter(|s| !warnings_of(s).is_empty())
        .count();
    let _ = write!(
        out,
        "{} {}, {failed} failed",
        report.sections.len(),
        plural(report.sections.len(), "section")
    );
    let _ = match warned {
        0 => writeln!(out),
        n => writeln!(out, ", {n} with warnings (-v lists them all)"),
    };
    out
}

/// The CPU time of each stage (`FEEDWRIGHT_STAGES`), and the rest of the process's:
/// `cpu ms: hash 1.2 decode 30.5 … other 410.0 total 1210.3`.
pub(super) fn stage_line(stages: &[(Stage, f64)], process: f64) -> String {
    // fsync is a part of write: the rest is what the stages did not cover.
    let covered: f64 = stages
        .iter()
        .filter(|(stage, _)| *stage != Stage::Fsync)
        .map(|(_, ms)| ms)
        .sum();
    let each: Vec<String> = stages
        .iter()
        .map(|(stage, ms)| format!("{} {ms:.1}", stage.name()))
        .collect();
    format!(
        "cpu ms: {} other {:.1} total {process:.1}",
        each.join(" "),
        process - covered
    )
}

/// The run summary as JSON.
pub(super) fn summary_json(report: &RunReport) -> String {
    serde_json::to_string_pretty(report).expect("report serialises")
}

pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return format!("{text:<max$}");
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// Prints an error on stderr, each of its lines (a config's mistakes are one a line) as
/// `error: …`.
pub(super) fn error(error: &dyn std::fmt::Display) {
    for line in error.to_string().lines() {
        eprintln!("error: {line}");
    }
}

/// `suggest` output: the page's own feeds, the top three candidate lists with their first
/// items, and a `[[site.section]]` block for the best one, ready to paste.
pub(super) fn suggestion(url: &url::Url, found: &Suggestion, browser: bool) -> String {
    let (detection, next, zone) = (&found.detection, found.next.as_ref(), found.zone.as_ref());
    let section = found.section(url, browser);
    let section = section.as_ref();
    let mut out = String::new();
    if !detection.feeds.is_empty() {
        let _ = writeln!(
            out,
            "This page links its own feeds (a section with source = \"feed\" can read them):"
        );
        for feed in &detection.feeds {
            let _ = writeln!(out, "  {feed}");
        }
        out.push('\n');
    }
    for (rank, candidate) in detection.candidates.iter().take(3).enumerate() {
        let kind = match candidate.kind {
            Kind::JsonLd => "JSON-LD list",
            Kind::Microdata => "microdata articles",
            Kind::ScriptData => "list in the page's script data",
            Kind::Repeated => "repeated block",
        };
        let _ = writeln!(
            out,
            "Candidate {}: {kind}, {} items",
            rank + 1,
            candidate.items.len()
        );
        for (field, css) in &candidate.selectors {
            let _ = writeln!(out, "  {:<8}= {}", field.name(), toml_string(css));
        }
        // Each sample as the feed will carry it: its title cleaned, its link absolute.
        for item in candidate.items.iter().take(5) {
            let title = clean_text(item.title.as_deref().unwrap_or(""));
            let link = item
                .link
                .as_deref()
                .map(|href| canonical_link(url, href).unwrap_or_else(|| href.to_string()))
                .unwrap_or_default();
            let date = item
                .date
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(
                out,
                "    {}  {}  {}",
                truncate(&title, 60),
                truncate(&date, 24),
                link
            );
        }
        out.push('\n');
    }
    match next {
        Some(next) => {
            let _ = writeln!(
                out,
                "Next page: {} (found by {}); add pages = N to the section to read N pages a run.\n",
                next.url, next.how
            );
        }
        None => out.push_str("Next page: none found on this page.\n\n"),
    }
    match zone {
        Some(zone) => {
            let _ = writeln!(
                out,
                "Time zone: {} ({}); the block below sets it.\n",
                zone.zone, zone.how
            );
        }
        None => out.push_str(
            "Time zone: the page does not say (no <html lang> with one zone, no offsets in its \
             dates); dates without a zone are read in UTC unless you set timezone = \"…\".\n\n",
        ),
    }
    let Some(new) = section else {
        out.push_str(
            "No story list on this page: only menus, link lists and page furniture (or nothing \
             repeated at all).\n",
        );
        if !browser {
            let why = if detection.scripted {
                "The page runs scripts, so its list may be built by JavaScript"
            } else {
                "If a browser shows stories here, scripts build them"
            };
            let _ = writeln!(out, "{why}: try feedwright suggest {url} --browser");
        }
        return out;
    };
    let _ = writeln!(
        out,
        "A config for the best candidate: paste it into an empty config.toml, or add it to \
         yours with --append config.toml.\n"
    );
    out.push_str(&new.block());
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The width of a table's section column: its longest name, at least as wide as "section".
fn section_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(str::len).max().unwrap_or(0).max("section".len())
}

/// `heal` output: each section's selectors, old and new, with the evidence.
pub(super) fn heal_diff(proposals: &[HealProposal]) -> String {
    let mut out = String::new();
    for p in proposals {
        let state = if p.applied {
            "in use since it healed"
        } else {
            "proposed"
        };
        let _ = writeln!(
            out,
            "{}: {state} ({}: {} of {} {} already stored)",
            p.section,
            p.rule,
            p.known,
            p.found,
            plural(p.found, "item")
        );
        for (field, css) in &p.old {
            let _ = writeln!(out, "  - {field} = {}", toml_string(css));
        }
        for (field, css) in &p.new {
            let _ = writeln!(out, "  + {field} = {}", toml_string(css));
        }
        if !p.sample.is_empty() {
            let titles: Vec<String> = p.sample.iter().map(|t| format!("{t:?}")).collect();
            let _ = writeln!(out, "  titles: {}", titles.join(", "));
        }
    }
    out
}

/// `suggest --article` output: the page's own fields and the main text found.
pub(super) fn article_preview(p: &ArticlePreview) -> String {
    let mut out = String::new();
    let field = |value: Option<&str>| value.map_or_else(|| "-".to_string(), str::to_string);
    let _ = writeln!(out, "page:    {}", p.url);
    let _ = writeln!(out, "title:   {}", field(p.title.as_deref()));
    let _ = writeln!(out, "author:  {}", field(p.article.author.as_deref()));
    // The date as a feed would carry it, and what the page wrote.
    let date = p.date.as_ref().map(|(at, written, source)| {
        format!(
            "{} (from {}: {written:?})",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source.describe()
        )
    });
    let _ = writeln!(out, "date:    {}", field(date.as_deref()));
    let _ = writeln!(out, "image:   {}", field(p.article.image.as_deref()));
    match &p.text {
        None => out.push_str("text:    none found (a feed item would keep its teaser)\n"),
        Some(text) => {
            let _ = writeln!(
                out,
                "text:    {} words, {} characters, from {}{}",
                text.words,
                text.chars,
                text.source,
                p.block
                    .as_ref()
                    .map_or_else(String::new, |b| format!(", in {b}"))
            );
            let plain = feedwright::normalize::html::visible_text(&text.html);
            let _ = writeln!(out, "begins:  {}", truncate(&plain, 300).trim_end());
        }
    }
    out
}
