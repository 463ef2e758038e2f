//! What `/metrics` and `/healthz` answer: per section (`site`, `section` labels) its last
//! success, failures in a row, items found, new and kept, drift warnings (read from the state),
//! and the requests, 304s, bytes, errors and run durations this process counted; per host its
//! requests and errors. Health fails while a section has failed more than `[watch]
//! unhealthy_after` times in a row.

use std::sync::{Arc, Mutex, RwLock};

use chrono::Utc;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::PassError;
use super::SectionReport;
use super::status::{SectionStatus, status};
use crate::config::Config;
use crate::store::StoreError;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SectionLabels {
    site: String,
    section: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HostLabels {
    host: String,
}

/// What this process counted as its sections ran.
#[derive(Clone)]
struct Counted {
    runs: Family<SectionLabels, Counter>,
    failures: Family<SectionLabels, Counter>,
    requests: Family<SectionLabels, Counter>,
    not_modified: Family<SectionLabels, Counter>,
    bytes: Family<SectionLabels, Counter>,
    duration: Family<SectionLabels, Histogram>,
    host_requests: Family<HostLabels, Counter>,
    host_errors: Family<HostLabels, Counter>,
}

/// Run durations from 50 ms to about 100 s.
fn durations() -> Histogram {
    Histogram::new(exponential_buckets(0.05, 2.0, 12))
}

/// The answers of `/metrics` and `/healthz` for a config.
pub struct Monitor {
    config: RwLock<Arc<Config>>,
    counted: Counted,
    /// The last metrics text that could be read (the state may be busy for a moment).
    last: Mutex<Option<String>>,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor").finish_non_exhaustive()
    }
}

impl Monitor {
    /// A monitor of `config`'s sections.
    pub fn new(config: Arc<Config>) -> Self {
        let duration = Family::new_with_constructor(durations as fn() -> Histogram);
        Monitor {
            config: RwLock::new(config),
            counted: Counted {
                runs: Family::default(),
                failures: Family::default(),
                requests: Family::default(),
                not_modified: Family::default(),
                bytes: Family::default(),
                duration,
                host_requests: Family::default(),
                host_errors: Family::default(),
            },
            last: Mutex::default(),
        }
    }

    /// Follows a reloaded config.
    pub fn set_config(&self, config: Arc<Config>) {
        *self.config.write().expect("never poisoned") = config;
    }

    /// Counts one section's run.
    pub fn record(&self, report: &SectionReport) {
        let config = self.config.read().expect("never poisoned").clone();
        let Some(section) = config.sections().find(|s| s.key() == report.section) else {
            return;
        };
        let labels = SectionLabels {
            site: section.site_id.clone(),
            section: section.id.clone(),
        };
        let c = &self.counted;
        c.runs.get_or_create(&labels).inc();
        if !report.status.is_ok() {
            c.failures.get_or_create(&labels).inc();
        }
        c.requests
            .get_or_create(&labels)
            .inc_by(u64::from(report.counts.requests));
        c.not_modified
            .get_or_create(&labels)
            .inc_by(u64::from(report.counts.not_modified));
        c.bytes.get_or_create(&labels).inc_by(report.counts.bytes);
        c.duration
            .get_or_create(&labels)
            .observe(report.counts.millis as f64 / 1000.0);
        let host = HostLabels {
            host: section.url.host_str().unwrap_or_default().to_string(),
        };
        c.host_requests
            .get_or_create(&host)
            .inc_by(u64::from(report.counts.requests));
        if !report.status.is_ok() {
            c.host_errors.get_or_create(&host).inc();
        }
    }

    /// Every section's state; none yet before the first run.
    fn sections(&self) -> Result<(Arc<Config>, Vec<SectionStatus>), String> {
        let config = self.config.read().expect("never poisoned").clone();
        match status(&config, Utc::now()) {
            Ok(sections) => Ok((config, sections)),
            Err(PassError::Store(StoreError::Missing { .. })) => Ok((config, Vec::new())),
            Err(e) => Err(e.to_string()),
        }
    }

    fn registry(&self) -> Result<Registry, String> {
        let (_, sections) = self.sections()?;
        let mut registry = Registry::with_prefix("feedwright");
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let family = Family::<SectionLabels, Gauge>::default();
            registry.register(name, help, family.clone());
            family
        };
        let success = gauge(
            &mut registry,
            "section_last_success_timestamp_seconds",
            "When the section last succeeded",
        );
        let failing = gauge(
            &mut registry,
            "section_consecutive_failures",
            "Failures of the section since its last success",
        );
        let found = gauge(
            &mut registry,
            "section_items_found",
            "Items its last read of the page found",
        );
        let new = gauge(
            &mut registry,
            "section_items_new",
            "Items new to its history in its last run",
        );
        let kept = gauge(&mut registry, "section_items_kept", "Items in its feed");
        let drift = gauge(
            &mut registry,
            "section_drift_warnings",
            "Drift warnings of its last read",
        );
        let healed = gauge(
            &mut registry,
            "section_healed",
            "1 when the section runs on selectors it healed to after a redesign",
        );
        for s in &sections {
            let (site, id) = s.section.split_once('/').unwrap_or((&s.section, ""));
            let labels = SectionLabels {
                site: site.to_string(),
                section: id.to_string(),
            };
            let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
            if let Some(at) = s.last_success {
                success.get_or_create(&labels).set(at.timestamp());
            }
            failing
                .get_or_create(&labels)
                .set(n(s.consecutive_failures));
            found.get_or_create(&labels).set(n(s.found));
            new.get_or_create(&labels).set(n(s.new));
            kept.get_or_create(&labels).set(n(s.items));
            drift.get_or_create(&labels).set(n(s.drift.len()));
            healed.get_or_create(&labels).set(i64::from(s.healed));
        }
        let c = self.counted.clone();
        registry.register(
            "section_runs",
            "Runs of the section by this process",
            c.runs,
        );
        registry.register(
            "section_failures",
            "Failed runs of the section by this process",
            c.failures,
        );
        registry.register(
            "section_requests",
            "Requests the section made (robots.txt and article pages included)",
            c.requests,
        );
        registry.register(
            "section_not_modified",
            "304 answers to the section's requests",
            c.not_modified,
        );
        registry.register(
            "section_fetched_bytes",
            "Body bytes the section fetched",
            c.bytes,
        );
        registry.register(
            "section_run_duration_seconds",
            "How long the section's runs took",
            c.duration,
        );
        registry.register("host_requests", "Requests to the host", c.host_requests);
        registry.register(
            "host_errors",
            "Failed section runs whose page is on the host",
            c.host_errors,
        );
        Ok(registry)
    }
}

impl Monitor {
    /// The metrics in the Prometheus text format, or why they cannot be read now.
    pub fn metrics(&self) -> Result<String, String> {
        let text = self.registry().and_then(|registry| {
            let mut text = String::new();
            prometheus_client::encoding::text::encode(&mut text, &registry)
                .map_err(|e| e.to_string())?;
            Ok(text)
        });
        let mut last = self.last.lock().expect("never poisoned");
        match text {
            Ok(text) => {
                *last = Some(text.clone());
                Ok(text)
            }
            // The state is busy for a moment (a `run` holds it alone): the last reading.
            Err(e) => last.clone().ok_or(e),
        }
    }

    /// `Ok` with a line while healthy; `Err` naming the sections that failed too often.
    pub fn health(&self) -> Result<String, String> {
        let (config, sections) = self.sections()?;
        let limit = usize::try_from(config.watch.unhealthy_after).unwrap_or(usize::MAX);
        let failing: Vec<String> = sections
            .iter()
            .filter(|s| s.consecutive_failures > limit)
            .map(|s| {
                format!(
                    "{} failed {} times in a row",
                    s.section, s.consecutive_failures
                )
            })
            .collect();
        if failing.is_empty() {
            let noun = if sections.len() == 1 {
                "section"
            } else {
                "sections"
            };
            Ok(format!("ok: {} {noun}\n", sections.len()))
        } else {
            Err(format!("unhealthy: {}\n", failing.join("; ")))
        }
    }
}
