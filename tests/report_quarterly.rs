//! A scripted quarter (2026Q4) on a real store, the engine driven by a `ManualClock`: faults handled on time
//! and late, a back-dated acknowledgement, a server alarm reported too late, the three other ticket kinds,
//! daily records with gaps, monthly inspections, advice and hand-entered items. The quarterly report is then
//! produced in Markdown, JSON and CSV.

#[path = "records_support/rig.rs"]
mod rig;

use chrono::{Datelike, Duration, NaiveDate};
use rig::{Rig, local};
use watchdesk::engine::{RecordsCommand, RecordsReply};
use watchdesk::history::{self, Bucket};
use watchdesk::model::{AutoSource, DailyEntry, HandItem, MonthlyEntry, Quarter};
use watchdesk::policy::{Kind, Severity};
use watchdesk::report::quarterly::{self, QuarterlyReport};
use watchdesk::report::score::ScoreItem;
use watchdesk::store::Store;

const Q4: Quarter = Quarter { year: 2026, q: 4 };

/// One bucket per hour of the quarter for each subsystem (120 probes each); the digital subsystem is down for
/// the hour 01:00–02:00 local on 5 October.
fn write_history(dir: &std::path::Path) {
    let store = Store::open_keyed(dir, rig::test_key()).unwrap();
    let subsystems = ["sysadmin", "digital", "engineering", "smart", "display"];
    let mut buckets = Vec::new();
    for (n, sub) in subsystems.iter().enumerate() {
        for day in Q4.days() {
            for hour in 0..24u32 {
                let at = local(2026, 10, 1, 0, 0)
                    + Duration::days((day - Q4.first_day()).num_days())
                    + Duration::hours(hour as i64);
                let down =
                    *sub == "digital" && day == NaiveDate::from_ymd_opt(2026, 10, 5).unwrap() && hour == 1;
                let mut b = Bucket::default();
                for i in 0..120u64 {
                    b.add(80 + 20 * n as u64 + i % 7, down);
                }
                buckets.push((history::key(sub, history::minute_of(at)), b));
            }
        }
    }
    history::write(&store, buckets).unwrap();
    store.sync().unwrap();
}

/// Plays the quarter; returns the report produced on 4 January.
async fn play_quarter() -> (Rig, QuarterlyReport) {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    let rig = Rig::start_in(dir, local(2026, 10, 1, 8, 0));
    let days: Vec<NaiveDate> = Q4.days().collect();
    for (i, day) in days.iter().enumerate() {
        let at = |h, m| local(2026, day.month(), day.day(), h, m);
        match (day.month(), day.day()) {
            (10, 5) => {
                rig.set(at(9, 0));
                let id = rig
                    .open(
                        "watchdesk",
                        Kind::Fault,
                        Severity::Critical,
                        "数字管理子系统无法访问",
                        Some("digital"),
                        Some(AutoSource::Subsystem {
                            id: "digital".into(),
                            check: "digital/http-1".into(),
                            slow: false,
                        }),
                    )
                    .await;
                rig.set(at(9, 5));
                rig.ack("li", id, None, Some("排查中")).await;
                rig.set(at(9, 30));
                rig.plan("li", id, "切换备用数据库").await;
                rig.set(at(11, 0));
                rig.resolve(
                    "li",
                    id,
                    "数据库主节点磁盘满",
                    "清理归档日志并切换",
                    Some("增加磁盘告警"),
                )
                .await;
            }
            (10, 12) => {
                rig.set(at(14, 0));
                let id = rig
                    .open(
                        "li",
                        Kind::Fault,
                        Severity::Major,
                        "工程检测平台报表导出失败",
                        Some("engineering"),
                        None,
                    )
                    .await;
                // Answered by phone at 14:10, logged at 16:00: back-dated, on time.
                rig.set(at(16, 0));
                rig.ack("li", id, Some(at(14, 10)), Some("电话响应")).await;
                rig.plan("li", id, "回滚报表组件").await;
            }
            (10, 13) => {
                // Recovered at 16:00, two hours after the 24 h limit.
                rig.set(at(16, 0));
                let id = "2026-0002".parse().unwrap();
                rig.resolve("li", id, "报表组件升级不兼容", "回滚至上一版本", None)
                    .await;
            }
            (11, 3) => {
                rig.set(at(3, 0));
                let id = rig
                    .open(
                        "watchdesk",
                        Kind::Fault,
                        Severity::Major,
                        "app-01 磁盘使用率超过 90%",
                        None,
                        Some(AutoSource::Host {
                            name: "app-01".into(),
                            gauge: "disk /".into(),
                        }),
                    )
                    .await;
                // Reported 13.5 hours later: late for the server-report rule and for the response.
                rig.set(at(16, 30));
                rig.ack("wang", id, None, None).await;
                rig.set(at(17, 0));
                rig.resolve("wang", id, "日志未轮转", "清理并配置 logrotate", None)
                    .await;
            }
            (11, 20) => {
                rig.set(at(10, 0));
                let id = rig
                    .open(
                        "li",
                        Kind::Change,
                        Severity::Minor,
                        "新增检测机构导出字段",
                        None,
                        None,
                    )
                    .await;
                rig.set(at(11, 0));
                rig.ack("li", id, None, None).await;
            }
            (11, 25) => {
                rig.set(at(9, 0));
                let id = rig
                    .open(
                        "li",
                        Kind::Fault,
                        Severity::Minor,
                        "登录页提示\"密码错误\", 实际正确",
                        Some("sysadmin"),
                        None,
                    )
                    .await;
                rig.set(at(10, 0));
                rig.ack("li", id, None, None).await;
                rig.resolve("li", id, "提示文案错误", "修改文案,\n重新发布", None)
                    .await;
            }
            (12, 1) => {
                rig.set(at(9, 0));
                rig.open(
                    "li",
                    Kind::Security,
                    Severity::Major,
                    "等保测评：弱口令策略",
                    None,
                    None,
                )
                .await;
            }
            (12, 8) => {
                rig.set(at(15, 0));
                rig.resolve(
                    "li",
                    "2026-0006".parse().unwrap(),
                    "口令策略未启用",
                    "启用复杂度策略",
                    None,
                )
                .await;
            }
            (12, 10) => {
                rig.set(at(10, 0));
                rig.open(
                    "li",
                    Kind::Support,
                    Severity::Major,
                    "用户咨询批量导入",
                    None,
                    None,
                )
                .await;
            }
            _ => {}
        }
        if matches!((day.month(), day.day()), (10, 15) | (11, 14)) {
            rig.set(at(16, 0));
            rig.records(
                "li",
                RecordsCommand::SaveMonthly(MonthlyEntry {
                    date: *day,
                    by: "王工".into(),
                    findings: "机房巡检正常".into(),
                }),
            )
            .await;
        }
        // Every 10th day has no record; weekends-ish have no archive.
        if i % 10 != 9 {
            rig.set(at(20, 0));
            rig.records(
                "li",
                RecordsCommand::SaveDaily {
                    date: None,
                    entry: DailyEntry {
                        anomaly_checked: true,
                        anomaly_note: None,
                        archive_done: Some(i % 7 != 6),
                        notes: None,
                    },
                },
            )
            .await;
        }
    }
    rig.set(local(2027, 1, 4, 9, 0));
    rig.records(
        "li",
        RecordsCommand::SetAdvice {
            quarter: Some(Q4),
            text: "建议增加数据库只读副本；\n建议配置磁盘使用率预警。".into(),
        },
    )
    .await;
    for (item, value, reason) in [
        // Personnel: not reachable once (10 − 1 = 9), no staff change (15), extra staff always came (5),
        // satisfaction 15: 9 + 15 + 5 + 15 = 44.
        (HandItem::PersonnelContact, 1.0, "一次请假未报备"),
        (HandItem::PersonnelChange, 0.0, "无"),
        (HandItem::PersonnelExtra, 0.0, "无"),
        (HandItem::PersonnelSatisfaction, 15.0, "满意"),
        (HandItem::AssignedTasks, 5.0, "按时完成"),
        (HandItem::Complaints, 0.0, "无"),
        (HandItem::Notices, 0.0, "无"),
    ] {
        rig.records(
            "li",
            RecordsCommand::SetScoreItem {
                quarter: Some(Q4),
                item,
                value,
                reason: reason.into(),
            },
        )
        .await;
    }
    rig.set(local(2027, 1, 4, 10, 0));
    let RecordsReply::Quarterly(report) = rig
        .records("li", RecordsCommand::QuarterlyReport { quarter: Some(Q4) })
        .await
    else {
        panic!("expected the quarterly report");
    };
    (rig, report)
}

#[tokio::test]
async fn the_quarterly_report_in_markdown_json_and_csv() {
    let (rig, report) = play_quarter().await;

    // What the report found.
    assert_eq!(report.incidents.len(), 7);
    assert_eq!(report.faults().count(), 4);
    assert_eq!(report.tickets().count(), 3);
    let late: Vec<&str> = report
        .faults()
        .filter(|f| f.late)
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(late, ["2026-0002", "2026-0003"]);
    let backdated: Vec<(&str, &str)> = report
        .backdated()
        .map(|(i, b)| (i.id.as_str(), b.step.as_str()))
        .collect();
    assert_eq!(backdated, [("2026-0002", "acknowledged")]);
    assert_eq!(report.host_alarms.len(), 1);
    assert_eq!(report.host_alarms[0].reported_in_time, Some(false));
    assert_eq!(report.ledger.days_counted, 92);
    assert_eq!(report.ledger.recorded, 83);
    assert_eq!(report.ledger.missing.len(), 9);
    assert_eq!(report.monthly.len(), 2);
    let digital = report.availability.iter().find(|a| a.id == "digital").unwrap();
    assert_eq!((digital.count, digital.fails), (92 * 24 * 120, 120));
    let s = &report.score;
    assert!(s.finished);
    assert_eq!(s.points(ScoreItem::FaultResponse), 14.4);
    // Produced, not yet delivered: the summary's points wait for the delivery record.
    assert_eq!(s.points(ScoreItem::QuarterlySummary), 0.0);
    assert_eq!(s.points(ScoreItem::ServerReport), 0.0);
    assert_eq!(s.points(ScoreItem::Personnel), 44.0);
    assert!(s.not_entered.is_empty());

    // Markdown: reads as a document, flags the back-dated acknowledgement.
    let md = quarterly::markdown(&report);
    assert!(md.contains(
        "- **补录 Back-dated**: acknowledged happened 2026-10-12 14:10, logged 2026-10-12 16:00 by li"
    ));
    assert!(md.contains("## 6. 补录 Back-dated actions (1)"));
    insta::assert_snapshot!("quarterly_2026q4", md);

    // JSON: for machines, every field.
    let json: serde_json::Value = serde_json::from_str(&quarterly::json(&report)).unwrap();
    assert_eq!(json["quarter"], "2026Q4");
    assert_eq!(json["incidents"].as_array().unwrap().len(), 7);
    assert_eq!(json["incidents"][1]["backdated"][0]["step"], "acknowledged");
    assert_eq!(json["score"]["total"], s.total);
    assert_eq!(json["timezone"], "Asia/Shanghai");

    // CSV: UTF-8 with a BOM, one row per incident, quoted where needed.
    let csv_text = quarterly::csv(&report);
    assert!(csv_text.starts_with('\u{feff}'));
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "编号 id");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), report.incidents.len());
    let col = |name: &str| header.iter().position(|h| h.ends_with(name)).unwrap();
    assert_eq!(&rows[1][col("back-dated")][..12], "acknowledged");
    assert!(
        rows.iter()
            .filter(|r| r[0] != *"2026-0002")
            .all(|r| r[col("back-dated")].is_empty())
    );
    let minor = rows.iter().find(|r| r[0] == *"2026-0005").unwrap();
    assert_eq!(&minor[col("title")], "登录页提示\"密码错误\", 实际正确");
    assert_eq!(&minor[col("process")], "修改文案,\n重新发布");
    assert_eq!(&rows[1][col("late")], "yes");
    assert_eq!(&rows[1][col("recover")], "late");

    // Recording its delivery earns the quarterly summary: 0 → 5.
    rig.records(
        "li",
        RecordsCommand::Contract(watchdesk::engine::ContractCommand::ReportDelivered {
            quarter: Some(Q4),
            to: "水利厅 张工".into(),
            at: None,
            note: None,
        }),
    )
    .await;
    let RecordsReply::Score(after) = rig
        .records("li", RecordsCommand::Score { quarter: Some(Q4) })
        .await
    else {
        panic!("expected the score");
    };
    assert_eq!(after.points(ScoreItem::QuarterlySummary), 5.0);
    assert_eq!(after.total, s.total + 5.0);

    // Producing it was recorded.
    let (_dir, store) = rig.stop().await;
    let produced: Vec<_> = store
        .audit_events()
        .map(Result::unwrap)
        .filter(|e| e.action == "report.quarterly")
        .collect();
    assert_eq!(produced.len(), 1);
    assert_eq!(produced[0].target, "2026Q4/quarterly");
    assert!(store.verify_audit().unwrap().is_ok());
}
