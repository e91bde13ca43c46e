//! The records through the engine, on a real store, with the clock moved by hand: the local day boundary,
//! audited amendments, host peaks and backup results in the ledger, and the reminders and live score the
//! snapshot carries.

#[path = "records_support/rig.rs"]
mod rig;

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate};
use rig::{Rig, local};
use watchdesk::clock::Clock;
use watchdesk::engine::{Command, RecordsCommand, RecordsReply};
use watchdesk::hosts::{Gauges, HostReading, HostSample};
use watchdesk::model::{DailyEntry, HandItem, MonthlyEntry, Quarter};
use watchdesk::policy::{Kind, Severity, Stage};
use watchdesk::probe::{Outcome, Phase, ProbeResult};

fn entry(checked: bool) -> DailyEntry {
    DailyEntry {
        anomaly_checked: checked,
        anomaly_note: None,
        archive_done: None,
        notes: None,
    }
}

async fn save_daily(
    rig: &Rig,
    date: Option<NaiveDate>,
    checked: bool,
) -> watchdesk::report::daily::DailyView {
    match rig
        .records(
            "li",
            RecordsCommand::SaveDaily {
                date,
                entry: entry(checked),
            },
        )
        .await
    {
        RecordsReply::Daily(v) => v,
        other => panic!("expected a day, got {other:?}"),
    }
}

#[tokio::test]
async fn the_day_boundary_is_local_midnight_in_the_platform_zone() {
    // 23:30 in Shanghai is 15:30 UTC the same day; 00:30 is 16:30 UTC, still 2 November in UTC.
    let rig = Rig::start(local(2026, 11, 2, 23, 30));
    let late = rig
        .open("li", Kind::Fault, Severity::Critical, "深夜故障", None, None)
        .await;
    let view = save_daily(&rig, None, true).await;
    assert_eq!(view.date, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
    assert_eq!(view.figures.opened, [late.to_string()]);

    rig.set(local(2026, 11, 3, 0, 30));
    let early = rig
        .open("li", Kind::Fault, Severity::Major, "凌晨故障", None, None)
        .await;
    let view = save_daily(&rig, None, true).await;
    assert_eq!(view.date, NaiveDate::from_ymd_opt(2026, 11, 3).unwrap());
    assert_eq!(view.figures.opened, [early.to_string()]);
    assert!(!view.figures.complete);

    let RecordsReply::Daily(before) = rig
        .records(
            "li",
            RecordsCommand::DailyView {
                date: NaiveDate::from_ymd_opt(2026, 11, 2),
            },
        )
        .await
    else {
        panic!("expected a day");
    };
    assert_eq!(before.figures.opened, [late.to_string()]);
    assert!(before.figures.complete);
    // Its respond deadline (23:45 on the 2nd) was missed that day; its plan (01:30) is not due yet.
    let missed: Vec<(String, Stage)> = before
        .figures
        .deadlines_missed
        .iter()
        .map(|m| (m.id.clone(), m.stage))
        .collect();
    assert_eq!(missed, [(late.to_string(), Stage::Respond)]);
    rig.stop().await;
}

#[tokio::test]
async fn an_amended_record_keeps_the_earlier_version_in_the_audit_log() {
    let rig = Rig::start(local(2026, 11, 2, 10, 0));
    let config = rig::config();
    let backup_check = config
        .subsystems
        .iter()
        .flat_map(|s| &s.checks)
        .find(|c| c.spec.kind() == "file")
        .unwrap()
        .id
        .clone();
    for (cpu, at_min) in [(40.0, 0), (91.5, 5), (55.0, 10)] {
        let sample = HostSample {
            host: "app-01".into(),
            at: rig.clock.now() + Duration::minutes(at_min),
            reading: HostReading::Gauges(Gauges {
                cpu_pct: Some(cpu),
                mem_pct: Some(50.0),
                ..Gauges::default()
            }),
        };
        rig.engine.host_sender().send(sample).await.unwrap();
    }
    let result = ProbeResult {
        check_id: backup_check.clone(),
        subsystem: "digital".into(),
        started_at: rig.clock.now(),
        latency: StdDuration::from_millis(3),
        outcome: Outcome::Down {
            phase: Phase::File,
            reason: "newest backup is 30h old".into(),
        },
    };
    rig.engine.probe_sender().send(result).await.unwrap();
    let mut snapshots = rig.engine.subscribe();
    // Bounded: a reading the engine never shows fails the test instead of hanging it.
    tokio::time::timeout(StdDuration::from_secs(30), async {
        loop {
            let seen = {
                let s = snapshots.borrow_and_update();
                let probed = s
                    .subsystems
                    .iter()
                    .flat_map(|v| &v.checks)
                    .any(|c| c.last.is_some());
                // Samples are folded in order: the last one showing means all three were seen.
                let last_sample = s
                    .hosts
                    .iter()
                    .any(|h| matches!(&h.reading, Some(HostReading::Gauges(g)) if g.cpu_pct == Some(55.0)));
                probed && last_sample
            };
            if seen {
                break;
            }
            snapshots.changed().await.unwrap();
        }
    })
    .await
    .expect("the engine shows the readings");
    let first = save_daily(&rig, None, true).await;
    let record = first.record.unwrap();
    assert_eq!(record.revision, 1);
    let hosts = record.figures.hosts.clone().unwrap();
    assert_eq!(hosts[0].name, "app-01");
    assert_eq!(hosts[0].cpu_pct, Some(91.5));
    let backups = record.figures.backups.clone().unwrap();
    let backup = backups.iter().find(|b| b.check_id == backup_check).unwrap();
    assert_eq!(backup.ok, Some(false));
    assert_eq!(record.figures.backups_ok(), Some(false));

    rig.set(local(2026, 11, 2, 11, 0));
    let second = save_daily(&rig, None, false).await;
    assert_eq!(second.record.unwrap().revision, 2);
    let (_dir, store) = rig.stop().await;
    let saves: Vec<_> = store
        .audit_events()
        .map(Result::unwrap)
        .filter(|e| e.action == "daily.save")
        .collect();
    assert_eq!(saves.len(), 2);
    assert_eq!(saves[0].payload["previous"], serde_json::Value::Null);
    assert_eq!(saves[1].target, "2026-11-02");
    assert_eq!(saves[1].payload["previous"]["anomaly_checked"], true);
    assert_eq!(saves[1].payload["entry"]["anomaly_checked"], false);
    assert_eq!(store.verify_audit().unwrap(), Ok(2));
}

#[tokio::test(start_paused = true)]
async fn the_snapshot_carries_reminders_and_a_live_score() {
    let rig = Rig::start(local(2026, 11, 2, 17, 30));
    let snap = rig.engine.snapshot();
    assert!(!snap.records.daily_missing, "before the reminder hour");
    assert!(snap.records.monthly_missing);
    let score = snap.score.clone().unwrap();
    assert_eq!(score.quarter, "2026Q4");
    assert_eq!(score.fault_deductions, 0.0);
    assert_eq!(score.lines.len(), 10);
    // Four personnel sub-items, tasks, complaints, notices.
    assert_eq!(score.not_entered.len(), 7);

    // 18:00 passes with nothing else happening: the next tick raises the reminder.
    rig.set(local(2026, 11, 2, 18, 1));
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    assert!(rig.engine.snapshot().records.daily_missing);

    save_daily(&rig, None, true).await;
    assert!(!rig.engine.snapshot().records.daily_missing);
    rig.records(
        "li",
        RecordsCommand::SaveMonthly(MonthlyEntry {
            date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            by: "王工".into(),
            findings: "机房温湿度正常".into(),
        }),
    )
    .await;
    assert!(!rig.engine.snapshot().records.monthly_missing);

    // A critical fault left unacknowledged: its cost appears once its first deadline passes.
    rig.open("li", Kind::Fault, Severity::Critical, "系统无法登录", None, None)
        .await;
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    assert_eq!(rig.engine.snapshot().score.clone().unwrap().fault_deductions, 0.0);
    rig.set(local(2026, 11, 2, 18, 20));
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    let score = rig.engine.snapshot().score.clone().unwrap();
    assert_eq!(score.fault_deductions, 1.0);
    assert_eq!(score.faults.len(), 1);

    // Hand-entered items move the total and are no longer flagged.
    let before = score.total;
    rig.records(
        "li",
        RecordsCommand::SetScoreItem {
            quarter: None,
            item: HandItem::PersonnelSatisfaction,
            value: 13.0,
            reason: "甲方评分".into(),
        },
    )
    .await;
    let score = rig.engine.snapshot().score.clone().unwrap();
    // Satisfaction 13 of 15: the total loses 2; six items stay unentered (three personnel sub-items, tasks,
    // complaints, notices).
    assert_eq!(score.total, before - 2.0);
    assert_eq!(score.not_entered.len(), 6);
    rig.stop().await;
}

#[tokio::test]
async fn bad_record_input_is_refused_and_nothing_is_written() {
    let rig = Rig::start(local(2026, 11, 2, 10, 0));
    let refuse = |command: RecordsCommand| {
        let engine = rig.engine.clone();
        async move {
            let err = engine
                .execute(watchdesk::model::Actor::named("li"), Command::Records(command))
                .await
                .unwrap_err();
            assert!(err.is_bad_input(), "{err}");
            err.to_string()
        }
    };
    let err = refuse(RecordsCommand::SaveDaily {
        date: NaiveDate::from_ymd_opt(2026, 11, 3),
        entry: entry(true),
    })
    .await;
    assert!(err.contains("in the future"), "{err}");
    let err = refuse(RecordsCommand::SetScoreItem {
        quarter: None,
        item: HandItem::Notices,
        value: 5.0,
        reason: "x".into(),
    })
    .await;
    assert_eq!(err, "notices must be a whole count from 0 to 4, got 5");
    let err = refuse(RecordsCommand::QuarterlyReport {
        quarter: Some(Quarter { year: 2027, q: 1 }),
    })
    .await;
    assert!(err.contains("2027-01-01 is in the future"), "{err}");
    let err = refuse(RecordsCommand::RecordHandover {
        to: " ".into(),
        notes: None,
        since: None,
    })
    .await;
    assert!(err.contains("must not be empty"), "{err}");
    let (_dir, store) = rig.stop().await;
    assert_eq!(store.verify_audit().unwrap(), Ok(0));
}
