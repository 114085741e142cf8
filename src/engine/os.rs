//! The two calls into the C library the service makes: handing freed heap back to the kernel
//! and lowering a thread's scheduling priority. Both are glibc/Linux only and do nothing
//! elsewhere; this is the only module with `unsafe` code.

/// Returns the heap pages freed by loading or replacing a score table to the system. Reading
/// 10^6 rows from Parquet frees millions of small allocations between the rows that stay.
/// mimalloc (the service's allocator) purges free pages only on later allocator calls, one
/// second after they were freed, so an idle server kept them: 1,125 MB resident after opening
/// the 10^6 library, against 653 MB when they are purged at once (measured). glibc, which
/// the C libraries (SQLite) still use, keeps its free pages until `malloc_trim`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn release_free_heap() {
    // SAFETY: neither call takes pointers or has preconditions; both only hand free memory of
    // their allocator back to the kernel, and are thread-safe.
    unsafe {
        libmimalloc_sys::mi_collect(true);
        libc::malloc_trim(0);
    }
}

/// Elsewhere only mimalloc's free pages are handed back.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
#[allow(unsafe_code)]
pub(crate) fn release_free_heap() {
    // SAFETY: as above.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// Lowers the calling thread's scheduling priority to `nice` (0 normal, 19 lowest), so when
/// it and normal threads both wait for a core the operating system runs the others first (on
/// Linux the nice value belongs to the thread).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn lower_thread_priority(nice: i32) {
    // SAFETY: `setpriority` takes no pointers; `who` 0 is the calling thread. A failure leaves
    // the priority as it was, which is harmless.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, nice);
    }
}

/// Elsewhere threads keep the default priority.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn lower_thread_priority(_nice: i32) {}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    /// The calling thread's nice value: field 19 of /proc/thread-self/stat.
    fn own_nice() -> Option<i32> {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        stat.rsplit(')')
            .next()?
            .split_whitespace()
            .nth(16)?
            .parse()
            .ok()
    }

    #[test]
    fn a_thread_lowers_only_its_own_priority() {
        let own = std::thread::spawn(|| {
            super::lower_thread_priority(7);
            super::release_free_heap();
            own_nice()
        })
        .join()
        .unwrap();
        assert_eq!(own, Some(7));
        assert_ne!(own_nice(), Some(7));
    }
}
