//! The command line's own engine (no daemon): it starts without reading the open set or the score, and its
//! commands are the same commands, stored and audited the same way a running engine's are.

use std::path::Path;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use watchdesk::clock::ManualClock;
use watchdesk::config::{Config, TEMPLATE};
use watchdesk::engine::{self, Command, Mode, Reply};
use watchdesk::model::{Actor, NewIncident, State};
use watchdesk::policy::{Kind, Severity};
use watchdesk::store::Store;

fn fault(title: &str) -> Command {
    Command::OpenIncident(NewIncident {
        kind: Kind::Fault,
        severity: Severity::Major,
        title: title.into(),
        subsystem: Some("digital".into()),
        detected_at: None,
        host: None,
        source: None,
    })
}

#[tokio::test]
async fn a_one_off_engine_changes_the_store_as_a_running_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::parse(Path::new("c.toml"), TEMPLATE).unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().unwrap());
    let li = Actor::named("li");

    let engine = engine::spawn(
        Store::open(dir.path()).unwrap(),
        config.clone(),
        Arc::new(clock.clone()),
        Mode::Embedded,
    )
    .unwrap();
    for n in 0..3 {
        engine
            .execute(li.clone(), fault(&format!("检测报告上传失败 {n}")))
            .await
            .unwrap();
    }
    let first = engine.snapshot().open_incidents[0].id;
    engine.shutdown().await;
    drop(engine);

    let one_off = engine::spawn_one_off(
        Store::open(dir.path()).unwrap(),
        config.clone(),
        Arc::new(clock.clone()),
    )
    .unwrap();
    assert!(
        one_off.snapshot().open_incidents.is_empty() && one_off.snapshot().score.is_none(),
        "nothing read at start"
    );
    let acknowledged = one_off
        .execute(
            li.clone(),
            Command::Acknowledge {
                id: first,
                at: None,
                note: Some("已联系厂商".into()),
                due: None,
            },
        )
        .await
        .unwrap();
    assert!(matches!(acknowledged, Reply::Incident(i) if i.state() == State::Acknowledged));
    let refused = one_off
        .execute(
            li.clone(),
            Command::Acknowledge {
                id: first,
                at: None,
                note: None,
                due: None,
            },
        )
        .await;
    assert!(
        refused.is_err(),
        "a second acknowledgement is refused as it would be on a running engine"
    );
    one_off.shutdown().await;
    drop(one_off);

    let engine = engine::spawn(
        Store::open(dir.path()).unwrap(),
        config,
        Arc::new(clock),
        Mode::Embedded,
    )
    .unwrap();
    let snapshot = engine.snapshot();
    assert_eq!(snapshot.open_incidents.len(), 3);
    let kept = snapshot.open_incidents.iter().find(|i| i.id == first).unwrap();
    assert_eq!(kept.state(), State::Acknowledged);
    assert!(snapshot.score.is_some());
    engine.shutdown().await;
}
