//! Drift warnings: signs, from a section's recent runs, that its page changed under the
//! selectors (the section still works, which is why nobody would notice): the item count fell
//! below half its median, a field that nearly every item had is nearly gone, or the items
//! started to take their first-seen time for want of a date.

use crate::store::{Coverage, LoggedRun};

/// How many items of a read had one field.
type Filled = fn(&Coverage) -> usize;

/// Successful runs that read the page, looked back over.
pub(super) const LOOK_BACK: usize = 10;
/// Fewer earlier reads than this say nothing yet.
const MIN_HISTORY: usize = 3;

/// The reads among `history` that drift is weighed against.
fn reads(history: &[LoggedRun]) -> Vec<&LoggedRun> {
    history
        .iter()
        .filter(|r| r.failure.is_none() && r.counts.found > 0)
        .take(LOOK_BACK)
        .collect()
}

fn median_count(reads: &[&LoggedRun]) -> usize {
    let mut counts: Vec<usize> = reads.iter().map(|r| r.counts.found).collect();
    counts.sort_unstable();
    counts[counts.len() / 2]
}

/// Whether a read that found `found` items fell below half the median of the earlier reads.
pub(super) fn count_fell(found: usize, history: &[LoggedRun]) -> bool {
    let reads = reads(history);
    reads.len() >= MIN_HISTORY && found * 2 < median_count(&reads)
}

/// The drift warnings of a read that found `found` items with `coverage`, against the earlier
/// runs `history` (newest first; failures and unread pages are passed over).
pub(super) fn warnings(found: usize, coverage: Coverage, history: &[LoggedRun]) -> Vec<String> {
    let reads = reads(history);
    if reads.len() < MIN_HISTORY || found == 0 {
        return Vec::new();
    }
    let mut warnings = Vec::new();
    let median = median_count(&reads);
    if found * 2 < median {
        warnings.push(format!(
            "item count fell to {found} (median {median} over the last {} runs)",
            reads.len()
        ));
    }
    let total: usize = reads.iter().map(|r| r.counts.found).sum();
    let share = |part: usize, of: usize| part as f64 / of.max(1) as f64;
    let fields: [(&str, Filled); 5] = [
        ("date", |c| c.dated),
        ("summary", |c| c.summary),
        ("image", |c| c.image),
        ("author", |c| c.author),
        ("article text", |c| c.content),
    ];
    for (name, of) in fields {
        let before = share(reads.iter().map(|r| of(&r.counts.coverage)).sum(), total);
        let now = share(of(&coverage), found);
        if before >= 0.8 && now < 0.2 {
            warnings.push(format!(
                "{name} filled {:.0} % of items, down from {:.0} %",
                now * 100.0,
                before * 100.0
            ));
        }
    }
    let undated_before = 1.0 - share(reads.iter().map(|r| r.counts.coverage.dated).sum(), total);
    let undated_now = 1.0 - share(coverage.dated, found);
    if undated_before < 0.2 && undated_now > 0.5 {
        warnings.push(format!(
            "{} of {found} items now take their first-seen time (no date found)",
            found - coverage.dated
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Counts;
    use chrono::{TimeZone, Utc};

    fn run(found: usize, dated: usize) -> LoggedRun {
        LoggedRun {
            ended: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            failure: None,
            counts: Counts {
                found,
                coverage: Coverage {
                    dated,
                    summary: found,
                    ..Coverage::default()
                },
                kept: found,
                requests: 1,
                ..Counts::default()
            },
        }
    }

    #[test]
    fn falls_in_count_and_coverage_are_told_and_steady_pages_are_not() {
        let history: Vec<LoggedRun> = (0..10).map(|_| run(20, 20)).collect();
        let steady = Coverage {
            dated: 20,
            summary: 20,
            ..Coverage::default()
        };
        assert!(warnings(20, steady, &history).is_empty());
        let halved = warnings(
            9,
            Coverage {
                dated: 9,
                summary: 9,
                ..Coverage::default()
            },
            &history,
        );
        assert_eq!(halved.len(), 1, "{halved:?}");
        assert!(halved[0].contains("fell to 9 (median 20"));
        let undated = warnings(
            20,
            Coverage {
                dated: 0,
                summary: 20,
                ..Coverage::default()
            },
            &history,
        );
        assert!(
            undated.iter().any(|w| w.starts_with("date filled 0 %")),
            "{undated:?}"
        );
        assert!(
            undated.iter().any(|w| w.contains("first-seen")),
            "{undated:?}"
        );
        assert!(
            warnings(9, steady, &history[..2]).is_empty(),
            "too little history"
        );
    }
}
