//! Snapshots as deltas: what a dashboard rebuilds from a full snapshot and the deltas after it is the engine's
//! snapshot, after any sequence of probe results, host samples and commands (a seeded random walk on a real
//! engine with a `ManualClock`, checked at every step and once more through a real daemon socket); and a client
//! that cannot keep up is given a full snapshot again rather than a stale chain.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::watch;
use watchdesk::clock::{Clock, ManualClock};
use watchdesk::config::Config;
use watchdesk::daemon::access::Role;
use watchdesk::daemon::hub::{BACKLOG, Hub, SNAPSHOT_GAP};
use watchdesk::daemon::server::{Peer, connection};
use watchdesk::daemon::wire::{Message, Outgoing, Request, encode};
use watchdesk::engine::delta::{InPlace, ScoreDelta, Series, SnapshotDelta};
use watchdesk::engine::{self, Command, EngineHandle, Mode, Snapshot};
use watchdesk::hosts::{Gauges, HostReading, HostSample};
use watchdesk::model::{Actor, NewIncident, Resolution};
use watchdesk::policy::{Kind, Severity};
use watchdesk::probe::{Outcome, Phase, ProbeResult};
use watchdesk::report::score::ScoreItem;
use watchdesk::store::Store;

const CONFIG: &str = r#"
[platform]
timezone = "Asia/Shanghai"

[[subsystem]]
id = "sysadmin"
name = "系统管理子系统"
  [[subsystem.check]]
  kind = "http"
  name = "api"
  url = "http://sysadmin.invalid/health"

[[subsystem]]
id = "digital"
name = "水利质量检测数字管理子系统"
depends_on = ["sysadmin"]
  [[subsystem.check]]
  kind = "http"
  name = "api"
  url = "http://digital.invalid/health"
  [[subsystem.check]]
  kind = "tcp"
  name = "db"
  address = "digital.invalid:5432"

[[host]]
name = "local"
source = "local"

[health]
failures_to_down = 2
successes_to_up = 1
"#;

const CHECKS: [&str; 3] = ["sysadmin/api", "digital/api", "digital/db"];

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).single().unwrap()
}

fn config() -> Config {
    Config::parse(Path::new("watchdesk.toml"), CONFIG).unwrap()
}

/// The snapshot as it reads after one trip through JSON (floats included), without the mode (a client
/// always shows "attached").
fn as_received(s: &Snapshot) -> serde_json::Value {
    let back: Snapshot = serde_json::from_slice(&serde_json::to_vec(s).unwrap()).unwrap();
    let mut value = serde_json::to_value(&back).unwrap();
    value.as_object_mut().unwrap().remove("mode");
    value
}

fn decode(line: &[u8]) -> Message {
    serde_json::from_slice(line).expect("a message the client understands")
}

/// One random step: a probe result, a host sample, or a command on a random incident; the clock moves first.
async fn step(rng: &mut fastrand::Rng, clock: &ManualClock, engine: &EngineHandle) {
    clock.advance(chrono::Duration::seconds(rng.i64(1..600)));
    let now = clock.now();
    let actor = Actor::named("值班员");
    let open = engine.snapshot().open_incidents.clone();
    let pick = (!open.is_empty()).then(|| open[rng.usize(..open.len())].id);
    match (rng.u8(0..10), pick) {
        (0..=3, _) => {
            let check = CHECKS[rng.usize(..CHECKS.len())];
            let outcome = match rng.u8(0..3) {
                0 => Outcome::Up {
                    detail: "HTTP 200".into(),
                },
                1 => Outcome::Down {
                    phase: Phase::Status,
                    reason: "HTTP 503, expected 200".into(),
                },
                _ => Outcome::Degraded {
                    reason: "slow: HTTP 200 in 2300 ms, over 1500 ms".into(),
                },
            };
            let result = ProbeResult {
                check_id: check.into(),
                subsystem: check.split('/').next().unwrap().into(),
                started_at: now,
                latency: Duration::from_millis(rng.u64(5..3000)),
                outcome,
            };
            let mut snapshots = engine.subscribe();
            engine.probe_sender().send(result).await.unwrap();
            let taken = |s: &Arc<Snapshot>| {
                s.subsystems
                    .iter()
                    .flat_map(|sub| &sub.checks)
                    .any(|c| c.id == check && c.last.as_ref().is_some_and(|l| l.at == now))
            };
            tokio::time::timeout(Duration::from_secs(10), snapshots.wait_for(taken))
                .await
                .expect("the engine takes the probe result within 10 s")
                .unwrap();
        }
        (4, _) => {
            let gauges = Gauges {
                cpu_pct: Some(rng.f64() * 100.0),
                mem_pct: Some(rng.f64() * 100.0),
                ..Gauges::default()
            };
            let mut snapshots = engine.subscribe();
            engine
                .host_sender()
                .send(HostSample {
                    host: "local".into(),
                    at: now,
                    reading: HostReading::Gauges(gauges),
                })
                .await
                .unwrap();
            tokio::time::timeout(
                Duration::from_secs(10),
                snapshots.wait_for(|s| s.hosts[0].at == Some(now)),
            )
            .await
            .expect("the engine takes the host sample within 10 s")
            .unwrap();
        }
        (5..=6, _) | (_, None) => {
            let new = NewIncident {
                kind: [Kind::Fault, Kind::Change, Kind::Support][rng.usize(..3)],
                severity: Severity::ALL[rng.usize(..3)],
                title: format!("检测报告上传失败 #{}", rng.u32(..10_000)),
                subsystem: Some(["sysadmin", "digital"][rng.usize(..2)].into()),
                detected_at: None,
                source: None,
                host: None,
            };
            engine.execute(actor, Command::OpenIncident(new)).await.unwrap();
        }
        (_, Some(id)) => {
            let command = match rng.u8(0..5) {
                0 => Command::Acknowledge {
                    id,
                    at: None,
                    note: None,
                    due: None,
                },
                1 => Command::Plan {
                    id,
                    at: None,
                    text: "更换网关节点".into(),
                },
                2 => Command::Note {
                    id,
                    at: None,
                    text: "已联系厂商".into(),
                },
                3 => Command::Reclassify {
                    id,
                    at: None,
                    severity: Severity::ALL[rng.usize(..3)],
                    reason: "影响范围变化".into(),
                },
                _ => Command::Resolve {
                    id,
                    at: None,
                    resolution: Resolution {
                        cause: "网关超时".into(),
                        process: "重启网关".into(),
                        solution: None,
                    },
                },
            };
            // A step out of order (planning before acknowledging) is refused: that is data too.
            let _ = engine.execute(actor, command).await;
        }
    }
}

#[tokio::test]
async fn a_client_rebuilds_the_engines_snapshot_from_deltas_after_a_random_walk() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine::spawn(
        Store::open(dir.path()).unwrap(),
        config(),
        Arc::new(clock.clone()),
        Mode::Embedded,
    )
    .unwrap();
    let socket = dir.path().join("watchdesk.sock");
    let server = watchdesk::daemon::serve(engine.clone(), &socket).await.unwrap();
    let policy = Arc::new(config().policy.clone());
    let remote = watchdesk::daemon::connect(&socket, policy, config().platform.timezone)
        .await
        .unwrap();

    // The daemon's side, by hand: deltas between the versions it published, some steps run together.
    let mut rng = fastrand::Rng::with_seed(20261130);
    let mut sent = engine.snapshot();
    let Message::Snapshot { mut snapshot, .. } = decode(&encode(&Outgoing::Snapshot {
        version: 1,
        snapshot: &sent,
    })) else {
        panic!("a full snapshot decodes as one");
    };
    let (mut deltas, mut with_order, mut fault_by_fault, mut row_by_row) = (0, 0, 0, 0);
    let mut check_by_check = 0;
    for n in 0..300u64 {
        step(&mut rng, &clock, &engine).await;
        if rng.u8(0..3) == 0 {
            continue;
        }
        let newest = engine.snapshot();
        let delta = SnapshotDelta::between(&sent, &newest);
        with_order += usize::from(delta.open_incidents.moved.is_some());
        if let Some(InPlace::Parts(subsystems)) = &delta.subsystems {
            check_by_check += subsystems
                .iter()
                .filter(|s| matches!(s.checks, Some(InPlace::Parts(_))))
                .filter(|s| matches!(s.sparkline, None | Some(Series::Shift { .. })))
                .count();
        }
        if let Some(ScoreDelta::Parts(parts)) = &delta.score {
            fault_by_fault += usize::from(!parts.faults.is_empty());
            row_by_row +=
                usize::from(!parts.lines.is_empty() && parts.lines.upsert.len() < ScoreItem::ALL.len());
        }
        let Message::Delta { delta, .. } = decode(&encode(&Outgoing::Delta {
            from: n,
            to: n + 1,
            delta: &delta,
        })) else {
            panic!("a delta decodes as one");
        };
        delta.apply(&mut snapshot).expect("the delta fits the copy");
        assert_eq!(
            as_received(&snapshot),
            as_received(&newest),
            "step {n}: the client's copy differs from the engine's snapshot"
        );
        sent = newest;
        deltas += 1;
    }
    let last = engine.snapshot();
    assert!(deltas > 150, "{deltas} deltas checked");
    assert!(
        last.open_incidents.len() + last.recently_resolved.len() > 10,
        "the walk opened and resolved incidents"
    );
    assert!(with_order > 0, "some deltas moved incidents in the list");
    assert!(
        check_by_check > 50,
        "{check_by_check}: probe results sent their checks and the sparkline's new values, not whole subsystems"
    );
    assert!(
        fault_by_fault > 0,
        "some deltas changed the score's faults one by one"
    );
    assert!(
        row_by_row > 0,
        "some deltas changed a few rows of the score's table, not all of it"
    );

    // The same through the socket: the attached client ends with what the engine shows.
    let mut snapshots = remote.subscribe();
    let caught_up = tokio::time::timeout(
        Duration::from_secs(10),
        snapshots.wait_for(|s| as_received(s) == as_received(&engine.snapshot())),
    )
    .await;
    assert!(
        caught_up.is_ok(),
        "the attached client's snapshot matches the engine's within 10 s"
    );
    server.stop().await;
    engine.shutdown().await;
}

/// A snapshot whose engine error carries `n` and a padding of `size` bytes.
fn numbered(base: &Snapshot, n: usize, size: usize) -> Arc<Snapshot> {
    let mut s = base.clone();
    s.engine_error = Some(format!("{n:05} {}", "x".repeat(size)));
    Arc::new(s)
}

#[tokio::test(start_paused = true)]
async fn a_client_that_falls_behind_is_sent_a_full_snapshot_again() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine::spawn(
        Store::open(dir.path()).unwrap(),
        config(),
        Arc::new(ManualClock::new(t0())),
        Mode::Embedded,
    )
    .unwrap();
    let base = (*engine.snapshot()).clone();
    let (publish, snapshots) = watch::channel(numbered(&base, 0, 100));
    let (hub, _publisher) = Hub::start(snapshots);
    // Small pipes: the daemon's writes stall as soon as the client stops reading.
    let (mut to_daemon, daemon_reads) = tokio::io::duplex(4096);
    let (daemon_writes, from_daemon) = tokio::io::duplex(2048);
    let peer = Peer {
        uid: 0,
        role: Some(Role::Operator),
    };
    tokio::spawn(connection(engine.clone(), hub, peer, daemon_reads, daemon_writes));
    let mut lines = BufReader::new(from_daemon).lines();
    let welcome = lines.next_line().await.unwrap().expect("a welcome");
    assert!(matches!(decode(welcome.as_bytes()), Message::Welcome { .. }));
    let mut subscribe = serde_json::to_vec(&Request::Subscribe).unwrap();
    subscribe.push(b'\n');
    to_daemon.write_all(&subscribe).await.unwrap();

    // The client reads nothing while the engine publishes far more versions than the backlog holds.
    let versions = 3 * BACKLOG;
    for n in 1..=versions {
        publish.send(numbered(&base, n, 600)).unwrap();
        tokio::time::sleep(SNAPSHOT_GAP * 2).await;
    }
    let last = numbered(&base, versions, 600);

    let mut copy: Option<(u64, Snapshot)> = None;
    let (mut fulls, mut deltas) = (0, 0);
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            match decode(line.as_bytes()) {
                Message::Snapshot { version, snapshot } => {
                    fulls += 1;
                    copy = Some((version, *snapshot));
                }
                Message::Delta { from, to, delta } => {
                    deltas += 1;
                    let (version, snapshot) = copy.as_mut().expect("a full snapshot comes first");
                    assert_eq!(
                        from, *version,
                        "deltas follow the client's version, never a stale chain"
                    );
                    delta.apply(snapshot).expect("the delta fits");
                    *version = to;
                }
                other => panic!("unexpected {other:?}"),
            }
            if copy
                .as_ref()
                .is_some_and(|(_, s)| as_received(s) == as_received(&last))
            {
                return;
            }
        }
        panic!("the daemon hung up");
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the client catches up with the last version");
    assert!(
        fulls >= 2,
        "behind by more than {BACKLOG} deltas, the client is sent a full snapshot again ({fulls} full, {deltas} deltas)"
    );
    assert!(
        deltas + fulls < versions,
        "the versions it missed are not replayed ({fulls} full, {deltas} deltas for {versions} versions)"
    );
    engine.shutdown().await;
}

/// With `n` open major faults detected 90 minutes apart, oldest first (all but the newest already late on their
/// response),
/// the clock passes one deadline: the newest one's response. Returns the delta the daemon would publish, its
/// line, and the full snapshot's line.
async fn one_deadline_passes(n: i64) -> (SnapshotDelta, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(t0());
    let engine = engine::spawn(
        Store::open(dir.path()).unwrap(),
        config(),
        Arc::new(clock.clone()),
        Mode::Embedded,
    )
    .unwrap();
    for i in (0..n).rev() {
        let new = NewIncident {
            kind: Kind::Fault,
            severity: Severity::Major,
            title: format!("检测报告上传失败 #{i}"),
            subsystem: Some("digital".into()),
            detected_at: Some(t0() - chrono::Duration::minutes(90 * i)),
            source: None,
            host: None,
        };
        let actor = Actor::named("值班员");
        engine.execute(actor, Command::OpenIncident(new)).await.unwrap();
    }
    let late = |count: i64| {
        move |s: &Arc<Snapshot>| s.score.as_ref().is_some_and(|sc| sc.faults_count as i64 == count)
    };
    let mut snapshots = engine.subscribe();
    // Past the score's least refresh interval, so the opened incidents are counted.
    clock.advance(chrono::Duration::seconds(5));
    let before = tokio::time::timeout(Duration::from_secs(60), snapshots.wait_for(late(n - 1)))
        .await
        .expect("the score counts the late faults")
        .unwrap()
        .clone();
    clock.advance(chrono::Duration::minutes(20));
    let after = tokio::time::timeout(Duration::from_secs(60), snapshots.wait_for(late(n)))
        .await
        .expect("the score counts the fault that just became late")
        .unwrap()
        .clone();
    let delta = SnapshotDelta::between(&before, &after);
    let line = encode(&Outgoing::Delta {
        from: 1,
        to: 2,
        delta: &delta,
    });
    let full = encode(&Outgoing::Snapshot {
        version: 2,
        snapshot: &after,
    });
    let mut copy = before.as_ref().clone();
    delta.clone().apply(&mut copy).expect("the delta fits");
    assert_eq!(as_received(&copy), as_received(&after));
    engine.shutdown().await;
    (delta, line.len(), full.len())
}

#[tokio::test(start_paused = true)]
async fn a_passing_deadline_sends_what_it_changed_however_many_are_open() {
    let (few, few_bytes, _) = one_deadline_passes(10).await;
    let (many, many_bytes, full) = one_deadline_passes(200).await;
    for delta in [&few, &many] {
        assert!(
            delta.open_incidents.is_empty(),
            "time passing changes no stored incident: {:?}",
            delta.open_incidents
        );
        let Some(ScoreDelta::Parts(parts)) = &delta.score else {
            panic!("the score changes field by field: {:?}", delta.score);
        };
        assert!(
            parts.lines.upsert.len() < ScoreItem::ALL.len() && parts.lines.moved.is_none(),
            "only the rows that changed travel: {:?}",
            parts.lines
        );
        assert_eq!(parts.faults.upsert.len(), 1, "the fault that became late, alone");
    }
    assert!(
        many_bytes < 2 * few_bytes,
        "the delta with 200 open ({many_bytes} bytes) is about the size of the one with 10 ({few_bytes} bytes)"
    );
    assert!(
        many_bytes * 50 < full,
        "the delta ({many_bytes} bytes) is a small part of the full snapshot ({full} bytes)"
    );
}
