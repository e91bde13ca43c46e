//! The top lines: platform, notification delivery and local time; the mode, who is on duty, the open faults by
//! severity and the open tickets (change requests, support, security findings) apart, what is late, the
//! projected score and the records the contract still wants today.
//!
//! Delivery sits on the first line, between the platform and the clock, where an 80-column terminal still has
//! room. The second line keeps its order but not all its parts on a narrow terminal: the score and a missing
//! daily record stay longest (see [`second_line`]).

use chrono::DateTime;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::widgets::{clip, score_style};
use crate::engine::Mode;
use crate::policy::{Kind, Severity};
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

    let mut out = vec![first, second_line(cx, w)];
    if cx.snap.mode == Mode::Demo {
        out.push(Line::styled(fit(t.demo_banner, w), theme.banner));
    }
    if let Some(banner) = &cx.ui.banner {
        out.push(Line::styled(fit(banner, w), theme.info));
    }
    out
}

/// One part of the second line, and how soon it goes when the line is too narrow (0 stays longest).
struct Part {
    spans: Vec<Span<'static>>,
    drop_order: u8,
}

/// Mode, on duty, open faults by severity, open tickets, late, projected score, missing records — in that
/// order, and on a narrow terminal the score and the missing records stay longest, then what is late, then the
/// faults; who is on duty and the mode go first.
fn second_line(cx: &Ctx, w: usize) -> Line<'static> {
    let (t, theme) = (cx.t, cx.theme);
    let mut parts = Vec::new();
    let mut part = |spans: Vec<Span<'static>>, drop_order: u8| parts.push(Part { spans, drop_order });
    let (mode, mode_style) = match cx.snap.mode {
        Mode::Embedded => (t.mode_embedded, theme.muted),
        Mode::Demo => (t.mode_demo, theme.banner),
        Mode::Attached => (t.mode_attached, theme.info),
    };
    part(vec![Span::styled(mode.to_string(), mode_style)], 6);
    part(
        vec![Span::styled(fill(t.on_duty, &[&cx.ui.on_duty]), theme.text)],
        5,
    );
    let faults = |sev: Severity| {
        cx.list
            .all(cx.snap)
            .filter(|r| r.incident.kind == Kind::Fault && r.incident.severity == sev)
            .count()
    };
    let mut counts = vec![Span::styled(t.open_label.to_string(), theme.text)];
    for sev in Severity::ALL {
        let n = faults(sev);
        let style = match (n, sev) {
            (0, _) => theme.muted,
            (_, Severity::Critical) => theme.crit,
            (_, Severity::Major) => theme.warn,
            (_, Severity::Minor) => theme.text,
        };
        counts.push(Span::styled(format!(" {} {n}", t.severity(sev)), style));
    }
    part(counts, 2);
    let tickets = cx
        .list
        .all(cx.snap)
        .filter(|r| r.incident.kind != Kind::Fault)
        .count();
    let ticket_style = if tickets > 0 { theme.text } else { theme.muted };
    part(
        vec![Span::styled(
            fill(t.tickets_count, &[&tickets.to_string()]),
            ticket_style,
        )],
        3,
    );
    let late = cx.list.all(cx.snap).filter(|r| r.level == Level::Late).count();
    let late_text = fill(t.late_count, &[&late.to_string()]);
    part(
        vec![if late > 0 {
            Span::styled(format!("! {late_text}"), theme.crit)
        } else {
            Span::styled(late_text, theme.muted)
        }],
        1,
    );
    if let Some(score) = &cx.snap.score {
        let text = fill(t.score, &[&score.quarter, &points(score.total)]);
        part(vec![Span::styled(text, score_style(theme, score.total))], 0);
    }
    if cx.snap.records.daily_missing {
        part(vec![Span::styled(t.daily_missing.to_string(), theme.warn)], 0);
    }
    if cx.snap.records.monthly_missing {
        part(vec![Span::styled(t.monthly_missing.to_string(), theme.warn)], 1);
    }
    if cx.snap.generated_at == DateTime::<chrono::Utc>::MIN_UTC {
        part(
            vec![Span::styled(t.waiting_first_snapshot.to_string(), theme.muted)],
            4,
        );
    }
    const SEP: usize = 3;
    let total = |parts: &[Part]| -> usize {
        parts.iter().map(|p| spans_width(&p.spans)).sum::<usize>() + SEP * parts.len().saturating_sub(1)
    };
    while total(&parts) > w && parts.len() > 1 {
        let Some(worst) = (0..parts.len()).max_by_key(|i| parts[*i].drop_order) else {
            break;
        };
        parts.remove(worst);
    }
    let mut spans = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.muted));
        }
        spans.extend(p.spans);
    }
    clip(spans, w)
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
