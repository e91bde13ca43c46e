//! 通知 on screen: is anything being sent, each channel's last send and failures (live, from the snapshot),
//! then the outbox newest first (from the engine, asked when the page opens and every 30 s).
//!
//! ```text
//! 2 queued · 1 undelivered in the last day
//!
//! Channels
//!   channel    kind      last sent   fails queued last error
//!   oncall     dingtalk  11-28 15:58     0      0
//!   lead-mail  email     —               3      2 smtp: connection refused
//!
//! Outbox, newest first · 3
//!   time        channel    event      delivery             title
//!   11-28 15:58 oncall     opened     ✓ sent 15:58         【紧急】数据库连接失败
//!   11-28 15:50 lead-mail  escalation … queued, next 16:02 2026-0003 unacknowledged for 15 min
//!               attempt 3: smtp: connection refused
//! ```
//!
//! Every cell is cut by display width (channel names and titles are often Chinese), so a row never wraps.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Ctx, heading, left, right, row};
use crate::engine::ChannelStatus;
use crate::model::{Delivery, Entry};
use crate::tui::app::PageContent;
use crate::tui::i18n::fill;
use crate::tui::text::{cut, width};
use crate::tui::timefmt::moment;

/// `MM-DD HH:MM`, the width of the time columns.
const TIME_W: usize = 11;

pub fn lines(cx: &Ctx, content: &PageContent, w: usize) -> Vec<Line<'static>> {
    let (t, theme) = (cx.t, cx.theme);
    let delivery = &cx.snap.delivery;
    let mut lines = Vec::new();
    if delivery.active {
        let style = if delivery.failed > 0 {
            theme.crit
        } else {
            theme.muted
        };
        let totals = fill(
            t.outbox_totals,
            &[&delivery.queued.to_string(), &delivery.failed.to_string()],
        );
        lines.push(Line::styled(cut(&totals, w), style));
    } else {
        lines.push(Line::styled(t.notify_inactive, theme.warn));
    }

    heading(&mut lines, cx, t.sec_channels.to_string());
    if delivery.channels.is_empty() {
        lines.push(Line::styled(format!("  {}", t.no_channels), theme.muted));
    } else {
        channels(&mut lines, cx, &delivery.channels, w);
    }

    match content {
        PageContent::Outbox(entries) => {
            heading(&mut lines, cx, format!("{} · {}", t.sec_outbox, entries.len()));
            if entries.is_empty() {
                lines.push(Line::styled(format!("  {}", t.outbox_empty), theme.muted));
            } else {
                outbox(&mut lines, cx, entries, w);
            }
        }
        PageContent::Failed(e) => {
            heading(&mut lines, cx, t.sec_outbox.to_string());
            lines.push(Line::styled(fill(t.page_failed, &[e]), theme.crit));
        }
        _ => {
            heading(&mut lines, cx, t.sec_outbox.to_string());
            lines.push(Line::styled(format!("  {}", t.page_loading), theme.muted));
        }
    }
    lines
}

/// Widest of `texts` and the column heading, within `lo..=hi` columns.
fn column<'a>(heading: &str, texts: impl Iterator<Item = &'a str>, lo: usize, hi: usize) -> usize {
    texts
        .map(width)
        .chain([width(heading)])
        .max()
        .unwrap_or(0)
        .clamp(lo, hi)
}

fn channels(lines: &mut Vec<Line<'static>>, cx: &Ctx, channels: &[ChannelStatus], w: usize) {
    let (t, theme) = (cx.t, cx.theme);
    let name_w = column(
        t.col_channel,
        channels.iter().map(|c| c.name.as_str()),
        6,
        (w / 5).clamp(8, 24),
    );
    let kind_w = column(t.col_kind, channels.iter().map(|c| c.kind.as_str()), 4, 10);
    let (fails_w, queued_w) = (width(t.col_failures).max(5), width(t.col_queued).max(6));
    // Indent, the cells and the spaces between them; the last error gets what is left.
    let error_w = w.saturating_sub(2 + name_w + kind_w + TIME_W + fails_w + queued_w + 5);
    lines.push(row(vec![
        left(t.col_channel, name_w, theme.muted),
        left(t.col_kind, kind_w, theme.muted),
        left(t.col_last_sent, TIME_W, theme.muted),
        right(t.col_failures, fails_w, theme.muted),
        right(t.col_queued, queued_w, theme.muted),
        Span::styled(cut(t.col_last_error, error_w), theme.muted),
    ]));
    for c in channels {
        let sent = c
            .last_sent
            .map_or_else(|| t.none.to_string(), |at| moment(at, cx.now, cx.snap.timezone));
        let failing = if c.failures > 0 { theme.crit } else { theme.muted };
        lines.push(row(vec![
            left(&c.name, name_w, theme.text),
            left(&c.kind, kind_w, theme.muted),
            left(
                &sent,
                TIME_W,
                if c.last_sent.is_some() {
                    theme.text
                } else {
                    theme.muted
                },
            ),
            right(&c.failures.to_string(), fails_w, failing),
            right(
                &c.queued.to_string(),
                queued_w,
                if c.queued > 0 { theme.warn } else { theme.muted },
            ),
            Span::styled(cut(c.last_error.as_deref().unwrap_or(""), error_w), failing),
        ]));
    }
}

/// How one entry's delivery went: the cell, its colour, and a line under the row (the error or the reason).
fn delivery(cx: &Ctx, entry: &Entry) -> (String, Style, Option<String>) {
    let (t, theme) = (cx.t, cx.theme);
    let at = |when| moment(when, cx.now, cx.snap.timezone);
    match &entry.state {
        Delivery::Sent {
            at: sent, in_digest, ..
        } => {
            let template = if in_digest.is_some() {
                t.dl_digest
            } else {
                t.dl_sent
            };
            (fill(template, &[&at(*sent)]), theme.ok, None)
        }
        Delivery::Queued => {
            let why = entry
                .last_error
                .as_ref()
                .map(|e| fill(t.dl_attempt, &[&entry.attempts.to_string(), e]));
            (fill(t.dl_queued, &[&at(entry.next_at)]), theme.warn, why)
        }
        Delivery::Failed { at: failed, reason } => (
            fill(t.dl_failed, &[&at(*failed)]),
            theme.crit,
            Some(fill(t.dl_reason, &[reason])),
        ),
        Delivery::Suppressed { reason } => (
            t.dl_suppressed.to_string(),
            theme.muted,
            Some(fill(t.dl_reason, &[reason])),
        ),
    }
}

fn outbox(lines: &mut Vec<Line<'static>>, cx: &Ctx, entries: &[Entry], w: usize) {
    let (t, theme) = (cx.t, cx.theme);
    let cells: Vec<_> = entries.iter().map(|e| delivery(cx, e)).collect();
    // Narrow terminals give the title what the channel and event columns can spare.
    let chan_w = column(
        t.col_channel,
        entries.iter().map(|e| e.channel.as_str()),
        6,
        (w / 6).clamp(8, 20),
    );
    let event_w = column(
        t.col_event,
        entries.iter().map(|e| t.event(e.message.event)),
        4,
        (w / 7).clamp(8, 16),
    );
    let state_w = column(t.col_delivery, cells.iter().map(|(s, _, _)| s.as_str()), 8, 22);
    let title_w = w.saturating_sub(2 + TIME_W + chan_w + event_w + state_w + 4);
    lines.push(row(vec![
        left(t.col_time, TIME_W, theme.muted),
        left(t.col_channel, chan_w, theme.muted),
        left(t.col_event, event_w, theme.muted),
        left(t.col_delivery, state_w, theme.muted),
        Span::styled(cut(t.col_title, title_w), theme.muted),
    ]));
    let indent = 2 + TIME_W + 1;
    for (entry, (state, style, why)) in entries.iter().zip(cells) {
        let created = entry.created_at.with_timezone(&cx.snap.timezone);
        lines.push(row(vec![
            left(&created.format("%m-%d %H:%M").to_string(), TIME_W, theme.muted),
            left(&entry.channel, chan_w, theme.text),
            left(t.event(entry.message.event), event_w, theme.text),
            left(&state, state_w, style),
            Span::styled(cut(&entry.message.title, title_w), theme.text),
        ]));
        if let Some(why) = why {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(cut(&why, w.saturating_sub(indent)), style),
            ]));
        }
    }
}
