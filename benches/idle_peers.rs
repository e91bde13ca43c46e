//! The dashboard at rest beside its peers, in the same run: watchdesk (the release binary, real configuration:
//! five subsystems with HTTP checks every 15 s against a local server, a local host and a node_exporter host
//! scraped from the same server), htop and bottom (`btm`) at their defaults, each in a 160×48
//! pseudo-terminal, in interleaved rounds. Per program: CPU % of one core, peak resident memory, bytes written
//! to the terminal per second and the first frame; medians over the rounds, then watchdesk's ratios to each
//! peer.
//!
//! The first frame is the moment, from exec, of the terminal read after which the screen first shows the
//! program's data: everything the program writes in its first seconds is replayed into a terminal emulator
//! (vt100) of the pty's size, and a test per program (`support/drawn.rs`) says when its data is on the screen
//! — htop: its process list's header with a process under it; bottom: its CPU average and RAM figures and a
//! process under its process table's header; watchdesk: every subsystem's row with its status mark and every
//! host's load figures. A terminal set-up, an empty frame or a frame of "no data" placeholders does not count.
//! Two other rules, the same for every program, are printed beside it for comparison: the end of the first
//! burst of output (its last byte before 150 ms of quiet; an earlier version of this benchmark used it), and
//! the first still screen (at least a tenth of the cells filled, its text unchanged for 150 ms; a clock on
//! the screen that ticks within those 150 ms moves it to the tick). The terminal answers cursor position
//! queries as a real one does (bottom asks one at start and waits up to 2 s for the answer before drawing).
//!
//! The same configuration (its own data directory) is also watched by a `watchdesk serve` daemon started
//! once for the run, and its dashboard, `watchdesk attach`, is measured as one more program; the daemon's own
//! peak is printed at the end. Before the rounds, each program's start-up floor: the peak resident memory of
//! `--version`, which starts the program and does nothing.
//!
//! `cargo bench --bench idle_peers` (IDLE_SECS=20 per program and round, IDLE_ROUNDS=3; WATCHDESK_BIN=PATH
//! to measure another build of watchdesk; WATCHDESK_BIN_B=PATH to measure a second build's dashboard in the
//! same rounds, as `wd-B`, with a data directory of its own; IDLE_SCREENS=DIR to write every screen of each
//! run's first seconds, and the output as read, to DIR/PROGRAM-ROUND/). A peer that is not installed is
//! reported "not installed" and left out.

#[path = "support/drawn.rs"]
mod drawn;
#[path = "support/pty.rs"]
mod pty;
#[path = "support/screens.rs"]
mod screens;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use pty::{QUIET, cpu_seconds, quit, read_all_logged, spawn_in_pty, status_kib};

const COLS: u16 = 160;
const ROWS: u16 = 48;
const METRICS: &str = include_str!("../tests/fixtures/node_exporter.txt");
const SUBSYSTEMS: [(&str, &str); 5] = [
    ("sysadmin", "系统管理子系统"),
    ("digital", "水利质量检测数字管理子系统"),
    ("engineering", "工程质量检测子系统"),
    ("smart", "智慧监管子系统"),
    ("display", "综合展示子系统"),
];
const SUBSYSTEM_NAMES: [&str; 5] = [
    SUBSYSTEMS[0].1,
    SUBSYSTEMS[1].1,
    SUBSYSTEMS[2].1,
    SUBSYSTEMS[3].1,
    SUBSYSTEMS[4].1,
];
const HOSTS: [&str; 2] = ["app-01", "db-01"];
/// The filled cells (a tenth of the screen) a still screen needs to count as a frame.
const STILL_CELLS: usize = COLS as usize * ROWS as usize / 10;

/// Answers `/metrics` with node_exporter's text and anything else with `ok`, one request per connection.
fn serve(listener: TcpListener) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
}

fn answer(mut stream: TcpStream) {
    let mut request = String::new();
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let body = if request.contains("/metrics") {
        METRICS
    } else {
        "ok"
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.read(&mut [0u8; 16]);
}

fn config(port: u16, data: &Path) -> String {
    let mut text = format!(
        "[platform]\nname = \"福建省水利质量检测监管平台\"\ntimezone = \"Asia/Shanghai\"\nlang = \"zh\"\n\n\
         [storage]\ndata_dir = \"{}\"\n\n",
        data.display()
    );
    for (id, name) in SUBSYSTEMS {
        text += &format!(
            "[[subsystem]]\nid = \"{id}\"\nname = \"{name}\"\n  [[subsystem.check]]\n  kind = \"http\"\n  \
             url = \"http://127.0.0.1:{port}/{id}/api/health\"\n  interval = \"15s\"\n  body_contains = \"ok\"\n\n"
        );
    }
    text += &format!(
        "[[host]]\nname = \"{}\"\nsource = \"local\"\n\n[[host]]\nname = \"{}\"\nsource = \"node_exporter\"\n\
         url = \"http://127.0.0.1:{port}/metrics\"\n",
        HOSTS[0], HOSTS[1]
    );
    text
}

struct Program<'a> {
    name: &'static str,
    /// A fresh command for each run (the pty set-up is added to it).
    command: Option<Box<dyn Fn() -> Process + 'a>>,
    /// Whether the screen shows the program's data (see `drawn`).
    drawn: Screen<'a>,
}

type Screen<'a> = Box<dyn Fn(&vt100::Screen) -> bool + 'a>;

/// One run's figures.
struct Run {
    cpu_pct: f64,
    peak_mib: f64,
    bytes_per_s: f64,
    /// The first frame by each rule, ms from exec: the end of the first burst, the data drawn, a still screen.
    burst_ms: f64,
    drawn_ms: f64,
    still_ms: f64,
}

#[derive(Default)]
struct Figures {
    cpu_pct: Vec<f64>,
    peak_mib: Vec<f64>,
    bytes_per_s: Vec<f64>,
    burst_ms: Vec<f64>,
    drawn_ms: Vec<f64>,
    still_ms: Vec<f64>,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn installed(binary: &str) -> Option<String> {
    let paths = std::env::var("PATH").unwrap_or_default();
    let home = std::env::var("HOME").unwrap_or_default();
    std::env::split_paths(&paths)
        .chain([Path::new(&home).join(".cargo/bin")])
        .map(|dir| dir.join(binary))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}

/// Resident KiB of a process by where the pages come from (`/proc/PID/smaps`): its own binary's code, its
/// binary's other pages (read-only data, relocations, relocated tables), shared libraries, the rest (heap,
/// thread stacks, anonymous mappings).
fn resident_by_origin(pid: u32) -> [(&'static str, u64); 4] {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
    let exe = exe.to_string_lossy().into_owned();
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut kib = [
        ("binary code", 0),
        ("binary data", 0),
        ("shared libraries", 0),
        ("heap, stacks, anonymous", 0),
    ];
    let mut class = 3;
    for line in smaps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() >= 5 && fields[0].contains('-') && fields[3].contains(':') {
            let (perms, path) = (fields[1], fields.get(5).copied().unwrap_or(""));
            class = if !exe.is_empty() && path == exe {
                if perms.contains('x') { 0 } else { 1 }
            } else if path.contains(".so") {
                2
            } else {
                3
            };
        } else if fields.first() == Some(&"Rss:") {
            kib[class].1 += fields.get(1).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    kib
}

/// Peak resident KiB of `program --version` from start to exit (the kernel's account at `wait4`).
#[expect(
    clippy::zombie_processes,
    reason = "wait4 reaps the child: std's wait cannot tell its peak memory"
)]
fn version_peak_kib(mut program: Process) -> u64 {
    let child = program
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn --version");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for this child only.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child (not reaped elsewhere) with valid pointers.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    usage.ru_maxrss as u64
}

/// Waits (30 s at most) for the daemon's socket in `data`.
fn wait_for_socket(data: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !data.join("watchdesk.sock").exists() {
        assert!(Instant::now() < deadline, "the daemon did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn origins_text(pid: u32) -> String {
    resident_by_origin(pid)
        .iter()
        .map(|(what, kib)| format!("{what} {:.1}", *kib as f64 / 1024.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the program in a 160×48 pty: its first frame by each rule from what it wrote in its first seconds,
/// then, after 3 s to settle, `secs` of CPU, bytes and peak memory. `dump`: a directory for its screens.
fn run_once(program: &mut Process, drawn: &Screen, secs: u64, dump: Option<&Path>) -> Run {
    let started = Instant::now();
    let (child, master) = spawn_in_pty(program, COLS, ROWS);
    let pid = child.id();
    let reader = read_all_logged(master.try_clone().expect("dup"));
    let burst = reader.wait_first_burst(started);
    std::thread::sleep(Duration::from_secs(3));
    let log = reader.take_log();
    let taken = Instant::now();
    if let Some(dir) = dump {
        screens::write_screens(&log, (COLS, ROWS), started, dir);
    }
    let ms = |at: Option<Instant>| at.map_or(f64::NAN, |at| (at - started).as_secs_f64() * 1e3);
    let drawn_at = screens::first_showing(&log, (COLS, ROWS), drawn);
    if drawn_at.is_none() {
        println!(
            "  its data was not on the screen within {:.1} s; the screen then:\n{}",
            (taken - started).as_secs_f64(),
            screens::screen_at(&log, (COLS, ROWS), taken)
        );
    }
    let still_at = screens::first_still(&log, (COLS, ROWS), STILL_CELLS, QUIET, taken);
    let (cpu0, bytes0, t0) = (
        cpu_seconds(pid),
        reader.bytes.load(Ordering::Relaxed),
        Instant::now(),
    );
    std::thread::sleep(Duration::from_secs(secs));
    let (cpu1, bytes1, t1) = (
        cpu_seconds(pid),
        reader.bytes.load(Ordering::Relaxed),
        Instant::now(),
    );
    let peak = status_kib(pid, "VmHWM:");
    println!("  resident MiB by origin: {}", origins_text(pid));
    quit(child, &master);
    let wall = (t1 - t0).as_secs_f64();
    Run {
        cpu_pct: 100.0 * (cpu1 - cpu0) / wall,
        peak_mib: peak as f64 / 1024.0,
        bytes_per_s: (bytes1 - bytes0) as f64 / wall,
        burst_ms: burst.as_secs_f64() * 1e3,
        drawn_ms: ms(drawn_at),
        still_ms: ms(still_at),
    }
}

fn main() {
    let secs: u64 = std::env::var("IDLE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let rounds: usize = std::env::var("IDLE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    serve(listener);
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config(port, &data)).expect("config");
    // The daemon's own configuration: the same platform, another data directory (a dashboard started on the
    // daemon's directory would attach to it instead of watching by itself).
    let daemon_data = dir.path().join("daemon-data");
    let daemon_config = dir.path().join("daemon.toml");
    std::fs::write(&daemon_config, config(port, &daemon_data)).expect("config");

    let binary = std::env::var("WATCHDESK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_watchdesk").into());
    let watchdesk_from = |binary: &str, config: &Path| {
        let mut cmd = Process::new(binary);
        cmd.arg("--config")
            .arg(config)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env("WATCHDESK_AUDIT_KEY", dir.path().join("audit.key"))
            .env("LANG", "zh_CN.UTF-8");
        cmd
    };
    let watchdesk_with = |config: &Path| watchdesk_from(&binary, config);
    let watchdesk = || watchdesk_with(&config_path);
    let attached = || {
        let mut cmd = watchdesk_with(&daemon_config);
        cmd.arg("attach");
        cmd
    };
    let home = dir.path().to_path_buf();
    let peer = |binary: &str| -> Option<Box<dyn Fn() -> Process>> {
        let path = installed(binary)?;
        let home = home.clone();
        Some(Box::new(move || {
            let mut cmd = Process::new(&path);
            cmd.env("HOME", &home).env("LANG", "zh_CN.UTF-8");
            cmd
        }))
    };
    let binary_b = std::env::var("WATCHDESK_BIN_B").ok();
    let config_b = dir.path().join("b.toml");
    if binary_b.is_some() {
        std::fs::write(&config_b, config(port, &dir.path().join("b-data"))).expect("config");
    }
    let mut programs = vec![
        Program {
            name: "watchdesk",
            command: Some(Box::new(watchdesk)),
            drawn: Box::new(drawn::watchdesk(&SUBSYSTEM_NAMES, &HOSTS)),
        },
        Program {
            name: "attached",
            command: Some(Box::new(attached)),
            drawn: Box::new(drawn::watchdesk(&SUBSYSTEM_NAMES, &HOSTS)),
        },
    ];
    if let Some(binary_b) = &binary_b {
        programs.push(Program {
            name: "wd-B",
            command: Some(Box::new(|| watchdesk_from(binary_b, &config_b))),
            drawn: Box::new(drawn::watchdesk(&SUBSYSTEM_NAMES, &HOSTS)),
        });
    }
    let ours = programs.len();
    programs.extend([
        Program {
            name: "htop",
            command: peer("htop"),
            drawn: Box::new(drawn::htop),
        },
        Program {
            name: "btm",
            command: peer("btm"),
            drawn: Box::new(drawn::btm),
        },
    ]);
    for p in &programs {
        if p.command.is_none() {
            println!("{}: not installed", p.name);
        }
    }
    println!("start-up floor (peak resident memory of `--version`):");
    for p in programs.iter().filter(|p| p.name != "attached") {
        let Some(command) = &p.command else { continue };
        println!(
            "  {:<10} {:.1} MiB",
            p.name,
            version_peak_kib(command()) as f64 / 1024.0
        );
    }

    let mut daemon = watchdesk_with(&daemon_config)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the daemon");
    wait_for_socket(&daemon_data);

    let mut figures: Vec<Figures> = programs.iter().map(|_| Figures::default()).collect();
    for round in 1..=rounds {
        for (p, f) in programs.iter().zip(&mut figures) {
            let Some(command) = &p.command else { continue };
            let dump = std::env::var("IDLE_SCREENS")
                .ok()
                .map(|d| Path::new(&d).join(format!("{}-{round}", p.name)));
            let run = run_once(&mut command(), &p.drawn, secs, dump.as_deref());
            println!(
                "round {round} {:<10} cpu {:.2} %  peak {:.1} MiB  {:.0} bytes/s  first frame: data drawn {:.0} ms, \
                 end of first burst {:.0} ms, still screen {:.0} ms",
                p.name, run.cpu_pct, run.peak_mib, run.bytes_per_s, run.drawn_ms, run.burst_ms, run.still_ms
            );
            f.cpu_pct.push(run.cpu_pct);
            f.peak_mib.push(run.peak_mib);
            f.bytes_per_s.push(run.bytes_per_s);
            f.burst_ms.push(run.burst_ms);
            f.drawn_ms.push(run.drawn_ms);
            f.still_ms.push(run.still_ms);
        }
    }
    println!(
        "daemon (`watchdesk serve`, the attached dashboard's engine): peak {:.1} MiB",
        status_kib(daemon.id(), "VmHWM:") as f64 / 1024.0
    );
    println!("  resident MiB by origin: {}", origins_text(daemon.id()));
    // SAFETY: kill only sends SIGTERM to our own child, which stops cleanly on it.
    unsafe { libc::kill(daemon.id() as libc::pid_t, libc::SIGTERM) };
    let _ = daemon.wait();

    println!(
        "\nmedians of {rounds} rounds, {secs} s each, {COLS}x{ROWS} pty; first frame (ms from exec) by three rules: \
         data drawn (the program's data on the screen), end of the first burst of output, still screen"
    );
    println!(
        "{:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "", "cpu %", "peak MiB", "bytes/s", "drawn", "burst", "still"
    );
    let med = |f: &Figures| {
        [
            median(&f.cpu_pct),
            median(&f.peak_mib),
            median(&f.bytes_per_s),
            median(&f.drawn_ms),
            median(&f.burst_ms),
            median(&f.still_ms),
        ]
    };
    for (p, f) in programs.iter().zip(&figures) {
        if f.cpu_pct.is_empty() {
            continue;
        }
        let [c, m, b, d, u, s] = med(f);
        println!(
            "{:<10} {c:>9.2} {m:>9.1} {b:>9.0} {d:>9.0} {u:>9.0} {s:>9.0}",
            p.name
        );
    }
    for (mine, f_mine) in programs.iter().zip(&figures).take(ours) {
        let mine_med = med(f_mine);
        for (p, f) in programs.iter().zip(&figures).skip(ours) {
            if f.cpu_pct.is_empty() {
                continue;
            }
            let theirs = med(f);
            let r = |i: usize| mine_med[i] / theirs[i];
            println!(
                "{:<9} / {:<5}  cpu {:.2}x  peak memory {:.2}x  bytes/s {:.2}x  first frame: drawn {:.2}x, \
                 burst {:.2}x, still {:.2}x",
                mine.name,
                p.name,
                r(0),
                r(1),
                r(2),
                r(3),
                r(4),
                r(5)
            );
        }
    }
}
