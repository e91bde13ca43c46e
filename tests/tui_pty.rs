//! The real `watchdesk` binary in a real pseudo-terminal: a local endpoint goes down, the dashboard opens an
//! incident with a countdown, the keyboard acknowledges it, SIGHUP ends the process through the shutdown
//! path, the terminal is given back, and the store holds the acknowledgement.

#[path = "tui_support/pty.rs"]
mod pty;
#[path = "probe_support/servers.rs"]
mod servers;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use pty::{Dashboard, expect_screen, has_countdown};

use pty::{BIN, USER};

/// A health endpoint on 127.0.0.1 that answers 200 or 500 as the switch says.
struct Endpoint {
    port: u16,
    healthy: Arc<AtomicBool>,
    _rt: tokio::runtime::Runtime,
}

impl Endpoint {
    fn start() -> Endpoint {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let healthy = Arc::new(AtomicBool::new(true));
        let port = rt.block_on(servers::switched_health(
            healthy.clone(),
            StatusCode::INTERNAL_SERVER_ERROR,
        ));
        Endpoint {
            port,
            healthy,
            _rt: rt,
        }
    }
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

    let mut dash = Dashboard::spawn(
        &data,
        (40, 120),
        &[
            "--lang".as_ref(),
            "en".as_ref(),
            "--config".as_ref(),
            config.as_os_str(),
            "--data-dir".as_ref(),
            data.as_os_str(),
        ],
    );
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
