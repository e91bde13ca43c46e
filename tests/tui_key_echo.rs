//! Keys reach the screen at once: the real `watchdesk` binary in a real pseudo-terminal, text typed into the
//! incident filter at human speed, and each character must be on screen before the next one is sent.
//!
//! Nothing else redraws the screen meanwhile (no host, one check probed once an hour), except the tick on every
//! wall-clock second, which moves the clock in the header. So each character is sent right after a tick is
//! seen and must be on screen within 800 ms, before the next tick (about 990 ms away): a key drawn only by
//! the next tick (a key read but its task not woken) fails here every time, and a loaded machine has most of
//! a second to draw a key that is woken.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_watchdesk");

/// `HH:MM:SS` of the header clock (`YYYY-MM-DD HH:MM:SS CST` on the first line).
fn clock(screen: &str) -> Option<String> {
    let first = screen.lines().next()?;
    let b = first.as_bytes();
    (0..b.len().saturating_sub(7)).rev().find_map(|i| {
        let w = &b[i..i + 8];
        let digits = [0, 1, 3, 4, 6, 7].iter().all(|&k| w[k].is_ascii_digit());
        (digits && w[2] == b':' && w[5] == b':').then(|| first[i..i + 8].to_string())
    })
}

/// The footer's filter line, `/typed▏`, if it shows exactly `typed`.
fn shows_filter(screen: &str, typed: &str) -> bool {
    screen.contains(&format!("/{typed}▏"))
}

#[test]
fn each_typed_character_is_on_screen_before_the_next_tick() {
    // The check's port is closed: one probe at start, the next in an hour.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let config = dir.path().join("watchdesk.toml");
    std::fs::write(
        &config,
        format!(
            "[[subsystem]]\nid = \"sysadmin\"\nname = \"系统管理子系统\"\n  [[subsystem.check]]\n  \
             kind = \"tcp\"\n  address = \"127.0.0.1:{port}\"\n  interval = \"1h\"\n  timeout = \"1s\"\n"
        ),
    )
    .unwrap();

    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.env_clear();
    cmd.env("HOME", &data);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "en_US.UTF-8");
    cmd.env("USER", "pty.tester");
    cmd.args(["--lang", "en", "--config"]);
    cmd.arg(&config);
    cmd.arg("--data-dir");
    cmd.arg(&data);
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut out = pair.master.try_clone_reader().unwrap();
    let mut keys = pair.master.take_writer().unwrap();
    let screen = Arc::new(Mutex::new(vt100::Parser::new(
        NonZeroU16::new(30).unwrap(),
        NonZeroU16::new(100).unwrap(),
        0,
    )));
    let reader = {
        let screen = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen.lock().unwrap().process(&buf[..n]);
            }
        })
    };
    let text = || screen.lock().unwrap().screen().contents();
    let wait = |within: Duration, what: &dyn Fn(&str) -> bool| -> Result<String, String> {
        let deadline = Instant::now() + within;
        loop {
            let now = text();
            if what(&now) {
                return Ok(now);
            }
            if Instant::now() > deadline {
                return Err(now);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    };

    let first = wait(Duration::from_secs(10), &|s| {
        clock(s).is_some() && s.contains("j/k")
    });
    let first = first.unwrap_or_else(|s| panic!("no first frame; the screen shows:\n{s}"));
    // Let the start-up probe and its snapshot pass.
    let start = clock(&first).unwrap();
    wait(Duration::from_secs(5), &|s| clock(s).is_some_and(|c| c != start)).unwrap();
    keys.write_all(b"/").unwrap();
    keys.flush().unwrap();
    wait(Duration::from_secs(5), &|s| shows_filter(s, "")).unwrap_or_else(|s| panic!("no filter line:\n{s}"));

    let word = "watchdesk";
    let mut typed = String::new();
    let mut latencies = Vec::new();
    for c in word.chars() {
        // Right after a tick: the next one is most of a second away.
        let before = clock(&text()).unwrap();
        wait(Duration::from_secs(3), &|s| clock(s).is_some_and(|c| c != before)).unwrap();
        typed.push(c);
        let sent = Instant::now();
        keys.write_all(c.to_string().as_bytes()).unwrap();
        keys.flush().unwrap();
        wait(Duration::from_secs(3), &|s| shows_filter(s, &typed))
            .unwrap_or_else(|s| panic!("{typed:?} never showed; the screen shows:\n{s}"));
        let latency = sent.elapsed();
        latencies.push(latency);
        assert!(
            latency < Duration::from_millis(800),
            "{typed:?} appeared {latency:?} after the key was sent: drawn by a tick, not by the key"
        );
    }
    eprintln!("key to screen: {latencies:?}");

    keys.write_all(b"\x1b").unwrap();
    keys.flush().unwrap();
    wait(Duration::from_secs(5), &|s| !shows_filter(s, &typed)).unwrap();
    keys.write_all(b"q").unwrap();
    keys.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the dashboard did not quit on Esc q");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(pair.master);
    let _ = reader.join();
}
