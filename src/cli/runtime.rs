//! The async runtimes the commands run on.

/// The runtime of the long-running and one-off commands other than `run`: worker threads.
pub(super) fn general() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts")
}

/// The runtime of one pass (`run`): the waiting — connections, timers — on this thread alone,
/// and the CPU work (parsing, rendering, writing) on a pool one thread larger than the cores.
/// Work handed between threads costs a wake-up each time; this keeps it to a hand-off out and
/// back per page, and the pool's threads, no more than the cores can run, seldom wait on
/// each other (a fifth of the futex calls of a runtime of worker threads and a large pool).
pub(super) fn pass() -> tokio::runtime::Runtime {
    keep_heap();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(cores + 1)
        .enable_all()
        .build()
        .expect("the async runtime starts")
}

/// A pass lives for minutes at most and gives its memory back when it exits, so the C
/// library's allocator is told to serve large blocks (page buffers, page trees) from its heap
/// instead of mapping fresh memory for each and unmapping it again, and to keep the free top
/// of a thread's heap rather than hand it back after every page: each of those cost page
/// faults, an `munmap` or `madvise`, and the TLB flushes they send to the other cores.
/// Measured: a tenth to a seventh of the CPU, two system calls fewer a section; peak memory
/// the same at 200 sections, 80 MiB instead of 71 at 10,000 (the long-running commands keep
/// the lower thresholds `tune_allocator` sets).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_heap() {
    // SAFETY: mallopt only sets two of glibc's thresholds (the mapping one to the largest its
    // own adaptive threshold reaches); it is called before the runtime starts any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 32 << 20);
    }
}

/// Other C libraries keep their own defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_heap() {}
