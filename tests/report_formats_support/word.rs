//! A Word document read back with docx-rs into what a reader sees: headings by level, paragraphs, and tables
//! as rows of cell texts.

#![allow(dead_code)]

use docx_rs::{
    DocumentChild, Paragraph, ParagraphChild, RunChild, TableCellContent, TableChild, TableRowChild,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Heading(u8, String),
    Text(String),
    Table(Vec<Vec<String>>),
}

pub fn read(bytes: &[u8]) -> Vec<Part> {
    let docx = docx_rs::read_docx(bytes).expect("a document Word can open");
    docx.document
        .children
        .iter()
        .filter_map(|child| match child {
            DocumentChild::Paragraph(p) => {
                let text = text(p);
                let heading = p
                    .property
                    .style
                    .as_ref()
                    .and_then(|s| s.val.strip_prefix("Heading"))
                    .and_then(|n| n.parse().ok());
                Some(match heading {
                    Some(level) => Part::Heading(level, text),
                    None => Part::Text(text),
                })
            }
            DocumentChild::Table(t) => Some(Part::Table(
                t.rows
                    .iter()
                    .map(|TableChild::TableRow(row)| {
                        row.cells
                            .iter()
                            .map(|TableRowChild::TableCell(cell)| {
                                cell.children
                                    .iter()
                                    .filter_map(|c| match c {
                                        TableCellContent::Paragraph(p) => Some(text(p)),
                                        _ => None,
                                    })
                                    .collect::<Vec<_>>()
                                    .join("\n")
                            })
                            .collect()
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// A paragraph's text, a line break as `\n`.
fn text(p: &Paragraph) -> String {
    let mut out = String::new();
    for child in &p.children {
        if let ParagraphChild::Run(run) = child {
            for c in &run.children {
                match c {
                    RunChild::Text(t) => out.push_str(&t.text),
                    RunChild::Break(_) => out.push('\n'),
                    _ => {}
                }
            }
        }
    }
    out
}

pub fn headings(parts: &[Part]) -> Vec<(u8, String)> {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Heading(l, t) => Some((*l, t.clone())),
            _ => None,
        })
        .collect()
}

pub fn tables(parts: &[Part]) -> Vec<&Vec<Vec<String>>> {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}
