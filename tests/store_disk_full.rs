//! A full disk (a small tmpfs, so root only; skipped with the reason printed otherwise): the refused write says
//! so in a sentence naming the directory, reads keep working, and once space is freed the running daemon (and an
//! in-process engine) write again without a restart; nothing confirmed is lost.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

struct Tmpfs(PathBuf);

impl Tmpfs {
    /// A 24 MiB tmpfs, or why there cannot be one.
    fn mount(at: &Path) -> Result<Tmpfs, String> {
        // SAFETY: geteuid(2) cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return Err("not running as root, so no tmpfs can be mounted".into());
        }
        fs::create_dir_all(at).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=24m", "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs(at.to_path_buf()))
    }

    /// Writes a file until the disk is full.
    fn fill(&self) -> PathBuf {
        let path = self.0.join("filler");
        let mut f = File::create(&path).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// The tests here run one at a time. A child process started by one (fork, then exec) holds a copy of every
/// descriptor open at that moment until it execs, the other test's filler file included, and a filler removed
/// while a copy is open frees no space: the next write would meet a disk that is still full.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn watchdesk(home: &Path, data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchdesk"));
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("USER", "li")
        .arg("--config")
        .arg(home.join("config.toml"))
        .arg("--data-dir")
        .arg(data);
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn note<'a>(cmd: &'a mut Command, text: &str) -> &'a mut Command {
    cmd.args(["incident", "note", "2026-0001", "--text", text])
}

#[test]
fn a_full_disk_refuses_writes_in_a_sentence_reads_go_on_and_the_daemon_recovers() {
    let _alone = ONE_AT_A_TIME.blocking_lock();
    let home = tempfile::tempdir().unwrap();
    let tmpfs = match Tmpfs::mount(&home.path().join("disk")) {
        Ok(t) => t,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let h = home.path();
    let data = tmpfs.0.join("data");
    // Something to watch (a config with nothing to watch is refused): the local host.
    fs::write(
        h.join("config.toml"),
        "[platform]\nname = \"t\"\n\n[[host]]\nname = \"local\"\nsource = \"local\"\n",
    )
    .unwrap();
    ok(watchdesk(h, &data).args([
        "incident",
        "open",
        "--kind",
        "fault",
        "--severity",
        "major",
        "--title",
        "disk",
    ]));

    let mut daemon: Child = watchdesk(h, &data)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let socket = data.join(watchdesk::daemon::SOCKET);
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    ok(note(&mut watchdesk(h, &data), "before-full"));

    let filler = tmpfs.fill();
    let out = run(note(&mut watchdesk(h, &data), "during-full"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("is full (no space left on device)"), "{stderr}");
    assert!(stderr.contains(&data.display().to_string()), "{stderr}");
    assert!(!stderr.contains("Os {"), "{stderr}");
    // Reads keep working, through the daemon.
    let shown = ok(watchdesk(h, &data).args(["incident", "show", "2026-0001", "--json"]));
    assert!(shown.contains("before-full") && !shown.contains("during-full"));
    ok(watchdesk(h, &data).args(["audit", "verify"]));

    // Space back: the same daemon writes again.
    fs::remove_file(&filler).unwrap();
    ok(note(&mut watchdesk(h, &data), "after-free"));

    // SAFETY: kill(2) on the pid of a child this test started and has not waited for.
    unsafe { libc::kill(daemon.id() as i32, libc::SIGTERM) };
    let _ = daemon.wait();

    // Without a daemon: the store opens for reading on a full disk too.
    let filler = tmpfs.fill();
    let shown = ok(watchdesk(h, &data).args(["incident", "show", "2026-0001", "--json"]));
    assert!(
        shown.contains("before-full") && shown.contains("after-free"),
        "{shown}"
    );
    let verified = ok(watchdesk(h, &data).args(["audit", "verify"]));
    assert!(verified.contains("intact"), "{verified}");
    let out = run(note(&mut watchdesk(h, &data), "embedded-full"));
    assert_eq!(out.status.code(), Some(3));
    fs::remove_file(&filler).unwrap();
    ok(note(&mut watchdesk(h, &data), "embedded-after"));
    let shown = ok(watchdesk(h, &data).args(["incident", "show", "2026-0001", "--json"]));
    for n in ["before-full", "after-free", "embedded-after"] {
        assert!(shown.contains(n), "{n} lost: {shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_says_writes_are_failing_and_why_until_they_work_again() {
    let _alone = ONE_AT_A_TIME.lock().await;
    use watchdesk::engine::{self, Command as EngineCommand, Mode};
    use watchdesk::model::{Actor, NewIncident};
    use watchdesk::policy::{Kind, Severity};

    let home = tempfile::tempdir().unwrap();
    let tmpfs = match Tmpfs::mount(&home.path().join("disk")) {
        Ok(t) => t,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let data = tmpfs.0.join("data");
    let store =
        watchdesk::store::Store::open_keyed(&data, watchdesk::store::AuditKey::ephemeral([3; 32])).unwrap();
    let clock = std::sync::Arc::new(watchdesk::clock::SystemClock);
    let engine = engine::spawn(store, watchdesk::config::Config::empty(), clock, Mode::Embedded).unwrap();
    let open = |title: &str| {
        EngineCommand::OpenIncident(NewIncident {
            kind: Kind::Fault,
            severity: Severity::Minor,
            title: title.into(),
            subsystem: None,
            detected_at: None,
            source: None,
            host: None,
        })
    };
    engine.execute(Actor::named("li"), open("one")).await.unwrap();
    let filler = tmpfs.fill();
    let err = engine.execute(Actor::named("li"), open("two")).await.unwrap_err();
    assert!(err.to_string().contains("is full"), "{err}");
    let shown = engine.snapshot().engine_error.clone().unwrap_or_default();
    assert!(
        shown.starts_with("Saving to the store failed: the disk holding")
            && shown.contains("Reads still work"),
        "{shown}"
    );
    fs::remove_file(&filler).unwrap();
    engine.execute(Actor::named("li"), open("three")).await.unwrap();
    assert_eq!(engine.snapshot().engine_error, None);
    assert_eq!(engine.snapshot().open_incidents.len(), 2);
    engine.shutdown().await;
}
