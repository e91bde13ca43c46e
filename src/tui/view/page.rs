//! The records pages in a frame: the daily record (`d`), the handover (`h`), the score (`s`) and the
//! notifications (`t`). Each page is a list of lines scrolled with j/k; what fills it comes from the engine (see
//! `app::pages`).

mod daily;
mod handover;
mod notifications;
mod score;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::widgets::{panel, scrolled};
use crate::tui::app::{Page, PageContent};
use crate::tui::i18n::fill;
use crate::tui::text::{fit, fit_right};

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx, page: Page) {
    let t = cx.t;
    let title = match (page, &cx.ui.page) {
        (Page::Daily, PageContent::Daily(v)) => fill(t.page_daily, &[&v.date.to_string()]),
        (Page::Daily, _) => fill(t.page_daily, &[""]),
        (Page::Handover, _) => t.page_handover.to_string(),
        (Page::Score, PageContent::Score(s)) => fill(t.page_score, &[&s.quarter.to_string()]),
        (Page::Score, _) => fill(t.page_score, &[""]),
        (Page::Notifications, _) => t.page_notify.to_string(),
    };
    let block = panel(cx, title.trim_end().to_string(), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let lines = match &cx.ui.page {
        // The channels come with every snapshot: they show while the outbox is still being asked for.
        content if page == Page::Notifications => notifications::lines(cx, content, w),
        PageContent::Loading => vec![Line::styled(t.page_loading, cx.theme.muted)],
        PageContent::Failed(e) => vec![Line::styled(fill(t.page_failed, &[e]), cx.theme.crit)],
        PageContent::Daily(v) => daily::lines(cx, v, w),
        PageContent::Handover(s) => handover::lines(cx, s),
        PageContent::Score(s) => score::lines(cx, s, w),
        PageContent::Outbox(_) => Vec::new(),
    };
    scrolled(frame, inner, cx, lines);
}

/// A section title, after a blank line.
fn heading(lines: &mut Vec<Line<'static>>, cx: &Ctx, title: String) {
    lines.push(Line::raw(""));
    lines.push(Line::styled(title, cx.theme.accent));
}

/// A table row: two spaces of indent, one between cells.
fn row(cells: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = Vec::with_capacity(cells.len() * 2);
    for cell in cells {
        spans.push(Span::raw(if spans.is_empty() { "  " } else { " " }));
        spans.push(cell);
    }
    Line::from(spans)
}

/// A cell padded (or cut) to `w` columns by display width.
fn left(text: &str, w: usize, style: Style) -> Span<'static> {
    Span::styled(fit(text, w), style)
}

/// A figure right-aligned in `w` columns.
fn right(text: &str, w: usize, style: Style) -> Span<'static> {
    Span::styled(fit_right(text, w), style)
}
