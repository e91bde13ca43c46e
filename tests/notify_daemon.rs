//! Notifications through the real binary: `watchdesk serve` notifies a webhook on 127.0.0.1 with no dashboard
//! open, a notification queued when the daemon is killed with SIGKILL is delivered by the next daemon with the
//! same key, and the channel's token and signing secret appear nowhere but on the wire to the receiver:
//! not in any output, the store, a backup or the snapshot dashboards get.

#[path = "delivery_support/daemon.rs"]
mod daemon;
#[path = "delivery_support/receiver.rs"]
mod receiver;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use daemon::HookDaemon;
use hmac::{Hmac, Mac};
use receiver::Receiver;
use sha2::Sha256;

const TOKEN: &str = "tok-5a1d3c9e7f";
const SECRET: &str = "SEC-0b4e2f8a6c1d";

/// The daemon with its standard output and error kept, to search them for the secrets.
fn serve(s: &HookDaemon) -> Child {
    s.serve(&[], Stdio::piped(), Stdio::piped())
}

/// The webhook's signature, computed here from its documented definition.
fn signature_ok(r: &receiver::Received) -> bool {
    let header = |name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let timestamp = header("x-watchdesk-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&r.raw);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    !timestamp.is_empty() && header("x-watchdesk-signature") == expected
}

fn all_bytes_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_notification_survives_sigkill_and_no_secret_leaks_anywhere() {
    let (rx, addr) = Receiver::start().await;
    let s = HookDaemon::new(addr, TOKEN, SECRET);
    rx.answer(503);
    let mut daemon = serve(&s);
    s.wait_for_socket().await;

    // Opened by hand through the daemon: the notifier tries at once, the receiver answers 503.
    let opened = s.open_fault();
    let opened_text = String::from_utf8_lossy(&opened.stdout).to_string();
    assert!(
        rx.wait_until(|r| !r.requests().is_empty()).await,
        "a first attempt is made"
    );
    let first = rx.requests()[0].clone();
    assert_eq!(first.body["event"], "opened");
    assert_eq!(first.body["severity"], "critical");
    assert!(
        signature_ok(&first),
        "signed with the secret: {:?}",
        first.headers
    );
    assert_eq!(
        first.headers.get("authorization").and_then(|v| v.to_str().ok()),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let key = first.body["key"].as_str().unwrap().to_string();

    // The outbox says so, through the daemon.
    let listed = s.run(&["notify", "list"]);
    let listed_text = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        listed_text.contains("queued") && listed_text.contains("503"),
        "{listed_text}"
    );

    // Killed with the notification queued; the receiver comes back; the next daemon delivers it.
    daemon.kill().unwrap();
    let killed = daemon.wait_with_output().unwrap();
    rx.answer(200);
    let daemon = serve(&s);
    s.wait_for_socket().await;
    assert!(
        rx.wait_until(|r| r.accepted().iter().any(|a| a.body["key"] == key.as_str()))
            .await,
        "redelivered after the restart"
    );
    let delivered = rx
        .accepted()
        .into_iter()
        .find(|a| a.body["key"] == key.as_str())
        .unwrap();
    assert!(signature_ok(&delivered));
    assert_eq!(delivered.body["title"], first.body["title"]);
    let listed_json = s.run(&["notify", "list", "--json"]);
    let entries: Vec<serde_json::Value> = String::from_utf8_lossy(&listed_json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sent: Vec<_> = entries
        .iter()
        .filter(|e| e["message"]["key"] == key.as_str())
        .collect();
    assert_eq!(sent.len(), 1, "one entry for the notification: {entries:?}");
    assert_eq!(sent[0]["state"]["state"], "sent");

    // Everything a person or a file could show: outputs of every command, the daemon's logs, the store,
    // a backup and the snapshot as the socket carries it.
    let mut outputs: Vec<(String, Vec<u8>)> = vec![
        ("open".into(), opened_text.into_bytes()),
        ("list".into(), listed_text.into_bytes()),
        ("list --json".into(), listed_json.stdout.clone()),
        ("killed daemon".into(), [killed.stdout, killed.stderr].concat()),
    ];
    for args in [
        &["notify", "channels"][..],
        &["config", "check"],
        &["incident", "list", "--json"],
        &["backup", "--out", "backup.jsonl"],
    ] {
        let out = s.run(args);
        outputs.push((format!("{args:?}"), [out.stdout, out.stderr].concat()));
    }
    let remote = watchdesk::daemon::connect(
        &s.data.join(watchdesk::daemon::SOCKET),
        std::sync::Arc::new(watchdesk::policy::Policy::default()),
        chrono_tz::Asia::Shanghai,
    )
    .await
    .unwrap();
    let snapshot = remote.snapshot();
    outputs.push(("snapshot".into(), format!("{snapshot:?}").into_bytes()));
    assert!(snapshot.delivery.active);
    drop(remote);
    let stopped = {
        let mut d = daemon;
        unsafe { libc::kill(d.id() as i32, libc::SIGTERM) };
        let status = d.wait().unwrap();
        assert!(status.success());
        let mut logs = Vec::new();
        if let Some(mut e) = d.stderr.take() {
            std::io::Read::read_to_end(&mut e, &mut logs).unwrap();
        }
        logs
    };
    outputs.push(("daemon logs".into(), stopped));
    for (path, bytes) in all_bytes_under(s.dir.path()) {
        outputs.push((path.display().to_string(), bytes));
    }
    for (what, bytes) in &outputs {
        assert!(!contains(bytes, SECRET), "the signing secret is in {what}");
        assert!(!contains(bytes, TOKEN), "the token is in {what}");
    }
    assert!(
        outputs.iter().any(|(w, _)| w.ends_with("backup.jsonl")),
        "the backup was searched"
    );
}
