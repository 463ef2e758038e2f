//! Showing a pass as it goes: a progress bar on a terminal, one log line per section elsewhere.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use feedwright::pipeline::{Observer, SectionReport, WatchEvent};

use super::logging::{self, redact};
use super::report::{Said, once_hint, section_line};

/// One line per finished section on stderr (only failures when `quiet`), with its warnings
/// one a line when `verbose`; in a run, in the config's order.
pub(super) struct Lines {
    /// Print only failures.
    quiet: bool,
    /// Print every warning, not only the first.
    verbose: bool,
    /// Hints said once.
    said: Said,
    /// In a run: lines held back until every section above has printed its own.
    order: Option<InOrder>,
}

/// Sections' lines released in the config's order.
struct InOrder {
    /// Each section's place.
    place: HashMap<String, usize>,
    /// The next place to print, and the lines of the sections below it that have finished.
    held: Mutex<(usize, Vec<Option<Held>>)>,
}

/// A finished section's lines: its line, the hint said only once in a run (given to the
/// first section in order that needs it), the lines after.
struct Held {
    line: Option<String>,
    once: Option<&'static str>,
    rest: String,
}

impl Lines {
    /// Lines as sections finish (`watch`, whose sections run on their own schedules).
    pub(super) fn new(quiet: bool, verbose: bool) -> Lines {
        Lines {
            quiet,
            verbose,
            said: Said::default(),
            order: None,
        }
    }

    /// Lines in the order of `sections` (their keys), as a run's table has them.
    pub(super) fn in_order(mut self, sections: impl IntoIterator<Item = String>) -> Lines {
        let place: HashMap<String, usize> = sections
            .into_iter()
            .enumerate()
            .map(|(at, key)| (key, at))
            .collect();
        let held = Mutex::new((
            0,
            std::iter::repeat_with(|| None).take(place.len()).collect(),
        ));
        self.order = Some(InOrder { place, held });
        self
    }

    /// Writes the lines of `section` now, or once the sections above it have written theirs.
    fn release(&self, section: &str, lines: Held) {
        let ready = match &self.order {
            Some(order) if let Some(&at) = order.place.get(section) => {
                let mut held = order.held.lock().expect("lines lock");
                let (next, waiting) = &mut *held;
                waiting[at] = Some(lines);
                let mut ready = String::new();
                while let Some(slot) = waiting.get_mut(*next)
                    && let Some(lines) = slot.take()
                {
                    ready.push_str(&self.text(lines));
                    *next += 1;
                }
                ready
            }
            _ => self.text(lines),
        };
        // One write for all of them: stderr is unbuffered, and a thousand sections would
        // otherwise cost thousands of system calls.
        if !ready.is_empty() {
            let _ = std::io::stderr().write_all(ready.as_bytes());
        }
    }
}

impl Lines {
    /// A section's lines as written, its once-a-run hint added if not said yet.
    fn text(&self, held: Held) -> String {
        let mut text = String::new();
        if let Some(line) = held.line {
            text.push_str(&self.said.add(&line, held.once));
            text.push('\n');
        }
        text.push_str(&held.rest);
        text
    }
}

impl Drop for Lines {
    /// Lines still held (a pass stopped before every section finished) are written in order.
    fn drop(&mut self) {
        if let Some(order) = &self.order {
            let held = order.held.lock().map(|mut h| std::mem::take(&mut h.1));
            let rest: String = held
                .into_iter()
                .flatten()
                .flatten()
                .map(|lines| self.text(lines))
                .collect();
            if !rest.is_empty() {
                let _ = std::io::stderr().write_all(rest.as_bytes());
            }
        }
    }
}

impl Observer for Lines {
    fn finished(&self, report: &SectionReport) {
        let line = (!self.quiet || !report.status.is_ok()).then(|| redact(&section_line(report)));
        let mut lines = String::new();
        if self.verbose {
            for warning in &report.warnings {
                let warning = redact(warning);
                let _ = writeln!(lines, "{}: warning: {warning}", report.section);
            }
        }
        for warning in &report.drift {
            let _ = writeln!(lines, "{}: drift: {}", report.section, redact(warning));
        }
        let held = Held {
            line,
            once: once_hint(report),
            rest: lines,
        };
        self.release(&report.section, held);
    }

    fn event(&self, event: &WatchEvent) {
        match event {
            WatchEvent::Reloaded { sections, secrets } => {
                logging::hide(secrets);
                eprintln!(
                    "config reloaded: {sections} {}",
                    super::report::plural(*sections, "section")
                );
            }
            WatchEvent::ReloadFailed(e) => {
                eprintln!(
                    "error: {} (keeping the previous config)",
                    redact(&e.to_string())
                );
            }
            WatchEvent::StatePathChanged => {
                eprintln!("config reloaded; a new state.path takes effect at the next start");
            }
            WatchEvent::ClientKept(e) => eprintln!("error: {}", redact(&e.to_string())),
            WatchEvent::OutputKept(e) => eprintln!("error: {}", redact(&e.to_string())),
            WatchEvent::ListingFailed(e) => eprintln!("error: {}", redact(&e.to_string())),
            WatchEvent::Stopped => eprintln!("watch stopped"),
            WatchEvent::Reseeded(done) => eprintln!("state: {}", redact(&done.to_string())),
        }
    }
}

/// A progress bar: sections done of total, the section under way, requests so far.
pub(super) struct Bar {
    bar: ProgressBar,
    said: Said,
    requests: AtomicU32,
    current: Mutex<Vec<String>>,
}

impl Bar {
    /// A bar for `total` sections, drawn on stderr.
    pub(super) fn new(total: usize) -> Self {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} sections · {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar {
            bar,
            said: Said::default(),
            requests: AtomicU32::new(0),
            current: Mutex::default(),
        }
    }

    fn redraw(&self) {
        let current = self.current.lock().expect("progress lock");
        let requests = self.requests.load(Ordering::Relaxed);
        let doing = current.first().map_or("", String::as_str);
        self.bar
            .set_message(format!("{requests} requests · {doing}"));
    }

    /// Removes the bar from the screen.
    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Bar {
    fn started(&self, section: &str) {
        self.current
            .lock()
            .expect("progress lock")
            .push(section.to_string());
        self.redraw();
    }

    fn finished(&self, report: &SectionReport) {
        self.current
            .lock()
            .expect("progress lock")
            .retain(|s| *s != report.section);
        self.requests
            .fetch_add(report.counts.requests, Ordering::Relaxed);
        if !report.status.is_ok() || !report.warnings.is_empty() || !report.drift.is_empty() {
            self.bar.println(
                self.said
                    .add(&redact(&section_line(report)), once_hint(report)),
            );
        }
        self.bar.inc(1);
        self.redraw();
    }
}
