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
//! What it costs: more minor page faults while the program starts (one per 4 KiB page of code run rather than
//! one per 64 KiB), and one open file descriptor (`anon_inode:[userfaultfd]`) for the life of the process.
//! Where it cannot be had — an older kernel, userfaultfd not built in or refused — nothing changes. It is not
//! tried under a seccomp filter: systemd's `SystemCallFilter=` ends a process that makes a system call outside
//! its list rather than failing the call.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::OnceLock;

/// Registers every read-only private file mapping of the process (the executable's code and read-only data,
/// the shared libraries') so that its pages are mapped only as they are touched; returns how many mappings
/// were registered. Call it first thing in `main`; calling it again registers what was mapped since.
pub fn map_on_touch() -> io::Result<usize> {
    if under_seccomp_filter() {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the process runs under a seccomp filter that may not allow userfaultfd",
        ));
    }
    let tracker = tracker()?;
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    // A mapping can go between the read and the registration (another thread's munmap): it is then skipped.
    Ok(read_only_file_mappings(&maps)
        .filter(|&(start, len)| register(tracker, start, len).is_ok())
        .count())
}

/// `Seccomp:` in `/proc/self/status` is 2 when a system call filter is installed.
fn under_seccomp_filter() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Seccomp:"))
            .is_some_and(|mode| mode.trim() != "0")
    })
}

/// `(start, length)` of each read-only, private mapping of a file in `/proc/PID/maps` text: code (`r-xp`)
/// and read-only data (`r--p`). Writable mappings, shared ones and anonymous or special ones (`[vdso]`,
/// `[stack]`) are left alone.
fn read_only_file_mappings(maps: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    maps.lines().filter_map(|line| {
        let mut fields = line.split_whitespace();
        let (range, perms) = (fields.next()?, fields.next()?);
        let path = fields.nth(3)?;
        let perms = perms.as_bytes();
        if !path.starts_with('/') || perms.len() != 4 || perms[1] != b'-' || perms[3] != b'p' {
            return None;
        }
        let (start, end) = range.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        (end > start).then(|| (start, end - start))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_read_only_private_file_mappings_are_chosen() {
        let maps = "\
00400000-01200000 r-xp 00000000 08:01 123 /usr/bin/watchdesk
01200000-01500000 r--p 00e00000 08:01 123 /usr/bin/watchdesk
01500000-01600000 rw-p 01100000 08:01 123 /usr/bin/watchdesk
7f0000000000-7f0000021000 rw-p 00000000 00:00 0 
7f0000100000-7f0000200000 r--s 00000000 08:01 77 /var/lib/watchdesk/snap.0
7f0000300000-7f0000400000 r-xp 00028000 08:01 9 /usr/lib/x86_64-linux-gnu/libc.so.6
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]
";
        let chosen: Vec<_> = read_only_file_mappings(maps).collect();
        assert_eq!(
            chosen,
            vec![
                (0x0040_0000, 0x00e0_0000),
                (0x0120_0000, 0x0030_0000),
                (0x7f00_0030_0000, 0x0010_0000)
            ]
        );
    }
}
