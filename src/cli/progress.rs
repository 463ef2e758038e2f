//! Showing a pass as it goes: a progress bar on a terminal, one log line per section elsewhere.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use feedwright::pipeline::{Observer, SectionReport, WatchEvent};

use super::logging::{self, redact};
use super::report::section_line;

/// One line per finished section on stderr (only failures when `quiet`), with its warnings
/// one a line when `verbose`.
pub(super) struct Lines {
    /// Print only failures.
    pub(super) quiet: bool,
    /// Print every warning, not only the first.
    pub(super) verbose: bool,
}

impl Observer for Lines {
    fn finished(&self, report: &SectionReport) {
        // The section's lines in one write: stderr is unbuffered, and a thousand sections
        // would otherwise cost thousands of system calls.
        let mut lines = String::new();
        if !self.quiet || !report.status.is_ok() {
            lines.push_str(&redact(&section_line(report)));
            lines.push('\n');
        }
        if self.verbose {
            for warning in &report.warnings {
                let warning = redact(warning);
                let _ = writeln!(lines, "{}: warning: {warning}", report.section);
            }
        }
        for warning in &report.drift {
            let _ = writeln!(lines, "{}: drift: {}", report.section, redact(warning));
        }
        if !lines.is_empty() {
            let _ = std::io::stderr().write_all(lines.as_bytes());
        }
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
            self.bar.println(redact(&section_line(report)));
        }
        self.bar.inc(1);
        self.redraw();
    }
}
