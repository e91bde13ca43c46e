//! The quarterly report as Markdown that reads well pasted into a document: numbered sections, pipe tables for
//! the overviews, one sub-section per fault for its archive.

use super::{IncidentRow, QuarterlyReport};
use crate::model::DeadlineState;
use crate::report::markdown::{Align, block, cell, table};
use crate::report::score::{self, points};
use crate::report::{deadline_words, local, percent};

pub fn markdown(r: &QuarterlyReport) -> String {
    let zone = r.timezone;
    let t = |at| local(at, zone);
    let mut out = format!("# 运维季度报告 Quarterly maintenance report — {}\n\n", r.quarter);
    out.push_str(&format!(
        "{} · {} – {} ({zone}) · produced {} by {}\n\n",
        r.platform,
        r.first_day,
        r.last_day,
        t(r.generated_at),
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

    let faults: Vec<&IncidentRow> = r.faults().collect();
    let late = faults.iter().filter(|f| f.late).count();
    let deductions: f64 = faults.iter().map(|f| f.deduction).sum();
    out.push_str(&format!(
        "## 2. 故障处理 Faults ({} faults, {late} late, −{} points)\n\n",
        faults.len(),
        points(deductions)
    ));
    if faults.is_empty() {
        out.push_str("No faults this quarter.\n\n");
    } else {
        overview(&mut out, &faults, r);
        for f in &faults {
            fault_section(&mut out, f, r);
        }
    }

    let tickets: Vec<&IncidentRow> = r.tickets().collect();
    out.push_str(&format!(
        "## 3. 工单 Change, support and security tickets ({})\n\n",
        tickets.len()
    ));
    if tickets.is_empty() {
        out.push_str("None this quarter.\n\n");
    } else {
        overview(&mut out, &tickets, r);
    }

    out.push_str(&format!(
        "## 4. 服务器告警 Host alarms ({})\n\n",
        r.host_alarms.len()
    ));
    if r.host_alarms.is_empty() {
        out.push_str("None this quarter.\n\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .host_alarms
            .iter()
            .map(|h| {
                vec![
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
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                ("编号 Id", Align::Left),
                ("主机 Host", Align::Left),
                ("指标 Gauge", Align::Left),
                ("级别 Severity", Align::Left),
                ("发现 Detected", Align::Left),
                ("上报 Reported", Align::Left),
                ("12小时内 Within 12 h", Align::Left),
            ],
            &rows,
        );
    }

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

    let backdated: Vec<_> = r.backdated().collect();
    out.push_str(&format!(
        "## 6. 补录 Back-dated actions ({})\n\n",
        backdated.len()
    ));
    if backdated.is_empty() {
        out.push_str("None: every action was logged when it happened.\n\n");
    } else {
        out.push_str("Actions logged more than a minute after they happened (deadlines use the time they happened).\n\n");
        let rows: Vec<Vec<String>> = backdated
            .iter()
            .map(|(i, b)| {
                vec![
                    i.id.clone(),
                    b.step.clone(),
                    t(b.at),
                    t(b.recorded_at),
                    cell(&b.by.to_string()),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                ("编号 Id", Align::Left),
                ("环节 Step", Align::Left),
                ("发生 Happened", Align::Left),
                ("录入 Logged", Align::Left),
                ("人员 By", Align::Left),
            ],
            &rows,
        );
    }

    out.push_str("## 7. 建议 Advice\n\n");
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
    for line in score::markdown(&r.score).lines() {
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

fn overview(out: &mut String, rows: &[&IncidentRow], r: &QuarterlyReport) {
    let t = |at| local(at, r.timezone);
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|i| {
            let stages: Vec<String> = i
                .deadlines
                .iter()
                .map(|d| format!("{} {} (due {})", d.stage.as_str(), deadline_words(d), t(d.due)))
                .collect();
            vec![
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
            ]
        })
        .collect();
    table(
        out,
        &[
            ("编号 Id", Align::Left),
            ("类型 Kind", Align::Left),
            ("标题 Title", Align::Left),
            ("发现 Detected", Align::Left),
            ("时限 Deadlines", Align::Left),
            ("状态 State", Align::Left),
            ("扣分 Deduction", Align::Right),
            ("补录 Back-dated", Align::Left),
        ],
        &rows,
    );
}

fn fault_section(out: &mut String, f: &IncidentRow, r: &QuarterlyReport) {
    let t = |at| local(at, r.timezone);
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
