//! Beside the hosts under a full-width incident list (wide, tall terminals): the selected incident's three
//! deadlines with their countdowns, what the next one costs, and the last lines of its timeline — what Enter
//! would show, without leaving the list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::Ctx;
use super::details::{deadline_lines, timeline_entry};
use super::incidents::severity_style;
use super::widgets::panel;
use crate::tui::app::find_incident;
use crate::tui::i18n::fill;
use crate::tui::text::{fit, width};
use crate::tui::timefmt::{span, stamp};

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx) {
    let (t, theme) = (cx.t, cx.theme);
    let id = cx
        .ui
        .selected
        .or_else(|| cx.list.visible(cx.snap).next().map(|r| r.incident.id));
    let Some(inc) = id.and_then(|id| find_incident(cx.snap, id)) else {
        let block = panel(cx, t.selected_none.to_string(), false);
        frame.render_widget(block, area);
        return;
    };
    let block = panel(cx, fill(t.details, &[&inc.id.to_string()]), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let iw = inner.width as usize;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                t.severity(inc.severity).to_string(),
                severity_style(theme, inc.severity),
            ),
            Span::styled(" · ", theme.muted),
            Span::styled(t.kind(inc.kind).to_string(), theme.muted),
            Span::styled(" · ", theme.muted),
            Span::styled(
                fit(
                    &inc.title,
                    iw.saturating_sub(width(t.severity(inc.severity)) + width(t.kind(inc.kind)) + 6),
                ),
                theme.title,
            ),
        ]),
        Line::from(vec![
            Span::styled(format!("{}: ", t.detected), theme.muted),
            Span::styled(
                format!(
                    "{} ({})",
                    stamp(inc.detected_at, cx.now, cx.snap.timezone),
                    fill(t.ago, &[&span(cx.now - inc.detected_at)])
                ),
                theme.text,
            ),
        ]),
        Line::raw(""),
    ];
    lines.extend(deadline_lines(cx, inc));
    lines.push(Line::raw(""));
    lines.push(Line::styled(t.timeline_recent, theme.accent));
    // The newest entries that fit, oldest of them first.
    let room = (inner.height as usize).saturating_sub(lines.len());
    let mut recent = Vec::new();
    for e in inc.timeline.iter().rev().take(room) {
        timeline_entry(cx, e, &mut recent, false);
    }
    recent.reverse();
    lines.extend(recent);
    let used = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), inner);

    // Room left: the incident's subsystem's recent latency, a few rows tall (failures as gaps).
    let Some(sub) = inc
        .subsystem
        .as_ref()
        .and_then(|id| cx.snap.subsystems.iter().find(|s| &s.id == id))
    else {
        return;
    };
    let room = inner.height.saturating_sub(used + 1);
    if room < 4 || sub.sparkline.is_empty() {
        return;
    }
    let chart_h = room.min(8) - 1;
    let y = inner.y + inner.height - chart_h - 1;
    let peak = sub.sparkline.iter().copied().max().unwrap_or(0);
    let head = fill(t.latency_of, &[&sub.name, &peak.to_string()]);
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&head, iw), theme.accent)),
        Rect::new(inner.x, y, inner.width, 1),
    );
    let shown = &sub.sparkline[sub.sparkline.len().saturating_sub(iw)..];
    frame.render_widget(
        Sparkline::default().data(shown).style(theme.muted),
        Rect::new(inner.x, y + 1, inner.width, chart_h),
    );
}
