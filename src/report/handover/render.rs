//! The handover summary as Markdown (to paste into a chat or the handover log) and JSON.

use super::{HandoverSummary, SinceBasis};
use crate::report::markdown::{Align, block, cell, table};
use crate::report::score::points;
use crate::report::{deadline_words, local, percent};

pub fn json(summary: &HandoverSummary) -> String {
    serde_json::to_string_pretty(summary).unwrap_or_default()
}

pub fn markdown(s: &HandoverSummary) -> String {
    let zone = s.timezone;
    let t = |at| local(at, zone);
    let mut out = format!("# 交接班 Handover — {}\n\n", s.platform);
    let basis = match (&s.since_basis, &s.last_handover) {
        (SinceBasis::LastHandover, Some(h)) => format!("since the last handover ({} → {})", h.from, h.to),
        (SinceBasis::Given, _) => "period as asked".to_string(),
        _ => "last 12 hours (no handover recorded before)".to_string(),
    };
    out.push_str(&format!(
        "Handed over by **{}**. Period {} → {} ({zone}), {basis}.\n\n",
        s.outgoing,
        t(s.since),
        t(s.generated_at)
    ));

    if let Some(head) = &s.audit_head {
        out.push_str(&crate::report::daily::audit_head_line(head));
    }
    out.push_str(&format!("## 未结事项 Open incidents ({})\n\n", s.open.len()));
    if s.open.is_empty() {
        out.push_str("None.\n\n");
    } else {
        let rows: Vec<Vec<String>> = s
            .open
            .iter()
            .map(|o| {
                let deadlines: Vec<String> = o
                    .deadlines
                    .iter()
                    .map(|d| format!("{} {} ({})", d.stage.as_str(), deadline_words(d), t(d.due)))
                    .collect();
                vec![
                    o.id.clone(),
                    format!("{} {}", o.kind, o.severity),
                    o.state.as_str().to_string(),
                    cell(&o.title),
                    t(o.detected_at),
                    if deadlines.is_empty() {
                        "on demand".into()
                    } else {
                        deadlines.join("<br>")
                    },
                    if o.at_risk > 0.0 {
                        format!("−{} if next passes", points(o.at_risk))
                    } else if o.breached {
                        "already late".into()
                    } else {
                        "—".into()
                    },
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                ("编号 Id", Align::Left),
                ("类型 Kind", Align::Left),
                ("状态 State", Align::Left),
                ("标题 Title", Align::Left),
                ("发现 Detected", Align::Left),
                ("时限 Deadlines", Align::Left),
                ("扣分 Score", Align::Left),
            ],
            &rows,
        );
    }

    out.push_str(&format!(
        "## 本班情况 During the period ({} events)\n\n",
        s.events.len()
    ));
    if s.events.is_empty() {
        out.push_str("Nothing happened.\n\n");
    } else {
        let rows: Vec<Vec<String>> = s
            .events
            .iter()
            .map(|e| {
                vec![
                    if e.backdated {
                        format!("{} (logged later)", t(e.at))
                    } else {
                        t(e.at)
                    },
                    e.target.clone(),
                    cell(&e.what.words()),
                    e.actor
                        .as_ref()
                        .map(|a| cell(&a.to_string()))
                        .unwrap_or_else(|| "—".into()),
                    cell(&[e.title.as_str(), e.detail.as_deref().unwrap_or("")].join(" ")),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                ("时间 Time", Align::Left),
                ("对象 Target", Align::Left),
                ("事件 Event", Align::Left),
                ("人员 By", Align::Left),
                ("说明 Detail", Align::Left),
            ],
            &rows,
        );
    }

    out.push_str("## 当前状态 Current health\n\n");
    match &s.health {
        Some(lines) if !lines.is_empty() => {
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|h| {
                    vec![
                        cell(&h.name),
                        match &h.blocked_by {
                            Some(b) => format!("{} (by {})", h.health.as_str(), cell(b)),
                            None => h.health.as_str().to_string(),
                        },
                        h.latency_ms
                            .map(|v| format!("{v} ms"))
                            .unwrap_or_else(|| "—".into()),
                        percent(h.availability_today),
                    ]
                })
                .collect();
            table(
                &mut out,
                &[
                    ("子系统 Subsystem", Align::Left),
                    ("状态 Health", Align::Left),
                    ("延迟 Latency", Align::Right),
                    ("今日可用性 Today", Align::Right),
                ],
                &rows,
            );
        }
        Some(_) => out.push_str("No subsystems are configured.\n\n"),
        None => out.push_str(
            "Live health is not available: this summary was made without probes (e.g. from the command line). \
             See the dashboard for the current state.\n\n",
        ),
    }
    if s.period_availability.iter().all(|a| a.count == 0) {
        out.push_str("No probe history for the period.\n\n");
    } else {
        out.push_str("Availability during the period (probe history):\n\n");
        let rows: Vec<Vec<String>> = s
            .period_availability
            .iter()
            .map(|a| {
                vec![
                    cell(&a.name),
                    percent(a.availability),
                    a.p95_ms.map(|v| format!("{v} ms")).unwrap_or_else(|| "—".into()),
                    format!("{} / {}", a.fails, a.count),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                ("子系统 Subsystem", Align::Left),
                ("可用性 Availability", Align::Right),
                ("p95", Align::Right),
                ("失败/探测 Failed/probes", Align::Right),
            ],
            &rows,
        );
    }

    out.push_str("## 主机告警 Hosts in warning\n\n");
    match &s.hosts_warning {
        Some(w) if w.is_empty() => out.push_str("None.\n\n"),
        Some(w) => {
            for h in w {
                out.push_str(&format!("- {} {}: {}\n", cell(&h.host), h.level, cell(&h.detail)));
            }
            out.push('\n');
        }
        None => out.push_str("Not available: no host readings in the process that made this summary.\n\n"),
    }

    out.push_str("## 记录 Records\n\n");
    let m = &s.missing;
    out.push_str(&format!(
        "- 日台账 Daily ledger today: {}\n",
        if m.daily_today { "**missing**" } else { "saved" }
    ));
    if !m.daily_days.is_empty() {
        let days: Vec<String> = m.daily_days.iter().map(|d| d.to_string()).collect();
        out.push_str(&format!(
            "- 日台账 Daily ledger missing for: **{}**\n",
            days.join(", ")
        ));
    }
    out.push_str(&format!(
        "- 每月现场巡检 Monthly inspection this month: {}\n\n",
        if m.monthly { "**missing**" } else { "done" }
    ));

    out.push_str("## 交班说明 Notes from the outgoing engineer\n\n");
    out.push_str(&block(s.notes.as_deref()));
    out.push('\n');
    out
}
