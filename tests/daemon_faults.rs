//! End to end through `watchdesk serve` against real servers on 127.0.0.1: a subsystem with an HTTP check and a
//! TLS check whose certificate is under its warning. The outage opens an incident, its end records "service
//! restored", the next outage after the resolution opens a new one, and a recovery while the daemon was
//! stopped is recorded at the first probe after the restart with the unwatched time in the timeline.

#[path = "probe_support/servers.rs"]
mod servers;

use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use chrono::{Datelike, Utc};
use chrono_tz::Asia::Shanghai;
use tokio::sync::watch;
use watchdesk::daemon::{self, RemoteEngine};
use watchdesk::engine::Snapshot;
use watchdesk::model::{Incident, TimelineKind};

/// Waits (20 s at most) until a snapshot satisfies `what`.
async fn wait_for(rx: &mut watch::Receiver<Arc<Snapshot>>, what: impl Fn(&Snapshot) -> bool) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(20), rx.wait_for(|s| what(s))).await,
        Ok(Ok(_))
    )
}

fn serve(config: &Path, data: &Path) -> Child {
    Process::new(env!("CARGO_BIN_EXE_watchdesk"))
        .env_clear()
        .env("HOME", data)
        .env("USER", "watchdesk")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn connect(config: &Path, data: &Path) -> RemoteEngine {
    let config = watchdesk::config::Config::load(config).unwrap();
    let socket = data.join(daemon::SOCKET);
    for _ in 0..100 {
        if let Ok(r) = daemon::connect(&socket, Arc::new(config.policy.clone()), Shanghai).await {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the daemon answers on its socket within 10 s");
}

async fn stop(mut daemon: Child) {
    // SAFETY: kill(2) on the pid of a child this test started and has not waited for.
    assert_eq!(unsafe { libc::kill(daemon.id() as i32, libc::SIGTERM) }, 0);
    for _ in 0..100 {
        if let Some(status) = daemon.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the daemon stops within 10 s of SIGTERM");
}

fn digital(s: &Snapshot) -> Vec<&Incident> {
    s.open_incidents
        .iter()
        .filter(|i| i.subsystem.as_deref() == Some("digital"))
        .map(|i| &**i)
        .collect()
}

fn cert_warned(s: &Snapshot) -> bool {
    s.subsystems
        .iter()
        .flat_map(|sub| &sub.checks)
        .any(|c| c.id == "digital/cert" && c.last.as_ref().is_some_and(|l| l.outcome.label() == "degraded"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outages_and_recoveries_are_recorded_beside_a_certificate_warning_and_across_a_restart() {
    let healthy = Arc::new(AtomicBool::new(false));
    let port = servers::switched_health(healthy.clone(), StatusCode::SERVICE_UNAVAILABLE).await;
    let expires = Utc::now().date_naive() + chrono::Duration::days(19);
    let (cert, key) = servers::certificate(
        (2025, 1, 1),
        (expires.year(), expires.month() as u8, expires.day() as u8),
    );
    let tls = servers::tls_server(cert, key).await;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let config = dir.path().join("watchdesk.toml");
    std::fs::write(
        &config,
        format!(
            "[health]\nfailures_to_down = 2\nsuccesses_to_up = 1\ndegraded_incident_after = \"2s\"\n\n\
             [[subsystem]]\nid = \"digital\"\nname = \"水利质量检测数字管理子系统\"\n\
             [[subsystem.check]]\nname = \"api\"\nkind = \"http\"\nurl = \"http://127.0.0.1:{port}/health\"\n\
             interval = \"1s\"\ntimeout = \"1s\"\n\
             [[subsystem.check]]\nname = \"cert\"\nkind = \"tls\"\naddress = \"{tls}\"\nwarn_days = 30\n\
             interval = \"1s\"\ntimeout = \"1s\"\n"
        ),
    )
    .unwrap();

    let daemon = serve(&config, &data);
    let remote = connect(&config, &data).await;
    let mut snapshots = remote.subscribe();
    assert!(
        wait_for(&mut snapshots, |s| digital(s).len() == 1).await,
        "the outage opens an incident"
    );
    let first = digital(&remote.snapshot())[0].clone();
    // The certificate warning has lasted long enough to be a fault of its own, inside the outage.
    assert!(
        wait_for(&mut snapshots, |s| cert_warned(s)
            && Utc::now() - first.detected_at > chrono::Duration::seconds(3))
        .await
    );

    healthy.store(true, Ordering::SeqCst);
    assert!(
        wait_for(&mut snapshots, |s| digital(s)
            .iter()
            .any(|i| i.id == first.id && i.restored_at.is_some()))
        .await,
        "the service answering again records \"service restored\" although the certificate is still warned"
    );
    let resolved = remote
        .execute(
            watchdesk::model::Actor::named("li"),
            watchdesk::engine::Command::Resolve {
                id: first.id,
                at: None,
                resolution: watchdesk::model::Resolution {
                    cause: "网关故障".into(),
                    process: "重启".into(),
                    solution: None,
                },
            },
        )
        .await;
    assert!(resolved.is_ok(), "{resolved:?}");

    healthy.store(false, Ordering::SeqCst);
    assert!(
        wait_for(&mut snapshots, |s| digital(s).iter().any(|i| i.id != first.id)).await,
        "the next outage opens a new incident"
    );
    let second = digital(&remote.snapshot())
        .into_iter()
        .find(|i| i.id != first.id)
        .cloned()
        .unwrap();
    assert_eq!(second.restored_at, None);

    // Stopped during the outage; the service comes back while nobody watches.
    drop(snapshots);
    drop(remote);
    stop(daemon).await;
    healthy.store(true, Ordering::SeqCst);
    let daemon = serve(&config, &data);
    let remote = connect(&config, &data).await;
    let mut snapshots = remote.subscribe();
    let noted = |i: &Incident| {
        i.timeline
            .iter()
            .any(|e| matches!(&e.kind, TimelineKind::Note { text } if text.starts_with("not watched from")))
    };
    assert!(
        wait_for(&mut snapshots, |s| digital(s)
            .iter()
            .any(|i| i.id == second.id && i.restored_at.is_some() && noted(i)))
        .await,
        "the first answer after the restart records the recovery, with the unwatched time"
    );
    assert_eq!(digital(&remote.snapshot()).len(), 1);
    drop(snapshots);
    drop(remote);
    stop(daemon).await;
}
