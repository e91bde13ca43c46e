//! An editable text: one line or several, with the cursor shown by display width, so Chinese text (two
//! columns a character) edits as expected. The cursor moves, deletes and wraps by grapheme cluster (what a
//! reader sees as one character: a letter with its combining accents, an emoji sequence), never inside one.
//! Pasted text arrives whole. Ctrl-Z undoes: a run of typing (up to a space) or of deleting is one step, a
//! paste or a cut another.

use unicode_segmentation::UnicodeSegmentation;

use crate::tui::text::char_width;

/// Longest text a field takes; a stray paste of a log file must not make the form unusable.
pub const MAX_CHARS: usize = 20_000;

/// Earlier states a field can go back to.
const UNDO_STEPS: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct TextInput {
    chars: Vec<char>,
    /// Index into `chars`: the cursor stands before this character.
    cursor: usize,
    multiline: bool,
    /// States before each step, oldest first, and the run of edits the last one started.
    undo: Vec<(Vec<char>, usize)>,
    run: Option<Run>,
}

/// Edits that make one undo step together when they follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Typing,
    Deleting,
}

/// Two inputs are equal when they show the same; what they could undo to does not count.
impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        (&self.chars, self.cursor, self.multiline) == (&other.chars, other.cursor, other.multiline)
    }
}

impl Eq for TextInput {}

/// One screen row of a wrapped text: `chars[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
}

impl TextInput {
    pub fn new(multiline: bool) -> TextInput {
        TextInput {
            multiline,
            ..TextInput::default()
        }
    }

    /// A field prefilled with `text`; undo does not go back past it.
    pub fn with_text(multiline: bool, text: &str) -> TextInput {
        let mut input = TextInput::new(multiline);
        input.insert(text);
        input.undo.clear();
        input.run = None;
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
        if new.is_empty() {
            return;
        }
        let typing = new.len() == 1 && !new[0].is_whitespace();
        self.remember(typing.then_some(Run::Typing));
        let n = new.len();
        self.chars.splice(self.cursor..self.cursor, new);
        self.cursor += n;
    }

    /// Keeps the state before an edit, unless the edit carries on the run the last kept state began.
    fn remember(&mut self, run: Option<Run>) {
        if run.is_some() && run == self.run {
            return;
        }
        if self.undo.len() == UNDO_STEPS {
            self.undo.remove(0);
        }
        self.undo.push((self.chars.clone(), self.cursor));
        self.run = run;
    }

    /// Goes back one step; false when there is none.
    pub fn undo(&mut self) -> bool {
        let Some((chars, cursor)) = self.undo.pop() else {
            return false;
        };
        self.chars = chars;
        self.cursor = cursor;
        self.run = None;
        true
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
        if start < self.cursor {
            self.remember(Some(Run::Deleting));
            self.chars.drain(start..self.cursor);
            self.cursor = start;
        }
    }

    pub fn delete(&mut self) {
        let end = self.next_boundary(self.cursor);
        if end > self.cursor {
            self.remember(Some(Run::Deleting));
            self.chars.drain(self.cursor..end);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.prev_boundary(self.cursor);
        self.run = None;
    }

    pub fn right(&mut self) {
        self.cursor = self.next_boundary(self.cursor);
        self.run = None;
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
        self.run = None;
    }

    pub fn end(&mut self) {
        self.cursor = self.line_end();
        self.run = None;
    }

    /// Deletes from the start of the line to the cursor (Ctrl-U).
    pub fn kill_to_start(&mut self) {
        let start = self.line_start();
        if start < self.cursor {
            self.remember(None);
            self.chars.drain(start..self.cursor);
            self.cursor = start;
        }
    }

    /// Moves to the line above, keeping the display column; false on the first line.
    pub fn up(&mut self) -> bool {
        let start = self.line_start();
        if start == 0 {
            return false;
        }
        self.run = None;
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
        self.run = None;
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
mod tests;
