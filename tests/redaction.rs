//! Secrets in URLs never show: a password in a check URL or its proxy, and a `?token=` in a node_exporter URL,
//! are planted in a config; every output of the binary (config check, check, check --json, incident list and
//! show, report handover), the daemon's logs, the store, a backup and the snapshot dashboards receive are
//! searched for them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const PASSWORD: &str = "pw-7c1e94b2";
const PROXY_PASSWORD: &str = "px-3f8a0d6e";
const TOKEN: &str = "tk-95b2c7e1";

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn config(dir: &Path) -> PathBuf {
    let (check_port, proxy_port, exporter_port) = (closed_port(), closed_port(), closed_port());
    let path = dir.join("watchdesk.toml");
    std::fs::write(
        &path,
        format!(
            "[platform]\nlang = \"en\"\n\n[health]\nfailures_to_down = 1\n\n\
             [[subsystem]]\nid = \"digital\"\nname = \"数字管理\"\n  [[subsystem.check]]\n  kind = \"http\"\n  \
             url = \"http://ops:{PASSWORD}@127.0.0.1:{check_port}/health?token={TOKEN}&x=1\"\n  interval = \"1s\"\n  \
             timeout = \"1s\"\n  severity = \"critical\"\n\n\
             [[subsystem]]\nid = \"display\"\nname = \"展示\"\n  [[subsystem.check]]\n  kind = \"http\"\n  \
             url = \"http://127.0.0.1:{check_port}/display\"\n  proxy = \"http://u:{PROXY_PASSWORD}@127.0.0.1:{proxy_port}\"\n  \
             interval = \"1s\"\n  timeout = \"1s\"\n\n\
             [[host]]\nname = \"db-01\"\nsource = \"node_exporter\"\nurl = \"http://127.0.0.1:{exporter_port}/metrics?token={TOKEN}\"\n\
             interval = \"1s\"\ntimeout = \"1s\"\n"
        ),
    )
    .unwrap();
    path
}

fn watchdesk(config: &Path, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_watchdesk"));
    c.env_clear()
        .env("HOME", data.parent().unwrap())
        .env("LANG", "en_US.UTF-8")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .current_dir(data.parent().unwrap());
    c
}

fn all_text(out: &Output) -> Vec<u8> {
    [out.stdout.clone(), out.stderr.clone()].concat()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn files_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_secrets_appear_in_no_output_store_backup_or_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = config(dir.path());
    let mut seen: Vec<(String, Vec<u8>)> = Vec::new();

    let checked = watchdesk(&config, &data)
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&all_text(&checked))
    );
    let checked_text = String::from_utf8_lossy(&checked.stdout).to_string();
    assert!(checked_text.contains("ops:***@127.0.0.1"), "{checked_text}");
    assert!(checked_text.contains("token=***"), "{checked_text}");
    assert!(
        checked_text.contains("has a password in its URL"),
        "{checked_text}"
    );
    assert!(
        checked_text.contains("has a password in its proxy URL"),
        "{checked_text}"
    );
    seen.push(("config check".into(), all_text(&checked)));
    for args in [&["check"][..], &["check", "--json"]] {
        let out = watchdesk(&config, &data).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "everything is down");
        seen.push((format!("{args:?}"), all_text(&out)));
    }

    // The daemon: the failing check opens a critical incident whose title and timeline quote the reason.
    let mut daemon = watchdesk(&config, &data)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let socket = data.join(watchdesk::daemon::SOCKET);
    let mut remote = None;
    for _ in 0..200 {
        if let Ok(r) = watchdesk::daemon::connect(
            &socket,
            std::sync::Arc::new(watchdesk::policy::Policy::default()),
            chrono_tz::Asia::Shanghai,
        )
        .await
        {
            remote = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let remote = remote.expect("the daemon answers");
    let mut snapshots = remote.subscribe();
    let opened = tokio::time::timeout(
        Duration::from_secs(20),
        snapshots.wait_for(|s| !s.open_incidents.is_empty() && s.hosts.iter().all(|h| h.reading.is_some())),
    )
    .await;
    assert!(
        matches!(opened, Ok(Ok(_))),
        "an incident opens and the host is read"
    );
    let snapshot = remote.snapshot();
    let shown = serde_json::to_vec(&*snapshot).unwrap();
    assert!(
        contains(&shown, "cannot connect") || contains(&shown, "127.0.0.1"),
        "the reason is there, masked"
    );
    seen.push(("snapshot".into(), shown));
    drop(remote);
    for args in [
        &["incident", "list", "--json"][..],
        &["incident", "show", "2026-0001"],
        &["incident", "show", "2026-0001", "--json"],
        &["report", "handover"],
        &["backup", "--out", "backup.jsonl"],
    ] {
        let out = watchdesk(&config, &data).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&all_text(&out))
        );
        seen.push((format!("{args:?}"), all_text(&out)));
    }
    unsafe { libc::kill(daemon.id() as i32, libc::SIGTERM) };
    let status = daemon.wait().unwrap();
    assert!(status.success());
    let mut logs = Vec::new();
    if let Some(mut e) = daemon.stderr.take() {
        std::io::Read::read_to_end(&mut e, &mut logs).unwrap();
    }
    seen.push(("daemon logs".into(), logs));
    let mut files = Vec::new();
    files_under(&data, &mut files);
    files.push((
        "backup".into(),
        std::fs::read(dir.path().join("backup.jsonl")).unwrap(),
    ));
    seen.extend(files);

    for (what, bytes) in &seen {
        for secret in [PASSWORD, PROXY_PASSWORD, TOKEN] {
            assert!(
                !contains(bytes, secret),
                "{secret} is in {what}: {}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
