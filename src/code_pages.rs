//! The executable's code is mapped into the process page by page, as it runs, rather than 64 KiB at a time.
//!
//! On a read fault in a file mapping, Linux also maps every page of the page cache around the faulting one
//! ("fault-around", 64 KiB by default). watchdesk is one 13 MB executable for every role, and the code an idle
//! dashboard runs is scattered over most of it, so fault-around left about 8 MiB of code resident, most of it
//! never run (see BENCHMARKS.md). `madvise(MADV_RANDOM)` does not help: it stops readahead into the page cache,
//! not fault-around. The kernel does skip fault-around for a mapping registered with a userfaultfd for
//! write-protect tracking, and since Linux 6.7 that registration works on any mapping in *asynchronous* mode,
//! where the kernel itself resolves a write to a protected page and nothing is ever sent to the process. So at
//! start the process registers its read-only private file mappings (its code and read-only data, and those of
//! the shared libraries) in that mode and never protects anything: the one effect is that a page becomes
//! resident when it is first touched.
//!
//! The pages the loader and the C library's start-up touched before `main` were mapped with fault-around all
//! the same. While the process still has one thread, those of a registered mapping that holds only the file's
//! pages are then unmapped (`madvise(MADV_DONTNEED)`): the page cache keeps them, and the ones touched again
//! come back one by one. A mapping holding a page of its own — one the loader wrote before making it
//! read-only (relocations, `.data.rel.ro`), or a debugger's breakpoint in code — is left as it is, since
//! unmapping it would put the file's bytes back in place of the written ones.
//!
//! What it costs: more minor page faults while the program starts (one per 4 KiB page of code run rather than
//! one per 64 KiB), and one open file descriptor (`anon_inode:[userfaultfd]`) for the life of the process.
//! Where it cannot be had — an older kernel, userfaultfd not built in or refused — nothing changes. It is not
//! tried under a seccomp filter: systemd's `SystemCallFilter=` ends a process that makes a system call outside
//! its list rather than failing the call.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::OnceLock;

/// What [`map_on_touch`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// Read-only private file mappings registered: from now on their pages are mapped one by one.
    pub mappings: usize,
    /// Of those, the ones whose resident pages were unmapped (they held no page of their own).
    pub emptied: usize,
}

/// Registers every read-only private file mapping of the process (the executable's code and read-only data,
/// the shared libraries') so that its pages are mapped only as they are touched, and, when the process has a
/// single thread, unmaps the pages they already hold that the page cache can give back. Call it first thing
/// in `main`; calling it again registers what was mapped since.
pub fn map_on_touch() -> io::Result<Registered> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    if under_seccomp_filter(&status) {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the process runs under a seccomp filter that may not allow userfaultfd",
        ));
    }
    let tracker = tracker()?;
    // With other threads running, a mapping read here could be replaced (unmapped, and another library
    // mapped and relocated at the same address) before it is emptied: then only registration is safe.
    let may_empty = status_field(&status, "Threads:") == Some("1");
    let smaps = std::fs::read_to_string("/proc/self/smaps")?;
    let mut done = Registered {
        mappings: 0,
        emptied: 0,
    };
    for mapping in read_only_file_mappings(&smaps) {
        // A mapping can go between the read and the registration (another thread's munmap): it is skipped.
        if register(tracker, mapping.start, mapping.len).is_err() {
            continue;
        }
        done.mappings += 1;
        if may_empty && mapping.holds_no_own_page() && empty(mapping.start, mapping.len).is_ok() {
            done.emptied += 1;
        }
    }
    Ok(done)
}

/// The value of `name` in `/proc/PID/status` text.
fn status_field<'a>(status: &'a str, name: &str) -> Option<&'a str> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .map(str::trim)
}

/// `Seccomp:` in `/proc/self/status` is 2 when a system call filter is installed.
fn under_seccomp_filter(status: &str) -> bool {
    status_field(status, "Seccomp:").is_some_and(|mode| mode != "0")
}

/// A read-only private file mapping, from `/proc/PID/smaps`.
#[derive(Debug, PartialEq, Eq)]
struct Mapping {
    start: usize,
    len: usize,
    /// `Anonymous:` and `Swap:`: KiB of pages the process holds in place of the file's (written,
    /// copy-on-write), resident and swapped out; `None` when smaps did not say.
    anonymous_kib: Option<u64>,
    swapped_kib: Option<u64>,
}

impl Mapping {
    /// Every page of the mapping is the file's: unmapping it loses nothing. Unknown counts as no.
    fn holds_no_own_page(&self) -> bool {
        self.anonymous_kib == Some(0) && self.swapped_kib == Some(0)
    }
}

/// Each read-only, private mapping of a file in `/proc/PID/smaps` text: code (`r-xp`) and read-only data
/// (`r--p`). Writable mappings, shared ones and anonymous or special ones (`[vdso]`, `[stack]`) are left out.
fn read_only_file_mappings(smaps: &str) -> Vec<Mapping> {
    let mut found = Vec::new();
    let mut current: Option<Mapping> = None;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let Some(first) = fields.next() else { continue };
        if let Some(name) = first.strip_suffix(':') {
            let mut kib = || fields.next().and_then(|kib| kib.parse().ok());
            match (name, current.as_mut()) {
                ("Anonymous", Some(mapping)) => mapping.anonymous_kib = kib(),
                ("Swap", Some(mapping)) => mapping.swapped_kib = kib(),
                _ => {}
            }
            continue;
        }
        found.extend(current.take());
        current = read_only_file_mapping(first, fields);
    }
    found.extend(current);
    found
}

/// The mapping a smaps header line (`start-end perms offset dev inode path`) names, if it is a read-only
/// private mapping of a file.
fn read_only_file_mapping<'a>(range: &str, mut fields: impl Iterator<Item = &'a str>) -> Option<Mapping> {
    let perms = fields.next()?.as_bytes();
    let path = fields.nth(3)?;
    if !path.starts_with('/') || perms.len() != 4 || perms[1] != b'-' || perms[3] != b'p' {
        return None;
    }
    let (start, end) = range.split_once('-')?;
    let start = usize::from_str_radix(start, 16).ok()?;
    let end = usize::from_str_radix(end, 16).ok()?;
    (end > start).then_some(Mapping {
        start,
        len: end - start,
        anonymous_kib: None,
        swapped_kib: None,
    })
}

/// The process's userfaultfd, opened once and kept open: closing it would undo the registrations.
fn tracker() -> io::Result<&'static OwnedFd> {
    static TRACKER: OnceLock<Result<OwnedFd, (io::ErrorKind, String)>> = OnceLock::new();
    TRACKER
        .get_or_init(|| open_tracker().map_err(|e| (e.kind(), e.to_string())))
        .as_ref()
        .map_err(|(kind, why)| io::Error::new(*kind, why.clone()))
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod uffd {
    //! The userfaultfd interface (`linux/userfaultfd.h`), which the libc crate does not carry.

    pub const API: u64 = 0xaa;
    /// Handle faults from user space only: allowed without privilege whatever `vm.unprivileged_userfaultfd`
    /// says (Linux 5.11+), and all that is needed here.
    pub const USER_MODE_ONLY: libc::c_int = 1;
    /// Writes to write-protected pages are resolved by the kernel, with no reader on the descriptor (6.7+).
    pub const FEATURE_WP_ASYNC: u64 = 1 << 15;
    pub const REGISTER_MODE_WP: u64 = 1 << 1;

    #[repr(C)]
    pub struct Api {
        pub api: u64,
        pub features: u64,
        pub ioctls: u64,
    }

    #[repr(C)]
    pub struct Register {
        pub start: u64,
        pub len: u64,
        pub mode: u64,
        pub ioctls: u64,
    }

    /// `_IOWR(0xaa, nr, size)` as the generic ioctl encoding (x86-64 and arm64) has it.
    const fn iowr(nr: u64, size: usize) -> u64 {
        (3 << 30) | ((size as u64) << 16) | (0xaa << 8) | nr
    }
    pub const IOCTL_API: u64 = iowr(0x3f, size_of::<Api>());
    pub const IOCTL_REGISTER: u64 = iowr(0x00, size_of::<Register>());
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
fn open_tracker() -> io::Result<OwnedFd> {
    let flags = libc::O_CLOEXEC | libc::O_NONBLOCK | uffd::USER_MODE_ONLY;
    // SAFETY: userfaultfd takes flags only and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_userfaultfd, flags) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = libc::c_int::try_from(fd).map_err(io::Error::other)?;
    // SAFETY: the descriptor was just opened and is owned by nobody else.
    let tracker = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut api = uffd::Api {
        api: uffd::API,
        features: uffd::FEATURE_WP_ASYNC,
        ioctls: 0,
    };
    // SAFETY: UFFDIO_API reads and writes one `Api`, which lives across the call.
    if unsafe { libc::ioctl(tracker.as_raw_fd(), uffd::IOCTL_API as _, &mut api) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(tracker)
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
fn register(tracker: &OwnedFd, start: usize, len: usize) -> io::Result<()> {
    let mut register = uffd::Register {
        start: start as u64,
        len: len as u64,
        mode: uffd::REGISTER_MODE_WP,
        ioctls: 0,
    };
    // SAFETY: UFFDIO_REGISTER reads and writes one `Register`, which lives across the call; registering for
    // write-protect tracking changes no page and no permission of the mapping.
    if unsafe { libc::ioctl(tracker.as_raw_fd(), uffd::IOCTL_REGISTER as _, &mut register) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Unmaps the resident pages of a private file mapping that holds none of its own; the page cache keeps
/// them, and a page touched again is mapped back from it.
#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
fn empty(start: usize, len: usize) -> io::Result<()> {
    // SAFETY: the range is one whole read-only private file mapping that smaps showed with no anonymous
    // page, resident or swapped out, and the process has one thread, so none can be written or mapped there
    // meanwhile: every page unmapped reads back from the file unchanged. Code running from it (this call's own) faults back in.
    if unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_DONTNEED) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
fn open_tracker() -> io::Result<OwnedFd> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "pages are mapped on touch only on Linux (x86-64, arm64)",
    ))
}

#[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
fn register(_tracker: &OwnedFd, _start: usize, _len: usize) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
fn empty(_start: usize, _len: usize) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_only_private_file_mappings_are_chosen_with_their_own_pages() {
        let smaps = "\
00400000-01200000 r-xp 00000000 08:01 123 /usr/bin/watchdesk
Rss:                1024 kB
Anonymous:             0 kB
Swap:                  0 kB
VmFlags: rd ex mr mw me
01200000-01500000 r--p 00e00000 08:01 123 /usr/bin/watchdesk
Anonymous:            12 kB
Swap:                  0 kB
01500000-01600000 rw-p 01100000 08:01 123 /usr/bin/watchdesk
Anonymous:             0 kB
7f0000000000-7f0000021000 rw-p 00000000 00:00 0 
Anonymous:           132 kB
7f0000100000-7f0000200000 r--s 00000000 08:01 77 /var/lib/watchdesk/snap.0
Anonymous:             0 kB
7f0000300000-7f0000400000 r-xp 00028000 08:01 9 /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000400000-7f0000404000 r--p 00128000 08:01 9 /usr/lib/x86_64-linux-gnu/libc.so.6
Anonymous:             0 kB
Swap:                  8 kB
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]
Anonymous:             0 kB
";
        let chosen = read_only_file_mappings(smaps);
        let found: Vec<_> = chosen
            .iter()
            .map(|m| (m.start, m.len, m.anonymous_kib, m.swapped_kib))
            .collect();
        assert_eq!(
            found,
            vec![
                (0x0040_0000, 0x00e0_0000, Some(0), Some(0)),
                (0x0120_0000, 0x0030_0000, Some(12), Some(0)),
                (0x7f00_0030_0000, 0x0010_0000, None, None),
                (0x7f00_0040_0000, 0x4000, Some(0), Some(8)),
            ]
        );
        let emptied: Vec<bool> = chosen.iter().map(Mapping::holds_no_own_page).collect();
        assert_eq!(
            emptied,
            [true, false, false, false],
            "written, unknown, swapped out"
        );
    }

    #[test]
    fn status_fields_are_read_by_name() {
        let status = "Name:\twatchdesk\nThreads:\t1\nSeccomp:\t0\nSeccomp_filters:\t0\n";
        assert_eq!(status_field(status, "Threads:"), Some("1"));
        assert!(!under_seccomp_filter(status));
        assert!(under_seccomp_filter("Seccomp:\t2\n"));
    }
}
