//! Server gauges: CPU, memory, swap and each disk, with warn and critical colours and the number always shown;
//! load averages; unreachable hosts say so (never 0 %), and an unknown first CPU reading shows as `…`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ctx;
use super::widgets::{clip, gauge, panel};
use crate::engine::HostView;
use crate::hosts::{Gauges, HostReading};
use crate::tui::app::{Panel, View};
use crate::tui::text::{cut, fit, width, wrap};

/// Rows the hosts need in the one-line-per-host form, border included.
pub fn compact_height(cx: &Ctx) -> u16 {
    (cx.snap.hosts.len().max(1) as u16).saturating_add(2)
}

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx) {
    let focused = cx.ui.view == View::Dashboard && cx.ui.focus == Panel::Hosts;
    let block = panel(cx, cx.t.hosts.to_string(), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let iw = inner.width as usize;
    let hosts = &cx.snap.hosts;
    if hosts.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(fit(cx.t.no_hosts, iw), cx.theme.muted)),
            inner,
        );
        return;
    }
    let selected = cx.ui.host_row.min(hosts.len() - 1);
    let detailed: usize = hosts.iter().map(detailed_rows).sum();
    let mut lines = Vec::new();
    if detailed <= inner.height as usize && iw >= 30 {
        for (i, h) in hosts.iter().enumerate() {
            let first = lines.len();
            detailed_lines(cx, h, iw, &mut lines);
            if focused && i == selected {
                lines[first] = lines[first].clone().style(cx.theme.selection);
            }
        }
    } else {
        let visible = inner.height as usize;
        let offset = if focused {
            selected.saturating_sub(visible.saturating_sub(1))
        } else {
            0
        };
        let name_w = hosts
            .iter()
            .map(|h| width(&h.name))
            .max()
            .unwrap_or(8)
            .clamp(4, 16);
        for (i, h) in hosts.iter().enumerate().skip(offset).take(visible) {
            let mut line = compact_line(cx, h, name_w, iw);
            if focused && i == selected {
                line = line.style(cx.theme.selection);
            }
            lines.push(line);
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn detailed_rows(h: &HostView) -> usize {
    match &h.reading {
        Some(HostReading::Gauges(g)) => 3 + usize::from(g.swap_pct.is_some()) + g.disks.len(),
        Some(HostReading::Unreachable { .. }) => 1 + REASON_LINES,
        None => 1,
    }
}

/// Lines an unreachable host's reason may take in the detailed form.
const REASON_LINES: usize = 2;

/// The part after the name when there are no gauges to draw.
fn no_gauges<'a>(cx: &Ctx, h: &HostView) -> Option<Span<'a>> {
    match &h.reading {
        None => Some(Span::styled(format!("… {}", cx.t.no_reading), cx.theme.muted)),
        Some(HostReading::Unreachable { reason }) => Some(Span::styled(
            format!(
                "✗ {}: {}",
                cx.t.unreachable,
                cx.t.host_reason(reason).replace('\n', " ")
            ),
            cx.theme.crit,
        )),
        Some(HostReading::Gauges(_)) => None,
    }
}

fn load_text(g: &Gauges, cx: &Ctx) -> String {
    match g.load {
        Some([a, b, c]) => format!("{} {a:.2} {b:.2} {c:.2}", cx.t.load),
        None => String::new(),
    }
}

fn detailed_lines(cx: &Ctx, h: &HostView, iw: usize, out: &mut Vec<Line<'static>>) {
    let name = Span::styled(format!("{} ", h.name), cx.theme.title);
    // Unreachable: the whole reason, under the name, rather than what fits beside it.
    if let Some(HostReading::Unreachable { reason }) = &h.reading {
        let head = Span::styled(format!("✗ {}", cx.t.unreachable), cx.theme.crit);
        out.push(clip(vec![name, head], iw));
        let reason = cx.t.host_reason(reason).replace('\n', " ");
        for line in wrap(&reason, iw.saturating_sub(1), REASON_LINES) {
            out.push(Line::styled(format!(" {line}"), cx.theme.crit));
        }
        return;
    }
    if let Some(span) = no_gauges(cx, h) {
        out.push(clip(vec![name, span], iw));
        return;
    }
    let Some(HostReading::Gauges(g)) = &h.reading else {
        return;
    };
    let load = load_text(g, cx);
    let name_w = iw.saturating_sub(width(&load) + 1);
    out.push(clip(
        vec![
            Span::styled(fit(&h.name, name_w), cx.theme.title),
            Span::raw(" "),
            Span::styled(load, cx.theme.muted),
        ],
        iw,
    ));
    let label_w = g
        .disks
        .iter()
        .map(|d| width(&d.mount) + 2)
        .chain([width(cx.t.cpu), width(cx.t.mem), width(cx.t.swap)].map(|w| w + 2))
        .max()
        .unwrap_or(6)
        .min(14);
    let bar = iw.saturating_sub(label_w + 8).min(40);
    let (warn, crit) = (h.warn_pct, h.critical_pct);
    let mut push = |label: &str, pct: Option<f64>| {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(gauge(cx, label, label_w - 1, pct, bar, warn, crit));
        out.push(clip(spans, iw));
    };
    push(cx.t.cpu, g.cpu_pct);
    push(cx.t.mem, g.mem_pct);
    // No swap configured: no gauge (an unknown CPU reading is `…`, but swap has no reading to wait for).
    if g.swap_pct.is_some() {
        push(cx.t.swap, g.swap_pct);
    }
    for d in &g.disks {
        push(&d.mount, Some(d.used_pct));
    }
}

/// Columns of an unreachable host's reason kept before the name is cut further: a name is known by its first
/// letters, a reason cut shorter than this says nothing.
const NAME_MIN: usize = 6;

/// An unreachable host on one line: the reason is what the engineer needs, so the other parts give way first —
/// the name's padding, then the word "unreachable" (the ✗ stays), then the name down to [`NAME_MIN`] — and
/// only then is the reason cut, by display width, with `…`.
fn compact_unreachable(cx: &Ctx, name: &str, reason: &str, name_w: usize, iw: usize) -> Line<'static> {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    let label = format!("✗ {}: ", cx.t.unreachable);
    let bare = width(name).min(name_w);
    let (name_cols, label) = if name_w + 1 + width(&label) + width(&reason) <= iw {
        (name_w, label)
    } else if bare + 1 + width(&label) + width(&reason) <= iw {
        (bare, label)
    } else {
        let label = "✗ ".to_string();
        let room = iw.saturating_sub(1 + width(&label) + width(&reason));
        (bare.min(room.max(NAME_MIN.min(bare))), label)
    };
    let rest = iw.saturating_sub(name_cols + 1 + width(&label));
    clip(
        vec![
            Span::styled(fit(name, name_cols), cx.theme.title),
            Span::raw(" "),
            Span::styled(label, cx.theme.crit),
            Span::styled(cut(&reason, rest), cx.theme.crit),
        ],
        iw,
    )
}

fn compact_line(cx: &Ctx, h: &HostView, name_w: usize, iw: usize) -> Line<'static> {
    if let Some(HostReading::Unreachable { reason }) = &h.reading {
        return compact_unreachable(cx, &h.name, &cx.t.host_reason(reason), name_w, iw);
    }
    let mut spans = vec![Span::styled(fit(&h.name, name_w), cx.theme.title), Span::raw(" ")];
    if let Some(span) = no_gauges(cx, h) {
        spans.push(span);
        return clip(spans, iw);
    }
    let Some(HostReading::Gauges(g)) = &h.reading else {
        return clip(spans, iw);
    };
    let (warn, crit) = (h.warn_pct, h.critical_pct);
    let bar = if iw >= 110 { 6 } else { 0 };
    let mut add = |label: &str, pct: Option<f64>| {
        spans.push(Span::raw(" "));
        spans.extend(gauge(cx, label, width(label), pct, bar, warn, crit));
    };
    add(cx.t.cpu, g.cpu_pct);
    add(cx.t.mem, g.mem_pct);
    if g.swap_pct.is_some() {
        add(cx.t.swap, g.swap_pct);
    }
    for d in &g.disks {
        add(&d.mount, Some(d.used_pct));
    }
    let load = load_text(g, cx);
    if !load.is_empty() {
        spans.push(Span::styled(format!(" {load}"), cx.theme.muted));
    }
    clip(spans, iw)
}
