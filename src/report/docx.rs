//! Reports as Word documents (`.docx`, Office Open XML) for the client's files: the blocks of the report's
//! Markdown as real Word headings (so the navigation pane and a table of contents find them), tables with a
//! shaded header row repeated on every page, rows kept whole and columns sized to their contents, bold and
//! code runs. Chinese text is set in SimSun (宋体) and headings in SimHei (黑体), the faces government
//! documents use; a reader without them (LibreOffice on Linux) substitutes its own CJK faces.
//!
//! A document is written as its Markdown is read, a block or a table row at a time, into a zip written as it
//! goes ([`write`]): the quarterly report of a quarter of any length is written in bounded memory.

use std::io::{self, BufRead, BufWriter, Cursor, Seek, Write};

use docx_rs::{Docx, LineSpacing, PageMargin, PageOrientationType, RunFonts, Style, StyleType};

use super::blocks::Pieces;

mod body;
mod package;
mod widths;

/// The page a document is set on. Wide tables (the quarterly report's overviews) want landscape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Portrait,
    Landscape,
}

// A4 in twentieths of a point, 2 cm margins.
const A4_SHORT: u32 = 11_906;
const A4_LONG: u32 = 16_838;
const MARGIN: i32 = 1_134;

const BODY_LATIN: &str = "Calibri";
const BODY_CJK: &str = "SimSun";
const HEADING_CJK: &str = "SimHei";
const CODE: &str = "Consolas";

/// The Markdown of a report as a `.docx` file.
pub fn from_markdown(markdown: &str, page: Page) -> io::Result<Vec<u8>> {
    in_memory(Cursor::new(markdown.as_bytes()), page)
}

/// Writes the Markdown read from `markdown` as a `.docx` file into `out`, a block at a time: the Markdown is read
/// twice, once to size each table's columns to all of its cells, then to write the document, so that a report
/// of any length is written in bounded memory.
pub fn write<R: BufRead + Seek>(mut markdown: R, page: Page, out: impl Write + Seek) -> io::Result<()> {
    let text_width = match page {
        Page::Portrait => A4_SHORT,
        Page::Landscape => A4_LONG,
    } as usize
        - 2 * MARGIN as usize;
    markdown.rewind()?;
    let tables = widths::of_tables(Pieces::new((&mut markdown).lines()), text_width)?;
    markdown.rewind()?;
    package::write(out, styled(Docx::new(), page), |document| {
        body::write(
            Pieces::new(markdown.lines()),
            tables.into_iter(),
            text_width,
            document,
        )
    })
}

/// Writes the Markdown read from `markdown` as a `.docx` file into `out`, which need not be seekable: the
/// file is put together in a temporary file when `spill`, else in memory.
pub fn write_to(
    markdown: impl BufRead + Seek,
    page: Page,
    spill: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if spill {
        let mut file = BufWriter::new(tempfile::tempfile()?);
        write(markdown, page, &mut file)?;
        let mut file = file.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        io::copy(&mut file, out)?;
    } else {
        out.write_all(&in_memory(markdown, page)?)?;
    }
    Ok(())
}

fn in_memory(markdown: impl BufRead + Seek, page: Page) -> io::Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    write(markdown, page, &mut out)?;
    Ok(out.into_inner())
}

/// The quarterly report (landscape: its overviews have eight columns).
pub fn quarterly(report: &super::quarterly::QuarterlyReport) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    super::quarterly::stream::write(report, super::Format::Docx, &mut out)?;
    Ok(out)
}

/// The handover summary (landscape: its incident table has seven columns).
pub fn handover(summary: &super::handover::HandoverSummary) -> io::Result<Vec<u8>> {
    from_markdown(&super::handover::markdown(summary), Page::Landscape)
}

/// A day's ledger page.
pub fn daily(view: &super::daily::DailyView, zone: chrono_tz::Tz) -> io::Result<Vec<u8>> {
    from_markdown(&super::daily::markdown(view, zone), Page::Portrait)
}

fn styled(doc: Docx, page: Page) -> Docx {
    let (w, h, orient) = match page {
        Page::Portrait => (A4_SHORT, A4_LONG, PageOrientationType::Portrait),
        Page::Landscape => (A4_LONG, A4_SHORT, PageOrientationType::Landscape),
    };
    let body = RunFonts::new()
        .ascii(BODY_LATIN)
        .hi_ansi(BODY_LATIN)
        .east_asia(BODY_CJK);
    let mut doc = doc
        .page_size(w, h)
        .page_orient(orient)
        .page_margin(PageMargin {
            top: MARGIN,
            left: MARGIN,
            bottom: MARGIN,
            right: MARGIN,
            header: 567,
            footer: 567,
            gutter: 0,
        })
        .default_fonts(body)
        .default_size(21); // 10.5 pt, 五号
    for (level, size, before) in [(1u8, 36usize, 0u32), (2, 30, 360), (3, 24, 240)] {
        doc = doc.add_style(
            Style::new(format!("Heading{level}"), StyleType::Paragraph)
                .name(format!("heading {level}"))
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .outline_lvl(level as usize - 1)
                .size(size)
                .line_spacing(LineSpacing::new().before(before).after(120))
                .bold()
                .fonts(
                    RunFonts::new()
                        .ascii(BODY_LATIN)
                        .hi_ansi(BODY_LATIN)
                        .east_asia(HEADING_CJK),
                ),
        );
    }
    doc
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// The parts of a `.docx` by name.
    fn parts(bytes: &[u8]) -> Vec<(String, String)> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
        (0..zip.len())
            .map(|n| {
                let mut entry = zip.by_index(n).unwrap();
                let mut text = String::new();
                entry.read_to_string(&mut text).unwrap();
                (entry.name().to_string(), text)
            })
            .collect()
    }

    fn document(markdown: &str, page: Page) -> String {
        let parts = parts(&from_markdown(markdown, page).unwrap());
        parts
            .into_iter()
            .find(|(name, _)| name == "word/document.xml")
            .unwrap()
            .1
    }

    #[test]
    fn the_first_row_of_each_table_is_its_header() {
        let md = "# t\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n| 3 | 4 |\n\n| c |\n|---|\n| 5 |\n";
        let text = document(md, Page::Portrait);
        assert_eq!(text.matches("<w:tbl>").count(), 2);
        assert_eq!(text.matches("<w:tblHeader />").count(), 2);
        for table in text.split("<w:tbl>").skip(1) {
            let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
            assert!(rows[0].starts_with("<w:trPr><w:tblHeader />"), "{}", rows[0]);
            assert!(rows[1..].iter().all(|r| !r.contains("tblHeader")));
        }
    }

    /// The header row is written before the rows are read the second time: its widths come from the first
    /// reading, which saw the long last row.
    #[test]
    fn a_table_is_sized_by_rows_written_after_its_header() {
        let mut md = String::from("Intro to the table:\n| Id | Note |\n|---|---|\n");
        for n in 0..500 {
            md.push_str(&format!("| {n} | x |\n"));
        }
        md.push_str("| 2026-0001-0002-0003 | y |\n\nAfter.\n");
        let text = document(&md, Page::Portrait);
        let grid: Vec<usize> = text
            .split("<w:gridCol w:w=\"")
            .skip(1)
            .map(|g| g[..g.find('"').unwrap()].parse().unwrap())
            .collect();
        // Only the id column would like more than its longest word (capped at 12 columns): it takes the rest.
        let note = 4 * widths::TWIPS_PER_COLUMN + widths::CELL_MARGINS;
        let total = A4_SHORT as usize - 2 * MARGIN as usize;
        assert_eq!(grid, [total - note, note]);
        assert_eq!(text.matches("<w:tr>").count(), 502);
        // The line before the table stays on the table's page; the one after it does not need to.
        let paragraph = |words: &str| text.split("<w:p ").find(|p| p.contains(words)).unwrap();
        assert!(paragraph("Intro").contains("<w:keepNext />"));
        assert!(!paragraph("After.").contains("<w:keepNext />"));
    }

    /// Put together in a temporary file or in memory, the same file; every part of the package is there and
    /// compressed.
    #[test]
    fn spilled_or_in_memory_the_same_package() {
        let md = "# 标题 Title\n\n- item `code` and **bold**\n  - nested\n\n| a |\n|---|\n| 1 |\n";
        let whole = from_markdown(md, Page::Landscape).unwrap();
        let mut spilled = Vec::new();
        write_to(Cursor::new(md.as_bytes()), Page::Landscape, true, &mut spilled).unwrap();
        assert_eq!(spilled, whole);
        let names: Vec<String> = parts(&whole).into_iter().map(|(name, _)| name).collect();
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
        ] {
            assert!(names.iter().any(|n| n == part), "{part} in {names:?}");
        }
        let mut zip = zip::ZipArchive::new(Cursor::new(&whole[..])).unwrap();
        let document = zip.by_name("word/document.xml").unwrap();
        assert_eq!(document.compression(), zip::CompressionMethod::Deflated);
        assert!(document.compressed_size() < document.size());
    }

    /// A table given whole is written as the same table given a row at a time.
    #[test]
    fn a_table_whole_or_row_by_row_is_the_same_xml() {
        use crate::report::blocks::{Block, Piece, inline};
        use crate::report::markdown::Align;
        let header = vec![vec![inline("编号 Id")], vec![inline("扣分")]];
        let align = vec![Align::Left, Align::Right];
        let rows = vec![
            vec![vec![inline("2026-0001")], vec![inline("−0.3")]],
            vec![vec![inline("**2026-0002**")]],
        ];
        let written = |pieces: Vec<Piece>, tables: Vec<Vec<usize>>| {
            let mut out = Vec::new();
            body::write(pieces.into_iter().map(Ok), tables.into_iter(), 9_000, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let whole = written(
            vec![Piece::Block(Block::Table {
                header: header.clone(),
                align: align.clone(),
                rows: rows.clone(),
            })],
            Vec::new(),
        );
        let mut pieces = vec![Piece::TableHead { header, align }];
        pieces.extend(rows.into_iter().map(Piece::TableRow));
        pieces.push(Piece::TableEnd);
        let tables = widths::of_tables(pieces.iter().cloned().map(Ok), 9_000).unwrap();
        let by_rows = written(pieces, tables);
        assert_eq!(by_rows, whole);
        assert_eq!(whole.matches("<w:tr>").count(), 3);
        assert_eq!(whole.matches("<w:tblHeader />").count(), 1);
    }

    #[test]
    fn a_markdown_that_cannot_be_read_is_an_error_not_a_document() {
        let bad = Cursor::new(b"# ok\n\n\xff\xfe not UTF-8\n".to_vec());
        let mut out = Cursor::new(Vec::new());
        let err = write(bad, Page::Portrait, &mut out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
