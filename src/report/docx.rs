//! Reports as Word documents (`.docx`, Office Open XML) for the client's files: the blocks of the report's
//! Markdown as real Word headings (so the navigation pane and a table of contents find them), tables with a
//! shaded header row repeated on every page, rows kept whole and columns sized to their contents, bold and
//! code runs. Chinese text is set in SimSun (宋体) and headings in SimHei (黑体), the faces government
//! documents use; a reader without them (LibreOffice on Linux) substitutes its own CJK faces.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, PageOrientationType, Paragraph, Run, RunFonts,
    Shading, ShdType, Style, StyleType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};
use unicode_width::UnicodeWidthStr;

use super::blocks::{self, Block, Line};
use super::markdown::Align;

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
pub fn from_markdown(markdown: &str, page: Page) -> std::io::Result<Vec<u8>> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    document(markdown, page)
        .pack(&mut bytes)
        .map_err(|e| std::io::Error::other(format!("cannot pack the Word document: {e}")))?;
    Ok(bytes.into_inner())
}

/// The parts of the document, before they are zipped.
fn document(markdown: &str, page: Page) -> docx_rs::XMLDocx {
    let text_width = match page {
        Page::Portrait => A4_SHORT,
        Page::Landscape => A4_LONG,
    } as usize
        - 2 * MARGIN as usize;
    let mut doc = styled(Docx::new(), page);
    let mut blocks = blocks::parse(markdown).into_iter().peekable();
    while let Some(block) = blocks.next() {
        // A line that introduces a table stays on the table's page.
        let before_table = matches!(blocks.peek(), Some(Block::Table { .. }));
        doc = match block {
            Block::Heading { level, text } => doc.add_paragraph(heading(level, &text)),
            Block::Paragraph(lines) => {
                doc.add_paragraph(lines_into(Paragraph::new().keep_next(before_table), &lines))
            }
            Block::Item { depth, lines } => doc.add_paragraph(item(depth, &lines)),
            Block::Table { header, align, rows } => doc
                .add_table(table(&header, &align, &rows, text_width))
                .add_paragraph(Paragraph::new()),
        };
    }
    let mut xml = doc.build();
    xml.document = repeat_header_rows(&xml.document);
    xml
}

/// The quarterly report (landscape: its overviews have eight columns).
pub fn quarterly(report: &super::quarterly::QuarterlyReport) -> std::io::Result<Vec<u8>> {
    from_markdown(&super::quarterly::markdown(report), Page::Landscape)
}

/// The handover summary (landscape: its incident table has seven columns).
pub fn handover(summary: &super::handover::HandoverSummary) -> std::io::Result<Vec<u8>> {
    from_markdown(&super::handover::markdown(summary), Page::Landscape)
}

/// A day's ledger page.
pub fn daily(view: &super::daily::DailyView, zone: chrono_tz::Tz) -> std::io::Result<Vec<u8>> {
    from_markdown(&super::daily::markdown(view, zone), Page::Portrait)
}

/// Marks the first row of every table as its header row, which Word and LibreOffice repeat at the top of each
/// page the table runs onto (docx-rs has no setting for `w:tblHeader`). Every row is written with a `w:trPr`
/// (rows are kept whole), and report text is escaped, so the first `<w:trPr>` after `<w:tbl>` is the header's.
fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    const TABLE: &str = "<w:tbl>";
    const ROW_PROPERTIES: &str = "<w:trPr>";
    let xml = String::from_utf8_lossy(document);
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest: &str = &xml;
    while let Some(at) = rest.find(TABLE) {
        let Some(pr) = rest[at..].find(ROW_PROPERTIES) else {
            break;
        };
        let end = at + pr + ROW_PROPERTIES.len();
        out.push_str(&rest[..end]);
        out.push_str("<w:tblHeader />");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.into_bytes()
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

fn heading(level: u8, text: &Line) -> Paragraph {
    let style = format!("Heading{}", level.min(3));
    let mut p = Paragraph::new().style(&style).keep_next(true);
    for span in text {
        p = p.add_run(Run::new().add_text(&span.text));
    }
    p
}

fn run(span: &blocks::Span) -> Run {
    let mut r = Run::new().add_text(&span.text);
    if span.bold {
        r = r.bold();
    }
    if span.code {
        r = r.fonts(RunFonts::new().ascii(CODE).hi_ansi(CODE).east_asia(BODY_CJK));
    }
    r
}

/// Lines into one paragraph, a line break between them.
fn lines_into(mut p: Paragraph, lines: &[Line]) -> Paragraph {
    for (n, line) in lines.iter().enumerate() {
        if n > 0 {
            p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        for span in line {
            p = p.add_run(run(span));
        }
    }
    p
}

/// A list item: a bullet hanging in the margin, deeper items further in.
fn item(depth: u8, lines: &[Line]) -> Paragraph {
    let indent = 360 * (depth as i32 + 1);
    let bullet = if depth == 0 { "•\t" } else { "–\t" };
    let p = Paragraph::new()
        .indent(
            Some(indent),
            Some(docx_rs::SpecialIndentType::Hanging(360)),
            None,
            None,
        )
        .add_run(Run::new().add_text(bullet));
    lines_into(p, lines)
}

fn table(header: &[Vec<Line>], align: &[Align], rows: &[Vec<Vec<Line>>], width: usize) -> Table {
    let widths = column_widths(header, rows, width);
    let cell = |lines: &[Line], col: usize, head: bool| {
        let right = align.get(col) == Some(&Align::Right);
        let mut p = Paragraph::new();
        if right {
            p = p.align(AlignmentType::Right);
        }
        let mut p = lines_into(p, lines);
        if head {
            p = p.bold();
        }
        let mut c = TableCell::new()
            .width(widths.get(col).copied().unwrap_or(0), WidthType::Dxa)
            .add_paragraph(p);
        if head {
            c = c.shading(Shading::new().shd_type(ShdType::Clear).fill("D9E2F3"));
        }
        c
    };
    let head = TableRow::new(header.iter().enumerate().map(|(n, c)| cell(c, n, true)).collect()).cant_split();
    let mut out = vec![head];
    for row in rows {
        let cells = (0..header.len())
            .map(|n| cell(row.get(n).map(Vec::as_slice).unwrap_or(&[]), n, false))
            .collect();
        out.push(TableRow::new(cells).cant_split());
    }
    Table::new(out)
        .set_grid(widths)
        .width(width, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// Twips one display column of 10.5 pt text takes (Calibri's digits are half an em; the faces a reader may
/// substitute, a little more), and a cell's margins.
const TWIPS_PER_COLUMN: usize = 120;
const CELL_MARGINS: usize = 230;

/// Column widths in twips: each column at least as wide as its longest word (ids, dates and numbers never
/// break; Chinese may break between any two characters), the rest of the width shared by how much more the
/// longest line would like (display width, so Chinese counts double; free text capped so one long title does
/// not squeeze the others).
fn column_widths(header: &[Vec<Line>], rows: &[Vec<Vec<Line>>], total: usize) -> Vec<usize> {
    let twips = |columns: usize| columns * TWIPS_PER_COLUMN + CELL_MARGINS;
    let lines = |n: usize| {
        header[n]
            .iter()
            .chain(rows.iter().filter_map(move |r| r.get(n)).flatten())
            .map(blocks::plain)
    };
    let (min, want): (Vec<usize>, Vec<usize>) = (0..header.len())
        .map(|n| {
            let word = lines(n).map(|l| longest_word(&l)).max().unwrap_or(0).min(12);
            let line = lines(n).map(|l| l.width()).max().unwrap_or(0).min(40);
            (twips(word.max(2)), twips(line.max(word).max(2)))
        })
        .unzip();
    let least: usize = min.iter().sum();
    if least >= total {
        return min.iter().map(|m| m * total / least).collect();
    }
    let extra = total - least;
    let wished: usize = want.iter().zip(&min).map(|(w, m)| w - m).sum();
    min.iter()
        .zip(&want)
        .map(|(m, w)| match wished {
            0 => m + extra / header.len(),
            _ => m + extra * (w - m) / wished,
        })
        .collect()
}

/// Display columns of the longest run a line may not break inside: Latin letters, digits and punctuation
/// between spaces; a Chinese character stands alone.
fn longest_word(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if c.is_whitespace() || w > 1 {
            longest = longest.max(run).max(w * usize::from(!c.is_whitespace()));
            run = 0;
        } else {
            run += w;
        }
    }
    longest.max(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_row_of_each_table_is_its_header() {
        let md = "# t\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n| 3 | 4 |\n\n| c |\n|---|\n| 5 |\n";
        let text = String::from_utf8(document(md, Page::Portrait).document).unwrap();
        assert_eq!(text.matches("<w:tbl>").count(), 2);
        assert_eq!(text.matches("<w:tblHeader />").count(), 2);
        for table in text.split("<w:tbl>").skip(1) {
            let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
            assert!(rows[0].starts_with("<w:trPr><w:tblHeader />"), "{}", rows[0]);
            assert!(rows[1..].iter().all(|r| !r.contains("tblHeader")));
        }
    }

    #[test]
    fn words_never_break_and_long_text_takes_the_rest() {
        let line = |s: &str| vec![blocks::inline(s)];
        let header = vec![line("编号 Id"), line("标题 Title"), line("扣分 Deduction")];
        let rows = vec![vec![
            line("2026-0001"),
            line(&"数据库主节点磁盘满".repeat(4)),
            line("−0.3"),
        ]];
        let w = column_widths(&header, &rows, 9_000);
        let sum: usize = w.iter().sum();
        assert!(
            (9_000 - 3..=9_000).contains(&sum),
            "the table fills the width: {w:?}"
        );
        // Each column fits its longest word: the id, and the header's "Deduction".
        assert!(w[0] >= 9 * TWIPS_PER_COLUMN + CELL_MARGINS, "{w:?}");
        assert!(w[2] >= 9 * TWIPS_PER_COLUMN + CELL_MARGINS, "{w:?}");
        assert!(w[1] > w[0] + w[2], "{w:?}");
        assert_eq!(longest_word("2026-10-05 09:00"), 10);
        assert_eq!(longest_word("数据库 ab"), 2);
    }
}
