//! The demo's past: what a platform looks like a season into the contract, so the first screen already shows
//! what watchdesk is for. Written through the engine like any engineer's actions, before the dashboard opens:
//!
//! * a service that began [`DAYS`] days ago (the demo's `[contract] start`, so the days before it are not
//!   missing records) and a daily record (日台账) for every day since, yesterday's carrying the engineer's
//!   notes, and this month's on-site inspection (每月现场巡检) on its first day;
//! * a major fault from yesterday, acknowledged, planned and resolved with its cause and process (the
//!   fault archive);
//! * a critical fault reported four minutes ago, inside its 15-minute response time;
//! * a major fault reported 23 minutes ago and not acknowledged: already late, its 0.3 points lost;
//! * a change request (需求变更) with most of its 24 hours left, and a security finding (安全加固) three
//!   days into its 10 working days.
//!
//! The fault script adds an outage detected by the checks within the first half minute.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::engine::{Command, EngineError, EngineHandle, RecordsCommand, Reply};
use crate::model::{Actor, DailyEntry, IncidentId, MonthlyEntry, NewIncident, Resolution};
use crate::policy::{Kind, Severity};

/// Who did what in the demo's invented past.
const ENGINEER: &str = "demo";

/// Days of service behind the demo's present: two weeks of records to page through.
pub const DAYS: u64 = 14;

/// The demo's `[contract] start` for a demo whose present is `now`.
pub fn service_start(now: DateTime<Utc>, zone: chrono_tz::Tz) -> NaiveDate {
    let today = now.with_timezone(&zone).date_naive();
    today.checked_sub_days(chrono::Days::new(DAYS)).unwrap_or(today)
}

/// Writes the demo's history as of `now` into the engine's (fresh) store, with a daily record for each day
/// from `service_start` to yesterday.
pub async fn seed(
    engine: &EngineHandle,
    now: DateTime<Utc>,
    zone: chrono_tz::Tz,
    service_start: NaiveDate,
) -> Result<(), EngineError> {
    let who = Actor::named(ENGINEER);
    daily_records(engine, &who, now, zone, service_start).await?;

    let archived = open(
        engine,
        &who,
        Kind::Fault,
        Severity::Major,
        "检测报告列表加载缓慢",
        Some("digital"),
        now - Duration::hours(20),
    )
    .await?;
    let at = |minutes: i64| Some(now - Duration::hours(20) + Duration::minutes(minutes));
    run(
        engine,
        &who,
        Command::Acknowledge {
            id: archived,
            at: at(6),
            note: Some("已联系数据库管理员".into()),
            due: None,
        },
    )
    .await?;
    run(
        engine,
        &who,
        Command::Plan {
            id: archived,
            at: at(50),
            text: "1. 为报告表加索引\n2. 列表改为分页查询".into(),
        },
    )
    .await?;
    run(
        engine,
        &who,
        Command::Resolve {
            id: archived,
            at: at(170),
            resolution: Resolution {
                cause: "报告表缺少按机构的索引，列表查询全表扫描".into(),
                process: "在从库验证后为报告表加索引，列表改为分页查询，观察一小时无慢查询".into(),
                solution: Some("上线前检查新表的查询计划".into()),
            },
        },
    )
    .await?;

    open(
        engine,
        &who,
        Kind::Fault,
        Severity::Critical,
        "智慧检子系统上传检测数据失败（用户报告）",
        Some("smart"),
        now - Duration::minutes(4),
    )
    .await?;
    open(
        engine,
        &who,
        Kind::Fault,
        Severity::Major,
        "综合展示大屏数据未刷新",
        Some("display"),
        now - Duration::minutes(23),
    )
    .await?;
    open(
        engine,
        &who,
        Kind::Change,
        Severity::Minor,
        "新增检测机构导出字段",
        Some("digital"),
        now - Duration::hours(5),
    )
    .await?;
    open(
        engine,
        &who,
        Kind::Security,
        Severity::Major,
        "弱口令整改（等保测评发现）",
        Some("sysadmin"),
        now - Duration::days(3),
    )
    .await?;
    Ok(())
}

/// One daily record per past day of the service, the anomaly check and the database archive done.
async fn daily_records(
    engine: &EngineHandle,
    who: &Actor,
    now: DateTime<Utc>,
    zone: chrono_tz::Tz,
    service_start: NaiveDate,
) -> Result<(), EngineError> {
    let today = now.with_timezone(&zone).date_naive();
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut day = service_start;
    while day < today {
        let notes = (day == yesterday).then(|| "五个子系统巡检正常；数据库备份已校验可用".to_string());
        let entry = DailyEntry {
            anomaly_checked: true,
            anomaly_note: None,
            archive_done: Some(true),
            notes,
        };
        let command = Command::Records(RecordsCommand::SaveDaily {
            date: Some(day),
            entry,
        });
        engine.execute(who.clone(), command).await?;
        day = day.succ_opt().unwrap_or(today);
    }
    let inspection = MonthlyEntry {
        // The month's first day, or the service's when it began later in the month.
        date: today.with_day(1).unwrap_or(today).max(service_start).min(today),
        by: ENGINEER.to_string(),
        findings: "机房巡检：服务器运行正常，备份介质完好".to_string(),
    };
    engine
        .execute(
            who.clone(),
            Command::Records(RecordsCommand::SaveMonthly(inspection)),
        )
        .await?;
    Ok(())
}

async fn open(
    engine: &EngineHandle,
    who: &Actor,
    kind: Kind,
    severity: Severity,
    title: &str,
    subsystem: Option<&str>,
    detected_at: DateTime<Utc>,
) -> Result<IncidentId, EngineError> {
    let new = NewIncident {
        kind,
        severity,
        title: title.to_string(),
        subsystem: subsystem.map(str::to_string),
        detected_at: Some(detected_at),
        source: None,
        host: None,
    };
    match engine.execute(who.clone(), Command::OpenIncident(new)).await? {
        Reply::Incident(incident) => Ok(incident.id),
        other => Err(EngineError::Remote {
            bad_input: false,
            message: format!("unexpected answer to opening a demo incident: {other:?}"),
        }),
    }
}

async fn run(engine: &EngineHandle, who: &Actor, command: Command) -> Result<(), EngineError> {
    engine.execute(who.clone(), command).await.map(|_| ())
}
