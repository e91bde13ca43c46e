//! The records the contract asks for, as data and as text: the daily ledger, the handover summary, the quarterly
//! maintenance report and the assessment score. Each is a struct the dashboard shows and renderers the command
//! line prints or writes: Markdown and JSON, CSV of the quarter's incidents, and for the client's files Word
//! (`docx`, built from the Markdown's blocks) and a web page with charts (`html`). None of them writes to the
//! store.

pub mod availability;
pub mod blocks;
pub mod csv;
pub mod daily;
pub mod docx;
pub mod handover;
pub mod html;
pub mod markdown;
pub mod osc52;
pub mod quarterly;
pub mod score;
pub mod series;

use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::span::span;

/// Writes next to the target and renames, so a half-written report never replaces a good one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// [`write_atomically`] with the bytes written by `write` as it goes.
pub fn write_atomically_with<E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut out = io::BufWriter::new(tmp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// An output format of a report. Word (`docx`) is binary; the others are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markdown, to read or paste into a document.
    #[value(name = "md", alias = "markdown")]
    #[serde(rename = "md")]
    Markdown,
    /// JSON with every field, for scripts.
    Json,
    /// CSV of the incidents, for a spreadsheet.
    Csv,
    /// A Word document for the client's files.
    Docx,
    /// A web page with charts.
    Html,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Docx => "docx",
            Format::Html => "html",
        }
    }

    /// Bytes a terminal cannot show.
    pub fn is_binary(self) -> bool {
        self == Format::Docx
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A time as the engineer reads it: local, to the minute.
pub fn local(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// A share as a percentage with two decimals, or a dash when unknown.
pub fn percent(share: Option<f64>) -> String {
    share
        .map(|s| format!("{:.2} %", s * 100.0))
        .unwrap_or_else(|| "—".to_string())
}

/// Deadline state in words: `met`, `met late by 1s`, `LATE by 3m00s`, `2h10m left`.
pub fn deadline_words(d: &crate::model::DeadlineStatus) -> String {
    use crate::model::DeadlineState;
    match d.state {
        DeadlineState::Met { .. } => "met".to_string(),
        DeadlineState::Late { at: Some(_), by } => format!("met late by {}", span(by)),
        DeadlineState::Late { at: None, by } => format!("LATE by {}", span(by)),
        DeadlineState::Pending { left } => format!("{} left", span(left)),
    }
}
