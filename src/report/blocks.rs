//! A report as blocks: the Markdown the report renderers write, read back as headings, paragraphs, list items
//! and tables, so the Word and HTML documents say exactly what the Markdown says. Only the small dialect of
//! [`super::markdown`] is read: `#` headings, pipe tables (escaped `\|` and `\\`, `<br>` inside a cell),
//! `- ` items (two spaces more for a nested one, continuation lines indented), `**bold**` and `` `code` ``.

use super::markdown::Align;

/// A run of text with one look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub code: bool,
}

/// A line of text; a block holds one or several (hard breaks).
pub type Line = Vec<Span>;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1 is the document's title.
    Heading {
        level: u8,
        text: Line,
    },
    Paragraph(Vec<Line>),
    /// A list item; depth 0 at the margin.
    Item {
        depth: u8,
        lines: Vec<Line>,
    },
    Table {
        header: Vec<Vec<Line>>,
        align: Vec<Align>,
        rows: Vec<Vec<Vec<Line>>>,
    },
}

/// A block as it is read, a table one row at a time: what a writer needs to turn a long report into another
/// format without holding it.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// A heading, a paragraph or a list item.
    Block(Block),
    TableHead {
        header: Vec<Vec<Line>>,
        align: Vec<Align>,
    },
    TableRow(Vec<Vec<Line>>),
    TableEnd,
}

/// The blocks of a Markdown text written by this crate's renderers.
pub fn parse(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for piece in Pieces::new(
        markdown
            .lines()
            .map(|l| Ok::<_, std::convert::Infallible>(l.to_string())),
    ) {
        let Ok(piece) = piece;
        match piece {
            Piece::Block(b) => blocks.push(b),
            Piece::TableHead { header, align } => blocks.push(Block::Table {
                header,
                align,
                rows: Vec::new(),
            }),
            Piece::TableRow(row) => {
                if let Some(Block::Table { rows, .. }) = blocks.last_mut() {
                    rows.push(row);
                }
            }
            Piece::TableEnd => {}
        }
    }
    blocks
}

/// The pieces of Markdown read line by line (a line that cannot be read ends them with its error).
pub struct Pieces<I: Iterator> {
    lines: std::iter::Peekable<I>,
    in_table: bool,
}

impl<I, E> Pieces<I>
where
    I: Iterator<Item = Result<String, E>>,
{
    pub fn new(lines: I) -> Pieces<I> {
        Pieces {
            lines: lines.peekable(),
            in_table: false,
        }
    }

    /// The next line if `take` accepts it; an error is taken whatever it is.
    fn next_if(&mut self, take: impl FnOnce(&str) -> bool) -> Option<Result<String, E>> {
        self.lines.next_if(|l| l.as_ref().map_or(true, |l| take(l)))
    }
}

impl<I, E> Iterator for Pieces<I>
where
    I: Iterator<Item = Result<String, E>>,
{
    type Item = Result<Piece, E>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.in_table {
            return Some(match self.next_if(|l| l.starts_with('|')) {
                Some(line) => {
                    line.map(|l| Piece::TableRow(cells(&l).iter().map(|c| cell_lines(c)).collect()))
                }
                None => {
                    self.in_table = false;
                    Ok(Piece::TableEnd)
                }
            });
        }
        loop {
            match self.next_if(|l| l.trim().is_empty()) {
                Some(Ok(_)) => {}
                Some(Err(e)) => return Some(Err(e)),
                None => break,
            }
        }
        let line = match self.lines.next()? {
            Ok(line) => line,
            Err(e) => return Some(Err(e)),
        };
        if let Some((level, text)) = heading(&line) {
            return Some(Ok(Piece::Block(Block::Heading {
                level,
                text: inline(text),
            })));
        }
        if line.starts_with('|') {
            return Some(self.table_head(&line));
        }
        if let Some((depth, first)) = item(&line) {
            let mut text = vec![inline(first.trim_end())];
            while let Some(next) = self.next_if(continues) {
                match next {
                    Ok(l) => text.push(inline(l.trim())),
                    Err(e) => return Some(Err(e)),
                }
            }
            return Some(Ok(Piece::Block(Block::Item { depth, lines: text })));
        }
        let mut text = vec![inline(line.trim())];
        while let Some(next) = self.next_if(|l| {
            !l.trim().is_empty() && heading(l).is_none() && !l.starts_with('|') && item(l).is_none()
        }) {
            match next {
                Ok(l) => text.push(inline(l.trim())),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(Piece::Block(Block::Paragraph(text))))
    }
}

impl<I, E> Pieces<I>
where
    I: Iterator<Item = Result<String, E>>,
{
    /// A table's header, and its alignment when the line after it is a rule (else that line is a row).
    fn table_head(&mut self, line: &str) -> Result<Piece, E> {
        self.in_table = true;
        let header = cells(line);
        let rule = self
            .next_if(|l| l.starts_with('|') && is_rule(&cells(l)))
            .transpose()?;
        let mut align: Vec<Align> = rule
            .map(|l| {
                cells(&l)
                    .iter()
                    .map(|c| {
                        if c.ends_with(':') {
                            Align::Right
                        } else {
                            Align::Left
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        align.resize(header.len(), Align::Left);
        Ok(Piece::TableHead {
            header: header.iter().map(|c| cell_lines(c)).collect(),
            align,
        })
    }
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    let rest = line[hashes..].strip_prefix(' ')?;
    (1..=6).contains(&hashes).then_some((hashes as u8, rest.trim()))
}

fn item(line: &str) -> Option<(u8, &str)> {
    let indent = line.bytes().take_while(|b| *b == b' ').count();
    let rest = line[indent..].strip_prefix("- ")?;
    Some(((indent / 2).min(3) as u8, rest))
}

/// A line that carries on the item above it: indented, not an item of its own.
fn continues(line: &str) -> bool {
    line.starts_with("  ") && !line.trim().is_empty() && item(line).is_none()
}

/// The row under a table's header that sets its columns' alignment.
fn is_rule(row: &[String]) -> bool {
    row.iter()
        .all(|c| !c.is_empty() && c.trim_end_matches(':').chars().all(|ch| ch == '-'))
}

/// A cell's lines (`<br>` breaks them).
fn cell_lines(c: &str) -> Vec<Line> {
    c.split("<br>").map(|part| inline(part.trim())).collect()
}

/// The cells of one table row, escapes undone.
fn cells(line: &str) -> Vec<String> {
    let body = line.trim().strip_prefix('|').unwrap_or(line);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n @ ('|' | '\\')) => cur.push(n),
                Some(n) => {
                    cur.push('\\');
                    cur.push(n);
                }
                None => cur.push('\\'),
            },
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// `**bold**` and `` `code` `` in one line; an unmatched marker is kept as text.
pub fn inline(text: &str) -> Line {
    let mut spans: Line = Vec::new();
    let mut push = |text: &str, bold: bool, code: bool| {
        if !text.is_empty() {
            spans.push(Span {
                text: text.to_string(),
                bold,
                code,
            });
        }
    };
    let mut rest = text;
    loop {
        let bold_at = rest.find("**");
        let code_at = rest.find('`');
        let (at, marker) = match (bold_at, code_at) {
            (Some(b), Some(c)) if c < b => (c, "`"),
            (Some(b), _) => (b, "**"),
            (None, Some(c)) => (c, "`"),
            (None, None) => break,
        };
        let after = &rest[at + marker.len()..];
        let Some(end) = after.find(marker) else { break };
        push(&rest[..at], false, false);
        push(&after[..end], marker == "**", marker == "`");
        rest = &after[end + marker.len()..];
    }
    push(rest, false, false);
    spans
}

/// The plain text of a line.
pub fn plain(line: &Line) -> String {
    line.iter().map(|s| s.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::markdown::{block, cell, table as md_table};

    fn texts(cell: &[Line]) -> Vec<String> {
        cell.iter().map(plain).collect()
    }

    #[test]
    fn tables_read_back_their_cells_with_escapes_undone() {
        let mut md = String::from("# Title **x**\n\n");
        md_table(
            &mut md,
            &[("编号 Id", Align::Left), ("扣分", Align::Right)],
            &[vec![cell("a|b\\c"), cell("line1\nline2")]],
        );
        let blocks = parse(&md);
        assert_eq!(blocks.len(), 2);
        let Block::Heading { level: 1, text } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(text[1].text, "x");
        assert!(text[1].bold);
        let Block::Table { header, align, rows } = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(texts(&header[0]), ["编号 Id"]);
        assert_eq!(align, &[Align::Left, Align::Right]);
        assert_eq!(texts(&rows[0][0]), ["a|b\\c"]);
        assert_eq!(texts(&rows[0][1]), ["line1", "line2"]);
    }

    #[test]
    fn items_keep_their_continuation_lines_and_nesting() {
        let md = format!(
            "- Cause: {}\n  - nested `code`\n- 二\n\nplain one\nplain two\n",
            block(Some("first\nsecond"))
        );
        let blocks = parse(&md);
        assert_eq!(
            blocks
                .iter()
                .map(|b| match b {
                    Block::Item { depth, lines } => format!(
                        "{depth}:{}",
                        lines.iter().map(plain).collect::<Vec<_>>().join("/")
                    ),
                    Block::Paragraph(lines) =>
                        format!("p:{}", lines.iter().map(plain).collect::<Vec<_>>().join("/")),
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>(),
            [
                "0:Cause: first/second",
                "1:nested code",
                "0:二",
                "p:plain one/plain two"
            ]
        );
    }

    #[test]
    fn unmatched_markers_stay_text() {
        assert_eq!(plain(&inline("a ** b ` c")), "a ** b ` c");
        let spans = inline("x `y` **z**");
        assert_eq!(
            spans
                .iter()
                .map(|s| (s.text.as_str(), s.bold, s.code))
                .collect::<Vec<_>>(),
            [
                ("x ", false, false),
                ("y", false, true),
                (" ", false, false),
                ("z", true, false)
            ]
        );
    }
}
