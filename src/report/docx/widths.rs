//! A table's column widths, from what its cells need, gathered one row at a time: a table of any length is
//! sized without being held.

use std::io;

use unicode_width::UnicodeWidthStr;

use crate::report::blocks::{self, Line, Piece};

/// Twips one display column of 10.5 pt text takes (Calibri's digits are half an em; the faces a reader may
/// substitute, a little more), and a cell's margins.
pub(super) const TWIPS_PER_COLUMN: usize = 120;
pub(super) const CELL_MARGINS: usize = 230;

/// The column widths (twips, filling `total`) of each table of a document, in the order the tables come.
pub(super) fn of_tables(
    pieces: impl Iterator<Item = io::Result<Piece>>,
    total: usize,
) -> io::Result<Vec<Vec<usize>>> {
    let mut tables = Vec::new();
    let mut table = None;
    for piece in pieces {
        match piece? {
            Piece::TableHead { header, .. } => table = Some(Columns::new(&header)),
            Piece::TableRow(row) => {
                if let Some(columns) = &mut table {
                    columns.add(&row);
                }
            }
            Piece::TableEnd => tables.extend(table.take().map(|c| c.widths(total))),
            Piece::Block(_) => {}
        }
    }
    Ok(tables)
}

/// Each column's longest word and longest line (display columns) over the rows seen so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Columns {
    word: Vec<usize>,
    line: Vec<usize>,
}

impl Columns {
    /// The columns of a table with this header row.
    pub(super) fn new(header: &[Vec<Line>]) -> Columns {
        let mut columns = Columns {
            word: vec![0; header.len()],
            line: vec![0; header.len()],
        };
        columns.add(header);
        columns
    }

    /// One row's cells; a cell past the header's columns is not shown, so not measured.
    pub(super) fn add(&mut self, row: &[Vec<Line>]) {
        for ((word, line), cell) in self.word.iter_mut().zip(&mut self.line).zip(row) {
            for text in cell.iter().map(blocks::plain) {
                *word = (*word).max(longest_word(&text));
                *line = (*line).max(text.width());
            }
        }
    }

    /// Widths in twips filling `total`: each column at least as wide as its longest word (ids, dates and numbers
    /// never break; Chinese may break between any two characters), the rest of the width shared by how much
    /// more the longest line would like (display width, so Chinese counts double; free text capped so one long
    /// title does not squeeze the others).
    pub(super) fn widths(&self, total: usize) -> Vec<usize> {
        let twips = |columns: usize| columns * TWIPS_PER_COLUMN + CELL_MARGINS;
        let (min, want): (Vec<usize>, Vec<usize>) = self
            .word
            .iter()
            .zip(&self.line)
            .map(|(&word, &line)| {
                let word = word.min(12);
                (twips(word.max(2)), twips(line.min(40).max(word).max(2)))
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
                0 => m + extra / min.len(),
                _ => m + extra * (w - m) / wished,
            })
            .collect()
    }
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

    fn line(s: &str) -> Vec<Line> {
        vec![blocks::inline(s)]
    }

    #[test]
    fn words_never_break_and_long_text_takes_the_rest() {
        let mut columns = Columns::new(&[line("编号 Id"), line("标题 Title"), line("扣分 Deduction")]);
        columns.add(&[
            line("2026-0001"),
            line(&"数据库主节点磁盘满".repeat(4)),
            line("−0.3"),
        ]);
        let w = columns.widths(9_000);
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

    #[test]
    fn rows_in_any_order_and_cells_past_the_header_size_the_same() {
        let rows = [
            vec![line("a"), line("a much longer line of text than the others")],
            vec![line("2026-10-05"), line("x"), line("an extra cell nobody sees")],
            vec![line("b")],
        ];
        let header = [line("Id"), line("Title")];
        let mut forward = Columns::new(&header);
        let mut backward = Columns::new(&header);
        rows.iter().for_each(|r| forward.add(r));
        rows.iter().rev().for_each(|r| backward.add(r));
        assert_eq!(forward, backward);
        let without_extra = {
            let mut c = Columns::new(&header);
            c.add(&rows[0]);
            c.add(&rows[1][..2]);
            c.add(&rows[2]);
            c
        };
        assert_eq!(forward, without_extra);
        let w = forward.widths(6_000);
        assert_eq!(
            w[0],
            10 * TWIPS_PER_COLUMN + CELL_MARGINS,
            "the id column is its longest word"
        );
        assert!(w[1] > w[0]);
    }
}
