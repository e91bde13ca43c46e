//! The records the contract asks for, as data and as text: the daily ledger, the handover summary, the quarterly
//! maintenance report and the assessment score. Each is a struct the dashboard shows and a renderer (Markdown,
//! JSON, CSV) the command line prints; none of them writes to the store.

pub mod availability;
pub mod daily;
pub mod handover;
pub mod markdown;
pub mod osc52;
pub mod quarterly;
pub mod score;

use std::fmt;
use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::span::span;

/// Writes next to the target and renames, so a half-written report never replaces a good one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// An output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            other => Err(format!("unknown format \"{other}\": accepted are md, json, csv")),
        }
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
