//! Automatic incidents driven through the engine with a `ManualClock`: a check that stays degraded does not
//! mask the end of an outage or the next one, and a fault open when watchdesk stopped is taken up again at
//! start-up so the first answers record "service restored", with the unwatched time in the timeline.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use watchdesk::clock::ManualClock;
use watchdesk::config::Config;
use watchdesk::engine::{self, Command, EngineHandle, Health, Mode, Snapshot};
use watchdesk::model::{Actor, AutoSource, Incident, Resolution, TimelineKind};
use watchdesk::policy::Severity;
use watchdesk::probe::{Outcome, Phase, ProbeResult};
use watchdesk::store::Store;

/// `digital` has an HTTP check and a TLS check on a certificate under its warning; `display` has the same
/// HTTP check alone, as the yardstick.
const CONFIG: &str = r#"
[platform]
timezone = "Asia/Shanghai"

[[subsystem]]
id = "digital"
name = "水利质量检测数字管理子系统"
  [[subsystem.check]]
  kind = "http"
  name = "api"
  url = "http://digital.invalid/health"
  [[subsystem.check]]
  kind = "tls"
  name = "cert"
  address = "digital.invalid:443"
  warn_days = 30

[[subsystem]]
id = "display"
name = "综合展示子系统"
  [[subsystem.check]]
  kind = "http"
  name = "api"
  url = "http://display.invalid/health"

[health]
failures_to_down = 2
successes_to_up = 1
degraded_incident_after = "10s"
"#;

const API: &str = "digital/api";
const CERT: &str = "digital/cert";
const ALONE: &str = "display/api";

/// 2026-11-30 08:00 Shanghai plus `secs`.
fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).single().unwrap() + chrono::Duration::seconds(secs)
}

fn ok() -> Outcome {
    Outcome::Up {
        detail: "HTTP 200".into(),
    }
}

fn unavailable() -> Outcome {
    Outcome::Down {
        phase: Phase::Status,
        reason: "HTTP 503, expected 200".into(),
    }
}

fn cert_warning() -> Outcome {
    Outcome::Degraded {
        reason: "certificate expires in 19 days (2026-12-19), under the warning 30".into(),
    }
}

fn slow() -> Outcome {
    Outcome::Degraded {
        reason: "slow: HTTP 200 in 2300 ms, over 1500 ms".into(),
    }
}

struct Rig {
    dir: tempfile::TempDir,
    clock: ManualClock,
    engine: EngineHandle,
}

impl Rig {
    fn start() -> Rig {
        Rig::start_in(tempfile::tempdir().unwrap(), t(0))
    }

    fn start_in(dir: tempfile::TempDir, at: DateTime<Utc>) -> Rig {
        let config = Config::parse(std::path::Path::new("watchdesk.toml"), CONFIG).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let clock = ManualClock::new(at);
        let engine = engine::spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap();
        Rig { dir, clock, engine }
    }

    /// Stops the engine (store flushed and closed) and starts a new one on the same store at `at`.
    async fn restart(self, at: DateTime<Utc>) -> Rig {
        self.engine.shutdown().await;
        drop(self.engine);
        Rig::start_in(self.dir, at)
    }

    /// One probe result at `secs`, the clock moved there first; returns once the engine has taken it.
    async fn probe(&self, check: &str, secs: i64, outcome: Outcome) {
        let at = t(secs);
        self.clock.set(at);
        let mut snapshots = self.engine.subscribe();
        snapshots.borrow_and_update();
        self.engine
            .probe_sender()
            .send(ProbeResult {
                check_id: check.to_string(),
                subsystem: check.split('/').next().unwrap().to_string(),
                started_at: at,
                latency: Duration::from_millis(40),
                outcome,
            })
            .await
            .unwrap();
        let taken = |s: &Snapshot| {
            s.subsystems
                .iter()
                .flat_map(|sub| &sub.checks)
                .any(|c| c.id == check && c.last.as_ref().is_some_and(|l| l.at == at))
        };
        tokio::time::timeout(Duration::from_secs(10), async {
            while !taken(&snapshots.borrow_and_update()) {
                snapshots.changed().await.unwrap();
            }
        })
        .await
        .expect("the engine takes the probe result");
    }

    fn auto_incidents(&self, subsystem: &str) -> Vec<Incident> {
        let snap = self.engine.snapshot();
        snap.open_incidents
            .iter()
            .chain(&snap.recently_resolved)
            .filter(|i| matches!(&i.source, Some(AutoSource::Subsystem { id, .. }) if id == subsystem))
            .map(|i| (**i).clone())
            .collect()
    }

    fn open_auto(&self, subsystem: &str) -> Option<Incident> {
        self.auto_incidents(subsystem).into_iter().find(Incident::is_open)
    }

    fn health(&self, subsystem: &str) -> Health {
        let snap = self.engine.snapshot();
        snap.subsystems
            .iter()
            .find(|s| s.id == subsystem)
            .map(|s| s.health)
            .unwrap()
    }

    async fn resolve(&self, incident: &Incident) {
        self.engine
            .execute(
                Actor::named("li"),
                Command::Resolve {
                    id: incident.id,
                    at: None,
                    resolution: Resolution {
                        cause: "上游网关故障".into(),
                        process: "重启网关".into(),
                        solution: None,
                    },
                },
            )
            .await
            .unwrap();
    }
}

fn count(incident: &Incident, kind: fn(&TimelineKind) -> bool) -> usize {
    incident.timeline.iter().filter(|e| kind(&e.kind)).count()
}

fn restored(kind: &TimelineKind) -> bool {
    matches!(kind, TimelineKind::Restored)
}

fn failed(kind: &TimelineKind) -> bool {
    matches!(kind, TimelineKind::Failed { .. })
}

#[tokio::test]
async fn a_lasting_certificate_warning_masks_neither_the_recovery_nor_the_next_outage() {
    let rig = Rig::start();
    rig.probe(CERT, 0, cert_warning()).await;
    for (secs, outcome) in [(1, ok()), (5, unavailable()), (6, unavailable())] {
        rig.probe(API, secs, outcome.clone()).await;
        rig.probe(ALONE, secs, outcome).await;
    }
    let first = rig.open_auto("digital").expect("the outage opens an incident");
    assert_eq!(first.detected_at, t(5));
    assert_eq!(first.severity, Severity::Critical);
    assert!(rig.open_auto("display").is_some());

    // The certificate has been under its warning for longer than 10 s: a fault of its own, in the outage.
    rig.probe(CERT, 15, cert_warning()).await;
    assert_eq!(rig.auto_incidents("digital").len(), 1);

    rig.probe(API, 20, ok()).await;
    rig.probe(ALONE, 20, ok()).await;
    let first = rig.open_auto("digital").unwrap();
    assert_eq!(
        first.restored_at,
        Some(t(20)),
        "service restored although the certificate is still warned"
    );
    assert_eq!(rig.open_auto("display").unwrap().restored_at, Some(t(20)));
    assert_eq!(rig.health("digital"), Health::Degraded);

    // The certificate stays under its warning: it was part of that incident, and opens nothing by itself.
    for secs in [30, 60, 90] {
        rig.probe(CERT, secs, cert_warning()).await;
    }
    assert_eq!(count(&rig.open_auto("digital").unwrap(), failed), 0);
    rig.resolve(&first).await;
    rig.resolve(&rig.open_auto("display").unwrap()).await;
    rig.probe(CERT, 120, cert_warning()).await;
    assert!(rig.open_auto("digital").is_none());

    // The next outage opens a new incident, exactly as it does for the subsystem with the HTTP check alone.
    for secs in [130, 131] {
        rig.probe(API, secs, unavailable()).await;
        rig.probe(ALONE, secs, unavailable()).await;
    }
    let second = rig
        .open_auto("digital")
        .expect("the next outage opens an incident");
    assert_ne!(second.id, first.id);
    assert_eq!(second.detected_at, t(130));
    assert_eq!(rig.open_auto("display").unwrap().detected_at, t(130));
    rig.probe(API, 140, ok()).await;
    assert_eq!(rig.open_auto("digital").unwrap().restored_at, Some(t(140)));
}

#[tokio::test]
async fn slowness_that_opened_the_incident_then_an_outage_ends_with_the_outage() {
    let rig = Rig::start();
    rig.probe(API, 0, ok()).await;
    rig.probe(CERT, 0, cert_warning()).await;
    rig.probe(CERT, 11, cert_warning()).await;
    let incident = rig.open_auto("digital").expect("degraded for 10 s is a fault");
    assert_eq!(
        (incident.severity, incident.detected_at),
        (Severity::Major, t(10))
    );
    assert!(matches!(
        incident.source,
        Some(AutoSource::Subsystem { slow: true, .. })
    ));

    rig.probe(API, 20, unavailable()).await;
    rig.probe(API, 21, unavailable()).await;
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(incident.severity, Severity::Critical, "the outage raises it");
    assert!(matches!(
        incident.source,
        Some(AutoSource::Subsystem { slow: false, .. })
    ));

    rig.probe(API, 30, ok()).await;
    assert_eq!(rig.open_auto("digital").unwrap().restored_at, Some(t(30)));
    // The warning goes away and comes back: a new run of slowness, noted as failing again.
    rig.probe(CERT, 40, ok()).await;
    rig.probe(CERT, 50, cert_warning()).await;
    rig.probe(CERT, 61, cert_warning()).await;
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(count(&incident, failed), 1);
    assert_eq!(rig.auto_incidents("digital").len(), 1);
}

#[tokio::test]
async fn resolving_an_incident_while_a_check_stays_slow_lets_the_next_outage_open_one() {
    let rig = Rig::start();
    rig.probe(API, 0, slow()).await;
    rig.probe(API, 11, slow()).await;
    let incident = rig.open_auto("digital").expect("slow for 10 s is a fault");
    rig.resolve(&incident).await;
    rig.probe(API, 20, slow()).await;
    assert!(
        rig.open_auto("digital").is_none(),
        "the same slowness opens nothing again"
    );

    rig.probe(API, 30, unavailable()).await;
    rig.probe(API, 31, unavailable()).await;
    let next = rig.open_auto("digital").expect("the outage opens an incident");
    assert_eq!((next.severity, next.detected_at), (Severity::Critical, t(30)));
}

#[tokio::test]
async fn a_recovery_while_watchdesk_was_stopped_is_recorded_at_the_first_answer_after_the_restart() {
    let rig = Rig::start();
    rig.probe(API, 0, unavailable()).await;
    rig.probe(API, 1, unavailable()).await;
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(incident.restored_at, None);

    // Stopped for an hour; the service came back meanwhile.
    let rig = rig.restart(t(3600)).await;
    assert_eq!(
        rig.health("digital"),
        Health::Down,
        "the open fault is taken up again"
    );
    rig.probe(API, 3605, ok()).await;
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(incident.restored_at, Some(t(3605)));
    let note = incident
        .timeline
        .iter()
        .find_map(|e| match &e.kind {
            TimelineKind::Note { text } => Some((e.at, text.clone())),
            _ => None,
        })
        .expect("the unwatched time is noted");
    assert_eq!(note.0, t(3600));
    assert!(
        note.1.starts_with(
            "not watched from 2026-11-30 08:01:00 to 2026-11-30 09:00:00 (watchdesk was not running)"
        ),
        "{}",
        note.1
    );
    assert!(
        note.1
            .contains("first probe after the restart, 2026-11-30 09:00:05"),
        "{}",
        note.1
    );

    // Failing again afterwards is noted on the same incident.
    rig.probe(API, 3610, unavailable()).await;
    rig.probe(API, 3611, unavailable()).await;
    assert_eq!(rig.auto_incidents("digital").len(), 1);
    assert_eq!(count(&rig.open_auto("digital").unwrap(), failed), 1);
}

#[tokio::test]
async fn a_fault_still_there_after_a_restart_continues_the_same_incident() {
    let rig = Rig::start();
    rig.probe(API, 0, unavailable()).await;
    rig.probe(API, 1, unavailable()).await;
    let rig = rig.restart(t(600)).await;
    for secs in [601, 602, 603] {
        rig.probe(API, secs, unavailable()).await;
    }
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(rig.auto_incidents("digital").len(), 1);
    assert_eq!((incident.restored_at, count(&incident, failed)), (None, 0));
    rig.probe(API, 610, ok()).await;
    assert_eq!(rig.open_auto("digital").unwrap().restored_at, Some(t(610)));
}

#[tokio::test]
async fn a_slow_fault_after_a_restart_ends_only_when_the_slowness_does() {
    let rig = Rig::start();
    rig.probe(API, 0, slow()).await;
    rig.probe(API, 11, slow()).await;
    assert!(rig.open_auto("digital").is_some());
    let rig = rig.restart(t(600)).await;
    rig.probe(API, 601, slow()).await;
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(incident.restored_at, None, "still slow is not restored");
    rig.probe(API, 620, ok()).await;
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(incident.restored_at, Some(t(620)));
    assert_eq!((count(&incident, restored), count(&incident, failed)), (1, 0));
}

#[tokio::test]
async fn a_restored_incident_is_not_taken_up_again_after_a_restart() {
    let rig = Rig::start();
    rig.probe(API, 0, unavailable()).await;
    rig.probe(API, 1, unavailable()).await;
    rig.probe(API, 2, ok()).await;
    let rig = rig.restart(t(600)).await;
    assert_eq!(rig.health("digital"), Health::Unknown);
    rig.probe(API, 601, ok()).await;
    let incident = rig.open_auto("digital").unwrap();
    assert_eq!(count(&incident, restored), 1);
}
