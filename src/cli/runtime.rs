//! The async runtimes the commands run on, and the allocator settings that suit each.

/// The runtime of the long-running and one-off commands other than `run`: worker threads,
/// and a heap that stays flat however long they run ([`Heap::Flat`]).
pub(super) fn general() -> tokio::runtime::Runtime {
    tune_heap(Heap::Flat, cores());
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
/// A pass ends and gives its memory back when it does, so its heap keeps what it has
/// ([`Heap::Kept`]).
pub(super) fn pass() -> tokio::runtime::Runtime {
    let cores = cores();
    tune_heap(Heap::Kept, cores);
    tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(cores + 1)
        .enable_all()
        .build()
        .expect("the async runtime starts")
}

/// The cores this process may use (asked once: on Linux the answer reads three files of the
/// control groups).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// How the C library's allocator (glibc only) treats the page bodies and parse trees of a few
/// hundred KB that the sections allocate and free all along.
#[derive(Clone, Copy)]
enum Heap {
    /// For the commands that may run for days (`watch`, `serve`) or read many pages: blocks
    /// from 128 KiB up are mapped on their own and given back to the system when freed. glibc
    /// would raise that threshold after the first such free and from then on keep them in the
    /// heap, where they fragment it and a long run's memory only grows (peak RSS at 10,000
    /// sections: 112 MiB without, 85 MiB with).
    Flat,
    /// For one pass: blocks up to 32 MiB come from the heap and each heap keeps its free top,
    /// instead of mapping fresh memory for every page and handing it back after it: each of
    /// those cost page faults, an `munmap` or `madvise`, and the TLB flushes they send to the
    /// other cores. Measured: a tenth to a seventh of the CPU, two system calls fewer a
    /// section; peak memory the same at 200 sections, 80 MiB instead of 71 at 10,000.
    Kept,
}

/// Heaps (glibc "arenas") per core, whatever the [`Heap`]. The default, 8 per core, gives most
/// of the threads that parse and render sections a heap of their own, each keeping freed
/// memory the others cannot reuse (99 MiB at 10,000 sections, 90 MiB with 2 per core, at no
/// cost in time).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENAS_PER_CORE: usize = 2;

/// Sets the allocator up as `heap` says for `cores` cores; called before the runtime starts any
/// thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_heap(heap: Heap, cores: usize) {
    let arenas = libc::c_int::try_from(ARENAS_PER_CORE * cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets allocator parameters; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
        match heap {
            Heap::Flat => {
                libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
            }
            Heap::Kept => {
                libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
                libc::mallopt(libc::M_TRIM_THRESHOLD, 32 << 20);
            }
        }
    }
}

/// Other C libraries keep their own defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_heap(_: Heap, _: usize) {}
