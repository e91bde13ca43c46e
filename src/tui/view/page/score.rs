//! 考核评分 on screen: the total and what it pays, each row of the contract's table with its points, where they
//! come from and how they were reached, the faults that cost points, and the half-year figure.

use ratatui::text::{Line, Span};

use super::{Ctx, heading, left, right, row};
use crate::config::Lang;
use crate::report::score::{Band, Basis, Payment, Score};
use crate::tui::i18n::{I18n, fill};
use crate::tui::text::{cut, width};
use crate::tui::timefmt::{minus, points};
use crate::tui::view::widgets::score_style;

pub fn lines(cx: &Ctx, score: &Score, w: usize) -> Vec<Line<'static>> {
    let (t, theme) = (cx.t, cx.theme);
    let mut lines = Vec::new();
    let total_style = score_style(theme, score.total);
    lines.push(Line::from(vec![
        Span::styled(fill(t.score_total, &[&points(score.total)]), total_style),
        Span::styled(format!(" · {}", band_words(t, &score.payment)), total_style),
    ]));
    lines.push(Line::styled(
        if score.finished {
            t.score_final.to_string()
        } else {
            fill(
                t.score_projected,
                &[
                    &score.days_counted.to_string(),
                    &score.days_in_quarter.to_string(),
                ],
            )
        },
        theme.muted,
    ));

    lines.push(Line::raw(""));
    let label = |item: crate::report::score::ScoreItem| match t.lang {
        Lang::Zh => item.label_zh(),
        Lang::En => item.label_en(),
    };
    let item_w = score
        .lines
        .iter()
        .map(|l| width(label(l.item)))
        .max()
        .unwrap_or(10)
        .min(w.saturating_sub(40).max(10));
    lines.push(row(vec![
        left(t.col_item, item_w, theme.muted),
        right(t.col_points, 7, theme.muted),
        right(t.col_full, 5, theme.muted),
        left(t.col_basis, 12, theme.muted),
        left(t.col_how, 20, theme.muted),
    ]));
    let how_w = w.saturating_sub(item_w + 30);
    for l in &score.lines {
        let (basis, basis_style) = match l.basis {
            Basis::Computed => (t.basis_computed, theme.muted),
            Basis::Entered => (t.basis_entered, theme.info),
            Basis::NotEntered => (t.basis_not_entered, theme.warn),
        };
        let points_style = if l.points + 1e-9 < l.max {
            theme.warn
        } else {
            theme.text
        };
        lines.push(row(vec![
            left(label(l.item), item_w, theme.text),
            right(&points(l.points), 7, points_style),
            right(&points(l.max), 5, theme.muted),
            left(basis, 12, basis_style),
            // The basis already says "not entered"; a cut detail keeps the table one row per item.
            Span::styled(
                if l.basis == Basis::NotEntered {
                    String::new()
                } else {
                    cut(&l.detail, how_w)
                },
                theme.muted,
            ),
        ]));
    }

    if !score.faults.is_empty() {
        heading(
            &mut lines,
            cx,
            fill(t.sec_fault_costs, &[&points(score.fault_deductions)]),
        );
        for f in &score.faults {
            let late: Vec<&str> = f.late.iter().map(|s| t.stage(*s)).collect();
            let mut cells = vec![
                left(&f.id, 10, theme.accent),
                left(t.severity(f.severity), 8, theme.text),
                right(&minus(f.deduction), 6, theme.crit),
                left(&format!("{} {}", t.late, late.join(", ")), 22, theme.crit),
            ];
            if f.open {
                cells.push(left(t.still_open, width(t.still_open), theme.warn));
            }
            cells.push(Span::styled(f.title.clone(), theme.text));
            lines.push(row(cells));
        }
    }

    if let Some(half) = &score.half_year {
        heading(
            &mut lines,
            cx,
            fill(t.half_year, &[&half.label, &points(half.mean)]),
        );
        for (quarter, total) in &half.quarters {
            lines.push(Line::styled(
                format!("  {quarter}  {}", points(*total)),
                theme.text,
            ));
        }
        lines.push(Line::styled(
            format!("  {}", band_words(t, &half.payment)),
            theme.muted,
        ));
    }

    if !score.not_entered.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(t.not_entered_hint, theme.muted));
    }
    lines
}

fn band_words(t: &I18n, payment: &Payment) -> String {
    match payment.band {
        Band::Full => t.band_full.to_string(),
        Band::Proportional => fill(t.band_proportional, &[&points(payment.fee_pct)]),
        Band::Half => t.band_half.to_string(),
        Band::Refusable => t.band_refusable.to_string(),
    }
}
