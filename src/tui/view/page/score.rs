//! 考核评分 on screen: the total, this quarter's band and the half-year mean the fee follows, each row of the
//! contract's table with its points (personnel with its four sub-items), where they come from and how they
//! were reached, the faults that cost points, the major accidents, why points are missing, and the half year.
//!
//! ```text
//! Total 82.5 / 100 · 80 to 90: 82.5 % of the fee
//! fee follows the half-year mean 2026Q3–2026Q4: 85 (projected) → 80 to 90: 85 % of the fee
//! service quarter 2 (service from 2026-07-01)
//! projected: the quarter is not over, 33 of 92 days counted
//!   Item                 Points  Max Basis        How
//!   Personnel                40   45 entered      contact 9/10, staff-change 10/15, …
//!     · Not reachable         9   10 entered      1 time (−1 each): …
//!   …
//! Faults that cost points (…)
//! Major accidents (…)
//! Why points are missing
//!   Personnel −5: …
//! ```

mod words;

use ratatui::text::{Line, Span};

use super::{Ctx, heading, left, right, row};
use crate::config::Lang;
use crate::report::score::{Band, Basis, FeeBasis, How, Payment, Score, ScoreItem};
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
    let wd = words::words(t.lang);
    lines.push(Line::styled(cut(&fee_line(t, wd, score), w), theme.text));
    if score.accidents.may_cancel() {
        let n = score.accidents.by_contractor.to_string();
        lines.push(Line::styled(
            cut(&fill(wd.accidents_cancel, &[&n]), w),
            theme.crit,
        ));
    }
    if let Some(start) = score.service.start {
        let start = start.to_string();
        let text = match score.service.quarter {
            Some(n) => fill(wd.service_quarter, &[&n.to_string(), &start]),
            None => fill(wd.before_service, &[&start]),
        };
        lines.push(Line::styled(cut(&text, w), theme.muted));
    }
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
        let (basis, basis_style) = basis_words(cx, l.basis);
        let points_style = below_style(cx, l.points, l.max);
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
                    cut(&how(t, &l.how, &l.detail), how_w)
                },
                theme.muted,
            ),
        ]));
        // The sub-items once any is entered (until then the row says "not entered" for all four).
        if l.item == ScoreItem::Personnel && l.basis != Basis::NotEntered {
            for p in &score.personnel {
                let (basis, basis_style) = basis_words(cx, p.basis);
                lines.push(row(vec![
                    left(
                        &format!("  · {}", words::sub_item(t.lang, p.item)),
                        item_w,
                        theme.muted,
                    ),
                    right(&points(p.points), 7, below_style(cx, p.points, p.max)),
                    right(&points(p.max), 5, theme.muted),
                    left(basis, 12, basis_style),
                    Span::styled(
                        if p.basis == Basis::NotEntered {
                            String::new()
                        } else {
                            cut(&how(t, &p.how, &p.detail), how_w)
                        },
                        theme.muted,
                    ),
                ]));
            }
        }
    }

    if !score.faults.is_empty() {
        heading(
            &mut lines,
            cx,
            fill(t.sec_fault_costs, &[&points(score.fault_deductions)]),
        );
        for f in &score.faults {
            let late: Vec<&str> = f.late.iter().map(|s| t.stage(*s)).collect();
            let late = format!("{} {}", t.late, late.join(", "));
            let mut cells = vec![
                left(&f.id, 10, theme.accent),
                left(t.severity(f.severity), 8, theme.text),
                right(&minus(f.deduction), 6, theme.crit),
                left(&late, 22, theme.crit),
            ];
            if f.open {
                cells.push(left(t.still_open, width(t.still_open), theme.warn));
            }
            // Reclassified after a deadline passed: charged at the severity it was late under.
            if f.charged_as != f.severity {
                let note = fill(wd.late_while, &[t.severity(f.charged_as)]);
                cells.push(left(&note, width(&note), theme.crit));
            }
            cells.push(Span::styled(f.title.clone(), theme.text));
            lines.push(row(cells));
        }
    }

    let a = &score.accidents;
    if !a.in_quarter.is_empty() || a.by_contractor > 0 {
        heading(
            &mut lines,
            cx,
            fill(wd.accidents_heading, &[&a.by_contractor.to_string()]),
        );
        for x in &a.in_quarter {
            let who = words::responsibility(t.lang, x.responsibility);
            let text = format!(
                "  {}. {}  {}  {} — {}",
                x.number,
                crate::tui::timefmt::moment(x.at, cx.now, cx.snap.timezone),
                who,
                x.title,
                x.evidence
            );
            let style = if x.caused_by_contractor() {
                theme.crit
            } else {
                theme.text
            };
            lines.push(Line::styled(cut(&text, w), style));
        }
        lines.push(Line::styled(
            cut(&format!("  {}", wd.accidents_count), w),
            theme.muted,
        ));
    }

    heading(&mut lines, cx, wd.missing_heading.to_string());
    let mut missing = 0;
    for l in &score.lines {
        if l.points + 1e-9 >= l.max {
            continue;
        }
        missing += 1;
        let parts: Vec<String> = if l.item == ScoreItem::Personnel && !score.personnel.is_empty() {
            score
                .personnel
                .iter()
                .filter(|p| p.points + 1e-9 < p.max)
                .map(|p| {
                    format!(
                        "{} {}",
                        words::sub_item(t.lang, p.item),
                        how(t, &p.how, &p.detail)
                    )
                })
                .collect()
        } else {
            vec![how(t, &l.how, &l.detail)]
        };
        let text = format!(
            "  {} −{}: {}",
            label(l.item),
            points(l.max - l.points),
            parts.join(if t.lang == Lang::Zh { "；" } else { "; " })
        );
        lines.push(Line::styled(cut(&text, w), theme.warn));
    }
    if missing == 0 {
        lines.push(Line::styled(format!("  {}", wd.nothing_missing), theme.muted));
    }
    let days_short = [
        ScoreItem::DailyLedger,
        ScoreItem::DatabaseArchive,
        ScoreItem::DataAnomaly,
    ]
    .iter()
    .any(|i| score.line(*i).is_some_and(|l| l.points + 1e-9 < l.max));
    if days_short && score.service.start.is_none() {
        let first = score.quarter.first_day().to_string();
        lines.push(Line::styled(
            cut(&fill(wd.no_start_hint, &[&first]), w),
            theme.muted,
        ));
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

fn basis_words(cx: &Ctx, basis: Basis) -> (&'static str, ratatui::style::Style) {
    let (t, theme) = (cx.t, cx.theme);
    match basis {
        Basis::Computed => (t.basis_computed, theme.muted),
        Basis::Entered => (t.basis_entered, theme.info),
        Basis::NotEntered => (t.basis_not_entered, theme.warn),
    }
}

fn below_style(cx: &Ctx, points: f64, max: f64) -> ratatui::style::Style {
    if points + 1e-9 < max {
        cx.theme.warn
    } else {
        cx.theme.text
    }
}

/// Which figure the fee follows: the half-year mean, or, until the other quarter is scored, that it will.
/// How a row's points were reached, in the reader's language (the English detail for a score written before
/// the figures were kept).
fn how(t: &I18n, how: &Option<How>, detail: &str) -> String {
    how.as_ref()
        .map_or_else(|| detail.to_string(), |h| h.words(t.lang))
}

fn fee_line(t: &I18n, wd: &words::Words, score: &Score) -> String {
    match score.fee_basis() {
        FeeBasis::HalfYear(h) => fill(
            wd.fee_half,
            &[
                &h.label,
                &points(h.mean),
                if h.projected { wd.projected } else { "" },
                &band_words(t, &h.payment),
            ],
        ),
        FeeBasis::AwaitingPartner { label, partner } => {
            let other = partner.map(|q| q.to_string()).unwrap_or_default();
            match partner {
                Some(p) if p < score.quarter => fill(wd.fee_no_partner, &[label, &other]),
                _ => fill(wd.fee_awaiting, &[label, &other]),
            }
        }
    }
}
