use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::clock::ManualClock;
use crate::model::{Actor, NewIncident, Resolution};
use crate::policy::{Kind, Severity};

fn start() -> (tempfile::TempDir, ManualClock, EngineHandle) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let handle = spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap();
    (dir, clock, handle)
}

fn new_fault(subsystem: Option<&str>) -> NewIncident {
    NewIncident {
        kind: Kind::Fault,
        severity: Severity::Critical,
        title: "登录失败".into(),
        subsystem: subsystem.map(str::to_string),
        detected_at: None,
        source: None,
    }
}

fn incident(reply: Reply) -> crate::model::Incident {
    match reply {
        Reply::Incident(i) => *i,
        other => panic!("expected an incident, got {other:?}"),
    }
}

#[tokio::test]
async fn commands_are_answered_after_they_are_durable_and_published() {
    let (dir, clock, engine) = start();
    let li = Actor::named("li");
    let opened = incident(
        engine
            .execute(li.clone(), Command::OpenIncident(new_fault(Some("digital"))))
            .await
            .unwrap(),
    );
    assert_eq!(opened.id.to_string(), "2026-0001");
    clock.advance(Duration::minutes(5));
    engine
        .execute(
            li.clone(),
            Command::Acknowledge {
                id: opened.id,
                at: None,
                note: Some("查看中".into()),
                due: None,
            },
        )
        .await
        .unwrap();
    let snap = engine.snapshot();
    assert_eq!(snap.open_incidents.len(), 1);
    assert!(snap.open_incidents[0].acknowledged.is_some());
    engine
        .execute(
            li.clone(),
            Command::Resolve {
                id: opened.id,
                at: None,
                resolution: Resolution {
                    cause: "c".into(),
                    process: "p".into(),
                    solution: None,
                },
            },
        )
        .await
        .unwrap();
    assert!(engine.snapshot().open_incidents.is_empty());
    assert_eq!(engine.snapshot().recently_resolved.len(), 1);
    engine.shutdown().await;
    // Everything is on disk, with its audit trail.
    let store = Store::open(dir.path()).unwrap();
    let stored = store.incident(opened.id).unwrap().unwrap();
    assert!(stored.resolved.is_some());
    assert_eq!(store.verify_audit().unwrap(), Ok(3));
}

#[tokio::test]
async fn a_refused_command_changes_nothing() {
    let (dir, _clock, engine) = start();
    let li = Actor::named("li");
    let err = engine
        .execute(li.clone(), Command::OpenIncident(new_fault(Some("nope"))))
        .await
        .unwrap_err();
    assert!(err.is_bad_input());
    assert!(err.to_string().contains("\"sysadmin\""), "{err}");
    let opened = incident(
        engine
            .execute(li.clone(), Command::OpenIncident(new_fault(None)))
            .await
            .unwrap(),
    );
    let err = engine
        .execute(
            li.clone(),
            Command::Resolve {
                id: opened.id,
                at: None,
                resolution: Resolution {
                    cause: "".into(),
                    process: "p".into(),
                    solution: None,
                },
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "cause must not be empty");
    let missing = crate::model::IncidentId { year: 2026, seq: 99 };
    let err = engine
        .execute(
            li,
            Command::Note {
                id: missing,
                at: None,
                text: "x".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "no incident 2026-0099");
    engine.shutdown().await;
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.verify_audit().unwrap(), Ok(1));
    assert!(store.incident(opened.id).unwrap().unwrap().resolved.is_none());
}
