//! A quarter (2026Q4) for the document formats, played on a real store by the engine under a `ManualClock`:
//! probe history with outages and slow weeks, faults of every severity (some late), tickets whose titles a
//! spreadsheet would run as formulas, a server alarm reported late, daily records with gaps, advice and the
//! hand-entered score items. The report is produced once and shared by the tests of a binary.

#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate};
use watchdesk::engine::{RecordsCommand, RecordsReply};
use watchdesk::history::{self, Bucket};
use watchdesk::model::{AutoSource, DailyEntry, HandItem, Quarter};
use watchdesk::policy::{Kind, Severity};
use watchdesk::report::Format;
use watchdesk::report::daily::DailyView;
use watchdesk::report::handover::HandoverSummary;
use watchdesk::report::quarterly::{QuarterlyReport, stream};
use watchdesk::store::Store;

use crate::rig::{self, Rig, local};

pub const Q4: Quarter = Quarter { year: 2026, q: 4 };
pub const SUBSYSTEMS: [&str; 5] = ["sysadmin", "digital", "engineering", "smart", "display"];

/// Titles a spreadsheet would read as formulas, each opening a ticket.
pub const FORMULA_TITLES: [&str; 4] = [
    "=HYPERLINK(\"http://127.0.0.1/x\",\"点击查看\")",
    "+86 591 热线投诉",
    "-1 数据回退",
    "@管理员 账号锁定",
];

/// Hours (local) a subsystem failed: (subsystem, month, day, first hour, hours, failed probes of 120).
const OUTAGES: [(&str, u32, u32, u32, u32, u64); 6] = [
    ("digital", 10, 5, 1, 1, 120),
    ("sysadmin", 10, 20, 2, 2, 120),
    ("engineering", 11, 3, 3, 3, 120),
    ("smart", 11, 25, 9, 1, 120),
    ("display", 12, 10, 8, 6, 30),
    ("digital", 12, 22, 14, 2, 60),
];

/// One bucket per hour for each subsystem; latency drifts by week, `smart` is slow in weeks 6 and 7.
fn write_history(dir: &std::path::Path) {
    let store = Store::open_keyed(dir, rig::test_key()).unwrap();
    let mut buckets = Vec::new();
    for (n, sub) in SUBSYSTEMS.iter().enumerate() {
        for day in Q4.days() {
            let offset = (day - Q4.first_day()).num_days();
            let week = (offset + 3) / 7;
            for hour in 0..24u32 {
                let at = local(2026, 10, 1, 0, 0) + Duration::days(offset) + Duration::hours(hour as i64);
                let failed = OUTAGES
                    .iter()
                    .find(|(s, m, d, h, len, _)| {
                        s == sub && day.month() == *m && day.day() == *d && (*h..h + len).contains(&hour)
                    })
                    .map_or(0, |o| o.5);
                let slow = *sub == "smart" && (6..=7).contains(&week);
                let mut b = Bucket::default();
                for i in 0..120u64 {
                    let ms = 60 + 25 * n as u64 + (week as u64 * 9) % 50 + i % 11;
                    let ms = if slow && i % 8 == 0 { ms + 900 } else { ms };
                    b.add(ms, i < failed);
                }
                buckets.push((history::key(sub, history::minute_of(at)), b));
            }
        }
    }
    history::write(&store, buckets).unwrap();
    store.sync().unwrap();
}

/// (month, day, hour, kind, severity, title, subsystem, hours to acknowledge, hours to resolve or none)
type Script = (
    u32,
    u32,
    u32,
    Kind,
    Severity,
    &'static str,
    Option<&'static str>,
    i64,
    Option<i64>,
);

const SCRIPT: [Script; 12] = [
    (
        10,
        5,
        9,
        Kind::Fault,
        Severity::Critical,
        "数字管理子系统无法访问",
        Some("digital"),
        0,
        Some(2),
    ),
    (
        10,
        12,
        14,
        Kind::Fault,
        Severity::Major,
        "工程检测平台报表导出失败",
        Some("engineering"),
        0,
        Some(26),
    ),
    (
        10,
        20,
        8,
        Kind::Fault,
        Severity::Minor,
        "系统管理登录缓慢",
        Some("sysadmin"),
        1,
        Some(30),
    ),
    (
        10,
        28,
        10,
        Kind::Change,
        Severity::Minor,
        FORMULA_TITLES[1],
        None,
        1,
        None,
    ),
    (
        11,
        3,
        6,
        Kind::Fault,
        Severity::Critical,
        "工程检测子系统宕机",
        Some("engineering"),
        3,
        Some(5),
    ),
    (
        11,
        10,
        9,
        Kind::Support,
        Severity::Major,
        FORMULA_TITLES[0],
        None,
        1,
        Some(30),
    ),
    (
        11,
        18,
        15,
        Kind::Fault,
        Severity::Major,
        "智慧监管接口超时",
        Some("smart"),
        0,
        Some(3),
    ),
    (
        11,
        25,
        9,
        Kind::Fault,
        Severity::Minor,
        FORMULA_TITLES[2],
        Some("smart"),
        1,
        Some(4),
    ),
    (
        12,
        1,
        9,
        Kind::Security,
        Severity::Major,
        "等保测评：弱口令策略",
        None,
        2,
        Some(170),
    ),
    (
        12,
        10,
        8,
        Kind::Fault,
        Severity::Major,
        "展示平台图表加载失败",
        Some("display"),
        0,
        Some(40),
    ),
    (
        12,
        16,
        11,
        Kind::Support,
        Severity::Minor,
        FORMULA_TITLES[3],
        None,
        1,
        Some(2),
    ),
    (
        12,
        22,
        14,
        Kind::Fault,
        Severity::Critical,
        "数字管理子系统数据库连接耗尽",
        Some("digital"),
        1,
        Some(3),
    ),
];

/// What the quarter left: its report, the handover summary and a day's ledger page at its end, and the same
/// report in each format written from the store as the quarter is read.
pub struct Played {
    pub report: QuarterlyReport,
    pub handover: HandoverSummary,
    pub daily: DailyView,
    pub streamed: Vec<(Format, Vec<u8>)>,
}

async fn play() -> Played {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    let rig = Rig::start_in(dir, local(2026, 10, 1, 8, 0));
    let days: Vec<NaiveDate> = Q4.days().collect();
    for (i, day) in days.iter().enumerate() {
        let at = |h: u32| local(2026, day.month(), day.day(), h, 0);
        for (m, d, h, kind, severity, title, sub, ack, resolve) in SCRIPT {
            if (m, d) != (day.month(), day.day()) {
                continue;
            }
            rig.set(at(h));
            let id = rig.open("li", kind, severity, title, sub, None).await;
            rig.set(at(h) + Duration::hours(ack) + Duration::minutes(5));
            rig.ack("li", id, None, Some("已响应")).await;
            rig.plan("li", id, "排查并修复").await;
            if let Some(r) = resolve {
                rig.set(at(h) + Duration::hours(r));
                rig.resolve("li", id, "配置错误", "修正配置,\n重启服务", Some("增加监控"))
                    .await;
            }
        }
        if (day.month(), day.day()) == (11, 14) {
            rig.set(at(2));
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
            rig.set(at(16));
            rig.ack("wang", id, None, None).await;
            rig.resolve("wang", id, "日志未轮转", "清理并配置 logrotate", None)
                .await;
        }
        if i % 10 != 9 {
            rig.set(at(20));
            let entry = DailyEntry {
                anomaly_checked: true,
                anomaly_note: None,
                archive_done: Some(i % 7 != 6),
                notes: None,
            };
            rig.records("li", RecordsCommand::SaveDaily { date: None, entry })
                .await;
        }
    }
    rig.set(local(2027, 1, 4, 9, 0));
    let advice = "建议增加数据库只读副本；\n建议配置磁盘使用率预警。".to_string();
    rig.records(
        "li",
        RecordsCommand::SetAdvice {
            quarter: Some(Q4),
            text: advice,
        },
    )
    .await;
    for (item, value, reason) in [
        // Personnel: not reachable twice (10 − 2 = 8) + 15 + 5 + satisfaction 15 = 43.
        (HandItem::PersonnelContact, 2.0, "两次请假未报备"),
        (HandItem::PersonnelChange, 0.0, "无"),
        (HandItem::PersonnelExtra, 0.0, "无"),
        (HandItem::PersonnelSatisfaction, 15.0, "满意"),
        (HandItem::AssignedTasks, 5.0, "按时完成"),
        (HandItem::Complaints, 1.0, "一次投诉"),
        (HandItem::Notices, 0.0, "无"),
    ] {
        let reason = reason.into();
        let quarter = Some(Q4);
        rig.records(
            "li",
            RecordsCommand::SetScoreItem {
                quarter,
                item,
                value,
                reason,
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
    let since = Some(local(2026, 12, 22, 8, 0));
    let notes = Some("数据库连接池已扩容，请继续观察。\n=SUM(A1) 不是公式".to_string());
    let RecordsReply::Handover(handover) = rig
        .records("li", RecordsCommand::HandoverSummary { since, notes })
        .await
    else {
        panic!("expected the handover summary");
    };
    let date = NaiveDate::from_ymd_opt(2026, 12, 22);
    let RecordsReply::Daily(daily) = rig.records("li", RecordsCommand::DailyView { date }).await else {
        panic!("expected the day's ledger");
    };
    rig.engine.shutdown().await;
    let store = Store::open_keyed(rig.dir.path(), rig::test_key()).unwrap();
    let made = (Q4, report.generated_at, &report.generated_by);
    let streamed = [
        Format::Markdown,
        Format::Json,
        Format::Csv,
        Format::Html,
        Format::Docx,
    ]
    .into_iter()
    .map(|format| {
        let mut out = Vec::new();
        let (_, listed) = stream::from_store(&store, &rig::config(), made, format, &mut out).unwrap();
        assert_eq!(listed, report.incidents.len());
        (format, out)
    })
    .collect();
    Played {
        report,
        handover,
        daily,
        streamed,
    }
}

/// The quarter, played once per test binary.
pub fn played() -> &'static Played {
    static REPORT: OnceLock<Played> = OnceLock::new();
    REPORT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(play())
    })
}
