//! When `watch` runs each section next: its interval (fixed, or moved by `every = "auto"`
//! between `[watch] min_every` and `max_every`: shorter after runs that brought new items,
//! longer after runs that found nothing new), doubled per failure in a row up to six hours,
//! with ±10 % jitter.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::SectionReport;
use crate::config::{Every, Watch};

/// Longest interval a failing section backs off to.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// When one section runs next.
#[derive(Debug, Clone, Copy)]
struct Slot {
    due: Instant,
    failures: u32,
    /// With `every = "auto"`: the interval it has come to.
    auto: Option<Duration>,
}

/// Every section's next run.
#[derive(Debug, Default)]
pub(super) struct Schedule {
    slots: HashMap<String, Slot>,
}

impl Schedule {
    /// A section not seen before is due `now`, with the failures in a row and the interval it
    /// had before a restart.
    pub(super) fn admit(&mut self, key: &str, now: Instant, failures: u32, auto: Option<Duration>) {
        self.slots.entry(key.to_string()).or_insert(Slot {
            due: now,
            failures,
            auto,
        });
    }

    /// Whether `key` has a slot already.
    pub(super) fn knows(&self, key: &str) -> bool {
        self.slots.contains_key(key)
    }

    /// Forgets sections that are no longer configured.
    pub(super) fn retain(&mut self, keys: &[String]) {
        self.slots.retain(|key, _| keys.contains(key));
    }

    /// Makes `key` due at `now` (a section not admitted yet is admitted when the loop next
    /// looks, and is due then anyway).
    pub(super) fn due_now(&mut self, key: &str, now: Instant) {
        if let Some(slot) = self.slots.get_mut(key) {
            slot.due = now;
        }
    }

    /// Whether `key` is due at `now`.
    pub(super) fn is_due(&self, key: &str, now: Instant) -> bool {
        self.slots.get(key).is_some_and(|slot| slot.due <= now)
    }

    /// The earliest due time of the sections `idle` accepts.
    pub(super) fn next_due(&self, idle: impl Fn(&str) -> bool) -> Option<Instant> {
        self.slots
            .iter()
            .filter(|(key, _)| idle(key))
            .map(|(_, slot)| slot.due)
            .min()
    }

    /// Plans a section's next run after `report`; returns its new `auto` interval, if it
    /// has one, to be remembered across restarts.
    pub(super) fn finished(
        &mut self,
        report: &SectionReport,
        every: Every,
        bounds: &Watch,
        now: Instant,
    ) -> Option<Duration> {
        let slot = self.slots.entry(report.section.clone()).or_insert(Slot {
            due: now,
            failures: 0,
            auto: None,
        });
        let failed = !report.status.is_ok();
        slot.failures = if failed { slot.failures + 1 } else { 0 };
        let interval = match every {
            Every::Fixed(every) => {
                slot.auto = None;
                every
            }
            Every::Auto => {
                let current = slot.auto.unwrap_or(bounds.min_every);
                let adapted = if failed {
                    current
                } else {
                    adapt(current, report.counts.new > 0, bounds)
                };
                slot.auto = Some(adapted);
                adapted
            }
        };
        slot.due = now + next_wait(interval, slot.failures);
        slot.auto
    }
}

/// `every = "auto"`: half the interval after a run that brought new items, half again as
/// long after one that did not (a 304 or nothing new), within the bounds.
pub(super) fn adapt(current: Duration, brought_new: bool, bounds: &Watch) -> Duration {
    let next = if brought_new {
        current / 2
    } else {
        current.mul_f64(1.5)
    };
    next.clamp(bounds.min_every, bounds.max_every)
}

/// A section's interval after `failures` failures in a row: doubled per failure, up to six
/// hours (or its own interval, if that is longer).
pub(super) fn backed_off(every: Duration, failures: u32) -> Duration {
    every
        .saturating_mul(1 << failures.min(16))
        .min(MAX_BACKOFF.max(every))
}

/// The wait before a section's next run: its backed-off interval with ±10 % jitter.
fn next_wait(every: Duration, failures: u32) -> Duration {
    backed_off(every, failures).mul_f64(0.9 + fastrand::f64() * 0.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Status;
    use crate::store::Counts;

    fn bounds() -> Watch {
        Watch {
            unhealthy_after: 3,
            min_every: Duration::from_secs(300),
            max_every: Duration::from_secs(6 * 3600),
        }
    }

    fn report(new: usize) -> SectionReport {
        SectionReport {
            section: "s/a".into(),
            counts: Counts {
                found: 5,
                new,
                kept: 5,
                requests: 1,
                not_modified: u32::from(new == 0),
                millis: 1,
                ..Counts::default()
            },
            status: Status::Ok,
            ..SectionReport::default()
        }
    }

    #[test]
    fn waits_jitter_and_back_off_to_six_hours() {
        let every = Duration::from_secs(1800);
        for _ in 0..100 {
            let wait = next_wait(every, 0).as_secs_f64();
            assert!((1620.0..=1980.0).contains(&wait), "{wait}");
        }
        let twice = next_wait(every, 1).as_secs_f64();
        assert!((3240.0..=3960.0).contains(&twice), "{twice}");
        assert!(next_wait(every, 30) <= MAX_BACKOFF.mul_f64(1.1));
        assert!(next_wait(every, 30) >= MAX_BACKOFF.mul_f64(0.9));
    }

    #[tokio::test(start_paused = true)]
    async fn auto_intervals_grow_while_quiet_and_shrink_on_news_within_bounds() {
        let bounds = bounds();
        let mut schedule = Schedule::default();
        schedule.admit("s/a", Instant::now(), 0, None);
        assert!(schedule.is_due("s/a", Instant::now()));
        let mut last = Duration::ZERO;
        for _ in 0..20 {
            let interval = schedule
                .finished(&report(0), Every::Auto, &bounds, Instant::now())
                .unwrap();
            assert!(interval >= last && interval <= bounds.max_every);
            last = interval;
            let due = schedule.next_due(|_| true).unwrap();
            let wait = due - Instant::now();
            assert!(wait >= interval.mul_f64(0.89) && wait <= interval.mul_f64(1.11));
            tokio::time::advance(wait).await;
            assert!(schedule.is_due("s/a", Instant::now()));
        }
        assert_eq!(last, bounds.max_every, "quiet sections settle at max_every");
        for _ in 0..20 {
            last = schedule
                .finished(&report(3), Every::Auto, &bounds, Instant::now())
                .unwrap();
            assert!(last >= bounds.min_every);
        }
        assert_eq!(last, bounds.min_every, "busy sections settle at min_every");
        assert_eq!(
            schedule.finished(
                &report(0),
                Every::Fixed(Duration::from_secs(60)),
                &bounds,
                Instant::now()
            ),
            None
        );
    }
}
