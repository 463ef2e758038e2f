//! Where a run's CPU goes: each stage's thread CPU time (user and system), summed over the
//! threads that ran it.
//!
//! Off unless `FEEDWRIGHT_STAGES` is set in the environment (then [`measure`] costs two
//! `clock_gettime` calls); `feedwright run` prints the totals when it ends. The stages are
//! synchronous blocks; what is not in one of them (HTTP, TLS, the async runtime, start-up) is
//! the process's CPU time minus their sum.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// A measured step of reading and publishing a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Digesting a fetched body to see whether it is the one read last time.
    Hash,
    /// Turning the body's bytes into text (charset detection and decoding).
    Decode,
    /// html5ever's parse of the page into a tree.
    Parse,
    /// Finding the items and their fields in the tree.
    Extract,
    /// Cleaning fields into items: dates, links, sanitised HTML.
    Normalize,
    /// Reading and writing the state (SQLite).
    Store,
    /// Rendering feeds and readable pages.
    Render,
    /// Publishing output files (compare, temporary file, rename), fsync included.
    Write,
    /// Of `Write`: the fsync of each written file.
    Fsync,
}

impl Stage {
    /// Every stage, in the order data flows through them.
    pub const ALL: [Stage; 9] = [
        Stage::Hash,
        Stage::Decode,
        Stage::Parse,
        Stage::Extract,
        Stage::Normalize,
        Stage::Store,
        Stage::Render,
        Stage::Write,
        Stage::Fsync,
    ];

    /// The stage's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Hash => "hash",
            Stage::Decode => "decode",
            Stage::Parse => "parse",
            Stage::Extract => "extract",
            Stage::Normalize => "normalize",
            Stage::Store => "store",
            Stage::Render => "render",
            Stage::Write => "write",
            Stage::Fsync => "fsync",
        }
    }
}

static ENABLED: LazyLock<bool> = LazyLock::new(|| std::env::var_os("FEEDWRIGHT_STAGES").is_some());

static NANOS: [AtomicU64; Stage::ALL.len()] = [const { AtomicU64::new(0) }; Stage::ALL.len()];

/// Runs `work`, adding the CPU time it took on this thread to `stage` when accounting is on.
pub fn measure<T>(stage: Stage, work: impl FnOnce() -> T) -> T {
    if !*ENABLED {
        return work();
    }
    let start = thread_cpu_nanos();
    let result = work();
    let spent = thread_cpu_nanos().saturating_sub(start);
    NANOS[stage as usize].fetch_add(spent, Ordering::Relaxed);
    result
}

/// Each stage's CPU time so far in milliseconds, or `None` when accounting is off.
pub fn totals() -> Option<Vec<(Stage, f64)>> {
    (*ENABLED).then(|| {
        Stage::ALL
            .iter()
            .map(|&stage| {
                let nanos = NANOS[stage as usize].load(Ordering::Relaxed);
                (stage, nanos as f64 / 1e6)
            })
            .collect()
    })
}

/// This process's CPU time so far (user and system, all threads) in milliseconds.
pub fn process_millis() -> f64 {
    clock_nanos(libc::CLOCK_PROCESS_CPUTIME_ID) as f64 / 1e6
}

fn thread_cpu_nanos() -> u64 {
    clock_nanos(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn clock_nanos(clock: libc::clockid_t) -> u64 {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let status = unsafe { libc::clock_gettime(clock, &raw mut time) };
    if status != 0 {
        return 0;
    }
    u64::try_from(time.tv_sec).unwrap_or(0) * 1_000_000_000
        + u64::try_from(time.tv_nsec).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_time_grows_with_work() {
        let start = thread_cpu_nanos();
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        assert!(x != 1);
        assert!(thread_cpu_nanos() > start);
        assert!(process_millis() > 0.0);
    }
}
