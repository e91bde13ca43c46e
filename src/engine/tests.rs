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
        host: None,
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

fn probe(check: &str, at: chrono::DateTime<Utc>, ok: bool) -> crate::probe::ProbeResult {
    use crate::probe::{Outcome, Phase, ProbeResult};
    ProbeResult {
        check_id: check.to_string(),
        subsystem: check.split('/').next().unwrap().to_string(),
        started_at: at,
        latency: std::time::Duration::from_millis(if ok { 40 } else { 10_000 }),
        outcome: if ok {
            Outcome::Up {
                detail: "HTTP 200".into(),
            }
        } else {
            Outcome::Down {
                phase: Phase::Status,
                reason: "HTTP 500".into(),
            }
        },
    }
}

/// Sends probe results, each once the engine has published a snapshot that saw the one before (a snapshot
/// shows what a probe result changed once that is durable).
async fn feed(engine: &EngineHandle, clock: &ManualClock, results: Vec<crate::probe::ProbeResult>) {
    let mut rx = engine.subscribe();
    for r in results {
        clock.set(r.started_at);
        let (check, at) = (r.check_id.clone(), r.started_at);
        engine.probe_sender().send(r).await.unwrap();
        let saw = |s: &Snapshot| {
            s.subsystems
                .iter()
                .flat_map(|x| &x.checks)
                .any(|c| c.id == check && c.last.as_ref().is_some_and(|l| l.at == at))
        };
        let shown = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while !saw(&rx.borrow_and_update()) {
                rx.changed().await.unwrap();
            }
        });
        shown.await.expect("a snapshot that saw the probe result");
    }
}

#[tokio::test]
async fn a_confirmed_fault_opens_one_incident_dated_at_the_first_failure_and_recovery_stops_the_clock() {
    let (_dir, clock, engine) = start();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap();
    let at = |s: i64| t0 + Duration::seconds(s);
    let check = "sysadmin/http-1";
    feed(
        &engine,
        &clock,
        vec![probe(check, at(0), true), probe(check, at(30), true)],
    )
    .await;
    let snap = engine.snapshot();
    let sub = &snap.subsystems[0];
    assert_eq!(sub.health, Health::Up);
    assert_eq!(sub.latency_ms, Some(40));
    assert_eq!(sub.p95_ms, Some(40));
    assert_eq!(sub.availability_today, Some(1.0));
    assert_eq!(sub.sparkline.len(), 2);

    feed(
        &engine,
        &clock,
        vec![probe(check, at(60), false), probe(check, at(90), false)],
    )
    .await;
    assert!(
        engine.snapshot().open_incidents.is_empty(),
        "two failures open nothing"
    );
    feed(&engine, &clock, vec![probe(check, at(120), false)]).await;
    let snap = engine.snapshot();
    assert_eq!(snap.subsystems[0].health, Health::Down);
    assert_eq!(snap.open_incidents.len(), 1);
    let incident = &snap.open_incidents[0];
    assert_eq!(
        incident.detected_at,
        at(60),
        "detected at the first failure of the streak"
    );
    assert_eq!(incident.subsystem.as_deref(), Some("sysadmin"));
    // Dependants are blocked, not faulted.
    assert_eq!(snap.subsystems[1].health, Health::Blocked);

    feed(
        &engine,
        &clock,
        vec![
            probe(check, at(150), false),
            probe(check, at(180), true),
            probe(check, at(210), true),
        ],
    )
    .await;
    let snap = engine.snapshot();
    assert_eq!(
        snap.open_incidents.len(),
        1,
        "one incident per subsystem, still open after recovery"
    );
    let incident = &snap.open_incidents[0];
    assert_eq!(incident.restored_at, Some(at(180)));
    let recover = incident.deadlines(&snap.policy, at(210) + Duration::days(1))[2];
    assert!(matches!(recover.state, crate::model::DeadlineState::Met { .. }));
}

/// What `execute` answered, the long reads run here.
fn answered(engine: &mut Engine, work: long_read::Work) -> Reply {
    match work {
        long_read::Work::Done(result) => result.unwrap(),
        long_read::Work::Read(read) => read().unwrap(),
        long_read::Work::ReadThen(read) => {
            let work = read()(engine);
            answered(engine, work)
        }
    }
}

/// A read of the score brings the live score (the dashboard's header) to the page's moment, with no tick in
/// between. Worked out by hand: a major fault detected at 14:00 and acknowledged at 14:30 missed its 15-minute
/// response limit, which costs 0.3 of the 15 fault points.
#[test]
fn a_score_read_brings_the_live_score_to_its_moment() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    // 14:00 in Shanghai.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).single().unwrap());
    let config = Config::parse(std::path::Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
    let mut engine = Engine::new(store, config, Arc::new(clock.clone()), Mode::Embedded, false).unwrap();
    let li = Actor::named("li");
    let new = NewIncident {
        severity: Severity::Major,
        ..new_fault(None)
    };
    let work = engine.execute(&li, Command::OpenIncident(new));
    let opened = incident(answered(&mut engine, work));
    clock.advance(Duration::minutes(30));
    let ack = Command::Acknowledge {
        id: opened.id,
        at: None,
        note: None,
        due: None,
    };
    let work = engine.execute(&li, ack);
    answered(&mut engine, work);
    clock.advance(Duration::minutes(90));
    assert_eq!(
        engine.records.score().unwrap().fault_deductions,
        0.0,
        "not refreshed since the start"
    );

    let read = Command::Records(RecordsCommand::Score { quarter: None });
    let work = engine.execute(&li, read);
    let Reply::Records(reply) = answered(&mut engine, work) else {
        panic!("expected a records reply");
    };
    let RecordsReply::Score(page) = *reply else {
        panic!("expected a score");
    };
    assert_eq!(page.fault_deductions, 0.3);
    assert_eq!(page.points(crate::report::score::ScoreItem::FaultResponse), 14.7);
    let live = engine.records.score().unwrap();
    assert_eq!(live.fault_deductions, 0.3);
    assert_eq!((live.total, &live.faults), (page.total, &page.faults));
}

mod durable;
mod late_faults;
mod time_facts;
