//! Running a full-screen program in a pseudo-terminal of a given size and watching what it costs: everything
//! it writes is read (and counted), its CPU time and resident memory come from `/proc`. Shared by the
//! dashboard benchmarks; each uses a part.
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command as Process, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Starts `cmd` in its own session on a new pseudo-terminal of `cols`×`rows` (its controlling terminal);
/// returns the child and the terminal's master.
pub fn spawn_in_pty(cmd: &mut Process, cols: u16, rows: u16) -> (Child, File) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors we then own; the null name and termios ask for defaults.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just returned by openpty and are owned by nobody else.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    cmd.env("TERM", "xterm-256color")
        .env_remove("COLORTERM")
        .env_remove("NO_COLOR")
        .stdin(Stdio::from(slave.try_clone().expect("dup")))
        .stdout(Stdio::from(slave.try_clone().expect("dup")))
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec: a new session with the pty as its terminal.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().expect("spawn in the pty");
    (child, File::from(master))
}

/// The terminal's size (columns, rows) as set on it.
pub fn terminal_size(terminal: &File) -> (u16, u16) {
    // SAFETY: an all-zero winsize is valid; TIOCGWINSZ fills it from a terminal we hold open.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: the descriptor is open for the call's duration and the pointer is to a local winsize.
    let rc = unsafe { libc::ioctl(terminal.as_raw_fd(), libc::TIOCGWINSZ, &mut size) };
    assert_eq!(rc, 0, "TIOCGWINSZ: {}", std::io::Error::last_os_error());
    (size.ws_col, size.ws_row)
}

/// Reads from the terminal, each with the moment it came.
pub type Reads = Vec<(Instant, Vec<u8>)>;

pub struct Reader {
    pub bytes: Arc<AtomicU64>,
    first_frame: Arc<Mutex<Option<Instant>>>,
    /// When the first burst of output ended: its last byte before a quiet gap of [`QUIET`].
    first_burst: Arc<Mutex<Option<Instant>>>,
    /// The start of the output, to show when no frame comes.
    head: Arc<Mutex<Vec<u8>>>,
    /// Every read from the terminal with the moment it came, kept (when asked for) until [`Reader::take_log`].
    log: Arc<Mutex<Option<Reads>>>,
}

/// The quiet that ends a burst of output.
pub const QUIET: Duration = Duration::from_millis(150);

/// Reads everything the program writes, counting bytes, noting when `mark` first came out (if given) and
/// when the first burst of output ended.
pub fn read_all(master: File, mark: Option<&'static str>) -> Reader {
    read(master, mark, None)
}

/// [`read_all`] without a mark, also keeping every read with the moment it came until [`Reader::take_log`],
/// and answering the program's cursor position queries (`ESC [ 6 n`) as a terminal does (see [`answer`]).
pub fn read_all_logged(master: File) -> Reader {
    read(master, None, Some(Vec::new()))
}

/// The cursor position query and the start of its answer, `ESC [ row ; col R`.
const POSITION_QUERY: &[u8] = b"\x1b[6n";

/// Follows the screen (vt100, `cols`×`rows`) through everything that comes on `reads` and answers each cursor
/// position query with where the cursor is after the bytes before it, as a terminal would: a program that asks
/// (bottom does, at start, and waits up to 2 s for the answer) is not kept waiting. Its own thread, so that
/// the reads keep their moments. A query split between two reads is not seen (each is written whole).
pub fn answer(mut to: File, reads: std::sync::mpsc::Receiver<Vec<u8>>, (cols, rows): (u16, u16)) {
    std::thread::spawn(move || {
        let mut screen = vt100::Parser::new(
            std::num::NonZeroU16::new(rows).expect("rows"),
            std::num::NonZeroU16::new(cols).expect("cols"),
            0,
        );
        for bytes in reads {
            let mut rest = &bytes[..];
            while let Some(at) = rest
                .windows(POSITION_QUERY.len())
                .position(|w| w == POSITION_QUERY)
            {
                let end = at + POSITION_QUERY.len();
                screen.process(&rest[..end]);
                let (row, col) = screen.screen().cursor_position();
                let _ = write!(to, "\x1b[{};{}R", row + 1, col + 1);
                rest = &rest[end..];
            }
            screen.process(rest);
        }
    });
}

fn read(mut master: File, mark: Option<&'static str>, log: Option<Reads>) -> Reader {
    let answers = log.is_some().then(|| {
        let (send, reads) = std::sync::mpsc::channel();
        let size = terminal_size(&master);
        answer(master.try_clone().expect("dup"), reads, size);
        send
    });
    let reader = Reader {
        bytes: Arc::new(AtomicU64::new(0)),
        first_frame: Arc::new(Mutex::new(None)),
        first_burst: Arc::new(Mutex::new(None)),
        head: Arc::new(Mutex::new(Vec::new())),
        log: Arc::new(Mutex::new(log)),
    };
    let (bytes, first, head, log) = (
        reader.bytes.clone(),
        reader.first_frame.clone(),
        reader.head.clone(),
        reader.log.clone(),
    );
    let last_byte: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let (watch_last, burst) = (last_byte.clone(), reader.first_burst.clone());
    std::thread::spawn(move || {
        while burst.lock().expect("lock").is_none() {
            std::thread::sleep(Duration::from_millis(5));
            if let Some(at) = *watch_last.lock().expect("lock")
                && at.elapsed() >= QUIET
            {
                *burst.lock().expect("lock") = Some(at);
            }
        }
    });
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut seen = Vec::new();
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            let now = Instant::now();
            bytes.fetch_add(n as u64, Ordering::Relaxed);
            *last_byte.lock().expect("lock") = Some(now);
            if let Some(log) = log.lock().expect("lock").as_mut() {
                log.push((now, buf[..n].to_vec()));
            }
            if let Some(answers) = &answers {
                let _ = answers.send(buf[..n].to_vec());
            }
            {
                let mut head = head.lock().expect("lock");
                if head.len() < 1 << 16 {
                    head.extend_from_slice(&buf[..n]);
                }
            }
            let mut first = first.lock().expect("lock");
            if let (None, Some(mark)) = (*first, mark) {
                seen.extend_from_slice(&buf[..n]);
                if seen.windows(mark.len()).any(|w| w == mark.as_bytes()) {
                    *first = Some(Instant::now());
                }
            }
        }
    });
    reader
}

impl Reader {
    fn wait(&self, at: &Mutex<Option<Instant>>, since: Instant) -> Duration {
        let deadline = since + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(at) = *at.lock().expect("lock") {
                return at - since;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let head = self.head.lock().expect("lock");
        panic!(
            "no first frame within 60 s; the terminal got: {}",
            String::from_utf8_lossy(&head)
        );
    }

    /// Time from `since` until the mark came out.
    pub fn wait_first_frame(&self, since: Instant) -> Duration {
        self.wait(&self.first_frame, since)
    }

    /// Time from `since` until the first burst of output ended.
    pub fn wait_first_burst(&self, since: Instant) -> Duration {
        self.wait(&self.first_burst, since)
    }

    /// The reads kept so far (empty unless made by [`read_all_logged`]); keeping stops here.
    pub fn take_log(&self) -> Reads {
        self.log.lock().expect("lock").take().unwrap_or_default()
    }
}

/// utime + stime of a process, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("comm")
        .1
        .split_whitespace()
        .collect();
    // After the command name: state is field 3; utime and stime are fields 14 and 15.
    let ticks: u64 = fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ticks as f64 / hz
}

/// A `/proc/PID/status` figure in KiB (`VmRSS:`, `VmHWM:`), 0 when absent.
pub fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Presses `q` and waits (20 s at most) for the program to end; kills it otherwise.
pub fn quit(mut child: Child, master: &File) {
    let mut w = master.try_clone().expect("dup");
    let _ = w.write_all(b"q");
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}
