//! Answers piped into a reader that stops early (`watchdesk check --json | head`, `incident show ID | head -1`):
//! the command ends quietly with status 0, no panic, nothing on standard error.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs watchdesk with its standard output a pipe whose reading end is already closed.
fn into_closed_pipe(home: &Path, config: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", home)
        .env("USER", "li")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(home.join("data"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

fn assert_quiet(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let home = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = home.path().join("watchdesk.toml");
    std::fs::write(
        &config,
        format!(
            "[[subsystem]]\nid = \"sysadmin\"\nname = \"系统管理子系统\"\n  [[subsystem.check]]\n  \
             kind = \"tcp\"\n  address = \"127.0.0.1:{port}\"\n  timeout = \"2s\"\n"
        ),
    )
    .unwrap();
    assert_quiet(
        &into_closed_pipe(home.path(), &config, &["check", "--json"]),
        "check --json",
    );
    assert_quiet(&into_closed_pipe(home.path(), &config, &["check"]), "check");

    let opened = Command::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", home.path())
        .env("USER", "li")
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(home.path().join("data"))
        .args([
            "incident",
            "open",
            "--kind",
            "fault",
            "--severity",
            "major",
            "--title",
            "报告导出失败",
        ])
        .output()
        .unwrap();
    assert!(
        opened.status.success(),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    let id = String::from_utf8_lossy(&opened.stdout)
        .split_whitespace()
        .find(|w| w.starts_with("20") && w.contains('-'))
        .unwrap()
        .to_string();
    assert_quiet(
        &into_closed_pipe(home.path(), &config, &["incident", "show", &id]),
        "incident show",
    );
    assert_quiet(
        &into_closed_pipe(home.path(), &config, &["incident", "list", "--json"]),
        "incident list --json",
    );
}
