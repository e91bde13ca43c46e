use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::engine::{Command, EngineHandle, Mode, Reply, spawn};
use crate::model::{Resolution, TimelineKind};

fn start_in(dir: &std::path::Path, clock: &ManualClock) -> EngineHandle {
    let store = Store::open(dir).unwrap();
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap()
}

fn alert(key: &str, firing: bool) -> Signal {
    Signal {
        origin: Origin::Alertmanager,
        key: key.into(),
        firing,
        title: format!("DiskFull {key}"),
        kind: Kind::Fault,
        severity: Severity::Critical,
        subsystem: Some("digital".into()),
        detected_at: None,
        ended_at: None,
        labels: [("alertname".to_string(), "DiskFull".to_string())].into(),
        generator_url: Some("http://prometheus.example.invalid/graph".into()),
    }
}

async fn intake(engine: &EngineHandle, signals: Vec<Signal>) -> Result<IntakeReport, EngineError> {
    match engine
        .execute(Actor::named("alertmanager"), Command::Intake(signals))
        .await?
    {
        Reply::Intake(report) => Ok(*report),
        other => panic!("expected an intake report, got {other:?}"),
    }
}

#[tokio::test]
async fn a_firing_alert_opens_one_incident_and_its_resolution_records_restored() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let engine = start_in(dir.path(), &clock);
    let started = clock.now() - Duration::minutes(3);
    let mut first = alert("fp1", true);
    first.detected_at = Some(started);
    let report = intake(&engine, vec![first.clone()]).await.unwrap();
    assert_eq!(report.opened.len(), 1);
    let id = report.opened[0];
    // The same alert again, and in the same batch twice: no second incident, and no new snapshot either.
    let before = engine.snapshot();
    let again = intake(&engine, vec![first.clone(), first.clone()]).await.unwrap();
    assert_eq!((again.opened.len(), again.unchanged), (0, 2));
    assert!(
        Arc::ptr_eq(&before, &engine.snapshot()),
        "a repeat changes nothing"
    );
    let snap = engine.snapshot();
    assert_eq!(snap.open_incidents.len(), 1);
    let inc = &snap.open_incidents[0];
    assert_eq!(inc.detected_at, started, "startsAt is the detection time");
    assert_eq!(inc.subsystem.as_deref(), Some("digital"));
    assert_eq!(inc.severity, Severity::Critical);
    assert_eq!(inc.opened.actor.user, "alertmanager");
    assert!(
        matches!(&inc.source, Some(AutoSource::Alert { key, labels, .. }) if key == "fp1" && labels["alertname"] == "DiskFull")
    );

    clock.advance(Duration::minutes(10));
    let mut resolved = alert("fp1", false);
    resolved.ended_at = Some(clock.now() - Duration::minutes(1));
    let report = intake(&engine, vec![resolved.clone()]).await.unwrap();
    assert_eq!(report.restored, vec![id]);
    let inc = engine.snapshot().open_incidents[0].clone();
    assert_eq!(inc.restored_at, Some(clock.now() - Duration::minutes(1)));
    assert!(
        inc.is_open(),
        "restored is not resolved: the engineer resolves with the cause"
    );
    // Resolved twice: one restoration.
    assert_eq!(intake(&engine, vec![resolved]).await.unwrap().unchanged, 1);
    // Firing again after the restoration: noted on the same incident.
    clock.advance(Duration::minutes(1));
    let report = intake(&engine, vec![alert("fp1", true)]).await.unwrap();
    assert_eq!(report.failed_again, vec![id]);
    let inc = engine.snapshot().open_incidents[0].clone();
    assert!(matches!(
        inc.timeline.last().unwrap().kind,
        TimelineKind::Failed { .. }
    ));

    // Once the engineer resolves it, the next firing opens a new incident.
    engine
        .execute(
            Actor::named("li"),
            Command::Resolve {
                id,
                at: None,
                resolution: Resolution {
                    cause: "disk".into(),
                    process: "cleaned".into(),
                    solution: None,
                },
            },
        )
        .await
        .unwrap();
    let report = intake(&engine, vec![alert("fp1", true)]).await.unwrap();
    assert_eq!(report.opened.len(), 1);
    assert_ne!(report.opened[0], id);
    engine.shutdown().await;
}

#[tokio::test]
async fn deduplication_holds_across_a_restart_and_every_change_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let engine = start_in(dir.path(), &clock);
    let report = intake(&engine, vec![alert("a", true), alert("b", true)])
        .await
        .unwrap();
    assert_eq!(report.opened.len(), 2);
    engine.shutdown().await;

    let engine = start_in(dir.path(), &clock);
    let report = intake(
        &engine,
        vec![alert("a", true), alert("b", false), alert("c", false)],
    )
    .await
    .unwrap();
    assert_eq!(report.opened.len(), 0);
    assert_eq!(
        (report.unchanged, report.restored.len(), report.ignored),
        (1, 1, 1)
    );
    engine.shutdown().await;

    let store = Store::open(dir.path()).unwrap();
    let events: Vec<_> = store.audit_events().map(Result::unwrap).collect();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["incident.open", "incident.open", "incident.restored"]);
    assert!(events.iter().all(|e| e.actor.user == "alertmanager"));
    assert_eq!(events[0].payload["source"]["key"], "a");
    assert_eq!(store.verify_audit().unwrap().unwrap(), 3);
}

#[tokio::test]
async fn a_bad_signal_fails_the_whole_batch_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let engine = start_in(dir.path(), &clock);
    let mut unknown = alert("x", true);
    unknown.subsystem = Some("nope".into());
    let err = intake(&engine, vec![alert("ok", true), unknown])
        .await
        .unwrap_err();
    assert!(err.is_bad_input());
    assert!(err.to_string().contains("unknown subsystem \"nope\""), "{err}");
    let mut untitled = alert("y", true);
    untitled.title = "  ".into();
    let err = intake(&engine, vec![alert("ok", true), untitled])
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "title must not be empty");
    assert!(engine.snapshot().open_incidents.is_empty());
    engine.shutdown().await;
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.audit_events().count(), 0);
    assert!(store.open_incidents().unwrap().is_empty());
}

#[tokio::test]
async fn a_future_start_is_taken_as_now_and_numbers_follow_on_in_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let engine = start_in(dir.path(), &clock);
    let mut future = alert("f", true);
    future.detected_at = Some(clock.now() + Duration::hours(1));
    let report = intake(&engine, vec![future, alert("g", true), alert("h", true)])
        .await
        .unwrap();
    let ids: Vec<String> = report.opened.iter().map(ToString::to_string).collect();
    assert_eq!(ids, ["2026-0001", "2026-0002", "2026-0003"]);
    let snap = engine.snapshot();
    let f = snap
        .open_incidents
        .iter()
        .find(|i| i.id == report.opened[0])
        .unwrap();
    assert_eq!(f.detected_at, clock.now());
    // A hand-opened incident takes the next number.
    let hand = engine
        .execute(
            Actor::named("li"),
            Command::OpenIncident(crate::model::NewIncident {
                kind: Kind::Fault,
                severity: Severity::Minor,
                title: "t".into(),
                subsystem: None,
                detected_at: None,
                source: None,
            }),
        )
        .await
        .unwrap();
    assert!(matches!(hand, Reply::Incident(i) if i.id.to_string() == "2026-0004"));
    engine.shutdown().await;
}
