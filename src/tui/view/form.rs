//! A form over the screen: each field with its label (required ones marked), the text being edited, the reason a
//! field was refused right under it, and the engine's answer at the bottom.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Ctx;
use super::widgets::{clip, panel};
use crate::tui::form::{Field, FieldError, FieldId, Form, FormKind, FormStatus, Input, Opt};
use crate::tui::i18n::{I18n, fill};
use crate::tui::text::{cut, fit, width};

/// Rows a prose field gets when there is room, and at least.
const PROSE_ROWS: usize = 4;
const PROSE_MIN: usize = 1;

pub fn render(frame: &mut Frame, area: Rect, cx: &Ctx, form: &Form) {
    let (t, theme) = (cx.t, cx.theme);
    let w = area.width.saturating_sub(4).min(90);
    let inner_w = w.saturating_sub(2) as usize;
    let field_w = inner_w.saturating_sub(2);
    // Target title, blank, …fields…, blank, engine error, status.
    let extra = 3 + usize::from(form.target.is_some()) + usize::from(form.error.is_some());
    let fixed: usize = form
        .fields
        .iter()
        .map(|f| 1 + usize::from(f.error.is_some()) + usize::from(!f.is_multiline()))
        .sum();
    let prose = form.fields.iter().filter(|f| f.is_multiline()).count();
    let room = (area.height as usize).saturating_sub(2 + extra + fixed);
    let rows = room
        .checked_div(prose)
        .map_or(0, |r| r.clamp(PROSE_MIN, PROSE_ROWS));
    let h = (2 + extra + fixed + rows * prose).min(area.height as usize) as u16;
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, popup);
    frame.buffer_mut().set_style(popup, theme.base);
    let block = panel(cx, title(t, form), true);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(target) = &form.target {
        lines.push(Line::styled(fit(&target.title, inner_w), theme.muted));
    }
    lines.push(Line::raw(""));
    let mut cursor = None;
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus && form.status == FormStatus::Editing;
        if form.is_disabled(i) {
            lines.push(clip(
                vec![
                    Span::raw("  "),
                    Span::styled(field_label(t, f.id).to_string(), theme.muted),
                ],
                inner_w,
            ));
            lines.push(Line::styled(
                cut(&format!("  {}", t.severity_not_graded), inner_w),
                theme.muted,
            ));
            continue;
        }
        let mut label = vec![
            Span::styled(if focused { "> " } else { "  " }, theme.accent),
            Span::styled(
                field_label(t, f.id).to_string(),
                if focused { theme.accent } else { theme.text },
            ),
        ];
        if f.required {
            label.push(Span::styled(format!(" {}", t.required_mark), theme.warn));
        }
        if f.id == FieldId::Due {
            label.push(Span::styled(format!("  {}", t.field_due_hint), theme.muted));
        }
        lines.push(clip(label, inner_w));
        match &f.input {
            Input::Choice(choice) if choice_width(t, f) > inner_w => {
                let text = choice.value().map(|o| opt_label(t, o)).unwrap_or_default();
                let pos = format!("  {}/{}  ←/→", choice.selected + 1, choice.options.len());
                lines.push(clip(
                    vec![
                        Span::raw("  "),
                        Span::styled(format!("< {text} >"), theme.selection),
                        Span::styled(pos, theme.muted),
                    ],
                    inner_w,
                ));
            }
            Input::Choice(choice) => {
                let mut spans = vec![Span::raw("  ")];
                for (k, opt) in choice.options.iter().enumerate() {
                    let text = opt_label(t, opt);
                    if k == choice.selected {
                        spans.push(Span::styled(format!("[{text}]"), theme.selection));
                    } else {
                        spans.push(Span::styled(format!(" {text} "), theme.muted));
                    }
                }
                lines.push(clip(spans, inner_w));
            }
            Input::Text(text) => {
                let shown = if text.is_multiline() { rows } else { 1 };
                let all = text.rows(field_w);
                let (crow, ccol) = text.cursor_position(field_w);
                let first = crow.saturating_sub(shown.saturating_sub(1));
                for r in 0..shown {
                    let content = all
                        .get(first + r)
                        .map(|row| text.row_text(*row))
                        .unwrap_or_default();
                    lines.push(Line::from(vec![
                        Span::raw("  "),
                        Span::styled(fit(&content, field_w), theme.input),
                    ]));
                }
                if focused {
                    let y = lines.len() - shown + (crow - first);
                    cursor = Some((2 + ccol.min(field_w.saturating_sub(1)), y));
                }
            }
        }
        if let Some(e) = f.error {
            lines.push(Line::styled(format!("  ✗ {}", error_text(t, e)), theme.crit));
        }
    }
    // The answer and the status keep the bottom rows whatever the fields need above them.
    let mut bottom = Vec::new();
    if let Some(e) = &form.error {
        bottom.push(Line::styled(cut(&fill(t.save_failed, &[e]), inner_w), theme.crit));
    }
    bottom.push(match form.status {
        FormStatus::Editing => {
            let hint = if form.has_prose() {
                t.form_hint_multi
            } else {
                t.form_hint_single
            };
            Line::styled(cut(hint, inner_w), theme.muted)
        }
        FormStatus::Saving { .. } => Line::styled(t.saving, theme.warn),
        FormStatus::Saved { .. } => Line::styled(t.saved, theme.ok),
    });
    let bottom_h = (bottom.len() as u16).min(inner.height);
    let [body, foot] = Layout::vertical([Constraint::Min(0), Constraint::Length(bottom_h)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), body);
    frame.render_widget(Paragraph::new(bottom), foot);
    let inner = body;
    if let Some((x, y)) = cursor
        && (y as u16) < inner.height
        && (x as u16) < inner.width
    {
        frame.set_cursor_position(Position::new(inner.x + x as u16, inner.y + y as u16));
    }
}

fn title(t: &I18n, form: &Form) -> String {
    let id = match form.kind {
        FormKind::Daily(date) => date.to_string(),
        _ => form.target.as_ref().map(|t| t.id.to_string()).unwrap_or_default(),
    };
    let template = match form.kind {
        FormKind::NewIncident => t.form_new,
        FormKind::Acknowledge => t.form_acknowledge,
        FormKind::Plan => t.form_plan,
        FormKind::Resolve => t.form_resolve,
        FormKind::Note => t.form_note,
        FormKind::Reclassify => t.form_reclassify,
        FormKind::Daily(_) => t.form_daily,
        FormKind::Handover => t.form_handover,
    };
    fill(template, &[&id])
}

pub fn field_label(t: &I18n, id: FieldId) -> &'static str {
    match id {
        FieldId::Kind => t.field_kind,
        FieldId::Severity => t.field_severity,
        FieldId::Title => t.field_title,
        FieldId::Subsystem => t.field_subsystem,
        FieldId::Note => t.field_note,
        FieldId::Due => t.field_due,
        FieldId::Plan => t.field_plan,
        FieldId::Cause => t.field_cause,
        FieldId::Process => t.field_process,
        FieldId::Solution => t.field_solution,
        FieldId::Reason => t.field_reason,
        FieldId::AnomalyChecked => t.field_anomaly_checked,
        FieldId::AnomalyNote => t.field_anomaly_note,
        FieldId::ArchiveDone => t.field_archive_done,
        FieldId::Notes => t.field_notes,
        FieldId::HandoverTo => t.field_handover_to,
    }
}

fn opt_label(t: &I18n, opt: &Opt) -> String {
    match opt {
        Opt::Kind(k) => t.kind(*k).to_string(),
        Opt::Severity(s) => t.severity(*s).to_string(),
        Opt::Subsystem(None) => t.no_subsystem.to_string(),
        Opt::Subsystem(Some((_, name))) => cut(name, 24),
        Opt::YesNo(true) => t.yes.to_string(),
        Opt::YesNo(false) => t.no.to_string(),
    }
}

fn error_text(t: &I18n, e: FieldError) -> &'static str {
    match e {
        FieldError::Required => t.err_required,
        FieldError::BadTime => t.err_bad_time,
        FieldError::PastTime => t.err_past_time,
        FieldError::SameSeverity => t.err_same_severity,
    }
}

/// Width a choice needs with every option shown.
fn choice_width(t: &I18n, f: &Field) -> usize {
    match &f.input {
        Input::Choice(c) => {
            c.options
                .iter()
                .map(|o| width(&opt_label(t, o)) + 2)
                .sum::<usize>()
                + 2
        }
        Input::Text(_) => 0,
    }
}
