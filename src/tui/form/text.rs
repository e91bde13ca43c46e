//! An editable text: one line or several, with the cursor shown by display width, so Chinese text (two
//! columns a character) edits as expected. The cursor moves, deletes and wraps by grapheme cluster (what a
//! reader sees as one character: a letter with its combining accents, an emoji sequence), never inside one.
//! Pasted text arrives whole.

use unicode_segmentation::UnicodeSegmentation;

use crate::tui::text::char_width;

/// Longest text a field takes; a stray paste of a log file must not make the form unusable.
pub const MAX_CHARS: usize = 20_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    chars: Vec<char>,
    /// Index into `chars`: the cursor stands before this character.
    cursor: usize,
    multiline: bool,
}

/// One screen row of a wrapped text: `chars[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
}

impl TextInput {
    pub fn new(multiline: bool) -> TextInput {
        TextInput {
            chars: Vec::new(),
            cursor: 0,
            multiline,
        }
    }

    pub fn with_text(multiline: bool, text: &str) -> TextInput {
        let mut input = TextInput::new(multiline);
        input.insert(text);
        input
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn is_blank(&self) -> bool {
        self.chars.iter().all(|c| c.is_whitespace())
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Inserts typed or pasted text: line ends normalised, tabs as spaces, other control characters dropped,
    /// and on a one-line field line breaks become spaces.
    pub fn insert(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let room = MAX_CHARS.saturating_sub(self.chars.len());
        let new: Vec<char> = text
            .chars()
            .filter_map(|c| match c {
                '\n' if self.multiline => Some('\n'),
                '\n' | '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .take(room)
            .collect();
        let n = new.len();
        self.chars.splice(self.cursor..self.cursor, new);
        self.cursor += n;
    }

    /// Where each grapheme cluster starts, as indices into `chars`, and the end.
    fn boundaries(&self) -> Vec<usize> {
        let text = self.text();
        let mut out = Vec::with_capacity(self.chars.len() + 1);
        let mut at = 0;
        for cluster in text.graphemes(true) {
            out.push(at);
            at += cluster.chars().count();
        }
        out.push(self.chars.len());
        out
    }

    /// The cluster boundary before `at` (0 at the start).
    fn prev_boundary(&self, at: usize) -> usize {
        self.boundaries().into_iter().rev().find(|b| *b < at).unwrap_or(0)
    }

    /// The cluster boundary after `at` (the end at the end).
    fn next_boundary(&self, at: usize) -> usize {
        self.boundaries()
            .into_iter()
            .find(|b| *b > at)
            .unwrap_or(self.chars.len())
    }

    pub fn backspace(&mut self) {
        let start = self.prev_boundary(self.cursor);
        self.chars.drain(start..self.cursor);
        self.cursor = start;
    }

    pub fn delete(&mut self) {
        let end = self.next_boundary(self.cursor);
        self.chars.drain(self.cursor..end);
    }

    pub fn left(&mut self) {
        self.cursor = self.prev_boundary(self.cursor);
    }

    pub fn right(&mut self) {
        self.cursor = self.next_boundary(self.cursor);
    }

    fn line_start(&self) -> usize {
        self.chars[..self.cursor]
            .iter()
            .rposition(|c| *c == '\n')
            .map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.chars[self.cursor..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(self.chars.len(), |i| self.cursor + i)
    }

    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    pub fn end(&mut self) {
        self.cursor = self.line_end();
    }

    /// Deletes from the start of the line to the cursor (Ctrl-U).
    pub fn kill_to_start(&mut self) {
        let start = self.line_start();
        self.chars.drain(start..self.cursor);
        self.cursor = start;
    }

    /// Moves to the line above, keeping the display column; false on the first line.
    pub fn up(&mut self) -> bool {
        let start = self.line_start();
        if start == 0 {
            return false;
        }
        let col = self.col_of(start, self.cursor);
        let prev_end = start - 1;
        let prev_start = self.chars[..prev_end]
            .iter()
            .rposition(|c| *c == '\n')
            .map_or(0, |i| i + 1);
        self.cursor = self.index_at_col(prev_start, prev_end, col);
        true
    }

    /// Moves to the line below, keeping the display column; false on the last line.
    pub fn down(&mut self) -> bool {
        let end = self.line_end();
        if end >= self.chars.len() {
            return false;
        }
        let col = self.col_of(self.line_start(), self.cursor);
        let next_start = end + 1;
        let next_end = self.chars[next_start..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(self.chars.len(), |i| next_start + i);
        self.cursor = self.index_at_col(next_start, next_end, col);
        true
    }

    fn col_of(&self, start: usize, at: usize) -> usize {
        self.chars[start..at].iter().map(|c| char_width(*c)).sum()
    }

    /// The cluster boundary in `chars[start..end]` at display column `col`, or the nearest before it.
    fn index_at_col(&self, start: usize, end: usize, col: usize) -> usize {
        let mut used = 0;
        let clusters = self.boundaries();
        for pair in clusters.windows(2).filter(|p| p[0] >= start && p[1] <= end) {
            let w = self.col_of(pair[0], pair[1]);
            if used + w > col {
                return pair[0];
            }
            used += w;
        }
        end
    }

    /// The text wrapped to `width` columns: hard breaks at line ends, soft ones where a character would not fit.
    pub fn rows(&self, width: usize) -> Vec<Row> {
        let width = width.max(2);
        let mut rows = Vec::new();
        let (mut start, mut col) = (0, 0);
        for pair in self.boundaries().windows(2) {
            let i = pair[0];
            if self.chars[i] == '\n' {
                rows.push(Row { start, end: i });
                start = pair[1];
                col = 0;
                continue;
            }
            let w = self.col_of(i, pair[1]);
            if col + w > width && col > 0 {
                rows.push(Row { start, end: i });
                start = i;
                col = 0;
            }
            col += w;
        }
        rows.push(Row {
            start,
            end: self.chars.len(),
        });
        rows
    }

    /// The cursor's screen row and column in the text wrapped to `width`.
    pub fn cursor_position(&self, width: usize) -> (usize, usize) {
        let rows = self.rows(width);
        let row = rows.iter().rposition(|r| r.start <= self.cursor).unwrap_or(0);
        let start = rows.get(row).map_or(0, |r| r.start);
        (row, self.col_of(start, self.cursor.min(self.chars.len())))
    }

    /// The characters of one row, with nothing to draw for the line break itself.
    pub fn row_text(&self, row: Row) -> String {
        self.chars[row.start..row.end.min(self.chars.len())]
            .iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_move_the_cursor_by_two_columns() {
        let mut t = TextInput::with_text(false, "数据库ab");
        assert_eq!(t.cursor_position(40), (0, 8));
        t.left();
        t.left();
        t.left();
        assert_eq!(t.cursor_position(40), (0, 4));
        t.backspace();
        assert_eq!(t.text(), "数库ab");
        t.insert("据");
        assert_eq!(t.text(), "数据库ab");
    }

    #[test]
    fn paste_normalises_line_ends_and_one_line_fields_get_spaces() {
        let mut one = TextInput::new(false);
        one.insert("a\r\nb\tc\u{7}");
        assert_eq!(one.text(), "a b c");
        let mut many = TextInput::new(true);
        many.insert("a\r\nb\rc");
        assert_eq!(many.text(), "a\nb\nc");
    }

    #[test]
    fn wrapping_never_splits_a_wide_character() {
        let t = TextInput::with_text(true, "abc数据\nx");
        let rows: Vec<String> = t.rows(4).into_iter().map(|r| t.row_text(r)).collect();
        assert_eq!(rows, ["abc", "数据", "x"]);
        assert_eq!(t.cursor_position(4), (2, 1));
    }

    #[test]
    fn the_cursor_steps_over_whole_grapheme_clusters() {
        // e + combining acute, then a family emoji joined by zero-width joiners.
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        let mut t = TextInput::with_text(false, &format!("e\u{301}数{family}x"));
        t.left();
        t.left();
        assert_eq!(t.cursor(), 3, "before the family, not inside it");
        t.backspace();
        assert_eq!(t.text(), format!("e\u{301}{family}x"));
        t.left();
        assert_eq!(t.cursor(), 0, "the accent goes with its letter");
        t.delete();
        assert_eq!(t.text(), format!("{family}x"));
        t.delete();
        assert_eq!(t.text(), "x");
        t.right();
        t.right();
        assert_eq!(t.cursor(), 1);
    }

    #[test]
    fn wrapping_and_vertical_moves_keep_clusters_whole() {
        let family = "\u{1f468}\u{200d}\u{1f469}";
        let t = TextInput::with_text(true, &format!("ab{family}c"));
        // The family is four columns here (each person two): it moves whole to the next row.
        let rows: Vec<String> = t.rows(4).into_iter().map(|r| t.row_text(r)).collect();
        assert_eq!(rows, ["ab", family, "c"]);
        let mut t = TextInput::with_text(true, &format!("{family}z\nabcdef"));
        t.home();
        t.right();
        t.right();
        assert!(t.up());
        // Column 2 on the line above falls inside the family: the cursor stops before it.
        assert_eq!(t.cursor(), 0);
    }

    #[test]
    fn up_and_down_keep_the_display_column() {
        let mut t = TextInput::with_text(true, "原因一\nabcdef");
        assert!(t.up());
        assert_eq!(t.cursor(), 3);
        t.home();
        t.right();
        assert!(t.down());
        assert_eq!(t.cursor(), 6);
        assert!(!t.down());
        t.kill_to_start();
        assert_eq!(t.text(), "原因一\ncdef");
    }
}
