//! Daemon mode: the engine behind a Unix socket. In process, a client's commands and reads must come back exactly
//! as the engine itself answers them; through the real binary, `watchdesk serve` must detect an outage with no
//! dashboard open, take commands from the command line while it holds the store, survive SIGHUP and stop
//! cleanly on SIGTERM with every acknowledged change on disk.

#[path = "records_support/rig.rs"]
mod rig;
#[path = "probe_support/servers.rs"]
mod servers;

use std::path::Path;
use std::process::{Child, Command as Process, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use chrono_tz::Asia::Shanghai;
use rig::{Rig, config, local};
use tokio::sync::watch;
use watchdesk::daemon;
use watchdesk::engine::{Command, EngineError, Mode, RecordsCommand, Reply, Snapshot};
use watchdesk::model::{Actor, IncidentId, NewIncident, State as IncidentState};
use watchdesk::policy::{Kind, Severity};

/// Waits (10 s at most) until a snapshot satisfies `what`.
async fn wait_for(rx: &mut watch::Receiver<Arc<Snapshot>>, what: impl Fn(&Snapshot) -> bool) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(10), rx.wait_for(|s| what(s))).await,
        Ok(Ok(_))
    )
}

fn new_incident(title: &str) -> Command {
    Command::OpenIncident(NewIncident {
        kind: Kind::Fault,
        severity: Severity::Major,
        title: title.into(),
        subsystem: Some("display".into()),
        detected_at: None,
        source: None,
        host: None,
    })
}

#[tokio::test]
async fn a_client_gets_exactly_what_the_engine_answers() {
    let rig = Rig::start(local(2026, 11, 28, 9, 0));
    let socket = rig.dir.path().join(daemon::SOCKET);
    let server = daemon::serve(rig.engine.clone(), &socket).await.unwrap();
    let mode = std::fs::metadata(&socket).unwrap().permissions();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);

    // A second daemon on the same socket is refused while the first answers.
    let again = daemon::serve(rig.engine.clone(), &socket).await;
    let Err(e) = again else {
        panic!("a second daemon started")
    };
    assert!(e.to_string().contains("already answers"), "{e}");

    let remote = daemon::connect(&socket, Arc::new(config().policy), Shanghai)
        .await
        .unwrap();
    assert_eq!(remote.snapshot().mode, Mode::Attached);
    assert_eq!(remote.snapshot().timezone, Shanghai);

    let reply = remote
        .execute(Actor::named("li"), new_incident("综合展示子系统地图加载缓慢"))
        .await
        .unwrap();
    let Reply::Incident(opened) = reply else {
        panic!("expected an incident")
    };
    // The daemon names the client from the socket's peer credentials, not from the request.
    // SAFETY: getuid(2) cannot fail.
    assert_eq!(
        opened.opened.actor.user,
        watchdesk::model::user_name(unsafe { libc::getuid() })
    );
    assert_ne!(opened.opened.actor.user, "li");
    let mut snapshots = remote.subscribe();
    assert!(
        wait_for(&mut snapshots, |s| s
            .open_incidents
            .iter()
            .any(|i| i.id == opened.id))
        .await
    );

    // The snapshot that crossed the socket is the engine's, field for field (policy and zone are the client's).
    let mut local_view = serde_json::to_value(&*rig.engine.snapshot()).unwrap();
    let mut remote_view = serde_json::to_value(&*remote.snapshot()).unwrap();
    for view in [&mut local_view, &mut remote_view] {
        view["mode"] = serde_json::Value::Null;
        view["generated_at"] = serde_json::Value::Null;
    }
    assert_eq!(local_view, remote_view);

    // Every read answers the same through the socket as from the engine itself.
    for command in [
        RecordsCommand::DailyView { date: None },
        RecordsCommand::HandoverSummary {
            since: None,
            notes: Some("交接说明".into()),
        },
        RecordsCommand::Score { quarter: None },
    ] {
        // The daemon acts as the connecting user (its peer credentials): compare with the same user here.
        let here = rig
            .engine
            .execute(Actor::current(), Command::Records(command.clone()))
            .await
            .unwrap();
        let there = remote
            .execute(Actor::named("li"), Command::Records(command.clone()))
            .await
            .unwrap();
        assert_eq!(here, there, "{command:?}");
    }

    // Bad input stays bad input (exit 2 on the command line), in the engine's words.
    let missing = Command::Acknowledge {
        id: IncidentId { year: 2026, seq: 99 },
        at: None,
        note: None,
        due: None,
    };
    let err = remote.execute(Actor::named("li"), missing).await.unwrap_err();
    assert!(err.is_bad_input(), "{err:?}");
    assert!(err.to_string().contains("no incident 2026-0099"), "{err}");

    // Stopping closes every connection and removes the socket: the client hears the end.
    server.stop().await;
    assert!(!socket.exists());
    let mut rx = remote.subscribe();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        while rx.changed().await.is_ok() {}
    })
    .await;
    assert!(ended.is_ok(), "the snapshot channel closes when the daemon goes");
    assert!(matches!(
        remote.execute(Actor::named("li"), new_incident("x")).await,
        Err(EngineError::Stopped)
    ));
}

fn watchdesk(config: &Path, data: &Path, args: &[&str]) -> Output {
    // Run from the config's directory: a relative path given to the command line means that directory, not
    // the daemon's.
    Process::new(env!("CARGO_BIN_EXE_watchdesk"))
        .current_dir(config.parent().unwrap())
        .env_clear()
        .env("HOME", data)
        .env("USER", "li")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on the pid of a child this test started and has not waited for.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_watches_alone_takes_commands_and_stops_cleanly() {
    let healthy = Arc::new(AtomicBool::new(true));
    let port = servers::switched_health(healthy.clone(), StatusCode::INTERNAL_SERVER_ERROR).await;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let config_path = dir.path().join("watchdesk.toml");
    std::fs::write(
        &config_path,
        format!(
            "[health]\nfailures_to_down = 2\nsuccesses_to_up = 1\n\n\
             [[subsystem]]\nid = \"sysadmin\"\nname = \"系统管理子系统\"\n  [[subsystem.check]]\n  \
             kind = \"http\"\n  url = \"http://127.0.0.1:{port}/health\"\n  interval = \"1s\"\n  timeout = \"1s\"\n"
        ),
    )
    .unwrap();
    let mut daemon = Process::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", &data)
        .env("USER", "watchdesk")
        .arg("--config")
        .arg(&config_path)
        .arg("--data-dir")
        .arg(&data)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let socket = data.join(daemon::SOCKET);
    let config = watchdesk::config::Config::load(&config_path).unwrap();
    let mut remote = None;
    for _ in 0..100 {
        if let Ok(r) = daemon::connect(&socket, Arc::new(config.policy.clone()), Shanghai).await {
            remote = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let remote = remote.expect("the daemon answers on its socket within 10 s");

    // Nobody is attached when the subsystem fails: the daemon opens the incident by itself.
    let mut snapshots = remote.subscribe();
    assert!(
        wait_for(&mut snapshots, |s| s
            .subsystems
            .iter()
            .any(|x| x.health.as_str() == "up"))
        .await
    );
    healthy.store(false, Ordering::SeqCst);
    assert!(
        wait_for(&mut snapshots, |s| !s.open_incidents.is_empty()).await,
        "the outage opens an incident with no dashboard open"
    );
    let id = remote.snapshot().open_incidents[0].id.to_string();

    // The command line reaches the daemon that holds the store.
    let cfg = config_path.as_path();
    let ack = watchdesk(cfg, &data, &["incident", "ack", &id, "--note", "已联系厂商"]);
    assert!(ack.status.success(), "{}", String::from_utf8_lossy(&ack.stderr));
    let daily = watchdesk(cfg, &data, &["daily", "show", "--json"]);
    assert!(
        daily.status.success(),
        "{}",
        String::from_utf8_lossy(&daily.stderr)
    );
    let view: serde_json::Value = serde_json::from_slice(&daily.stdout).unwrap();
    assert!(
        view["figures"]["opened"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == id.as_str())
    );
    // Reads and upkeep of the store are done by the daemon that owns it.
    for args in [
        &["incident", "list"][..],
        &["incident", "list", "--all"],
        &["incident", "show", &id],
    ] {
        let out = watchdesk(cfg, &data, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(&id), "{args:?}");
    }
    let monthly = watchdesk(cfg, &data, &["monthly", "list"]);
    assert!(
        monthly.status.success(),
        "{}",
        String::from_utf8_lossy(&monthly.stderr)
    );
    let audit = watchdesk(cfg, &data, &["audit", "verify"]);
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    assert!(String::from_utf8_lossy(&audit.stdout).contains("audit log intact"));
    let backup = watchdesk(cfg, &data, &["backup", "--out", "nightly.jsonl"]);
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    let file = dir.path().join("nightly.jsonl");
    assert!(
        file.exists(),
        "the relative path is the command line's directory, not the daemon's"
    );
    let verified = watchdesk(cfg, &data, &["backup", "verify", file.to_str().unwrap()]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    // The quarterly report comes from the daemon in chunks (and, once it is gone, from the store), both as the
    // quarter is read.
    let report = ["report", "quarterly", "--format", "csv"];
    let by_daemon = watchdesk(cfg, &data, &report);
    assert!(
        by_daemon.status.success(),
        "{}",
        String::from_utf8_lossy(&by_daemon.stderr)
    );
    assert!(String::from_utf8_lossy(&by_daemon.stdout).contains(&id));

    // SIGHUP (the terminal that started it went away) does not stop it; SIGTERM does, cleanly.
    signal(&daemon, libc::SIGHUP);
    let ack_state = |s: &Snapshot| {
        s.open_incidents
            .iter()
            .any(|i| i.id.to_string() == id && i.state() == IncidentState::Acknowledged)
    };
    assert!(wait_for(&mut snapshots, ack_state).await);
    assert!(
        daemon::connect(&socket, Arc::new(config.policy.clone()), Shanghai)
            .await
            .is_ok()
    );
    signal(&daemon, libc::SIGTERM);
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = daemon.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = status.expect("the daemon stops within 10 s of SIGTERM");
    assert!(status.success(), "{status:?}");
    assert!(!socket.exists(), "the socket is removed");

    // With the daemon gone the store opens here: the report read from it lists the same rows.
    let here = watchdesk(cfg, &data, &report);
    assert!(here.status.success(), "{}", String::from_utf8_lossy(&here.stderr));
    assert_eq!(
        String::from_utf8_lossy(&here.stdout),
        String::from_utf8_lossy(&by_daemon.stdout)
    );

    // The acknowledgement is in the store.
    let show = watchdesk(cfg, &data, &["incident", "show", &id, "--json"]);
    assert!(show.status.success(), "{}", String::from_utf8_lossy(&show.stderr));
    let incident: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    // The kernel's word for who acknowledged, not USER=li.
    // SAFETY: getuid(2) cannot fail.
    let me = watchdesk::model::user_name(unsafe { libc::getuid() });
    assert_eq!(
        incident["acknowledged"]["actor"]["user"],
        me.as_str(),
        "{incident}"
    );
}
