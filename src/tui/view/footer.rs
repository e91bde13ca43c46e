//! The bottom line: the keys that work right now, from the keymap, and above it a status line when there is
//! something to say (a saved command, an engine error).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ctx;
use super::widgets::clip;
use crate::tui::app::{Action, Message, context};
use crate::tui::i18n::fill;
use crate::tui::keymap::{self, Binding};
use crate::tui::text::width;

pub fn status_line(cx: &Ctx) -> Option<Line<'static>> {
    let (t, theme) = (cx.t, cx.theme);
    if let Some(flash) = &cx.ui.flash {
        let (text, style) = match &flash.message {
            Message::Saved(what) => (fill(t.saved_flash, &[what]), theme.ok),
            Message::NoSelection => (t.no_selection.to_string(), theme.warn),
            Message::ReadOnly => (t.read_only.to_string(), theme.warn),
            Message::Copied(n) => (fill(t.copied, &[&n.to_string()]), theme.ok),
            Message::Written(path) => (fill(t.written, &[path]), theme.ok),
            Message::PageLoading => (t.page_not_ready.to_string(), theme.warn),
            Message::Failed(e) => (fill(t.save_failed, &[e]), theme.crit),
        };
        return Some(Line::styled(text, style));
    }
    cx.snap
        .engine_error
        .as_ref()
        .map(|e| Line::styled(format!("! {}", fill(t.engine_error, &[e])), theme.crit))
}

/// Which keys an 80-column footer keeps: the contract's actions (acknowledge, plan, resolve) and records (daily
/// record, handover, score), the way back and help first; moving and switching panels, which every terminal
/// user tries anyway, last.
fn footer_rank(action: &Action) -> u8 {
    match action {
        Action::Acknowledge | Action::Plan | Action::Resolve | Action::Back | Action::ClearFilter => 0,
        Action::OpenDaily | Action::OpenHandover | Action::OpenScore | Action::Help | Action::Edit => 0,
        Action::Note | Action::New | Action::OpenDetails | Action::Quit | Action::Earlier => 1,
        Action::Copy | Action::Export => 1,
        _ => 2,
    }
}

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx) {
    let (t, theme) = (cx.t, cx.theme);
    let w = area.width as usize;
    let spans = if let Some(form) = &cx.ui.form {
        let hint = if form.has_prose() {
            t.form_hint_multi
        } else {
            t.form_hint_single
        };
        vec![Span::styled(hint.to_string(), theme.muted)]
    } else if cx.ui.filtering {
        vec![
            Span::styled(format!("/{}▏ ", cx.ui.filter), theme.input),
            Span::styled(format!(" {}", t.filter_hint), theme.muted),
        ]
    } else if cx.ui.help {
        vec![Span::styled(t.help_close.to_string(), theme.muted)]
    } else {
        let bindings: Vec<&Binding> = keymap::footer(context(cx.snap, cx.ui)).collect();
        let need = |b: &Binding| width(b.label) + 1 + width((b.help)(t)) + 2;
        // All of them when they fit; else the most needed first, shown in the keymap's order.
        let mut keep = vec![false; bindings.len()];
        let mut order: Vec<usize> = (0..bindings.len()).collect();
        order.sort_by_key(|i| (footer_rank(&bindings[*i].action), *i));
        let mut used = 0;
        for i in order {
            if used + need(bindings[i]) <= w {
                used += need(bindings[i]);
                keep[i] = true;
            }
        }
        let mut spans = Vec::new();
        for (b, _) in bindings.iter().zip(&keep).filter(|(_, k)| **k) {
            spans.push(Span::styled(b.label.to_string(), theme.key));
            spans.push(Span::styled(format!(" {}  ", (b.help)(t)), theme.muted));
        }
        spans
    };
    frame.render_widget(Paragraph::new(clip(spans, w)), area);
}
