//! A scripted day shift, handed over in the evening: the summary lists what is still open with its deadlines,
//! everything that happened with who did it, the live health and host warnings, and the records missing.

#[path = "records_support/rig.rs"]
mod rig;

use std::time::Duration as StdDuration;

use rig::{Rig, local};
use watchdesk::clock::Clock;
use watchdesk::engine::{RecordsCommand, RecordsReply};
use watchdesk::hosts::{DiskGauge, Gauges, HostReading, HostSample};
use watchdesk::model::{AutoSource, DailyEntry};
use watchdesk::policy::{Kind, Severity};
use watchdesk::probe::{Outcome, ProbeResult};
use watchdesk::report::handover::{self, EventKind, SinceBasis};

async fn probe(rig: &Rig, check: &str, subsystem: &str, ms: u64, outcome: Outcome) {
    let result = ProbeResult {
        check_id: check.into(),
        subsystem: subsystem.into(),
        started_at: rig.clock.now(),
        latency: StdDuration::from_millis(ms),
        outcome,
    };
    rig.engine.probe_sender().send(result).await.unwrap();
}

#[tokio::test]
async fn a_day_shift_is_handed_over_with_everything_the_next_engineer_needs() {
    let day = |h, m| local(2026, 11, 2, h, m);
    let rig = Rig::start(day(7, 55));

    // The night engineer hands over to li at 08:00: the day shift's period starts there.
    rig.set(day(8, 0));
    let night = rig
        .records(
            "wang",
            RecordsCommand::RecordHandover {
                to: "li".into(),
                notes: Some("夜班平稳".into()),
                since: None,
            },
        )
        .await;
    assert!(matches!(night, RecordsReply::HandoverRecorded { .. }));

    // 09:00 the monitor opens a critical fault; li handles it well within its deadlines.
    rig.set(day(9, 0));
    let digital_check = "digital/http-1";
    let outage = rig
        .open(
            "watchdesk",
            Kind::Fault,
            Severity::Critical,
            "数字管理子系统无法访问",
            Some("digital"),
            Some(AutoSource::Subsystem {
                id: "digital".into(),
                check: digital_check.into(),
                slow: false,
            }),
        )
        .await;
    rig.set(day(9, 5));
    rig.ack("li", outage, None, Some("排查中")).await;
    rig.set(day(9, 40));
    rig.plan("li", outage, "重启应用服务").await;
    rig.set(day(10, 30));
    rig.resolve(
        "li",
        outage,
        "数据库连接池耗尽",
        "重启应用并调大连接池",
        Some("连接池 50 → 200"),
    )
    .await;

    // 14:00 a major fault, acknowledged late at 14:30; still open at handover.
    rig.set(day(14, 0));
    let slow = rig
        .open(
            "li",
            Kind::Fault,
            Severity::Major,
            "综合展示子系统地图加载缓慢",
            Some("display"),
            None,
        )
        .await;
    rig.set(day(14, 30));
    rig.ack("li", slow, None, None).await;

    // 15:00 a change request, answered by phone at 15:10 and logged at 16:00.
    rig.set(day(15, 0));
    let change = rig
        .open(
            "li",
            Kind::Change,
            Severity::Minor,
            "新增检测机构导出字段",
            None,
            None,
        )
        .await;
    rig.set(day(16, 0));
    rig.ack("li", change, Some(day(15, 10)), Some("电话确认需求"))
        .await;

    // Live state: probes and a host reading.
    rig.set(day(19, 55));
    probe(
        &rig,
        "sysadmin/http-1",
        "sysadmin",
        120,
        Outcome::Up {
            detail: "HTTP 200".into(),
        },
    )
    .await;
    probe(
        &rig,
        digital_check,
        "digital",
        310,
        Outcome::Up {
            detail: "HTTP 200".into(),
        },
    )
    .await;
    probe(
        &rig,
        "display/http-1",
        "display",
        2600,
        Outcome::Degraded {
            reason: "slower than 2s".into(),
        },
    )
    .await;
    let sample = HostSample {
        host: "app-01".into(),
        at: rig.clock.now(),
        reading: HostReading::Gauges(Gauges {
            cpu_pct: Some(35.0),
            mem_pct: Some(62.5),
            mem_total_bytes: None,
            swap_pct: None,
            load: None,
            disks: vec![DiskGauge {
                mount: "/".into(),
                device: "/dev/vda1".into(),
                used_pct: 86.0,
                total_bytes: 100,
                used_bytes: 86,
            }],
        }),
    };
    rig.engine.host_sender().send(sample).await.unwrap();
    let mut snapshots = rig.engine.subscribe();
    // Bounded: a reading the engine never shows fails the test instead of hanging it.
    tokio::time::timeout(StdDuration::from_secs(30), async {
        loop {
            let seen = {
                let s = snapshots.borrow_and_update();
                s.hosts.iter().any(|h| h.reading.is_some())
                    && s.subsystems
                        .iter()
                        .filter(|v| v.checks.iter().any(|c| c.last.is_some()))
                        .count()
                        == 3
            };
            if seen {
                break;
            }
            snapshots.changed().await.unwrap();
        }
    })
    .await
    .expect("the engine shows the readings");

    rig.set(day(18, 30));
    rig.records(
        "li",
        RecordsCommand::SaveDaily {
            date: None,
            entry: DailyEntry {
                anomaly_checked: true,
                anomaly_note: None,
                archive_done: Some(true),
                notes: None,
            },
        },
    )
    .await;

    rig.set(day(20, 0));
    let summary = match rig
        .records(
            "li",
            RecordsCommand::HandoverSummary {
                since: None,
                notes: Some("地图缓慢问题待厂商回复；明早复查。\n变更需求已确认，待排期。".into()),
            },
        )
        .await
    {
        RecordsReply::Handover(s) => s,
        other => panic!("expected a summary, got {other:?}"),
    };
    assert_eq!(summary.since, day(8, 0));
    assert_eq!(summary.since_basis, SinceBasis::LastHandover);
    let open: Vec<&str> = summary.open.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(open, ["2026-0002", "2026-0003"]);
    assert!(summary.events.iter().any(|e| e.target == "2026-0002"
        && e.what
            == EventKind::DeadlineMissed {
                stage: watchdesk::policy::Stage::Respond
            }));
    let change_ack = summary
        .events
        .iter()
        .find(|e| e.target == "2026-0003" && e.what == EventKind::Acknowledged)
        .unwrap();
    assert!(change_ack.backdated);
    assert_eq!(summary.hosts_warning.as_ref().unwrap().len(), 1);
    assert!(summary.missing.monthly);
    assert!(!summary.missing.daily_today);

    insta::assert_snapshot!("day_shift_handover", handover::markdown(&summary));
    let json: serde_json::Value = serde_json::from_str(&handover::json(&summary)).unwrap();
    assert_eq!(json["open"].as_array().unwrap().len(), 2);
    assert_eq!(json["timezone"], "Asia/Shanghai");

    // Handing over records it; the next summary starts there.
    let recorded = rig
        .records(
            "li",
            RecordsCommand::RecordHandover {
                to: "zhang".into(),
                notes: summary.notes.clone(),
                since: None,
            },
        )
        .await;
    let RecordsReply::HandoverRecorded { record, .. } = recorded else {
        panic!("expected a recorded handover");
    };
    assert_eq!(record.open, ["2026-0002", "2026-0003"]);
    rig.set(day(20, 5));
    let RecordsReply::Handover(next) = rig
        .records(
            "zhang",
            RecordsCommand::HandoverSummary {
                since: None,
                notes: None,
            },
        )
        .await
    else {
        panic!("expected a summary");
    };
    assert_eq!(next.since, day(20, 0));
    assert_eq!(next.last_handover.unwrap().to, "zhang");

    let (_dir, store) = rig.stop().await;
    let handovers: Vec<_> = store
        .audit_events()
        .map(Result::unwrap)
        .filter(|e| e.action == "handover.record")
        .collect();
    assert_eq!(handovers.len(), 2);
    assert_eq!(handovers[1].actor.user, "li");
}

#[test]
fn the_clipboard_sequence_is_osc_52_with_tmux_passthrough() {
    use watchdesk::report::osc52;
    let plain = osc52::sequence("交接班", false);
    assert!(plain.starts_with("\x1b]52;c;") && plain.ends_with('\x07'));
    let tmux = osc52::sequence("交接班", true);
    assert_eq!(tmux, format!("\x1bPtmux;\x1b{plain}\x1b\\"));
}

#[tokio::test]
async fn an_incident_opened_critical_and_reclassified_reads_opened_critical() {
    let day = |h, m| local(2026, 11, 3, h, m);
    let rig = Rig::start(day(8, 0));
    let id = rig
        .open(
            "li",
            Kind::Fault,
            Severity::Critical,
            "数据库连接失败",
            Some("digital"),
            None,
        )
        .await;
    rig.set(day(8, 30));
    rig.run(
        "li",
        watchdesk::engine::Command::Reclassify {
            id,
            severity: Severity::Major,
            reason: "仅影响报表导出".into(),
        },
    )
    .await;
    rig.set(day(9, 0));
    let RecordsReply::Handover(summary) = rig
        .records(
            "li",
            RecordsCommand::HandoverSummary {
                since: None,
                notes: None,
            },
        )
        .await
    else {
        panic!("expected a handover summary")
    };
    let opened: Vec<_> = summary
        .events
        .iter()
        .filter(|e| matches!(e.what, EventKind::Opened { .. }))
        .collect();
    assert_eq!(opened.len(), 1, "{:?}", summary.events);
    assert!(
        matches!(
            opened[0].what,
            EventKind::Opened {
                severity: Severity::Critical
            }
        ),
        "opened as it was opened, not as it is now: {:?}",
        opened[0]
    );
    let text = handover::markdown(&summary);
    assert!(text.contains("opened (critical)"), "{text}");
    assert!(!text.contains("opened (major)"), "{text}");
}
