fn main() {
    // Before anything else runs (and before any other thread): from here on, code and read-only data become
    // resident only as they are touched, and what start-up mapped around them is let go. Where the kernel
    // cannot do it, start-up goes on as before.
    let _ = watchdesk::code_pages::map_on_touch();
    one_malloc_arena();
    std::process::exit(watchdesk::cli::main());
}

/// glibc gives every thread that allocates its own malloc arena (up to eight per core), each holding freed
/// memory of its own; watchdesk's threads mostly wait, and one arena serves them with less resident memory
/// (see BENCHMARKS.md). `MALLOC_ARENA_MAX` in the environment still decides when it is set.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes an allocator setting; called first thing, before any other thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}
