//! CSV for a spreadsheet: UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends, fields quoted
//! when they must be (RFC 4180, by the `csv` crate), and no cell a spreadsheet would run as a formula: text
//! starting with `=`, `+`, `-`, `@`, a tab or a carriage return (a title typed as `=HYPERLINK(…)`) is prefixed
//! with `'`, which spreadsheets show as text and do not print.

use std::borrow::Cow;
use std::io::{self, Write};

pub const BOM: &str = "\u{feff}";

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as a spreadsheet may safely read it.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The rows as one CSV text, each cell guarded.
pub fn write<R, C>(rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let written = Rows::new(Vec::new()).and_then(|mut out| {
        for row in rows {
            out.row(row)?;
        }
        out.finish()
    });
    // Writing into memory fails only on an I/O error, which a Vec never gives.
    String::from_utf8_lossy(&written.unwrap_or_default()).into_owned()
}

/// CSV written row by row to `W`, each cell guarded, the byte-order mark first.
pub struct Rows<W: Write> {
    writer: ::csv::Writer<W>,
}

impl<W: Write> Rows<W> {
    pub fn new(mut out: W) -> io::Result<Rows<W>> {
        out.write_all(BOM.as_bytes())?;
        let writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(out);
        Ok(Rows { writer })
    }

    pub fn row<C: AsRef<str>>(&mut self, row: impl IntoIterator<Item = C>) -> io::Result<()> {
        let cells: Vec<String> = row.into_iter().map(|c| guard(c.as_ref()).into_owned()).collect();
        self.writer.write_record(&cells).map_err(io::Error::from)
    }

    /// Writes out what is buffered; gives the writer back.
    pub fn finish(self) -> io::Result<W> {
        self.writer.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_defused_and_other_text_kept() {
        for bad in ["=1+2", "+86 591", "-3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(guard(bad), format!("'{bad}"));
        }
        for fine in [
            "数据库主节点磁盘满",
            "2026-10-05 09:00",
            "a=b",
            "—",
            "",
            "'quoted",
        ] {
            assert_eq!(guard(fine), fine);
        }
    }

    #[test]
    fn rows_are_quoted_when_they_must_be() {
        let text = write([["登录失败", "a,b"], ["say \"hi\"", "line1\nline2"]]);
        assert_eq!(
            text,
            "\u{feff}登录失败,\"a,b\"\r\n\"say \"\"hi\"\"\",\"line1\nline2\"\r\n"
        );
    }
}
