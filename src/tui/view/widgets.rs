//! Small pieces the panels share: health marks, panel frames, gauges, sparklines. Every state has a symbol and
//! a word as well as a colour, so the screen reads the same in mono and to the colour-blind.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::Ctx;
use crate::engine::Health;
use crate::tui::text::{cut, fit, width};
use crate::tui::theme::Theme;
use crate::tui::urgency::Level;

pub fn health_symbol(health: Health) -> &'static str {
    match health {
        Health::Unknown => "?",
        Health::Up => "✓",
        Health::Maintenance => "=",
        Health::Degraded => "~",
        Health::Blocked => "-",
        Health::Down => "✗",
    }
}

pub fn health_style(theme: &Theme, health: Health) -> Style {
    match health {
        Health::Unknown => theme.muted,
        Health::Up => theme.ok,
        Health::Maintenance | Health::Blocked => theme.info,
        Health::Degraded => theme.warn,
        Health::Down => theme.crit,
    }
}

/// `✗ down`, padded to `w`.
pub fn health_cell(cx: &Ctx, health: Health, w: usize) -> Span<'static> {
    let text = format!("{} {}", health_symbol(health), cx.t.health(health));
    Span::styled(fit(&text, w), health_style(cx.theme, health))
}

pub fn level_style(theme: &Theme, level: Level) -> Style {
    match level {
        Level::Normal => theme.text,
        Level::Warning => theme.warn,
        Level::Critical | Level::Late => theme.crit,
    }
}

/// A bordered panel; the focused one has the focus colour.
pub fn panel<'a>(cx: &Ctx, title: String, focused: bool) -> Block<'a> {
    let border = if focused {
        cx.theme.border_focus
    } else {
        cx.theme.border
    };
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(border)
        .title(Span::styled(format!(" {title} "), cx.theme.title))
}

/// `label ████░░░░ 42%`: the bar in `bar` columns, the number always, `!` when over the critical threshold.
pub fn gauge<'a>(
    cx: &Ctx,
    label: &str,
    label_w: usize,
    pct: Option<f64>,
    bar: usize,
    warn: f64,
    crit: f64,
) -> Vec<Span<'a>> {
    let mut spans = vec![Span::styled(fit(label, label_w), cx.theme.muted)];
    let Some(pct) = pct.filter(|p| p.is_finite()) else {
        spans.push(Span::styled(fit(" …", bar + 6), cx.theme.muted));
        return spans;
    };
    let pct = pct.clamp(0.0, 100.0);
    let style = if pct >= crit {
        cx.theme.crit
    } else if pct >= warn {
        cx.theme.warn
    } else {
        cx.theme.ok
    };
    if bar > 0 {
        let filled = ((pct / 100.0) * bar as f64).round() as usize;
        spans.push(Span::raw(" "));
        spans.push(Span::styled("█".repeat(filled.min(bar)), style));
        spans.push(Span::styled(
            "░".repeat(bar - filled.min(bar)),
            cx.theme.gauge_empty,
        ));
    }
    let mark = if pct >= crit { "!" } else { " " };
    spans.push(Span::styled(format!("{:>4.0}%{mark}", pct), style));
    spans
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The newest values that fit in `w` columns, scaled to the largest shown. The engine reports a failed probe as
/// 0, drawn as `·` so an outage does not read as a fast answer.
pub fn sparkline(values: &[u64], w: usize) -> String {
    let shown = &values[values.len().saturating_sub(w)..];
    let max = shown.iter().copied().max().unwrap_or(0).max(1);
    shown
        .iter()
        .map(|v| match v {
            0 => '·',
            v => BARS[(v.saturating_mul(7) / max).min(7) as usize],
        })
        .collect()
}

/// A line of spans cut to `w` columns (spans past the edge are dropped or cut).
pub fn clip(spans: Vec<Span<'static>>, w: usize) -> Line<'static> {
    let mut out = Vec::with_capacity(spans.len());
    let mut used = 0;
    for span in spans {
        let sw = width(&span.content);
        if used + sw <= w {
            used += sw;
            out.push(span);
        } else {
            let rest = w.saturating_sub(used);
            if rest > 0 {
                out.push(Span::styled(cut(&span.content, rest), span.style));
            }
            break;
        }
    }
    Line::from(out)
}

/// A page of lines in `area`, wrapped, scrolled by the detail scroll (clamped to what there is).
pub fn scrolled(frame: &mut Frame, area: Rect, cx: &Ctx, lines: Vec<Line<'static>>) {
    let scroll = cx.ui.detail_scroll.min(lines.len().saturating_sub(1)) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// Text someone wrote, indented, one screen line per line they wrote (wrapped by the paragraph).
pub fn prose(lines: &mut Vec<Line<'static>>, text: &str, style: Style) {
    for l in text.lines() {
        lines.push(Line::styled(format!("    {l}"), style));
    }
}

/// The colour of a score by its payment band: full fee, proportional, or half and below.
pub fn score_style(theme: &Theme, total: f64) -> Style {
    if total < 80.0 {
        theme.crit
    } else if total <= 90.0 {
        theme.warn
    } else {
        theme.ok
    }
}

/// A millisecond figure, or `—` when there is none.
pub fn ms(v: Option<u64>, none: &str) -> String {
    match v {
        Some(ms) if ms >= 10_000 => format!("{:.0}s", ms as f64 / 1000.0),
        Some(ms) => format!("{ms}ms"),
        None => none.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_and_marks_failures() {
        assert_eq!(sparkline(&[10, 20, 0, 80], 10), "▁▂·█");
        assert_eq!(sparkline(&[1, 2, 3, 4], 2), "▆█");
        assert_eq!(sparkline(&[], 5), "");
    }
}
