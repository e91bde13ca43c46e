//! One incident in full: every deadline with met / late / time left, what the next one costs, the plan and the
//! resolution, and the timeline with who did what.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ctx;
use super::incidents::{deadline_text, severity_style};
use super::widgets::{level_style, panel, prose, scrolled};
use crate::model::{AutoSource, DeadlineState, Incident, IncidentId, Origin, TimelineEntry, TimelineKind};
use crate::tui::app::find_incident;
use crate::tui::i18n::fill;
use crate::tui::text::{first_line, fit, width};
use crate::tui::timefmt::{points, span, stamp};
use crate::tui::urgency::{self, Cost};

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx, id: IncidentId) {
    let (t, theme) = (cx.t, cx.theme);
    let block = panel(cx, fill(t.details, &[&id.to_string()]), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(inc) = find_incident(cx.snap, id) else {
        frame.render_widget(Paragraph::new(Line::styled(t.incident_gone, theme.muted)), inner);
        return;
    };
    let (tz, now) = (cx.snap.timezone, cx.now);
    let at = |when| stamp(when, now, tz);
    let sep = || Span::styled(" · ", theme.muted);
    let label = |s: &str| Span::styled(format!("{s}: "), theme.muted);
    let mut lines: Vec<Line<'static>> = Vec::new();

    lines.push(Line::from(vec![
        Span::styled(id.to_string(), theme.accent),
        sep(),
        Span::styled(t.kind(inc.kind).to_string(), theme.text),
        sep(),
        Span::styled(
            t.severity(inc.severity).to_string(),
            severity_style(theme, inc.severity),
        ),
        sep(),
        label(t.state),
        Span::styled(t.state(inc.state()).to_string(), theme.text),
    ]));
    lines.push(Line::styled(inc.title.clone(), theme.title));
    let subsystem = inc
        .subsystem
        .as_ref()
        .map(|s| {
            cx.snap
                .subsystems
                .iter()
                .find(|v| &v.id == s)
                .map_or(s.clone(), |v| v.name.clone())
        })
        .unwrap_or_else(|| t.none.to_string());
    let source = match &inc.source {
        None => t.source_manual.to_string(),
        Some(AutoSource::Subsystem { check, .. }) => fill(t.source_check, &[check]),
        Some(AutoSource::Host { name, gauge }) => fill(t.source_host, &[name, gauge]),
        Some(AutoSource::Alert { origin, key, .. }) => match origin {
            Origin::Alertmanager => fill(t.source_alertmanager, &[key]),
            Origin::Events => fill(t.source_events, &[key]),
        },
    };
    lines.push(Line::from(vec![
        label(t.detected),
        Span::styled(
            format!(
                "{} ({})",
                at(inc.detected_at),
                fill(t.ago, &[&span(now - inc.detected_at)])
            ),
            theme.text,
        ),
        sep(),
        label(t.subsystem),
        Span::styled(subsystem, theme.text),
        sep(),
        label(t.source),
        Span::styled(source, theme.text),
    ]));
    alert_lines(&mut lines, inc.source.as_ref(), cx);
    lines.push(Line::raw(""));

    lines.push(Line::styled(t.deadlines, theme.accent));
    lines.extend(deadline_lines(cx, inc));
    if let Some(due) = inc.due {
        lines.push(Line::styled(
            format!("  {}", fill(t.agreed_due, &[&at(due)])),
            theme.muted,
        ));
    }

    if let Some(plan) = &inc.plan {
        lines.push(Line::raw(""));
        lines.push(Line::styled(t.plan_text, theme.accent));
        prose(&mut lines, plan, theme.text);
    }
    if let Some(r) = &inc.resolution {
        lines.push(Line::raw(""));
        lines.push(Line::styled(t.resolution, theme.accent));
        for (name, text) in [
            (t.field_cause, Some(&r.cause)),
            (t.field_process, Some(&r.process)),
            (t.field_solution, r.solution.as_ref()),
        ] {
            if let Some(text) = text {
                lines.push(Line::styled(format!("  {name}:"), theme.muted));
                prose(&mut lines, text, theme.text);
            }
        }
    }

    lines.push(Line::raw(""));
    lines.push(Line::styled(t.timeline, theme.accent));
    for e in &inc.timeline {
        timeline_entry(cx, e, &mut lines, true);
    }

    scrolled(frame, inner, cx, lines);
}

/// Each deadline with its due time and met / late / time left, then what the next one costs.
pub fn deadline_lines(cx: &Ctx, inc: &Incident) -> Vec<Line<'static>> {
    let (t, theme, now) = (cx.t, cx.theme, cx.now);
    let at = |when| stamp(when, now, cx.snap.timezone);
    let mut lines = Vec::new();
    let deadlines = inc.deadlines(&cx.snap.policy, now);
    if deadlines.is_empty() {
        lines.push(Line::styled(format!("  {}", t.on_demand), theme.muted));
    }
    let stage_w = deadlines
        .iter()
        .map(|d| width(t.stage(d.stage)))
        .max()
        .unwrap_or(6)
        + 1;
    for d in &deadlines {
        let (mark, text, style) = match d.state {
            DeadlineState::Met { at: done } => (" ", fill(t.met_at, &[&at(done)]), theme.ok),
            DeadlineState::Late { at: Some(done), by } => {
                ("!", fill(t.late_done_at, &[&span(by), &at(done)]), theme.crit)
            }
            DeadlineState::Late { at: None, .. } => ("!", deadline_text(t, d), theme.crit),
            DeadlineState::Pending { left } => (
                " ",
                fill(t.left, &[&span(left)]),
                level_style(theme, urgency::level(d, inc.detected_at)),
            ),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} "), theme.crit),
            Span::styled(fit(t.stage(d.stage), stage_w), theme.text),
            Span::styled(format!("{} {}  ", t.due, at(d.due)), theme.muted),
            Span::styled(text, style),
        ]));
    }
    let cost = match urgency::cost(inc, &cx.snap.policy, now) {
        Cost::AtRisk(p) => Span::styled(fill(t.cost_if_missed, &[&points(p)]), theme.warn),
        Cost::Lost(p) => Span::styled(fill(t.cost_already_lost, &[&points(p)]), theme.crit),
        Cost::None => Span::styled(t.cost_none, theme.muted),
    };
    lines.push(Line::from(vec![Span::raw("  "), cost]));
    lines
}

/// One timeline entry: when, who, what; with its text under it (`full`) or only its first line beside it.
pub fn timeline_entry(cx: &Ctx, e: &TimelineEntry, lines: &mut Vec<Line<'static>>, full: bool) {
    let (t, theme) = (cx.t, cx.theme);
    let at = |when| stamp(when, cx.now, cx.snap.timezone);
    let (what, detail) = match &e.kind {
        TimelineKind::Opened => (t.ev_opened.to_string(), None),
        TimelineKind::Acknowledged { note, due } => {
            let due = due.map(|d| fill(t.agreed_due, &[&at(d)]));
            let detail = [note.clone(), due]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n");
            (
                t.ev_acknowledged.to_string(),
                Some(detail).filter(|d| !d.is_empty()),
            )
        }
        TimelineKind::Planned { text } => (t.ev_planned.to_string(), Some(text.clone())),
        TimelineKind::Resolved(r) => (t.ev_resolved.to_string(), Some(r.cause.clone())),
        TimelineKind::Note { text } => (t.ev_note.to_string(), Some(text.clone())),
        TimelineKind::Reclassified { from, to, reason } => (
            fill(t.ev_reclassified, &[t.severity(*from), t.severity(*to)]),
            Some(reason.clone()),
        ),
        TimelineKind::Restored => (t.ev_restored.to_string(), None),
        TimelineKind::Failed { detail } => (t.ev_failed.to_string(), Some(detail.clone())),
    };
    let mut head = vec![
        Span::styled(format!("  {}  ", at(e.at)), theme.muted),
        Span::styled(format!("{}  ", e.actor), theme.info),
        Span::styled(what, theme.text),
    ];
    match detail {
        Some(detail) if full => {
            lines.push(Line::from(head));
            prose(lines, &detail, theme.muted);
        }
        Some(detail) => {
            head.push(Span::styled(format!("  {}", first_line(&detail)), theme.muted));
            lines.push(Line::from(head));
        }
        None => lines.push(Line::from(head)),
    }
}

/// An alert's labels and the link to the rule that raised it, where it came from elsewhere.
fn alert_lines(lines: &mut Vec<Line<'static>>, source: Option<&AutoSource>, cx: &Ctx) {
    let Some(AutoSource::Alert {
        labels,
        generator_url,
        ..
    }) = source
    else {
        return;
    };
    let (t, theme) = (cx.t, cx.theme);
    if !labels.is_empty() {
        let text: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.push(Line::styled(format!("{}:", t.alert_labels), theme.muted));
        prose(lines, &text.join(", "), theme.text);
    }
    if let Some(url) = generator_url {
        lines.push(Line::styled(format!("{}:", t.alert_link), theme.muted));
        prose(lines, &crate::redact::shown(url), theme.info);
    }
}
