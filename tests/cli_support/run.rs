//! The real binary in a throw-away home: run it, expect success or a refusal (exit 2), start from `init`.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn watchdesk(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("WATCHDESK_DATA", home.join("data"))
        .env("USER", "li")
        .args(args)
        .output()
        .unwrap()
}

pub fn ok(home: &Path, args: &[&str]) -> String {
    String::from_utf8(ok_bytes(home, args)).unwrap()
}

/// Runs a command that must succeed; returns what it wrote, which need not be text (a Word document).
pub fn ok_bytes(home: &Path, args: &[&str]) -> Vec<u8> {
    let out = watchdesk(home, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs a command that must be refused as bad input (exit 2); returns what it said.
pub fn refused(home: &Path, args: &[&str]) -> String {
    let out = watchdesk(home, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

pub fn setup() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    ok(home.path(), &["init"]);
    home
}
