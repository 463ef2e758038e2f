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
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(cores + 1)
        .enable_all()
        .build()
        .expect("the async runtime starts")
}
