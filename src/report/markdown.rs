//! Markdown that survives being pasted into a document: pipe tables with escaped cells, no raw newlines inside
//! a cell.

/// One table cell: pipes escaped, line breaks as `<br>`, never empty (an empty cell collapses in some editors).
pub fn cell(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "—".to_string();
    }
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// Alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A pipe table; `rows` are already rendered cells (use [`cell`] for free text).
pub fn table(out: &mut String, headers: &[(&str, Align)], rows: &[Vec<String>]) {
    table_head(out, headers);
    for row in rows {
        table_row(out, row);
    }
    out.push('\n');
}

/// A table's header and rule; its rows follow, then an empty line ends it.
pub fn table_head(out: &mut String, headers: &[(&str, Align)]) {
    out.push('|');
    for (h, _) in headers {
        out.push_str(&format!(" {h} |"));
    }
    out.push_str("\n|");
    for (_, align) in headers {
        out.push_str(match align {
            Align::Left => "---|",
            Align::Right => "---:|",
        });
    }
    out.push('\n');
}

/// One row of a table.
pub fn table_row(out: &mut String, row: &[String]) {
    out.push('|');
    for c in row {
        out.push_str(&format!(" {c} |"));
    }
    out.push('\n');
}

/// Free text as a block: each line kept (hard breaks, continuation lines indented so a list item holds them),
/// blank text shown as a dash.
pub fn block(text: Option<&str>) -> String {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.lines().map(|l| l.trim_end()).collect::<Vec<_>>().join("  \n  "),
        None => "—".to_string(),
    }
}
