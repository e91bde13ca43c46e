//! `watchdesk report … --format` through the real binary: the accepted values listed, documents written
//! with `--out` or to a pipe, and a Word document refused on a terminal (a real PTY) before anything is
//! recorded.

#[path = "cli_support/run.rs"]
mod run;
#[path = "report_formats_support/word.rs"]
mod word;

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use run::{ok_bytes as ok, refused, setup};

const BIN: &str = env!("CARGO_BIN_EXE_watchdesk");

/// Whether the report of 2026Q1 was produced: the quarterly summary's row in the score says so (its 5 points
/// wait for the delivery record).
fn produced(home: &Path) -> bool {
    let score: serde_json::Value = serde_json::from_slice(&ok(
        home,
        &["report", "score", "--quarter", "2026Q1", "--format", "json"],
    ))
    .unwrap();
    let line = score["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["item"] == "quarterly_summary")
        .cloned()
        .unwrap();
    line["detail"]
        .as_str()
        .is_some_and(|d| d.starts_with("produced "))
}

#[test]
fn formats_are_listed_and_documents_written() {
    let home = setup();
    let h = home.path();

    let help = String::from_utf8(ok(h, &["report", "quarterly", "-h"])).unwrap();
    assert!(
        help.contains("[possible values: md, json, csv, docx, html]"),
        "{help}"
    );
    let help = String::from_utf8(ok(h, &["report", "daily", "-h"])).unwrap();
    assert!(help.contains("[possible values: md, json, docx]"), "{help}");
    let err = refused(h, &["report", "score", "--format", "docx"]);
    assert!(err.contains("[possible values: md, json]"), "{err}");
    let err = refused(h, &["report", "handover", "--format", "docx", "--copy"]);
    assert!(err.contains("--copy copies text"), "{err}");

    let file = h.join("q.docx");
    let said = ok(
        h,
        &[
            "report",
            "quarterly",
            "--quarter",
            "2026Q1",
            "--format",
            "docx",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let said = String::from_utf8(said).unwrap();
    assert!(
        said.starts_with("quarterly report 2026Q1 (docx, 0 incidents) written to"),
        "{said}"
    );
    let parts = word::read(&std::fs::read(&file).unwrap());
    assert_eq!(
        word::headings(&parts)[0],
        (1, "运维季度报告 Quarterly maintenance report — 2026Q1".into())
    );

    // To a pipe, a document goes to standard output as it is.
    let page = String::from_utf8(ok(
        h,
        &["report", "quarterly", "--quarter", "2026Q1", "--format", "html"],
    ))
    .unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 4);
    let day = ok(
        h,
        &["report", "daily", "--date", "2026-02-03", "--format", "docx"],
    );
    let parts = word::read(&day);
    assert_eq!(
        word::headings(&parts)[0],
        (1, "日台账 Daily ledger — 2026-02-03 (Asia/Shanghai)".to_string())
    );
    assert!(produced(h));
}

#[test]
fn a_word_document_is_not_written_to_a_terminal() {
    let home = setup();
    let h = home.path();
    assert!(!produced(h));
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.env_clear();
    cmd.env("HOME", h);
    cmd.env("XDG_CONFIG_HOME", h.join("config"));
    cmd.env("WATCHDESK_DATA", h.join("data"));
    cmd.env("USER", "li");
    cmd.args(["report", "quarterly", "--quarter", "2026Q1", "--format", "docx"]);
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            if tx.send(String::from_utf8_lossy(&out).to_string()).is_err() {
                break;
            }
        }
    });
    let mut said = String::new();
    while let Ok(text) = rx.recv_timeout(Duration::from_secs(30)) {
        said = text;
        if said.contains("redirect standard output") {
            break;
        }
    }
    let status = child.wait().unwrap();
    assert_eq!(status.exit_code(), 2, "{said}");
    assert!(said.contains("--out FILE"), "{said}");
    assert!(!said.contains("PK\u{3}\u{4}"), "no bytes of the document: {said}");
    assert!(!produced(h), "refused before the report was recorded");
}
