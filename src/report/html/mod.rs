//! Reports as one self-contained web page: the report's Markdown as HTML (headings, tables, lists), and for
//! the quarterly report its charts inline as SVG before the first section. Nothing is loaded from elsewhere,
//! so the file opens the same offline, attached to a mail or printed to PDF.

pub mod charts;

use std::fmt::Write as _;

use super::blocks::{self, Block, Line};
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
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let mut figures_placed = figures.is_empty();
    let mut in_list = false;
    for block in blocks::parse(markdown) {
        let item = matches!(block, Block::Item { .. });
        if in_list && !item {
            out.push_str("</ul>\n");
        } else if item && !in_list {
            out.push_str("<ul>\n");
        }
        in_list = item;
        if !figures_placed && matches!(block, Block::Heading { level: 2, .. }) {
            out.push_str(figures);
            figures_placed = true;
        }
        block_html(&mut out, &block);
    }
    if in_list {
        out.push_str("</ul>\n");
    }
    if !figures_placed {
        out.push_str(figures);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The quarterly report with its four charts.
pub fn quarterly(report: &QuarterlyReport) -> String {
    let mut figures = String::from("<h2>图表 Charts</h2>\n");
    for (id, svg) in [
        ("availability", charts::availability(&report.series)),
        ("latency", charts::latency(&report.series)),
        ("incidents", charts::incidents(report)),
        ("deductions", charts::deductions(report)),
    ] {
        let _ = writeln!(figures, "<figure id=\"chart-{id}\">\n{svg}\n</figure>");
    }
    page(
        &format!("运维季度报告 Quarterly maintenance report {}", report.quarter),
        &quarterly::markdown(report),
        &figures,
    )
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
            out.push_str("<table>\n<thead><tr>");
            for cell in header {
                out.push_str("<th>");
                lines_html(out, cell);
                out.push_str("</th>");
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for row in rows {
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
            out.push_str("</tbody>\n</table>\n");
        }
    }
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
