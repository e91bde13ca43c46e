//! Open incidents, most urgent first, each with a live countdown to its next deadline and what that deadline
//! costs the assessment score if it passes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ctx;
use super::widgets::{clip, level_style, panel};
use crate::model::{DeadlineState, DeadlineStatus, Incident};
use crate::policy::{Kind, Severity};
use crate::tui::app::{Panel, View};
use crate::tui::i18n::{I18n, fill};
use crate::tui::text::{first_line, fit, fit_right, width};
use crate::tui::theme::Theme;
use crate::tui::timefmt::{minus, span};
use crate::tui::urgency::{self, Cost, Level, Ranked};

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx) {
    let focused = cx.ui.view == View::Dashboard && cx.ui.focus == Panel::Incidents;
    let list = cx.list;
    let mut title = if cx.ui.filter.trim().is_empty() {
        format!("{} ({})", cx.t.incidents, list.len())
    } else {
        let counts = fill(
            cx.t.filtered_count,
            &[&list.len().to_string(), &cx.snap.open_incidents.len().to_string()],
        );
        format!("{} ({counts}) · /{}", cx.t.incidents, cx.ui.filter.trim())
    };
    let visible = (area.height as usize).saturating_sub(3);
    let selected = cx
        .ui
        .selected
        .and_then(|id| list.visible(cx.snap).position(|r| r.incident.id == id))
        .unwrap_or(0);
    let offset = selected.saturating_sub(visible.saturating_sub(1));
    let hidden = list.len().saturating_sub(offset + visible);
    if hidden > 0 {
        title.push_str(&format!(" · {}", fill(cx.t.more_below, &[&hidden.to_string()])));
    }
    let block = panel(cx, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let iw = inner.width as usize;
    let cols = Columns::new(cx.t, iw);
    if list.is_empty() {
        let line = if cx.snap.open_incidents.is_empty() {
            Line::styled(fit(cx.t.no_incidents, iw), cx.theme.ok)
        } else {
            Line::styled(fit(cx.t.no_match, iw), cx.theme.warn)
        };
        let mut lines = vec![line];
        resolved(cx, &cols, inner.height as usize, &mut lines);
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let mut lines = vec![cols.header(cx.t).style(cx.theme.muted)];
    for (i, r) in list.visible(cx.snap).enumerate().skip(offset).take(visible) {
        let is_sel = cx.ui.selected == Some(r.incident.id) || (cx.ui.selected.is_none() && i == 0);
        let mut line = cols.row(cx, &r, is_sel && focused);
        if is_sel && focused {
            line = line.style(cx.theme.selection);
        }
        lines.push(line);
    }
    resolved(cx, &cols, inner.height as usize, &mut lines);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Under the open ones, when there is room: what was resolved in the last day, for the handover.
fn resolved(cx: &Ctx, cols: &Columns, height: usize, lines: &mut Vec<Line<'static>>) {
    let room = height.saturating_sub(lines.len() + 2);
    let shown: Vec<&Incident> = cx
        .snap
        .recently_resolved
        .iter()
        .map(|i| &**i)
        .filter(|i| urgency::matches(cx.snap, i, &cx.ui.filter))
        .collect();
    if room == 0 || shown.is_empty() {
        return;
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("  {}", cx.t.recently_resolved),
        cx.theme.muted,
    ));
    for inc in shown.into_iter().take(room) {
        let when = inc.resolved.as_ref().map_or(inc.detected_at, |s| s.at);
        let mut spans = vec![
            Span::raw(" ".repeat(MARK_W)),
            Span::raw(fit(&inc.id.to_string(), ID_W)),
        ];
        if cols.kind > 0 {
            spans.push(Span::raw(fit(cx.t.kind(inc.kind), cols.kind)));
        }
        spans.push(Span::raw(fit(cx.t.severity(inc.severity), cols.sev)));
        spans.push(Span::raw(fit(first_line(&inc.title), cols.title)));
        if cols.age > 0 {
            spans.push(Span::raw(format!(
                " {} ",
                fit_right(&span(cx.now - inc.detected_at), cols.age - 2)
            )));
        }
        spans.push(Span::raw(format!(
            "✓ {}",
            fill(cx.t.resolved_ago, &[&span(cx.now - when)])
        )));
        lines.push(clip(spans, cols.iw).style(cx.theme.muted));
    }
}

/// Column widths for a given panel width; kind and age go first when space is short.
struct Columns {
    kind: usize,
    sev: usize,
    title: usize,
    age: usize,
    next: usize,
    cost: usize,
    iw: usize,
}

const MARK_W: usize = 2;
const ID_W: usize = 10;

impl Columns {
    fn new(t: &I18n, iw: usize) -> Columns {
        let kind = Kind::ALL.iter().map(|k| width(t.kind(*k))).max().unwrap_or(8);
        let sev = Severity::ALL
            .iter()
            .map(|s| width(t.severity(*s)))
            .max()
            .unwrap_or(8);
        let stage = [t.stage_respond, t.stage_plan, t.stage_recover]
            .iter()
            .map(|s| width(s))
            .max()
            .unwrap_or(7);
        let next = (stage + 1 + width(t.late) + 8)
            .max(width(t.all_done))
            .max(width(t.on_demand));
        let mut c = Columns {
            kind: kind + 1,
            sev: sev + 1,
            title: 0,
            age: 9,
            next: next + 1,
            cost: 6,
            iw,
        };
        let fixed = |c: &Columns| MARK_W + ID_W + c.kind + c.sev + c.age + c.next + c.cost;
        if iw < fixed(&c) + 16 {
            c.kind = 0;
        }
        if iw < fixed(&c) + 14 {
            c.age = 0;
        }
        c.title = iw.saturating_sub(fixed(&c)).max(4);
        c
    }

    fn header(&self, t: &I18n) -> Line<'static> {
        let mut spans = vec![Span::raw(" ".repeat(MARK_W)), Span::raw(fit(t.col_id, ID_W))];
        if self.kind > 0 {
            spans.push(Span::raw(fit(t.col_kind, self.kind)));
        }
        spans.push(Span::raw(fit(t.col_severity, self.sev)));
        spans.push(Span::raw(fit(t.col_title, self.title)));
        if self.age > 0 {
            spans.push(Span::raw(format!(" {} ", fit_right(t.col_age, self.age - 2))));
        }
        spans.push(Span::raw(fit(t.col_next, self.next)));
        spans.push(Span::raw(fit_right(t.col_cost, self.cost)));
        clip(spans, self.iw)
    }

    fn row(&self, cx: &Ctx, r: &Ranked, selected: bool) -> Line<'static> {
        let (t, theme, inc) = (cx.t, cx.theme, r.incident);
        let late = r.level == Level::Late;
        let mut spans = vec![
            Span::styled(if selected { ">" } else { " " }, theme.accent),
            Span::styled(if late { "!" } else { " " }, theme.crit),
            Span::styled(fit(&inc.id.to_string(), ID_W), theme.text),
        ];
        if self.kind > 0 {
            spans.push(Span::styled(fit(t.kind(inc.kind), self.kind), theme.muted));
        }
        spans.push(Span::styled(
            fit(t.severity(inc.severity), self.sev),
            severity_style(theme, inc.severity),
        ));
        spans.push(Span::styled(fit(first_line(&inc.title), self.title), theme.text));
        if self.age > 0 {
            spans.push(Span::styled(
                format!(" {} ", fit_right(&span(cx.now - inc.detected_at), self.age - 2)),
                theme.muted,
            ));
        }
        let (next, next_style) = next_cell(cx, inc, r.next, r.level);
        spans.push(Span::styled(fit(&next, self.next), next_style));
        let (cost, cost_style) = cost_cell(theme, urgency::cost(inc, &cx.snap.policy, cx.now), r.level);
        spans.push(Span::styled(fit_right(&cost, self.cost), cost_style));
        clip(spans, self.iw)
    }
}

pub fn severity_style(theme: &Theme, severity: Severity) -> Style {
    match severity {
        Severity::Critical => theme.crit,
        Severity::Major => theme.warn,
        Severity::Minor => theme.text,
    }
}

/// `respond 12m34s`, `plan late +3m12s`, or why there is no countdown.
fn next_cell(cx: &Ctx, inc: &Incident, next: Option<DeadlineStatus>, level: Level) -> (String, Style) {
    let t = cx.t;
    match next {
        Some(d) => (deadline_text(t, &d), level_style(cx.theme, level)),
        None if inc.deadlines(&cx.snap.policy, cx.now).is_empty() => {
            (t.on_demand.to_string(), cx.theme.muted)
        }
        None => (t.all_done.to_string(), cx.theme.muted),
    }
}

pub fn deadline_text(t: &I18n, d: &DeadlineStatus) -> String {
    match d.state {
        DeadlineState::Pending { left } => format!("{} {}", t.stage(d.stage), span(left)),
        DeadlineState::Late { by, .. } => format!("{} {} +{}", t.stage(d.stage), t.late, span(by)),
        DeadlineState::Met { .. } => format!("{} {}", t.stage(d.stage), t.met),
    }
}

fn cost_cell(theme: &Theme, cost: Cost, level: Level) -> (String, Style) {
    match cost {
        Cost::AtRisk(p) => (
            minus(p),
            if level >= Level::Warning {
                theme.warn
            } else {
                theme.muted
            },
        ),
        Cost::Lost(p) => (format!("✗{}", minus(p)), theme.crit),
        Cost::None => (String::new(), theme.muted),
    }
}
