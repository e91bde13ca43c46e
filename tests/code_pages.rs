//! `code_pages::map_on_touch` on real mappings of a file whose pages are all in the page cache, as a running
//! program's code is:
//!
//! - a mapping registered by it gets only the pages touched; one mapped after it (not registered) still gets
//!   the kernel's fault-around;
//! - the pages a mapping already held are unmapped, and come back, unchanged, as they are touched;
//! - a mapping holding a page written before it was made read-only (as the loader's relocations are) keeps it;
//! - with a second thread running, nothing is unmapped.
//!
//! A plain program (`harness = false`) rather than libtest's: the test harness runs each test on a thread of
//! its own, and `map_on_touch` unmaps pages only in a process with one thread. The checks run one after the
//! other, each on mappings of its own; the last one starts the second thread.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

use watchdesk::code_pages;

const PAGE: usize = 4096;
const PAGES: usize = 256;
const LEN: usize = PAGES * PAGE;
const MIDDLE: usize = LEN / 2;

/// The byte every position of page `n` of the file holds.
fn byte_of_page(n: usize) -> u8 {
    (n % 251) as u8 + 1
}

/// Writes the file and leaves all its pages in the page cache, clean, as a running program's code is: read
/// from the disk. Pages just written are dirty, and the kernel does not map around a fault a page that
/// writeback holds locked.
fn cached_file(path: &Path) -> File {
    let bytes: Vec<u8> = (0..LEN).map(|at| byte_of_page(at / PAGE)).collect();
    std::fs::write(path, &bytes).expect("write");
    let file = File::open(path).expect("open");
    file.sync_all().expect("sync");
    // SAFETY: advice on an open descriptor; it changes no data.
    let dropped = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    assert_eq!(dropped, 0, "posix_fadvise");
    assert_eq!(std::fs::read(path).expect("read"), bytes);
    file
}

/// A private mapping of the whole file with `prot`, as the loader maps code and read-only data.
fn map(file: &File, prot: libc::c_int) -> *mut u8 {
    // SAFETY: a fresh private mapping of an open file of LEN bytes; never unmapped while the program runs.
    let at = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            LEN,
            prot,
            libc::MAP_PRIVATE,
            file.as_raw_fd(),
            0,
        )
    };
    assert_ne!(at, libc::MAP_FAILED, "mmap: {}", std::io::Error::last_os_error());
    at.cast()
}

/// Reads the byte at `offset` of the mapping.
fn touch(at: *const u8, offset: usize) -> u8 {
    assert!(offset < LEN);
    // SAFETY: the offset is inside the LEN bytes mapped at `at`.
    unsafe { std::ptr::read_volatile(at.add(offset)) }
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

fn resident_kib(at: *const u8) -> u64 {
    smaps_of(at).0
}

/// `map_on_touch`, or `None` (after a loud line) where this kernel cannot do it.
fn map_on_touch() -> Option<code_pages::Registered> {
    match code_pages::map_on_touch() {
        Ok(done) => Some(done),
        Err(why) => {
            println!("SKIPPED: this kernel cannot map pages on touch only (Linux 6.7+ userfaultfd): {why}");
            None
        }
    }
}

fn a_registered_mapping_gets_only_the_pages_touched(dir: &Path) -> Option<()> {
    let file = cached_file(&dir.join("code.bin"));
    let registered = map(&file, libc::PROT_READ);
    let done = map_on_touch()?;
    let unregistered = map(&file, libc::PROT_READ);
    assert_eq!(touch(registered, MIDDLE), byte_of_page(PAGES / 2));
    assert_eq!(touch(unregistered, MIDDLE), byte_of_page(PAGES / 2));

    let (registered_kib, registered_flags) = smaps_of(registered);
    let (unregistered_kib, unregistered_flags) = smaps_of(unregistered);
    assert!(
        done.mappings >= 2,
        "the program's own code and the file: {done:?}"
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
    Some(())
}

fn pages_mapped_before_are_unmapped_and_come_back_unchanged(dir: &Path) -> Option<()> {
    let file = cached_file(&dir.join("early.bin"));
    let early = map(&file, libc::PROT_READ);
    assert_eq!(touch(early, MIDDLE), byte_of_page(PAGES / 2));
    assert_eq!(touch(early, 0), byte_of_page(0));
    let before = resident_kib(early);
    assert!(
        before >= 2 * (PAGE / 1024) as u64,
        "two pages touched: {before} KiB"
    );

    let done = map_on_touch()?;
    assert!(done.emptied >= 2, "the program's own code and the file: {done:?}");
    assert_eq!(resident_kib(early), 0, "unmapped (it held {before} KiB)");

    for page in [PAGES / 2, 0, PAGES - 1] {
        let offset = page * PAGE + PAGE / 3;
        assert_eq!(touch(early, offset), byte_of_page(page), "page {page} read back");
    }
    assert_eq!(
        resident_kib(early),
        3 * (PAGE / 1024) as u64,
        "the three pages touched again, one by one"
    );
    Some(())
}

fn a_mapping_holding_written_pages_keeps_them(dir: &Path) -> Option<()> {
    let file = cached_file(&dir.join("relro.bin"));
    // As the loader does with `.data.rel.ro`: written (copy-on-write) while writable, then made read-only.
    let relocated = map(&file, libc::PROT_READ | libc::PROT_WRITE);
    // SAFETY: inside the LEN bytes of a private writable mapping: the write goes to the process's own copy.
    unsafe { std::ptr::write_volatile(relocated.add(PAGE + 5), 0xAB) };
    // SAFETY: the whole mapping made at `relocated`.
    let sealed = unsafe { libc::mprotect(relocated.cast(), LEN, libc::PROT_READ) };
    assert_eq!(sealed, 0, "mprotect: {}", std::io::Error::last_os_error());
    assert_eq!(touch(relocated, MIDDLE), byte_of_page(PAGES / 2));
    let before = resident_kib(relocated);

    map_on_touch()?;
    assert_eq!(resident_kib(relocated), before, "left as it was");
    assert_eq!(
        touch(relocated, PAGE + 5),
        0xAB,
        "the written byte, not the file's"
    );
    assert_eq!(touch(relocated, PAGE + 6), byte_of_page(1));
    Some(())
}

fn with_a_second_thread_nothing_is_unmapped(dir: &Path) -> Option<()> {
    let file = cached_file(&dir.join("threads.bin"));
    let held = map(&file, libc::PROT_READ);
    assert_eq!(touch(held, MIDDLE), byte_of_page(PAGES / 2));
    let before = resident_kib(held);
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let second = std::thread::spawn(move || stopped.recv());

    let done = map_on_touch();
    drop(stop);
    let _ = second.join();
    let done = done?;
    assert_eq!(done.emptied, 0, "{done:?}");
    assert!(done.mappings >= 2, "still registered: {done:?}");
    assert_eq!(resident_kib(held), before);
    Some(())
}

/// A check on mappings of files in the given directory; `None` when it was skipped.
type Check = fn(&Path) -> Option<()>;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let checks: [(&str, Check); 4] = [
        (
            "a_registered_mapping_gets_only_the_pages_touched",
            a_registered_mapping_gets_only_the_pages_touched,
        ),
        (
            "pages_mapped_before_are_unmapped_and_come_back_unchanged",
            pages_mapped_before_are_unmapped_and_come_back_unchanged,
        ),
        (
            "a_mapping_holding_written_pages_keeps_them",
            a_mapping_holding_written_pages_keeps_them,
        ),
        // Last: the thread it starts leaves the process's count of threads behind it only when it ends.
        (
            "with_a_second_thread_nothing_is_unmapped",
            with_a_second_thread_nothing_is_unmapped,
        ),
    ];
    for (name, check) in checks {
        match check(dir.path()) {
            Some(()) => println!("test {name} ... ok"),
            None => return,
        }
    }
}
