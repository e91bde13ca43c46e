//! The real `watchdesk` binary in a real pseudo-terminal: a local endpoint goes down, the dashboard opens an
//! incident with a countdown, the keyboard acknowledges it, SIGHUP ends the process through the shutdown
//! path, the terminal is given back, and the store holds the acknowledgement.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_watchdesk");
const USER: &str = "pty.tester";

/// A health endpoint on 127.0.0.1 that answers 200 or 500 as the switch says.
struct Endpoint {
    port: u16,
    healthy: Arc<AtomicBool>,
    _rt: tokio::runtime::Runtime,
}

async fn health(State(healthy): State<Arc<AtomicBool>>) -> StatusCode {
    if healthy.load(Ordering::SeqCst) {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

impl Endpoint {
    fn start() -> Endpoint {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let healthy = Arc::new(AtomicBool::new(true));
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = Router::new()
            .route("/health", get(health))
            .with_state(healthy.clone());
        rt.spawn(async move { axum::serve(listener, app).await });
        Endpoint {
            port,
            healthy,
            _rt: rt,
        }
    }
}

/// The dashboard in a 120×40 pseudo-terminal; everything it writes is kept raw and parsed as a screen.
struct Dashboard {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    reader: JoinHandle<()>,
}

impl Dashboard {
    fn spawn(config: &Path, data: &Path) -> Dashboard {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.env_clear();
        cmd.env("HOME", data);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "en_US.UTF-8");
        cmd.env("USER", USER);
        cmd.args(["--lang", "en", "--config"]);
        cmd.arg(config);
        cmd.arg("--data-dir");
        cmd.arg(data);
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut out = pair.master.try_clone_reader().unwrap();
        let keys = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(40).unwrap(),
            NonZeroU16::new(120).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let (screen, raw, answer) = (screen.clone(), raw.clone(), keys.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                // Ends at EOF or EIO, when the last holder of the terminal's other side has gone.
                while let Ok(n) = out.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut parsed = screen.lock().unwrap();
                    parsed.process(&buf[..n]);
                    // The terminal's answer to a cursor position query, as a real terminal gives it.
                    if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                        let (row, col) = parsed.screen().cursor_position();
                        let mut answer = answer.lock().unwrap();
                        let _ = write!(answer, "\x1b[{};{}R", row + 1, col + 1);
                        let _ = answer.flush();
                    }
                    drop(parsed);
                    raw.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        };
        Dashboard {
            child,
            _master: pair.master,
            keys,
            screen,
            raw,
            reader,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Polls the parsed screen until `what` holds; the screen at the deadline goes into the failure message.
    fn wait_for(&self, within: Duration, what: impl Fn(&str) -> bool) -> Result<String, String> {
        let deadline = Instant::now() + within;
        loop {
            let text = self.text();
            if what(&text) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                return Err(text);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn press(&mut self, bytes: &[u8]) {
        let mut keys = self.keys.lock().unwrap();
        keys.write_all(bytes).unwrap();
        keys.flush().unwrap();
    }
}

fn expect_screen(result: Result<String, String>, what: &str) -> String {
    match result {
        Ok(text) => text,
        Err(text) => panic!("the screen never showed {what}; it shows:\n{text}"),
    }
}

/// A `mm:ss` countdown somewhere on the line.
fn has_countdown(line: &str) -> bool {
    let b = line.as_bytes();
    b.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1].is_ascii_digit()
            && w[2] == b':'
            && w[3].is_ascii_digit()
            && w[4].is_ascii_digit()
    })
}

fn cli(config: &Path, data: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(BIN)
        .env_clear()
        .env("HOME", data)
        .env("LANG", "en_US.UTF-8")
        .env("USER", USER)
        .args(args)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "watchdesk {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every incident id in a `--json` answer, wherever the list puts it.
fn ids_in(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(serde_json::Value::String(id)), true) = (map.get("id"), map.contains_key("opened")) {
                into.push(id.clone());
            }
            map.values().for_each(|v| ids_in(v, into));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| ids_in(v, into)),
        _ => {}
    }
}

#[test]
fn an_outage_is_acknowledged_in_a_real_terminal_and_survives_sighup() {
    let endpoint = Endpoint::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let config = dir.path().join("watchdesk.toml");
    std::fs::write(
        &config,
        format!(
            "[health]\nfailures_to_down = 2\nsuccesses_to_up = 1\n\n\
             [[subsystem]]\nid = \"sysadmin\"\nname = \"系统管理子系统\"\n  [[subsystem.check]]\n  \
             kind = \"http\"\n  url = \"http://127.0.0.1:{}/health\"\n  interval = \"1s\"\n  timeout = \"1s\"\n",
            endpoint.port
        ),
    )
    .unwrap();

    let mut dash = Dashboard::spawn(&config, &data);
    expect_screen(
        dash.wait_for(Duration::from_secs(8), |s| {
            s.lines()
                .any(|l| l.contains("系统管理子系统") && l.contains(" up"))
        }),
        "the subsystem up",
    );

    endpoint.healthy.store(false, Ordering::SeqCst);
    let screen = expect_screen(
        dash.wait_for(Duration::from_secs(8), |s| {
            s.lines()
                .any(|l| l.contains("-0001") && (l.contains("系统管理") || has_countdown(l)))
                && s.lines().any(has_countdown)
        }),
        "the automatic incident with a countdown",
    );
    assert!(screen.lines().any(|l| l.contains(" down")), "{screen}");

    // The incident list has the focus and its first row is selected: `a` opens the form, Ctrl-S submits.
    dash.press(b"a");
    expect_screen(
        dash.wait_for(Duration::from_secs(5), |s| s.contains("Acknowledge ")),
        "the acknowledge form",
    );
    dash.press(b"on it, calling the vendor");
    dash.press(b"\x13");
    expect_screen(
        dash.wait_for(Duration::from_secs(5), |s| s.contains("saved ✓")),
        "the acknowledgement saved",
    );

    // The handover page, and `y` copies it to this terminal's clipboard as an OSC 52 sequence.
    dash.press(b"h");
    expect_screen(
        dash.wait_for(Duration::from_secs(5), |s| {
            s.contains("Handover") && s.contains("Open incidents (1)")
        }),
        "the handover page",
    );
    dash.press(b"y");
    let deadline = Instant::now() + Duration::from_secs(5);
    let copied = loop {
        let raw = dash.raw.lock().unwrap().clone();
        if let Some(at) = raw.windows(7).position(|w| w == b"\x1b]52;c;") {
            let rest = &raw[at + 7..];
            if let Some(end) = rest.iter().position(|b| *b == 0x07) {
                break rest[..end].to_vec();
            }
        }
        assert!(Instant::now() < deadline, "no OSC 52 sequence within 5 s of `y`");
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &copied).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.starts_with("# 交接班 Handover"), "{text}");
    assert!(
        text.contains("on it, calling the vendor"),
        "the copy has the acknowledgement: {text}"
    );
    dash.press(b"\x1b");

    let pid = dash.child.process_id().unwrap() as libc::pid_t;
    // SAFETY: kill(2) with a pid this test spawned and still holds unreaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGHUP) }, 0);
    let deadline = Instant::now() + Duration::from_secs(2);
    let status = loop {
        if let Some(status) = dash.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the dashboard did not exit within 2 s of SIGHUP"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let deadline = Instant::now() + Duration::from_secs(2);
    while !dash.reader.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let raw = dash.raw.lock().unwrap().clone();
    let leave = raw
        .windows(8)
        .rposition(|w| w == b"\x1b[?1049l")
        .expect("the alternate screen was never left");
    let enter = raw.windows(8).rposition(|w| w == b"\x1b[?1049h");
    assert!(
        enter.is_some_and(|e| e < leave),
        "the alternate screen was entered after leaving it"
    );
    let tail = &raw[leave..];
    assert!(
        tail.windows(6).any(|w| w == b"\x1b[?25h"),
        "the cursor was not shown after leaving: {:?}",
        String::from_utf8_lossy(tail)
    );
    assert!(
        tail.len() < 64,
        "output after the terminal was restored: {:?}",
        String::from_utf8_lossy(tail)
    );
    assert!(
        status.success(),
        "SIGHUP is an orderly end, yet the exit was {status:?}"
    );

    let mut ids = Vec::new();
    ids_in(
        &cli(&config, &data, &["incident", "list", "--all", "--json"]),
        &mut ids,
    );
    ids.dedup();
    assert_eq!(ids.len(), 1, "one automatic incident, found {ids:?}");
    let shown = cli(&config, &data, &["incident", "show", &ids[0], "--json"]);
    let incident = shown.get("incident").unwrap_or(&shown);
    let ack = &incident["acknowledged"];
    assert!(!ack.is_null(), "not acknowledged in the store: {incident}");
    // The kernel's word (the real uid), not USER.
    // SAFETY: getuid(2) cannot fail.
    let me = watchdesk::model::user_name(unsafe { libc::getuid() });
    assert_eq!(ack["actor"]["user"], me.as_str(), "{incident}");
    assert_ne!(me, USER);
}
