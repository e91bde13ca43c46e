//! Reports as one self-contained web page: the report's Markdown as HTML (headings, tables, lists), and for
//! the quarterly report its charts inline as SVG before the first section. Nothing is loaded from elsewhere,
//! so the file opens the same offline, attached to a mail or printed to PDF.

pub mod charts;

use std::fmt::Write as _;
use std::io::{self, Write};

use super::blocks::{Block, Line, Piece, Pieces};
use super::markdown::Align;
use super::quarterly::{self, QuarterlyReport};

const STYLE: &str = "
body { font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; border-bottom: 2px solid #4e79a7; padding-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .25em .5em; vertical-align: top; }
th { background: #d9e2f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td:first-child { white-space: nowrap; }
code { font-family: Consolas, 'DejaVu Sans Mono', monospace; background: #f3f3f3; padding: 0 .2em; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
@media print { figure, table { page-break-inside: avoid; } }
";

/// Text safe inside HTML and XML, in content and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A report's Markdown as a page; `figures` (already HTML) go before the first section.
pub fn page(title: &str, markdown: &str, figures: &str) -> String {
    let mut out = Vec::new();
    let lines = markdown.lines().map(|l| Ok(l.to_string()));
    // Writing into memory cannot fail.
    let _ = page_to(&mut out, title, lines, figures);
    String::from_utf8_lossy(&out).into_owned()
}

/// [`page`] written to `out` as the Markdown's lines are read: a report of any length in bounded memory.
pub fn page_to(
    out: &mut dyn Write,
    title: &str,
    lines: impl Iterator<Item = io::Result<String>>,
    figures: &str,
) -> io::Result<()> {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let mut figures_placed = figures.is_empty();
    let mut in_list = false;
    let mut align = Vec::new();
    for piece in Pieces::new(lines) {
        match piece? {
            Piece::Block(block) => {
                let item = matches!(block, Block::Item { .. });
                list(&mut html, &mut in_list, item);
                if !figures_placed && matches!(block, Block::Heading { level: 2, .. }) {
                    html.push_str(figures);
                    figures_placed = true;
                }
                block_html(&mut html, &block);
            }
            Piece::TableHead {
                header,
                align: columns,
            } => {
                list(&mut html, &mut in_list, false);
                table_head_html(&mut html, &header);
                align = columns;
            }
            Piece::TableRow(row) => table_row_html(&mut html, &row, &align),
            Piece::TableEnd => html.push_str("</tbody>\n</table>\n"),
        }
        if html.len() >= FLUSH_AT {
            out.write_all(html.as_bytes())?;
            html.clear();
        }
    }
    if in_list {
        html.push_str("</ul>\n");
    }
    if !figures_placed {
        html.push_str(figures);
    }
    html.push_str("</body>\n</html>\n");
    out.write_all(html.as_bytes())
}

/// How much of a page is gathered before it is written out.
const FLUSH_AT: usize = 64 * 1024;

/// Opens or closes the list around a block (`item`: the block is a list item).
fn list(html: &mut String, in_list: &mut bool, item: bool) {
    if *in_list && !item {
        html.push_str("</ul>\n");
    } else if item && !*in_list {
        html.push_str("<ul>\n");
    }
    *in_list = item;
}

/// The quarterly report with its four charts.
pub fn quarterly(report: &QuarterlyReport) -> String {
    page(
        &quarterly_title(report),
        &quarterly::markdown(report),
        &quarterly_figures(report, &charts::IncidentWeeks::of(report)),
    )
}

/// The title of the quarterly report's page.
pub fn quarterly_title(report: &QuarterlyReport) -> String {
    format!("运维季度报告 Quarterly maintenance report {}", report.quarter)
}

/// The quarterly report's four charts, the incidents counted by week in `weeks`.
pub fn quarterly_figures(report: &QuarterlyReport, weeks: &charts::IncidentWeeks) -> String {
    let mut figures = String::from("<h2>图表 Charts</h2>\n");
    for (id, svg) in [
        ("availability", charts::availability(&report.series)),
        ("latency", charts::latency(&report.series)),
        ("incidents", charts::incidents(&report.series, weeks)),
        ("deductions", charts::deductions(report)),
    ] {
        let _ = writeln!(figures, "<figure id=\"chart-{id}\">\n{svg}\n</figure>");
    }
    figures
}

fn line_html(out: &mut String, line: &Line) {
    for span in line {
        let text = escape(&span.text);
        match (span.bold, span.code) {
            (_, true) => {
                let _ = write!(out, "<code>{text}</code>");
            }
            (true, false) => {
                let _ = write!(out, "<strong>{text}</strong>");
            }
            (false, false) => out.push_str(&text),
        }
    }
}

fn lines_html(out: &mut String, lines: &[Line]) {
    for (n, line) in lines.iter().enumerate() {
        if n > 0 {
            out.push_str("<br>");
        }
        line_html(out, line);
    }
}

fn block_html(out: &mut String, block: &Block) {
    match block {
        Block::Heading { level, text } => {
            let _ = write!(out, "<h{level}>");
            line_html(out, text);
            let _ = writeln!(out, "</h{level}>");
        }
        Block::Paragraph(lines) => {
            out.push_str("<p>");
            lines_html(out, lines);
            out.push_str("</p>\n");
        }
        Block::Item { depth, lines } => {
            match depth {
                0 => out.push_str("<li>"),
                d => {
                    let _ = write!(out, "<li style=\"margin-left:{}em\">", *d as f32 * 1.5);
                }
            }
            lines_html(out, lines);
            out.push_str("</li>\n");
        }
        Block::Table { header, align, rows } => {
            table_head_html(out, header);
            for row in rows {
                table_row_html(out, row, align);
            }
            out.push_str("</tbody>\n</table>\n");
        }
    }
}

fn table_head_html(out: &mut String, header: &[Vec<Line>]) {
    out.push_str("<table>\n<thead><tr>");
    for cell in header {
        out.push_str("<th>");
        lines_html(out, cell);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

fn table_row_html(out: &mut String, row: &[Vec<Line>], align: &[Align]) {
    out.push_str("<tr>");
    for (n, cell) in row.iter().enumerate() {
        out.push_str(if align.get(n) == Some(&Align::Right) {
            "<td class=\"num\">"
        } else {
            "<td>"
        });
        lines_html(out, cell);
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_report_text_is_shown_not_run() {
        let html = page("t", "# 标题 <b>\n\n- `<script>` & **\"x\"**\n", "");
        assert!(html.contains("<h1>标题 &lt;b&gt;</h1>"));
        assert!(html.contains(
            "<ul>\n<li><code>&lt;script&gt;</code> &amp; <strong>&quot;x&quot;</strong></li>\n</ul>"
        ));
        assert!(!html.contains("<script>"));
    }
}
