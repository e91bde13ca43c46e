//! The screen, drawn from `(&Snapshot, &UiState, &Theme, &I18n, now)` and nothing else.
//!
//! ```text
//! 福建省水利质量检测监管平台                    notify ✓ 15:58  2026-11-28 16:00:05 CST   header
//! embedded · on duty alice · open faults critical 1 major 2 minor 0 · tickets 2 · ! late 1 · 2026-Q4 projected 98.7
//! ┌ Subsystems ────────────────────────────────────────────────────────────────────────────────────────────┐
//! │ status    subsystem              now     p95   today  latency                                            │
//! │ ✗ down    系统管理子系统            —    30ms  96.2%  ▁▂▁▃▁▂▁▁··  connect: connection refused            │
//! │ = maint   综合展示子系统          60ms    90ms     —  ▁▂▁▃▁▂▁▁▂▃  maintenance window · status: HTTP 503   │
//! └──────────────────────────────────────────────────────────────────────────────────────────────────────────┘
//! ┏ Open incidents (3) ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
//! ┃    id        kind   severity title (the whole width)            age  next deadline         cost ┃
//! ┃>!  2026-0003 fault  critical 数据库连接失败                    52m00s plan late +12m04s     ✗−1 ┃
//! ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛
//! ┌ Incident 2026-0003 (the selected one) ────────────────────┐┌ Hosts ──────────────────────────────────┐
//! │ critical · fault · 数据库连接失败                          ││ app-01                   load 0.52 0.48 │
//! │ respond due 15:35:00  met at 15:26:00                     ││  cpu  ████░░░░░░  42%                   │
//! │ plan    due 17:20:00  1h20m left                          ││  mem  ███████░░░  78%                   │
//! │ Latest in the timeline …                                  ││ db-01 ✗ unreachable                     │
//! └───────────────────────────────────────────────────────────┘└─────────────────────────────────────────┘
//! ! engine: store write failed                                                   status line (when any)
//! a acknowledge  p plan  r resolve  ? help  d daily record  h handover  s score   keys (the contract's first)
//! ```
//!
//! From 100 columns and 24 rows under the subsystems, the incident list takes the full width (as tall as its
//! rows, at most half) and the selected incident's deadlines and latest timeline sit beside the hosts below it.
//! Smaller, hosts sit beside the incidents on wide terminals and under them on narrow ones. Enter replaces the panels
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
mod selected;
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
/// From this height (under the subsystems) and width, the incidents get the full width, as tall as their rows,
/// and the selected incident sits beside the hosts under them.
const SPLIT_HEIGHT: u16 = 24;
const SPLIT_WIDTH: u16 = 100;

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
    if rest.width >= SPLIT_WIDTH && rest.height >= SPLIT_HEIGHT {
        // The list as tall as its rows (at most half), full width so titles read whole; under it the selected
        // incident (its deadlines and latest timeline) beside the hosts.
        let resolved = cx.snap.recently_resolved.len().min(3);
        let rows = 3 + cx.list.len().max(1) + if resolved > 0 { 2 + resolved } else { 0 };
        let inc_h = (rows as u16).clamp(6, rest.height / 2);
        let [inc, below] = Layout::vertical([Constraint::Length(inc_h), Constraint::Min(0)]).areas(rest);
        let host_w = (below.width * 2 / 5).clamp(40, 64);
        let [sel, hst] = Layout::horizontal([Constraint::Min(0), Constraint::Length(host_w)]).areas(below);
        incidents::render(frame, inc, cx);
        selected::render(frame, sel, cx);
        hosts::render(frame, hst, cx);
    } else if rest.width >= SIDE_BY_SIDE {
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
