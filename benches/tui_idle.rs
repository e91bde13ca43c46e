//! The dashboard process at rest: the release binary in a 160×48 pseudo-terminal with 5 subsystems (served on
//! 127.0.0.1) and 20 open incidents, for `--seconds` (60). Prints CPU % of one core (utime+stime from
//! /proc/PID/stat), the largest VmRSS, and the bytes written to the terminal per second after the first frame.
//! Then the time from spawn to the first full screen on a store of `--archive` (100,000) incidents, 20 open.
//!
//!     cargo bench --bench tui_idle -- [--seconds 60] [--archive 100000] [--interval 10] [--bin PATH]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use chrono::{Duration as Span, TimeZone, Utc};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use watchdesk::model::{Actor, Incident, IncidentId, NewIncident, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

const ROWS: u16 = 48;
const COLS: u16 = 160;
const OPEN: usize = 20;

struct Args {
    seconds: u64,
    archive: u32,
    interval: u64,
    /// The binary to measure; `--bin target/release/watchdesk` measures a release build from a dev-built harness.
    bin: String,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 60,
        archive: 100_000,
        interval: 10,
        bin: env!("CARGO_BIN_EXE_watchdesk").to_string(),
    };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        if argv[i] == "--bin"
            && let Some(bin) = argv.get(i + 1)
        {
            a.bin = bin.clone();
            i += 2;
            continue;
        }
        let value = argv.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (argv[i].as_str(), value) {
            ("--seconds", Some(v)) => a.seconds = v,
            ("--archive", Some(v)) => a.archive = v as u32,
            ("--interval", Some(v)) => a.interval = v,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

fn config(dir: &Path, port: u16, interval: u64) -> std::path::PathBuf {
    let mut text = String::new();
    for n in 1..=5 {
        text.push_str(&format!(
            "[[subsystem]]\nid = \"sub{n}\"\nname = \"子系统 {n}\"\n  [[subsystem.check]]\n  kind = \"http\"\n  \
             url = \"http://127.0.0.1:{port}/s{n}\"\n  interval = \"{interval}s\"\n  timeout = \"2s\"\n\n"
        ));
    }
    let path = dir.join("watchdesk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn cli(bin: &str, config: &Path, data: &Path, args: &[&str]) {
    let out = Command::new(bin)
        .args(args)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `total` incidents: all but the last 20 resolved in 2025, the 20 open ones detected in the last hours.
fn fill(data: &Path, total: u32) {
    let mut store = Store::open(data).unwrap();
    let actor = Actor::named("bench");
    let now = Utc::now();
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let resolved = total.saturating_sub(OPEN as u32);
    let mut puts = Vec::new();
    let flush = |store: &mut Store, puts: &mut Vec<_>| {
        store
            .commit(
                &actor,
                now,
                "bench.fill",
                "incidents",
                serde_json::Value::Null,
                std::mem::take(puts),
            )
            .unwrap();
    };
    for seq in 1..=resolved {
        let at = start + Span::seconds(i64::from(seq) * 300);
        let mut incident = Incident::open(
            IncidentId { year: 2025, seq },
            new_incident(seq, Severity::Minor),
            actor.clone(),
            at,
        )
        .unwrap();
        let resolution = Resolution {
            cause: "disk full".into(),
            process: "cleaned logs".into(),
            solution: None,
        };
        incident
            .resolve(
                &actor,
                Some(at + Span::minutes(30)),
                at + Span::minutes(30),
                resolution,
            )
            .unwrap();
        puts.extend(Store::put_incident(&incident).unwrap());
        if seq % 2_000 == 0 {
            flush(&mut store, &mut puts);
        }
    }
    let year = chrono::Datelike::year(&now);
    for n in 0..OPEN as u32 {
        let (id, counter) = store.next_incident_id(year).unwrap();
        let severity = [Severity::Critical, Severity::Major, Severity::Minor][n as usize % 3];
        let mut new = new_incident(n, severity);
        new.detected_at = Some(now - Span::minutes(i64::from(n) * 7 + 1));
        let incident = Incident::open(id, new, actor.clone(), now).unwrap();
        puts.extend(Store::put_incident(&incident).unwrap());
        puts.push(counter);
        flush(&mut store, &mut puts);
    }
    flush(&mut store, &mut puts);
}

fn new_incident(n: u32, severity: Severity) -> NewIncident {
    NewIncident {
        kind: Kind::Fault,
        severity,
        title: format!("接口超时 #{n}"),
        subsystem: Some(format!("sub{}", n % 5 + 1)),
        detected_at: None,
        source: None,
    }
}

struct Run {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    bytes: Arc<AtomicU64>,
    first_frame: Arc<Mutex<Option<Instant>>>,
    spawned: Instant,
}

/// The dashboard in the pseudo-terminal; the reader thread counts bytes and notes when the screen first shows
/// the open incidents and the footer.
fn spawn(bin: &str, config: &Path, data: &Path) -> Run {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.env_clear();
    cmd.env("HOME", data);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "en_US.UTF-8");
    cmd.env("USER", "bench");
    cmd.args(["--lang", "en", "--config"]);
    cmd.arg(config);
    cmd.arg("--data-dir");
    cmd.arg(data);
    let spawned = Instant::now();
    let child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut out = pair.master.try_clone_reader().unwrap();
    let bytes = Arc::new(AtomicU64::new(0));
    let first_frame = Arc::new(Mutex::new(None));
    let mut answer = pair.master.take_writer().unwrap();
    {
        let (bytes, first_frame) = (bytes.clone(), first_frame.clone());
        std::thread::spawn(move || {
            let mut parser =
                vt100::Parser::new(NonZeroU16::new(ROWS).unwrap(), NonZeroU16::new(COLS).unwrap(), 0);
            let mut buf = [0u8; 64 * 1024];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                bytes.fetch_add(n as u64, Ordering::Relaxed);
                // The terminal's answer to a cursor position query, as a real terminal gives it.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let _ = answer.write_all(b"\x1b[1;1R").and_then(|()| answer.flush());
                }
                let mut first = first_frame.lock().unwrap();
                if first.is_none() {
                    parser.process(&buf[..n]);
                    let text = parser.screen().contents();
                    if text.contains("接口超时 #0") && text.contains("quit") {
                        *first = Some(Instant::now());
                    }
                }
            }
        });
    }
    Run {
        child,
        _master: pair.master,
        bytes,
        first_frame,
        spawned,
    }
}

fn wait_first_frame(run: &Run) -> Option<Duration> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(at) = *run.first_frame.lock().unwrap() {
            return Some(at - run.spawned);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    None
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn stop(mut run: Run) {
    if let Some(pid) = run.child.process_id() {
        // SAFETY: kill(2) on the child this program spawned and has not reaped.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while run.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = run.child.kill();
}

fn main() {
    let args = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route("/{name}", get(|| async { "ok" }));
    rt.spawn(async move { axum::serve(listener, app).await });
    let clk_tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;

    // Idle run: 20 incidents opened through the CLI.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let config = config(dir.path(), port, args.interval);
    for n in 0..OPEN {
        let severity = ["critical", "major", "minor"][n % 3];
        let title = format!("接口超时 #{n}");
        let subsystem = format!("sub{}", n % 5 + 1);
        cli(
            &args.bin,
            &config,
            &data,
            &[
                "incident",
                "open",
                "--kind",
                "fault",
                "--severity",
                severity,
                "--title",
                &title,
                "--subsystem",
                &subsystem,
            ],
        );
    }
    let run = spawn(&args.bin, &config, &data);
    let pid = run.child.process_id().unwrap();
    let first = wait_first_frame(&run);
    let (t0, ticks0, bytes0) = (Instant::now(), cpu_ticks(pid), run.bytes.load(Ordering::Relaxed));
    let mut max_rss = rss_kb(pid);
    while t0.elapsed() < Duration::from_secs(args.seconds) {
        std::thread::sleep(Duration::from_millis(500));
        max_rss = max_rss.max(rss_kb(pid));
    }
    let secs = t0.elapsed().as_secs_f64();
    let cpu = (cpu_ticks(pid) - ticks0) as f64 / clk_tck / secs * 100.0;
    let rate = (run.bytes.load(Ordering::Relaxed) - bytes0) as f64 / secs;
    stop(run);
    println!(
        "idle {COLS}x{ROWS}, 5 subsystems every {}s, {OPEN} open incidents, {secs:.1} s after the first frame \
         ({first:?} after spawn):",
        args.interval
    );
    println!(
        "  cpu {cpu:.2} % of one core, max VmRSS {:.1} MB, {rate:.0} B/s to the terminal",
        max_rss as f64 / 1024.0
    );

    // First frame on a large archive.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let config = self::config(dir.path(), port, args.interval);
    let filled = Instant::now();
    fill(&data, args.archive);
    let fill_time = filled.elapsed();
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..3 {
        let run = spawn(&args.bin, &config, &data);
        let pid = run.child.process_id().unwrap();
        times.push(wait_first_frame(&run));
        rss = rss_kb(pid).max(rss);
        stop(run);
    }
    println!(
        "first frame, {} incidents ({OPEN} open; store filled in {fill_time:.1?}): {times:?}, VmRSS then {:.1} MB",
        args.archive,
        rss as f64 / 1024.0
    );
}
