//! How long a key takes to reach the screen: from the moment the key is written to a pseudo-terminal to the
//! moment the frame that shows it has been read back, for the dashboard embedded (engine in the same process)
//! and attached to `watchdesk serve`, with 20 and with 1,000 open incidents; beside the same measure for a
//! trivial echo program (`cat` with the terminal in raw mode), the floor any terminal program pays.
//!
//! `cargo bench --bench key_latency` (KEY_BENCH_SAMPLES=300 keys per run by default; KEY_BENCH_BIN=PATH
//! measures another watchdesk binary). The keys alternate a
//! letter typed into the incident filter (`/`) and Backspace; a key counts as shown once the footer reads the
//! filter it leads to. Between keys, a pause of 20 to 60 ms.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::{Child as Process, Command as Spawn, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use watchdesk::clock::SystemClock;
use watchdesk::config::Config;
use watchdesk::engine::{self, Command, Mode};
use watchdesk::model::{Actor, NewIncident};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

/// The binary measured: this build's, or `KEY_BENCH_BIN` (to compare with another build).
fn bin() -> String {
    std::env::var("KEY_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_watchdesk").to_string())
}
const COLS: u16 = 160;
const ROWS: u16 = 48;

/// What the screen must show for the key just sent to count as drawn.
type Shown = Box<dyn Fn(&vt100::Screen) -> bool + Send>;

/// The screen the reader waits for, and where it reports the moment it read it.
type Wanted = Arc<Mutex<Option<(Shown, mpsc::Sender<Instant>)>>>;

/// A program in a pseudo-terminal; a reader thread parses its output and reports when a wanted screen appears.
struct Pty {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    keys: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    want: Wanted,
}

impl Pty {
    fn spawn(cmd: CommandBuilder) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let child = pair.slave.spawn_command(cmd).expect("spawn in the pty");
        drop(pair.slave);
        let mut out = pair.master.try_clone_reader().expect("pty reader");
        let keys = pair.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(ROWS).expect("rows"),
            NonZeroU16::new(COLS).expect("cols"),
            0,
        )));
        let want: Wanted = Arc::default();
        let (screen_r, want_r) = (screen.clone(), want.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 64 * 1024];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let read_at = Instant::now();
                let mut parser = screen_r.lock().expect("screen");
                parser.process(&buf[..n]);
                let mut want = want_r.lock().expect("want");
                if want.as_ref().is_some_and(|(shown, _)| shown(parser.screen()))
                    && let Some((_, tx)) = want.take()
                {
                    let _ = tx.send(read_at);
                }
            }
        });
        Pty {
            child,
            _master: pair.master,
            keys,
            screen,
            want,
        }
    }

    /// Writes `bytes` and waits until `shown`; the time from the write to the read of that frame.
    fn key(&mut self, bytes: &[u8], shown: Shown) -> Duration {
        let (tx, rx) = mpsc::channel();
        *self.want.lock().expect("want") = Some((shown, tx));
        let sent = Instant::now();
        self.keys.write_all(bytes).expect("write key");
        self.keys.flush().expect("flush key");
        let read_at = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no frame within 10 s; the screen shows:\n{}", self.text()));
        read_at.saturating_duration_since(sent)
    }

    fn text(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    fn wait_for(&self, what: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !what(&self.text()) {
            assert!(
                Instant::now() < deadline,
                "timed out; the screen shows:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn footer_reads(filter: &'static str) -> Shown {
    let wanted = format!("/{filter}▏");
    Box::new(move |screen| {
        screen
            .contents_between(ROWS - 1, 0, ROWS - 1, COLS)
            .contains(&wanted)
    })
}

/// A quiet platform: one check whose port is closed, probed once an hour, so only keys redraw.
fn write_config(dir: &Path) -> PathBuf {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let path = dir.join("watchdesk.toml");
    let text = format!(
        "[[subsystem]]\nid = \"sysadmin\"\nname = \"系统管理子系统\"\n  [[subsystem.check]]\n  kind = \"tcp\"\n  \
         address = \"127.0.0.1:{port}\"\n  interval = \"1h\"\n  timeout = \"1s\"\n"
    );
    std::fs::write(&path, text).expect("write config");
    path
}

/// `open` incidents, opened through the engine as the dashboard would.
fn seed(config: &Path, data: &Path, open: usize) {
    let config = Config::load(config).expect("config");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = Store::open(data).expect("store");
        let engine = engine::spawn(store, config, Arc::new(SystemClock), Mode::Embedded).expect("engine");
        for i in 0..open {
            let new = NewIncident {
                kind: [Kind::Fault, Kind::Change, Kind::Support, Kind::Security][i % 4],
                severity: Severity::ALL[i % 3],
                title: format!("检测报告列表加载缓慢 #{i}"),
                subsystem: Some("sysadmin".into()),
                detected_at: Some(Utc::now() - chrono::Duration::minutes(i as i64)),
                source: None,
                host: None,
            };
            engine
                .execute(Actor::named("bench"), Command::OpenIncident(new))
                .await
                .expect("open incident");
        }
        engine.shutdown().await;
    });
}

fn watchdesk(config: &Path, data: &Path, args: &[&str]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(bin());
    cmd.env_clear();
    cmd.env("HOME", data);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "zh_CN.UTF-8");
    cmd.env("USER", "bench");
    cmd.arg("--config");
    cmd.arg(config);
    cmd.arg("--data-dir");
    cmd.arg(data);
    cmd.args(args);
    cmd
}

/// p50, p99 and max of the samples, in ms.
fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
    };
    (at(0.5), at(0.99), at(1.0))
}

fn pause() {
    std::thread::sleep(Duration::from_millis(fastrand::u64(20..=60)));
}

/// Types into the filter of a dashboard that is already drawing.
fn dashboard_run(mut pty: Pty, samples: usize) -> Vec<Duration> {
    pty.wait_for(|s| s.contains("j/k"));
    std::thread::sleep(Duration::from_secs(2));
    pty.key(b"/", footer_reads(""));
    let mut out = Vec::with_capacity(samples);
    for n in 0..samples {
        pause();
        out.push(if n.is_multiple_of(2) {
            pty.key(b"x", footer_reads("x"))
        } else {
            pty.key(b"\x7f", footer_reads(""))
        });
    }
    out
}

fn floor_run(samples: usize) -> Vec<Duration> {
    let mut cmd = CommandBuilder::new("sh");
    cmd.args(["-c", "stty raw -echo && echo ready && exec cat"]);
    let mut pty = Pty::spawn(cmd);
    pty.wait_for(|s| s.contains("ready"));
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        pause();
        let (row, col) = pty.screen.lock().expect("screen").screen().cursor_position();
        if col >= 100 {
            // Back to the start of the line (not measured); the next letters overwrite it.
            pty.key(b"\r", Box::new(|s: &vt100::Screen| s.cursor_position().1 == 0));
            continue;
        }
        let c = char::from(b'a' + fastrand::u8(0..26));
        let shown: Shown = Box::new(move |s| {
            s.cursor_position() == (row, col + 1)
                && s.cell(row, col)
                    .is_some_and(|cell| cell.contents() == c.to_string())
        });
        out.push(pty.key(c.to_string().as_bytes(), shown));
    }
    out
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let samples: usize = std::env::var("KEY_BENCH_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    println!("key written → frame read, {samples} keys per run, {COLS}×{ROWS} pty");
    println!("{:<34} {:>9} {:>9} {:>9}", "run", "p50 ms", "p99 ms", "max ms");
    let row = |name: &str, s: Vec<Duration>| {
        let (p50, p99, max) = summary(s);
        println!("{name:<34} {p50:>9.2} {p99:>9.2} {max:>9.2}");
    };
    row("floor: cat, raw mode", floor_run(samples));
    for open in [20, 1000] {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data dir");
        let config = write_config(dir.path());
        seed(&config, &data, open);

        let pty = Pty::spawn(watchdesk(&config, &data, &[]));
        row(&format!("embedded, {open} open"), dashboard_run(pty, samples));

        let daemon = serve(&config, &data);
        let pty = Pty::spawn(watchdesk(&config, &data, &["attach"]));
        row(
            &format!("attached to serve, {open} open"),
            dashboard_run(pty, samples),
        );
        stop(daemon);
    }
}

fn serve(config: &Path, data: &Path) -> Process {
    let daemon = Spawn::new(bin())
        .env_clear()
        .env("HOME", data)
        .env("USER", "bench")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("watchdesk serve");
    let socket = data.join(watchdesk::daemon::SOCKET);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !socket.exists() {
        assert!(Instant::now() < deadline, "the daemon made no socket within 20 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    daemon
}

fn stop(mut daemon: Process) {
    // SAFETY: kill(2) on the pid of a child started here and not yet waited for.
    unsafe { libc::kill(daemon.id() as i32, libc::SIGTERM) };
    let _ = daemon.wait();
}
