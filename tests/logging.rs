//! The daemon's log, through the real binary: `watchdesk serve` logs its start and stop, every action with who
//! did it to which record, and every notification delivery, in text to a `--log-file` or in the systemd
//! journal's native protocol on the journal's socket (asked with `--log-format journald`, or found by itself
//! from `JOURNAL_STREAM`); the channel's token and signing secret never appear in it.

#[path = "delivery_support/daemon.rs"]
mod daemon;
#[path = "delivery_support/receiver.rs"]
mod receiver;

use std::collections::HashMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use daemon::{HookDaemon, stop};
use receiver::Receiver;

const TOKEN: &str = "tok-7c2e9a4b1d";
const SECRET: &str = "SEC-4f8b1e6a9c3d";

/// `watchdesk serve` with the channel's secrets, its standard error into `stderr`.
fn serve(s: &HookDaemon, log_args: &[&str], stderr: &Path) -> Child {
    let stderr = Stdio::from(std::fs::File::create(stderr).unwrap());
    s.serve(log_args, Stdio::null(), stderr)
}

/// Opens a critical fault through the daemon and acknowledges it; answers its id.
fn open_and_ack(s: &HookDaemon) -> String {
    let text = String::from_utf8_lossy(&s.open_fault().stdout).to_string();
    let id = text
        .split_whitespace()
        .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-' && w[..4].bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("an incident id in {text:?}"))
        .to_string();
    s.run(&["incident", "ack", &id, "--note", "看到了"]);
    id
}

fn me() -> String {
    watchdesk::model::Actor::current().user
}

/// Waits (bounded) until the file holds `needle`.
async fn wait_for_text(path: &Path, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) || Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_logs_start_actions_deliveries_and_stop_to_its_file_and_never_a_secret() {
    let (rx, addr) = Receiver::start().await;
    let s = HookDaemon::new(addr, TOKEN, SECRET);
    let log = s.dir.path().join("watchdesk.log");
    let stderr = s.dir.path().join("stderr.txt");
    let daemon = serve(&s, &["--log-file", log.to_str().unwrap()], &stderr);
    s.wait_for_socket().await;
    let id = open_and_ack(&s);
    assert!(
        rx.wait_until(|r| !r.accepted().is_empty()).await,
        "the webhook gets the notification"
    );
    let key = rx.accepted()[0].body["key"].as_str().unwrap().to_string();
    wait_for_text(&log, "notification delivered").await;
    stop(daemon);
    let text = std::fs::read_to_string(&log).unwrap();
    let user = me();

    let line = |needle: &str| -> String {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in the log:\n{text}"))
            .to_string()
    };
    assert!(line("started: 0 checks, 1 hosts, 1 notification channels").contains("INFO"));
    let opened = line("action=\"incident.open\"");
    assert!(opened.contains("WARN"), "a fault is a warning: {opened}");
    assert!(opened.contains(&format!("actor=\"{user}\"")), "{opened}");
    assert!(opened.contains(&format!("target=\"{id}\"")), "{opened}");
    assert!(opened.contains("severity=\"critical\""), "{opened}");
    let acked = line("action=\"incident.ack\"");
    assert!(acked.contains(&format!("incident.ack {id} by {user}")), "{acked}");
    let delivered = line("notification delivered on channel hook");
    assert!(delivered.contains(&format!("key=\"{key}\"")), "{delivered}");
    assert!(line("SIGTERM: stopping").contains("INFO"));
    assert!(text.lines().last().unwrap().contains("stopped"), "{text}");
    // Times in the platform's zone (Asia/Shanghai by default).
    assert!(text.lines().all(|l| l.get(23..29) == Some("+08:00")), "{text}");
    // A note's text is not a log line's business.
    assert!(!text.contains("看到了"), "{text}");

    let stderr_text = std::fs::read_to_string(&stderr).unwrap();
    assert!(
        !stderr_text.contains("started"),
        "the file takes the lines: {stderr_text}"
    );
    let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the log file is the daemon user's alone");
    for (what, bytes) in [("log file", text.as_str()), ("stderr", stderr_text.as_str())] {
        assert!(!bytes.contains(TOKEN), "the token is in the {what}");
        assert!(!bytes.contains(SECRET), "the signing secret is in the {what}");
    }
}

#[test]
fn a_bad_filter_is_refused_with_an_example() {
    let out = Command::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("RUST_LOG", "watchdesk=loud")
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid filter \"watchdesk=loud\""), "{err}");
    assert!(err.contains("watchdesk=debug"), "{err}");
    assert!(out.stdout.is_empty(), "nothing done");
}

/// One journal entry in the native protocol: `KEY=value` lines, or `KEY`, a little-endian length and the raw
/// value for values that may hold newlines.
fn parse_entry(mut bytes: &[u8]) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    while !bytes.is_empty() {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .expect("a field ends with a newline");
        let head = &bytes[..end];
        if let Some(eq) = head.iter().position(|&b| b == b'=') {
            fields.insert(
                String::from_utf8_lossy(&head[..eq]).to_string(),
                String::from_utf8_lossy(&head[eq + 1..]).to_string(),
            );
            bytes = &bytes[end + 1..];
        } else {
            let name = String::from_utf8_lossy(head).to_string();
            let rest = &bytes[end + 1..];
            let len = u64::from_le_bytes(rest[..8].try_into().unwrap()) as usize;
            fields.insert(name, String::from_utf8_lossy(&rest[8..8 + len]).to_string());
            assert_eq!(rest[8 + len], b'\n');
            bytes = &rest[8 + len + 1..];
        }
    }
    fields
}

/// The journal's socket, bound here when no journal runs on this machine (as root); `None` (the test is
/// skipped) when a real journal owns it or the path cannot be made.
struct FakeJournal {
    socket: UnixDatagram,
    made_dirs: Vec<PathBuf>,
}

const JOURNAL: &str = "/run/systemd/journal/socket";

impl FakeJournal {
    fn bind() -> Result<FakeJournal, String> {
        let path = Path::new(JOURNAL);
        if path.exists() {
            let probe = UnixDatagram::unbound().map_err(|e| e.to_string())?;
            if probe.send_to(&[], path).is_ok() {
                return Err("a systemd journal runs on this machine".into());
            }
            // Left by an earlier run of this test that did not finish.
            std::fs::remove_file(path).map_err(|e| format!("stale {JOURNAL}: {e}"))?;
        }
        let mut made_dirs = Vec::new();
        for dir in ["/run/systemd", "/run/systemd/journal"] {
            if !Path::new(dir).exists() {
                std::fs::create_dir(dir).map_err(|e| format!("cannot make {dir}: {e}"))?;
                made_dirs.push(PathBuf::from(dir));
            }
        }
        let socket = UnixDatagram::bind(path).map_err(|e| format!("cannot bind {JOURNAL}: {e}"))?;
        socket.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        Ok(FakeJournal { socket, made_dirs })
    }

    /// Entries until one satisfies `until` (at most 15 s).
    fn read_until(&self, until: impl Fn(&HashMap<String, String>) -> bool) -> Vec<HashMap<String, String>> {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut entries = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        while Instant::now() < deadline {
            if let Ok(n) = self.socket.recv(&mut buf) {
                if n == 0 {
                    continue;
                }
                let entry = parse_entry(&buf[..n]);
                let done = until(&entry);
                entries.push(entry);
                if done {
                    break;
                }
            }
        }
        entries
    }
}

impl Drop for FakeJournal {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(JOURNAL);
        for dir in self.made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_gets_native_entries_when_asked_and_when_systemd_connected_standard_error() {
    if !Path::new(JOURNAL).exists() {
        // No journal: asking for it is refused up front, with the way out.
        let out = Command::new(env!("CARGO_BIN_EXE_watchdesk"))
            .env_clear()
            .args(["--log-format", "journald", "completions", "bash"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("cannot write to the systemd journal") && err.contains("--log-format text"),
            "{err}"
        );
    }
    let journal = match FakeJournal::bind() {
        Ok(j) => j,
        Err(why) => {
            println!("SKIPPED: the journal's socket cannot be used by this test: {why}");
            return;
        }
    };
    let (rx, addr) = Receiver::start().await;
    let s = HookDaemon::new(addr, TOKEN, SECRET);

    // Asked for by name.
    let stderr = s.dir.path().join("stderr-1.txt");
    let daemon = serve(&s, &["--log-format", "journald"], &stderr);
    s.wait_for_socket().await;
    let id = open_and_ack(&s);
    assert!(rx.wait_until(|r| !r.accepted().is_empty()).await);
    let entries = journal.read_until(|e| {
        e.get("MESSAGE")
            .is_some_and(|m| m.starts_with("notification delivered"))
    });
    stop(daemon);
    let find = |what: &str| {
        entries
            .iter()
            .find(|e| e.get("MESSAGE").is_some_and(|m| m.contains(what)))
            .unwrap_or_else(|| panic!("no entry saying {what:?}: {entries:#?}"))
    };
    let started = find("started:");
    assert_eq!(started["SYSLOG_IDENTIFIER"], "watchdesk");
    assert_eq!(started["PRIORITY"], "6", "info");
    let opened = find(&format!("fault {id} opened"));
    assert_eq!(opened["PRIORITY"], "4", "warning");
    assert_eq!(opened["ACTION"], "incident.open");
    assert_eq!(opened["ACTOR"], me());
    assert_eq!(opened["TARGET"], id);
    assert_eq!(opened["SEVERITY"], "critical");
    let acked = find("incident.ack");
    assert_eq!(
        (acked["ACTOR"].as_str(), acked["TARGET"].as_str()),
        (me().as_str(), id.as_str())
    );
    let delivered = find("notification delivered");
    assert_eq!(delivered["CHANNEL"], "hook");
    assert_eq!(delivered["KIND"], "webhook");
    for e in &entries {
        for value in e.values() {
            assert!(
                !value.contains(TOKEN) && !value.contains(SECRET),
                "a secret in {e:?}"
            );
        }
    }
    let stderr_text = std::fs::read_to_string(&stderr).unwrap();
    assert!(
        !stderr_text.contains("started"),
        "the journal takes the lines: {stderr_text}"
    );
    // The last lines of the first daemon, so the second one's are not mistaken for them.
    journal.read_until(|e| e.get("MESSAGE").is_some_and(|m| m == "stopped"));

    // Not asked: systemd says standard error is the journal's stream (its device and inode).
    let stderr = s.dir.path().join("stderr-2.txt");
    std::fs::write(&stderr, b"").unwrap();
    let meta = std::fs::metadata(&stderr).unwrap();
    let stream = format!("{}:{}", meta.dev(), meta.ino());
    let file = std::fs::OpenOptions::new().append(true).open(&stderr).unwrap();
    let mut c = s.command(false);
    let daemon = c
        .env("JOURNAL_STREAM", &stream)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .unwrap();
    let entries = journal.read_until(|e| e.get("MESSAGE").is_some_and(|m| m.starts_with("started:")));
    stop(daemon);
    assert!(
        entries
            .iter()
            .any(|e| e.get("MESSAGE").is_some_and(|m| m.starts_with("started:"))),
        "JOURNAL_STREAM naming standard error sends the lines to the journal: {entries:#?}"
    );
    let stderr_text = std::fs::read_to_string(&stderr).unwrap();
    assert!(!stderr_text.contains("started"), "{stderr_text}");
}
