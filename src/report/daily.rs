//! 日台账 figures: what watchdesk fills in for a day (availability and p95 per subsystem, host peaks, the
//! day's incidents and missed deadlines, the backup checks), the view of a day, and its Markdown.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::markdown::{Align, block, cell, table};
use super::{local, percent};
use crate::config::{CheckSpec, Config};
use crate::model::{
    BackupCheck, DailyFigures, DailyRecord, HostPeak, Incident, MissedDeadline, SubsystemDay, day_start,
};
use crate::probe::ProbeResult;
use crate::store::{StoreError, StoreReader, TreeName};

/// What only a running engine knows: host peaks and the backup checks' latest results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Live {
    pub hosts: Option<Vec<HostPeak>>,
    pub backups: Option<Vec<BackupCheck>>,
}

/// One subsystem's figures over a period, from the probe history. The history's p95 is the upper bound of a
/// histogram bucket; it is capped at the slowest probe actually seen so the two never contradict.
pub fn subsystem_period(
    store: &StoreReader,
    config: &Config,
    sub: &crate::config::Subsystem,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<SubsystemDay, StoreError> {
    let zone = config.policy.calendar.zone;
    let s = super::availability::stats(store, zone, &sub.id, from, to, now)?;
    Ok(SubsystemDay {
        id: sub.id.clone(),
        name: sub.name.clone(),
        count: s.count,
        fails: s.fails,
        availability: s.availability,
        p95_ms: s.p95_ms.map(|p| s.max_ms.map_or(p, |m| p.min(m))),
        max_ms: s.max_ms,
    })
}

/// The figures of local day `day` as of `now` (partial while the day runs).
pub fn figures(
    store: &StoreReader,
    config: &Config,
    day: NaiveDate,
    now: DateTime<Utc>,
    live: Live,
) -> Result<DailyFigures, StoreError> {
    let cal = &config.policy.calendar;
    let from = day_start(cal.zone, day);
    let to = day_start(cal.zone, day.succ_opt().unwrap_or(day));
    let until = to.min(now).max(from);
    let mut subsystems = Vec::with_capacity(config.subsystems.len());
    for sub in &config.subsystems {
        subsystems.push(subsystem_period(store, config, sub, (from, until), now)?);
    }
    let mut figures = DailyFigures {
        computed_at: Some(now),
        complete: now >= to,
        subsystems,
        hosts: live.hosts,
        backups: live.backups,
        ..DailyFigures::default()
    };
    let on_day = |t: DateTime<Utc>| cal.local_day(t) == day;
    // An incident acknowledged on 1 January may carry last year's number.
    for year in [day.year() - 1, day.year()] {
        let prefix = (year as u32).to_be_bytes();
        for incident in store.scan_prefix_json::<Incident>(TreeName::Incidents, &prefix) {
            let i = incident?;
            let id = i.id.to_string();
            if on_day(i.detected_at) {
                figures.opened.push(id.clone());
            }
            if i.acknowledged.as_ref().is_some_and(|s| on_day(s.at)) {
                figures.acknowledged.push(id.clone());
            }
            if i.resolved.as_ref().is_some_and(|s| on_day(s.at)) {
                figures.resolved.push(id.clone());
            }
            for d in i.deadlines(&config.policy, now) {
                if d.is_late() && on_day(d.due) {
                    figures.deadlines_missed.push(MissedDeadline {
                        id: id.clone(),
                        stage: d.stage,
                        due: d.due,
                    });
                }
            }
        }
    }
    Ok(figures)
}

/// The backup (file) checks of the configuration with their latest results, worded in the platform's language.
pub fn backup_checks<'a>(
    config: &Config,
    last: impl Fn(&str) -> Option<&'a ProbeResult>,
) -> Vec<BackupCheck> {
    config
        .subsystems
        .iter()
        .flat_map(|s| s.checks.iter())
        .filter(|c| matches!(c.spec, CheckSpec::File { .. }))
        .map(|c| {
            let result = last(&c.id);
            BackupCheck {
                check_id: c.id.clone(),
                target: c.spec.target().to_string(),
                ok: result.map(|r| !r.outcome.is_failure()),
                // Kept in the daily record, so in the language of the records.
                detail: result
                    .map(|r| r.outcome.words(config.platform.records_lang()))
                    .unwrap_or_default(),
                at: result.map(|r| r.started_at),
            }
        })
        .collect()
}

/// A day as the ledger screen shows it: the saved record (if any) and the figures as of now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyView {
    pub date: NaiveDate,
    pub is_today: bool,
    pub record: Option<DailyRecord>,
    /// Figures as of now; where this process knows no host peaks or backup results, the saved ones.
    pub figures: DailyFigures,
    /// The record is missing and is due: a past day, or today from the reminder hour.
    pub missing: bool,
}

pub fn view(
    store: &StoreReader,
    config: &Config,
    day: NaiveDate,
    now: DateTime<Utc>,
    live: Live,
) -> Result<DailyView, StoreError> {
    let record: Option<DailyRecord> = store.get_json(TreeName::Daily, DailyRecord::key(day).as_bytes())?;
    let mut figures = figures(store, config, day, now, live)?;
    if let Some(saved) = &record {
        if figures.hosts.is_none() {
            figures.hosts = saved.figures.hosts.clone();
        }
        if figures.backups.is_none() {
            figures.backups = saved.figures.backups.clone();
        }
    }
    let cal = &config.policy.calendar;
    let today = cal.local_day(now);
    let local_hour = now.with_timezone(&cal.zone).hour();
    let missing =
        record.is_none() && (day < today || (day == today && local_hour >= config.daily_reminder_hour));
    Ok(DailyView {
        date: day,
        is_today: day == today,
        record,
        figures,
        missing,
    })
}

/// The chain head a record or report carries, with the command that checks it.
pub fn audit_head_line(head: &crate::store::AuditHead) -> String {
    format!("审计链 Audit chain head: `{head}` (check: `watchdesk audit verify --expect {head}`).\n\n")
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes 是" } else { "no 否" }
}

/// The ledger page of one day.
pub fn markdown(view: &DailyView, zone: chrono_tz::Tz) -> String {
    let f = &view.figures;
    let mut out = format!("# 日台账 Daily ledger — {} ({zone})\n\n", view.date);
    match &view.record {
        Some(r) => out.push_str(&format!(
            "Saved by {} at {}{}.\n\n",
            r.saved_by,
            local(r.saved_at, zone),
            if r.revision > 1 {
                format!(" (revision {})", r.revision)
            } else {
                String::new()
            }
        )),
        None if view.missing => out.push_str("**Not saved yet — the record for this day is missing.**\n\n"),
        None => out.push_str("Not saved yet.\n\n"),
    }
    if let Some(head) = view.record.as_ref().and_then(|r| r.audit_head.as_ref()) {
        out.push_str(&audit_head_line(head));
    }
    if let Some(at) = f.computed_at {
        out.push_str(&format!(
            "Figures as of {}{}.\n\n",
            local(at, zone),
            if f.complete { "" } else { " (day in progress)" }
        ));
    }
    out.push_str("## 子系统 Subsystems\n\n");
    let rows: Vec<Vec<String>> = f
        .subsystems
        .iter()
        .map(|s| {
            vec![
                cell(&s.name),
                percent(s.availability),
                s.p95_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "—".into()),
                s.count.to_string(),
                s.fails.to_string(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            ("子系统 Subsystem", Align::Left),
            ("可用性 Availability", Align::Right),
            ("p95", Align::Right),
            ("探测 Probes", Align::Right),
            ("失败 Failed", Align::Right),
        ],
        &rows,
    );
    out.push_str("## 服务器峰值 Host peaks\n\n");
    match &f.hosts {
        Some(hosts) if !hosts.is_empty() => {
            let pct = |v: Option<f64>| v.map(|v| format!("{v:.1} %")).unwrap_or_else(|| "—".into());
            let rows: Vec<Vec<String>> = hosts
                .iter()
                .map(|h| {
                    vec![
                        cell(&h.name),
                        pct(h.cpu_pct),
                        pct(h.mem_pct),
                        match &h.disk_mount {
                            Some(m) => format!("{} ({})", pct(h.disk_pct), cell(m)),
                            None => pct(h.disk_pct),
                        },
                        h.unreachable.to_string(),
                    ]
                })
                .collect();
            table(
                &mut out,
                &[
                    ("主机 Host", Align::Left),
                    ("CPU", Align::Right),
                    ("内存 Memory", Align::Right),
                    ("磁盘 Disk", Align::Right),
                    ("不可达 Unreachable", Align::Right),
                ],
                &rows,
            );
        }
        _ => out
            .push_str("Not observed (no host was watched by the process that saved or shows this day).\n\n"),
    }
    out.push_str("## 故障与工单 Incidents\n\n");
    let ids = |v: &[String]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.join(", ")
        }
    };
    out.push_str(&format!("- Opened 新增: {}\n", ids(&f.opened)));
    out.push_str(&format!("- Acknowledged 响应: {}\n", ids(&f.acknowledged)));
    out.push_str(&format!("- Resolved 解决: {}\n", ids(&f.resolved)));
    let missed: Vec<String> = f
        .deadlines_missed
        .iter()
        .map(|m| format!("{} {} (due {})", m.id, m.stage.as_str(), local(m.due, zone)))
        .collect();
    out.push_str(&format!("- Deadlines missed 超时: {}\n\n", ids(&missed)));
    out.push_str("## 备份检查 Backup checks\n\n");
    match &f.backups {
        Some(checks) if !checks.is_empty() => {
            for c in checks {
                let state = match c.ok {
                    Some(true) => "ok",
                    Some(false) => "FAILED",
                    None => "not run yet",
                };
                out.push_str(&format!(
                    "- `{}` {}: {state} {}\n",
                    c.check_id,
                    cell(&c.target),
                    cell(&c.detail)
                ));
            }
            out.push('\n');
        }
        Some(_) => out.push_str("No backup (file) checks are configured.\n\n"),
        None => out.push_str("Not observed (no probes ran in the process that shows this day).\n\n"),
    }
    out.push_str("## 工程师 Engineer\n\n");
    match &view.record {
        Some(r) => {
            out.push_str(&format!(
                "- 校核云平台数据是否异常 Data anomaly check: {}{}\n",
                yes_no(r.anomaly_checked),
                r.anomaly_note
                    .as_deref()
                    .map(|n| format!(" — {}", cell(n)))
                    .unwrap_or_default()
            ));
            out.push_str(&format!(
                "- 日常数据库整理入库存档 Database archive: {}\n",
                yes_no(r.archive_done)
            ));
            out.push_str(&format!("- 备注 Notes: {}\n", block(r.notes.as_deref())));
        }
        None => out.push_str("Not entered: `watchdesk daily save --anomaly-checked yes|no ...`\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use crate::probe::{Outcome, Phase, Reason};

    /// The template's backup check (数据备份) on a Chinese platform and on an English one.
    #[test]
    fn a_backup_checks_finding_is_kept_in_the_platforms_language() {
        let zh = Config::parse(Path::new("c.toml"), crate::config::TEMPLATE).unwrap();
        let en_text = crate::config::TEMPLATE.replacen("[platform]\n", "[platform]\nlang = \"en\"\n", 1);
        let en = Config::parse(Path::new("c.toml"), &en_text).unwrap();
        let check = zh
            .subsystems
            .iter()
            .flat_map(|s| &s.checks)
            .find(|c| matches!(c.spec, CheckSpec::File { .. }))
            .unwrap();
        let result = ProbeResult {
            check_id: check.id.clone(),
            subsystem: String::new(),
            started_at: Utc::now(),
            latency: Duration::from_millis(3),
            outcome: Outcome::Down {
                phase: Phase::File,
                reason: Reason::NoFile {
                    pattern: "/backup/db/*.sql.gz".into(),
                },
            },
        };
        let last = |id: &str| (id == check.id).then_some(&result);
        let zh = backup_checks(&zh, last);
        assert_eq!(zh[0].detail, "文件：没有与“/backup/db/*.sql.gz”匹配的文件");
        let en = backup_checks(&en, last);
        assert_eq!(en[0].detail, "file: no file matches \"/backup/db/*.sql.gz\"");
    }
}
