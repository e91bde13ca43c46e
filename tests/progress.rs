//! Progress on long work through the real binary: on a terminal (a real PTY) `audit verify`, `backup`,
//! `backup verify` and `restore` draw a bar on standard error and clear it before the answer; in a script
//! (standard error not a terminal) they write nothing but the answer.

use std::io::Read;
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_watchdesk");

/// A store with a few incidents, its config and its home (where the audit key is).
fn store() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("c.toml"),
        "[[host]]\nname = \"local\"\nsource = \"local\"\n",
    )
    .unwrap();
    for i in 0..4 {
        let out = command(home.path())
            .args([
                "incident",
                "open",
                "--kind",
                "fault",
                "--severity",
                "minor",
                "--title",
            ])
            .arg(format!("磁盘告警 {i}"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    home
}

fn command(home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("HOME", home)
        .current_dir(home)
        .args(["--config", "c.toml", "--data-dir", "data"]);
    c
}

#[test]
fn in_a_script_only_the_answer_is_written() {
    let home = store();
    for (args, answer) in [
        (&["audit", "verify"][..], "audit log intact: 4 records"),
        (&["backup", "--out", "b.jsonl"], "wrote b.jsonl"),
        (&["backup", "verify", "b.jsonl"], "backup OK"),
        (&["report", "quarterly"], "Quarterly maintenance report"),
        (&["report", "score"], ""),
    ] {
        let out = command(home.path()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(answer), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?} wrote to stderr: {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = Command::new(BIN)
        .env_clear()
        .env("HOME", home.path())
        .current_dir(home.path())
        .args(["--data-dir", "restored", "restore", "b.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("restored"));
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs watchdesk on a PTY until it exits: everything it wrote (raw) and the screen as left.
fn on_terminal(home: &Path, args: &[&str]) -> (String, String) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.env_clear();
    cmd.env("HOME", home);
    cmd.env("TERM", "xterm-256color");
    cmd.cwd(home);
    cmd.args(args);
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut out = pair.master.try_clone_reader().unwrap();
    let reader = std::thread::spawn(move || {
        let mut raw = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        // Ends at EOF or EIO, when the program has gone.
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            raw.extend_from_slice(&buf[..n]);
        }
        raw
    });
    let status = child.wait().unwrap();
    drop(pair.master);
    let raw = reader.join().unwrap();
    assert!(status.success(), "{args:?}: {}", String::from_utf8_lossy(&raw));
    let mut screen = vt100::Parser::new(NonZeroU16::new(24).unwrap(), NonZeroU16::new(100).unwrap(), 0);
    screen.process(&raw);
    (
        String::from_utf8_lossy(&raw).to_string(),
        screen.screen().contents(),
    )
}

#[test]
fn on_a_terminal_a_bar_is_drawn_and_cleared_before_the_answer() {
    let home = store();
    let base = ["--config", "c.toml", "--data-dir", "data"];
    let with = |more: &[&'static str]| -> Vec<&'static str> { base.iter().chain(more).copied().collect() };

    let (raw, screen) = on_terminal(home.path(), &with(&["audit", "verify"]));
    assert!(raw.contains("checking the audit chain"), "{raw:?}");
    assert!(screen.contains("audit log intact: 4 records"), "{screen}");
    assert!(!screen.contains("checking"), "the bar is cleared:\n{screen}");

    let (raw, screen) = on_terminal(home.path(), &with(&["backup", "--out", "b.jsonl"]));
    assert!(raw.contains("writing the backup"), "{raw:?}");
    assert!(screen.trim_start().starts_with("wrote b.jsonl"), "{screen}");

    let (raw, _) = on_terminal(home.path(), &with(&["backup", "verify", "b.jsonl"]));
    assert!(raw.contains("checking the backup ["), "{raw:?}");

    let (raw, screen) = on_terminal(home.path(), &["--data-dir", "restored", "restore", "b.jsonl"]);
    for stage in ["checking the backup", "restoring"] {
        assert!(raw.contains(stage), "{stage}: {raw:?}");
    }
    assert!(screen.trim_start().starts_with("restored"), "{screen}");

    let (raw, _) = on_terminal(home.path(), &with(&["report", "quarterly"]));
    assert!(raw.contains("computing the quarterly report"), "{raw:?}");
}
