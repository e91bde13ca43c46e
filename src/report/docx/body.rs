//! The document's body written as the Markdown is read: each heading, paragraph and list item, and each row of
//! a table, built on its own with docx-rs and written out, so the body of a long report is never held.

use std::io::{self, Write};

use docx_rs::{
    AlignmentType, BreakType, BuildXML, Paragraph, Run, RunFonts, Shading, ShdType, Table, TableCell,
    TableLayoutType, TableRow, WidthType,
};

use super::widths::Columns;
use super::{BODY_CJK, CODE};
use crate::report::blocks::{self, Block, Line, Piece};
use crate::report::markdown::Align;

/// Writes the body of the document the `pieces` of Markdown make into `out` (the part of `word/document.xml`
/// between `<w:body>` and the section's properties). `tables` gives the column widths of each table, in the
/// order the tables come; the text is `text_width` twips wide.
pub(super) fn write(
    pieces: impl Iterator<Item = io::Result<Piece>>,
    tables: impl Iterator<Item = Vec<usize>>,
    text_width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut body = Body {
        out,
        text_width,
        paragraphs: 0,
        table: None,
    };
    let mut tables = tables.fuse();
    let mut pieces = pieces.peekable();
    while let Some(piece) = pieces.next() {
        match piece? {
            Piece::Block(Block::Heading { level, text }) => {
                let p = body.paragraph();
                body.put(&heading(p, level, &text))?
            }
            Piece::Block(Block::Paragraph(lines)) => {
                // A line that introduces a table stays on the table's page.
                let before_table = matches!(pieces.peek(), Some(Ok(Piece::TableHead { .. })));
                let p = body.paragraph().keep_next(before_table);
                body.put(&lines_into(p, &lines))?
            }
            Piece::Block(Block::Item { depth, lines }) => {
                let p = body.paragraph();
                body.put(&item(p, depth, &lines))?
            }
            Piece::Block(Block::Table { header, align, rows }) => {
                let mut columns = Columns::new(&header);
                rows.iter().for_each(|r| columns.add(r));
                body.table_head(&header, align, columns.widths(text_width))?;
                for row in &rows {
                    body.table_row(row)?;
                }
                body.table_end()?;
            }
            Piece::TableHead { header, align } => {
                let widths = tables
                    .next()
                    .unwrap_or_else(|| Columns::new(&header).widths(text_width));
                body.table_head(&header, align, widths)?;
            }
            Piece::TableRow(row) => body.table_row(&row)?,
            Piece::TableEnd => body.table_end()?,
        }
    }
    Ok(())
}

struct Body<'a> {
    out: &'a mut dyn Write,
    text_width: usize,
    /// Paragraphs written so far: each has its number as its id, as docx-rs numbers a document it builds whole.
    paragraphs: u32,
    /// The table being written: its columns' alignment and widths.
    table: Option<(Vec<Align>, Vec<usize>)>,
}

const TABLE_END: &[u8] = b"</w:tbl>";

impl Body<'_> {
    fn paragraph(&mut self) -> Paragraph {
        self.paragraphs += 1;
        Paragraph::new().id(format!("{:08x}", self.paragraphs))
    }

    /// One element's XML (building into memory cannot fail).
    fn put(&mut self, element: &impl BuildXML) -> io::Result<()> {
        self.out.write_all(&element.build())
    }

    /// A table's properties and grid, and its header row, marked as the row Word and LibreOffice repeat at the
    /// top of each page the table runs onto (docx-rs has no setting for `w:tblHeader`).
    fn table_head(&mut self, header: &[Vec<Line>], align: Vec<Align>, widths: Vec<usize>) -> io::Result<()> {
        let table = Table::new(Vec::new())
            .set_grid(widths.clone())
            .width(self.text_width, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .build();
        let open = table
            .strip_suffix(TABLE_END)
            .ok_or_else(|| io::Error::other("a table's XML has no end tag"))?;
        self.out.write_all(open)?;
        self.table = Some((align, widths));
        let head = self.row(header, true).build();
        self.out.write_all(&mark_header(head))
    }

    fn table_row(&mut self, cells: &[Vec<Line>]) -> io::Result<()> {
        if self.table.is_none() {
            return Ok(());
        }
        let row = self.row(cells, false);
        self.put(&row)
    }

    /// The end of a table, and the empty paragraph after it.
    fn table_end(&mut self) -> io::Result<()> {
        if self.table.take().is_none() {
            return Ok(());
        }
        self.out.write_all(TABLE_END)?;
        let p = self.paragraph();
        self.put(&p)
    }

    /// A row of the table being written, kept whole on one page; the header's cells bold and shaded.
    fn row(&mut self, cells: &[Vec<Line>], head: bool) -> TableRow {
        let columns = self.table.as_ref().map_or(0, |(_, widths)| widths.len());
        let cells = (0..columns)
            .map(|n| {
                let lines = cells.get(n).map(Vec::as_slice).unwrap_or(&[]);
                let p = self.paragraph();
                self.cell(p, lines, n, head)
            })
            .collect();
        TableRow::new(cells).cant_split()
    }

    fn cell(&self, mut p: Paragraph, lines: &[Line], col: usize, head: bool) -> TableCell {
        let (align, widths) = self
            .table
            .as_ref()
            .map_or((&[][..], &[][..]), |(a, w)| (a.as_slice(), w.as_slice()));
        if align.get(col) == Some(&Align::Right) {
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
    }
}

/// A row's XML with `w:tblHeader` first in its properties (every row has them: rows are kept whole).
fn mark_header(row: Vec<u8>) -> Vec<u8> {
    const ROW_PROPERTIES: &[u8] = b"<w:trPr>";
    match row
        .windows(ROW_PROPERTIES.len())
        .position(|w| w == ROW_PROPERTIES)
    {
        Some(at) => {
            let end = at + ROW_PROPERTIES.len();
            [&row[..end], b"<w:tblHeader />", &row[end..]].concat()
        }
        None => row,
    }
}

fn heading(p: Paragraph, level: u8, text: &Line) -> Paragraph {
    let style = format!("Heading{}", level.min(3));
    let mut p = p.style(&style).keep_next(true);
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
fn item(p: Paragraph, depth: u8, lines: &[Line]) -> Paragraph {
    let indent = 360 * (depth as i32 + 1);
    let bullet = if depth == 0 { "•\t" } else { "–\t" };
    let p = p
        .indent(
            Some(indent),
            Some(docx_rs::SpecialIndentType::Hanging(360)),
            None,
            None,
        )
        .add_run(Run::new().add_text(bullet));
    lines_into(p, lines)
}
