//! One subsystem's checks: what each looks at and what its last probe said, for finding out why it is red.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::widgets::{health_cell, health_symbol, ms, panel, scrolled};
use crate::engine::Health;
use crate::tui::i18n::fill;
use crate::tui::text::{fit, width};
use crate::tui::timefmt::stamp;

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx, id: &str) {
    let (t, theme) = (cx.t, cx.theme);
    let sub = cx.snap.subsystems.iter().find(|s| s.id == id);
    let name = sub.map_or(id, |s| s.name.as_str());
    let block = panel(cx, fill(t.checks, &[name]), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(sub) = sub else {
        return;
    };
    let status_w = [
        Health::Unknown,
        Health::Up,
        Health::Degraded,
        Health::Down,
        Health::Blocked,
        Health::Maintenance,
    ]
    .iter()
    .map(|h| width(&format!("{} {}", health_symbol(*h), t.health(*h))))
    .max()
    .unwrap_or(8)
        + 1;
    let mut lines = vec![Line::from(vec![
        health_cell(cx, sub.health, status_w),
        Span::styled(
            match &sub.blocked_by {
                Some(by) => fill(t.blocked_by, &[by]),
                None if sub.in_maintenance => t.in_maintenance.to_string(),
                None => String::new(),
            },
            theme.info,
        ),
    ])];
    lines.push(Line::raw(""));
    for c in &sub.checks {
        lines.push(Line::from(vec![
            health_cell(cx, c.health, status_w),
            Span::styled(format!("{} ", c.name), theme.title),
            Span::styled(format!("{} {}", c.kind, c.target), theme.muted),
        ]));
        let last = match &c.last {
            Some(p) => Line::from(vec![
                Span::raw(fit("", status_w)),
                Span::styled(format!("{}: ", t.col_last), theme.muted),
                Span::styled(
                    format!(
                        "{} · {} · {}",
                        t.outcome(&p.outcome),
                        ms(Some(p.latency_ms), t.none),
                        stamp(p.at, cx.now, cx.snap.timezone)
                    ),
                    if p.outcome.is_failure() {
                        theme.crit
                    } else {
                        theme.text
                    },
                ),
            ]),
            None => Line::from(vec![
                Span::raw(fit("", status_w)),
                Span::styled(t.never_probed, theme.muted),
            ]),
        };
        lines.push(last);
    }
    scrolled(frame, inner, cx, lines);
}
