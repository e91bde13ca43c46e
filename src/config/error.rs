//! Config errors that point at the file, line and column, name the key and say what is accepted.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot read config {path}: {}; accepted is a UTF-8 TOML file this user can read (`watchdesk init PATH` \
         writes one)",
        io_reason(.source)
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Box<Located>),
}

/// One problem at one place of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub key: Option<String>,
    pub message: String,
    pub source_line: String,
}

impl ConfigError {
    pub fn at(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        key: Option<&str>,
        message: String,
    ) -> Self {
        let start = span.map(|s| s.start).unwrap_or(0).min(text.len());
        let before = &text[..floor_char_boundary(text, start)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        let source_line = text[line_start..].lines().next().unwrap_or("").to_string();
        let key = key
            .map(str::to_string)
            .or_else(|| key_of_line(&source_line).map(str::to_string));
        ConfigError::Invalid(Box::new(Located {
            path: path.to_path_buf(),
            line,
            column,
            key,
            message,
            source_line,
        }))
    }

    /// The same error with `secret` shown as `***` in the quoted source line: a secret written where it does
    /// not belong is refused without being repeated.
    pub fn hiding(mut self, secret: &str) -> Self {
        if let ConfigError::Invalid(located) = &mut self
            && !secret.is_empty()
        {
            located.source_line = located.source_line.replace(secret, "***");
        }
        self
    }

    /// The location, for tests and for tools that want it.
    pub fn located(&self) -> Option<&Located> {
        match self {
            ConfigError::Invalid(located) => Some(located),
            ConfigError::Read { .. } => None,
        }
    }
}

/// Why a file could not be read or written, in the words of the one who named it: "it is a directory" rather
/// than "os error 21". Callers add what they accept.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied for this user".into(),
        ErrorKind::IsADirectory => "it is a directory, not a file".into(),
        ErrorKind::NotADirectory => "a part of the path is a file, not a directory".into(),
        ErrorKind::InvalidData => "it is not UTF-8 text".into(),
        ErrorKind::StorageFull => "the disk is full".into(),
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
        _ => e.to_string(),
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `interval = "abc"` → `interval`; a table header or a bare value line has no key.
fn key_of_line(line: &str) -> Option<&str> {
    let (lhs, _) = line.split_once('=')?;
    let key = lhs.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then_some(key)
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.column)?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        writeln!(f, "{}", self.message)?;
        writeln!(f, "  {:>4} | {}", self.line, self.source_line)?;
        // Under the column by display width: Chinese text before it takes two cells per character.
        let before: String = self
            .source_line
            .chars()
            .take(self.column.saturating_sub(1))
            .collect();
        let pad = unicode_width::UnicodeWidthStr::width(before.as_str());
        write!(f, "       | {}^", " ".repeat(pad))
    }
}
