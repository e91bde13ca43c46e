//! The engine's event stream: durable changes as the audit log records them, and the facts time brings, at the
//! moments the contract's clocks say, with a `ManualClock` and tokio's paused time (no real waiting).

#[path = "delivery_support/opening.rs"]
mod opening;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use opening::open_fault;
use tokio::sync::broadcast;
use watchdesk::clock::ManualClock;
use watchdesk::config::Config;
use watchdesk::engine::{self, Command, DomainEvent, EngineHandle, Mode};
use watchdesk::model::Actor;
use watchdesk::policy::{Severity, Stage};
use watchdesk::store::Store;

const CONFIG: &str = r#"
[platform]
timezone = "Asia/Shanghai"
[[subsystem]]
id = "digital"
name = "数字管理"
[[host]]
name = "local"
source = "local"
[records]
daily_reminder_hour = 18
"#;

/// 10:00 Shanghai on a Monday.
fn ten_oclock() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).single().unwrap()
}

fn start(
    text: &str,
) -> (
    tempfile::TempDir,
    ManualClock,
    EngineHandle,
    broadcast::Receiver<DomainEvent>,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let clock = ManualClock::new(ten_oclock());
    let config = Config::parse(Path::new("c.toml"), text).unwrap();
    let engine = engine::spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap();
    let events = engine.events();
    (dir, clock, engine, events)
}

/// Lets the engine tick (in paused time) and returns what it announced meanwhile.
async fn settle(events: &mut broadcast::Receiver<DomainEvent>) -> Vec<DomainEvent> {
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let mut out = Vec::new();
    while let Ok(e) = events.try_recv() {
        out.push(e);
    }
    out
}

fn keys(events: &[DomainEvent]) -> Vec<String> {
    events.iter().map(DomainEvent::key).collect()
}

async fn open_critical(engine: &EngineHandle) -> watchdesk::model::Incident {
    open_fault(engine, Severity::Critical, "登录失败").await
}

#[tokio::test(start_paused = true)]
async fn a_critical_is_reminded_before_its_deadline_late_at_it_and_renotified_until_acknowledged() {
    let (_dir, clock, engine, mut events) = start(CONFIG);
    let _ = settle(&mut events).await;
    let incident = open_critical(&engine).await;
    let id = incident.id.to_string();

    // The opening itself, as the audit log recorded it.
    let first = settle(&mut events).await;
    let recorded: Vec<_> = first
        .iter()
        .filter_map(|e| match e {
            DomainEvent::Recorded(a) => Some(a.action.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(recorded, vec!["incident.open".to_string()]);
    assert!(keys(&first).iter().all(|k| k.starts_with("audit:")), "{first:?}");

    // 10:05: the first re-notification (every 5 minutes by default), nothing due yet.
    clock.set(ten_oclock() + Duration::minutes(5));
    let at_five = settle(&mut events).await;
    assert_eq!(keys(&at_five), vec![format!("renotify:{id}:1")]);

    // 10:10: respond is due in 5 minutes; the reminder says so and stands for the re-notification too.
    clock.set(ten_oclock() + Duration::minutes(10));
    let at_ten = settle(&mut events).await;
    assert_eq!(keys(&at_ten), vec![format!("due:{id}:respond:300")]);
    match &at_ten[0] {
        DomainEvent::DueSoon { stage, due, .. } => {
            assert_eq!(*stage, Stage::Respond);
            assert_eq!(*due, ten_oclock() + Duration::minutes(15));
        }
        other => panic!("expected due soon, got {other:?}"),
    }

    // 10:15 and a second: late, with what it costs the score (a critical fault: 1 point).
    clock.set(ten_oclock() + Duration::minutes(15) + Duration::seconds(1));
    let at_fifteen = settle(&mut events).await;
    let late: Vec<_> = at_fifteen
        .iter()
        .filter_map(|e| match e {
            DomainEvent::Late { stage, cost, .. } => Some((*stage, *cost)),
            _ => None,
        })
        .collect();
    assert_eq!(late, vec![(Stage::Respond, 1.0)]);
    // The escalation delay (15 minutes) has passed too.
    assert!(
        keys(&at_fifteen).contains(&format!("escalate:{id}")),
        "{at_fifteen:?}"
    );

    // Nothing is said twice while time stands still.
    assert!(settle(&mut events).await.is_empty());

    // 10:20: still unacknowledged, the fourth round.
    clock.set(ten_oclock() + Duration::minutes(20));
    assert_eq!(keys(&settle(&mut events).await), vec![format!("renotify:{id}:4")]);

    // Acknowledged at 10:21: no more re-notifications, at 10:25 or ever.
    clock.set(ten_oclock() + Duration::minutes(21));
    engine
        .execute(
            Actor::named("li"),
            Command::Acknowledge {
                id: incident.id,
                at: None,
                note: None,
                due: None,
            },
        )
        .await
        .unwrap();
    let acked = settle(&mut events).await;
    assert!(
        acked.iter().all(|e| matches!(e, DomainEvent::Recorded(_))),
        "{acked:?}"
    );
    clock.set(ten_oclock() + Duration::minutes(45));
    let after = settle(&mut events).await;
    assert!(
        !keys(&after)
            .iter()
            .any(|k| k.starts_with("renotify:") || k.starts_with("escalate:")),
        "{after:?}"
    );
    // 11:30: the plan deadline (2 h) is 30 minutes away.
    clock.set(ten_oclock() + Duration::minutes(90));
    assert_eq!(
        keys(&settle(&mut events).await),
        vec![format!("due:{id}:plan:1800")]
    );
}

#[tokio::test(start_paused = true)]
async fn configured_leads_and_interval_are_used_and_a_restart_announces_current_facts_again() {
    let text = format!(
        "{CONFIG}\n[notify.rules]\ndue_soon = {{ respond = [\"10m\", \"2m\"] }}\nrenotify = {{ every = \"3m\" }}\n"
    );
    let (dir, clock, engine, mut events) = start(&text);
    let incident = open_critical(&engine).await;
    let id = incident.id.to_string();
    let _ = settle(&mut events).await;

    clock.set(ten_oclock() + Duration::minutes(3));
    assert_eq!(keys(&settle(&mut events).await), vec![format!("renotify:{id}:1")]);
    clock.set(ten_oclock() + Duration::minutes(5));
    assert_eq!(
        keys(&settle(&mut events).await),
        vec![format!("due:{id}:respond:600")]
    );
    clock.set(ten_oclock() + Duration::minutes(13));
    assert_eq!(
        keys(&settle(&mut events).await),
        vec![format!("due:{id}:respond:120")]
    );

    // A restarted engine says what is true now once more (the notifier's outbox drops what it already sent).
    engine.shutdown().await;
    let store = Store::open(dir.path()).unwrap();
    let config = Config::parse(Path::new("c.toml"), &text).unwrap();
    let engine = engine::spawn(store, config, Arc::new(clock.clone()), Mode::Embedded).unwrap();
    let mut events = engine.events();
    let again = keys(&settle(&mut events).await);
    assert_eq!(again, vec![format!("due:{id}:respond:120")]);
}

#[tokio::test(start_paused = true)]
async fn a_missing_daily_record_is_announced_at_the_reminder_hour_and_the_inspection_late_in_the_month() {
    let text = format!("{CONFIG}\n[notify.rules]\nmonthly_missing = {{ day = 3 }}\n");
    let (_dir, clock, _engine, mut events) = start(&text);
    // Monday 2 November, 10:00: before the reminder hour, before the reminder day.
    assert!(settle(&mut events).await.is_empty());
    // 18:00 local.
    clock.set(ten_oclock() + Duration::hours(8));
    assert_eq!(
        keys(&settle(&mut events).await),
        vec!["daily-missing:2026-11-02".to_string()]
    );
    // 3 November, 09:00 local: the inspection of November is not recorded.
    clock.set(ten_oclock() + Duration::hours(23));
    assert_eq!(
        keys(&settle(&mut events).await),
        vec!["monthly-missing:2026-11".to_string()]
    );
}
