//! The screen, drawn from `(&Snapshot, &UiState, &Theme, &I18n, now)` and nothing else.
//!
//! ```text
//! 福建省水利质量检测监管平台                    notify ✓ 15:58  2026-11-28 16:00:05 CST   header
//! embedded · on duty alice · open critical 1 · major 2 · late 1 · 2026-Q4 projected 98.7 · ! daily record
//! DEMO — `watchdesk init` writes a config for your platform                                 (demo only)
//! ┌ Subsystems ────────────────────────────────────────────────────────────────────────────────────────┐
//! │ status    subsystem              now     p95   today  latency                                      │
//! │ ✓ up      系统管理子系统          12ms    30ms  99.9%  ▁▂▁▃▁▂▁▁▂▃▁                                  │
//! │ - blocked 水利质量检测数字管理…     —       —   97.2%  ▁▂·····      blocked by 系统管理子系统         │
//! └────────────────────────────────────────────────────────────────────────────────────────────────────┘
//! ┌ Open incidents (3) ───────────────────────────────────────────┐┌ Hosts ───────────────────────────┐
//! │    id        kind   severity title        age  next deadline cost││ app-01          load 0.52 0.48 │
//! │>!  2026-0003 fault  critical 数据库连接失败 52m  plan late +12m04s ✗−1││  cpu  ████░░░░░░  42%          │
//! │    2026-0004 fault  major    页面打开缓慢   3m   respond 11:42  −0.3││  mem  ███████░░░  78%          │
//! └───────────────────────────────────────────────────────────────┘└──────────────────────────────────┘
//! ! engine: store write failed                                                   status line (when any)
//! j/k move  Tab panel  Enter details  a acknowledge  p plan  r resolve  N note  n new  ? help  q quit
//! ```
//!
//! Hosts sit beside the incidents on wide terminals and under them on narrow ones. Enter replaces the panels
//! with an incident's (or a subsystem's) details, `d` / `h` / `s` / `t` with a records page (daily record,
//! handover, score, notifications); forms and the help open over everything.

mod checks;
mod details;
mod footer;
mod form;
mod header;
mod help;
mod hosts;
mod incidents;
mod page;
mod subsystems;
mod widgets;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::app::{UiState, View};
use super::i18n::{I18n, fill};
use super::text::cut;
use super::theme::Theme;
use super::urgency::Listing;
use crate::engine::Snapshot;

/// Below this the dashboard cannot show what matters; it says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
/// From this width the hosts go beside the incidents.
const SIDE_BY_SIDE: u16 = 140;

/// Everything a panel reads.
pub struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub ui: &'a UiState,
    /// The open incidents ranked and filtered for `snap`, `now` and `ui.filter`.
    pub list: &'a Listing,
    pub theme: &'a Theme,
    pub t: &'a I18n,
    pub now: DateTime<Utc>,
}

/// Draws the whole screen, ranking the open incidents for this frame.
pub fn render(frame: &mut Frame, snap: &Snapshot, ui: &UiState, theme: &Theme, t: &I18n, now: DateTime<Utc>) {
    let list = Listing::new(snap, now, &ui.filter);
    let cx = Ctx {
        snap,
        ui,
        list: &list,
        theme,
        t,
        now,
    };
    draw(frame, &cx);
}

/// Draws the whole screen with a listing kept between frames (the event loop's, from `App::screen`).
pub fn draw(frame: &mut Frame, cx: &Ctx) {
    let (ui, theme) = (cx.ui, cx.theme);
    let area = frame.area();
    frame.buffer_mut().set_style(area, theme.base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, cx);
        return;
    }
    let header_lines = header::lines(cx, area.width);
    let status = footer::status_line(cx);
    let [head, body, status_area, foot] = Layout::vertical([
        Constraint::Length(header_lines.len() as u16),
        Constraint::Min(0),
        Constraint::Length(u16::from(status.is_some())),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(header_lines), head);
    match &ui.view {
        View::Dashboard => dashboard(frame, body, cx),
        View::Incident(id) => details::render(frame, body, cx, *id),
        View::Subsystem(id) => checks::render(frame, body, cx, id),
        View::Records(page) => page::render(frame, body, cx, *page),
    }
    if let Some(line) = status {
        frame.render_widget(Paragraph::new(line), status_area);
    }
    footer::render(frame, foot, cx);
    if let Some(f) = &ui.form {
        form::render(frame, area, cx, f);
    } else if ui.help {
        help::render(frame, area, cx);
    }
}

fn dashboard(frame: &mut Frame, body: Rect, cx: &Ctx) {
    let rows = cx.snap.subsystems.len().max(1) as u16;
    // Incidents keep at least six rows; subsystems take what is left up to all of theirs.
    let sub_h = (rows + 3).min(body.height.saturating_sub(6)).max(3);
    let [subs, rest] = Layout::vertical([Constraint::Length(sub_h), Constraint::Min(0)]).areas(body);
    subsystems::render(frame, subs, cx);
    if rest.width >= SIDE_BY_SIDE {
        let host_w = (rest.width * 2 / 5).min(64);
        let [inc, hst] = Layout::horizontal([Constraint::Min(0), Constraint::Length(host_w)]).areas(rest);
        incidents::render(frame, inc, cx);
        hosts::render(frame, hst, cx);
    } else {
        let wanted = hosts::compact_height(cx);
        let host_h = wanted
            .min(rest.height.saturating_sub(5) / 2)
            .max(3.min(rest.height));
        let [inc, hst] = Layout::vertical([Constraint::Min(0), Constraint::Length(host_h)]).areas(rest);
        incidents::render(frame, inc, cx);
        hosts::render(frame, hst, cx);
    }
}

fn too_small(frame: &mut Frame, area: Rect, cx: &Ctx) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let text = fill(cx.t.too_small, &[&MIN_WIDTH.to_string(), &MIN_HEIGHT.to_string()]);
    let text = cut(&text, area.width as usize);
    let y = area.y + area.height / 2;
    let line = Line::styled(text, cx.theme.warn).centered();
    frame.render_widget(Paragraph::new(line), Rect::new(area.x, y, area.width, 1));
}
