fn main() -> std::process::ExitCode {
    fixed_mmap_threshold();
    msklint::cli::main()
}

/// glibc raises its threshold for serving an allocation from its own
/// mapping each time such a block is freed, up to 32 MB. After parsing
/// frees its large buffers, later large vectors then come from the heap,
/// whose freed middle is never returned: on a 100,000-service pathway
/// that was 14 MB of peak memory (docs/performance.md). A fixed threshold
/// (the default's starting value) keeps large blocks in their own
/// mappings, given back when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fixed_mmap_threshold() {
    // SAFETY: mallopt only changes the allocator's settings; it is called
    // before any other thread exists. A failure leaves the default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fixed_mmap_threshold() {}
