//! The top lines: platform, local time, who is on duty, the mode, what is open and late, the projected score and
//! the records the contract still wants today.

use chrono::DateTime;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::widgets::{clip, score_style};
use crate::engine::Mode;
use crate::policy::Severity;
use crate::tui::i18n::fill;
use crate::tui::text::{cut, fit, width};
use crate::tui::timefmt::{clock, points};
use crate::tui::urgency::{self, Level};

pub fn lines(cx: &Ctx, w: u16) -> Vec<Line<'static>> {
    let w = w as usize;
    let (t, theme) = (cx.t, cx.theme);
    let time = clock(cx.now, cx.snap.timezone);
    let name_w = w.saturating_sub(width(&time) + 1);
    let first = Line::from(vec![
        Span::styled(fit(&cx.snap.platform, name_w), theme.title),
        Span::raw(" "),
        Span::styled(cut(&time, w), theme.accent),
    ]);

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
    let ranked = urgency::ranked(cx.snap, cx.now);
    let mut counts = Vec::new();
    for sev in Severity::ALL {
        let n = ranked.iter().filter(|r| r.incident.severity == sev).count();
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
    let late = ranked.iter().filter(|r| r.level == Level::Late).count();
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
