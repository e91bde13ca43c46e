//! One row per subsystem: state as symbol and word, latency now and p95, today's availability, a latency
//! sparkline, and why it is blocked or that it is in maintenance.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ctx;
use super::widgets::{clip, health_cell, health_symbol, ms, panel, sparkline};
use crate::engine::{Health, SubsystemView};
use crate::tui::app::{Panel, View};
use crate::tui::i18n::{I18n, fill};
use crate::tui::text::{fit, fit_right, width};

const NUM_W: usize = 7;

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx) {
    let focused = cx.ui.view == View::Dashboard && cx.ui.focus == Panel::Subsystems;
    let block = panel(cx, cx.t.subsystems.to_string(), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let iw = inner.width as usize;
    let subs = &cx.snap.subsystems;
    if subs.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(fit(cx.t.no_subsystems, iw), cx.theme.muted)),
            inner,
        );
        return;
    }
    let status_w = [
        Health::Unknown,
        Health::Up,
        Health::Maintenance,
        Health::Degraded,
        Health::Blocked,
        Health::Down,
    ]
    .iter()
    .map(|h| width(&format!("{} {}", health_symbol(*h), cx.t.health(*h))))
    .max()
    .unwrap_or(8);
    let longest = subs.iter().map(|s| width(&s.name)).max().unwrap_or(10);
    let mut show_p95 = true;
    let mut fixed = status_w + 2 + 3 * (NUM_W + 1);
    // On a narrow terminal p95 gives its columns to the reason a subsystem is down.
    if iw < fixed + longest.clamp(6, 28) + 30 {
        show_p95 = false;
        fixed -= NUM_W + 1;
    }
    let name_w = longest.clamp(6, 28).min(iw.saturating_sub(fixed + 2)).max(4);
    let rest = iw.saturating_sub(fixed + name_w + 1);

    let mut lines = Vec::with_capacity(inner.height as usize);
    let mut head = vec![
        Span::raw(fit(cx.t.col_status, status_w + 1)),
        Span::raw(fit(cx.t.col_subsystem, name_w + 1)),
        Span::raw(fit_right(cx.t.col_now, NUM_W) + " "),
    ];
    if show_p95 {
        head.push(Span::raw(fit_right(cx.t.col_p95, NUM_W) + " "));
    }
    head.push(Span::raw(fit_right(cx.t.col_today, NUM_W) + "  "));
    head.push(Span::raw(cx.t.col_latency.to_string()));
    lines.push(clip(head, iw).style(cx.theme.muted));

    let visible = (inner.height as usize).saturating_sub(1);
    let selected = cx.ui.subsystem_row.min(subs.len() - 1);
    let offset = if focused {
        selected.saturating_sub(visible.saturating_sub(1))
    } else {
        0
    };
    for (i, s) in subs.iter().enumerate().skip(offset).take(visible) {
        let mut line = row(cx, s, status_w, name_w, show_p95, rest, iw);
        if focused && i == selected {
            line = line.style(cx.theme.selection);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row(
    cx: &Ctx,
    s: &SubsystemView,
    status_w: usize,
    name_w: usize,
    p95: bool,
    rest: usize,
    iw: usize,
) -> Line<'static> {
    let theme = cx.theme;
    let none = cx.t.none;
    let mut spans = vec![
        health_cell(cx, s.health, status_w),
        Span::raw(" "),
        Span::styled(fit(&s.name, name_w), theme.text),
        Span::raw(" "),
        Span::styled(fit_right(&ms(s.latency_ms, none), NUM_W) + " ", theme.text),
    ];
    if p95 {
        spans.push(Span::styled(
            fit_right(&ms(s.p95_ms, none), NUM_W) + " ",
            theme.muted,
        ));
    }
    let (avail, avail_style) = match s.availability_today {
        Some(a) if a >= 0.995 => (format!("{:.1}%", a * 100.0), theme.text),
        Some(a) if a >= 0.95 => (format!("{:.1}%", a * 100.0), theme.warn),
        Some(a) => (format!("{:.1}%", a * 100.0), theme.crit),
        None => (none.to_string(), theme.muted),
    };
    spans.push(Span::styled(fit_right(&avail, NUM_W) + "  ", avail_style));
    let note = match (&s.blocked_by, s.in_maintenance) {
        (Some(by), _) => Some(fill(cx.t.blocked_by, &[by])),
        // In its window a failing service still says how it fails: `maintenance · status: HTTP 503`.
        (None, true) => Some(match failing_answer(cx.t, s) {
            Some(answer) => format!("{} · {answer}", cx.t.in_maintenance),
            None => cx.t.in_maintenance.to_string(),
        }),
        (None, false) => reason(cx.t, s),
    };
    // Why a row is not up matters more than its sparkline: the note takes the room it needs, the sparkline
    // what is left (none when that is too little to read).
    let note_w = note
        .as_deref()
        .map_or(0, |n| width(n).min(rest.saturating_sub(1)));
    let mut spark_w = rest.saturating_sub(note_w + 2).min(60);
    if note.is_some() && spark_w < MIN_SPARK {
        spark_w = 0;
    }
    let note_w = if spark_w == 0 {
        rest.saturating_sub(1)
    } else {
        note_w
    };
    spans.push(Span::styled(
        fit(&sparkline(&s.sparkline, spark_w), spark_w),
        theme.muted,
    ));
    if let Some(note) = note {
        spans.push(Span::raw(" "));
        let style = match (s.blocked_by.is_some() || s.in_maintenance, s.health) {
            (true, _) => theme.info,
            (false, Health::Down) => theme.crit,
            (false, _) => theme.warn,
        };
        spans.push(Span::styled(fit(&note, note_w), style));
    }
    clip(spans, iw)
}

/// Below this a sparkline says nothing; a note takes its place.
const MIN_SPARK: usize = 8;

/// The last answer of a check that is not up, whatever the subsystem's state (for a maintenance window).
fn failing_answer(t: &I18n, s: &SubsystemView) -> Option<String> {
    s.checks
        .iter()
        .filter_map(|c| c.last.as_ref())
        .find(|p| !matches!(p.outcome, crate::probe::Outcome::Up { .. }))
        .map(|p| t.outcome(&p.outcome))
        .filter(|d| !d.is_empty())
}

/// Why a degraded or down subsystem is so: the last answer of its first check in that state ("certificate
/// expires in 19 days ..."), since the latency columns alone cannot say it.
fn reason(t: &I18n, s: &SubsystemView) -> Option<String> {
    if !matches!(s.health, Health::Degraded | Health::Down) {
        return None;
    }
    s.checks
        .iter()
        .filter(|c| c.health == s.health)
        .find_map(|c| c.last.as_ref())
        .map(|p| t.outcome(&p.outcome))
        .filter(|d| !d.is_empty())
}
