//! Everything that can go wrong with the store, each message a sentence saying what was wrong and what to do
//! about it (never a Rust debug structure such as `Os { code: 28, kind: StorageFull, .. }`).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "store {} is in use by another watchdesk process{}; stop it or use `watchdesk attach`",
        dir.display(),
        holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
    )]
    Locked { dir: PathBuf, holder: Option<String> },
    #[error(
        "store {} was written by a newer watchdesk (schema {found}, this build reads up to {supported}); upgrade watchdesk",
        dir.display()
    )]
    TooNew {
        dir: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}", dir_sentence(dir, source))]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// sled refused to open the store: which directory, sled's words, and the way out.
    #[error(
        "the store in {} cannot be opened: {said}. Nothing was changed. The way out: restore the last backup into a new \
         directory with `watchdesk restore BACKUP --data-dir NEW_DIR` and point watchdesk at it{}",
        dir.display(),
        last_backup.as_ref().map(|b| format!(" (the last backup made by watchdesk is {b})")).unwrap_or_else(|| " (no backup made by watchdesk is recorded for this directory)".into())
    )]
    Unopenable {
        dir: PathBuf,
        said: String,
        last_backup: Option<String>,
    },
    #[error("{}", sled_sentence(.0))]
    Sled(#[from] sled::Error),
    #[error("corrupt record in tree `{tree}` at key {key}: {reason}")]
    Corrupt {
        tree: &'static str,
        key: String,
        reason: String,
    },
    #[error("{0}")]
    Backup(String),
    /// The audit key is missing, unreadable, too open, or not the one the chain was written with.
    #[error("{0}")]
    Key(String),
}

impl StoreError {
    /// A sled error met while working in `dir`, with the directory named when it is an I/O error.
    pub fn at(dir: &Path, e: sled::Error) -> StoreError {
        match e {
            sled::Error::Io(source) => StoreError::Io {
                dir: dir.to_path_buf(),
                source,
            },
            other => StoreError::Sled(other),
        }
    }

    /// The disk is full (or the quota used up): the engine keeps retrying instead of giving up.
    pub fn is_disk_full(&self) -> bool {
        let kind = match self {
            StoreError::Io { source, .. } => source.kind(),
            StoreError::Sled(sled::Error::Io(source)) => source.kind(),
            _ => return false,
        };
        matches!(kind, ErrorKind::StorageFull | ErrorKind::QuotaExceeded)
    }
}

/// An I/O error in `dir` as a sentence.
pub(crate) fn dir_sentence(dir: &Path, e: &std::io::Error) -> String {
    let dir = dir.display();
    match e.kind() {
        ErrorKind::StorageFull => {
            format!("the disk holding {dir} is full (no space left on device): free space; nothing was saved")
        }
        ErrorKind::QuotaExceeded => format!(
            "the disk quota of the user owning {dir} is used up: free space or raise the quota; nothing was saved"
        ),
        ErrorKind::PermissionDenied => format!(
            "permission denied in {dir}: watchdesk must run as the user owning it (see `ls -ld {dir}`)"
        ),
        ErrorKind::ReadOnlyFilesystem => {
            format!("{dir} is on a read-only file system: remount it read-write; nothing was saved")
        }
        _ => format!("cannot use data directory {dir}: {}", io_sentence(e)),
    }
}

/// An I/O error without a place, as a sentence (the OS's words, never `Os { .. }`).
pub(crate) fn io_sentence(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::StorageFull => "the disk is full (no space left on device)".into(),
        _ => match e.raw_os_error() {
            // "No such file or directory (os error 2)" → "no such file or directory"
            Some(_) => {
                let text = e.to_string();
                let text = text.split(" (os error").next().unwrap_or(&text).to_string();
                lower_first(&text)
            }
            None => match e.get_ref() {
                Some(inner) => inner.to_string(),
                None => lower_first(&e.to_string()),
            },
        },
    }
}

/// sled's error as a sentence.
pub(crate) fn sled_sentence(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(io) => format!("the store could not be read or written: {}", io_sentence(io)),
        sled::Error::Corruption { at, .. } => match at {
            Some(at) => format!("the store's files hold corrupted data (at {at})"),
            None => "the store's files hold corrupted data".into(),
        },
        sled::Error::CollectionNotFound(name) => {
            format!("the store has no tree {}", String::from_utf8_lossy(name))
        }
        sled::Error::Unsupported(what) => format!("the store refused an operation: {what}"),
        sled::Error::ReportableBug(what) => {
            format!("the storage engine (sled) met an internal error: {what}")
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if chars.clone().next().is_some_and(|n| n.is_lowercase()) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}
