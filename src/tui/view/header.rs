//! The top lines: platform, notification delivery and local time; who is on duty, the mode, what is open and
//! late, the projected score and the records the contract still wants today.
//!
//! Delivery sits on the first line, between the platform and the clock, where an 80-column terminal still has
//! room; the second line is full at that width and keeps its order (the score and the missing records first).

use chrono::DateTime;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::widgets::{clip, score_style};
use crate::engine::Mode;
use crate::policy::Severity;
use crate::tui::i18n::fill;
use crate::tui::text::{cut, fit, width};
use crate::tui::timefmt::{clock, moment, points};
use crate::tui::urgency::Level;

pub fn lines(cx: &Ctx, w: u16) -> Vec<Line<'static>> {
    let w = w as usize;
    let (t, theme) = (cx.t, cx.theme);
    let time = clock(cx.now, cx.snap.timezone);
    let room = w.saturating_sub(width(&time) + 1);
    // Delivery's extras never cut the platform name; the indicator itself may, down to its first columns.
    let name_w = width(&cx.snap.platform);
    let notify = delivery(cx)
        .into_iter()
        .find(|(spans, full)| {
            let keep = if *full { name_w } else { name_w.min(NAME_MIN) };
            spans_width(spans) + 2 + keep <= room
        })
        .map(|(spans, _)| spans)
        .unwrap_or_default();
    let notify_w = if notify.is_empty() {
        0
    } else {
        spans_width(&notify) + 2
    };
    let mut first = vec![Span::styled(
        fit(&cx.snap.platform, room.saturating_sub(notify_w)),
        theme.title,
    )];
    if !notify.is_empty() {
        first.push(Span::raw(" "));
        first.extend(notify);
        first.push(Span::raw(" "));
    }
    first.push(Span::raw(" "));
    first.push(Span::styled(cut(&time, w), theme.accent));
    let first = Line::from(first);

    let sep = || Span::styled(" · ", theme.muted);
    let mut second: Vec<Span<'static>> = Vec::new();
    let (mode, mode_style) = match cx.snap.mode {
        Mode::Embedded => (t.mode_embedded, theme.muted),
        Mode::Demo => (t.mode_demo, theme.banner),
        Mode::Attached => (t.mode_attached, theme.info),
    };
    second.push(Span::styled(mode.to_string(), mode_style));
    second.push(sep());
    second.push(Span::styled(fill(t.on_duty, &[&cx.ui.on_duty]), theme.text));
    second.push(sep());
    let mut counts = Vec::new();
    for sev in Severity::ALL {
        let n = cx
            .list
            .all(cx.snap)
            .filter(|r| r.incident.severity == sev)
            .count();
        let style = match (n, sev) {
            (0, _) => theme.muted,
            (_, Severity::Critical) => theme.crit,
            (_, Severity::Major) => theme.warn,
            (_, Severity::Minor) => theme.text,
        };
        counts.push(Span::styled(format!("{} {n}", t.severity(sev)), style));
    }
    second.push(Span::styled(format!("{} ", t.open_label), theme.text));
    for (i, c) in counts.into_iter().enumerate() {
        if i > 0 {
            second.push(Span::styled(" ", theme.muted));
        }
        second.push(c);
    }
    let late = cx.list.all(cx.snap).filter(|r| r.level == Level::Late).count();
    second.push(sep());
    let late_text = fill(t.late_count, &[&late.to_string()]);
    second.push(if late > 0 {
        Span::styled(format!("! {late_text}"), theme.crit)
    } else {
        Span::styled(late_text, theme.muted)
    });
    if let Some(score) = &cx.snap.score {
        second.push(sep());
        let style = score_style(theme, score.total);
        second.push(Span::styled(
            fill(t.score, &[&score.quarter, &points(score.total)]),
            style,
        ));
    }
    if cx.snap.records.daily_missing {
        second.push(sep());
        second.push(Span::styled(t.daily_missing.to_string(), theme.warn));
    }
    if cx.snap.records.monthly_missing {
        second.push(sep());
        second.push(Span::styled(t.monthly_missing.to_string(), theme.warn));
    }
    if cx.snap.generated_at == DateTime::<chrono::Utc>::MIN_UTC {
        second.push(sep());
        second.push(Span::styled(t.waiting_first_snapshot.to_string(), theme.muted));
    }
    let mut out = vec![first, clip(second, w)];
    if cx.snap.mode == Mode::Demo {
        out.push(Line::styled(fit(t.demo_banner, w), theme.banner));
    }
    if let Some(banner) = &cx.ui.banner {
        out.push(Line::styled(fit(banner, w), theme.info));
    }
    out
}

/// Columns of the platform name that the delivery indicator never takes.
const NAME_MIN: usize = 16;

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| width(&s.content)).sum()
}

/// The delivery indicator, longest first: with its extras (messages undelivered, queued; marked `true`), then
/// without. Empty when nothing is being sent (no channel, or no notifier where the store is).
///
/// `notify ✓ 10:42` is the last send; `notify ✗ 2 failing` (alarm colour) counts channels whose last attempts
/// failed, `notify ✗ 3 undelivered` messages given up on in the last day when no channel is failing now.
fn delivery(cx: &Ctx) -> Vec<(Vec<Span<'static>>, bool)> {
    let (t, theme) = (cx.t, cx.theme);
    let d = &cx.snap.delivery;
    if !d.active {
        return Vec::new();
    }
    let failing = d.channels.iter().filter(|c| c.failures > 0).count();
    let last_sent = d.channels.iter().filter_map(|c| c.last_sent).max();
    let (head, style, mut extras): (String, _, Vec<(String, Style)>) = if failing > 0 {
        let extras = if d.failed > 0 {
            vec![(fill(t.n_undelivered, &[&d.failed.to_string()]), theme.crit)]
        } else {
            Vec::new()
        };
        (
            fill(t.delivery_failing, &[&failing.to_string()]),
            theme.crit,
            extras,
        )
    } else if d.failed > 0 {
        (
            fill(t.delivery_failed, &[&d.failed.to_string()]),
            theme.crit,
            Vec::new(),
        )
    } else if let Some(at) = last_sent {
        let at = moment(at, cx.now, cx.snap.timezone);
        (fill(t.delivery_sent, &[&at]), theme.ok, Vec::new())
    } else {
        (t.delivery_idle.to_string(), theme.muted, Vec::new())
    };
    if d.queued > 0 {
        extras.push((fill(t.n_queued, &[&d.queued.to_string()]), theme.warn));
    }
    let mut full = vec![Span::styled(head.clone(), style)];
    for (extra, extra_style) in extras {
        full.push(Span::styled(" · ", theme.muted));
        full.push(Span::styled(extra, extra_style));
    }
    let short = vec![Span::styled(head, style)];
    if full.len() > 1 {
        vec![(full, true), (short, false)]
    } else {
        vec![(short, false)]
    }
}
