//! The quarterly report's charts as SVG (plotters' SVG backend: no font or bitmap library needed; the text
//! is drawn by the reader's browser in the first face of [`FONT`] it has, CJK faces first so Chinese names
//! show). Each subsystem keeps one colour in every chart.

use std::error::Error;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::policy::Severity;
use crate::report::quarterly::{IncidentRow, QuarterlyReport};
use crate::report::score::points;
use crate::report::series::QuarterSeries;

/// Faces for chart text, CJK first.
pub const FONT: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', sans-serif";

const SIZE: (u32, u32) = (960, 380);

/// Tableau 10: told apart by most readers, colour-blind ones included.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0xba, 0xb0, 0xac),
];

pub fn colour(n: usize) -> RGBColor {
    PALETTE[n % PALETTE.len()]
}

fn severity_colour(s: Severity) -> RGBColor {
    match s {
        Severity::Critical => RGBColor(0xc0, 0x39, 0x2b),
        Severity::Major => RGBColor(0xf2, 0x8e, 0x2b),
        Severity::Minor => RGBColor(0x4e, 0x79, 0xa7),
    }
}

fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "紧急",
        Severity::Major => "一般",
        Severity::Minor => "轻微",
    }
}

type Drawn = Result<(), Box<dyn Error>>;

/// Draws into a fresh SVG document; a drawing error becomes a note in the picture rather than no report.
fn svg(draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn) -> String {
    let mut out = String::new();
    let failed = {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        let result = root.fill(&WHITE).map_err(Into::into).and_then(|_| draw(&root));
        result.and_then(|_| root.present().map_err(Into::into)).err()
    };
    match failed {
        None => out,
        Some(e) => format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\"><text x=\"10\" y=\"20\">{}</text></svg>",
            SIZE.0,
            SIZE.1,
            super::escape(&format!("chart could not be drawn: {e}"))
        ),
    }
}

fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FontFamily::Name(FONT), size))
}

/// A day or week axis: every `step`-th index labelled `MM-DD`.
fn day_labels(days: &[chrono::NaiveDate]) -> impl Fn(&f64) -> String + '_ {
    move |x| {
        let i = x.round();
        if (x - i).abs() > 0.01 || i < 0.0 {
            return String::new();
        }
        days.get(i as usize)
            .map(|d| d.format("%m-%d").to_string())
            .unwrap_or_default()
    }
}

type Plane = Cartesian2d<RangedCoordf64, RangedCoordf64>;

fn legend<'a, 'b: 'a>(chart: &mut ChartContext<'a, SVGBackend<'b>, Plane>) -> Drawn {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font(font(13))
        .draw()?;
    Ok(())
}

/// 可用性: one line per subsystem, one point per day; the y axis starts just under the worst day.
pub fn availability(series: &QuarterSeries) -> String {
    svg(|root| {
        let worst = series
            .subsystems
            .iter()
            .flat_map(|s| s.availability.iter().flatten())
            .fold(100.0f64, |m, a| m.min(a * 100.0));
        let floor = ((worst - 0.5).floor()).clamp(0.0, 99.0);
        let days = series.days.len().max(2) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("每日可用性 Availability per day (%)", font(20))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5..days - 0.5, floor..100.2)?;
        chart
            .configure_mesh()
            .x_labels(13)
            .x_label_formatter(&day_labels(&series.days))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .label_style(font(13))
            .light_line_style(BLACK.mix(0.06))
            .draw()?;
        for (n, sub) in series.subsystems.iter().enumerate() {
            let c = colour(n);
            // Days without probes break the line rather than drop it to zero.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for (d, a) in sub.availability.iter().enumerate() {
                match a {
                    Some(a) => runs.last_mut().map_or((), |r| r.push((d as f64, a * 100.0))),
                    None if runs.last().is_some_and(|r| !r.is_empty()) => runs.push(Vec::new()),
                    None => {}
                }
            }
            let mut drawn = None;
            for run in runs.into_iter().filter(|r| !r.is_empty()) {
                drawn = Some(chart.draw_series(LineSeries::new(run, c.stroke_width(2)))?);
            }
            if let Some(series) = drawn {
                series
                    .label(&sub.name)
                    .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], c.filled()));
            }
        }
        legend(&mut chart)
    })
}

/// p95 延迟: one line per subsystem, one point per week.
pub fn latency(series: &QuarterSeries) -> String {
    svg(|root| {
        let top = series
            .subsystems
            .iter()
            .flat_map(|s| s.p95_ms.iter().flatten())
            .copied()
            .max()
            .unwrap_or(100)
            .max(10) as f64;
        let weeks = series.weeks.len().max(2) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("每周 p95 延迟 Latency p95 per week (ms)", font(20))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5..weeks - 0.5, 0.0..top * 1.15)?;
        chart
            .configure_mesh()
            .x_labels(series.weeks.len().max(2))
            .x_label_formatter(&day_labels(&series.weeks))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(13))
            .light_line_style(BLACK.mix(0.06))
            .draw()?;
        for (n, sub) in series.subsystems.iter().enumerate() {
            let c = colour(n);
            let points: Vec<(f64, f64)> = sub
                .p95_ms
                .iter()
                .enumerate()
                .filter_map(|(w, p)| p.map(|p| (w as f64, p as f64)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), c.stroke_width(2)))?
                .label(&sub.name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], c.filled()));
            chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, c.filled())))?;
        }
        legend(&mut chart)
    })
}

/// The quarter's incidents counted by local day of detection and severity, one incident at a time: what the
/// incidents chart needs, without the incidents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentWeeks {
    by_day: std::collections::BTreeMap<chrono::NaiveDate, [u32; 3]>,
}

impl IncidentWeeks {
    pub fn of(report: &QuarterlyReport) -> IncidentWeeks {
        let mut weeks = IncidentWeeks::default();
        for i in &report.incidents {
            weeks.add(i, report.timezone);
        }
        weeks
    }

    pub fn add(&mut self, i: &IncidentRow, zone: chrono_tz::Tz) {
        let day = i.detected_at.with_timezone(&zone).date_naive();
        let s = Severity::ALL.iter().position(|s| *s == i.severity).unwrap_or(0);
        self.by_day.entry(day).or_default()[s] += 1;
    }

    /// The counts of each week of `series`, by severity.
    fn counts(&self, series: &QuarterSeries) -> Vec<[u32; 3]> {
        let mut counts = vec![[0u32; 3]; series.weeks.len()];
        for (day, n) in &self.by_day {
            if let Some(w) = series.week_of(*day) {
                for (c, n) in counts[w].iter_mut().zip(n) {
                    *c += n;
                }
            }
        }
        counts
    }
}

/// 故障与工单: incidents detected each week, stacked by severity.
pub fn incidents(series: &QuarterSeries, weeks: &IncidentWeeks) -> String {
    let counts = weeks.counts(series);
    svg(|root| {
        let top = counts
            .iter()
            .map(|c| c.iter().sum::<u32>())
            .max()
            .unwrap_or(0)
            .max(3) as f64;
        let weeks = series.weeks.len().max(2) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("每周故障与工单 Incidents per week by severity", font(20))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5..weeks - 0.5, 0.0..top + 1.0)?;
        chart
            .configure_mesh()
            .x_labels(series.weeks.len().max(2))
            .x_label_formatter(&day_labels(&series.weeks))
            .y_labels((top as usize + 2).min(12))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(13))
            .light_line_style(BLACK.mix(0.06))
            .draw()?;
        for (s, severity) in Severity::ALL.iter().enumerate() {
            let c = severity_colour(*severity);
            let bars = counts.iter().enumerate().filter(|(_, n)| n[s] > 0).map(|(w, n)| {
                let below: u32 = n[..s].iter().sum();
                let x = w as f64;
                Rectangle::new(
                    [(x - 0.35, below as f64), (x + 0.35, (below + n[s]) as f64)],
                    c.filled(),
                )
            });
            chart
                .draw_series(bars)?
                .label(format!("{} {}", severity_zh(*severity), severity.as_str()))
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], c.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .label_font(font(13))
            .draw()?;
        Ok(())
    })
}

/// 扣分: the points each row of the assessment table lost, longest bar first.
pub fn deductions(report: &QuarterlyReport) -> String {
    let score = &report.score;
    let mut lost: Vec<(String, f64)> = score
        .lines
        .iter()
        .map(|l| {
            (
                format!("{} {}", l.item.label_zh(), l.item.label_en()),
                l.max - l.points,
            )
        })
        .filter(|(_, p)| *p > 0.005)
        .collect();
    lost.sort_by(|a, b| b.1.total_cmp(&a.1));
    svg(|root| {
        let caption_text = format!("考核扣分 Score deductions — total {} / 100", points(score.total));
        let most = lost.first().map_or(1.0, |l| l.1).max(1.0);
        let rows = lost.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(&caption_text, font(20))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(330)
            .build_cartesian_2d(0.0..most * 1.2, -0.5..rows - 0.5)?;
        let labels = |y: &f64| {
            let i = y.round();
            if (y - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            // The largest deduction on top.
            let row = rows as usize - 1;
            (i as usize <= row)
                .then(|| lost.get(row - i as usize).map(|l| l.0.clone()))
                .flatten()
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(lost.len().max(1) * 2 + 1)
            .y_label_formatter(&labels)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .x_desc("points lost 扣分")
            .label_style(font(13))
            .light_line_style(TRANSPARENT)
            .draw()?;
        if lost.is_empty() {
            root.draw(&Text::new(
                "No deductions: full marks on every row. 无扣分",
                (380, 180),
                font(16),
            ))?;
        }
        let c = RGBColor(0xc0, 0x39, 0x2b);
        let y = |i: usize| rows - 1.0 - i as f64;
        chart.draw_series(
            lost.iter()
                .enumerate()
                .map(|(i, (_, p))| Rectangle::new([(0.0, y(i) - 0.3), (*p, y(i) + 0.3)], c.filled())),
        )?;
        chart.draw_series(lost.iter().enumerate().map(|(i, (_, p))| {
            Text::new(
                format!("−{}", points(*p)),
                (*p + most * 0.01, y(i) + 0.15),
                font(13),
            )
        }))?;
        Ok(())
    })
}
