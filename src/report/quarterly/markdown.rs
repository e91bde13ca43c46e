//! The quarterly report as Markdown that reads well pasted into a document: numbered sections, pipe tables for
//! the overviews, one sub-section per fault for its archive. The parts that list the quarter's incidents are
//! written one incident at a time (see [`super::stream`], which puts the parts together); the rest comes from
//! the report's other fields.

use chrono_tz::Tz;

use super::{Backdated, HostAlarm, IncidentRow, QuarterlyReport};
use crate::model::DeadlineState;
use crate::report::markdown::{Align, block, cell, table, table_row};
use crate::report::score::{self, points};
use crate::report::{Format, deadline_words, local, percent};

pub fn markdown(r: &QuarterlyReport) -> String {
    String::from_utf8_lossy(&super::stream::in_memory(r, Format::Markdown)).into_owned()
}

/// The title, who produced it, the audit head and the availability (section 1).
pub(super) fn opening(r: &QuarterlyReport) -> String {
    let zone = r.timezone;
    let mut out = format!("# 运维季度报告 Quarterly maintenance report — {}\n\n", r.quarter);
    out.push_str(&format!(
        "{} · {} – {} ({zone}) · produced {} by {}\n\n",
        r.platform,
        r.first_day,
        r.last_day,
        local(r.generated_at, zone),
        r.generated_by
    ));

    if let Some(head) = &r.audit_head {
        out.push_str(&crate::report::daily::audit_head_line(head));
    }
    out.push_str("## 1. 系统可用性 Availability\n\n");
    let rows: Vec<Vec<String>> = r
        .availability
        .iter()
        .map(|a| {
            vec![
                cell(&a.name),
                percent(a.availability),
                a.p95_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "—".into()),
                a.max_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "—".into()),
                a.count.to_string(),
                a.fails.to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        out.push_str("No subsystems are configured.\n\n");
    } else {
        table(
            &mut out,
            &[
                ("子系统 Subsystem", Align::Left),
                ("可用性 Availability", Align::Right),
                ("p95", Align::Right),
                ("最大 Max", Align::Right),
                ("探测 Probes", Align::Right),
                ("失败 Failed", Align::Right),
            ],
            &rows,
        );
    }
    out
}

/// Section 2's heading: how many faults, how many late, what they cost.
pub(super) fn faults_heading(faults: usize, late: usize, deductions: f64) -> String {
    format!(
        "## 2. 故障处理 Faults ({faults} faults, {late} late, −{} points)\n\n",
        points(deductions)
    )
}

pub(super) const NO_FAULTS: &str = "No faults this quarter.\n\n";
pub(super) const NONE: &str = "None this quarter.\n\n";

pub(super) fn tickets_heading(tickets: usize) -> String {
    format!("## 3. 工单 Change, support and security tickets ({tickets})\n\n")
}

/// The columns of the fault and ticket overviews.
pub(super) const OVERVIEW: [(&str, Align); 8] = [
    ("编号 Id", Align::Left),
    ("类型 Kind", Align::Left),
    ("标题 Title", Align::Left),
    ("发现 Detected", Align::Left),
    ("时限 Deadlines", Align::Left),
    ("状态 State", Align::Left),
    ("扣分 Deduction", Align::Right),
    ("补录 Back-dated", Align::Left),
];

/// One incident's row of an overview.
pub(super) fn overview_row(out: &mut String, i: &IncidentRow, zone: Tz) {
    let t = |at| local(at, zone);
    let stages: Vec<String> = i
        .deadlines
        .iter()
        .map(|d| format!("{} {} (due {})", d.stage.as_str(), deadline_words(d), t(d.due)))
        .collect();
    table_row(
        out,
        &[
            i.id.clone(),
            format!("{} {}", i.kind, i.severity),
            cell(&i.title),
            t(i.detected_at),
            if stages.is_empty() {
                "on demand".into()
            } else {
                stages.join("<br>")
            },
            i.state.as_str().into(),
            if i.deduction > 0.0 {
                format!("−{}", points(i.deduction))
            } else {
                "—".into()
            },
            if i.backdated.is_empty() {
                "—".into()
            } else {
                "**yes**".into()
            },
        ],
    );
}

pub(super) fn alarms_heading(alarms: usize) -> String {
    format!("## 4. 服务器告警 Host alarms ({alarms})\n\n")
}

pub(super) const ALARMS: [(&str, Align); 7] = [
    ("编号 Id", Align::Left),
    ("主机 Host", Align::Left),
    ("指标 Gauge", Align::Left),
    ("级别 Severity", Align::Left),
    ("发现 Detected", Align::Left),
    ("上报 Reported", Align::Left),
    ("12小时内 Within 12 h", Align::Left),
];

pub(super) fn alarm_row(out: &mut String, h: &HostAlarm, zone: Tz) {
    let t = |at| local(at, zone);
    table_row(
        out,
        &[
            h.id.clone(),
            cell(&h.host),
            cell(&h.gauge),
            h.severity.as_str().into(),
            t(h.detected_at),
            h.reported_at.map(t).unwrap_or_else(|| "—".into()),
            match h.reported_in_time {
                Some(true) => "yes".into(),
                Some(false) => "**no**".into(),
                None => "not yet due".into(),
            },
        ],
    );
}

/// Section 5: the ledger, the backup checks and the monthly inspections.
pub(super) fn ledger(r: &QuarterlyReport) -> String {
    let mut out = String::new();
    let l = &r.ledger;
    let share = |n: u32| percent((l.days_counted > 0).then(|| n as f64 / l.days_counted as f64));
    out.push_str("## 5. 日台账与备份检查 Ledger and backup checks\n\n");
    out.push_str(&format!(
        "- 日台账 Daily records: {} of {} days ({}){}\n",
        l.recorded,
        l.days_counted,
        share(l.recorded),
        if l.days_counted < l.days_in_quarter {
            format!(", quarter in progress ({} days in all)", l.days_in_quarter)
        } else {
            String::new()
        }
    ));
    out.push_str(&format!(
        "- 数据异常校核 Data anomaly checks: {} days ({})\n",
        l.anomaly_checked,
        share(l.anomaly_checked)
    ));
    out.push_str(&format!(
        "- 数据库整理入库存档 Database archive: {} days ({})\n",
        l.archive_done,
        share(l.archive_done)
    ));
    if l.backups_known == 0 {
        out.push_str(
            "- 备份检查 Backup checks: no results recorded (no probes ran when the records were saved)\n",
        );
    } else {
        out.push_str(&format!(
            "- 备份检查 Backup checks: all passing on {} of {} recorded days with results\n",
            l.backups_ok, l.backups_known
        ));
    }
    if !l.missing.is_empty() {
        let days: Vec<String> = l.missing.iter().map(|d| d.format("%m-%d").to_string()).collect();
        out.push_str(&format!("- Missing days: {}\n", days.join(", ")));
    }
    if r.monthly.is_empty() {
        out.push_str("- 每月现场巡检 Monthly on-site inspections: none recorded\n");
    } else {
        out.push_str("- 每月现场巡检 Monthly on-site inspections:\n");
        for m in &r.monthly {
            out.push_str(&format!(
                "  - {} by {}: {}\n",
                m.date,
                cell(&m.by),
                cell(&m.findings)
            ));
        }
    }
    if !l.months_without_inspection.is_empty() {
        out.push_str(&format!(
            "- Months without an inspection: **{}**\n",
            l.months_without_inspection.join(", ")
        ));
    }
    out.push('\n');
    out
}

/// Section 6's heading, and what comes before its table (or instead of it).
pub(super) fn backdated_heading(backdated: usize) -> String {
    let mut out = format!("## 6. 补录 Back-dated actions ({backdated})\n\n");
    if backdated == 0 {
        out.push_str("None: every action was logged when it happened.\n\n");
    } else {
        out.push_str("Actions logged more than a minute after they happened (deadlines use the time they happened).\n\n");
    }
    out
}

pub(super) const BACKDATED: [(&str, Align); 5] = [
    ("编号 Id", Align::Left),
    ("环节 Step", Align::Left),
    ("发生 Happened", Align::Left),
    ("录入 Logged", Align::Left),
    ("人员 By", Align::Left),
];

pub(super) fn backdated_row(out: &mut String, id: &str, b: &Backdated, zone: Tz) {
    let t = |at| local(at, zone);
    table_row(
        out,
        &[
            id.to_string(),
            b.step.clone(),
            t(b.at),
            t(b.recorded_at),
            cell(&b.by.to_string()),
        ],
    );
}

/// Sections 7 and 8, the advice and the score, around the score's table of late faults: what comes before
/// that table and what after. The table's heading ([`closing_faults_head`]) and rows ([`score::fault_row`]) go
/// between them when a fault was late.
pub(super) fn closing(r: &QuarterlyReport) -> (String, String) {
    let t = |at| local(at, r.timezone);
    let mut out = String::from("## 7. 建议 Advice\n\n");
    match &r.advice {
        Some(a) => out.push_str(&format!(
            "{}\n\n— {}, {}\n\n",
            block(Some(&a.text)),
            a.actor,
            t(a.at)
        )),
        None => out.push_str("Not entered: `watchdesk report advice --quarter Q --text TEXT`.\n\n"),
    }
    out.push_str("## 8. ");
    let (before, after) = score::around_faults(&r.score);
    out.push_str(&section_eight(&before));
    (out, section_eight(&after))
}

/// The heading and header of section 8's table of late faults.
pub(super) fn closing_faults_head() -> String {
    section_eight(&score::faults_head())
}

/// The score's Markdown as a section of the report: its title on the section's line, its headings one level
/// down. Line by line, so its parts can be put in apart (each but the last ends a line).
fn section_eight(score: &str) -> String {
    let mut out = String::with_capacity(score.len());
    for line in score.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            out.push_str(rest);
        } else if line.starts_with('#') {
            out.push_str(&format!("#{line}"));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A fault's own sub-section: its times against the deadlines and its archive.
pub(super) fn fault_section(out: &mut String, f: &IncidentRow, zone: Tz) {
    let t = |at| local(at, zone);
    out.push_str(&format!("### {} {} ({})\n\n", f.id, f.title.trim(), f.severity));
    if let Some(sub) = &f.subsystem {
        out.push_str(&format!("- 子系统 Subsystem: {sub}\n"));
    }
    out.push_str(&format!(
        "- 发现 Detected: {} by {}\n",
        t(f.detected_at),
        f.detected_by
    ));
    for d in &f.deadlines {
        let done = match d.state {
            DeadlineState::Met { at } | DeadlineState::Late { at: Some(at), .. } => format!("done {}", t(at)),
            _ => "not done".into(),
        };
        out.push_str(&format!(
            "- {}: due {}, {done} — {}\n",
            match d.stage {
                crate::policy::Stage::Respond => "响应 Response",
                crate::policy::Stage::Plan => "方案 Plan",
                crate::policy::Stage::Recover => "恢复 Recovery",
            },
            t(d.due),
            deadline_words(d)
        ));
    }
    if let Some(at) = f.resolved_at {
        out.push_str(&format!(
            "- 解决 Resolved: {}{}\n",
            t(at),
            f.resolved_by
                .as_ref()
                .map(|a| format!(" by {a}"))
                .unwrap_or_default()
        ));
    }
    out.push_str(&format!("- 处理方案 Plan: {}\n", block(f.plan.as_deref())));
    out.push_str(&format!("- 原因 Cause: {}\n", block(f.cause.as_deref())));
    out.push_str(&format!("- 处理过程 Process: {}\n", block(f.process.as_deref())));
    out.push_str(&format!(
        "- 解决方案 Solution: {}\n",
        block(f.solution.as_deref())
    ));
    for b in &f.backdated {
        out.push_str(&format!(
            "- **补录 Back-dated**: {} happened {}, logged {} by {}\n",
            b.step,
            t(b.at),
            t(b.recorded_at),
            b.by
        ));
    }
    out.push('\n');
}
