//! 交接班 on screen: the period, what is still open with each deadline counting down live, what happened and
//! who did it, the current health, hosts in warning, records missing and the outgoing engineer's notes.

use ratatui::text::{Line, Span};

use super::{Ctx, heading, left, right, row};
use crate::report::handover::{EventKind, HandoverSummary, OpenItem, SinceBasis};
use crate::report::percent;
use crate::tui::i18n::{I18n, fill};
use crate::tui::text::width;
use crate::tui::timefmt::{points, stamp};
use crate::tui::urgency::{self, Cost};
use crate::tui::view::incidents::{deadline_text, severity_style};
use crate::tui::view::widgets::prose;
use crate::tui::view::widgets::{health_cell, level_style, ms};

pub fn lines(cx: &Ctx, s: &HandoverSummary) -> Vec<Line<'static>> {
    let (t, theme) = (cx.t, cx.theme);
    let (tz, now) = (cx.snap.timezone, cx.now);
    let at = |when| stamp(when, now, tz);
    let mut lines = Vec::new();

    let basis = match (s.since_basis, &s.last_handover) {
        (SinceBasis::LastHandover, Some(last)) => fill(t.since_last, &[&last.from.to_string(), &last.to]),
        (SinceBasis::Given, _) => t.since_given.to_string(),
        _ => t.since_default.to_string(),
    };
    lines.push(Line::styled(
        fill(t.handed_over_by, &[&s.outgoing.to_string()]),
        theme.title,
    ));
    lines.push(Line::styled(
        fill(t.period, &[&at(s.since), &at(s.generated_at), &basis]),
        theme.muted,
    ));

    heading(&mut lines, cx, fill(t.sec_open, &[&s.open.len().to_string()]));
    if s.open.is_empty() {
        lines.push(Line::styled(format!("  {}", t.no_incidents), theme.muted));
    }
    for item in &s.open {
        open_item(&mut lines, cx, item);
    }

    heading(&mut lines, cx, fill(t.sec_events, &[&s.events.len().to_string()]));
    if s.events.is_empty() {
        lines.push(Line::styled(format!("  {}", t.no_events), theme.muted));
    }
    // The "what" column as wide as its longest entry (up to 30), so a wide screen cuts none of them.
    let what_w = s
        .events
        .iter()
        .map(|e| width(&event_words(t, &e.what)) + 1)
        .max()
        .unwrap_or(22)
        .clamp(16, 30);
    for e in &s.events {
        let what = event_words(t, &e.what);
        let style = match e.what {
            EventKind::DeadlineMissed { .. } | EventKind::FailedAgain => theme.crit,
            EventKind::Resolved | EventKind::Restored => theme.ok,
            _ => theme.text,
        };
        let mut when = at(e.at);
        if e.backdated {
            when = format!("{when} ({})", t.logged_later);
        }
        let actor = e.actor.as_ref().map_or("—".to_string(), ToString::to_string);
        lines.push(row(vec![
            left(&when, width(&when).max(14), theme.muted),
            left(&e.target, 10, theme.accent),
            left(&what, what_w, style),
            left(&actor, 10, theme.info),
            Span::styled(e.title.clone(), theme.text),
        ]));
        if let Some(detail) = &e.detail {
            prose(&mut lines, detail, theme.muted);
        }
    }

    heading(&mut lines, cx, t.sec_health.to_string());
    match &s.health {
        Some(health) => {
            let name_w = health.iter().map(|h| width(&h.name)).max().unwrap_or(8).min(30);
            for h in health {
                lines.push(row(vec![
                    health_cell(cx, h.health, 10),
                    left(&h.name, name_w, theme.text),
                    right(&ms(h.latency_ms, "—"), 7, theme.text),
                    right(&percent(h.availability_today), 10, theme.muted),
                ]));
            }
        }
        None => lines.push(Line::styled(format!("  {}", t.no_health), theme.muted)),
    }

    heading(&mut lines, cx, t.sec_hosts_warning.to_string());
    match s.hosts_warning.as_deref() {
        Some(hosts) if !hosts.is_empty() => {
            for h in hosts {
                let style = if h.level == "warning" {
                    theme.warn
                } else {
                    theme.crit
                };
                // The summary's levels are English words (`warning`, `critical`, `unreachable`).
                let level = match h.level.as_str() {
                    "warning" => t.host_level_warning,
                    "critical" => t.host_level_critical,
                    "unreachable" => t.unreachable,
                    other => other,
                };
                lines.push(row(vec![
                    left(&h.host, 16, theme.text),
                    left(level, 12, style),
                    Span::styled(
                        h.why
                            .as_ref()
                            .map_or_else(|| h.detail.clone(), |why| t.host_reason(why)),
                        style,
                    ),
                ]));
            }
        }
        _ => lines.push(Line::styled(format!("  {}", t.no_host_warnings), theme.muted)),
    }

    heading(&mut lines, cx, t.sec_records.to_string());
    let m = &s.missing;
    if m.daily_today {
        lines.push(Line::styled(format!("  {}", t.rec_daily_today), theme.warn));
    }
    if !m.daily_days.is_empty() {
        let days: Vec<String> = m.daily_days.iter().map(ToString::to_string).collect();
        let text = fill(t.rec_daily_days, &[&days.join(", ")]);
        lines.push(Line::styled(format!("  {text}"), theme.crit));
    }
    if m.monthly {
        lines.push(Line::styled(format!("  {}", t.rec_monthly), theme.warn));
    }
    if !m.daily_today && m.daily_days.is_empty() && !m.monthly {
        lines.push(Line::styled(format!("  ✓ {}", t.rec_all_kept), theme.ok));
    }

    heading(&mut lines, cx, t.sec_notes.to_string());
    match s.notes.as_deref() {
        Some(notes) => prose(&mut lines, notes, theme.text),
        None => lines.push(Line::styled(format!("  {}", t.none), theme.muted)),
    }
    lines
}

/// One open incident: its line, then its deadlines counting down now (from the snapshot when the dashboard
/// still lists it, so the page never shows a stale countdown) and what the next one costs.
fn open_item(lines: &mut Vec<Line<'static>>, cx: &Ctx, item: &OpenItem) {
    let (t, theme) = (cx.t, cx.theme);
    let mark = if item.breached { "!" } else { " " };
    lines.push(row(vec![
        Span::styled(mark, theme.crit),
        left(&item.id, 10, theme.accent),
        left(t.kind(item.kind), 6, theme.text),
        left(t.severity(item.severity), 8, severity_style(theme, item.severity)),
        left(t.state(item.state), 12, theme.muted),
        Span::styled(item.title.clone(), theme.text),
    ]));
    let live = cx
        .snap
        .open_incidents
        .iter()
        .find(|i| i.id.to_string() == item.id);
    let mut spans = vec![Span::raw("      ")];
    let deadlines = match live {
        Some(inc) => inc.deadlines(&cx.snap.policy, cx.now),
        None => item.deadlines.clone(),
    };
    if deadlines.is_empty() {
        spans.push(Span::styled(t.on_demand, theme.muted));
    }
    for d in &deadlines {
        let level = urgency::level(d, item.detected_at);
        spans.push(Span::styled(deadline_text(t, d), level_style(theme, level)));
        spans.push(Span::styled(" · ", theme.muted));
    }
    let cost = match live.map(|inc| urgency::cost(inc, &cx.snap.policy, cx.now)) {
        Some(Cost::Lost(p)) => Span::styled(fill(t.cost_already_lost, &[&points(p)]), theme.crit),
        Some(Cost::AtRisk(p)) => Span::styled(fill(t.cost_if_missed, &[&points(p)]), theme.warn),
        None if item.at_risk > 0.0 => {
            Span::styled(fill(t.cost_if_missed, &[&points(item.at_risk)]), theme.warn)
        }
        _ => Span::styled(t.cost_none, theme.muted),
    };
    spans.push(cost);
    lines.push(Line::from(spans));
}

fn event_words(t: &I18n, what: &EventKind) -> String {
    match what {
        EventKind::Opened { severity } => format!("{} ({})", t.ev_opened, t.severity(*severity)),
        EventKind::Acknowledged => t.ev_acknowledged.to_string(),
        EventKind::Planned => t.ev_planned.to_string(),
        EventKind::Resolved => t.ev_resolved.to_string(),
        EventKind::Restored => t.ev_restored.to_string(),
        EventKind::FailedAgain => t.ev_failed.to_string(),
        EventKind::Note => t.ev_note.to_string(),
        EventKind::Reclassified => t.ev_reclassified_plain.to_string(),
        EventKind::DeadlineMissed { stage } => fill(t.ev_missed, &[t.stage(*stage)]),
        EventKind::Record { action } => match action.as_str() {
            "daily.save" => t.rec_daily_saved.to_string(),
            "monthly.save" => t.rec_monthly_saved.to_string(),
            "handover.record" => t.rec_handover.to_string(),
            "score.set" => t.rec_score_set.to_string(),
            "report.advice" => t.rec_advice.to_string(),
            "report.quarterly" => t.rec_quarterly.to_string(),
            other => other.to_string(),
        },
    }
}
