//! The Word documents part by part: every part of the package (the document, its styles, settings, content
//! types and relationships) as the snapshots recorded it, whether the report was held whole or streamed from
//! the store as its incidents were read.

#[path = "records_support/rig.rs"]
mod rig;
#[path = "report_formats_support/mod.rs"]
mod support;

use std::io::Read;

use support::quarter::played;
use watchdesk::report::{Format, docx};

/// The parts of a `.docx`, in the order the package lists them, each with its length; the document's XML is
/// broken before each paragraph, table and row so that a difference shows where it is.
fn parts(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut out = String::new();
    for n in 0..zip.len() {
        let mut entry = zip.by_index(n).unwrap();
        let name = entry.name().to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("each part is UTF-8 XML");
        assert!(!text.contains('\n'), "{name} is written on one line");
        out.push_str(&format!("=== {name} ({} bytes)\n", text.len()));
        for tag in ["<w:p ", "<w:p>", "<w:tbl>", "<w:tr>", "<w:sectPr>"] {
            text = text.replace(tag, &format!("\n{tag}"));
        }
        out.push_str(text.trim_start());
        out.push('\n');
    }
    out
}

#[test]
fn the_quarterly_report_has_every_part_it_had() {
    let played = played();
    let whole = docx::quarterly(&played.report).unwrap();
    insta::assert_snapshot!("quarterly_2026q4_docx", parts(&whole));
    let (_, streamed) = played
        .streamed
        .iter()
        .find(|(format, _)| *format == Format::Docx)
        .unwrap();
    assert_eq!(parts(streamed), parts(&whole));
}

#[test]
fn the_handover_and_the_daily_ledger_have_every_part_they_had() {
    let p = played();
    insta::assert_snapshot!("handover_docx", parts(&docx::handover(&p.handover).unwrap()));
    let daily = docx::daily(&p.daily, p.report.timezone).unwrap();
    insta::assert_snapshot!("daily_2026_12_22_docx", parts(&daily));
}
