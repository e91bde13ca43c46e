//! 日台账 on screen: whether the day's record is saved (and by whom), the engineer's entries, then the figures
//! watchdesk fills in — availability and p95 per subsystem, host peaks, incidents, missed deadlines, backups.

use chrono::Datelike;
use ratatui::text::{Line, Span};

use super::{Ctx, heading, left, right, row};
use crate::report::daily::DailyView;
use crate::report::percent;
use crate::tui::i18n::fill;
use crate::tui::text::width;
use crate::tui::timefmt::stamp;
use crate::tui::view::widgets::ms;
use crate::tui::view::widgets::prose;

pub fn lines(cx: &Ctx, view: &DailyView, w: usize) -> Vec<Line<'static>> {
    let (t, theme) = (cx.t, cx.theme);
    let (tz, now) = (cx.snap.timezone, cx.now);
    let at = |when| stamp(when, now, tz);
    let fig = &view.figures;
    let mut lines = Vec::new();

    let weekday = t.weekdays[view.date.weekday().num_days_from_monday() as usize];
    let mut first = vec![Span::styled(format!("{} {weekday}", view.date), theme.title)];
    if view.is_today {
        first.push(Span::styled(format!(" · {}", t.today_mark), theme.accent));
    }
    if let Some(computed) = fig.computed_at {
        let template = if fig.complete {
            t.figures_complete
        } else {
            t.figures_so_far
        };
        first.push(Span::styled(
            format!(" · {}", fill(template, &[&at(computed)])),
            theme.muted,
        ));
    }
    lines.push(Line::from(first));
    lines.push(match &view.record {
        Some(r) => Line::styled(
            format!(
                "✓ {}",
                fill(
                    t.record_saved,
                    &[&r.saved_by.to_string(), &at(r.saved_at), &r.revision.to_string()]
                )
            ),
            theme.ok,
        ),
        None if view.missing => Line::styled(t.record_missing, theme.crit),
        None => Line::styled(t.record_not_saved, theme.warn),
    });

    heading(&mut lines, cx, t.entries.to_string());
    let label_w = [
        t.field_anomaly_checked,
        t.field_archive_done,
        t.field_anomaly_note,
    ]
    .iter()
    .map(|l| width(l))
    .max()
    .unwrap_or(0)
        + 2;
    let yes_no = |v: Option<bool>| match v {
        Some(true) => (t.yes, theme.ok),
        Some(false) => (t.no, theme.warn),
        None => ("—", theme.muted),
    };
    let record = view.record.as_ref();
    for (label, value) in [
        (t.field_anomaly_checked, record.map(|r| r.anomaly_checked)),
        (t.field_archive_done, record.map(|r| r.archive_done)),
    ] {
        let (word, style) = yes_no(value);
        lines.push(row(vec![left(label, label_w, theme.text), left(word, 4, style)]));
    }
    for (label, text) in [
        (
            t.field_anomaly_note,
            record.and_then(|r| r.anomaly_note.as_deref()),
        ),
        (t.field_notes, record.and_then(|r| r.notes.as_deref())),
    ] {
        if let Some(text) = text {
            lines.push(Line::styled(format!("  {label}:"), theme.muted));
            prose(&mut lines, text, theme.text);
        }
    }

    heading(&mut lines, cx, t.sec_availability.to_string());
    let name_w = fig
        .subsystems
        .iter()
        .map(|s| width(&s.name))
        .max()
        .unwrap_or(0)
        .clamp(8, w.saturating_sub(48).max(8));
    lines.push(row(vec![
        left(t.col_subsystem, name_w, theme.muted),
        right(t.col_availability, 12, theme.muted),
        right(t.col_p95, 7, theme.muted),
        right(t.col_max, 7, theme.muted),
        right(t.col_probes, 7, theme.muted),
        right(t.col_failed, 7, theme.muted),
    ]));
    for s in &fig.subsystems {
        let style = match s.availability {
            Some(a) if a < 0.99 => theme.crit,
            Some(a) if a < 0.999 => theme.warn,
            Some(_) => theme.text,
            None => theme.muted,
        };
        lines.push(row(vec![
            left(&s.name, name_w, theme.text),
            right(&percent(s.availability), 12, style),
            right(&ms(s.p95_ms, "—"), 7, theme.text),
            right(&ms(s.max_ms, "—"), 7, theme.muted),
            right(&s.count.to_string(), 7, theme.muted),
            right(
                &s.fails.to_string(),
                7,
                if s.fails > 0 { theme.warn } else { theme.muted },
            ),
        ]));
    }

    heading(&mut lines, cx, t.sec_host_peaks.to_string());
    match &fig.hosts {
        Some(hosts) if !hosts.is_empty() => {
            for h in hosts {
                let pct = |v: Option<f64>| v.map_or("—".to_string(), |p| format!("{p:.0}%"));
                let disk = match &h.disk_mount {
                    Some(m) => format!("{} ({m})", pct(h.disk_pct)),
                    None => pct(h.disk_pct),
                };
                let mut cells = vec![
                    left(&h.name, 16, theme.text),
                    left(&format!("{} {}", t.cpu, pct(h.cpu_pct)), 10, theme.text),
                    left(&format!("{} {}", t.mem, pct(h.mem_pct)), 10, theme.text),
                    left(&format!("disk {disk}"), 18, theme.text),
                ];
                if h.unreachable > 0 {
                    let text = fill(t.unreachable_times, &[&h.unreachable.to_string()]);
                    cells.push(Span::styled(text, theme.crit));
                }
                lines.push(row(cells));
            }
        }
        _ => lines.push(Line::styled(format!("  {}", t.no_host_peaks), theme.muted)),
    }

    heading(&mut lines, cx, t.sec_day_incidents.to_string());
    lines.push(Line::styled(
        format!(
            "  {}",
            fill(
                t.incident_counts,
                &[
                    &fig.opened.len().to_string(),
                    &fig.acknowledged.len().to_string(),
                    &fig.resolved.len().to_string(),
                ],
            )
        ),
        theme.text,
    ));
    for (word, ids) in [
        (t.ev_opened, &fig.opened),
        (t.ev_acknowledged, &fig.acknowledged),
        (t.ev_resolved, &fig.resolved),
    ] {
        if !ids.is_empty() {
            lines.push(Line::styled(
                format!("    {word}: {}", ids.join(", ")),
                theme.muted,
            ));
        }
    }

    heading(&mut lines, cx, t.sec_missed.to_string());
    if fig.deadlines_missed.is_empty() {
        lines.push(Line::styled(format!("  {}", t.none), theme.muted));
    }
    for m in &fig.deadlines_missed {
        lines.push(row(vec![
            left(&m.id, 10, theme.crit),
            left(t.stage(m.stage), 8, theme.text),
            Span::styled(format!("{} {}", t.due, at(m.due)), theme.muted),
        ]));
    }

    heading(&mut lines, cx, t.sec_backups.to_string());
    match &fig.backups {
        Some(checks) if !checks.is_empty() => {
            for c in checks {
                let (mark, style) = match c.ok {
                    Some(true) => ("✓", theme.ok),
                    Some(false) => ("✗", theme.crit),
                    None => ("?", theme.muted),
                };
                let when = c.at.map_or(t.not_run.to_string(), &at);
                lines.push(row(vec![
                    Span::styled(mark, style),
                    left(&c.target, 32, theme.text),
                    left(&when, 15, theme.muted),
                    Span::styled(c.detail.clone(), style),
                ]));
            }
        }
        _ => lines.push(Line::styled(format!("  {}", t.no_backups), theme.muted)),
    }
    lines
}
