use chrono::{Duration, TimeZone};

use super::*;
use crate::model::{Actor, DeadlineState};
use crate::policy::{Policy, Stage};

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, h, m, 0).single().unwrap()
}

fn new(severity: Severity) -> NewIncident {
    NewIncident {
        kind: Kind::Fault,
        severity,
        title: "数字管理子系统无法登录".into(),
        subsystem: Some("digital".into()),
        detected_at: Some(t(1, 0)),
        source: None,
        host: None,
    }
}

fn open(severity: Severity, now: DateTime<Utc>) -> Incident {
    Incident::open(
        IncidentId { year: 2026, seq: 1 },
        new(severity),
        Actor::named("li"),
        now,
    )
    .unwrap()
}

fn resolution() -> Resolution {
    Resolution {
        cause: "数据库连接池耗尽".into(),
        process: "重启应用并扩大连接池".into(),
        solution: None,
    }
}

#[test]
fn id_round_trips_and_sorts_by_year_then_sequence() {
    let a = IncidentId { year: 2026, seq: 12 };
    assert_eq!(a.to_string(), "2026-0012");
    assert_eq!("2026-0012".parse::<IncidentId>(), Ok(a));
    assert_eq!(IncidentId::from_key(&a.key()), Some(a));
    let b = IncidentId { year: 2027, seq: 1 };
    assert!(a.key() < b.key());
    assert!("2026".parse::<IncidentId>().unwrap_err().contains("YEAR-NUMBER"));
}

#[test]
fn lifecycle_records_each_step_with_actor_and_time() {
    let li = Actor::named("li");
    let mut inc = open(Severity::Critical, t(1, 2));
    assert_eq!(inc.state(), State::Open);
    inc.acknowledge(&li, None, t(1, 10), Some("在处理".into()), None)
        .unwrap();
    assert_eq!(inc.state(), State::Acknowledged);
    inc.plan(&li, None, t(2, 0), "切换备用库").unwrap();
    assert_eq!(inc.state(), State::Planned);
    inc.resolve(&li, None, t(5, 0), resolution()).unwrap();
    assert_eq!(inc.state(), State::Resolved);
    let ds = inc.deadlines(&Policy::default(), t(6, 0));
    assert!(
        ds.iter().all(|d| matches!(d.state, DeadlineState::Met { .. })),
        "{ds:?}"
    );
    assert_eq!(inc.deduction(&Policy::default(), t(6, 0)), 0.0);
    assert_eq!(inc.timeline.len(), 4);
}

#[test]
fn pending_then_late_deadlines_and_one_deduction_per_fault() {
    let policy = Policy::default();
    let inc = open(Severity::Critical, t(1, 0));
    let next = inc.next_deadline(&policy, t(1, 5)).unwrap();
    assert_eq!(next.stage, Stage::Respond);
    assert_eq!(
        next.state,
        DeadlineState::Pending {
            left: Duration::minutes(10)
        }
    );
    let ds = inc.deadlines(&policy, t(4, 0));
    assert_eq!(
        ds[0].state,
        DeadlineState::Late {
            at: None,
            by: Duration::minutes(165)
        }
    );
    assert_eq!(
        ds[1].state,
        DeadlineState::Late {
            at: None,
            by: Duration::minutes(60)
        }
    );
    assert!(matches!(ds[2].state, DeadlineState::Pending { .. }));
    // Late on two deadlines still costs once.
    assert_eq!(inc.deduction(&policy, t(4, 0)), 1.0);
    let major = open(Severity::Major, t(1, 0));
    assert_eq!(major.deduction(&policy, t(4, 0)), 0.3);
}

#[test]
fn planning_an_unacknowledged_incident_acknowledges_it_then_and_stays_late() {
    let policy = Policy::default();
    let mut inc = open(Severity::Major, t(1, 0));
    inc.plan(&Actor::named("wang"), None, t(1, 30), "回滚版本")
        .unwrap();
    let ack = inc.acknowledged.as_ref().unwrap();
    assert_eq!(ack.at, t(1, 30));
    let ds = inc.deadlines(&policy, t(1, 31));
    assert_eq!(
        ds[0].state,
        DeadlineState::Late {
            at: Some(t(1, 30)),
            by: Duration::minutes(15)
        }
    );
    assert!(matches!(ds[1].state, DeadlineState::Met { .. }));
}

#[test]
fn backdated_actions_keep_both_times_and_are_flagged() {
    let mut inc = open(Severity::Critical, t(1, 0));
    inc.acknowledge(&Actor::named("li"), Some(t(1, 5)), t(3, 0), None, None)
        .unwrap();
    let ack = inc.acknowledged.as_ref().unwrap();
    assert_eq!((ack.at, ack.recorded_at), (t(1, 5), t(3, 0)));
    assert_eq!(inc.backdated_steps().len(), 1);
    assert!(matches!(
        inc.deadlines(&Policy::default(), t(3, 0))[0].state,
        DeadlineState::Met { .. }
    ));
}

#[test]
fn times_in_the_future_or_before_detection_are_refused() {
    let li = Actor::named("li");
    let mut inc = open(Severity::Critical, t(1, 0));
    let before = inc.clone();
    assert!(matches!(
        inc.acknowledge(&li, Some(t(2, 0)), t(1, 10), None, None),
        Err(LifecycleError::Future { .. })
    ));
    assert!(matches!(
        inc.acknowledge(&li, Some(t(0, 59)), t(1, 10), None, None),
        Err(LifecycleError::TooEarly {
            what: "detection",
            ..
        })
    ));
    assert_eq!(inc, before);
}

#[test]
fn impossible_steps_are_refused_and_change_nothing() {
    let li = Actor::named("li");
    let mut inc = open(Severity::Critical, t(1, 0));
    let empty = Resolution {
        cause: "  ".into(),
        process: "x".into(),
        solution: None,
    };
    assert_eq!(
        inc.resolve(&li, None, t(2, 0), empty),
        Err(LifecycleError::Empty { field: "cause" })
    );
    inc.resolve(&li, None, t(2, 0), resolution()).unwrap();
    let before = inc.clone();
    assert!(matches!(
        inc.resolve(&li, None, t(3, 0), resolution()),
        Err(LifecycleError::Resolved { .. })
    ));
    assert!(matches!(
        inc.acknowledge(&li, None, t(3, 0), None, None),
        Err(LifecycleError::Resolved { .. })
    ));
    assert_eq!(inc, before);
    // Notes are allowed after resolution.
    inc.note(&li, None, t(3, 0), "用户确认恢复").unwrap();
}

#[test]
fn minor_fault_due_time_is_agreed_at_acknowledgement() {
    let policy = Policy::default();
    let li = Actor::named("li");
    let mut minor = open(Severity::Minor, t(1, 0));
    assert!(minor.deadlines(&policy, t(9, 0)).is_empty());
    minor
        .acknowledge(&li, None, t(1, 10), None, Some(t(8, 0)))
        .unwrap();
    let ds = minor.deadlines(&policy, t(9, 0));
    assert_eq!(ds.len(), 1);
    assert_eq!(
        ds[0].state,
        DeadlineState::Late {
            at: None,
            by: Duration::hours(1)
        }
    );
    assert!((minor.deduction(&policy, t(9, 0)) - 0.2).abs() < 1e-9);
    let mut critical = open(Severity::Critical, t(1, 0));
    assert_eq!(
        critical.acknowledge(&li, None, t(1, 10), None, Some(t(8, 0))),
        Err(LifecycleError::DueNotAllowed)
    );
}

#[test]
fn reclassification_needs_a_reason_and_recomputes_deadlines() {
    let policy = Policy::default();
    let li = Actor::named("li");
    let mut inc = open(Severity::Major, t(1, 0));
    assert_eq!(
        inc.reclassify(&li, None, t(2, 0), Severity::Critical, ""),
        Err(LifecycleError::Empty { field: "reason" })
    );
    inc.reclassify(&li, None, t(2, 0), Severity::Critical, "影响全部用户登录")
        .unwrap();
    let ds = inc.deadlines(&policy, t(2, 0));
    assert_eq!(ds[2].due, t(13, 0));
    assert!(matches!(
        inc.reclassify(&li, None, t(2, 0), Severity::Critical, "x"),
        Err(LifecycleError::SameSeverity { .. })
    ));
}

#[test]
fn service_restoration_stops_the_recover_clock_but_keeps_the_incident_open() {
    let policy = Policy::default();
    let mut inc = open(Severity::Critical, t(1, 0));
    inc.restore(t(3, 0), t(3, 0));
    assert!(inc.is_open());
    let ds = inc.deadlines(&policy, t(20, 0));
    assert_eq!(ds[2].state, DeadlineState::Met { at: t(3, 0) });
}

#[test]
fn security_and_change_tickets_use_their_own_clocks() {
    let policy = Policy::default();
    let li = Actor::named("li");
    let mut change = Incident::open(
        IncidentId { year: 2026, seq: 2 },
        NewIncident {
            kind: Kind::Change,
            ..new(Severity::Major)
        },
        li.clone(),
        t(1, 0),
    )
    .unwrap();
    assert_eq!(change.deadlines(&policy, t(1, 0)).len(), 1);
    change.acknowledge(&li, None, t(5, 0), None, None).unwrap();
    assert!(matches!(
        change.deadlines(&policy, t(5, 0))[0].state,
        DeadlineState::Met { .. }
    ));
    // Only faults cost score.
    let late_change = Incident::open(
        IncidentId { year: 2026, seq: 3 },
        NewIncident {
            kind: Kind::Change,
            ..new(Severity::Critical)
        },
        li,
        t(1, 0),
    )
    .unwrap();
    assert_eq!(late_change.deduction(&policy, t(1, 0) + Duration::days(3)), 0.0);
}

#[test]
fn a_fault_late_under_two_severities_is_charged_once_at_the_more_severe() {
    let policy = Policy::default();
    let li = Actor::named("li");
    // Detected 01:00 as critical: respond due 01:15, plan due 03:00.
    let mut inc = open(Severity::Critical, t(1, 0));
    // 01:20: respond missed as critical; reclassified major.
    inc.reclassify(&li, None, t(1, 20), Severity::Major, "只影响部分用户")
        .unwrap();
    // 05:30: major's plan (due 05:00) missed too; reclassified minor.
    inc.reclassify(&li, None, t(5, 30), Severity::Minor, "界面问题")
        .unwrap();
    let misses: Vec<(Severity, Stage)> = inc
        .earlier_misses(&policy)
        .iter()
        .map(|m| (m.severity, m.stage))
        .collect();
    // Critical: respond (01:15) missed before 01:20; its plan (03:00) was not yet due. Major: respond (01:15)
    // and plan (05:00) both passed undone before 05:30.
    assert_eq!(
        misses,
        [
            (Severity::Critical, Stage::Respond),
            (Severity::Major, Stage::Respond),
            (Severity::Major, Stage::Plan),
        ]
    );
    // Charged once, as critical: 1 point, not 1 + 0.3.
    assert_eq!(inc.charged_severity(&policy, t(6, 0)), Some(Severity::Critical));
    assert_eq!(inc.deduction(&policy, t(6, 0)), 1.0);
    assert!(inc.is_breached(&policy, t(6, 0)));
}
