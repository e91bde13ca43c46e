//! The reports as the client files them, from a quarter played on a real store: Word documents read back
//! (and converted by LibreOffice when it is installed), the web page's SVG charts parsed, the CSV's guard
//! against formulas. The documents are left in the target directory (`report_formats/`) to look at.

#[path = "records_support/rig.rs"]
mod rig;
#[path = "report_formats_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use support::quarter::{FORMULA_TITLES, SUBSYSTEMS, played};
use support::word::{self, Part};
use watchdesk::report::score::points;
use watchdesk::report::{Format, docx, html, quarterly};

/// Where the documents are kept for a reader to open.
fn keep(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_formats");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Headings as the Markdown writes them, markers removed.
fn markdown_headings(md: &str) -> Vec<(u8, String)> {
    md.lines()
        .filter_map(|l| {
            let level = l.bytes().take_while(|b| *b == b'#').count();
            let text = l[level..].strip_prefix(' ').filter(|_| level > 0)?;
            Some((level as u8, text.replace("**", "").trim().to_string()))
        })
        .collect()
}

#[test]
fn the_quarterly_report_as_a_word_document() {
    let report = &played().report;
    let bytes = docx::quarterly(report).unwrap();
    keep("quarterly-2026Q4.docx", &bytes);
    let parts = word::read(&bytes);

    // Every heading of the Markdown is a Word heading of the same level, in the same order.
    let headings = word::headings(&parts);
    assert_eq!(headings, markdown_headings(&quarterly::markdown(report)));
    let titles: Vec<&str> = headings.iter().map(|(_, t)| t.as_str()).collect();
    for section in [
        "运维季度报告 Quarterly maintenance report — 2026Q4",
        "1. 系统可用性 Availability",
        "4. 服务器告警 Host alarms (1)",
        "5. 日台账与备份检查 Ledger and backup checks",
        "7. 建议 Advice",
        "8. 考核评分 Assessment score — 2026Q4",
        "2026-0001 数字管理子系统无法访问 (critical)",
    ] {
        assert!(titles.contains(&section), "{section} in {titles:?}");
    }

    let tables = word::tables(&parts);
    let availability = tables[0];
    assert_eq!(availability[0][0], "子系统 Subsystem");
    assert_eq!(availability.len(), 1 + SUBSYSTEMS.len());
    let engineering = availability
        .iter()
        .find(|r| r[0] == "水利工程检测平台子系统")
        .unwrap();
    let expected = report
        .availability
        .iter()
        .find(|a| a.id == "engineering")
        .unwrap();
    assert_eq!(engineering[4], expected.count.to_string());
    assert_eq!(engineering[5], expected.fails.to_string());

    // The score table: each row of the contract, and the total.
    let score = tables
        .iter()
        .find(|t| t[0][0] == "考核项 Item")
        .expect("the score table");
    assert_eq!(score.len(), 1 + 10 + 1);
    let total = score.last().unwrap();
    assert_eq!(total[0], "合计 Total");
    assert_eq!(total[2], points(report.score.total));
    assert!(report.score.total < 100.0 && report.score.total > 60.0);
    let personnel = score.iter().find(|r| r[0].starts_with("人员管理")).unwrap();
    assert_eq!((personnel[1].as_str(), personnel[2].as_str()), ("45", "43"));

    // A late fault shows its deduction; a multi-line archive keeps its lines.
    let faults = tables.iter().find(|t| t[0][0] == "编号 Id").unwrap();
    let late = report.faults().find(|f| f.late).unwrap();
    let row = faults.iter().find(|r| r[0] == late.id).unwrap();
    assert_eq!(row[6], format!("−{}", points(late.deduction)));
    assert!(parts.contains(&Part::Text("•\t处理过程 Process: 修正配置,\n重启服务".into())));
}

#[test]
fn the_handover_and_the_daily_ledger_as_word_documents() {
    let p = played();
    let handover = word::read(&docx::handover(&p.handover).unwrap());
    keep("handover.docx", &docx::handover(&p.handover).unwrap());
    assert_eq!(
        word::headings(&handover),
        markdown_headings(&watchdesk::report::handover::markdown(&p.handover))
    );
    let notes = handover
        .iter()
        .rposition(|p| matches!(p, Part::Heading(2, t) if t.starts_with("交班说明")))
        .unwrap();
    assert_eq!(
        handover[notes + 1],
        Part::Text("数据库连接池已扩容，请继续观察。\n=SUM(A1) 不是公式".into())
    );

    let zone = p.report.timezone;
    let bytes = docx::daily(&p.daily, zone).unwrap();
    keep("daily-2026-12-22.docx", &bytes);
    let daily = word::read(&bytes);
    assert_eq!(
        word::headings(&daily)[0],
        (1, "日台账 Daily ledger — 2026-12-22 (Asia/Shanghai)".to_string())
    );
    let subsystems = word::tables(&daily)[0];
    let digital = subsystems
        .iter()
        .find(|r| r[0] == "水利质量检测数字管理子系统")
        .unwrap();
    // Two hours at half the probes failed: 120 of 2,880.
    assert_eq!((digital[3].as_str(), digital[4].as_str()), ("2880", "120"));
    assert_eq!(digital[1], "95.83 %");
}

#[test]
fn libreoffice_converts_the_word_documents() {
    let Some(office) = ["libreoffice", "soffice"].into_iter().find(|b| on_path(b)) else {
        loud("SKIPPED: libreoffice not installed (the Word documents were only read back with docx-rs)");
        return;
    };
    if !on_path("pdftotext") {
        loud("SKIPPED: pdftotext (poppler-utils) not installed");
        return;
    }
    let p = played();
    let docx = keep("quarterly-2026Q4.docx", &docx::quarterly(&p.report).unwrap());
    let text = support::office::pdf_text(office, &docx);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "运维季度报告",
        "1. 系统可用性 Availability",
        "8. 考核评分 Assessment score",
        "数字管理子系统无法访问",
        "合计 Total",
        &format!("Total {} / 100", points(p.report.score.total)),
    ] {
        assert!(
            flat.contains(expected),
            "{expected:?} not in the PDF text:\n{text}"
        );
    }
}

/// A line the test harness does not capture: it shows in CI's log even when the test passes.
fn loud(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn on_path(binary: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(binary).is_file()))
        .unwrap_or(false)
}

#[test]
fn the_web_page_draws_four_charts_with_one_series_per_subsystem() {
    let report = &played().report;
    let page = html::quarterly(report);
    keep("quarterly-2026Q4.html", page.as_bytes());
    assert!(page.contains("<h2>1. 系统可用性 Availability</h2>"));
    let charts = support::svg::charts(&page);
    assert_eq!(
        charts.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["availability", "latency", "incidents", "deductions"]
    );
    for (n, chart) in charts.iter().enumerate() {
        keep(&format!("chart-{n}-{}.svg", chart.id), chart.svg.as_bytes());
    }
    let names: Vec<String> = report.availability.iter().map(|a| a.name.clone()).collect();
    for chart in &charts[..2] {
        let doc = roxmltree::Document::parse(&chart.svg).unwrap();
        let lines = support::svg::lines_by_colour(&doc);
        assert_eq!(lines.len(), SUBSYSTEMS.len(), "{}: {lines:?}", chart.id);
        let texts = support::svg::texts(&doc);
        for name in &names {
            assert!(texts.contains(name), "{} has no legend for {name}", chart.id);
        }
    }
    // A point per day and per week.
    let doc = roxmltree::Document::parse(&charts[0].svg).unwrap();
    let days = support::svg::lines_by_colour(&doc)
        .values()
        .map(|points| points.len())
        .max();
    assert_eq!(days, Some(92));
    let doc = roxmltree::Document::parse(&charts[1].svg).unwrap();
    let weeks = support::svg::lines_by_colour(&doc)
        .values()
        .map(|points| points.len())
        .max();
    assert_eq!(weeks, Some(report.series.weeks.len()));

    let doc = roxmltree::Document::parse(&charts[2].svg).unwrap();
    let texts = support::svg::texts(&doc);
    for legend in ["紧急 critical", "一般 major", "轻微 minor"] {
        assert!(texts.contains(&legend.to_string()), "{texts:?}");
    }
    let doc = roxmltree::Document::parse(&charts[3].svg).unwrap();
    let texts = support::svg::texts(&doc);
    assert!(texts.contains(&"人员管理 Personnel".to_string()), "{texts:?}");
    assert!(texts.contains(&"−2".to_string()), "{texts:?}");
}

#[test]
fn the_series_follow_the_probe_history() {
    let s = &played().report.series;
    assert_eq!(s.days.len(), 92);
    assert_eq!(s.weeks[0], NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
    assert_eq!(s.weeks[1], NaiveDate::from_ymd_opt(2026, 10, 5).unwrap());
    let day = |m, d| {
        s.days
            .iter()
            .position(|x| *x == NaiveDate::from_ymd_opt(2026, m, d).unwrap())
            .unwrap()
    };
    let sub = |id: &str| s.subsystems.iter().find(|x| x.id == id).unwrap();
    // Three hours down of 24.
    assert_eq!(sub("engineering").availability[day(11, 3)], Some(21.0 / 24.0));
    assert_eq!(sub("engineering").availability[day(11, 4)], Some(1.0));
    // One probe in eight slow by 900 ms lifts the week's p95 of `smart` only in its slow weeks.
    let smart = &sub("smart").p95_ms;
    assert!(smart[6].unwrap() > 900 && smart[7].unwrap() > 900, "{smart:?}");
    assert!(smart[5].unwrap() < 300 && smart[8].unwrap() < 300, "{smart:?}");
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_defused() {
    let report = &played().report;
    let text = quarterly::csv(report);
    keep("quarterly-2026Q4.csv", text.as_bytes());
    let mut reader = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h.ends_with(name)).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let titles: Vec<&str> = rows.iter().map(|r| &r[col("title")]).collect();
    for bad in FORMULA_TITLES {
        assert!(
            titles.contains(&format!("'{bad}").as_str()),
            "{bad} in {titles:?}"
        );
    }
    // Nothing else changes: Chinese text, dates, multi-line text.
    assert!(titles.contains(&"数字管理子系统无法访问"));
    assert!(titles.contains(&"等保测评：弱口令策略"));
    assert!(rows.iter().all(|r| !r[col("detected")].starts_with('\'')));
    assert!(rows.iter().any(|r| &r[col("process")] == "修正配置,\n重启服务"));
    assert!(
        rows.iter()
            .flat_map(|r| r.iter().map(str::to_string).collect::<Vec<_>>())
            .all(|cell| !cell.starts_with(['=', '+', '-', '@', '\t', '\r']))
    );
}

/// Every text format of the quarterly report, byte for byte: whether its rows are kept in memory or streamed
/// from the store as they are read, a document says the same. The length after each text catches a line end
/// or a final newline the snapshot's text would not show; the CSV (CRLF, a byte-order mark) is kept escaped.
#[test]
fn the_quarterly_report_in_every_text_format_as_it_was() {
    let report = &played().report;
    let sized = |text: String| format!("{text}\n<end: {} bytes>", text.len());
    insta::assert_snapshot!("quarterly_2026q4_md", sized(quarterly::markdown(report)));
    insta::assert_snapshot!("quarterly_2026q4_json", sized(quarterly::json(report)));
    insta::assert_snapshot!("quarterly_2026q4_csv", format!("{:?}", quarterly::csv(report)));
    insta::assert_snapshot!("quarterly_2026q4_html", sized(html::quarterly(report)));
}

/// The report written from the store as the quarter is read (what `report quarterly` does without a daemon)
/// is, in every format, the report built whole and then written.
#[test]
fn the_quarterly_report_streamed_from_the_store_is_the_report_built_whole() {
    let played = played();
    for (format, streamed) in &played.streamed {
        let whole = match format {
            Format::Markdown => quarterly::markdown(&played.report).into_bytes(),
            Format::Json => (quarterly::json(&played.report) + "\n").into_bytes(),
            Format::Csv => quarterly::csv(&played.report).into_bytes(),
            Format::Html => html::quarterly(&played.report).into_bytes(),
            Format::Docx => docx::quarterly(&played.report).unwrap(),
        };
        assert!(streamed.len() > 1_000, "{format}: {} bytes", streamed.len());
        assert!(
            *streamed == whole,
            "{format} differs: {} bytes streamed, {} built whole",
            streamed.len(),
            whole.len()
        );
    }
}
