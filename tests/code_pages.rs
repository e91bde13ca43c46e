//! A mapping registered by `code_pages::map_on_touch` gets only the pages touched; one mapped after it (not
//! registered) still gets the kernel's fault-around. Both map the same file, whose pages are all in the page
//! cache, and touch the same single page.

use std::fs::File;
use std::os::fd::AsRawFd;

use watchdesk::code_pages;

const PAGE: usize = 4096;
const LEN: usize = 256 * PAGE;

/// A read-only private mapping of the whole file, as the loader maps read-only data.
fn map(file: &File) -> *const u8 {
    // SAFETY: a fresh read-only private mapping of an open file of LEN bytes; never unmapped while read.
    let at = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            LEN,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            file.as_raw_fd(),
            0,
        )
    };
    assert_ne!(at, libc::MAP_FAILED, "mmap: {}", std::io::Error::last_os_error());
    at as *const u8
}

/// Reads one byte in the middle of the mapping.
fn touch(at: *const u8) -> u8 {
    // SAFETY: the offset is inside the LEN bytes mapped at `at`.
    unsafe { std::ptr::read_volatile(at.add(LEN / 2)) }
}

/// `Rss:` (KiB) and `VmFlags:` of the mapping that starts at `at`, from `/proc/self/smaps`.
fn smaps_of(at: *const u8) -> (u64, String) {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("read smaps");
    let head = format!("{:x}-", at as usize);
    let block: Vec<&str> = smaps
        .lines()
        .skip_while(|line| !line.starts_with(&head))
        .skip(1)
        .take_while(|line| line.split_whitespace().next().is_some_and(|f| f.ends_with(':')))
        .collect();
    let field = |name: &str| {
        block
            .iter()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} for the mapping at {head}"))
            .trim()
            .to_string()
    };
    let rss = field("Rss:")
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("Rss in kB");
    (rss, field("VmFlags:"))
}

#[test]
fn a_registered_mapping_gets_only_the_pages_touched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("code.bin");
    std::fs::write(&path, vec![7u8; LEN]).expect("write");
    let file = File::open(&path).expect("open");
    // Every page of the file in the page cache as a running program's code is: read from the disk, clean. Pages
    // just written are dirty, and the kernel does not map around a fault a page that writeback holds locked.
    file.sync_all().expect("sync");
    // SAFETY: advice on an open descriptor; it changes no data.
    let dropped = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    assert_eq!(dropped, 0, "posix_fadvise");
    assert_eq!(std::fs::read(&path).expect("read").len(), LEN);

    let registered = map(&file);
    let registrations = match code_pages::map_on_touch() {
        Ok(n) => n,
        Err(why) => {
            println!("SKIPPED: this kernel cannot map pages on touch only (Linux 6.7+ userfaultfd): {why}");
            return;
        }
    };
    let unregistered = map(&file);
    assert_eq!(touch(registered), 7);
    assert_eq!(touch(unregistered), 7);

    let (registered_kib, registered_flags) = smaps_of(registered);
    let (unregistered_kib, unregistered_flags) = smaps_of(unregistered);
    assert!(
        registrations >= 2,
        "the test's own code and the file: {registrations}"
    );
    assert!(
        registered_flags.split_whitespace().any(|f| f == "uw"),
        "registered for write-protect tracking: {registered_flags}"
    );
    assert!(!unregistered_flags.split_whitespace().any(|f| f == "uw"));
    assert_eq!(
        registered_kib,
        (PAGE / 1024) as u64,
        "one page touched, one page resident"
    );
    assert!(
        unregistered_kib > registered_kib,
        "without registration the kernel maps the pages around the fault too ({unregistered_kib} KiB)"
    );
}
